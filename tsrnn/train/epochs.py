"""The epoch runner: one training run's moving parts (the network, DDP-wrapped under torchrun, Adam,
the learning-rate schedule, the shuffling generator, the history, early stopping and the top-k
tracker), advanced one epoch at a time by :func:`tsrnn.train.loop.train`.

Symbols: N windows, B batch, T time steps in a window, F input features, K horizon, O targets.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import torch
from torch import nn
from torch.nn import functional as F

from ..base.config import TrainConfig
from .forward import EVAL_CHUNK, predict_windows
from .history import History
from .resume import TrainState
from .topk import TopK, clone_weights

__all__ = ["EpochRunner", "distributed_context"]


def distributed_context() -> tuple[int, int]:
    """(rank, world size) of the current torch.distributed group, or (0, 1) without one."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class EpochRunner:
    """One training run's moving parts: the (DDP-wrapped) network, optimizer, scheduler, generator,
    history and the early-stopping counters; :func:`~tsrnn.train.loop.train` drives it epoch by epoch."""

    def __init__(self, model: nn.Module, X, Y, config: TrainConfig, val_index: torch.Tensor | None) -> None:
        self.model, self.X, self.Y, self.config, self.val_index = model, X, Y, config, val_index
        self.rank, self.world = distributed_context()
        self.device = next(model.parameters()).device
        self.net: nn.Module = model
        if self.world > 1:
            device_ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = nn.parallel.DistributedDataParallel(model, device_ids=device_ids)
        self.generator = torch.Generator().manual_seed(config.seed)
        self.optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.out_kw, self.loss_fn = _objective(model)
        self.has_val = val_index is not None
        self.scheduler = (
            torch.optim.lr_scheduler.ReduceLROnPlateau(
                self.optimizer, factor=0.5, patience=config.lr_patience
            )
            if config.lr_patience is not None and self.has_val
            else None
        )
        self.history, self.best, self.stale = History(), math.inf, 0
        self.best_state = clone_weights(model.state_dict())  # kept if the first epoch diverges
        self.top = TopK(config.average_best)  # with validation: the epochs whose weights are averaged
        self.fixed = () if self.has_val else tuple(config.average_epochs or ())  # without: these epochs'
        self.batch = max(1, config.batch_size // self.world)  # batch_size is the global batch

    def resume(self, saved: TrainState) -> int:
        """Continue from ``saved``; the first epoch still to run."""
        try:
            self.model.load_state_dict(saved.model)
            self.optimizer.load_state_dict(saved.optimizer)
        except (RuntimeError, ValueError) as err:
            from ..base.errors import CheckpointError

            raise CheckpointError(
                f"the saved training state does not fit this model; resume with the settings "
                f"the interrupted fit had (a run from before the linear highway needs "
                f"highway=False): {str(err).splitlines()[0]}"
            ) from err
        self.generator.set_state(saved.generator)
        torch.set_rng_state(saved.rng)
        if self.scheduler is not None and saved.scheduler is not None:
            self.scheduler.load_state_dict(saved.scheduler)
        self.history, self.best, self.stale = saved.history, saved.best, saved.stale
        self.best_state = saved.best_model
        if self.has_val and self.history.best_epoch:
            self.top = TopK(
                self.config.average_best,
                [(saved.best, self.history.best_epoch, saved.best_model), *saved.runners_up],
            )
        elif self.fixed:
            self.top = TopK(len(self.fixed), saved.runners_up)  # the named epochs trained so far
        return (
            saved.epoch + 1 if self.history.stop_reason == "finished" else self.config.epochs + 1
        )  # it had stopped

    def epoch(self, epoch: int, n: int, train_index: torch.Tensor | None) -> tuple[float, float | None]:
        """Train one epoch over this rank's shard of a fresh order; its train and validation losses."""
        start = time.perf_counter()
        order = torch.randperm(n, generator=self.generator)  # the same on every rank
        if train_index is not None:
            order = train_index[order]
        if self.world > 1:
            order = order[
                self.rank : (n // self.world) * self.world : self.world
            ]  # this rank's shard, equal sizes
        total = torch.zeros((), dtype=torch.float64, device=self.device)
        for i in range(0, order.shape[0], self.batch):
            idx = order[i : i + self.batch]
            loss = self.loss_fn(self.net(self.X[idx], **self.out_kw), self.Y[idx])  # vs (B, K, O)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if self.config.clip_norm is not None:
                nn.utils.clip_grad_norm_(self.params, self.config.clip_norm)
            self.optimizer.step()
            total += loss.detach() * idx.shape[0]
        val = (
            _val_loss(self.model, self.X, self.Y, self.val_index) if self.val_index is not None else math.nan
        )
        sums = torch.stack(
            [
                total.cpu(),
                torch.tensor(float(order.shape[0]), dtype=torch.float64),
                torch.tensor(val, dtype=torch.float64),
            ]
        )
        if self.world > 1:
            torch.distributed.all_reduce(sums[:2])
            torch.distributed.broadcast(sums[2:], src=0)  # every rank follows rank 0's validation
        train_loss = float(sums[0] / sums[1])
        val_loss = float(sums[2]) if self.has_val else None
        self.history.records.append(
            {
                "epoch": epoch,
                "train_loss": train_loss,
                "val_loss": val_loss,
                "seconds": time.perf_counter() - start,
            }
        )
        return train_loss, val_loss

    def judge(self, epoch: int, train_loss: float, val_loss: float | None) -> bool:
        """Keep the best epochs, step the scheduler and say whether training stops here."""
        if not math.isfinite(train_loss) or (val_loss is not None and not math.isfinite(val_loss)):
            bad = train_loss if not math.isfinite(train_loss) else val_loss
            self.history.stop_reason = f"diverged: the loss became {bad} in epoch {epoch}; try a lower learning rate than lr={self.config.lr}"
            return True
        score = val_loss if val_loss is not None else train_loss
        if self.scheduler is not None and val_loss is not None:
            self.scheduler.step(val_loss)  # halve the learning rate when validation stalls
        if self.has_val:
            self.top.offer(score, epoch, self.model)
        elif epoch in self.fixed:
            self.top.add(score, epoch, self.model)
        if score < self.best:
            self.best, self.stale, self.history.best_epoch = score, 0, epoch
            self.best_state = self.top.kept[0][2] if self.has_val else clone_weights(self.model.state_dict())
        else:
            self.stale += 1
        patience = self.config.patience
        if self.has_val and patience is not None and self.stale >= patience:
            self.history.stop_reason = f"early stop: no better validation loss for {patience} epochs"
            return True
        return False

    def state(self, epoch: int) -> TrainState:
        """What a checkpoint after ``epoch`` holds."""
        return TrainState(
            epoch,
            self.best,
            self.stale,
            self.history,
            clone_weights(self.model.state_dict()),
            self.best_state,
            self.optimizer.state_dict(),
            self.generator.get_state(),
            torch.get_rng_state(),
            None if self.scheduler is None else self.scheduler.state_dict(),
            self.top.kept[1:] if self.has_val else list(self.top.kept),
        )

    def finish(self, epoch: int) -> History:
        """The trained weights: with validation the best epochs' average; without it the last weights,
        unless they diverged (then the best so far)."""
        if self.has_val and self.top.kept:
            self.history.averaged = self.top.epochs
            if len(self.top.kept) > 1 or self.history.best_epoch != epoch:
                self.model.load_state_dict(self.top.weights())
        elif self.history.stop_reason.startswith("diverged"):
            self.model.load_state_dict(self.best_state)
        elif self.fixed and self.top.kept:  # the evaluated fit's choice of epochs, repeated
            self.history.averaged = sorted(self.top.epochs)
            if self.history.averaged != [epoch]:
                self.model.load_state_dict(self.top.weights())
        self.model.eval()
        return self.history


def _val_loss(model: nn.Module, X: torch.Tensor, Y: torch.Tensor, index: torch.Tensor | None = None) -> float:
    out_kw, loss_fn = _objective(model)
    if index is None:
        return float(loss_fn(predict_windows(model, X, **out_kw), Y.cpu()))
    total = 0.0
    for i in range(0, index.shape[0], EVAL_CHUNK):  # gather one chunk of windows at a time
        chunk = index[i : i + EVAL_CHUNK]
        total += float(loss_fn(predict_windows(model, X[chunk], **out_kw), Y[chunk].cpu(), reduction="sum"))
    return total / (index.shape[0] * Y[0].numel())


def _objective(model: nn.Module) -> tuple[dict, Callable]:
    """What ``model`` is trained on: the forward keyword that makes it return what its loss
    scores, and that loss.  A model with a ``loss_fn`` picks its own (RNNForecaster: MSE, Gaussian
    negative log-likelihood or pinball, see :mod:`tsrnn.nn.heads`); any other is scored by MSE on
    ``model(x) -> (B, K, O)``."""
    loss_fn = getattr(model, "loss_fn", None)
    return ({}, F.mse_loss) if loss_fn is None else ({"distribution": True}, loss_fn)
