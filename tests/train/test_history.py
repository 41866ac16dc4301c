"""tsrnn.train.history: History's records, its loss lists and frame, and the network's share of the
validation error; and the history a real training run writes."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import torch

from tsrnn.base.config import ModelConfig, TrainConfig
from tsrnn.nn.model import RNNForecaster
from tsrnn.train.history import History
from tsrnn.train.loop import train

RECORDS = [
    {"epoch": 1, "train_loss": 0.9, "val_loss": 1.1, "seconds": 0.25},
    {"epoch": 2, "train_loss": 0.5, "val_loss": 0.7, "seconds": 0.5},
]


def test_an_empty_history():
    h = History()
    assert (h.records, h.best_epoch, h.stop_reason, h.averaged) == ([], 0, "finished", [])
    assert h.train_loss == [] and h.val_loss == []
    assert list(h.to_frame().columns) == ["epoch", "train_loss", "val_loss", "seconds"]
    assert h.to_frame().empty


def test_the_loss_lists_and_the_frame_follow_the_records():
    h = History(records=[dict(r) for r in RECORDS], best_epoch=2)
    assert h.train_loss == [0.9, 0.5]
    assert h.val_loss == [1.1, 0.7]
    expected = pd.DataFrame(
        {"epoch": [1, 2], "train_loss": [0.9, 0.5], "val_loss": [1.1, 0.7], "seconds": [0.25, 0.5]}
    )
    pd.testing.assert_frame_equal(h.to_frame(), expected)


def test_without_validation_the_val_losses_are_none():
    h = History(records=[{"epoch": 1, "train_loss": 0.3, "val_loss": None, "seconds": 0.1}])
    assert h.val_loss == [None]
    assert h.to_frame()["val_loss"].isna().all()


@pytest.mark.parametrize(
    ("val", "linear", "gain"),
    [(0.5, 2.0, 0.75), (3.0, 2.0, -0.5), (None, 2.0, None), (0.5, None, None), (0.5, 0.0, None)],
)
def test_network_gain(val, linear, gain):
    h = History(val_mse=val, linear_val_mse=linear)
    assert h.network_gain == (None if gain is None else pytest.approx(gain))


def test_a_training_run_records_every_epoch():
    torch.manual_seed(0)
    X, Y = torch.randn(32, 4, 1), torch.randn(32, 1, 1)
    model = RNNForecaster(ModelConfig(input_size=1, hidden_size=3, horizon=1, output_size=1, targets=(0,)))
    cfg = TrainConfig(epochs=3, batch_size=8, patience=None, average_best=1)
    h = train(model, X, Y, cfg, train_index=torch.arange(24), val_index=torch.arange(24, 32))
    assert [r["epoch"] for r in h.records] == [1, 2, 3]
    assert all(math.isfinite(r["train_loss"]) and r["seconds"] >= 0 for r in h.records)
    assert h.best_epoch == min(range(1, 4), key=lambda e: h.val_loss[e - 1] or math.inf)
    assert h.stop_reason == "finished" and h.averaged == [h.best_epoch]
    assert h.to_frame()["train_loss"].tolist() == h.train_loss
