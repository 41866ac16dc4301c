"""Seasonal indices: each series' season taken out of its targets before the network reads them,
and put back on its forecasts (the classical decomposition the M4 competition's benchmarks and
ES-RNN deseasonalise with).

For every series of a panel at once, on its training span (the validation span excluded, but for a
drifting season, below):

- a season of m steps is tested with the 90% autocorrelation test at lag m (seasonal when
  ``|r_m| > 1.645 * sqrt((1 + 2 * sum_{k<m} r_k^2) / n)``), where the span holds at least two
  seasons;
- the trend is the centred moving average (2 x m for an even m), the detrended values are
  ``y / trend`` (every training value positive: *multiplicative*) or ``y - trend`` (additive),
  and their weighted mean at each position in the season is the index, normalised to mean 1 (or
  0); a season's weight halves every :data:`HALFLIFE` seasons back from the end of the span, so
  a season that drifts (a shape that changes over the years) is read as it is now;
- the indices must explain some of the detrended values' variance over the whole span (the
  seasonal strength of Wang, Smith and Hyndman above 0): the autocorrelation test passes at any
  lag on a random walk (a price, an exchange rate), and indices fitted on its last seasons are
  noise that the remainder would carry twice;
- a series that fails the test or the strength, or is too short, gets the neutral indices (1 and 0);
- a season that drifts (the first and the second half of the fit span give indices :data:`DRIFT`
  apart) is refitted on the whole fit span, the validation span included, so that its forecasts
  read the latest seasons, and the network's training inputs lose, at each step, the season of
  that step's own cycle (:func:`fit_drifting`, :func:`local_indices`), so that the past it learns
  from is clean of a season that is no longer the one at the end.

Positions in the season come from :func:`tsrnn.data.calendar.step_numbers`, counted on the
calendar (month of the year, day of the week, hour of the day, ...), so data given later (a longer
history, a backtest) lines up with the fit; integer steps count from 0 (or the integer labels).

The indices are two arrays ``mult`` and ``add`` of shape (S, m, O): deseasonalised values are
``(y - add) / mult`` and forecasts go back as ``f * mult + add``; one formula serves both kinds.
"""

from __future__ import annotations

import numpy as np

from .panel import Panel

__all__ = [
    "Seasonality",
    "first_steps",
    "anchored",
    "fit_seasonality",
    "fit_drifting",
    "local_indices",
    "CRITICAL",
    "HALFLIFE",
    "DRIFT",
]

CRITICAL = 1.645  # the one-sided 95% (two-sided 90%) normal quantile of the M4 benchmarks' test
# Seasons back from the end of the training span at which a detrended value weighs half.  Measured on
# benchmarks/bench_real.py (3 seeds, docs/findings.md): 2 beats equal weights on the cases
# (0.623 vs 0.634) and held out (0.726 vs 0.730), and beats 1 and 4.
HALFLIFE = 2.0
# How far the indices of the first and the second half of a fit span must differ (somewhere in the
# season: as a ratio, or in standard deviations of the series for additive indices) for the season to
# count as drifting (:func:`fit_drifting`).  Measured on benchmarks/bench_real.py and a held-out set
# (docs/findings.md, six seeds): 0.614 against 0.617 and 0.723 against 0.725 without the rule.
DRIFT = 0.1


class Seasonality:
    """Seasonal indices of S series: ``m`` steps per season (0: none), ``mult`` and ``add`` (S, m, O)
    float32, ``kinds`` (S, O): "multiplicative", "additive" or "none" per series and target, and
    ``drifting`` (S,) bool: whose season drifts (:func:`fit_drifting`)."""

    def __init__(
        self,
        m: int,
        mult: np.ndarray,
        add: np.ndarray,
        kinds: list[list[str]],
        drifting: np.ndarray | None = None,
    ) -> None:
        self.m, self.mult, self.add, self.kinds = int(m), mult, add, kinds
        self.drifting = np.zeros(len(kinds), bool) if drifting is None else np.asarray(drifting, dtype=bool)
        self._active = self.m > 1 and any(k != "none" for row in kinds for k in row)  # once, not per call

    @classmethod
    def none(cls, n_series: int, n_targets: int) -> Seasonality:
        return cls(
            0,
            np.ones((n_series, 1, n_targets), np.float32),
            np.zeros((n_series, 1, n_targets), np.float32),
            [["none"] * n_targets for _ in range(n_series)],
        )

    @property
    def active(self) -> bool:
        """Whether any series has indices (else every method is the identity)."""
        return self._active

    def take(self, rows) -> Seasonality:
        """The indices of the series at positions ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        return Seasonality(
            self.m,
            self.mult[rows],
            self.add[rows],
            [self.kinds[i] for i in rows.tolist()],
            self.drifting[rows],
        )

    def _at(self, rows: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``mult`` and ``add`` (N, ..., O) of series ``rows`` (N,) at calendar steps ``steps`` (N, ...)."""
        phase = np.mod(steps, max(self.m, 1))
        rows = rows.reshape(rows.shape + (1,) * (phase.ndim - 1))
        return self.mult[rows, phase], self.add[rows, phase]

    def remove(self, y: np.ndarray, rows: np.ndarray, steps: np.ndarray, local=None) -> np.ndarray:
        """Targets ``y`` (n, O) of series ``rows`` (n,) at calendar steps ``steps`` (n,), deseasonalised;
        ``local``, a pair ``(mult, add)`` of (n, O) indices (:func:`fit_drifting`), replaces the
        fitted ones where it is not NaN."""
        if not self.active:
            return y
        mult, add = self._at(rows, steps)
        if local is not None:
            mult, add = (
                np.where(np.isnan(local[0]), mult, local[0]),
                np.where(np.isnan(local[1]), add, local[1]),
            )
        return ((y - add) / mult).astype(y.dtype, copy=False)

    def remove_columns(
        self, values: np.ndarray, columns: list[int], rows: np.ndarray, steps: np.ndarray, local=None
    ) -> np.ndarray:
        """``values`` (n, F) with its target ``columns`` deseasonalised (:meth:`remove`): a copy,
        or ``values`` itself when no series has indices."""
        if not self.active:
            return values
        values = values.copy()
        values[:, columns] = self.remove(values[:, columns], rows, steps, local)
        return values

    def restore(self, y: np.ndarray, rows: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """Deseasonalised forecasts ``y`` (N, ..., K, O) of series ``rows`` (N,) for calendar steps
        ``steps`` (N, K), with their season put back (axes between N and K broadcast)."""
        if not self.active:
            return y
        mult, add = (self._expand(a, y.ndim) for a in self._at(rows, steps))
        return (y * mult + add).astype(y.dtype, copy=False)

    def factor(self, y: np.ndarray, rows: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """A spread ``y`` (N, ..., K, O) (a scale: multiplied, never shifted) with the season's factor."""
        if not self.active:
            return y
        return (y * self._expand(self._at(rows, steps)[0], y.ndim)).astype(y.dtype, copy=False)

    @staticmethod
    def _expand(a: np.ndarray, ndim: int) -> np.ndarray:
        """(N, K, O) -> (N, 1, ..., 1, K, O) with ``ndim`` axes."""
        return a.reshape(a.shape[:1] + (1,) * (ndim - 3) + a.shape[1:])

    def describe(self) -> str:
        """In words, for reports: which series got which indices."""
        if self.m <= 1:
            return "no seasonal indices"
        flat = [k for row in self.kinds for k in row]
        counts = {k: flat.count(k) for k in ("multiplicative", "additive", "none") if k in flat}
        drift = int(self.drifting.sum())
        if len(self.kinds) == 1 and len(flat) == 1:
            what = {
                "none": "none (the autocorrelation test at lag {m} finds no season, indices would explain "
                "none of the detrended variance, or under two seasons to fit on)"
            }.get(flat[0], flat[0] + " indices")
            drifts = f"; the season drifts: {_DRIFTING}" if drift else ""
            return f"seasonal indices (m={self.m}): " + what.format(m=self.m) + drifts
        return (
            f"seasonal indices (m={self.m}): "
            + ", ".join(f"{k} {n}" for k, n in counts.items())
            + " (series x targets)"
            + (f"; {drift} series' season drifts ({_DRIFTING})" if drift else "")
        )


_DRIFTING = "its indices read the validation span too, and training takes each past season out as it was"


def first_steps(panel: Panel) -> np.ndarray:
    """(S,) int64: the calendar step number (:func:`~tsrnn.data.calendar.step_numbers`) of each
    series' first row; rows follow one step apart.  Without a calendar, integer labels (or 0); on
    a calendar :func:`~tsrnn.data.calendar.step_numbers` does not count (see :func:`anchored`), the
    panel's own positions."""
    numbers = _first_numbers(panel)
    if numbers is not None:
        return numbers
    if panel.grid is not None:
        return np.asarray(panel.last, dtype=np.int64) - panel.lengths + 1
    return np.zeros(panel.n_series, np.int64)


def anchored(panel: Panel) -> bool:
    """Whether the panel's steps have calendar step numbers, so that data given later lines up with
    the fit: integer steps and the calendars :func:`~tsrnn.data.calendar.step_numbers` counts do;
    dates without a frequency, business hours or custom business days do not."""
    return _first_numbers(panel) is not None


def _first_numbers(panel: Panel) -> np.ndarray | None:
    if panel.grid is not None:
        from .calendar import step_numbers  # pandas: loaded only for labelled data

        grid = panel.grid
        first = np.asarray(panel.last, dtype=np.int64) - panel.lengths + 1
        if grid.session is not None:  # positions on a session grid count from the sessions' origin
            return first
        numbers = step_numbers(grid.labels(first), grid.freq, grid.step if grid.freq is None else 1)
        return None if numbers is None else numbers.astype(np.int64)
    index = panel.index
    if index is None or len(index) == 0:
        return np.zeros(panel.n_series, np.int64)
    start, step = getattr(index, "start", None), getattr(index, "step", None)  # range, pandas RangeIndex
    if isinstance(start, (int, np.integer)) and isinstance(step, (int, np.integer)):
        return np.full(panel.n_series, int(start) // max(int(step), 1), np.int64)
    import pandas as pd

    from .calendar import step_numbers
    from .index_specs import index_spec

    spec = index_spec(index, panel.freq)  # the frequency (dates) or the step (integers) of the labels
    numbers = step_numbers(pd.Index(index[:1]), spec.get("freq"), spec.get("step", 1), panel.session)
    return None if numbers is None else np.full(panel.n_series, int(numbers[0]), np.int64)


def _autocorrelation_test(
    x: np.ndarray, codes: np.ndarray, within: np.ndarray, use: np.ndarray, m: int, n_series: int
) -> np.ndarray:
    """(S,) whether each series' span (``use``: its first rows, rows sorted by series) passes the 90%
    autocorrelation test at lag ``m``.  The demeaned spans are laid end to end with ``m`` zeros
    after each, so a product of steps k <= m apart never pairs two series; each lag is then one
    product over the whole panel and one sum per series."""
    picked = codes[use]
    n = np.bincount(picked, minlength=n_series)
    mean = np.bincount(picked, weights=x[use], minlength=n_series) / np.maximum(n, 1)
    seg = np.concatenate([[0], np.cumsum(n + m)[:-1]])  # where each series' span starts, gaps included
    d = np.zeros(int((n + m).sum()))
    d[seg[picked] + within[use]] = x[use] - mean[picked]
    r = np.stack(
        [
            np.add.reduceat(d[: d.shape[0] - k] * d[k:], seg) if k else np.add.reduceat(d * d, seg)
            for k in range(m + 1)
        ]
    )  # (m + 1, S); every segment holds its m zeros, so none is empty
    with np.errstate(all="ignore"):
        r = r[1:] / r[0]
        bound = CRITICAL * np.sqrt((1 + 2 * (r[:-1] ** 2).sum(axis=0)) / n)
        return (n > m) & np.isfinite(r[-1]) & (np.abs(r[-1]) > bound)


def fit_seasonality(
    values: np.ndarray,
    codes: np.ndarray,
    within: np.ndarray,
    train_end: np.ndarray,
    steps: np.ndarray,
    m: int | None,
    targets: list[int],
    n_series: int,
    halflife: float | None = HALFLIFE,
) -> Seasonality:
    """Seasonal indices (see the module's docstring) of every series of a panel at once.

    values    : (T_total, F) the panel's values
    codes     : (T_total,) each row's series; ``within`` (T_total,) its step within the series
    train_end : (S,) steps of each series to fit on (its training span)
    steps     : (T_total,) each row's calendar step number
    m         : the season in steps (None or below 2: no indices)
    halflife  : seasons back at which a value weighs half (None: every season alike)
    """
    O = len(targets)
    if m is None or m < 2:
        return Seasonality.none(n_series, O)
    parts = [
        _fit_block(
            values[rows],
            codes[rows] - first,
            within[rows],
            train_end[first:last],
            steps[rows],
            m,
            targets,
            last - first,
            halflife,
        )
        for first, last, rows in _blocks(codes, n_series)
    ]
    return Seasonality(
        m,
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        [k for p in parts for k in p[2]],
    )


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
    """The seasonal indices of a fit (:func:`fit_seasonality` on each series' training span
    ``train_end``), and for the targets whose season drifts the indices that follow it
    (:func:`local_indices` over the whole fit span ``lengths``, the validation span included);
    ``(seasonality, local)``, ``local`` None when no season drifts.

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
    and NaN everywhere else (:meth:`Seasonality.remove` reads the fitted indices there).
    """
    m = seasonality.m
    if not seasonality.active:
        return None
    T, O = values.shape[0], len(targets)
    mult, add = np.full((T, O), np.nan, np.float32), np.full((T, O), np.nan, np.float32)
    drifting = np.zeros((seasonality.mult.shape[0], O), bool)
    for first, last, rows in _blocks(codes, drifting.shape[0]):
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
    r, s, det, ratio = _detrended(x, codes, within, train_end, m, n_series)
    phase = np.mod(steps, m)
    early = within[r] < train_end[s] // 2
    key = (s * m + phase[r]) * 2 + early
    with np.errstate(all="ignore"):
        halves = (
            np.bincount(key, weights=det, minlength=2 * m * n_series)
            / np.bincount(key, minlength=2 * m * n_series)
        ).reshape(n_series, m, 2)
        use = within < train_end[codes]
        spread = np.where(ratio, 1.0, np.sqrt(_variance(x[use], codes[use], n_series)))
        gap = np.abs(halves[..., 0] - halves[..., 1]).max(axis=1) / spread
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
    # a two-sided exponential kernel along each series' cycles: one pass forward, one back
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
        local = (total + ahead - grid) / (mass + ahead_mass - weight)  # (cells, m)
    local = _centred(local, np.repeat(ratio[drifting], n_cycles))
    return (
        at,
        local[offset[dense[codes[at]]] + cycle[at], phase[at]].astype(np.float32),
        ratio[codes[at]],
        np.flatnonzero(drifting),
    )


_BLOCK_ROWS = 1 << 19  # panel rows per block of series when fitting indices (about 50 MiB of temporaries)


def _centred(idx: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """Indices ``idx`` (S, ..., m) normalised over the season (the last axis): to mean 1 where
    ``ratio`` (S,) (multiplicative), to mean 0 elsewhere (additive)."""
    with np.errstate(all="ignore"):
        mean = idx.mean(axis=-1, keepdims=True)
        return np.where(ratio.reshape((-1,) + (1,) * (idx.ndim - 1)), idx / mean, idx - mean)


def _variance(v: np.ndarray, s: np.ndarray, n_series: int) -> np.ndarray:
    """(S,) the variance of the values ``v`` of each series (``s``: each value's series)."""
    with np.errstate(all="ignore"):
        n = np.bincount(s, minlength=n_series)
        mean = np.bincount(s, weights=v, minlength=n_series) / n
        return np.bincount(s, weights=(v - mean[s]) ** 2, minlength=n_series) / n


def _explains(
    detrended: np.ndarray,
    s: np.ndarray,
    key: np.ndarray,
    centred: np.ndarray,
    ratio: np.ndarray,
    n_series: int,
) -> np.ndarray:
    """(S,) whether each series' indices ``centred`` (S, m) explain some of its detrended values'
    variance: the remainder (``detrended / index``, or ``- index``) varies less than the detrended
    values, over the whole span (Wang, Smith and Hyndman's seasonal strength above 0)."""
    at = centred.reshape(-1)[key]
    with np.errstate(all="ignore"):
        rest = np.where(ratio[s], detrended / at, detrended - at)
    return _variance(rest, s, n_series) < _variance(detrended, s, n_series)


def _blocks(codes: np.ndarray, n_series: int):
    """Blocks of whole series of about :data:`_BLOCK_ROWS` rows (rows sorted by series), so that
    temporaries stay bounded: ``(first, last, rows)``, series ``first:last`` on the rows ``rows``."""
    starts = np.searchsorted(codes, np.arange(n_series + 1))
    first = 0
    while first < n_series:
        last = max(first + 1, int(np.searchsorted(starts, starts[first] + _BLOCK_ROWS, side="right")) - 1)
        last = min(last, n_series)
        yield first, last, slice(int(starts[first]), int(starts[last]))
        first = last


def _detrended(
    x: np.ndarray, codes: np.ndarray, within: np.ndarray, train_end: np.ndarray, m: int, n_series: int
):
    """The centred moving average's detrended training values of one column ``x`` of a block: the rows
    ``r`` whose trend window lies in their series' training span, their series ``s``, the values
    (``x / trend`` where ``ratio[s]``: every training value of the series positive, else ``x - trend``)
    and ``ratio`` (S,)."""
    half = m // 2
    use = within < train_end[codes]
    lowest = np.full(n_series, np.inf)
    np.fmin.at(lowest, codes[use], x[use])  # a missing value is not the lowest
    ratio = lowest > 0  # every training value positive: multiplicative
    r = np.flatnonzero(use & (within >= half) & (within + half < train_end[codes]))
    missing = np.isnan(x)
    c = np.concatenate(
        [[0.0], np.cumsum(np.where(missing, 0.0, x))]
    )  # a missing value spoils its own windows only
    gaps = np.concatenate([[0], np.cumsum(missing)])
    total = c[r + half + 1] - c[r - half]
    if m % 2 == 0:  # 2 x m moving average: half weight at both ends
        total = total - 0.5 * (x[r - half] + x[r + half])
    trend = np.where(gaps[r + half + 1] > gaps[r - half], np.nan, total / m)
    s = codes[r]
    with np.errstate(all="ignore"):
        detrended = np.where(ratio[s], x[r] / trend, x[r] - trend)
    return r, s, detrended, ratio


def _fit_block(
    values: np.ndarray,
    codes: np.ndarray,
    within: np.ndarray,
    train_end: np.ndarray,
    steps: np.ndarray,
    m: int,
    targets: list[int],
    n_series: int,
    halflife: float | None,
):
    """:func:`fit_seasonality` on a block of whole series: ``mult``, ``add`` (S, m, O) float32, kinds."""
    O = len(targets)
    use = within < train_end[codes]
    long_enough = train_end >= 2 * m
    phase = np.mod(steps, m)
    mult = np.ones((n_series, m, O))
    add = np.zeros((n_series, m, O))
    kinds = [["none"] * O for _ in range(n_series)]
    for j, col in enumerate(targets):
        x = values[:, col].astype(np.float64)
        seasonal = long_enough & _autocorrelation_test(x, codes, within, use, m, n_series)
        if not seasonal.any():
            continue
        r, s, detrended, ratio = _detrended(x, codes, within, train_end, m, n_series)
        key = s * m + phase[r]
        w = (
            np.ones(r.shape[0])
            if halflife is None
            else 0.5 ** ((train_end[s] - 1 - within[r]) / (halflife * m))
        )  # recent seasons weigh more
        sums = np.bincount(key, weights=w * detrended, minlength=n_series * m).reshape(n_series, m)
        counts = np.bincount(key, minlength=n_series * m).reshape(n_series, m)
        with np.errstate(all="ignore"):
            idx = sums / np.bincount(key, weights=w, minlength=n_series * m).reshape(n_series, m)
        ok = seasonal & np.isfinite(idx).all(axis=1) & (counts > 0).all(axis=1)
        ok &= ~ratio | (idx > 0).all(axis=1)
        centred = _centred(idx, ratio)
        ok &= _explains(
            detrended, s, key, centred, ratio, n_series
        )  # not the noise of a random walk's last seasons
        mult_ok, add_ok = ok & ratio, ok & ~ratio
        mult[mult_ok, :, j] = centred[mult_ok]
        add[add_ok, :, j] = centred[add_ok]
        for i in np.flatnonzero(ok).tolist():
            kinds[i][j] = "multiplicative" if ratio[i] else "additive"
    return mult.astype(np.float32), add.astype(np.float32), kinds
