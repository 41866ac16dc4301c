"""Probabilistic forecasts in the user's units, and how well calibrated they are.

A model trained with ``loss="gaussian"`` or ``"quantile"`` (see :mod:`tsrnn.nn.heads`) gives, for the
steps its head emits, quantiles at its levels directly.  Past them (a recursive strategy, or a
forecast beyond the horizon) it draws Monte-Carlo sample paths: every path feeds its own random
draw back as the next input, all paths in one batch, and the quantiles are the paths' empirical
ones.  Scores: the coverage of each central interval (levels ``tau`` and ``1 - tau``), the pinball
(quantile) loss, and the CRPS (from samples, or in closed form for a Gaussian).

Shapes: S samples, N windows (origins), K steps ahead, O targets, Q quantile levels, W window
length, F input features.  ``forecaster`` is a fitted :class:`~tsrnn.estimator.forecaster.Forecaster`, which
imports this module, so it is not imported here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from ..base import checks
from ..base.errors import DataError
from ..train.loop import predict_windows

if TYPE_CHECKING:
    import pandas as pd

    from ..nn.model import RNNForecaster

__all__ = ["Distribution", "level_label", "coverage_label", "quantile_columns", "sample_paths", "forecast_distribution",
           "intervals", "crps_samples", "crps_gaussian", "calibration_table", "calibration_summary"]


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
    def concat(parts: list["Distribution | None"]) -> "Distribution | None":
        """Join distributions of consecutive blocks of windows (``None`` for point models)."""
        if not parts or parts[0] is None:
            return None
        join = lambda name, axis: None if getattr(parts[0], name) is None else \
            np.concatenate([getattr(p, name) for p in parts], axis=axis)  # noqa: E731
        return Distribution(parts[0].levels, join("quantiles", 0), join("samples", 1), join("mean", 0),
                            join("sd", 0))


def sample_paths(model: "RNNForecaster", X: torch.Tensor, steps: int, samples: int, seed: int,
                 target_idx: list[int]) -> torch.Tensor:
    """``samples`` scaled sample paths per window of ``X`` (N, W, F) -> (S, N, steps, O).

    The S copies of the N windows run as one batch (S*N, W, F); after each forward pass every path
    draws its next ``k`` steps from the head's distribution and slides its window over them.  The
    same ``seed`` gives the same paths.
    """
    head, k = model.distribution, model.config.horizon
    N, W, Fdim = X.shape
    generator = torch.Generator().manual_seed(seed)
    batch = X.repeat(samples, 1, 1)  # (S*N, W, F), sample-major
    draws: list[torch.Tensor] = []
    while len(draws) * k < steps:
        params = predict_windows(model, batch, distribution=True)  # (S*N, k, O, P)
        draws.append(head.sample(params, generator))  # (S*N, k, O)
        if len(draws) * k < steps:
            rows = torch.empty(batch.shape[0], k, Fdim)
            rows[:, :, target_idx] = draws[-1]  # every feature is a target (checked by the caller)
            batch = torch.cat([batch, rows], dim=1)[:, -W:]  # -> (S*N, W, F)
    return torch.cat(draws, dim=1)[:, :steps].reshape(samples, N, steps, -1)


def _unscale_levels(forecaster, q: np.ndarray) -> np.ndarray:
    """(..., O, Q) scaled -> user units; the scaler acts on the O axis."""
    if forecaster.scaler_ is None:
        return q
    moved = np.moveaxis(q, -1, 0)  # (Q, ..., O)
    return np.moveaxis(forecaster.scaler_.inverse_transform(moved, forecaster.target_idx_), 0, -1)


def check_steps(forecaster, steps) -> int:
    """``steps`` as an int; beyond the network's horizon every input feature must be a target."""
    steps = checks.positive_int("steps", steps)
    k = forecaster.model_.config.horizon
    if steps > k and sorted(forecaster.target_idx_) != list(range(forecaster.n_features_in_)):
        raise DataError(f"a forecast of {steps} steps, beyond the network's horizon of {k}, is recursive "
                        f"and needs every input feature to be a target; forecast at most {k} steps")
    return steps


def forecast_distribution(forecaster, X: torch.Tensor, steps: int, samples: int | None = None,
                          seed: int | None = None) -> Distribution | None:
    """The forecast distribution ``steps`` ahead of each scaled window of ``X`` (N, W, F).

    Steps the network's head emits get its own quantiles (and a Gaussian's mean and scale); with
    more steps, ``samples`` (default ``forecaster.samples``) paths drawn with ``seed`` (default
    ``forecaster.seed``) cover every step, and give the quantiles past the head's steps.  Returns
    None for a point (MSE) model.
    """
    model = forecaster.model_
    head = model.distribution
    if head is None:
        return None
    k, levels = model.config.horizon, head.levels
    n_steps = check_steps(forecaster, steps)
    params = predict_windows(model, X, distribution=True)[:, :n_steps]  # (N, min(k, steps), O, P)
    quantiles = head.quantiles(params).numpy()  # (N, ., O, Q) scaled
    paths = None
    if n_steps > k:
        S = checks.positive_int("samples", forecaster.samples if samples is None else samples)
        seed = forecaster.seed if seed is None else checks.positive_int("seed", seed, minimum=0)
        paths = sample_paths(model, X, n_steps, S, seed, forecaster.target_idx_).numpy()  # (S, N, steps, O)
        beyond = np.moveaxis(np.quantile(paths[:, :, k:], levels, axis=0), 0, -1)  # (N, steps-k, O, Q)
        quantiles = np.concatenate([quantiles, beyond.astype(np.float32)], axis=1)
        paths = forecaster._unscale(torch.from_numpy(paths))
    mean = sd = None
    if model.config.loss == "gaussian" and n_steps <= k:
        mean = forecaster._unscale(params[..., 0])
        scale = 1.0 if forecaster.scaler_ is None else forecaster.scaler_.scale_[forecaster.target_idx_]
        sd = params[..., 1].numpy() * scale
    return Distribution(levels, _unscale_levels(forecaster, quantiles), paths, mean, sd)


# -- scores -----------------------------------------------------------------------------------------
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
    return np.abs(x - y).mean(0) - (spread * x).sum(0) / S ** 2


def crps_gaussian(mean: np.ndarray, sd: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Closed-form CRPS of N(mean, sd^2) at y: ``sd (z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi))``."""
    z = np.asarray((np.asarray(y, dtype=np.float64) - mean) / sd, dtype=np.float64)
    cdf = torch.special.ndtr(torch.from_numpy(z)).numpy()
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return sd * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi))


def _scores(actual: np.ndarray, dist: Distribution) -> dict[str, np.ndarray]:
    """Per point (N, K, O): inside each interval (0/1), pinball loss, CRPS (NaN where unknown)."""
    y, q = actual.astype(np.float64), dist.quantiles.astype(np.float64)
    out = {coverage_label(nominal): ((q[..., i] <= y) & (y <= q[..., j])).astype(np.float64)
           for i, j, nominal in intervals(dist.levels)}
    out["pinball"] = _pinball(q, y, dist.levels)
    if dist.samples is not None:
        out["crps"] = crps_samples(dist.samples, y)
    elif dist.sd is not None:
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
    summary = {"levels": list(dist.levels), "samples": None if dist.samples is None else int(dist.samples.shape[0])}
    summary.update({name: clean(float(v.mean())) for name, v in scores.items()})
    summary["per_target"] = {t: {name: clean(float(v[..., o].mean())) for name, v in scores.items()}
                             for o, t in enumerate(targets)}
    return summary
