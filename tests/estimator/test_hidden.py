"""Per-layer hidden states: RNNForecaster.layer_states and Forecaster.hidden_states."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

import tsrnn
from tsrnn.nn.model import RNNForecaster

H = 5


def _model(cell: str, bidirectional: bool, layers: int = 3, F: int = 3) -> RNNForecaster:
    torch.manual_seed(0)
    return RNNForecaster(
        tsrnn.ModelConfig(
            input_size=F, hidden_size=H, num_layers=layers, cell=cell, bidirectional=bidirectional, horizon=2
        )
    ).eval()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("layers", [1, 3])
def test_layer_states_match_the_stacked_module(cell, bidirectional, layers):
    model = _model(cell, bidirectional, layers)
    D = 2 if bidirectional else 1
    x = torch.randn(4, 9, 3, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        r = model(x, return_states=True)
        states = model.layer_states(x)
    assert len(states) == layers
    for s in states:
        assert s.output.shape == (4, 9, D * H) and s.h_n.shape == (D, 4, H)
    torch.testing.assert_close(states[-1].output, r.output, atol=1e-6, rtol=0)
    torch.testing.assert_close(torch.cat([s.h_n for s in states]), r.h_n, atol=1e-6, rtol=0)
    for s in states:  # the forward half's last step and the backward half's first step are h_n
        torch.testing.assert_close(s.output[:, -1, :H], s.h_n[0], atol=1e-6, rtol=0)
        if bidirectional:
            torch.testing.assert_close(s.output[:, 0, H:], s.h_n[1], atol=1e-6, rtol=0)
    if cell == "lstm":
        torch.testing.assert_close(torch.cat([s.c_n for s in states]), r.c_n, atol=1e-6, rtol=0)
        for s in states:
            assert s.cell.shape == (4, 9, D * H)
            torch.testing.assert_close(s.cell[:, -1, :H], s.c_n[0], atol=1e-6, rtol=0)
            if bidirectional:
                torch.testing.assert_close(s.cell[:, 0, H:], s.c_n[1], atol=1e-6, rtol=0)
    else:
        assert all(s.cell is None and s.c_n is None for s in states)


def test_lstm_cell_states_at_every_step_match_an_lstm_cell():
    model = _model("lstm", False, layers=2)
    x = torch.randn(2, 6, 3, generator=torch.Generator().manual_seed(2))
    step = torch.nn.LSTMCell(3, H)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(step, name).copy_(getattr(model.rnn, f"{name}_l0"))
        h = c = torch.zeros(2, H)
        cells, hiddens = [], []
        for t in range(6):
            h, c = step(x[:, t], (h, c))
            cells.append(c)
            hiddens.append(h)
        first = model.layer_states(x)[0]
    torch.testing.assert_close(first.cell, torch.stack(cells, 1), atol=1e-6, rtol=0)
    torch.testing.assert_close(first.output, torch.stack(hiddens, 1), atol=1e-6, rtol=0)


def test_layer_states_share_the_stack_parameters():
    model = _model("gru", True, layers=2)
    model.layer_states(torch.randn(1, 4, 3))[0].output.sum().backward()
    assert model.rnn.weight_ih_l0.grad is not None and model.rnn.weight_hh_l0_reverse.grad is not None
    assert model.rnn.weight_ih_l1.grad is None  # layer 0's output does not depend on layer 1


def test_layer_states_checks_its_input():
    with pytest.raises(ValueError, match="F = input_size = 3, got shape \\(1, 4, 2\\)"):
        _model("rnn", False).layer_states(torch.zeros(1, 4, 2))


# -- Forecaster.hidden_states ----------------------------------------------------------------------


def test_hidden_states_of_a_window(fitted, fit_frame):
    window = fit_frame.iloc[-10:]
    states = fitted.hidden_states(window)
    assert isinstance(states, list) and len(states) == 1
    assert states[0].shape == (10, 8) and states[0].dtype == np.float32
    assert np.abs(states[0]).max() <= 1.0  # tanh
    # the same window as an array (T, F), a batch (1, T, F) and a tensor
    values = window.to_numpy().copy()
    for same in (values, values[None], torch.from_numpy(values)):
        np.testing.assert_array_equal(fitted.hidden_states(same)[0], states[0])


def test_hidden_states_scale_the_window_like_predict(fitted, fit_frame):
    window = fit_frame.iloc[-10:]
    state = fitted.hidden_states(window)[-1][-1]  # the last layer's last step: what the head reads
    model = fitted.model_
    with torch.no_grad():
        head = model.head(torch.from_numpy(state)).reshape(1, fitted.horizon, -1)
        lags = torch.from_numpy(fitted.scaler_.transform(window.to_numpy()))[None]  # (1, W, F) scaled
        head = (head + model.highway(lags[..., list(model.config.targets)])).numpy()  # + the linear highway
    expected = fitted.predict(window)  # (1, K, O): the one window's forecast, in the data's units
    np.testing.assert_allclose(fitted.scaler_.inverse_transform(head), expected, atol=1e-5)


def test_hidden_states_per_layer_and_lstm_cells(sine_frame):
    model = tsrnn.Forecaster(
        hidden=4, layers=2, cell="lstm", bidirectional=True, window=8, epochs=1, seed=0
    ).fit(sine_frame[:100], progress=False)
    states = model.hidden_states(sine_frame[:8])
    cells = model.hidden_states(sine_frame[:8], cell=True)
    assert [s.shape for s in states] == [(8, 8), (8, 8)] == [c.shape for c in cells]
    assert not np.allclose(states[0], cells[0])
    # a window of any length runs
    assert model.hidden_states(sine_frame[:3])[1].shape == (3, 8)


@pytest.mark.parametrize(
    "window, error, message",
    [
        (
            np.zeros((2, 10, 2)),
            ValueError,
            "one window, of shape \\(T, F\\) or \\(1, T, F\\), got shape \\(2, 10, 2\\)",
        ),
        (np.zeros((10, 3)), tsrnn.DataError, "data has 3 features"),
    ],
)
def test_hidden_states_refuses_what_it_cannot_read(fitted, window, error, message):
    with pytest.raises(error, match=message):
        fitted.hidden_states(window)


def test_hidden_states_needs_a_fitted_lstm_for_cells(fitted):
    with pytest.raises(ValueError, match="cell=True needs an LSTM, but the model's cell is 'rnn'"):
        fitted.hidden_states(np.zeros((10, 2)), cell=True)
    with pytest.raises(tsrnn.NotFittedError, match="not fitted yet"):
        tsrnn.Forecaster().hidden_states(pd.DataFrame(np.zeros((5, 2))))
