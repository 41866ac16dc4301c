"""tsrnn.train.forward: predict_windows (eval mode, chunked passes, the distribution's parameters) and
roll_windows (the one recursive roll) against a hand-rolled forecast."""

from __future__ import annotations

import torch

from tsrnn.base.config import ModelConfig
from tsrnn.nn.model import RNNForecaster
from tsrnn.train import forward
from tsrnn.train.forward import predict_windows, roll_windows


def _model(**kw) -> RNNForecaster:
    torch.manual_seed(0)
    return RNNForecaster(
        ModelConfig(input_size=2, hidden_size=4, horizon=2, output_size=1, targets=(0,), **kw)
    )


def test_predict_windows_in_chunks_equals_one_pass(monkeypatch):
    model, X = _model(), torch.randn(10, 5, 2)
    one_pass = predict_windows(model, X)
    monkeypatch.setattr(forward, "EVAL_CHUNK", 3)  # 4 chunks: 3 + 3 + 3 + 1
    chunked = predict_windows(model, X)
    assert chunked.shape == (10, 2, 1)
    torch.testing.assert_close(chunked, one_pass)
    with torch.no_grad():
        torch.testing.assert_close(chunked, model.eval()(X))


def test_predict_windows_runs_in_eval_mode_and_restores_training():
    model, X = _model(num_layers=2, dropout=0.9), torch.randn(6, 5, 2)
    model.train()
    first, second = predict_windows(model, X), predict_windows(model, X)
    torch.testing.assert_close(first, second)  # no dropout: eval mode
    assert model.training
    model.eval()
    predict_windows(model, X)
    assert not model.training


def test_predict_windows_returns_the_distribution_parameters():
    model, X = _model(loss="gaussian"), torch.randn(7, 5, 2)
    params = predict_windows(model, X, distribution=True)
    assert params.shape == (7, 2, 1, 2)  # (N, K, O, P): mean and scale
    with torch.no_grad():
        torch.testing.assert_close(params, model.eval()(X, distribution=True))
    assert not params.requires_grad


def _next_two(x: torch.Tensor) -> torch.Tensor:
    """Two steps (N, 2, O=2) from a window (N, W, F=2): the last two rows reversed, plus the first row."""
    return x[:, -2:, :].flip(1) + x[:, :1, :]


def test_roll_windows_equals_a_hand_rolled_recursive_forecast():
    X = torch.arange(2 * 3 * 2, dtype=torch.float32).reshape(2, 3, 2)  # N=2, W=3, F=2
    target_idx = [1, 0]  # output column 0 is feature 1, column 1 feature 0
    calls = []

    def next_steps(x):
        calls.append(x.clone())
        return _next_two(x)

    rolled = roll_windows(next_steps, X, steps=5, target_idx=target_idx)
    expected = []
    for window in X:  # one window at a time, step by step
        history, outputs = list(window), list[torch.Tensor]()
        while len(outputs) < 5:
            step = _next_two(torch.stack(history[-3:])[None])[0]
            for row in step:
                outputs.append(row)
                history.append(row[[1, 0]])  # back to feature order
        expected.append(torch.stack(outputs[:5]))
    assert rolled.shape == (2, 5, 2)
    torch.testing.assert_close(rolled, torch.stack(expected))
    assert len(calls) == 3  # one pass per 2 steps: ceil(5 / 2)
    torch.testing.assert_close(calls[0], X)


def test_roll_windows_within_one_pass_trims_to_the_steps():
    X = torch.randn(4, 3, 2)
    rolled = roll_windows(_next_two, X, steps=1, target_idx=[0, 1])
    torch.testing.assert_close(rolled, _next_two(X)[:, :1])
    torch.testing.assert_close(roll_windows(_next_two, X, steps=2, target_idx=[0, 1]), _next_two(X))
