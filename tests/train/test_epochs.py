"""tsrnn.train.epochs: the EpochRunner's epoch (its recorded losses, gradient clipping), its judgement
(early stopping, divergence, the best epoch), the weights it finishes with, and the validation loss
gathered in chunks."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from tsrnn.base.config import TrainConfig
from tsrnn.train import epochs
from tsrnn.train.epochs import EpochRunner, _val_loss, distributed_context


class _Linear(nn.Module):
    """y = w * last input step, w starting at ``w``."""

    def __init__(self, w: float = 0.0) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor([w]))

    def forward(self, x):
        return x[:, -1:, :] * self.w


X = torch.linspace(0.5, 1.5, 8 * 3).reshape(8, 3, 1)  # (N, T, F)
Y = 2.0 * X[:, -1:, :]  # (N, K=1, O=1): w = 2 fits exactly


def _w(run: EpochRunner) -> nn.Parameter:
    """The runner's one weight."""
    assert isinstance(run.model, _Linear)
    return run.model.w


def _grad(run: EpochRunner) -> torch.Tensor:
    grad = _w(run).grad
    assert grad is not None
    return grad


def _runner(val: bool = True, **kw) -> EpochRunner:
    cfg = TrainConfig(**{"epochs": 10, "batch_size": 8, "lr": 0.1, "seed": 0, "average_best": 1, **kw})
    return EpochRunner(_Linear(), X, Y, cfg, torch.arange(8) if val else None)


def test_without_torchrun_there_is_one_rank():
    assert distributed_context() == (0, 1)
    run = _runner()
    assert (run.rank, run.world, run.net is run.model) == (0, 1, True)


def test_an_epoch_records_the_loss_before_its_step_and_validates_after_it():
    run = _runner(clip_norm=None)
    with torch.no_grad():
        before = float(F.mse_loss(run.model(X), Y))  # one batch: the loss of w = 0
    train_loss, val_loss = run.epoch(1, 8, None)
    assert train_loss == pytest.approx(before)
    with torch.no_grad():
        assert val_loss == pytest.approx(float(F.mse_loss(run.model(X), Y)))
    assert _w(run).item() == pytest.approx(0.1)  # Adam's first step is lr in size
    assert val_loss is not None and val_loss < train_loss
    (record,) = run.history.records
    assert (record["epoch"], record["train_loss"], record["val_loss"]) == (1, train_loss, val_loss)
    assert record["seconds"] >= 0


def test_gradients_are_clipped_to_clip_norm():
    clipped, raw = _runner(clip_norm=0.5), _runner(clip_norm=None)
    clipped.epoch(1, 8, None)
    raw.epoch(1, 8, None)
    raw_norm = float(_grad(raw).norm())
    assert raw_norm > 1.0  # d/dw of the MSE at w = 0 is large
    assert float(_grad(clipped).norm()) == pytest.approx(0.5)
    torch.testing.assert_close(_grad(clipped), _grad(raw) * (0.5 / raw_norm))


def test_judge_stops_after_patience_epochs_without_a_better_validation_loss():
    run = _runner(patience=2, lr_patience=None)
    assert not run.judge(1, 1.0, 0.5)
    assert not run.judge(2, 1.0, 0.6)
    assert not run.judge(3, 1.0, 0.4)  # better: the count starts again
    assert not run.judge(4, 1.0, 0.45)
    assert run.judge(5, 1.0, 0.41)
    assert run.history.stop_reason == "early stop: no better validation loss for 2 epochs"
    assert (run.history.best_epoch, run.best, run.stale) == (3, 0.4, 2)


def test_without_validation_patience_does_not_stop_training():
    run = _runner(val=False, patience=1)
    assert not any(run.judge(epoch, 1.0 + epoch, None) for epoch in range(1, 6))
    assert (run.history.best_epoch, run.stale, run.history.stop_reason) == (1, 4, "finished")


def test_judge_stops_on_a_non_finite_loss():
    run = _runner()
    assert run.judge(3, 0.5, math.inf)
    assert (
        run.history.stop_reason
        == "diverged: the loss became inf in epoch 3; try a lower learning rate than lr=0.1"
    )


def test_the_learning_rate_is_halved_when_validation_stalls():
    run = _runner(patience=None, lr_patience=1)
    for epoch, val in enumerate([0.5, 0.6, 0.7], start=1):
        run.judge(epoch, 1.0, val)
    assert run.optimizer.param_groups[0]["lr"] == pytest.approx(0.05)


def test_finish_without_validation_restores_the_best_weights_after_divergence():
    run = _runner(val=False)
    _w(run).data.fill_(1.5)
    run.judge(1, 0.2, None)  # the best so far: w = 1.5 kept
    _w(run).data.fill_(7.0)
    assert run.judge(2, math.nan, None)
    h = run.finish(2)
    assert _w(run).item() == 1.5 and not run.model.training
    assert h.stop_reason.startswith("diverged") and h.best_epoch == 1


def test_the_validation_loss_in_chunks_equals_one_pass(monkeypatch):
    model, index = _Linear(1.5), torch.tensor([7, 0, 3, 5, 1])
    with torch.no_grad():
        expected = float(F.mse_loss(model(X[index]), Y[index]))
    monkeypatch.setattr(epochs, "EVAL_CHUNK", 2)  # 3 chunks: 2 + 2 + 1
    assert _val_loss(model, X, Y, index) == pytest.approx(expected)
    assert _val_loss(model, X[index], Y[index]) == pytest.approx(expected)
