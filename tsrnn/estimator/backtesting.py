"""Rolling-origin backtests of a fitted estimator: every origin of every series in one batched
pass (point forecasts, quantiles and baselines alike), or refitted copies for ``refit``.

Origins follow :func:`tsrnn.evaluation.backtest.origin_positions` in each series; the result is
a :class:`~tsrnn.evaluation.backtest.BacktestResult`.
"""
from __future__ import annotations

import numpy as np

from ..base import checks
from ..base.errors import DataError
from ..evaluation.backtest import BacktestResult, origin_positions
from ..evaluation.baselines import BASELINES, forecast_many
from ..evaluation.probabilistic import Distribution
from . import running
from .intake import data_panel

__all__ = ["backtest"]


def backtest(est, data, start=0.8, stride: int = 1, horizon: int | None = None, refit=False) -> BacktestResult:
    """See :meth:`Forecaster.backtest`."""
    K = est.horizon if horizon is None else checks.positive_int("horizon", horizon)
    every = 0 if refit is False else (1 if refit is True else checks.positive_int("refit", refit))
    if every and est.long_:
        raise DataError("refit is not available for long data (several series) yet: backtest the "
                        "global model as fitted, or refit it yourself on the data before each origin")
    panel, rows, _ = data_panel(est, data)
    state = est.state_
    reach = max(K, est.model_.config.horizon) if est.known_idx_ else K  # known inputs are read K steps on
    origins, owners = [], []
    for s in range(panel.n_series):
        try:
            o = origin_positions(int(panel.lengths[s]), start, stride, reach, state.baselines[rows[s]].context)
        except DataError as err:
            raise (err if not est.long_ else DataError(f"series {panel.ids[s]!r}: {err}")) from None
        origins.append(o)
        owners.append(np.full(o.shape[0], s))
    local, owner = np.concatenate(origins), np.concatenate(owners)
    at = panel.starts[owner] + local  # each origin's row in the panel
    actual = panel.values[at[:, None] + np.arange(K)][:, :, est.target_idx_].astype(np.float64)
    if every:
        predicted, dist = _refitted(est, panel, local, every, K)
    else:
        predicted, dist = _batched(est, panel, rows, at, owner, K)
    baselines = forecast_many([state.baselines[r] for r in rows], panel.values, at, owner, K)  # all series at once
    forecasts = {"model": predicted.astype(np.float64)}
    forecasts.update({name: baselines[name].astype(np.float64) for name in BASELINES})
    scale = np.stack([state.baselines[r].scale_ for r in rows])[owner][:, None, :].astype(np.float64)
    import pandas as pd

    if not est.long_:
        labels = pd.Index(panel.index)[local]
        return BacktestResult(local, labels, actual, forecasts, est.target_names_, scale,
                              state.baselines[0].seasons_, dist)
    first = panel.last - panel.lengths + 1
    labels = (pd.Index(first[owner] + local) if panel.grid is None else panel.grid.labels(first[owner] + local))
    index = pd.MultiIndex.from_arrays([np.asarray(panel.ids, dtype=object)[owner], labels],
                                      names=["unique_id", "origin"])
    seasons = {uid: state.baselines[r].seasons_ for uid, r in zip(panel.ids, rows)}
    return BacktestResult(local, index, actual, forecasts, est.target_names_, scale, seasons, dist)


def _batched(est, panel, rows, at, owner, K):
    """The model's forecasts (and distribution) at every origin ``at`` (rows of the panel) at once."""
    codes, steps = running.row_steps(panel, rows)
    # no scored window reads a placeholder: known inputs are read only up to each origin's horizon
    inputs = running.network_inputs(est, panel.values, placeholder=0.0, lengths=panel.lengths)
    X = running.scaled(est, inputs, codes, steps)[at[:, None] + np.arange(-est.window_, 0)]  # (N, W, F)
    first = steps[at]  # each origin's own step: the first one forecast
    return (running.unscale(est, running.roll(est, X, K), rows[owner], first),
            running.distribution(est, X, K, rows[owner], first=first))


def _refitted(est, panel, origins, every: int, K):
    """Forecasts from a copy refitted on the steps before every ``every``-th origin (one series)."""
    blocks = np.split(np.arange(origins.shape[0]), range(every, origins.shape[0], every))
    parts, distributions, W = [], [], est.window_
    for block in blocks:
        fitted = _fitted_before(est, panel, int(origins[block[0]]))
        inputs = running.network_inputs(fitted, panel.values, placeholder=0.0)
        codes, steps = running.row_steps(panel, np.zeros(1, np.int64))
        X = running.scaled(fitted, inputs, codes, steps)[origins[block, None] + np.arange(-W, 0)]  # (n, W, F)
        first = steps[origins[block]]
        parts.append(running.unscale(fitted, running.roll(fitted, X, K), None, first))
        distributions.append(running.distribution(fitted, X, K, first=first))  # None for a point model
    return np.concatenate(parts), Distribution.concat(distributions)


def _fitted_before(est, panel, t: int):
    """A copy of ``est`` refitted on the steps before ``t`` (already clean: no column picking)."""
    import pandas as pd

    past = pd.DataFrame(panel.values[:t], index=panel.index[:t], columns=panel.columns)
    past.attrs = {"tsrnn.freq": panel.freq, "tsrnn.form": panel.form, "tsrnn.season": panel.season}
    params = dict(est.get_params(), features=None, time_col=None, fill=None)
    return type(est)(**params).fit(past, progress=False)  # the estimator's own class: no import of it
