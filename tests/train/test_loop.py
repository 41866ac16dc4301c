"""tsrnn.train.loop: train() on windows, divergence and the averaged weights of the best epochs."""

from __future__ import annotations

import torch
from torch import nn

from tsrnn.base.config import ModelConfig, TrainConfig
from tsrnn.nn.model import RNNForecaster
from tsrnn.train.history import History
from tsrnn.train.loop import train


class _NanFromCall(nn.Module):
    """y = w * last input step; from training call ``nan_from`` on the output is NaN."""

    def __init__(self, nan_from: int) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))
        self.nan_from, self.calls, self.seen = nan_from, 0, []

    def forward(self, x):
        if self.training:
            self.calls += 1
            self.seen.append(self.w.detach().clone())
            if self.calls >= self.nan_from:
                return x[:, -1:, :] * self.w * float("nan")
        return x[:, -1:, :] * self.w


def test_train_stops_on_nan_and_restores_the_best_weights():
    X = torch.linspace(0.5, 1.5, 8 * 3).reshape(8, 3, 1)  # (N, T, F)
    Y = 2.0 * X[:, -1:, :]  # (N, K=1, O=1)
    model = _NanFromCall(nan_from=3)
    cfg = TrainConfig(epochs=10, batch_size=8, lr=0.1, seed=0, average_best=1)  # one step per epoch
    h = train(model, X, Y, cfg, val_index=torch.arange(8))
    assert isinstance(h, History)
    assert len(h.records) == 3
    assert h.stop_reason == "diverged: the loss became nan in epoch 3; try a lower learning rate than lr=0.1"
    assert h.best_epoch == 2
    torch.testing.assert_close(model.w.detach(), model.seen[2])  # the weights after epoch 2's step
    assert torch.isfinite(model.w).all()


def test_a_diverged_run_averages_the_finite_epochs_it_kept():
    X = torch.linspace(0.5, 1.5, 8 * 3).reshape(8, 3, 1)  # (N, T, F)
    Y = 2.0 * X[:, -1:, :]
    model = _NanFromCall(nan_from=3)
    h = train(model, X, Y, TrainConfig(epochs=10, batch_size=8, lr=0.1, seed=0), val_index=torch.arange(8))
    assert h.stop_reason.startswith("diverged") and h.best_epoch == 2 and h.averaged == [2, 1]
    torch.testing.assert_close(model.w.detach(), (model.seen[1] + model.seen[2]) / 2)


def test_the_model_averages_the_weights_of_the_best_epochs():
    torch.manual_seed(0)
    X, Y = torch.randn(64, 6, 2), torch.randn(64, 2, 1)  # noise: the validation loss wanders
    model = RNNForecaster(ModelConfig(input_size=2, hidden_size=4, horizon=2, output_size=1, targets=(0,)))
    weights = {}
    h = train(
        model,
        X,
        Y,
        TrainConfig(epochs=8, batch_size=16, lr=0.05, patience=None, average_best=3),
        train_index=torch.arange(48),
        val_index=torch.arange(48, 64),
        on_epoch=lambda state: weights.setdefault(state.epoch, state.model),
    )
    order = sorted(range(1, 9), key=lambda e: (h.val_loss[e - 1], e))
    assert h.averaged == order[:3] and h.best_epoch == order[0]
    for name, value in model.state_dict().items():
        expected = torch.stack([weights[e][name] for e in order[:3]]).mean(0)
        torch.testing.assert_close(value, expected, msg=name)
    assert h.averaged != [8, 7, 6], "the case should average epochs other than the last ones"
