"""The training loop: shuffled mini-batches, Adam and the model's loss (MSE for a point forecast),
early stopping, gradient clipping, per-epoch checkpoints that resume bit for bit, and
DistributedDataParallel when launched by torchrun.

It knows nothing model-specific beyond ``model(x) -> (B, K, O)`` (and a model's own ``loss_fn``,
when it has one): windows come in as tensors ``X (N, T, F)`` and ``Y (N, K, O)`` (views of one
series; a batch is one index gather).  :func:`train` drives the epochs; the epoch runner
(:mod:`~tsrnn.train.epochs`), the top-k tracker (:mod:`~tsrnn.train.topk`) and the saved state it
resumes from (:mod:`~tsrnn.train.resume`) each have their module.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..base.config import TrainConfig
from .epochs import EpochRunner
from .history import History
from .resume import TrainState

__all__ = ["train"]


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

    run = EpochRunner(
        model, X, Y, config, val_index if val_index is not None and val_index.shape[0] else None
    )
    first = run.resume(resume) if resume is not None else 1
    n = X.shape[0] if train_index is None else train_index.shape[0]
    epochs = range(first, config.epochs + 1)
    bar = tqdm(epochs, desc="training", unit="epoch", disable=not progress or run.rank != 0, leave=False)
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
