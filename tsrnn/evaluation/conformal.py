"""Conformal prediction intervals for any point forecaster, from out-of-sample residuals.

A model's forecasts from origins it was not fitted on give residuals ``e`` (N, K, O): origins,
steps ahead, targets (NaN where a step lies past the data).  Each residual is divided by its
series' scale (the in-sample MAE of the seasonal-naive forecast, the MASE scale), so one
calibration serves series of any magnitude.  Per step ahead, the mean absolute scaled residual
gives the errors' spread ``g_k``, made non-decreasing over the steps by isotonic regression (the
error of the best k-step forecast does not shrink with k, and the last steps have few residuals);
the scores ``|e| / (scale * g_k)``, pooled over the steps forecasts are asked for (the horizon),
every series and origin, give one quantile per level.  The interval at step k of a series is then

    forecast +- quantile(level) * g_k * scale

so it widens where the errors widen.  The quantile is the conformal one, the
``ceil((n + 1) * level)``-th smallest of n scores, which needs ``n >= level / (1 - level)``
scores (19 for 95%); a level beyond what the scores hold is refused, never extrapolated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..base import checks
from ..base.errors import DataError

__all__ = ["Conformal", "check_levels", "interval_columns", "series_scale", "MAX_SCORES", "MIN_POOLED"]

MAX_SCORES = 100_000  # scores kept per target: beyond, evenly spaced order statistics of them
MIN_POOLED = (
    19  # scores pooled at least (what a 95% interval needs), from steps beyond the horizon if need be
)


def check_levels(levels: object) -> list[float]:
    """Interval levels in percent, each strictly between 0 and 100: ``80`` or ``[80, 95]``; sorted,
    each once."""
    values = [levels] if isinstance(levels, (int, float, np.integer, np.floating)) else levels
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise checks.invalid(
            "level", f"level must be a number or a list of them in percent, e.g. [80, 95]; got {levels!r}"
        )
    values = list(values)
    if not values:
        raise checks.invalid(
            "level", "level must name at least one interval level in percent, e.g. [80, 95]; got []"
        )
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise checks.invalid("level", f"level must hold numbers in percent, e.g. [80, 95]; got {v!r}")
        if not 0 < float(v) < 100:
            raise checks.invalid(
                "level", f"each level must lie strictly between 0 and 100 (percent), got {v!r}"
            )
        out.append(float(v))
    return sorted(set(out))


def _label(level: float) -> str:
    return f"{level:g}"


def interval_columns(name: str, levels: Iterable[float]) -> list[str]:
    """``name-lo-95, name-lo-80, name-hi-80, name-hi-95``: the widest bounds outermost."""
    labels = [_label(v) for v in sorted(levels)]
    return [f"{name}-lo-{x}" for x in reversed(labels)] + [f"{name}-hi-{x}" for x in labels]


def series_scale(mase_scale: np.ndarray, fallback: np.ndarray | None = None) -> np.ndarray:
    """The scale each series' residuals are divided by (..., O): its MASE scale, or where that is 0
    (a constant training span) ``fallback`` (its standard deviation), else 1."""
    scale = np.asarray(mase_scale, dtype=np.float64)
    other = np.ones_like(scale) if fallback is None else np.asarray(fallback, dtype=np.float64)
    return np.where(scale > 0, scale, np.where(other > 0, other, 1.0))


def _isotonic(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The non-decreasing sequence closest to ``values`` in weighted least squares (pool adjacent
    violators)."""
    blocks: list[tuple[float, float, int]] = []  # (mean, weight, count)
    for v, w in zip(values.tolist(), weights.tolist(), strict=True):
        blocks.append((v, w, 1))
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, n2 = blocks.pop()
            v1, w1, n1 = blocks[-1]
            blocks[-1] = ((v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2)
    return np.concatenate([np.full(n, v) for v, _, n in blocks])


def _pooled_steps(counts: np.ndarray, pooled: int | None) -> int:
    """How many leading steps give the scores: ``pooled`` (all when None), or more, nearest first,
    until they hold :data:`MIN_POOLED` scores (a 95% interval's need) where the data has them."""
    K = len(counts)
    n = K if pooled is None else max(1, min(int(pooled), K))
    enough = np.flatnonzero(np.cumsum(counts) >= MIN_POOLED)
    return max(n, int(enough[0]) + 1 if enough.size else K)


@dataclass
class Conformal:
    """A calibration: the spread of the scaled errors per step ahead, ``spread`` (K, O), and the
    pooled scores ``scores`` (n, O), sorted, of each target."""

    spread: np.ndarray
    scores: np.ndarray

    @property
    def steps(self) -> int:
        return int(self.spread.shape[0])

    @classmethod
    def fit(cls, residuals: np.ndarray, scale: np.ndarray, pooled: int | None = None) -> Conformal | None:
        """Calibrate on ``residuals`` (N, K, O) of series whose scales are ``scale`` (N, O); NaN
        marks a step not observed.  Steps after the last one with a residual are left out; None
        when no residual is left.  The scores come from the first ``pooled`` steps (default all):
        the steps forecasts are asked for, where the errors' shape is alike; steps beyond them
        (a recursive roll far ahead, whose errors become a drift of one sign and size) widen the
        intervals through their spread only, not through the quantile, unless the first steps
        hold fewer than :data:`MIN_POOLED` scores: then the nearest steps after them join."""
        e = np.abs(np.asarray(residuals, dtype=np.float64)) / np.asarray(scale, np.float64)[:, None, :]
        seen = np.asarray(np.isfinite(e).all(axis=2))  # (N, K)
        counts = seen.sum(axis=0)
        if not counts.any():
            return None
        K = int(np.flatnonzero(counts)[-1]) + 1
        e, seen, counts = e[:, :K], seen[:, :K], counts[:K]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(seen[..., None], e, 0.0).sum(axis=0) / np.maximum(counts, 1)[:, None]  # (K, O)
        known = counts > 0
        spread = np.empty_like(mean)
        for o in range(mean.shape[1]):
            filled = np.interp(np.arange(K), np.flatnonzero(known), mean[known, o])  # a step with none
            spread[:, o] = _isotonic(filled, np.maximum(counts, 1).astype(np.float64))
        floor = np.maximum(spread.max(axis=0) * 1e-6, 1e-12)  # a perfect fit: widths of 0, not NaN
        spread = np.maximum(spread, floor)
        near = slice(0, _pooled_steps(counts, pooled))
        scores = np.sort((e[:, near] / spread[near])[seen[:, near]], axis=0)  # (n, O)
        if scores.shape[0] > MAX_SCORES:
            scores = scores[np.linspace(0, scores.shape[0] - 1, MAX_SCORES).round().astype(np.int64)]
        return cls(spread.astype(np.float64), scores.astype(np.float64))

    def quantile(self, level: float) -> np.ndarray:
        """(O,) the conformal quantile of the scores for an interval of ``level`` percent."""
        n = self.scores.shape[0]
        rank = math.ceil((n + 1) * level / 100 - 1e-9)
        if rank > n:
            need = math.ceil(level / (100 - level) - 1e-9)
            raise DataError(
                f"a {_label(level)}% interval needs at least {need} calibration residuals; this model has "
                f"{n}: ask for a lower level, or fit on more data (a longer holdout)"
            )
        return self.scores[max(rank, 1) - 1]

    def half_widths(self, levels: list[float], steps: int) -> np.ndarray:
        """(L, steps, O) half-widths in scaled units for each level, at steps 1 .. ``steps``."""
        if steps > self.steps:
            raise DataError(
                f"intervals are calibrated for {self.steps} step(s) ahead (the steps the model's "
                f"calibration held out); got a forecast of steps={steps} with level=: forecast at most "
                f"{self.steps} steps, or fit with a longer holdout"
            )
        return np.stack([self.quantile(v)[None, :] * self.spread[:steps] for v in levels])
