"""A season that drifts (its shape changes over the years): found by comparing the indices of the
first and the second half of each series' fit span, refitted on the whole fit span so that forecasts
read the latest seasons, and taken out of the network's training inputs cycle by cycle (the local
indices, used by the fit only, never stored).  The indices themselves:
:mod:`tsrnn.data.seasonal_indices`."""

from __future__ import annotations

import numpy as np

from .decomposition import blocks, centre, detrend, variance
from .seasonal_indices import HALFLIFE, Seasonality, fit_seasonality

__all__ = ["DRIFT", "fit_drifting", "local_indices"]

# How far the indices of the first and the second half of a fit span must differ (somewhere in the
# season: as a ratio, or in standard deviations of the series for additive indices) for the season to
# count as drifting (:func:`fit_drifting`).  Measured on benchmarks/bench_real.py and a held-out set
# (docs/findings.md, six seeds): 0.614 against 0.617 and 0.723 against 0.725 without the rule.
DRIFT = 0.1


def fit_drifting(
    values: np.ndarray,
    codes: np.ndarray,
    within: np.ndarray,
    train_end: np.ndarray,
    lengths: np.ndarray,
    steps: np.ndarray,
    m: int | None,
    targets: list[int],
    n_series: int,
) -> tuple[Seasonality, tuple[np.ndarray, np.ndarray] | None]:
    """The seasonal indices of a fit (:func:`~tsrnn.data.seasonal_indices.fit_seasonality` on each
    series' training span ``train_end``), and for the targets whose season drifts the indices that
    follow it (:func:`local_indices` over the whole fit span ``lengths``, the validation span
    included); ``(seasonality, local)``, ``local`` None when no season drifts.

    A drifting target's fitted indices (those its forecasts get) are refitted on its series' whole
    fit span, so that they read its latest seasons; a steady season, another target of the same
    series included, keeps indices from the training span alone.  ``seasonality.drifting`` marks the
    series with a drifting target that is still seasonal on the whole span.
    """
    base = fit_seasonality(values, codes, within, train_end, steps, m, targets, n_series)
    local = local_indices(values, codes, within, lengths, steps, base, targets)
    if local is None:
        return base, None
    drifting, mult, add = local  # drifting (S, O)
    whole = fit_seasonality(
        values, codes, within, np.where(drifting.any(axis=1), lengths, train_end), steps, m, targets, n_series
    )
    pick = drifting[:, None, :]  # (S, 1, O): the drifting targets take the whole span's indices
    kinds = [list(row) for row in base.kinds]
    for i, j in zip(*np.nonzero(drifting), strict=False):
        kinds[i][j] = whole.kinds[i][j]
    gone = drifting & np.array(
        [[k == "none" for k in row] for row in kinds]
    )  # (S, O): no season on the whole span
    mult[gone[codes]], add[gone[codes]] = np.nan, np.nan
    seasonality = Seasonality(
        base.m,
        np.where(pick, whole.mult, base.mult),
        np.where(pick, whole.add, base.add),
        kinds,
        (drifting & ~gone).any(axis=1),
    )
    return seasonality, (mult, add)


def local_indices(
    values: np.ndarray,
    codes: np.ndarray,
    within: np.ndarray,
    span: np.ndarray,
    steps: np.ndarray,
    seasonality: Seasonality,
    targets: list[int],
    halflife: float = HALFLIFE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Indices that follow a drifting season through each series' first ``span`` steps, for the
    network's training inputs; None when no series' season drifts (arguments as :func:`fit_seasonality`,
    ``seasonality`` the fitted indices whose series and targets are seasonal).

    A series' season drifts when the indices of the first and of the second half of its span
    differ somewhere by :data:`DRIFT` or more (as a ratio; additive indices in standard deviations
    of the series' values).  Each step of the span of such a series is then deseasonalised with the
    season of its own cycle (the ``m`` steps that share ``step // m``): the detrended values at each
    position in the season, weighted by a two-sided kernel that halves every ``halflife`` cycles
    away, normalised over the season like the fitted indices.  The fitted indices (the season at the
    end) stay what every forecast, prediction and later input uses; the local ones only clean the past
    the network learns from.

    Returns ``(drifting, mult, add)``: drifting (S, O) bool, which target of which series drifts;
    mult and add (T_total, O) float32, the local indices on the drifting targets' rows in their span
    and NaN everywhere else (:meth:`~tsrnn.data.seasonal_indices.Seasonality.remove` reads the
    fitted indices there).
    """
    m = seasonality.m
    if not seasonality.active:
        return None
    T, O = values.shape[0], len(targets)
    mult, add = np.full((T, O), np.nan, np.float32), np.full((T, O), np.nan, np.float32)
    drifting = np.zeros((seasonality.mult.shape[0], O), bool)
    for first, last, rows in blocks(codes, drifting.shape[0]):
        kinds = seasonality.kinds[first:last]
        for j, col in enumerate(targets):
            on = np.array([k[j] != "none" for k in kinds])
            if not on.any():
                continue
            block = _local_block(
                values[rows, col].astype(np.float64),
                codes[rows] - first,
                within[rows],
                span[first:last],
                steps[rows],
                m,
                on,
                halflife,
            )
            if block is not None:
                at, local, ratio, which = block  # block rows, their indices, multiplicative?, drifting series
                mult[rows.start + at, j] = np.where(ratio, local, 1.0)
                add[rows.start + at, j] = np.where(ratio, 0.0, local)
                drifting[first + which, j] = True
    return (drifting, mult, add) if drifting.any() else None


def _local_block(
    x: np.ndarray,
    codes: np.ndarray,
    within: np.ndarray,
    train_end: np.ndarray,
    steps: np.ndarray,
    m: int,
    on: np.ndarray,
    halflife: float,
):
    """:func:`local_indices` for one column ``x`` of a block of whole series, ``on`` (S,) the series
    with fitted indices: None when none drifts, else the drifting series' rows in their span (block
    positions), their local indices, whether each row's indices are multiplicative, and the drifting
    series (block positions)."""
    n_series = train_end.shape[0]
    r, s, det, ratio = detrend(x, codes, within, train_end, m, n_series)
    phase = np.mod(steps, m)
    use = within < train_end[codes]
    gap = _halves_apart(x, codes, within, train_end, m, r, s, det, ratio, phase)
    drifting = on & np.isfinite(gap) & (gap >= DRIFT)
    if not drifting.any():
        return None
    # the detrended values of the drifting series on a grid of (cycle, position in the season), each
    # series' cycles laid end to end, so the grid holds about as many cells as the series have rows
    dense = np.full(n_series, -1)
    dense[drifting] = np.arange(int(drifting.sum()))
    starts = np.searchsorted(codes, np.arange(n_series))
    cycle = (
        np.floor_divide(steps, m) - np.floor_divide(steps[starts], m)[codes]
    )  # counted from each series' first
    at = np.flatnonzero(use & drifting[codes])  # the rows to deseasonalise
    n_cycles = np.zeros(int(drifting.sum()), np.int64)
    np.maximum.at(n_cycles, dense[codes[at]], cycle[at] + 1)
    offset = np.cumsum(n_cycles) - n_cycles
    keep = drifting[s]
    grid = np.zeros((int(n_cycles.sum()), m))
    weight = np.zeros_like(grid)
    where = (offset[dense[s[keep]]] + cycle[r[keep]], phase[r[keep]])
    grid[where], weight[where] = det[keep], 1.0
    local = _two_sided_mean(grid, weight, offset, n_cycles, halflife)  # (cells, m)
    local = centre(local, np.repeat(ratio[drifting], n_cycles))
    return (
        at,
        local[offset[dense[codes[at]]] + cycle[at], phase[at]].astype(np.float32),
        ratio[codes[at]],
        np.flatnonzero(drifting),
    )


def _halves_apart(
    x: np.ndarray,
    codes: np.ndarray,
    within: np.ndarray,
    train_end: np.ndarray,
    m: int,
    r: np.ndarray,
    s: np.ndarray,
    det: np.ndarray,
    ratio: np.ndarray,
    phase: np.ndarray,
) -> np.ndarray:
    """(S,) how far the indices of the first and of the second half of each series' training span lie
    apart at their farthest position in the season: as a ratio, or in standard deviations of the
    series' values for additive indices (``r``, ``s``, ``det``, ``ratio``: ``decomposition.detrend``'s)."""
    n_series = train_end.shape[0]
    early = within[r] < train_end[s] // 2
    key = (s * m + phase[r]) * 2 + early
    with np.errstate(all="ignore"):
        halves = (
            np.bincount(key, weights=det, minlength=2 * m * n_series)
            / np.bincount(key, minlength=2 * m * n_series)
        ).reshape(n_series, m, 2)
        use = within < train_end[codes]
        spread = np.where(ratio, 1.0, np.sqrt(variance(x[use], codes[use], n_series)))
        return np.abs(halves[..., 0] - halves[..., 1]).max(axis=1) / spread


def _two_sided_mean(
    grid: np.ndarray, weight: np.ndarray, offset: np.ndarray, n_cycles: np.ndarray, halflife: float
) -> np.ndarray:
    """The weighted mean of the cells of ``grid`` (cycles, m) (``weight``: 1 where a cell holds a value)
    under a two-sided exponential kernel along each series' cycles (series ``i`` on the rows
    ``offset[i]`` to ``offset[i] + n_cycles[i]``), halving every ``halflife`` cycles away: one pass
    forward, one back."""
    decay = 0.5 ** (1.0 / halflife)
    total, mass = grid.copy(), weight.copy()
    ahead, ahead_mass = grid.copy(), weight.copy()
    longest = int(n_cycles.max())
    for k in range(1, longest):
        cells = offset[n_cycles > k] + k
        total[cells] += decay * total[cells - 1]
        mass[cells] += decay * mass[cells - 1]
    for k in range(longest - 2, -1, -1):
        cells = offset[n_cycles - 1 > k] + k
        ahead[cells] += decay * ahead[cells + 1]
        ahead_mass[cells] += decay * ahead_mass[cells + 1]
    with np.errstate(all="ignore"):
        return (total + ahead - grid) / (mass + ahead_mass - weight)
