"""Probabilistic forecasts in the user's units, and how well calibrated they are.

A model trained with ``loss="gaussian"`` or ``"quantile"`` (see :mod:`tsrnn.nn.heads`) gives, for the
steps its head emits, quantiles at its levels directly.  Past them (a recursive strategy, or a
forecast beyond the horizon) it draws Monte-Carlo sample paths: every path feeds its own random
draw back as the next input, all paths in one batch, and the quantiles are the paths' empirical
ones.  Scores: the coverage of each central interval (levels ``tau`` and ``1 - tau``), the pinball
(quantile) loss, and the CRPS (from samples, or in closed form for a Gaussian).

Shapes: S samples, N windows (origins), K steps ahead, O targets, Q quantile levels, W window
length, F input features.  The estimator's side (a fitted model's distribution in each series'
units) is :func:`tsrnn.estimator.rollout.distribution`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from ..train.forward import predict_windows, roll_windows

if TYPE_CHECKING:
    import pandas as pd

    from ..nn.model import RNNForecaster

__all__ = [
    "Distribution",
    "level_label",
    "coverage_label",
    "quantile_columns",
    "sample_paths",
    "intervals",
    "crps_samples",
    "crps_gaussian",
    "calibration_table",
    "calibration_summary",
]


def level_label(level: float) -> str:
    """``0.1 -> "q0.1"``: the suffix of a quantile column (``f0_q0.1``)."""
    return f"q{level:g}"


def coverage_label(nominal: float) -> str:
    """``0.8 -> "coverage_80"``: the name of a central interval's coverage, nominal in percent."""
    return f"coverage_{round(100 * nominal, 6):g}"


def quantile_columns(targets, levels) -> list[str]:
    """``{target}_q{level}`` for every target, then every level: ``f0_q0.1, f0_q0.9, f1_q0.1, ...``."""
    return [f"{t}_{level_label(q)}" for t in targets for q in levels]


@dataclass
class Distribution:
    """Forecast distributions from N windows, ``steps`` ahead, in the user's units.

    quantiles : (N, K, O, Q) at ``levels``, non-decreasing along the last axis
    samples   : (S, N, K, O) Monte-Carlo sample paths, or None where the head gave every step
    mean, sd  : (N, K, O) a Gaussian head's mean and standard deviation, or None
    """

    levels: tuple[float, ...]
    quantiles: np.ndarray
    samples: np.ndarray | None = None
    mean: np.ndarray | None = None
    sd: np.ndarray | None = None

    @staticmethod
    def concat(parts: list[Distribution | None]) -> Distribution | None:
        """Join distributions of consecutive blocks of windows (``None`` for point models)."""
        if not parts or parts[0] is None:
            return None

        def join(name, axis):
            if getattr(parts[0], name) is None:
                return None
            return np.concatenate([getattr(p, name) for p in parts], axis=axis)

        return Distribution(
            parts[0].levels, join("quantiles", 0), join("samples", 1), join("mean", 0), join("sd", 0)
        )

    def take(self, index: np.ndarray) -> Distribution:
        """The distributions of windows ``index`` (n,), in that order."""

        def pick(a: np.ndarray | None, axis: int = 0) -> np.ndarray | None:
            return None if a is None else np.take(a, index, axis=axis)

        return Distribution(
            self.levels,
            np.take(self.quantiles, index, axis=0),
            pick(self.samples, 1),
            pick(self.mean),
            pick(self.sd),
        )


def sample_paths(
    model: RNNForecaster, X: torch.Tensor, steps: int, samples: int, seed: int, target_idx: list[int]
) -> torch.Tensor:
    """``samples`` scaled sample paths per window of ``X`` (N, W, F) -> (S, N, steps, O).

    The S copies of the N windows run as one batch (S*N, W, F) through the one recursive roll
    (:func:`~tsrnn.train.forward.roll_windows`): after each forward pass every path draws its next
    ``k`` steps from the head's distribution and slides its window over them.  The same ``seed``
    gives the same paths.
    """
    head, N = model.distribution, X.shape[0]
    if head is None:
        raise ValueError("sample paths are drawn from a probabilistic head (loss='gaussian' or 'quantile')")
    generator = torch.Generator().manual_seed(seed)
    draw = lambda batch: head.sample(predict_windows(model, batch, distribution=True), generator)  # noqa: E731
    return roll_windows(draw, X.repeat(samples, 1, 1), steps, target_idx).reshape(samples, N, steps, -1)


def intervals(levels) -> list[tuple[int, int, float]]:
    """Central intervals among ``levels``: (index of tau, index of 1 - tau, nominal coverage 1 - 2 tau)."""
    out = []
    for i, lo in enumerate(levels):
        for j, hi in enumerate(levels):
            if lo < 0.5 and math.isclose(lo + hi, 1.0, abs_tol=1e-9):
                out.append((i, j, round(1 - 2 * lo, 10)))
    return sorted(out, key=lambda t: -t[2])


def _pinball(q: np.ndarray, y: np.ndarray, levels) -> np.ndarray:
    """(..., Q) quantiles, (...) actual -> (...) pinball loss averaged over the levels."""
    tau = np.asarray(levels, dtype=np.float64)
    u = y[..., None] - q
    return np.maximum(tau * u, (tau - 1) * u).mean(-1)


def crps_samples(samples: np.ndarray, y: np.ndarray) -> np.ndarray:
    """CRPS of an ensemble, ``E|X - y| - E|X - X'| / 2``, per point: samples (S, ...), y (...) -> (...).

    ``E|X - X'|`` over all S^2 pairs is computed from the sorted samples in O(S log S).
    """
    x = np.sort(np.asarray(samples, dtype=np.float64), axis=0)
    S = x.shape[0]
    spread = (2 * np.arange(1, S + 1) - S - 1).reshape((S,) + (1,) * (x.ndim - 1))
    return np.abs(x - y).mean(0) - (spread * x).sum(0) / S**2


def crps_gaussian(mean: np.ndarray, sd: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Closed-form CRPS of N(mean, sd^2) at y: ``sd (z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi))``."""
    z = np.asarray((np.asarray(y, dtype=np.float64) - mean) / sd, dtype=np.float64)
    cdf = torch.special.ndtr(torch.from_numpy(z)).numpy()
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return sd * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi))


def _scores(actual: np.ndarray, dist: Distribution) -> dict[str, np.ndarray]:
    """Per point (N, K, O): inside each interval (0/1), pinball loss, CRPS (NaN where unknown)."""
    y, q = actual.astype(np.float64), dist.quantiles.astype(np.float64)
    out = {
        coverage_label(nominal): ((q[..., i] <= y) & (y <= q[..., j])).astype(np.float64)
        for i, j, nominal in intervals(dist.levels)
    }
    out["pinball"] = _pinball(q, y, dist.levels)
    if dist.samples is not None:
        out["crps"] = crps_samples(dist.samples, y)
    elif dist.mean is not None and dist.sd is not None:
        out["crps"] = crps_gaussian(dist.mean, dist.sd, y)
    else:
        out["crps"] = np.full(y.shape, np.nan)
    return out


def calibration_table(actual: np.ndarray, dist: Distribution) -> pd.DataFrame:
    """Per step ahead (rows): the share of actual values inside each central interval
    (``coverage_80``: between the 0.1 and 0.9 quantiles), the mean pinball loss and the mean CRPS."""
    import pandas as pd

    scores = _scores(actual, dist)
    table = pd.DataFrame({name: v.mean(axis=(0, 2)) for name, v in scores.items()})
    table.index = pd.RangeIndex(1, table.shape[0] + 1, name="step")
    return table


def calibration_summary(actual: np.ndarray, dist: Distribution, targets: list[str]) -> dict:
    """Coverage per interval, pinball loss and CRPS over every point, and per target (JSON-able)."""

    def clean(v: float):
        return None if not math.isfinite(v) else float(v)

    scores = _scores(actual, dist)
    summary: dict[str, Any] = {
        "levels": list(dist.levels),
        "samples": None if dist.samples is None else int(dist.samples.shape[0]),
    }
    summary.update({name: clean(float(v.mean())) for name, v in scores.items()})
    summary["per_target"] = {
        t: {name: clean(float(v[..., o].mean())) for name, v in scores.items()} for o, t in enumerate(targets)
    }
    return summary
