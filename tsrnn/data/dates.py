"""Time labels as files write them: one table of date forms, the loop that reads a column with it,
and writing forecast labels back in the form read.

Each entry of :data:`DATE_FORMS` is one written form: its pattern (matched whole by every value),
how it reads (timestamps, ``NaT`` where a value is no date in that form) and the form that writes
labels back (:func:`format_labels`: ``"date"``, ``"month"``, ``"quarter"``, ``"strftime:<format>"``,
``"fiscal:/"``, ``"decimal:12"``, ``"epoch:s"``, ...).  :func:`read_dates` tries every entry; where
the entries that read every value give the same timestamps, that is the reading, and where two
give different ones (``01/02/2020`` day first or month first, ``01/01/65`` in 1965 or 2065) the
column is refused with the option that picks one (:class:`~tsrnn.data.reading.Reading`), never
decided by a tie-break.  A form an option must complete (a year for ``1-Jul``, the unit of epoch
integers) is refused until it is given.  Which column holds the time, and the calendar it lies on,
are :mod:`tsrnn.data.calendar`'s business.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base.errors import DataError
from .reading import EpochUnit, Reading, ambiguous

__all__ = [
    "MONTHS",
    "DateForm",
    "DATE_FORMS",
    "month_numbers",
    "month_starts",
    "read_dates",
    "parse_dates",
    "times_of_day",
    "integer_dates",
    "decimal_years",
    "to_dates",
    "date_form",
    "format_labels",
    "labelled",
]

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WORD_RE = re.compile(r"^\s*[A-Za-z]+\.?\s*$")  # Jan, January, Monday: names without a year
_TIME_OF_DAY_RE = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$")  # 00:00, 23:59:59
_EPOCH_WORDS = {"timestamp", "epoch", "unix", "unixtime", "ts", "time", "datetime"}
# an optional time of day after a date: 13:45, 13:45:10, 1:45 PM
_TIME = r"(?:[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp][Mm])?))?"


def month_numbers(names: pd.Series) -> pd.Series:
    """Months named in English (``Jan``, ``january``, ``DEC``; the first three letters count) as 1-12;
    NaN where a value names none."""
    return names.str.strip().str[:3].str.upper().map({m: i + 1 for i, m in enumerate(MONTHS)})


def month_starts(months) -> pd.DatetimeIndex:
    """The starts of months counted from January 1970 (0 is 1970-01-01, 12 is 1971-01-01)."""
    return pd.DatetimeIndex(np.asarray(months, dtype="datetime64[M]").astype("datetime64[ns]"))


def to_dates(values) -> pd.DatetimeIndex:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format" is not our user's problem
        return pd.DatetimeIndex(pd.to_datetime(values, errors="coerce"))


def date_form(index: pd.DatetimeIndex) -> str:
    return "date" if (index.dropna() == index.dropna().normalize()).all() else "datetime"


class _Open(DataError):
    """A form that an option must complete (the year of ``1-Jul``): what is open, and the option."""


# -- the table ----------------------------------------------------------------------------------------
# A candidate reading: the options' answers it stands for ({"dayfirst": True}), the timestamps, the form.
Candidate = tuple[dict, pd.DatetimeIndex, str]


@dataclass(frozen=True)
class DateForm:
    """One written form of dates.  ``pattern`` must match every value whole (text forms; None for
    numbers); ``read(text, parts, reading)`` gives its candidate readings (several where an option
    is open: the century of two-digit years); ``option`` and ``answer``: the :class:`Reading` field
    that picks this form among others that match and its value here; ``strict``: a value written in
    this form that is no date (``2018-W53``) is an error naming its row, not a reason to try others."""

    name: str
    pattern: str | None
    read: Callable[[pd.Series | np.ndarray, pd.DataFrame | None, Reading], list[Candidate]]
    kind: str = "text"  # "text", "integer" or "float"
    option: str | None = None
    answer: object = None
    strict: bool = False


def _ymd(year, month, day) -> pd.DatetimeIndex:
    """Dates from year, month and day numbers; NaT where they name no day (31 February)."""
    frame = pd.DataFrame(
        {
            "year": np.asarray(year, np.int64),
            "month": np.asarray(month, np.int64),
            "day": np.asarray(day, np.int64),
        }
    )
    bad = ~frame["month"].between(1, 12) | ~frame["day"].between(1, 31)
    dates = pd.to_datetime(frame.where(~bad, 1), errors="coerce")
    return pd.DatetimeIndex(dates.where(~bad.to_numpy()))


def _clock(times: pd.Series) -> tuple[np.ndarray, str]:
    """Times of day (``13:45``, ``13:45:10``, missing: midnight) as nanoseconds, and their strftime."""
    if times.isna().all():
        return np.zeros(len(times), np.int64), ""
    times = times.fillna("0:00")
    half = times.str.extract(r"([AaPp])[Mm]$")[0].str.upper()  # 12-hour clocks: 12 AM is midnight
    parts = times.str.replace(r"\s?[AaPp][Mm]$", "", regex=True).str.split(":", expand=True).astype(float)
    hours = parts[0] % 12 + np.where(half == "P", 12, 0) if half.notna().any() else parts[0]
    seconds = hours * 3600 + parts[1] * 60 + (parts[2] if parts.shape[1] > 2 else 0.0)
    fmt = " %H:%M:%S" if parts.shape[1] > 2 else " %H:%M"
    if half.notna().any():
        fmt = fmt.replace("%H", "%I") + " %p"
    return (np.asarray(seconds, dtype=np.float64) * 1e9).astype(np.int64), fmt


def _with_clock(dates: pd.DatetimeIndex, times: pd.Series) -> tuple[pd.DatetimeIndex, str]:
    nanos, fmt = _clock(times)
    return dates + pd.to_timedelta(nanos, unit="ns"), fmt


def centuries(yy: np.ndarray, reading: Reading) -> list[tuple[dict, np.ndarray]]:
    """Four-digit years of two-digit ones: by ``reading.century``, else every reading that puts them in
    a hundred years ending no later than this year (one reading where only one such window fits:
    ``65``-``72`` are 1965-1972, as 2065 lies ahead)."""
    if reading.century is not None:
        c = reading.century
        return [({"century": c}, c + (yy - c % 100) % 100)]
    this_year = pd.Timestamp.now().year
    found: list[np.ndarray] = []
    for start in range(1900, this_year - 98):
        years = start + (yy - start % 100) % 100
        if not any(np.array_equal(f, years) for f in found):
            found.append(years)
    found = found if len(found) < 3 else [found[0], found[-1]]
    return [({"century": _round_start(yy, years)}, years) for years in found]


def _round_start(yy: np.ndarray, years: np.ndarray) -> int:
    """The roundest ``century`` (a hundred years' first) that reads ``yy`` as ``years``."""
    for start in (1900, 2000, 1950, *range(1900, 2100, 10), *range(1900, 2100)):
        if np.array_equal(start + (yy - start % 100) % 100, years):
            return start
    return 1900


def _day_month(day_first: bool):
    def read(text, parts, reading):
        a, sep, b, year, time = (parts[i] for i in range(5))
        day, month = (a, b) if day_first else (b, a)
        d, m = ("%d", "%m") if day_first else ("%m", "%d")
        out = []
        if year.str.len().eq(4).all():
            alternatives: list[tuple[dict, np.ndarray]] = [({}, year.astype(np.int64).to_numpy())]
            yfmt = "%Y"
        elif year.str.len().eq(2).all():
            alternatives, yfmt = centuries(year.astype(np.int64).to_numpy(), reading), "%y"
        else:
            return []
        s = sep.iloc[0]
        for answers, years in alternatives:
            dates, clock = _with_clock(_ymd(years, month.astype(int), day.astype(int)), time)
            out.append(({"dayfirst": day_first, **answers}, dates, f"strftime:{d}{s}{m}{s}{yfmt}{clock}"))
        return out

    return read


def _iso(text, parts, reading):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dates = pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601", errors="coerce"))
    return [({}, dates, _iso_form(text, dates))]


def _iso_form(text: pd.Series, dates: pd.DatetimeIndex) -> str:
    """How ISO dates and times are written back: dates alone; ``2022-01-10 23:00`` or
    ``2022-01-10T23:00:00`` in the file's own layout (one separator, seconds or none, in every
    value); ISO 8601 with everything else (fractions of seconds, UTC offsets)."""
    form = date_form(dates)
    clock = text.str.extract(r"^\d{4}-\d{2}-\d{2}([T ])\d{2}:\d{2}(:\d{2})?$")
    if form == "date" or clock[0].isna().any() or clock[0].nunique() != 1:
        return form
    seconds = clock[1].notna()
    if seconds.all() or not seconds.any():
        return f"strftime:%Y-%m-%d{clock[0].iloc[0]}%H:%M{':%S' if seconds.all() else ''}"
    return form


def _year_month_day(text, parts, reading):
    dates, clock = _with_clock(
        _ymd(parts[0].astype(int), parts[2].astype(int), parts[3].astype(int)), parts[4]
    )
    s = parts[1].iloc[0]
    return [({}, dates, f"strftime:%Y{s}%m{s}%d{clock}")]


def _year_month(text, parts, reading):
    s = parts[1].iloc[0]
    return [
        (
            {},
            _ymd(parts[0].astype(int), parts[2].astype(int), 1),
            "month" if s == "-" else f"strftime:%Y{s}%m",
        )
    ]


def _month_year(text, parts, reading):
    s = parts[1].iloc[0]
    return [({}, _ymd(parts[2].astype(int), parts[0].astype(int), 1), f"strftime:%m{s}%Y")]


def _fiscal(text, parts, reading):
    first, second = parts[0].astype(int), parts[2].astype(int)
    dates = pd.DatetimeIndex(_ymd(first, 1, 1).where(((first + 1) % 100 == second).to_numpy()))
    return [({}, dates, f"fiscal:{parts[1].iloc[0]}")]


def _quarter(text, parts, reading):
    year, quarter = parts[0].astype(int), parts[2].astype(int)
    mark = parts[1].str.strip()
    form = (
        "quarter-dash" if (mark == "-").all() else "quarter-space" if (parts[1] == " ").all() else "quarter"
    )
    return [({}, _ymd(year, (quarter - 1) * 3 + 1, 1), form)]


def _quarter_first(text, parts, reading):
    quarter, year = parts[0].astype(int), parts[2].astype(int)
    return [({}, _ymd(year, (quarter - 1) * 3 + 1, 1), f"quarter-first:{parts[1].iloc[0]}")]


def _week(text, parts, reading):
    weeks = parts[2].astype(int)
    days = pd.to_datetime(
        parts[0] + "-W" + weeks.map("{:02d}".format) + "-1", format="%G-W%V-%u", errors="coerce"
    )
    dates = pd.DatetimeIndex(days).where(((weeks >= 1) & (weeks <= 53)).to_numpy())
    written = pd.Index(parts[0] + "-W" + weeks.map("{:02d}".format))
    dates = dates.where(
        pd.Index(dates.strftime("%G-W%V")) == written
    )  # 2018-W53 rolls into 2019: no such week
    return [({}, pd.DatetimeIndex(dates), f"strftime:%G{parts[1].iloc[0]}W%V")]


def _year_m(text, parts, reading):
    return [({}, _ymd(parts[0].astype(int), parts[1].astype(int), 1), "strftime:%YM%m")]


def _month_name(names: pd.Series) -> tuple[np.ndarray, str]:
    """Month numbers of ``Jan`` or ``January`` (0 where none) and the strftime that writes them."""
    numbers = month_numbers(names).fillna(0).astype(int).to_numpy()
    full = bool(names.str.len().gt(3).all()) and not names.str.len().eq(4).any()
    valid = names.str[:3].str.upper().isin(MONTHS) & (names.str.len().eq(3) | full)
    return np.where(valid.to_numpy(), numbers, 0), ("%B" if full else "%b")


def _year_name(text, parts, reading):
    months, fmt = _month_name(parts[1])
    return [({}, _ymd(parts[0].astype(int), months, 1), f"strftime:%Y {fmt}")]


def _name_year(text, parts, reading):
    months, fmt = _month_name(parts[0])
    s = parts[1].iloc[0]
    if parts[2].str.len().eq(4).all():
        return [({}, _ymd(parts[2].astype(int), months, 1), f"strftime:{fmt}{s}%Y")]
    return [
        (answers, _ymd(years, months, 1), f"strftime:{fmt}{s}%y")
        for answers, years in centuries(parts[2].astype(int).to_numpy(), reading)
    ]


def _day_name_year(text, parts, reading):
    months, fmt = _month_name(parts[2])
    s = parts[1].iloc[0]
    return [({}, _ymd(parts[3].astype(int), months, parts[0].astype(int)), f"strftime:%d{s}{fmt}{s}%Y")]


def _name_day_year(text, parts, reading):
    months, fmt = _month_name(parts[0])
    return [({}, _ymd(parts[2].astype(int), months, parts[1].astype(int)), f"strftime:{fmt} %d, %Y")]


def _yearless(text, parts, reading):
    months, fmt = _month_name(parts[2])
    if reading.year is None:
        if (months > 0).all():
            raise _Open(
                f"dates without a year ({', '.join(text.iloc[:3])} ...), which no calendar places; "
                f"give the year of the first with year=, e.g. year={pd.Timestamp.now().year - 1}"
            )
        return []
    day = parts[0].astype(int).to_numpy()
    order = months * 100 + day
    years = reading.year + np.concatenate([[0], np.cumsum(np.diff(order) < 0)])  # a new year each turn back
    s = parts[1].iloc[0]
    return [({"year": reading.year}, _ymd(years, months, day), f"strftime:%d{s}{fmt}")]


def _words(text, parts, reading):
    """Dates written with names pandas knows (``Mon, 06 Jan 2020``, ``2020-01-06 10:00 UTC``): no day
    and month to mix up, as the month is named or the year comes first."""
    dates = to_dates(text)
    return [({}, dates, date_form(dates))]


def _integer(fmt: str, low: int, high: int):
    def read(values, parts, reading):
        if values.min() < low or values.max() > high:
            return []
        dates = pd.to_datetime(values.astype(str), format=fmt, errors="coerce")
        return [({}, pd.DatetimeIndex(dates), f"strftime:{fmt}")]

    return read


# from 1973 on, in each unit
_EPOCH_RANGE: dict[EpochUnit, int] = {"s": 10**8, "ms": 10**11, "us": 10**14, "ns": 10**17}


def _epoch(values, parts, reading):
    if reading.epoch is not None:
        dates = pd.to_datetime(values, unit=reading.epoch, errors="coerce")
        return [({"epoch": reading.epoch}, pd.DatetimeIndex(dates), f"epoch:{reading.epoch}")]
    for unit, low in _EPOCH_RANGE.items():
        if low <= values.min() and values.max() < low * 100:
            shown = pd.to_datetime(values[:2], unit=unit)
            raise _Open(
                f"the integers {', '.join(map(str, values[:2]))} ..., which may count {unit} since 1970 "
                f"({', '.join(map(str, shown))} ...) or be plain numbers; read them as timestamps with "
                f"epoch={unit!r}, or as a feature with time_col= naming another column"
            )
    return []


def _decimal(m: int):
    def read(values, parts, reading):
        years = np.floor(values)
        if (values == years).all():
            return []  # whole years: integer steps
        written = _decimals(values)  # 1949.083: three decimals, each off by up to 0.0005 year
        if written < 2:
            return []  # one decimal writes no twelfth nor quarter faithfully (1949.3: 1949.25?)
        tolerance = m * 0.5 * 10.0**-written + 1e-9
        steps = (values - years) * m
        if np.abs(steps - np.round(steps)).max() > max(tolerance, 2e-3):
            return []
        months = (years.astype(np.int64) - 1970) * 12 + np.round(steps).astype(np.int64) * (12 // m)
        return [({}, month_starts(months), f"decimal:{m}")]

    return read


def _year_dot_quarter(values, parts, reading):
    """Quarters written year.quarter, as some statistics offices do: 1990.1 ... 1990.4."""
    if _decimals(values) != 1:
        return []
    years = np.floor(values)
    quarter = np.round((values - years) * 10).astype(np.int64)
    if not ((quarter >= 1) & (quarter <= 4)).all():
        return []
    months = (years.astype(np.int64) - 1970) * 12 + (quarter - 1) * 3
    return [({}, month_starts(months), "year.quarter")]


def _decimals(values: np.ndarray) -> int:
    """How many decimals the values are written with (at most 6)."""
    for d in range(7):
        if np.allclose(np.round(values, d), values, rtol=0, atol=1e-9):
            return d
    return 7


_DMY = rf"(\d{{1,2}})([./-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}"
_NAME = r"([A-Za-z]{3,9})"
DATE_FORMS: tuple[DateForm, ...] = (
    DateForm(
        "ISO date",
        r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?",
        _iso,
        strict=True,
    ),
    DateForm(
        "year/month/day", rf"(\d{{4}})([/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}", _year_month_day, strict=True
    ),
    DateForm("day first", _DMY, _day_month(True), option="dayfirst", answer=True),
    DateForm("month first", _DMY, _day_month(False), option="dayfirst", answer=False),
    DateForm("year-month", r"(\d{4})([-/])(\d{1,2})", _year_month),
    DateForm("fiscal year", r"(\d{4})([/-])(\d{2})", _fiscal),
    DateForm("month/year", r"(\d{1,2})([-/.])(\d{4})", _month_year, strict=True),
    DateForm("quarter", r"(\d{4})(-|\s?)[Qq]([1-4])", _quarter, strict=True),
    DateForm("quarter first", r"[Qq]([1-4])([\s-]?)(\d{4})", _quarter_first, strict=True),
    DateForm("ISO week", r"(\d{4})(-?|\s)W(\d{1,2})", _week, strict=True),
    DateForm("year M month", r"(\d{4})\s*[Mm]\s*(\d{1,2})", _year_m),
    DateForm("year and month name", rf"(\d{{4}}) {_NAME}", _year_name),
    DateForm("month name and year", rf"{_NAME}\.?([-\s.']?)(\d{{4}}|\d{{2}})", _name_year),
    DateForm(
        "day, month name, year", rf"(\d{{1,2}})([\s-]?){_NAME}\.?\2(\d{{4}})", _day_name_year, strict=True
    ),
    DateForm("month name, day, year", rf"{_NAME}\.? (\d{{1,2}}),? (\d{{4}})", _name_day_year, strict=True),
    DateForm("day and month name, no year", rf"(\d{{1,2}})([\s-]?){_NAME}\.?", _yearless, option="year"),
    DateForm(
        "other dates with a year and words (as pandas reads them)", r"(?=.*\d{4})(?=.*[A-Za-z]).+", _words
    ),
    DateForm("year and month as integers", None, _integer("%Y%m", 100001, 999912), kind="integer"),
    DateForm("year, month and day as integers", None, _integer("%Y%m%d", 10000101, 99991231), kind="integer"),
    DateForm("epoch", None, _epoch, kind="epoch", option="epoch"),
    DateForm("decimal quarters (R's time())", None, _decimal(4), kind="float"),
    DateForm("decimal months (R's time())", None, _decimal(12), kind="float"),
    DateForm("year.quarter", None, _year_dot_quarter, kind="float"),
)


def _flag(option: str, answer) -> str:
    return f"{option}={answer!r}"


def read_dates(
    text: pd.Series, reading: Reading | None = None, kind: str = "text", name=None, strict: bool = True
) -> tuple[pd.DatetimeIndex, str] | None:
    """The values (``kind`` "text": stripped strings; "integer", "float", "epoch": numbers; none
    missing) as timestamps in the one form of :data:`DATE_FORMS` that reads them all, and that form;
    None when no form does.  Forms that read them differently are refused with the option that
    picks one (:func:`~tsrnn.data.reading.ambiguous`); with ``strict``, values written in a strict
    form but no date in it (``2018-W53``, ``2020-02-30``) are an error naming their rows."""
    reading = reading or Reading()
    candidates: list[tuple[DateForm, Candidate]] = []
    broken: tuple[DateForm, pd.DatetimeIndex] | None = None
    source: pd.Series | np.ndarray = text if kind == "text" else text.to_numpy()  # what form.read reads
    for form in DATE_FORMS:  # the one loop over the table
        if form.kind != kind:
            continue
        if (
            form.option
            and form.answer is not None
            and getattr(reading, form.option) not in (None, form.answer)
        ):
            continue  # the user chose another
        parts = None
        if kind == "text" and form.pattern is not None:  # a text form's pattern, never None
            if not text.str.fullmatch(form.pattern).all():
                continue
            groups = re.compile(form.pattern).groups
            parts = text.str.extract(f"^(?:{form.pattern})$") if groups else pd.DataFrame(index=text.index)
        try:
            read = form.read(source, parts, reading)
        except _Open as err:
            raise DataError(f"column {str(name)!r} holds {err}") from None
        for candidate in read:
            if candidate[1].isna().any():
                if form.strict and broken is None:
                    broken = (form, candidate[1])
                continue
            candidates.append((form, candidate))
    if not candidates:
        if broken is not None and strict:
            form, dates = broken
            bad = text[np.asarray(dates.isna())]
            raise DataError(
                f"column {str(name)!r} writes dates as {form.name}, but "
                f"{', '.join(f'{v!r} (row {i})' for i, v in list(bad.items())[:5])} "
                f"{'is no such date' if len(bad) == 1 else 'are no such dates'}; correct or remove them"
            )
        return None
    distinct: list[tuple[DateForm, Candidate]] = []
    for form, candidate in candidates:
        if not any(candidate[1].equals(c[1]) for _, c in distinct):
            distinct.append((form, candidate))
    if len(distinct) == 1:
        return distinct[0][1][1], distinct[0][1][2]
    first, second = distinct[0][1][1], distinct[1][1][1]
    rows = np.flatnonzero(first.to_numpy() != second.to_numpy())[:3]
    open_ = {k for _, c in distinct for k in c[0] if len({str(d[0].get(k)) for _, d in distinct}) > 1}
    shown = [
        (
            ", ".join(
                [form.name] + [f"{k}={v!r}" for k, v in c[0].items() if k in open_ and k != "dayfirst"]
            ),
            [str(t.date()) if t == t.normalize() else str(t) for t in c[1][rows]],
        )
        for form, c in distinct
    ]
    options = sorted({_flag(k, v) for _, c in distinct for k, v in c[0].items() if k in open_})
    raise ambiguous(
        name,
        f"({', '.join(repr(str(v)) for v in text.iloc[rows])})",
        shown,
        " or ".join(options) or "time_col= or freq=",
    )


def parse_dates(
    column: pd.Series, reading: Reading | None = None, strict: bool = True
) -> tuple[pd.DatetimeIndex, str] | None:
    """The column as timestamps and their form, when every non-empty value is a date; else None
    (refusals as :func:`read_dates`)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        index = pd.DatetimeIndex(column)
        return index, date_form(index)
    if isinstance(column.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(column).to_timestamp(), f"period:{column.dtype.freq.freqstr}"
    if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return integer_dates(column, reading=reading)
    if column.dtype != object and not pd.api.types.is_string_dtype(column):
        return None
    codes, distinct = pd.factorize(column)  # each distinct label read once (a long file's dates)
    if not len(distinct) or not all(isinstance(v, str) for v in distinct):
        return None
    text = pd.Series(distinct, dtype=object).str.strip()
    if text.str.match(_TIME_OF_DAY_RE).all() or text.str.match(_WORD_RE).all():
        return None  # 00:00 or Jan without a date: not a time axis alone
    given = codes >= 0
    rows = np.flatnonzero(given)[np.unique(codes[given], return_index=True)[1]]
    text.index = column.index[rows]  # each label's first row, for messages
    try:
        found = read_dates(text, reading, name=column.name, strict=strict)
    except ValueError as err:  # pandas refuses mixed offsets with advice a command-line user cannot act on
        if isinstance(err, DataError) or not any(
            w in str(err).lower() for w in ("timezone", "offset", "tz-aware")
        ):
            raise
        raise DataError(
            f"time column {column.name!r} mixes time zones (UTC offsets), as local time across a "
            f"daylight-saving change does; tsrnn reads one offset per time column: convert the "
            f"timestamps to UTC first"
        ) from None
    if found is None:
        return None
    dates = found[0][np.maximum(codes, 0)]
    return (dates if given.all() else dates.where(given)), found[1]


def times_of_day(column: pd.Series) -> pd.TimedeltaIndex | None:
    """A column of times of day (``00:00``, ``23:59:59``), as a file that writes the date and the time
    in two columns holds them: offsets from midnight; None unless every value is one."""
    if column.dtype != object and not pd.api.types.is_string_dtype(column):
        return None
    if (
        column.isna().any()
        or not all(isinstance(v, str) for v in column)
        or not column.str.match(_TIME_OF_DAY_RE).all()
    ):
        return None
    return pd.TimedeltaIndex(pd.to_timedelta(_clock(column.str.strip())[0], unit="ns"))


def integer_dates(
    column: pd.Series, repeated: bool = False, reading: Reading | None = None
) -> tuple[pd.DatetimeIndex, str] | None:
    """Integers written as year and month, ``201801``, or as year, month and day, ``20180131``, or
    counting time since 1970 (``epoch``, read with ``reading.epoch`` only and refused, named like a
    timestamp, without it): the dates and the form that writes them back; None unless every value is
    one, two or more distinct ones, and no value repeats (``repeated=True``: values may repeat, as a
    long panel's ``ds`` does across its series)."""
    values = column.to_numpy(dtype=np.int64)
    distinct = np.unique(values)
    if len(distinct) < 2 or (not repeated and len(distinct) != len(values)):
        return None
    reading = reading or Reading()
    named = _name_words(column.name) & _EPOCH_WORDS
    if reading.epoch is not None or named:
        found = read_dates(pd.Series(distinct), reading, kind="epoch", name=column.name)
        if found is not None:
            return pd.DatetimeIndex(found[0][np.searchsorted(distinct, values)], name=column.name), found[1]
    found = read_dates(pd.Series(distinct), reading, kind="integer", name=column.name, strict=False)
    if found is None:
        return None
    return pd.DatetimeIndex(found[0][np.searchsorted(distinct, values)], name=column.name), found[1]


def _name_words(name) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", str(name))}


def decimal_years(column: pd.Series, reading: Reading | None = None) -> tuple[pd.DatetimeIndex, str] | None:
    """Months or quarters written as decimal years, as R's ``time()`` of a monthly or quarterly series
    gives them (``1949.0``, ``1949.0833`` or ``1949.083``, ... or ``1959.25``: read to the nearest
    twelfth or quarter where the decimals written leave one), or quarters written ``1990.1`` ...
    ``1990.4``: their starts and the form that writes them back (``"decimal:12"``, ``"decimal:4"``,
    ``"year.quarter"``); None unless every value is a year pandas dates hold (1678-2261), not all
    whole years, and most steps between the distinct values are one period.  Two such readings
    are refused with the option that picks one."""
    if not pd.api.types.is_float_dtype(column):
        return None
    values = column.to_numpy(dtype=np.float64)
    if (
        len(values) < 2
        or not np.isfinite(values).all()
        or values.min() <= pd.Timestamp.min.year
        or values.max() >= pd.Timestamp.max.year
    ):
        return None
    found = read_dates(pd.Series(values), reading, kind="float", name=column.name, strict=False)
    if found is None:
        return None
    months = found[0].year * 12 + found[0].month
    gaps = np.diff(np.unique(months))
    step = 1 if found[1] == "decimal:12" else 3  # quarters that are also twelfths read as quarters
    if len(gaps) == 0 or np.bincount(gaps).argmax() != step:  # not a monthly (quarterly) series
        return None
    return found[0].rename(column.name), found[1]


def format_labels(index: pd.Index, form: str | None) -> pd.Index:
    """Time labels written as the input wrote them (``1961-01``, ``1961Q1``, ISO dates, integers)."""
    if not isinstance(index, pd.DatetimeIndex) or form is None:
        return index
    if form.startswith("epoch:"):  # integers since 1970
        unit = form[len("epoch:") :]
        return pd.Index(
            index.as_unit("ns").asi8 // {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit], name=index.name
        )
    if form == "year.quarter":  # 1990.1 for the first quarter of 1990
        return pd.Index(np.round(index.year + ((index.month - 1) // 3 + 1) / 10, 1), name=index.name)
    if form.startswith("quarter-first:"):  # Q1 1990
        sep = form[len("quarter-first:") :]
        return pd.Index([f"Q{(t.month - 1) // 3 + 1}{sep}{t.year}" for t in index], name=index.name)
    if form.startswith("fiscal:"):  # 1990/91
        years = index.year
        return pd.Index([f"{y}{form[len('fiscal:') :]}{(y + 1) % 100:02d}" for y in years], name=index.name)
    if form.startswith("decimal:"):  # R's time(): 1961.0833 for February 1961
        step = 12 // int(form[len("decimal:") :])
        return pd.Index(np.round(index.year + (index.month - 1) // step * step / 12, 4), name=index.name)
    if form == "month":
        return pd.Index(index.strftime("%Y-%m"), name=index.name)
    if form in ("quarter", "quarter-dash", "quarter-space"):
        text = index.to_period("Q").astype(str)
        mark = {"quarter": "Q", "quarter-dash": "-Q", "quarter-space": " Q"}[form]
        return pd.Index(text.str.replace("Q", mark), name=index.name)
    if form.startswith("period:"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.Index(index.to_period(form[len("period:") :]).astype(str), name=index.name)
    if form == "date":
        return pd.Index(index.strftime("%Y-%m-%d"), name=index.name)
    if form.startswith("strftime:"):
        return pd.Index(index.strftime(form[len("strftime:") :]), name=index.name)
    return pd.Index(index.map(lambda t: t.isoformat()), name=index.name)


def labelled(frame: pd.DataFrame, time_column: str = "ds") -> pd.DataFrame:
    """``frame`` with its time labels (the index, or a ``time_column`` of dates, and a
    cross-validation frame's ``cutoff``) written in the form recorded in
    ``frame.attrs["tsrnn.form"]``, ready for ``to_csv``."""
    form = frame.attrs.get("tsrnn.form")
    if form is None:
        return frame
    out = frame.copy()
    if isinstance(out.index, pd.DatetimeIndex):
        out.index = format_labels(out.index, form)
    for column in (time_column, "cutoff"):  # cross-validation frames: the cutoffs are dates too
        if column in out.columns and pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = format_labels(pd.DatetimeIndex(out[column]), form).to_numpy()
    return out
