"""A panel: every series of a data set in one array, the layout every batched path runs on.

The values of all S series are concatenated along time as one float32 array ``(T_total, F)``;
series ``s`` is the rows ``starts[s] : starts[s] + lengths[s]``.  Its time labels continue on one
shared grid (:class:`tsrnn.data.calendar.Grid`): ``last[s]`` is the grid position of its last step.  A
single series is a panel of one.  pandas is not needed to hold a panel, only to build one from a
DataFrame (:func:`tsrnn.data.long_layout.long_panel`) and to turn positions back into labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from .calendar import Grid
    from .series import Series
    from .sessions import Session

__all__ = ["Panel", "panel_windows"]


@dataclass(frozen=True)
class Panel:
    """S series of F features in one array.

    values  : (T_total, F) float32, finite
    starts  : (S,) int64, first row of each series
    lengths : (S,) int64
    ids     : the S series names
    columns : the F feature names
    grid    : the shared time grid (a :class:`tsrnn.data.calendar.Grid`), or None for integer steps
    last    : (S,) int64 grid position of each series' last step
    form    : how time labels are written (see :mod:`tsrnn.data.time_axis`)
    season  : the frequency's usual season, or None
    index   : a single series' own time labels (a pandas Index) and ``freq`` its frequency, where
              it came from a wide frame or an array rather than the long layout's grid; ``session``
              the sessions its steps lie in (:class:`tsrnn.data.sessions.Session`), if any
    """

    values: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    ids: list[str | None]  # None: the one series of a wide frame or an array
    columns: list[str]
    grid: Grid | None = None
    last: np.ndarray | None = None
    form: str | None = None
    season: int | None = None
    report: dict = field(default_factory=dict)
    index: pd.Index | range | None = None
    freq: str | None = None
    session: Session | None = None

    @classmethod
    def of_series(cls, s: Series, uid=None, report: dict | None = None) -> Panel:
        """A single series as a panel of one, keeping its own time labels and frequency."""
        return cls(
            s.values,
            np.zeros(1, np.int64),
            np.array([s.length]),
            [uid],
            s.columns,
            form=s.form,
            season=s.season,
            report=report or {},
            index=s.index,
            freq=s.freq,
            session=s.session,
        )

    @property
    def n_series(self) -> int:
        return int(self.starts.shape[0])

    def rows(self, s: int) -> np.ndarray:
        """Series ``s`` (T_s, F), a view."""
        return self.values[self.starts[s] : self.starts[s] + self.lengths[s]]

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's series (T_total,) and its step within that series (T_total,)."""
        codes = np.repeat(np.arange(self.n_series), self.lengths)
        return codes, np.arange(self.values.shape[0]) - self.starts[codes]

    def tails(self, window: int) -> np.ndarray:
        """The last ``window`` steps of every series (S, W, F), a copy."""
        return self.values[(self.starts + self.lengths - window)[:, None] + np.arange(window)]

    def take(self, series=None, start=None, stop=None) -> Panel:
        """Series ``series`` (positions; default every one) from step ``start`` to before ``stop``
        (each an int or one per series; default the whole series), as a new panel with its own
        copy of those rows; a series left without a step is left out.  Labels continue as before:
        ``last`` moves back by the steps cut off the end, a single series' ``index`` is sliced."""
        pick = np.arange(self.n_series) if series is None else np.atleast_1d(np.asarray(series, np.int64))
        lengths = self.lengths[pick]
        lo = (
            np.zeros_like(lengths)
            if start is None
            else np.broadcast_to(np.asarray(start, np.int64), lengths.shape)
        )
        hi = lengths if stop is None else np.broadcast_to(np.asarray(stop, np.int64), lengths.shape)
        lo = np.clip(lo, 0, lengths)
        hi = np.clip(hi, lo, lengths)
        keep = hi > lo
        pick, lo, hi, lengths = pick[keep], lo[keep], hi[keep], lengths[keep]
        n = hi - lo
        starts = np.cumsum(n) - n
        rows = np.repeat(self.starts[pick] + lo - starts, n) + np.arange(int(n.sum()))  # their rows, in order
        index = self.index
        if index is not None and len(pick) == 1:  # a single series' own labels
            index = index[int(lo[0]) : int(hi[0])]
        return replace(
            self,
            values=self.values[rows],
            starts=starts.astype(np.int64),
            lengths=n.astype(np.int64),
            ids=[self.ids[s] for s in pick.tolist()],
            last=None if self.last is None else self.last[pick] - (lengths - hi),
            index=index,
        )

    def labels(self, s: int) -> pd.Index:
        """The time labels of series ``s`` (a pandas Index)."""
        import pandas as pd

        if self.last is None:  # a single series keeps its own labels
            return pd.Index(range(int(self.lengths[s])) if self.index is None else self.index)
        first = int(self.last[s]) - int(self.lengths[s]) + 1
        if self.grid is None:
            return pd.RangeIndex(first, int(self.last[s]) + 1)
        return self.grid.labels(np.arange(first, int(self.last[s]) + 1))


def panel_windows(
    lengths: np.ndarray,
    starts: np.ndarray,
    window: int,
    horizon: int,
    first: np.ndarray | None = None,
    end: np.ndarray | None = None,
) -> np.ndarray:
    """Row positions (in the panel's values) of every window of ``window`` inputs and ``horizon``
    targets inside each series, from offset ``first[s]`` (default 0) to windows whose targets end
    by ``end[s]`` (default the series' length): one int64 array, series after series."""
    first = np.zeros_like(lengths) if first is None else np.asarray(first, dtype=np.int64)
    end = lengths if end is None else np.asarray(end, dtype=np.int64)
    counts = np.maximum(end - window - horizon + 1 - first, 0)
    total = int(counts.sum())
    series = np.repeat(np.arange(lengths.shape[0]), counts)
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return starts[series] + first[series] + within
