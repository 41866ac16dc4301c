"""The table of date forms as files write them: each entry of :data:`DATE_FORMS` is one written form,
its pattern (matched whole by every value), how it reads (timestamps, ``NaT`` where a value is no
date in that form) and the form that writes labels back (:func:`tsrnn.data.dates.format_labels`:
``"date"``, ``"month"``, ``"quarter"``, ``"strftime:<format>"``, ``"fiscal:/"``, ``"decimal:12"``,
``"epoch:s"``, ...).  A form may give several candidate readings where an option is open (the
century of two-digit years), or raise :class:`OpenForm` where an option must complete it (a year
for ``1-Jul``, the unit of epoch integers).  :func:`tsrnn.data.dates.read_dates` is the loop that
applies the table.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base.errors import DataError
from .reading import EpochUnit, Reading

__all__ = [
    "MONTHS",
    "Candidate",
    "DateForm",
    "DATE_FORMS",
    "OpenForm",
    "centuries",
    "clock",
    "date_form",
    "month_numbers",
    "month_starts",
    "to_dates",
]

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
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


class OpenForm(DataError):
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


def clock(times: pd.Series) -> tuple[np.ndarray, str]:
    """Times of day (``13:45``, ``13:45:10``, missing: midnight) as nanoseconds, and their strftime."""
    if times.isna().all():
        return np.zeros(len(times), np.int64), ""
    times = times.fillna("0:00")
    half = times.str.extract(r"([AaPp])[Mm]$")[0].str.upper()  # 12-hour clocks: 12 AM is midnight
    parts = times.str.replace(r"\s?[AaPp][Mm]$", "", regex=True).str.split(":", expand=True).astype(float)
    hours = parts[0] % 12 + np.where(half == "P", 12, 0) if half.notna().any() else parts[0]
    # seconds written on some rows only (00:00 beside 23:59:59): none on the others
    seconds = hours * 3600 + parts[1] * 60 + (parts[2].fillna(0.0) if parts.shape[1] > 2 else 0.0)
    fmt = " %H:%M:%S" if parts.shape[1] > 2 else " %H:%M"
    if half.notna().any():
        fmt = fmt.replace("%H", "%I") + " %p"
    return (np.asarray(seconds, dtype=np.float64) * 1e9).astype(np.int64), fmt


def _with_clock(dates: pd.DatetimeIndex, times: pd.Series) -> tuple[pd.DatetimeIndex, str]:
    nanos, fmt = clock(times)
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
            raise OpenForm(
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
            raise OpenForm(
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
