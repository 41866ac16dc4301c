"""Calendars: a time axis' frequency, its grid of integer positions, gaps and seasons.

A time axis is either a calendar (a ``DatetimeIndex`` at a pandas frequency: month, quarter and
year starts or ends, weeks anchored on a weekday, business days, days, hours, minutes, seconds) or
integer steps (years such as 1700, 1701, ..., or plain positions).  Regularity is judged against
that frequency, never in days: a month is a step whatever its length.  A period absent from a
regular calendar is a *gap*: the frame is reindexed to the full calendar so that gaps become
missing values, which the fill policies of :mod:`tsrnn.data.frames` then treat (or refuse).  Which
column holds the time is :mod:`tsrnn.data.time_axis`'s business.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from pandas.tseries import offsets
from pandas.tseries.frequencies import to_offset

from ..base.errors import DataError
from .date_forms import MONTHS
from .reading import ReadingRefused
from .sessions import Session, find_session

__all__ = [
    "Grid",
    "Calendar",
    "infer_freq",
    "regular_calendar",
    "season_of",
    "describe_freq",
    "same_calendar",
    "continues",
    "parse_freq",
    "shown_labels",
    "step_numbers",
    "SHOWN",
]

SHOWN = 5  # offending labels shown in a message


def shown_labels(values) -> str:
    """The first :data:`SHOWN` of ``values`` for a message, and how many more there are."""
    values = list(values)
    shown = ", ".join(str(v) for v in values[:SHOWN])
    return shown + (f" (and {len(values) - SHOWN} more)" if len(values) > SHOWN else "")


def parse_freq(freq) -> offsets.BaseOffset:
    """A pandas offset from a frequency string such as ``"MS"``, ``"QE"``, ``"W-WED"``, ``"B"``, ``"30min"``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return to_offset(freq)
    except (TypeError, ValueError) as err:
        raise DataError(
            f"freq must be a pandas frequency such as 'MS', 'QE', 'YS', 'W-SUN', 'B', 'D', 'h' or "
            f"'30min', got {freq!r}"
        ) from err


def _mode(values: np.ndarray) -> int:
    uniq, counts = np.unique(values, return_counts=True)
    return int(uniq[np.argmax(counts)])


def infer_freq(index: pd.DatetimeIndex) -> offsets.BaseOffset | None:
    """The pandas frequency of a sorted date index, tolerating gaps (missing periods); None if there
    is none: month, quarter and year starts or ends, weeks, business days, or a fixed step."""
    if len(index) < 2:
        return None
    if len(index) >= 3:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the return type is changing; we normalise it
            freq = pd.infer_freq(index)
        if freq is not None:
            offset = to_offset(freq)
            if isinstance(
                offset, (offsets.QuarterBegin, offsets.QuarterEnd, offsets.YearBegin, offsets.YearEnd)
            ):
                # pandas 2 anchors quarters on any of their months (QS-OCT for Jan/Apr/Jul/Oct): name them
                # by the first label's month, as pandas 3 does
                offset = _monthly_offset(index) or offset
            return offset
    same_time = bool((index - index.normalize() == index[0] - index[0].normalize()).all())
    days: np.ndarray = np.diff(index.normalize().to_numpy().astype("datetime64[D]").astype(np.int64))
    if same_time and index[0] == index[0].normalize():
        monthly = _monthly_offset(index)
        if monthly is not None:
            return monthly
    if (
        same_time
        and (index.day_of_week == index[0].day_of_week).all()
        and (days % 7 == 0).all()
        and (days > 0).all()
    ):
        return offsets.Week(_mode(days) // 7, weekday=int(index[0].day_of_week))
    if same_time and (index.day_of_week < 5).all():
        d = index.normalize().values.astype("datetime64[D]")
        business = np.busday_count(d[:-1], d[1:])
        if (business > 0).all() and _mode(business) == 1 and (days != business).any():
            return offsets.BusinessDay(1)
    if same_time and (days > 0).all() and (days % _mode(days) == 0).all():
        return offsets.Day(_mode(days))
    steps: np.ndarray = np.diff(index.to_numpy().astype("datetime64[ns]").astype(np.int64))
    step = _mode(steps)
    if step > 0 and (steps % step == 0).all():
        return to_offset(pd.Timedelta(step, unit="ns"))
    return None


def _monthly_offset(index: pd.DatetimeIndex) -> offsets.BaseOffset | None:
    starts, ends = bool((index.day == 1).all()), bool(index.is_month_end.all())
    if not (starts or ends):
        return None
    months = np.diff(index.year.to_numpy() * 12 + index.month.to_numpy())
    step = _mode(months)
    if step <= 0 or (months <= 0).any() or (months % step).any():
        return None
    first = int(index[0].month)
    if step % 12 == 0:
        return to_offset(f"{step // 12}{'YS' if starts else 'YE'}-{MONTHS[first - 1]}")
    if step % 3 == 0:
        anchor = (first - 1) % 3 + (1 if starts else 10)  # QS-JAN starts Jan/Apr/...; QE-DEC ends Mar/Jun/...
        return to_offset(f"{step // 3}{'QS' if starts else 'QE'}-{MONTHS[anchor - 1]}")
    return to_offset(f"{step}{'MS' if starts else 'ME'}")


def same_calendar(a, b) -> bool:
    """Whether frequencies ``a`` and ``b`` lay out the same dates: equal offsets, or quarters
    anchored on months three apart (``QS-JAN`` and ``QS-APR`` both start January, April, ...)."""
    oa, ob = parse_freq(a), parse_freq(b)
    if oa == ob:
        return True
    quarters = (offsets.QuarterBegin, offsets.QuarterEnd)
    return (
        isinstance(oa, quarters)
        and type(oa) is type(ob)
        and oa.n == ob.n
        and (getattr(oa, "startingMonth") - getattr(ob, "startingMonth")) % 3 == 0  # noqa: B009 (untyped)
    )


def continues(fitted_freq, fitted_last, freq, first) -> str | None:
    """Whether dates at ``freq`` from ``first`` lie on the calendar of dates at ``fitted_freq``
    that ended at ``fitted_last``: None when they do, ``"freq"`` for another frequency,
    ``"between"`` for a fixed step off the fitted steps (hourly at half past, fitted on the hour)."""
    if not same_calendar(fitted_freq, freq):
        return "freq"
    offset = parse_freq(fitted_freq)
    first, last = pd.Timestamp(first), pd.Timestamp(fitted_last)
    if (first.tz is None) != (last.tz is None):
        return "between"
    if isinstance(offset, offsets.Tick):
        return None if (first - last).value % offset.nanos == 0 else "between"
    return None if offset.is_on_offset(first) else "between"


def describe_freq(freq) -> str:
    """``"monthly (MS)"``, ``"business-daily (B)"``, ``"30-minute (30min)"``, ...: for reports."""
    offset = parse_freq(freq)
    n = offset.n
    kinds = [
        ((offsets.YearBegin, offsets.YearEnd), "yearly", "years"),
        ((offsets.QuarterBegin, offsets.QuarterEnd), "quarterly", "quarters"),
        ((offsets.MonthBegin, offsets.MonthEnd), "monthly", "months"),
        ((offsets.Week,), "weekly", "weeks"),
        ((offsets.BusinessDay,), "business-daily", "business days"),
        ((offsets.Day,), "daily", "days"),
        ((offsets.Hour,), "hourly", "hours"),
        ((offsets.Minute,), "minutely", "minutes"),
        ((offsets.Second,), "secondly", "seconds"),
    ]
    for types, one, many in kinds:
        if isinstance(offset, types):
            word = one if n == 1 else f"every {n} {many}"
            if isinstance(offset, offsets.Minute) and n > 1:
                word = f"{n}-minute"
            return f"{word} ({offset.freqstr})"
    return offset.freqstr


def season_of(freq) -> int | None:
    """The usual season of a frequency in steps: 12 monthly, 4 quarterly, 52 weekly, 5 business-daily,
    7 daily, 24 hourly, 48 half-hourly (a day of steps below an hour), 1 yearly; None if unknown."""
    offset = parse_freq(freq)
    n = offset.n

    def per(total: int) -> int | None:
        return total // n if n > 0 and total % n == 0 else None

    if isinstance(offset, (offsets.YearBegin, offsets.YearEnd)):
        return 1
    if isinstance(offset, (offsets.QuarterBegin, offsets.QuarterEnd)):
        return per(4)
    if isinstance(offset, (offsets.MonthBegin, offsets.MonthEnd)):
        return per(12)
    if isinstance(offset, offsets.Week):
        return per(52)
    if isinstance(offset, offsets.BusinessDay):
        return per(5)
    if isinstance(offset, offsets.Day):
        return per(7)
    if isinstance(offset, offsets.Hour):
        return per(24)
    if isinstance(offset, offsets.Minute):
        return per(24 * 60)
    if isinstance(offset, offsets.Second):
        return per(3600)
    return None


_YEARLY = (offsets.YearBegin, offsets.YearEnd, offsets.BYearBegin, offsets.BYearEnd)
_QUARTERLY = (offsets.QuarterBegin, offsets.QuarterEnd, offsets.BQuarterBegin, offsets.BQuarterEnd)
_MONTHLY = (
    (offsets.MonthBegin, offsets.MonthEnd, offsets.BusinessMonthBegin, offsets.BusinessMonthEnd)
    + _QUARTERLY
    + _YEARLY
)


def step_numbers(
    labels: pd.Index, freq: str | None = None, step: int = 1, session: Session | None = None
) -> np.ndarray | None:
    """Each label's step number counted from a fixed origin, so that ``step_numbers(...) % m`` is the
    same position in a season of m steps in every data set on the calendar: for dates at ``freq``,
    periods since 1970-01 (months, quarters and years, business ones included, by their months;
    weeks by days; business days by ``numpy.busday_count``; fixed steps by their length), on the
    local calendar of time-zone-aware dates for steps of whole days and longer; for integers at
    ``step``, ``label // step``.  None for dates without a frequency or at one not listed here
    (business hours, custom business days, semi-months): such data get no seasonal indices.  On
    ``session`` (:mod:`tsrnn.data.sessions`), the steps inside the sessions, from their origin."""
    if isinstance(labels, pd.DatetimeIndex) and session is not None:
        return session.positions(labels)[0]
    if isinstance(labels, pd.DatetimeIndex):
        if freq is None:
            return None
        offset = parse_freq(freq)
        n = max(int(offset.n), 1)
        local = (
            labels if labels.tz is None else labels.tz_localize(None)
        )  # days, months: the local calendar's
        if isinstance(offset, _MONTHLY):
            per = 12 if isinstance(offset, _YEARLY) else 3 if isinstance(offset, _QUARTERLY) else 1
            months = (local.year.to_numpy(np.int64) - 1970) * 12 + local.month.to_numpy(np.int64) - 1
            return months // (per * n)
        if isinstance(offset, offsets.Week) or type(offset) is offsets.BusinessDay:
            days = local.normalize().to_numpy().astype("datetime64[D]")
            if isinstance(offset, offsets.Week):
                return days.astype(np.int64) // (7 * n)
            return np.busday_count(np.datetime64("1970-01-01", "D"), days).astype(np.int64) // n
        try:
            # pandas-stubs take a Tick only; a Day (no Tick since pandas 3) is a fixed span too
            nanos = int(pd.Timedelta(offset).value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None  # business hours, custom business days, semi-months, ...: not counted here
        day = 86_400 * 10**9
        if nanos % day == 0:  # whole days count on the local calendar, shorter steps in absolute time
            return local.as_unit("ns").asi8 // nanos
        return labels.as_unit("ns").asi8 // nanos
    values = np.asarray(labels, dtype=np.int64)
    return values // max(int(step), 1)


class Grid:
    """A regular time axis as integer positions: dates at a pandas frequency, or integers at a step.

    ``positions(labels)`` maps labels to their step number on the grid (refusing labels off it) and
    ``labels(positions)`` maps back, so a panel's calendars are handled as integer arithmetic.  A
    grid of sessions (``session``, :mod:`tsrnn.data.sessions`) counts only the steps inside them,
    from the sessions' fixed origin.
    """

    def __init__(
        self,
        freq: str | None,
        step: int,
        origin,
        full: pd.DatetimeIndex | None = None,
        name=None,
        session: Session | None = None,
        tz=None,
    ) -> None:
        self.freq, self.step, self.origin, self.full, self.name = freq, step, origin, full, name
        self.session, self.tz = session, tz

    @classmethod
    def of(cls, labels: pd.Index, freq=None, span: pd.Index | None = None) -> Grid:
        """The grid of sorted, unique ``labels``: ``freq`` or the inferred one, covering ``span`` (the
        labels of a whole panel; default ``labels``)."""
        span = labels if span is None else span
        if isinstance(labels, pd.DatetimeIndex):
            if freq is None:
                offset = infer_freq(labels)
                if offset is None:
                    gaps = labels.to_series().diff().iloc[1:]
                    raise ReadingRefused(
                        f"the time index has no regular frequency: its steps range from {gaps.min()} "
                        f"to {gaps.max()} and match no pandas calendar (months, quarters, years, "
                        f"weeks, business days or a fixed step); declare it with freq=, "
                        f"resample the data, or accept it with irregular='ignore'"
                    )
                if isinstance(offset, offsets.Tick):  # steps absent at the same hours of every day or week
                    session = find_session(labels, int(offset.nanos))
                    if session is not None:
                        return cls(offset.freqstr, 1, None, name=labels.name, session=session, tz=labels.tz)
            else:
                offset = parse_freq(freq)
            return cls.dates(span.min(), span.max(), offset, labels.name)
        values = labels.to_numpy(dtype=np.int64)
        steps = np.diff(values)
        step = _mode(steps[steps > 0]) if (steps > 0).any() else 1
        origin = int(span.min()) if len(span) else 0
        if len(values):  # the panel's first label on this series' grid
            origin = int(values[0]) - ((int(values[0]) - origin) // step) * step
        return cls(None, step, origin, name=labels.name)

    @classmethod
    def dates(cls, first, last, offset: offsets.BaseOffset, name=None) -> Grid:
        if isinstance(offset, offsets.Tick):
            return cls(offset.freqstr, int(offset.nanos), pd.Timestamp(first).as_unit("ns"), name=name)
        start = first if offset.is_on_offset(first) else offset.rollback(first)
        return cls(offset.freqstr, 1, start, pd.date_range(start, last, freq=offset), name=name)

    @classmethod
    def common_step(cls, labels: pd.Index, span: pd.Index) -> Grid:
        """A grid at the most common step of ``labels`` over ``span`` (an irregular index accepted as it is)."""
        if isinstance(labels, pd.DatetimeIndex):
            steps = np.diff(labels.as_unit("ns").asi8)
            step = _mode(steps[steps > 0]) if (steps > 0).any() else 86400 * 10**9
            return cls.dates(span.min(), span.max(), to_offset(pd.Timedelta(step, unit="ns")), labels.name)
        return cls.of(labels, span=span)

    def positions(self, labels: pd.Index, strict: bool = True) -> np.ndarray:
        """Step numbers (int64) of ``labels`` on the grid; DataError naming those off it (with
        ``strict=False`` a label off the grid takes the step at or before it)."""
        if self.freq is None:
            offset = labels.to_numpy(dtype=np.int64) - self.origin
            off = offset % self.step != 0
            if off.any() and strict:
                raise ReadingRefused(
                    f"the integer time index {self.name!r} is irregular: most steps are {self.step}, "
                    f"but not at {shown_labels(labels[off])}; make it regular, or accept it with "
                    f"irregular='ignore'"
                )
            return offset // self.step
        if self.session is not None:
            pos, off = self.session.positions(pd.DatetimeIndex(labels))
            if off.any() and strict:
                raise ReadingRefused(
                    f"timestamps {shown_labels(labels[off])} are not on the sessions of the other steps "
                    f"({self.session.describe()}, every {describe_freq(self.freq)}); declare the frequency "
                    f"with freq= and a fill policy to read every step, or remove them"
                )
            return pos
        if self.full is None:
            ns = pd.DatetimeIndex(labels).as_unit("ns").asi8 - self.origin.value
            pos, off = ns // self.step, ns % self.step != 0
        elif strict:
            pos = self.full.get_indexer(labels)
            off = pos < 0
        else:
            pos, off = self.full.searchsorted(labels, side="right") - 1, np.zeros(len(labels), bool)
        if off.any() and strict:
            raise ReadingRefused(
                f"timestamps {shown_labels(labels[off])} are not on the {describe_freq(self.freq)} calendar "
                f"of the other steps; declare the frequency with freq=, resample the data, "
                f"or accept them with irregular='ignore'"
            )
        return pos.astype(np.int64)

    def labels(self, positions: np.ndarray) -> pd.Index:
        """The labels at step numbers ``positions``."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.freq is None:
            return pd.Index(self.origin + positions * self.step, name=self.name)
        if self.session is not None:
            return self.session.labels(positions, self.tz, self.name)
        if self.full is None:
            return pd.DatetimeIndex(self.origin.value + positions * self.step, name=self.name).as_unit("ns")
        if len(positions) and positions.max() >= len(self.full):
            self.full = pd.date_range(self.full[0], periods=int(positions.max()) + 1, freq=self.freq)
        return self.full[positions].rename(self.name)


class Calendar(NamedTuple):
    """A regular time axis: its frequency (None for integer steps), its step, every period from the
    first to the last label, and the periods absent from the data (gaps)."""

    freq: str | None
    step: int  # integer steps: the step; calendars: 1
    full: pd.Index
    gaps: pd.Index
    session: Session | None = None  # the sessions the steps lie in (:mod:`tsrnn.data.sessions`)


def regular_calendar(index: pd.Index, freq=None) -> Calendar:
    """Check that a sorted, unique time index lies on a regular calendar and return it.

    ``freq`` declares the frequency; by default it is inferred (:func:`infer_freq`).  Timestamps off
    that calendar are an error naming them; absent periods are returned as ``gaps``.
    """
    if len(index) < 2 and not (freq and isinstance(index, pd.DatetimeIndex)):
        return Calendar(None, 1, index, index[:0])
    grid = Grid.of(index, freq)
    pos = grid.positions(index)
    full = grid.labels(np.arange(pos[0], pos[-1] + 1))
    present = np.zeros(len(full), bool)
    present[pos - pos[0]] = True
    return Calendar(grid.freq, 1 if grid.freq else grid.step, full, full[~present], grid.session)
