"""Rolling-origin backtests of a fitted estimator: every origin of every series in one batched
pass (point forecasts, quantiles and baselines alike), or with ``refit`` copies refitted on the
whole panel before every n-th origin time, each forecasting its origins of every series at once.

Origins follow :func:`tsrnn.evaluation.backtest.origin_positions` in each series; the result is
a :class:`~tsrnn.evaluation.backtest.BacktestResult`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from ..base import checks
from ..base.errors import DataError
from ..evaluation.backtest import BacktestResult, origin_positions
from ..evaluation.baselines import BASELINES, forecast_many
from ..evaluation.probabilistic import Distribution
from . import fitting, running
from .intake import data_panel
from .state import continuation_specs

__all__ = ["backtest"]


def backtest(
    est, data, start=0.8, stride: int = 1, horizon: int | None = None, refit=False
) -> BacktestResult:
    """See :meth:`Forecaster.backtest`."""
    K = est.horizon if horizon is None else checks.positive_int("horizon", horizon)
    every = 0 if refit is False else (1 if refit is True else checks.positive_int("refit", refit))
    panel, rows, _ = data_panel(est, data)
    state = est.state_
    reach = max(K, est.model_.config.horizon) if est.known_idx_ else K  # known inputs are read K steps on
    origins, owners = [], []
    for s in range(panel.n_series):
        try:
            o = origin_positions(
                int(panel.lengths[s]), start, stride, reach, state.baselines[rows[s]].context
            )
        except DataError as err:
            raise (err if not est.long_ else DataError(f"series {panel.ids[s]!r}: {err}")) from None
        origins.append(o)
        owners.append(np.full(o.shape[0], s))
    local, owner = np.concatenate(origins), np.concatenate(owners)
    at = panel.starts[owner] + local  # each origin's row in the panel
    actual = panel.values[at[:, None] + np.arange(K)][:, :, est.target_idx_].astype(np.float64)
    if every:
        predicted, dist = _refitted(est, panel, local, owner, every, K)
    else:
        predicted, dist = _batched(est, panel, rows, at, owner, K)
    baselines = forecast_many(
        [state.baselines[r] for r in rows], panel.values, at, owner, K
    )  # all series at once
    forecasts = {"model": predicted.astype(np.float64)}
    forecasts.update({name: baselines[name].astype(np.float64) for name in BASELINES})
    scale = np.stack([state.baselines[r].scale_ for r in rows])[owner][:, None, :].astype(np.float64)
    import pandas as pd

    if not est.long_:
        labels = panel.labels(0)[local]
        return BacktestResult(
            local, labels, actual, forecasts, est.target_names_, scale, state.baselines[0].seasons_, dist
        )
    first = panel.last - panel.lengths + 1
    labels = pd.Index(first[owner] + local) if panel.grid is None else panel.grid.labels(first[owner] + local)
    index = pd.MultiIndex.from_arrays(
        [np.asarray(panel.ids, dtype=object)[owner], labels], names=["unique_id", "origin"]
    )
    seasons = {str(uid): state.baselines[r].seasons_ for uid, r in zip(panel.ids, rows, strict=False)}
    return BacktestResult(local, index, actual, forecasts, est.target_names_, scale, seasons, dist)


def _batched(est, panel, rows, at, owner, K):
    """The model's forecasts (and distribution) at every origin ``at`` (rows of the panel) at once;
    ``rows``: each series' position in ``est.state_``, -1 for one it lacks (and reads no origin of)."""
    codes, steps = running.row_steps(panel, rows)
    # no scored window reads a placeholder: known inputs are read only up to each origin's horizon
    inputs = running.network_inputs(est, panel.values, placeholder=0.0, lengths=panel.lengths)
    if (rows >= 0).all():
        scaled = running.scaled(est, inputs, codes, steps)
    else:  # a refitted copy without some series: their rows stay unread zeros
        seen = codes >= 0
        scaled = torch.zeros(inputs.shape)
        scaled[torch.from_numpy(seen)] = running.scaled(est, inputs[seen], codes[seen], steps[seen])
    X = scaled[at[:, None] + np.arange(-est.window_, 0)]  # (N, W, F)
    first = steps[at]  # each origin's own step: the first one forecast
    return (
        running.unscale(est, running.roll(est, X, K), rows[owner], first),
        running.distribution(est, X, K, rows[owner], first=first),
    )


def _refitted(est, panel, local, owner, every: int, K):
    """Forecasts from copies refitted on every series' steps before every ``every``-th origin time
    (the panel's grid positions; a single series' steps), each forecasting the origins up to the
    next refit, of every series, in one batched pass."""
    first = np.zeros(panel.n_series, np.int64) if panel.last is None else panel.last - panel.lengths + 1
    when = first[owner] + local  # each origin's time
    refits = np.unique(when)[::every]
    block = np.searchsorted(refits, when, side="right") - 1
    names = panel.ids if est.long_ else [None]  # a series view refits as the single series it is
    parts, distributions, picks = [], [], []
    for b, t in enumerate(refits.tolist()):
        pick = np.flatnonzero(block == b)
        fitted = _fitted_before(est, panel, names, t, first, np.unique(owner[pick]))
        rows = np.array(
            [fitted.state_.position(u) if u in fitted.state_ else -1 for u in names], dtype=np.int64
        )
        predicted, dist = _batched(
            fitted, panel, rows, panel.starts[owner[pick]] + local[pick], owner[pick], K
        )
        parts.append(predicted)
        distributions.append(dist)  # None for a point model
        picks.append(pick)
    back = np.argsort(np.concatenate(picks))  # blocks of several series back in the origins' order
    dist = Distribution.concat(distributions)
    return np.concatenate(parts)[back], None if dist is None else dist.take(back)


def _fitted_before(est, panel, names: list, t: int, first: np.ndarray, needed: np.ndarray):
    """A copy of ``est`` (its parameters and window) refitted on every series' steps before time
    ``t``; series too short to fit there are left out, unless they have origins to forecast
    (``needed``), which is an error."""
    fresh = type(est)(
        **dict(est.get_params(), window=est.window_)
    )  # the estimator's own class: no import of it
    n = np.clip(t - first, 0, panel.lengths)  # each series' steps before t
    keep, needs = n > 0, np.isin(np.arange(panel.n_series), needed)
    for s in np.flatnonzero(keep | needs).tolist():
        try:
            fresh.check_length(int(n[s]))
        except DataError as err:
            if needs[s]:
                who = "" if names[s] is None else f"series {names[s]!r}: "
                raise DataError(f"refit before the origin {_label(panel, t)}: {who}{err}") from None
            keep[s] = False
    kept = np.flatnonzero(keep)
    past = dataclasses.replace(panel.take(kept, stop=n[kept]), ids=[names[s] for s in kept])
    fresh.reading_ = getattr(est, "reading_", None)
    specs = continuation_specs(past)
    return fitting.fit_on_panel(fresh, past, specs, progress=False)


def _label(panel, t: int) -> str:
    """Time ``t`` (a grid position, or a single series' step) as its label."""
    if panel.grid is not None:
        return str(panel.grid.labels(np.array([t]))[0])
    return str(panel.index[t] if panel.last is None else t)  # a single series' label, or an integer step
