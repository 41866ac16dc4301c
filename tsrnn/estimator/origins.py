"""Rolling-origin backtests of a fitted estimator: every origin of every series in one batched
pass (point forecasts, quantiles and baselines alike), or with ``refit`` copies refitted on the
whole panel before every n-th origin time, each forecasting its origins of every series at once.

Origins follow :func:`tsrnn.evaluation.backtest.origin_positions` (every series at once); the result is
a :class:`~tsrnn.evaluation.backtest.BacktestResult`.  Without refits, the origins whose forecast
steps reach into the span the model was fitted on are marked (``in_sample``): their scores are
in-sample.  Refitted copies forecast out of sample, their baselines too (fitted by each copy on
the steps before its refit time): :func:`rolling`, which cross-validation runs as well.
"""

from __future__ import annotations

import numpy as np

from ..base import checks
from ..data.panel import Panel
from ..data.precision import decimals_before
from ..data.seasonal_indices import first_steps
from ..evaluation.backtest import BacktestResult, origin_positions
from ..evaluation.baselines import BASELINES, forecast_many
from ..evaluation.probabilistic import Distribution
from . import fitting, rollout
from .intake import data_panel

__all__ = ["backtest", "rolling"]


def backtest(
    est, data, start=0.8, stride: int = 1, horizon: int | None = None, refit=False
) -> BacktestResult:
    """See :meth:`Forecaster.backtest`."""
    K = est.horizon if horizon is None else checks.positive_int("horizon", horizon)
    every = 0 if refit is False else (1 if refit is True else checks.positive_int("refit", refit))
    panel, rows, _ = data_panel(est, data)
    state = est.state_
    reach = max(K, est.model_.config.horizon) if est.known_idx_ else K  # known inputs are read K steps on
    contexts = [state.baselines[r].context for r in rows]
    local, owner = origin_positions(
        panel.lengths, start, stride, reach, contexts, panel.ids if est.long_ else None
    )
    if every:
        return rolling(est, panel, local, owner, K, every, est.window_, est.long_)
    at = panel.starts[owner] + local  # each origin's row in the panel
    predicted, dist = rollout.at_origins(est, panel, rows, at, owner, K)
    baselines = forecast_many([state.baselines[r] for r in rows], panel.values, at, owner, K)  # all at once
    scale = np.stack([state.baselines[r].scale_ for r in rows])[owner]
    # origins whose first forecast step lies inside the span the model was fitted on: in-sample
    inside = first_steps(panel)[owner] + local <= state.last_step[rows[owner]]
    seasons = [state.baselines[r].seasons_ for r in rows]
    fitted = (predicted, dist, baselines, scale, est.target_names_, seasons)
    return _result(panel, local, owner, K, fitted, inside, est.long_)


def rolling(
    est,
    panel: Panel,
    local: np.ndarray,
    owner: np.ndarray,
    K: int,
    every: int,
    window,
    long: bool,
    reading: dict | None = None,
) -> BacktestResult:
    """Forecasts from the origins ``local`` (N,; steps within each series ``owner``) of ``panel`` by
    copies of ``est`` (its parameters, ``window``) refitted on every series' steps before every
    ``every``-th origin time; the baselines and MASE scales come from those copies too, so no
    forecast, baseline or scale reads a value at or after its origin.  ``est`` need not be fitted;
    ``long``: the panel's series are the long layout's (else one series, refitted as one);
    ``reading``: how the copies read data (default: ``est``'s fitted reading)."""
    fitted = _refitted(est, panel, local, owner, every, K, window, long, reading)
    return _result(panel, local, owner, K, fitted, None, long)


def _result(panel: Panel, local, owner, K: int, fitted: tuple, inside, long: bool) -> BacktestResult:
    """The result from the forecasts, distribution, baselines' forecasts, MASE scales (N, O), target
    names and seasons (a list per series) of ``fitted``."""
    import pandas as pd

    predicted, dist, baselines, scale, targets, seasons = fitted
    at = panel.starts[owner] + local
    cols = [panel.columns.index(t) for t in targets]
    actual = panel.values[at[:, None] + np.arange(K)][:, :, cols].astype(np.float64)
    forecasts = {"model": predicted.astype(np.float64)}
    forecasts.update({name: baselines[name].astype(np.float64) for name in BASELINES})
    scale = scale[:, None, :].astype(np.float64)
    first = np.full(panel.n_series, np.iinfo(np.int64).max)
    np.minimum.at(first, owner, local)  # each series' first origin (its length where it has none)
    first = np.where(first < np.iinfo(np.int64).max, first, panel.lengths)
    places = decimals_before(panel.values, panel.starts, first, cols)[owner][:, None, :]  # (N, 1, O)
    if not long:
        labels = panel.labels(0)[local]
        return BacktestResult(
            local, labels, actual, forecasts, targets, scale, seasons[0], dist, inside, places, panel.form
        )
    start = panel.last - panel.lengths + 1
    labels = pd.Index(start[owner] + local) if panel.grid is None else panel.grid.labels(start[owner] + local)
    index = pd.MultiIndex.from_arrays(
        [np.asarray(panel.ids, dtype=object)[owner], labels], names=["unique_id", "origin"]
    )
    by_id = {str(uid): s for uid, s in zip(panel.ids, seasons, strict=False)}
    return BacktestResult(
        local, index, actual, forecasts, targets, scale, by_id, dist, inside, places, panel.form
    )


def _refitted(est, panel: Panel, local, owner, every: int, K: int, window, long: bool, reading) -> tuple:
    """Forecasts from copies refitted on every series' steps before every ``every``-th origin time
    (the panel's grid positions; a single series' steps), each forecasting the origins up to the
    next refit, of every series, in one batched pass; with each copy's baselines, MASE scales,
    target names and each series' seasons (from the first copy that forecasts it)."""
    first = np.zeros(panel.n_series, np.int64) if panel.last is None else panel.last - panel.lengths + 1
    when = first[owner] + local  # each origin's time
    refits = np.unique(when)[::every]
    block = np.searchsorted(refits, when, side="right") - 1
    names = list(panel.ids) if long else [None]  # a series view refits as the single series it is
    parts, distributions, picks, base, scales = [], [], [], [], []
    seasons: dict[int, list] = {}
    targets: list[str] = []
    for b, t in enumerate(refits.tolist()):
        pick = np.flatnonzero(block == b)
        n = np.clip(t - first, 0, panel.lengths)  # each series' steps before t
        where = f" before the origin {_label(panel, t)}"
        needed = np.unique(owner[pick])
        fitted = fitting.fit_on_first(est, panel, n, window, long, needed, where, reading=reading)
        assert fitted is not None  # the series with origins here are needed: refused above if short
        state, targets = fitted.state_, fitted.target_names_
        rows = np.array([state.position(u) if u in state else -1 for u in names], dtype=np.int64)
        at, who = panel.starts[owner[pick]] + local[pick], owner[pick]
        predicted, dist = rollout.at_origins(fitted, panel, rows, at, who, K)
        kept = [state.baselines[max(r, 0)] for r in rows.tolist()]  # -1: a series without origins here
        base.append(forecast_many(kept, panel.values, at, who, K))
        scales.append(np.stack([b_.scale_ for b_ in kept])[who])
        for s in np.unique(who).tolist():
            seasons.setdefault(s, kept[s].seasons_)
        parts.append(predicted)
        distributions.append(dist)  # None for a point model
        picks.append(pick)
    back = np.argsort(np.concatenate(picks))  # blocks of several series back in the origins' order
    dist = Distribution.concat(distributions)
    baselines = {name: np.concatenate([x[name] for x in base])[back] for name in BASELINES}
    in_order = [seasons.get(s, [None] * len(targets)) for s in range(panel.n_series)]
    return (
        np.concatenate(parts)[back],
        None if dist is None else dist.take(back),
        baselines,
        np.concatenate(scales)[back],
        targets,
        in_order,
    )


def _label(panel: Panel, t: int) -> str:
    """Time ``t`` (a grid position, or a single series' step) as its label."""
    if panel.grid is not None:
        return str(panel.grid.labels(np.array([t]))[0])
    return str(panel.labels(0)[t] if panel.last is None else t)  # a single series' label, or an integer step
