"""The training loop: shuffled mini-batches, Adam and MSE, early stopping, gradient clipping.

It knows nothing model-specific beyond ``model(x) -> (B, K, O)``: windows come in as tensors
``X (N, T, F)`` and ``Y (N, K, O)`` (views of one series; a batch is one index gather).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from .config import TrainConfig

__all__ = ["History", "train", "predict_windows"]

_EVAL_CHUNK = 8192  # windows per forward pass when only predicting


@dataclass
class History:
    """What training did: one record per epoch, the best epoch, and why it stopped."""

    records: list[dict] = field(default_factory=list)  # epoch, train_loss, val_loss, seconds
    best_epoch: int = 0
    stop_reason: str = "finished"

    @property
    def train_loss(self) -> list[float]:
        return [r["train_loss"] for r in self.records]

    @property
    def val_loss(self) -> list[float | None]:
        return [r["val_loss"] for r in self.records]

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.records, columns=["epoch", "train_loss", "val_loss", "seconds"])


@torch.inference_mode()
def predict_windows(model: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """Run ``model`` in eval mode over windows ``X`` (N, T, F) in chunks -> (N, K, O)."""
    was_training = model.training
    model.eval()
    try:
        parts = [model(X[i:i + _EVAL_CHUNK]) for i in range(0, X.shape[0], _EVAL_CHUNK)]
    finally:
        model.train(was_training)
    return torch.cat(parts) if len(parts) > 1 else parts[0]


def _val_loss(model: nn.Module, X: torch.Tensor, Y: torch.Tensor) -> float:
    return float(F.mse_loss(predict_windows(model, X), Y))


def train(model: nn.Module, X: torch.Tensor, Y: torch.Tensor, config: TrainConfig,
          X_val: torch.Tensor | None = None, Y_val: torch.Tensor | None = None,
          progress: bool = False) -> History:
    """Fit ``model`` to windows ``X`` (N, T, F) -> ``Y`` (N, K, O) in place and return its history.

    Each epoch visits the windows in a fresh order drawn from a generator seeded by
    ``config.seed``.  With validation windows, the epoch with the lowest validation loss wins:
    its weights are restored at the end, and ``config.patience`` epochs without improvement stop
    training early.  A non-finite training loss stops training and keeps the best weights so far.
    """
    from tqdm.auto import tqdm

    generator = torch.Generator().manual_seed(config.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    params = [p for p in model.parameters() if p.requires_grad]
    has_val = X_val is not None and Y_val is not None and X_val.shape[0] > 0
    history = History()
    best, stale = math.inf, 0
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}  # kept if epoch 1 diverges
    n, bs = X.shape[0], config.batch_size
    bar = tqdm(range(1, config.epochs + 1), desc="training", unit="epoch", disable=not progress, leave=False)
    model.train()
    for epoch in bar:
        start = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        total = torch.zeros((), dtype=torch.float64)
        for i in range(0, n, bs):
            idx = order[i:i + bs]
            loss = F.mse_loss(model(X[idx]), Y[idx])  # (B, K, O) vs (B, K, O)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.clip_norm is not None:
                nn.utils.clip_grad_norm_(params, config.clip_norm)
            optimizer.step()
            total += loss.detach() * idx.shape[0]
        train_loss = float(total) / n
        val_loss = _val_loss(model, X_val, Y_val) if has_val else None
        history.records.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss,
                                "seconds": time.perf_counter() - start})
        bar.set_postfix(train=f"{train_loss:.4g}", val="-" if val_loss is None else f"{val_loss:.4g}")
        if not math.isfinite(train_loss) or (val_loss is not None and not math.isfinite(val_loss)):
            history.stop_reason = (f"diverged: the loss became {train_loss if not math.isfinite(train_loss) else val_loss} "
                                   f"in epoch {epoch}; try a lower learning rate than lr={config.lr}")
            break
        score = val_loss if val_loss is not None else train_loss
        if score < best:
            best, stale, history.best_epoch = score, 0, epoch
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if has_val and config.patience is not None and stale >= config.patience:
                history.stop_reason = f"early stop: no better validation loss for {config.patience} epochs"
                break
    bar.close()
    diverged = history.stop_reason.startswith("diverged")
    # With validation the best epoch wins; without it the last weights stand unless they diverged.
    if diverged or (has_val and history.best_epoch != epoch):
        model.load_state_dict(best_state)
    model.eval()
    return history
