"""Numbers as the data writes them: how many decimals a series' values carry, and rounding to them.

Values arrive as float32 (``448.4`` is held as ``448.399994``); :func:`decimals` reads the
decimals a value was written with back from it, so forecasts can be given in the data's own
precision instead of float32's noise.
"""

from __future__ import annotations

import numpy as np

__all__ = ["decimals", "decimals_before", "round_to", "SIGNIFICANT", "PRECISION_STEPS"]

_MAX_DECIMALS = 12
SIGNIFICANT = 3  # forecasts keep at least this many significant digits of the series' level
PRECISION_STEPS = 100  # the steps before a series' first forecast whose decimals its forecasts are rounded to


def decimals(values: np.ndarray, axis: int = -2) -> np.ndarray:
    """The decimals the values along ``axis`` were written with (the most any of them needs),
    but at least enough for :data:`SIGNIFICANT` digits of their mean absolute value.

    ``values`` (..., T, O) -> (..., O) integers; NaN values are ignored.  A value counts as written
    with ``d`` decimals when it lies within float32's rounding (a relative 1e-7) of a number with
    ``d`` decimals: 448.399994 has 1, 112.0 has 0, counts of 0-5 get 2 (three significant digits).
    """
    v = np.abs(np.asarray(values, dtype=np.float64))
    v = np.where(np.isfinite(v), v, 0.0)
    need = np.full(v.shape, _MAX_DECIMALS, dtype=np.int64)
    for d in range(_MAX_DECIMALS - 1, -1, -1):  # the fewest decimals each value is within rounding of
        scaled = v * 10.0**d
        exact = np.abs(scaled - np.round(scaled)) <= np.maximum(scaled * 1e-7, 1e-9)
        need = np.where(exact, d, need)
    written = need.max(axis=axis)
    level = np.mean(v, axis=axis)
    with np.errstate(divide="ignore"):
        digits = np.where(level > 0, SIGNIFICANT - 1 - np.floor(np.log10(np.where(level > 0, level, 1))), 0)
    return np.clip(np.maximum(written, digits), 0, _MAX_DECIMALS).astype(np.int64)


def round_to(values: np.ndarray, places: np.ndarray) -> np.ndarray:
    """``values`` (float64) rounded to ``places`` decimals, element-wise (``places`` broadcasts)."""
    factor = 10.0 ** np.asarray(places, dtype=np.float64)
    return np.round(np.asarray(values, dtype=np.float64) * factor) / factor


def decimals_before(
    values: np.ndarray, starts: np.ndarray, before: np.ndarray, columns: list[int]
) -> np.ndarray:
    """The decimals (S, O) of the ``columns`` of each series of a panel (``values`` (T_total, F),
    series ``s`` from row ``starts[s]``) in its last steps before its step ``before[s]`` >= 1: at
    most :data:`PRECISION_STEPS`, as many for every series.  What forecasts made from there are
    rounded to."""
    before = np.maximum(np.asarray(before), 1)
    n = int(min(np.min(before), PRECISION_STEPS))
    rows = (np.asarray(starts) + before)[:, None] - n + np.arange(n)  # (S, n)
    return decimals(values[rows][:, :, columns])
