"""Reproducible series to learn from: the classic tutorial sine and multi-feature sine mixtures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..base import checks
from ..base.config import MAX_GENERATED_VALUES

if TYPE_CHECKING:
    import torch

__all__ = [
    "DEFAULT_PERIODS",
    "MAX_GENERATED_VALUES",
    "check_generated",
    "sine_wave",
    "multi_sine",
    "to_batch",
]

# Distinct, mutually prime-ish periods (in steps) so that the features are not copies of each other.
DEFAULT_PERIODS = (50.0, 37.0, 23.0, 61.0, 29.0, 43.0, 17.0, 71.0)


def sine_wave(seq_length: int = 20, n_features: int = 1) -> np.ndarray:
    """The classic tutorial input: ``sin(linspace(0, pi, seq_length * n_features))``.

    Returns
    -------
    ndarray of shape (seq_length, n_features), float32
        The values fill the array row by row (time step by time step).

    Examples
    --------
    >>> sine_wave(20, 3).shape
    (20, 3)
    """
    seq_length = checks.positive_int("seq_length", seq_length)
    n_features = checks.positive_int("n_features", n_features)
    x = np.sin(np.linspace(0.0, np.pi, seq_length * n_features))
    return x.reshape(seq_length, n_features).astype(np.float32)


def check_generated(length: int, n_features: int) -> None:
    """Refuse, before any work, a generated series beyond :data:`MAX_GENERATED_VALUES` numbers."""
    if length * n_features > MAX_GENERATED_VALUES:
        raise checks.invalid(
            "length",
            f"length={length} x n_features={n_features} = {length * n_features} values, beyond tsrnn's limit "
            f"of {MAX_GENERATED_VALUES} for a generated series ({MAX_GENERATED_VALUES * 8 // 2**20} MiB of "
            f"float64); generate fewer steps or features",
        )


def _default_periods(n: int) -> list[float]:
    extra = [80.0 + 11.0 * k for k in range(max(0, n - len(DEFAULT_PERIODS)))]
    return list(DEFAULT_PERIODS[:n]) + extra


def multi_sine(
    length: int,
    n_features: int = 3,
    periods=None,
    amplitudes=None,
    phases=None,
    noise: float = 0.0,
    trend=0.0,
    seed: int | None = None,
) -> pd.DataFrame:
    """Several sine series, one column per feature, with optional phases, trend and Gaussian noise.

    Feature ``k`` at step ``t`` is
    ``amplitudes[k] * sin(2 pi t / periods[k] + phases[k]) + trend[k] * t + noise * N(0, 1)``.

    Parameters
    ----------
    length : int
        T, time steps.
    n_features : int
        F, columns ``f0 .. f{F-1}``.
    periods, amplitudes, phases, trend : float or sequence of F floats, optional
        Per-feature settings; a single number applies to every feature.  Default periods are
        distinct (50, 37, 23, 61, ...); default amplitudes 1; default phases are drawn uniformly
        from [0, 2 pi) with the seeded generator; default trend 0.
    noise : float
        Standard deviation of the added Gaussian noise, in the series' units.
    seed : int, optional
        Seeds one ``numpy.random.default_rng``: phases are drawn first, then the noise.  The same
        seed and arguments give the same frame.

    Returns
    -------
    DataFrame of shape (length, n_features)
        Indexed by step ``t``; ``df.attrs`` records the settings used, ``noise`` among them.
    """
    length = checks.positive_int("length", length)
    n_features = checks.positive_int("n_features", n_features)
    check_generated(length, n_features)
    noise = checks.real("noise", noise, 0.0, None)
    if seed is not None:
        seed = checks.positive_int("seed", seed, minimum=0)
    periods_ = _periods(periods, n_features)
    amplitudes_ = checks.per_feature("amplitudes", amplitudes, n_features, [1.0] * n_features)
    trend_ = checks.per_feature("trend", trend, n_features, [0.0] * n_features)
    rng = np.random.default_rng(seed)
    drawn = rng.uniform(0.0, 2.0 * np.pi, size=n_features)  # drawn always, so noise depends on seed only
    phases_ = checks.per_feature("phases", phases, n_features, drawn.tolist())

    values = _sines(length, periods_, amplitudes_, phases_, trend_)  # (T, F)
    if noise > 0:
        values = values + rng.normal(0.0, noise, size=values.shape)
    return _frame(
        values, noise=noise, periods=periods_, amplitudes=amplitudes_, phases=phases_, trend=trend_, seed=seed
    )


def _periods(periods, n_features: int) -> list[float]:
    """The steps per cycle of each feature (``periods``, or the distinct defaults), each above 0."""
    periods_ = checks.per_feature("periods", periods, n_features, _default_periods(n_features))
    for k, p in enumerate(periods_):
        if p <= 0:
            raise checks.invalid("periods", f"periods[{k}] must be > 0 (steps per cycle), got {p}")
    return periods_


def _sines(
    length: int, periods: list[float], amplitudes: list[float], phases: list[float], trend: list[float]
):
    """(T, F) float64: ``amplitudes[k] * sin(2 pi t / periods[k] + phases[k]) + trend[k] * t``."""
    t = np.arange(length, dtype=np.float64)[:, None]  # (T, 1)
    return (
        np.asarray(amplitudes) * np.sin(2.0 * np.pi * t / np.asarray(periods) + np.asarray(phases))
        + np.asarray(trend) * t
    )


def _frame(values: np.ndarray, **settings) -> pd.DataFrame:
    """(T, F) values as a frame of float32 columns ``f0 .. f{F-1}`` indexed by step ``t``, the settings
    used in its ``attrs``."""
    frame = pd.DataFrame(
        values.astype(np.float32),
        columns=[f"f{k}" for k in range(values.shape[1])],
        index=pd.RangeIndex(values.shape[0], name="t"),
    )
    frame.attrs.update(settings)
    return frame


def to_batch(array) -> torch.Tensor:
    """Add the batch dimension: ``(seq, features)`` -> float32 tensor ``(1, seq, features)``.

    A 1-D series is read as one feature: ``(seq,)`` -> ``(1, seq, 1)``.
    """
    import torch

    if isinstance(array, pd.DataFrame):
        array = array.to_numpy()
    x = (
        array.to(torch.float32)
        if isinstance(array, torch.Tensor)
        else torch.tensor(np.asarray(array), dtype=torch.float32)
    )
    if x.dim() == 1:
        x = x.unsqueeze(-1)  # (T,) -> (T, 1)
    if x.dim() != 2:
        raise checks.invalid(
            "x", f"to_batch expects an array of shape (seq, features), got shape {tuple(x.shape)}"
        )
    return x.unsqueeze(0)  # (T, F) -> (1, T, F)
