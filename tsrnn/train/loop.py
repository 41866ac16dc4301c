"""The training loop: shuffled mini-batches, Adam and the model's loss (MSE for a point forecast),
early stopping, gradient clipping, per-epoch checkpoints that resume bit for bit, and
DistributedDataParallel when launched by torchrun.

It knows nothing model-specific beyond ``model(x) -> (B, K, O)`` (and a model's own ``loss_fn``,
when it has one): windows come in as tensors
``X (N, T, F)`` and ``Y (N, K, O)`` (views of one series; a batch is one index gather).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from ..base.config import TrainConfig

__all__ = ["History", "TrainState", "train", "predict_windows", "roll_windows", "distributed_context"]

_EVAL_CHUNK = 8192  # windows per forward pass when only predicting
STATE_CONFIG = "training.json"  # written last: it names the weights file of its epoch


@dataclass
class History:
    """What training did: one record per epoch, the best epoch, and why it stopped."""

    records: list[dict] = field(default_factory=list)  # epoch, train_loss, val_loss, seconds
    best_epoch: int = 0
    stop_reason: str = "finished"
    averaged: list[int] = field(
        default_factory=list
    )  # the epochs whose weights the model averages, best first
    # The network's share, set by the estimator's fit (None without validation windows, or read from
    # a model file): the trained model's validation MSE of its point forecast, scaled units, and the
    # same of its linear part alone (RNNForecaster.linear_part: the recurrent branch zeroed).
    val_mse: float | None = None
    linear_val_mse: float | None = None

    @property
    def network_gain(self) -> float | None:
        """``1 - val_mse / linear_val_mse``: the share of its linear part's validation error that the
        recurrent network takes off (negative where it adds error); None where either is unknown."""
        if self.val_mse is None or not self.linear_val_mse:
            return None
        return 1.0 - self.val_mse / self.linear_val_mse

    @property
    def train_loss(self) -> list[float]:
        return [r["train_loss"] for r in self.records]

    @property
    def val_loss(self) -> list[float | None]:
        return [r["val_loss"] for r in self.records]

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.records, columns=["epoch", "train_loss", "val_loss", "seconds"])


def _clone(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu", copy=True) for k, v in state.items()}


def _averaged(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of weight dicts; entries that are not floating point (counters) are
    the first state's."""
    if len(states) == 1:
        return states[0]
    return {
        k: torch.stack([s[k] for s in states]).mean(0) if v.is_floating_point() else v
        for k, v in states[0].items()
    }


def _keep(
    kept: list[tuple[float, int, dict]], score: float, epoch: int, model: nn.Module, size: int
) -> list[tuple[float, int, dict]]:
    """``kept`` (score, epoch, weights), best first, with this epoch's weights if they rank among
    the ``size`` lowest scores (a tie keeps the earlier epoch)."""
    if len(kept) >= size and score >= kept[-1][0]:
        return kept
    kept = sorted([*kept, (score, epoch, _clone(model.state_dict()))], key=lambda entry: (entry[0], entry[1]))
    return kept[:size]


@dataclass
class TrainState:
    """Everything needed to continue training exactly where it stopped, after ``epoch`` epochs."""

    epoch: int
    best: float
    stale: int
    history: History
    model: dict[str, torch.Tensor]
    best_model: dict[str, torch.Tensor]
    optimizer: dict
    generator: torch.Tensor
    rng: torch.Tensor
    scheduler: dict | None = None
    # the runners-up of ``average_best``: (score, epoch, weights) after the best, best first
    runners_up: list[tuple[float, int, dict[str, torch.Tensor]]] = field(default_factory=list)

    def save(self, directory: str | os.PathLike, extra: dict | None = None) -> None:
        """Write ``training.safetensors`` + ``training.json`` to ``directory`` (atomically, no pickle)."""
        from ..nn.checkpoint import save_model

        tensors = {f"model.{k}": v for k, v in self.model.items()}
        tensors.update({f"best.{k}": v for k, v in self.best_model.items()})
        for i, (_, _, runner) in enumerate(self.runners_up):
            tensors.update({f"runner{i}.{k}": v for k, v in runner.items()})
        for pid, entry in self.optimizer["state"].items():
            tensors.update({f"optim.{pid}.{k}": torch.as_tensor(v) for k, v in entry.items()})
        tensors["rng.generator"], tensors["rng.global"] = self.generator, self.rng
        meta = {
            "epoch": self.epoch,
            "best": self.best if math.isfinite(self.best) else None,
            "stale": self.stale,
            "param_groups": self.optimizer["param_groups"],
            "scheduler": self.scheduler,
            "history": {
                "records": self.history.records,
                "best_epoch": self.history.best_epoch,
                "stop_reason": self.history.stop_reason,
                "averaged": self.history.averaged,
            },
            "runners_up": [[score, epoch] for score, epoch, _ in self.runners_up],
            "extra": extra or {},
        }
        # Each epoch's weights go to a file of their own; training.json, renamed into place last,
        # names them. An interruption at any moment leaves the previous epoch's pair intact.
        os.makedirs(directory, exist_ok=True)
        weights = f"training-{self.epoch:06d}.safetensors"
        save_model(directory, tensors, dict(meta, weights_file=weights), weights, STATE_CONFIG)
        for old in os.listdir(directory):
            if old.startswith("training-") and old.endswith(".safetensors") and old != weights:
                os.unlink(os.path.join(directory, old))

    @classmethod
    def load(cls, directory: str | os.PathLike) -> tuple[TrainState, dict]:
        """Read a state written by :meth:`save`; returns it and the ``extra`` dict saved with it."""
        from ..base.errors import CheckpointError
        from ..nn.checkpoint import load_model
        from ..nn.schema import read_json

        path = os.path.join(directory, STATE_CONFIG)
        try:
            weights = read_json(path)["weights_file"]
            if not isinstance(weights, str) or os.path.basename(weights) != weights:
                raise TypeError(f"weights_file must be a file name, got {weights!r}")
        except (OSError, KeyError, TypeError) as err:
            raise CheckpointError(f"{path!r} is missing or does not name its weights file: {err}") from err
        tensors, meta = load_model(directory, weights, STATE_CONFIG)
        part = lambda prefix: {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}  # noqa: E731
        optim_state: dict = {}
        for key, value in part("optim.").items():
            pid, name = key.split(".", 1)
            optim_state.setdefault(int(pid), {})[name] = value
        history = History(
            records=meta["history"]["records"],
            best_epoch=meta["history"]["best_epoch"],
            stop_reason=meta["history"].get("stop_reason", "finished"),
            averaged=meta["history"].get("averaged", []),
        )
        best = math.inf if meta["best"] is None else meta["best"]
        runners_up = [
            (score, epoch, part(f"runner{i}.")) for i, (score, epoch) in enumerate(meta.get("runners_up", []))
        ]
        state = cls(
            meta["epoch"],
            best,
            meta["stale"],
            history,
            part("model."),
            part("best."),
            {"state": optim_state, "param_groups": meta["param_groups"]},
            tensors["rng.generator"],
            tensors["rng.global"],
            meta.get("scheduler"),
            runners_up,
        )
        return state, meta.get("extra", {})


def distributed_context() -> tuple[int, int]:
    """(rank, world size) of the current torch.distributed group, or (0, 1) without one."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


@torch.inference_mode()
def predict_windows(model: nn.Module, X: torch.Tensor, distribution: bool = False) -> torch.Tensor:
    """Run ``model`` in eval mode over windows ``X`` (N, T, F) in chunks -> (N, K, O) on the CPU.

    ``distribution=True`` returns a probabilistic head's parameters (N, K, O, P) instead, see
    :meth:`~tsrnn.nn.model.RNNForecaster.forward`.
    """
    device = getattr(model, "device", None) or next(model.parameters()).device  # the first walks no modules
    was_training = model.training
    kw = {"distribution": True} if distribution else {}
    if was_training:  # switching modes walks every submodule: only when needed
        model.eval()
    try:
        if X.shape[0] <= _EVAL_CHUNK:
            return model(X.to(device), **kw).cpu()
        return torch.cat(
            [model(X[i : i + _EVAL_CHUNK].to(device), **kw).cpu() for i in range(0, X.shape[0], _EVAL_CHUNK)]
        )
    finally:
        if was_training:
            model.train()


def roll_windows(
    next_steps: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor, steps: int, target_idx: list[int]
) -> torch.Tensor:
    """The one recursive roll: ``steps`` outputs (N, steps, O) from windows ``X`` (N, W, F).

    ``next_steps(X)`` gives the next k steps (N, k, O) of each window (the network's point
    forecast, or a draw from its distribution); past k each window slides over its own outputs,
    so every input feature must be a target (``target_idx``: their columns).  One network pass per
    k steps.
    """
    W, F = X.shape[1], X.shape[2]
    outputs = [next_steps(X)]
    k = outputs[0].shape[1]
    while len(outputs) * k < steps:
        rows = torch.empty(X.shape[0], k, F)
        rows[:, :, target_idx] = outputs[-1]
        X = torch.cat([X, rows], dim=1)[:, -W:]  # slide the window over the outputs
        outputs.append(next_steps(X))
    out = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=1)
    return out if out.shape[1] == steps else out[:, :steps]


def train(
    model: nn.Module,
    X: torch.Tensor,
    Y: torch.Tensor,
    config: TrainConfig,
    progress: bool = False,
    resume: TrainState | None = None,
    on_epoch: Callable[[TrainState], None] | None = None,
    train_index: torch.Tensor | None = None,
    val_index: torch.Tensor | None = None,
) -> History:
    """Fit ``model`` to windows ``X`` (N, T, F) -> ``Y`` (N, K, O) in place and return its history.

    Each epoch visits the windows in a fresh order drawn from a generator seeded by
    ``config.seed``.  With validation windows, the ``config.average_best`` epochs with the lowest
    validation losses win: the mean of their weights is the trained model (the best epoch's
    weights alone for 1; ``History.averaged`` names the epochs), and ``config.patience`` epochs
    without improvement stop training early; ``config.lr_patience`` epochs without improvement
    halve the learning rate.  A non-finite loss stops training and keeps the best weights so far
    (averaged likewise).

    ``train_index`` / ``val_index`` pick the windows of ``X`` and ``Y`` to train on (default all)
    and to validate with (default none), e.g. windows that stay inside one of several series.

    ``on_epoch`` receives a :class:`TrainState` after every epoch (to checkpoint it); ``resume``
    continues from such a state, ending with the same weights as a run never interrupted.  In a
    torch.distributed group (torchrun), the model is wrapped in DistributedDataParallel and each
    rank trains on its own shard of every epoch's windows, in batches of ``batch_size / world size``
    (so an epoch takes as many optimizer steps as on one process); all ranks follow rank 0's
    validation loss.
    """
    from tqdm.auto import tqdm

    run = _Run(model, X, Y, config, val_index if val_index is not None and val_index.shape[0] else None)
    first = run.resume(resume) if resume is not None else 1
    n = X.shape[0] if train_index is None else train_index.shape[0]
    bar = tqdm(
        range(first, config.epochs + 1),
        desc="training",
        unit="epoch",
        disable=not progress or run.rank != 0,
        leave=False,
    )
    epoch = first - 1
    run.net.train()
    try:
        for epoch in bar:
            train_loss, val_loss = run.epoch(epoch, n, train_index)
            bar.set_postfix(train=f"{train_loss:.4g}", val="-" if val_loss is None else f"{val_loss:.4g}")
            stop = run.judge(epoch, train_loss, val_loss)
            if on_epoch is not None and not run.history.stop_reason.startswith("diverged"):
                on_epoch(run.state(epoch))
            if stop:
                break
    except KeyboardInterrupt:
        run.history.stop_reason = f"interrupted in epoch {epoch}; the last complete epoch is {epoch - 1}"
        raise
    finally:
        bar.close()
    return run.finish(epoch)


class _TopK:
    """The ``size`` epochs with the lowest validation losses: (score, epoch, weights), best first."""

    def __init__(self, size: int, kept: list[tuple[float, int, dict]] | None = None) -> None:
        self.size, self.kept = size, list(kept or [])

    def offer(self, score: float, epoch: int, model: nn.Module) -> None:
        self.kept = _keep(self.kept, score, epoch, model, self.size)

    @property
    def epochs(self) -> list[int]:
        return [e for _, e, _ in self.kept]

    def weights(self) -> dict[str, torch.Tensor]:
        """The mean of the kept epochs' weights."""
        return _averaged([w for _, _, w in self.kept])


class _Run:
    """One training run's moving parts: the (DDP-wrapped) network, optimizer, scheduler, generator,
    history and the early-stopping counters; :func:`train` drives it epoch by epoch."""

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
        self.best_state = _clone(model.state_dict())  # kept if the first epoch diverges
        self.top = _TopK(config.average_best)  # with validation: the epochs whose weights are averaged
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
            self.top = _TopK(
                self.config.average_best,
                [(saved.best, self.history.best_epoch, saved.best_model), *saved.runners_up],
            )
        elif self.fixed:
            self.top = _TopK(len(self.fixed), saved.runners_up)  # the named epochs trained so far
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
            self.top.kept.append((score, epoch, _clone(self.model.state_dict())))
        if score < self.best:
            self.best, self.stale, self.history.best_epoch = score, 0, epoch
            self.best_state = self.top.kept[0][2] if self.has_val else _clone(self.model.state_dict())
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
            _clone(self.model.state_dict()),
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
    for i in range(0, index.shape[0], _EVAL_CHUNK):  # gather one chunk of windows at a time
        chunk = index[i : i + _EVAL_CHUNK]
        total += float(loss_fn(predict_windows(model, X[chunk], **out_kw), Y[chunk].cpu(), reduction="sum"))
    return total / (index.shape[0] * Y[0].numel())


def _objective(model: nn.Module) -> tuple[dict, Callable]:
    """What ``model`` is trained on: the forward keyword that makes it return what its loss
    scores, and that loss.  A model with a ``loss_fn`` picks its own (RNNForecaster: MSE, Gaussian
    negative log-likelihood or pinball, see :mod:`tsrnn.nn.heads`); any other is scored by MSE on
    ``model(x) -> (B, K, O)``."""
    loss_fn = getattr(model, "loss_fn", None)
    return ({}, F.mse_loss) if loss_fn is None else ({"distribution": True}, loss_fn)
