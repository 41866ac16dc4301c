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
- a season that drifts (the first and the second half of the fit span give indices
  :data:`~tsrnn.data.seasonal_drift.DRIFT` apart) is refitted on the whole fit span, the validation
  span included, so that its forecasts read the latest seasons, and the network's training inputs
  lose, at each step, the season of that step's own cycle
  (:func:`tsrnn.data.seasonal_drift.fit_drifting`), so that the past it learns from is clean of a
  season that is no longer the one at the end.

Positions in the season come from :func:`tsrnn.data.calendar.step_numbers`, counted on the
calendar (month of the year, day of the week, hour of the day, ...), so data given later (a longer
history, a backtest) lines up with the fit; integer steps count from 0 (or the integer labels).

The indices are two arrays ``mult`` and ``add`` of shape (S, m, O): deseasonalised values are
``(y - add) / mult`` and forecasts go back as ``f * mult + add``; one formula serves both kinds.
"""

from __future__ import annotations

import numpy as np

from .decomposition import autocorrelation_test, blocks, centre, detrend, explains
from .panel import Panel

__all__ = ["Seasonality", "first_steps", "anchored", "fit_seasonality", "HALFLIFE"]

# Seasons back from the end of the training span at which a detrended value weighs half.  Measured on
# benchmarks/bench_real.py (3 seeds, docs/findings.md): 2 beats equal weights on the cases
# (0.623 vs 0.634) and held out (0.726 vs 0.730), and beats 1 and 4.
HALFLIFE = 2.0


class Seasonality:
    """Seasonal indices of S series: ``m`` steps per season (0: none), ``mult`` and ``add`` (S, m, O)
    float32, ``kinds`` (S, O): "multiplicative", "additive" or "none" per series and target, and
    ``drifting`` (S,) bool: whose season drifts (:func:`~tsrnn.data.seasonal_drift.fit_drifting`)."""

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
        ``local``, a pair ``(mult, add)`` of (n, O) indices
        (:func:`~tsrnn.data.seasonal_drift.fit_drifting`), replaces the fitted ones where it is not NaN."""
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
        for first, last, rows in blocks(codes, n_series)
    ]
    return Seasonality(
        m,
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        [k for p in parts for k in p[2]],
    )


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
        seasonal = long_enough & autocorrelation_test(x, codes, within, use, m, n_series)
        if not seasonal.any():
            continue
        r, s, detrended, ratio = detrend(x, codes, within, train_end, m, n_series)
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
        centred = centre(idx, ratio)
        ok &= explains(
            detrended, s, key, centred, ratio, n_series
        )  # not the noise of a random walk's last seasons
        mult_ok, add_ok = ok & ratio, ok & ~ratio
        mult[mult_ok, :, j] = centred[mult_ok]
        add[add_ok, :, j] = centred[add_ok]
        for i in np.flatnonzero(ok).tolist():
            kinds[i][j] = "multiplicative" if ratio[i] else "additive"
    return mult.astype(np.float32), add.astype(np.float32), kinds
