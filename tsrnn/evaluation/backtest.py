"""Rolling-origin backtests: forecasts from many origins, scored beside the baselines.

For origins ``t`` (the first forecast step), every method forecasts steps ``t .. t+K-1`` from the
series before ``t``.  Arrays are ``(N, K, O)``: origins, steps ahead, targets.  Here: the
result and its scores; the estimator's forecasts at the origins come from
:mod:`tsrnn.estimator.origins`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base import checks
from ..base.errors import DataError, TsrnnError
from ..data.precision import round_to
from .metrics import METRICS, error_table, skill
from .probabilistic import Distribution, calibration_summary, calibration_table, level_label

__all__ = ["BacktestResult", "origin_positions"]


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
    # (N,) bool: origins whose forecast steps reach into the span the model was fitted on (its
    # training and validation steps), so their scores are in-sample; None for refitted copies
    in_sample: np.ndarray | None = None
    # (N, 1, O) the decimals each origin's series is written with: frame() gives values in data
    # units in the data's own precision (448.4, not float32's 448.399994); None: as computed
    places: np.ndarray | None = None
    form: str | None = None  # how the data writes its time labels: frame()'s origins are written so

    @classmethod
    def concat(cls, results: dict[str, BacktestResult]) -> BacktestResult:
        """One result from the results of several series, keyed by series id."""
        first = next(iter(results.values()))
        seasons = {uid: r.seasons for uid, r in results.items() if isinstance(r.seasons, list)}
        if len(seasons) < len(results):
            raise ValueError("BacktestResult.concat joins the results of single series, not of panels")
        labels = pd.MultiIndex.from_tuples(
            [(uid, label) for uid, r in results.items() for label in r.origin_labels],
            names=["unique_id", "origin"],
        )
        join = lambda arrays: np.concatenate(list(arrays))  # noqa: E731
        return cls(
            join(r.origins for r in results.values()),
            labels,
            join(r.actual for r in results.values()),
            {m: join(r.forecasts[m] for r in results.values()) for m in first.forecasts},
            first.targets,
            join(r.mase_scale for r in results.values()),
            seasons,
            Distribution.concat([r.distribution for r in results.values()]),
            None
            if any(r.in_sample is None for r in results.values())
            else join(r.in_sample for r in results.values()),
            None
            if any(r.places is None for r in results.values())
            else join(r.places for r in results.values()),
            first.form,
        )

    def frame(self) -> pd.DataFrame:
        """One row per origin, step ahead and target: ``origin, step, target, actual`` and a column per
        method (and ``unique_id`` first for several series), in the data's precision (``places``);
        ``attrs["tsrnn.form"]`` says how the origins are written to CSV (``form``)."""
        N, K, O = self.actual.shape
        places = self.places

        def flat(values: np.ndarray) -> np.ndarray:  # (N, K, O) -> N * K * O, rounded to the data's decimals
            return (values if places is None else round_to(values, places)).reshape(-1)

        columns = {}
        labels = self.origin_labels
        if isinstance(labels, pd.MultiIndex):
            columns["unique_id"] = np.repeat(labels.get_level_values(0).to_numpy(), K * O)
            labels = labels.get_level_values(1)
        columns |= {
            "origin": np.repeat(labels.to_numpy(), K * O),
            "step": np.tile(np.repeat(np.arange(1, K + 1), O), N),
            "target": np.tile(self.targets, N * K),
            "actual": flat(self.actual),
        }
        columns.update({name: flat(f) for name, f in self.forecasts.items()})
        if self.distribution is not None:  # model_q0.1, ...: (N, K, O, Q) -> one column per level
            columns.update(
                {
                    f"model_{level_label(q)}": flat(self.distribution.quantiles[..., i])
                    for i, q in enumerate(self.distribution.levels)
                }
            )
        frame = pd.DataFrame(columns)
        frame.attrs["tsrnn.form"] = self.form
        return frame

    def calibration(self) -> pd.DataFrame:
        """A probabilistic model's calibration per step ahead (rows), over every origin and target:
        ``coverage_80`` (the share of actual values between the 0.1 and 0.9 quantiles) for each
        central interval its levels form, ``pinball`` (the mean quantile loss over the levels, in the
        data's units) and ``crps`` (from Monte-Carlo samples, or a Gaussian's closed form; NaN for
        a quantile head's own steps).  See :mod:`tsrnn.evaluation.probabilistic`."""
        if self.distribution is None:
            raise TsrnnError(
                "calibration needs a probabilistic model (loss='gaussian' or 'quantile'); "
                "this backtest's model gives point forecasts only"
            )
        return calibration_table(self.actual, self.distribution)

    def summary(self, metric: str | None = None) -> pd.DataFrame:
        """Errors per step ahead (rows) for each method; one ``metric`` gives one column per method,
        otherwise columns are (method, metric)."""
        rows = {}
        for h in range(self.actual.shape[1]):
            table = error_table(
                self.actual[:, h],
                {n: f[:, h] for n, f in self.forecasts.items()},
                self.targets,
                self.mase_scale[:, 0],
            )
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
        table["skill"] = {
            m: skill(table["model"][m], [table[b][m] for b in baselines]) for m in ("rmse", "mae")
        }
        table["best_baseline"] = best
        table["n_windows"] = int(self.actual.shape[0])
        table["in_sample"] = 0 if self.in_sample is None else int(self.in_sample.sum())
        table["horizon"] = int(self.actual.shape[1])
        table["seasons"] = (
            {uid: dict(zip(self.targets, s, strict=False)) for uid, s in self.seasons.items()}
            if isinstance(self.seasons, dict)
            else dict(zip(self.targets, self.seasons, strict=False))
        )
        if self.distribution is not None:
            table["calibration"] = calibration_summary(self.actual, self.distribution, self.targets)
        return table


def origin_positions(
    lengths: np.ndarray, start, stride: int, horizon: int, contexts, ids=None
) -> tuple[np.ndarray, np.ndarray]:
    """The origins of S series at once: in each, ``start, start + stride, ...`` with its ``contexts[s]``
    steps before and ``horizon`` after; a fraction ``start`` is a share of each series' length, a
    negative one counts back from its end.  Returns (local (N,), each origin's step in its series;
    owner (N,), its series), series by series.  A series too short for one origin is refused, named
    by ``ids`` (None: a single series, unnamed)."""
    stride = checks.positive_int("stride", stride)
    lengths = np.asarray(lengths, dtype=np.int64)
    if isinstance(start, (int, np.integer)) and not isinstance(start, bool) and start < 0:
        begin = np.maximum(lengths + int(start), 0)
    elif isinstance(start, float):
        checks.real("start", start, 0.0, 1.0, low_open=True, high_open=True)
        begin = np.round(lengths * start).astype(np.int64)  # half to even, as round()
    else:
        begin = np.full(lengths.shape, checks.positive_int("start", start, minimum=0), dtype=np.int64)
    first = np.maximum(begin, np.asarray(contexts, dtype=np.int64))
    last = lengths - horizon
    if (first > last).any():
        s = int(np.argmax(first > last))
        name = "" if ids is None else f"series {ids[s]!r}: "
        raise DataError(
            f"{name}series has {lengths[s]} time steps; origins from {first[s]} (start={begin[s]}, and "
            f"{int(contexts[s])} steps of history) with horizon={horizon} need at least "
            f"{first[s] + horizon} steps"
        )
    counts = (last - first) // stride + 1  # (S,)
    owner = np.repeat(np.arange(lengths.shape[0]), counts)
    offsets = np.cumsum(counts) - counts  # each series' first origin among all
    local = first[owner] + stride * (np.arange(owner.shape[0]) - offsets[owner])
    return local, owner
