"""Session calendars: data observed only inside the same hours of every day, or of every week.

A call centre's 5-minute counts from 07:00 to 21:00 on weekdays, a market's trading hours: the
steps outside the sessions are not missing values (nothing happens there), so they are no gaps to
fill.  When the steps absent from a fixed-step calendar fall, nearly all, on the same times of
every day or week (:func:`find_session`), the series is read as a sequence of sessions: its grid
counts only the steps inside them (:class:`Session`), the pattern is reported, and forecasts
continue with the next sessions' steps (after Friday 20:55 comes Monday 07:00).

A session's steps are numbered from one fixed origin (the week of Monday 1970-01-05, or the day
1970-01-01), so two data sets on the same sessions number their steps alike.  Its ``text`` (for
model files) is ``"<W|D>/<step>/<first>-<last>,..."``: the step numbers inside the period that
are in session, as runs.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["Session", "find_session"]

_DAY = 86_400 * 10**9
_WEEK = 7 * _DAY
_ORIGIN = {_DAY: 0, _WEEK: 4 * _DAY}  # 1970-01-01; Monday 1970-01-05
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
OFF_SESSION_SHARE = 0.9  # the share of a calendar's absent steps that must fall outside the sessions


class Session(NamedTuple):
    """The steps of ``step`` nanoseconds inside each ``period`` (a day or a week) that are in session."""

    period: int  # ns
    step: int  # ns
    slots: np.ndarray  # (n,) int64, sorted: step numbers within the period

    @property
    def n(self) -> int:
        return int(self.slots.shape[0])

    def positions(self, labels: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
        """Each label's step number among the sessions' steps (int64; a label off them: the step
        at or before it), and whether it lies off them."""
        ns = _wall(labels) - _ORIGIN[self.period]
        k, within = np.divmod(ns, self.period)
        slot, rest = np.divmod(within, self.step)
        j = np.searchsorted(self.slots, slot, side="right") - 1  # -1: the last step of the period before
        off = (rest != 0) | (self.slots[np.maximum(j, 0)] != slot) | (j < 0)
        return k * self.n + j, off

    def labels(self, positions: np.ndarray, tz=None, name=None) -> pd.DatetimeIndex:
        """The timestamps of step numbers ``positions``."""
        k, j = np.divmod(np.asarray(positions, dtype=np.int64), self.n)
        ns = _ORIGIN[self.period] + k * self.period + self.slots[j] * self.step
        out = pd.DatetimeIndex(ns.astype("datetime64[ns]"), name=name)
        return out if tz is None else out.tz_localize(tz)

    @property
    def text(self) -> str:
        """The session as model files keep it: ``W/5min/84-251,372-539,...``."""
        runs = _runs(self.slots)
        step = pd.tseries.frequencies.to_offset(pd.Timedelta(self.step)).freqstr
        return f"{'W' if self.period == _WEEK else 'D'}/{step}/" + ",".join(f"{a}-{b}" for a, b in runs)

    @classmethod
    def from_text(cls, text: str) -> Session:
        period, step, runs = text.split("/")
        slots = [np.arange(int(a), int(b) + 1) for a, b in (r.split("-") for r in runs.split(","))]
        return cls(
            _WEEK if period == "W" else _DAY,
            int(pd.tseries.frequencies.to_offset(step).nanos),
            np.concatenate(slots).astype(np.int64),
        )

    def describe(self) -> str:
        """In words: ``Mon-Fri 07:00-21:00`` (each run of steps, from its first step to the end of its last)."""
        parts = []
        for a, b in _runs(self.slots):
            start, end = a * self.step, (b + 1) * self.step
            parts.append((start, end))
        if self.period == _DAY:
            return "every day " + ", ".join(f"{_clock(a)}-{_clock(b)}" for a, b in parts)
        by_hours: dict[tuple, list[int]] = {}  # the days that share the same hours, in order
        for day in range(7):
            lo, hi = day * _DAY, (day + 1) * _DAY
            hours = tuple((max(a, lo) - lo, min(b, hi) - lo) for a, b in parts if a < hi and b > lo)
            if hours:
                by_hours.setdefault(hours, []).append(day)
        return "; ".join(
            f"{_day_span(days)} {', '.join(f'{_clock(a)}-{_clock(b)}' for a, b in hours)}"
            for hours, days in by_hours.items()
        )

    def season(self) -> int | None:
        """Steps per session day when every session day holds the same steps (a daily season),
        else steps per week for a weekly pattern; None for one short of two steps."""
        if self.period == _DAY:
            return self.n if self.n >= 2 else None
        days = self.slots * self.step // _DAY
        per_day = self.step and _DAY // self.step
        within = [tuple((self.slots[days == d] - d * per_day).tolist()) for d in np.unique(days)]
        return len(within[0]) if len(set(within)) == 1 and len(within[0]) >= 2 else self.n


def _wall(labels: pd.DatetimeIndex) -> np.ndarray:
    """Nanoseconds of the labels' wall-clock time (a time-zone-aware index: its local time)."""
    local = labels if labels.tz is None else labels.tz_localize(None)
    return local.as_unit("ns").asi8


def _runs(slots: np.ndarray) -> list[tuple[int, int]]:
    breaks = np.flatnonzero(np.diff(slots) != 1)
    first = np.concatenate([[0], breaks + 1])
    last = np.concatenate([breaks, [len(slots) - 1]])
    return [(int(slots[a]), int(slots[b])) for a, b in zip(first, last, strict=True)]


def _clock(ns: int) -> str:
    minutes = ns // 60_000_000_000
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_span(days: list[int]) -> str:
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{_DAYS[days[0]]}-{_DAYS[days[-1]]}"
    return ",".join(_DAYS[d] for d in days)


def find_session(labels: pd.DatetimeIndex, step: int) -> Session | None:
    """The sessions of sorted, unique ``labels`` on a fixed ``step`` (ns), or None: the steps they
    occupy in a day (or else in a week), when the labels span at least one such period and at
    least :data:`OFF_SESSION_SHARE` of the steps absent between the first and the last label fall
    outside those steps (the rest are gaps inside the sessions)."""
    if len(labels) < 3 or step <= 0:
        return None
    ns = _wall(labels)
    for period in (_DAY, _WEEK):
        if period % step or ns[-1] - ns[0] < period:
            continue
        slots = np.unique(((ns - _ORIGIN[period]) % period) // step)
        if len(slots) == period // step or ((ns - _ORIGIN[period]) % step).any():
            return None  # every step of the period observed somewhere, or steps off the grid
        session = Session(period, step, slots.astype(np.int64))
        pos = session.positions(labels)[0]
        inside = int(pos[-1] - pos[0] + 1) - len(labels)  # absent steps inside the sessions
        outside = int((ns[-1] - ns[0]) // step + 1) - int(pos[-1] - pos[0] + 1)
        if outside > 0 and outside >= OFF_SESSION_SHARE * (inside + outside):
            return session
    return None
