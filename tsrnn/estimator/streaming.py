"""Streaming: carry the recurrent state from one observation to the next instead of re-reading a
window.  :func:`start` reads every series' history once; :func:`step` costs one recurrent step per
new observation, for all S series the state carries in one batch (S = 1 for a single series)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from ..base import checks
from ..base.errors import DataError, TsrnnError
from ..data.seasonal_indices import first_steps
from . import rollout
from .intake import data_panel, observations

__all__ = ["StreamState", "start", "step"]


class StreamState(NamedTuple):
    """Recurrent state carried between :meth:`Forecaster.step` calls, and the forecast it implies.

    The batch axis of ``hidden`` and ``lags`` holds the S series of ``ids``, in that order.
    """

    hidden: object  # h_n (L, S, H), or (h_n, c_n) for an LSTM
    prediction: np.ndarray | dict  # (K, O) in the data's units; long data: unique_id -> (K, O)
    lags: torch.Tensor | None = None  # (S, k, F) the last k scaled inputs, for a model with a highway
    ids: tuple = (None,)  # the S series' unique_id (None for a series without one)
    steps: np.ndarray | None = None  # (S,) calendar step number of each series' last observation read


def check_streamable(est) -> None:
    if est.known_idx_:
        raise TsrnnError(
            "streaming reads one new step at a time, and this model also reads the known inputs "
            "of the steps it forecasts; use forecast(steps, future=...) instead"
        )
    if est.model_.config.relative:
        raise TsrnnError(
            "streaming needs absolute inputs: a relative model (the default) re-levels every "
            "window to its last value, so a carried state cannot continue it; fit with "
            "relative=False to stream"
        )
    if est.model_.config.bidirectional:
        raise TsrnnError(
            "streaming needs a unidirectional network: a bidirectional one reads each "
            "window backwards too, so a new step changes every earlier state"
        )


def _advance(
    est, x: torch.Tensor, hidden, lags: torch.Tensor | None, ids: tuple, rows: np.ndarray, steps: np.ndarray
) -> StreamState:
    """The state after the scaled steps ``x`` (S, T, F) of the series ``ids`` (at ``rows`` of
    ``est.state_``), the last of them at calendar steps ``steps`` (S,)."""
    with torch.inference_mode():
        r = est.model_(x, return_states=True, hx=hidden, lags=lags)  # (S, T, F) -> (S, K, O)
    hidden = r.h_n if r.c_n is None else (r.h_n, r.c_n)
    predicted = rollout.unscale(est, r.prediction, rows, steps + 1)  # (S, K, O) in each series' units
    return StreamState(
        hidden, dict(zip(ids, predicted, strict=False)) if est.long_ else predicted[0], lags, ids, steps
    )


def start(est, history, warmup: int | None = None) -> StreamState:
    """See :meth:`Forecaster.start`."""
    check_streamable(est)
    panel, rows, _ = data_panel(est, history)
    warmup = est.window_ if warmup is None else checks.positive_int("warmup", warmup)
    k = est.model_.config.highway
    for need, why in (
        (warmup, f"warmup={warmup} needs at least {warmup}"),
        (k, f"the model's linear highway reads the last {k}, so streaming needs at least {k}"),
    ):
        short = np.flatnonzero(panel.lengths < need)
        if short.size:
            who = "history" if not est.long_ else f"series {panel.ids[short[0]]!r}"
            raise DataError(f"{who} has {int(panel.lengths[short[0]])} time steps; {why}")
    n, S, F = max(warmup, k), panel.n_series, panel.values.shape[1]
    last = first_steps(panel) + panel.lengths - 1  # (S,) each history's last calendar step
    tails = panel.tails(n).reshape(S * n, F)  # what the network and the highway read
    scaled = rollout.scaled(est, tails, np.repeat(rows, n), rollout.tail_steps(last + 1, n)).reshape(S, n, F)
    return _advance(
        est, scaled[:, -warmup:], None, scaled[:, -k:] if k else None, tuple(panel.ids), rows, last
    )


def step(est, x_t, state: StreamState) -> tuple[np.ndarray | dict, StreamState]:
    """See :meth:`Forecaster.step`."""
    if not isinstance(state, StreamState):
        raise checks.invalid(
            "state", f"state must come from Forecaster.start or step, got {type(state).__name__}"
        )
    rows = np.array([est.state_.position(uid) for uid in state.ids], dtype=np.int64)
    at = (np.zeros(len(state.ids), np.int64) if state.steps is None else state.steps) + 1  # (S,) the new step
    x = rollout.scaled(est, observations(est, x_t, list(state.ids)), rows, at)  # (S, F)
    lags = None if state.lags is None else torch.cat([state.lags[:, 1:], x[:, None]], 1)  # slide by one step
    state = _advance(est, x[:, None], state.hidden, lags, state.ids, rows, at)
    return state.prediction, state
