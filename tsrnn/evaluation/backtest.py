"""Rolling-origin backtests: forecasts from many origins, scored beside the baselines.

For origins ``t`` (the first forecast step), every method forecasts steps ``t .. t+K-1`` from the
series before ``t``.  Arrays are ``(N, K, O)``: origins, steps ahead, targets.  ``model`` is a
fitted :class:`~tsrnn.estimator.forecaster.Forecaster`, which imports this module, so it is not imported here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base import checks
from .baselines import BASELINES, forecast_many
from ..data.series import Series
from ..base.errors import DataError, TsrnnError
from .metrics import METRICS, error_table, skill
from .probabilistic import Distribution, calibration_summary, calibration_table, forecast_distribution, level_label

__all__ = ["BacktestResult", "run_backtest", "run_panel_backtest", "origin_positions"]


@dataclass
class BacktestResult:
    """Forecasts of the model and every baseline at each origin, and the actual values.

    ``actual`` and each ``forecasts[name]`` are (N, K, O); ``origins`` are step positions in the series
    and ``origin_labels`` their index labels ((series id, label) pairs for several series);
    ``mase_scale`` (N, 1, O) is the MASE scale of each origin's series; ``seasons`` is a list per
    target, or such a list per series id.
    """

    origins: np.ndarray
    origin_labels: pd.Index
    actual: np.ndarray
    forecasts: dict[str, np.ndarray]
    targets: list[str]
    mase_scale: np.ndarray
    seasons: list[int | None] | dict[str, list[int | None]]
    distribution: Distribution | None = None  # a probabilistic model's quantiles (and samples)

    @classmethod
    def concat(cls, results: dict[str, "BacktestResult"]) -> "BacktestResult":
        """One result from the results of several series, keyed by series id."""
        first = next(iter(results.values()))
        labels = pd.MultiIndex.from_tuples([(uid, label) for uid, r in results.items() for label in r.origin_labels],
                                           names=["unique_id", "origin"])
        join = lambda arrays: np.concatenate(list(arrays))  # noqa: E731
        return cls(join(r.origins for r in results.values()), labels, join(r.actual for r in results.values()),
                   {m: join(r.forecasts[m] for r in results.values()) for m in first.forecasts}, first.targets,
                   join(r.mase_scale for r in results.values()), {uid: r.seasons for uid, r in results.items()},
                   Distribution.concat([r.distribution for r in results.values()]))

    def frame(self) -> pd.DataFrame:
        """One row per origin, step ahead and target: ``origin, step, target, actual`` and a column per
        method (and ``unique_id`` first for several series)."""
        N, K, O = self.actual.shape
        columns = {}
        labels = self.origin_labels
        if isinstance(labels, pd.MultiIndex):
            columns["unique_id"] = np.repeat(labels.get_level_values(0).to_numpy(), K * O)
            labels = labels.get_level_values(1)
        columns |= {"origin": np.repeat(labels.to_numpy(), K * O),
                   "step": np.tile(np.repeat(np.arange(1, K + 1), O), N),
                   "target": np.tile(self.targets, N * K),
                   "actual": self.actual.reshape(-1)}
        columns.update({name: f.reshape(-1) for name, f in self.forecasts.items()})
        if self.distribution is not None:  # model_q0.1, ...: (N, K, O, Q) -> one column per level
            columns.update({f"model_{level_label(q)}": self.distribution.quantiles[..., i].reshape(-1)
                            for i, q in enumerate(self.distribution.levels)})
        return pd.DataFrame(columns)

    def calibration(self) -> pd.DataFrame:
        """A probabilistic model's calibration per step ahead (rows), over every origin and target:
        ``coverage_80`` (the share of actual values between the 0.1 and 0.9 quantiles) for each
        central interval its levels form, ``pinball`` (the mean quantile loss over the levels, in the
        data's units) and ``crps`` (from Monte-Carlo samples, or a Gaussian's closed form; NaN for
        a quantile head's own steps).  See :mod:`tsrnn.evaluation.probabilistic`."""
        if self.distribution is None:
            raise TsrnnError("calibration needs a probabilistic model (loss='gaussian' or 'quantile'); "
                             "this backtest's model gives point forecasts only")
        return calibration_table(self.actual, self.distribution)

    def summary(self, metric: str | None = None) -> pd.DataFrame:
        """Errors per step ahead (rows) for each method; one ``metric`` gives one column per method,
        otherwise columns are (method, metric)."""
        rows = {}
        for h in range(self.actual.shape[1]):
            table = error_table(self.actual[:, h], {n: f[:, h] for n, f in self.forecasts.items()},
                                self.targets, self.mase_scale[:, 0])
            rows[h + 1] = {(m, k): table[m].get(k) for m in self.forecasts for k in METRICS}
        out = pd.DataFrame.from_dict(rows, orient="index").astype(float)
        out.columns = pd.MultiIndex.from_tuples(out.columns, names=["method", "metric"])
        out.index.name = "step"
        if metric is not None:
            checks.choice("metric", metric, METRICS)
            return out.xs(metric, axis=1, level="metric")
        return out

    def overall(self) -> dict:
        """All metrics over every origin and step, per method, with the model's skill (JSON-able)."""
        table = error_table(self.actual, self.forecasts, self.targets, self.mase_scale)
        baselines = [b for b in self.forecasts if b != "model"]
        best = min(baselines, key=lambda b: math.inf if table[b]["rmse"] is None else table[b]["rmse"])
        table["skill"] = {m: skill(table["model"][m], [table[b][m] for b in baselines]) for m in ("rmse", "mae")}
        table["best_baseline"] = best
        table["n_windows"] = int(self.actual.shape[0])
        table["horizon"] = int(self.actual.shape[1])
        table["seasons"] = ({uid: dict(zip(self.targets, s)) for uid, s in self.seasons.items()}
                            if isinstance(self.seasons, dict) else dict(zip(self.targets, self.seasons)))
        if self.distribution is not None:
            table["calibration"] = calibration_summary(self.actual, self.distribution, self.targets)
        return table


def origin_positions(length: int, start, stride: int, horizon: int, context: int) -> np.ndarray:
    """Origins ``start, start + stride, ...`` with ``context`` steps before and ``horizon`` after."""
    stride = checks.positive_int("stride", stride)
    if isinstance(start, float):
        checks.real("start", start, 0.0, 1.0, low_open=True, high_open=True)
        start = int(round(length * start))
    start = checks.positive_int("start", start, minimum=0)
    first = max(start, context)
    last = length - horizon
    if first > last:
        raise DataError(f"series has {length} time steps; origins from {first} (start={start}, and "
                        f"{context} steps of history) with horizon={horizon} need at least "
                        f"{first + horizon} steps")
    return np.arange(first, last + 1, stride)


def _forecaster_at(model, series: Series, t: int):
    """A copy of ``model`` refitted on the steps before ``t`` (already clean: no column picking)."""
    past = pd.DataFrame(series.values[:t], index=series.index[:t], columns=series.columns)
    past.attrs = {"tsrnn.freq": series.freq, "tsrnn.form": series.form, "tsrnn.season": series.season}
    params = dict(model.get_params(), features=None, time_col=None, fill=None)
    return type(model)(**params).fit(past, progress=False)  # the estimator's own class: no import of it


def run_backtest(model, series: Series, start, stride: int = 1, horizon: int | None = None,
                 refit=False) -> BacktestResult:
    """Backtest a fitted :class:`Forecaster` on ``series``; see :meth:`Forecaster.backtest`."""
    K = model.horizon if horizon is None else checks.positive_int("horizon", horizon)
    values, W = series.values, model.window_
    reach = max(K, model.model_.config.horizon) if model.known_idx_ else K  # known inputs are read K steps on
    origins = origin_positions(series.length, start, stride, reach, model.context_needed_)
    every = 0 if refit is False else (1 if refit is True else checks.positive_int("refit", refit))
    steps = origins[:, None] + np.arange(K)  # (N, K)
    actual = values[steps][:, :, model.target_idx_]  # (N, K, O)
    blocks = np.split(np.arange(origins.shape[0]), range(every, origins.shape[0], every)) if every else \
        [np.arange(origins.shape[0])]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in ("model",) + BASELINES}
    distributions = []
    for block in blocks:
        fitted = _forecaster_at(model, series, int(origins[block[0]])) if every else model
        inputs = fitted._inputs(values, placeholder=0.0)  # (T, F [+ Fk]): no scored window reads a placeholder
        windows = inputs[origins[block, None] + np.arange(-W, 0)]  # (n, W, F)
        scaled = fitted._scaled(windows.reshape(-1, inputs.shape[1])).view(len(block), W, -1)
        parts["model"].append(fitted._unscale(fitted._roll(scaled, K)))
        distributions.append(forecast_distribution(fitted, scaled, K))  # None for a point model
        for name, f in fitted.baselines_.forecast(values, origins[block], K).items():
            parts[name].append(f)
    forecasts = {name: np.concatenate(p).astype(np.float64) for name, p in parts.items()}
    scale = np.broadcast_to(np.asarray(model.baselines_.scale_, dtype=np.float64), (len(origins), 1, actual.shape[2]))
    return BacktestResult(origins, pd.Index(series.index)[origins], actual.astype(np.float64), forecasts,
                          model.target_names_, scale, model.baselines_.seasons_, Distribution.concat(distributions))



def run_panel_backtest(model, panel, rows: np.ndarray, start, stride: int = 1,
                       horizon: int | None = None) -> BacktestResult:
    """Backtest a point model fitted on long data over every series of ``panel`` at once: the
    network reads every origin of every series in one batched pass; ``rows`` are the series'
    positions in the fitted model.  Origins follow :func:`origin_positions` in each series."""
    K = model.horizon if horizon is None else checks.positive_int("horizon", horizon)
    W, state = model.window_, model.members_
    reach = max(K, model.model_.config.horizon) if model.known_idx_ else K  # known inputs are read K steps on
    origins, owners = [], []
    for s in range(panel.n_series):
        try:
            o = origin_positions(int(panel.lengths[s]), start, stride, reach, state.baselines[rows[s]].context)
        except DataError as err:
            raise DataError(f"series {panel.ids[s]!r}: {err}") from None
        origins.append(o)
        owners.append(np.full(o.shape[0], s))
    local, owner = np.concatenate(origins), np.concatenate(owners)
    at = panel.starts[owner] + local  # each origin's row in the panel
    codes = np.repeat(rows, panel.lengths)
    scaled = model._scaled_panel(model._inputs(panel.values, placeholder=0.0, lengths=panel.lengths), codes)
    X = scaled[at[:, None] + np.arange(-W, 0)]  # (N, W, F)
    predicted = state.unscale_rows(model._roll(X, K).numpy(), rows[owner], model.target_idx_)
    baselines = forecast_many([state.baselines[r] for r in rows], panel.values, at, owner, K)  # all series at once
    forecasts = {"model": predicted.astype(np.float64)}
    forecasts.update({name: baselines[name].astype(np.float64) for name in BASELINES})
    actual = panel.values[at[:, None] + np.arange(K)][:, :, model.target_idx_].astype(np.float64)
    scale = np.stack([state.baselines[r].scale_ for r in rows])[owner][:, None, :].astype(np.float64)
    first = panel.last - panel.lengths + 1
    labels = (pd.Index(first[owner] + local) if panel.grid is None else panel.grid.labels(first[owner] + local))
    index = pd.MultiIndex.from_arrays([np.asarray(panel.ids, dtype=object)[owner], labels],
                                      names=["unique_id", "origin"])
    seasons = {uid: state.baselines[r].seasons_ for uid, r in zip(panel.ids, rows)}
    return BacktestResult(local, index, actual, forecasts, model.target_names_, scale, seasons)
