"""tsrnn.train.resume: the training state saved after every epoch, and a fit resumed from it."""

from __future__ import annotations

import pytest
import torch

from tsrnn import Forecaster, multi_sine
from tsrnn.base.config import ModelConfig, TrainConfig
from tsrnn.nn import checkpoint
from tsrnn.nn.model import RNNForecaster
from tsrnn.train.loop import train
from tsrnn.train.resume import TrainState


def test_an_interruption_between_the_two_checkpoint_files_keeps_the_previous_epoch(tmp_path, monkeypatch):
    df = multi_sine(300, 1, noise=0.1, seed=0)
    Forecaster(epochs=2, hidden=4, window=8).fit(df, checkpoint_dir=tmp_path)
    before, _ = TrainState.load(tmp_path)
    assert before.epoch == 2
    real_write = checkpoint.write_atomic

    def interrupted(path, data):  # the weights land, then Ctrl-C before training.json
        if str(path).endswith("training.json"):
            raise KeyboardInterrupt
        real_write(path, data)

    monkeypatch.setattr(checkpoint, "write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Forecaster(epochs=3, hidden=4, window=8).fit(df, checkpoint_dir=tmp_path, resume=True)
    monkeypatch.setattr(checkpoint, "write_atomic", real_write)
    after, _ = TrainState.load(tmp_path)  # still the consistent epoch-2 pair
    assert after.epoch == 2 and after.history.train_loss == before.history.train_loss


def test_a_run_without_validation_averages_the_epochs_it_is_told(tmp_path):
    torch.manual_seed(0)
    X, Y = torch.randn(64, 6, 1), torch.randn(64, 1, 1)
    weights = {}

    def fit(config, **kw):
        torch.manual_seed(1)
        model = RNNForecaster(ModelConfig(input_size=1, hidden_size=3, num_layers=1))
        return model, train(model, X, Y, config, **kw)

    config = TrainConfig(epochs=5, batch_size=16, average_epochs=(2, 4, 5), seed=0)
    model, history = fit(config, on_epoch=lambda state: weights.setdefault(state.epoch, state.model))
    assert history.averaged == [2, 4, 5] and len(history.records) == 5
    for name, value in model.state_dict().items():
        torch.testing.assert_close(value, torch.stack([weights[e][name] for e in (2, 4, 5)]).mean(0))
    # an interruption after epoch 3 (its checkpoint written), then a resume, ends with the same average
    fit(config, on_epoch=lambda state: state.save(tmp_path / "ckpt") if state.epoch == 3 else None)
    resumed, again = fit(config, resume=TrainState.load(tmp_path / "ckpt")[0])
    assert again.averaged == [2, 4, 5]
    for name, value in resumed.state_dict().items():
        torch.testing.assert_close(value, model.state_dict()[name])
    with pytest.raises(ValueError, match=r"average_epochs must name epochs from 1 to epochs=5"):
        TrainConfig(epochs=5, average_epochs=(6,))
