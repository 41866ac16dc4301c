"""Forecasts of every series of a panel in batched passes: ``predict`` (every window),
``forecast`` (continuing each series), their quantiles and sample paths, and hidden states.

One code path for one series and for many: the data becomes panel rows (:mod:`.intake`), the
windows an index over them, the network runs once per k steps over all windows (:mod:`.rollout`),
and each series' statistics bring the outputs back to its units.
"""

from __future__ import annotations

import numpy as np
import torch

from ..base import checks
from ..base.errors import TsrnnError
from ..data.index_specs import future_index, future_labels
from ..data.panel import panel_windows
from ..data.precision import decimals, round_to
from ..data.seasonal_indices import first_steps
from ..data.windows import make_windows
from ..evaluation.conformal import interval_columns
from ..evaluation.probabilistic import level_label
from . import rollout
from .calibration import intervals
from .intake import data_panel, future_of

__all__ = [
    "predict",
    "predict_quantiles",
    "forecast",
    "sample_paths",
    "hidden_states",
    "require_distribution",
    "forecast_ids",
    "FORECAST_COLUMN",
]

FORECAST_COLUMN = "tsrnn"  # the forecasts' column; intervals add tsrnn-lo-80, tsrnn-hi-80, ...


def _every_window(est, data, future):
    """Scaled windows (N, W, F) of every series of ``data``, each window's series position (N,),
    the calendar step its forecast starts at (N,), and how many windows each series has (S,)."""
    panel, rows, specs = data_panel(est, data, "predict")
    W = est.window_
    fut = None if future is None else future_of(est, future, panel.ids, specs)
    inputs = rollout.network_inputs(est, panel.values, fut, lengths=panel.lengths)
    codes, steps = rollout.row_steps(panel, rows)
    scaled = rollout.scaled(est, inputs, codes, steps)
    counts = panel.lengths - W + 1
    at = panel_windows(panel.lengths, panel.starts, W, 0)  # each window's first row
    X = make_windows(scaled, W, 0)[0][at]  # (N, W, F)
    return X, np.repeat(rows, counts), steps[at + W - 1] + 1, counts, panel.ids


def _by_series(est, y: np.ndarray, counts: np.ndarray, ids):
    """One array for a single series, else a dict of each series' rows by ``unique_id``."""
    return dict(zip(ids, np.split(y, np.cumsum(counts)[:-1]), strict=False)) if est.long_ else y


def predict(est, data, future=None):
    """See :meth:`Forecaster.predict`."""
    X, rows, first, counts, ids = _every_window(est, data, future)
    return _by_series(est, rollout.unscale(est, rollout.roll(est, X, est.horizon), rows, first), counts, ids)


def require_distribution(est, method: str) -> None:
    if est.model_.config.loss == "mse":
        raise TsrnnError(
            f"{method} needs a probabilistic model; this one was fitted with "
            f"loss='mse'. Fit with loss='gaussian' or loss='quantile'"
        )


def predict_quantiles(est, data, steps=None, future=None):
    """See :meth:`Forecaster.predict_quantiles`."""
    require_distribution(est, "predict_quantiles")
    X, rows, first, counts, ids = _every_window(est, data, future)
    dist = rollout.distribution(est, X, est.horizon if steps is None else steps, rows, first=first)
    assert dist is not None  # a probabilistic head: required above
    q = dist.quantiles
    return _by_series(est, q, counts, ids)


def _contexts(est, data, future):
    """Scaled last windows (S, W, F) of the fitted series (or of ``data``'s), their positions,
    the calendar step each forecast starts at (S,), ids, label continuations and the last
    windows in the data's units (S, W, F)."""
    state, W = est.state_, est.window_
    if data is None:
        rows, ids, specs, context = np.arange(len(state)), state.ids, state.specs, state.context
        first = state.last_step + 1
    else:
        panel, rows, specs = data_panel(est, data, "forecasting")
        ids, context = panel.ids, panel.tails(W)
        first = first_steps(panel) + panel.lengths
    flat = rollout.network_inputs(
        est,
        context.reshape(-1, context.shape[-1]),
        future_of(est, future, ids, specs),
        lengths=np.full(len(ids), W),
    )
    X = rollout.scaled(est, flat, np.repeat(rows, W), rollout.tail_steps(first, W)).reshape(len(ids), W, -1)
    return X, rows, first, ids, specs, context


def forecast_ids(est, ids) -> list:
    """The ``unique_id`` of each (series, target) pair, series after series: a wide series' targets
    by their column names, long data's series by their ids (``id/target`` when there are several
    targets; one series of long data viewed alone keeps its id)."""
    targets = [str(t) for t in est.target_names_]
    if len(ids) == 1 and ids[0] is None:
        return targets
    if len(targets) == 1:
        return list(ids)
    return [f"{uid}/{t}" for uid in ids for t in targets]


def forecast(est, steps: int, data=None, future=None, level=None):
    """See :meth:`Forecaster.forecast`: every series in one batched roll, quantiles and conformal
    intervals included."""
    import pandas as pd

    from ..data.frames import LONG_ID, LONG_TIME

    steps = rollout.check_steps(est, steps)
    X, rows, first, ids, specs, context = _contexts(est, data, future)
    values = rollout.unscale(est, rollout.roll(est, X, steps), rows, first)  # (S, steps, O)
    places = decimals(context[:, :, est.target_idx_])[:, None, :]  # (S, 1, O): the data's precision
    columns = {FORECAST_COLUMN: round_to(values, places)}
    dist = rollout.distribution(est, X, steps, rows, first=first)  # None for a point (MSE) model
    if dist is not None:  # (S, steps, O, Q): one column per level
        for q, at in enumerate(dist.levels):
            columns[f"{FORECAST_COLUMN}-{level_label(at)}"] = round_to(dist.quantiles[..., q], places)
    if level is not None:  # conformal bounds (L, 2, S, steps, O): the widest outermost
        levels, bounds = intervals(est, values, rows, level)
        names = interval_columns(FORECAST_COLUMN, levels)  # lo-95, lo-80, hi-80, hi-95
        order = [(i, 0) for i in reversed(range(len(levels)))] + [(i, 1) for i in range(len(levels))]
        for name, (i, side) in zip(names, order, strict=True):
            columns[name] = round_to(bounds[i, side], places)
    S, O = len(ids), len(est.target_names_)
    # (S, steps, O) -> (S, O, steps) -> one row per (series, target, step), series after series
    out = pd.DataFrame({k: np.moveaxis(v, 2, 1).reshape(-1) for k, v in columns.items()})
    labels = future_labels(specs, steps) if est.long_ else future_index(specs[0], steps)
    dates = np.asarray(labels).reshape(S, 1, steps).repeat(O, axis=1).reshape(-1)
    out.insert(0, LONG_TIME, pd.Index(dates) if len(dates) else pd.Index(labels[:0]))
    out.insert(0, LONG_ID, np.repeat(np.asarray(forecast_ids(est, ids), dtype=object), steps))
    out.attrs["tsrnn.form"] = specs[0].get("form")  # how the time labels are written to CSV
    return out


def sample_paths(est, steps: int, data=None, samples=None, seed=None, future=None):
    """See :meth:`Forecaster.sample_paths`: every series' paths in one batched draw."""
    require_distribution(est, "sample_paths")
    X, rows, first, ids, _, _ = _contexts(est, data, future)
    drawn = rollout.paths(est, X, steps, samples, seed, rows, first)  # (samples, S, steps, O)
    return dict(zip(ids, np.moveaxis(drawn, 1, 0), strict=False)) if est.long_ else drawn[:, 0]


def hidden_states(est, window, cell: bool = False, future=None):
    """See :meth:`Forecaster.hidden_states`: every series' steps through the network, one batched
    pass per distinct length."""
    if cell and est.model_.config.cell != "lstm":
        raise checks.invalid(
            "cell", f"cell=True needs an LSTM, but the model's cell is {est.model_.config.cell!r}"
        )
    if not est.long_ and not checks.is_pandas(window, "DataFrame", "Series"):
        window = np.asarray(
            window.detach().cpu() if isinstance(window, torch.Tensor) else window, dtype=np.float32
        )
        if window.ndim == 3 and window.shape[0] != 1:
            raise checks.invalid(
                "window", f"window must be one window, of shape (T, F) or (1, T, F), got shape {window.shape}"
            )
        window = window[0] if window.ndim == 3 else window
    panel, rows, specs = data_panel(est, window)
    fut = None if future is None else future_of(est, future, panel.ids, specs)
    inputs = rollout.network_inputs(est, panel.values, fut, lengths=panel.lengths)
    scaled = rollout.scaled(est, inputs, *rollout.row_steps(panel, rows))  # (T_total, F)
    states = [None] * panel.n_series
    with torch.inference_mode():
        for T in np.unique(panel.lengths).tolist():  # series of one length run as one batch
            group = np.flatnonzero(panel.lengths == T)
            x = scaled[panel.starts[group, None] + np.arange(T)]  # (n, T, F)
            layers = est.model_.layer_states(x)  # L x (n, T, D*H)
            for j, s in enumerate(group.tolist()):
                states[s] = [(st.cell if cell else st.output)[j].numpy() for st in layers]  # L x (T, D*H)
    return dict(zip(panel.ids, states, strict=False)) if est.long_ else states[0]
