"""Streaming: carry the recurrent state from one observation to the next instead of re-reading a
window.  :func:`start` reads a history once; :func:`step` costs one recurrent step per new
observation."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from ..base import checks
from ..base.errors import DataError, TsrnnError
from . import running
from .intake import data_panel

__all__ = ["StreamState", "start", "step"]


class StreamState(NamedTuple):
    """Recurrent state carried between :meth:`Forecaster.step` calls, and the forecast it implies."""

    hidden: object  # h_n (L, 1, H), or (h_n, c_n) for an LSTM
    prediction: np.ndarray  # (K, O) in the data's units
    lags: torch.Tensor | None = None  # (1, k, F) the last k scaled inputs, for a model with a highway
    step: int = 0  # the calendar step number of the last observation read (tsrnn.data.calendar.step_numbers)


def check_streamable(est) -> None:
    if est.known_idx_:
        raise TsrnnError("streaming reads one new step at a time, and this model also reads the known inputs "
                         "of the steps it forecasts; use forecast(steps, future=...) instead")
    if est.model_.config.relative:
        raise TsrnnError("streaming needs absolute inputs: a relative model (the default) re-levels every "
                         "window to its last value, so a carried state cannot continue it; fit with "
                         "relative=False (--absolute) to stream")
    if est.model_.config.bidirectional:
        raise TsrnnError("streaming needs a unidirectional network: a bidirectional one reads each "
                         "window backwards too, so a new step changes every earlier state")


def _advance(est, x: torch.Tensor, hidden, lags: torch.Tensor | None, step: int) -> StreamState:
    """Read the scaled steps ``x`` (T, F), the last at calendar step ``step``."""
    with torch.inference_mode():
        r = est.model_(x[None], return_states=True, hx=hidden, lags=lags)  # (1, T, F) -> (1, K, O)
    hidden = r.h_n if r.c_n is None else (r.h_n, r.c_n)
    return StreamState(hidden, running.unscale(est, r.prediction, None, np.array([step + 1]))[0], lags, step)


def start(est, history, warmup: int | None = None) -> StreamState:
    """See :meth:`Forecaster.start`."""
    check_streamable(est)
    panel, rows, _ = data_panel(est, history)
    values = panel.values
    warmup = est.window_ if warmup is None else checks.positive_int("warmup", warmup)
    if values.shape[0] < warmup:
        raise DataError(f"history has {values.shape[0]} time steps; warmup={warmup} needs at least {warmup}")
    k = est.model_.config.highway
    if values.shape[0] < k:
        raise DataError(f"history has {values.shape[0]} time steps; the model's linear highway reads the last "
                        f"{k}, so streaming needs at least {k}")
    codes, steps = running.row_steps(panel, rows)
    read = slice(-max(warmup, k), None)
    scaled = running.scaled(est, values[read], codes[read], steps[read])  # what the network and the highway read
    return _advance(est, scaled[-warmup:], None, scaled[-k:][None] if k else None, int(steps[-1]))  # lags (1, k, F)


def step(est, x_t, state: StreamState) -> tuple[np.ndarray, StreamState]:
    """See :meth:`Forecaster.step`."""
    if not isinstance(state, StreamState):
        raise TypeError(f"state must come from Forecaster.start or step, got {type(state).__name__}")
    at = np.array([state.step + 1])
    x = data_panel(est, np.asarray(x_t, dtype=np.float32).reshape(1, -1))[0].values
    x = running.scaled(est, x, np.zeros(1, np.int64), at)  # (1, F)
    lags = None if state.lags is None else torch.cat([state.lags[:, 1:], x[None]], 1)  # slide by one step
    state = _advance(est, x, state.hidden, lags, state.step + 1)
    return state.prediction, state
