"""Time labels as files write them: reading a column of dates in the forms real files use, and
writing forecast labels back in the same form.

Forms read (:func:`parse_dates`): ISO dates and date-times, ``1949-01`` (``"month"``), quarters
``1990Q1``, ``1990-Q1``, ``1990 Q1`` (``"quarter"``, ``"quarter-dash"``, ``"quarter-space"``), ``1949 Jan``
(``"strftime:%Y %b"``, as tsibble writes months), a PeriodIndex
(``"period:<freq>"``), day-first dates ``31/01/2020`` and ``31.01.2020`` where month first cannot
read them, and the months pandas misreads: ``Jan-18`` (``"strftime:%b-%y"``), ``2018M01``
(``"strftime:%YM%m"``) and dates written as integers, ``201801`` (``"strftime:%Y%m"``) and ``20180131``
(``"strftime:%Y%m%d"``); and
(:func:`decimal_years`) months and quarters as R's ``time()`` writes them, ``1949.0833``
(``"decimal:12"``, ``"decimal:4"``).
:func:`format_labels` writes an index back in its form.  Which column holds the time, and the
calendar it lies on, are :mod:`tsrnn.data.calendar`'s business.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from ..base.errors import DataError

__all__ = [
    "MONTHS",
    "month_numbers",
    "month_starts",
    "parse_dates",
    "day_first",
    "times_of_day",
    "integer_dates",
    "decimal_years",
    "to_dates",
    "date_form",
    "format_labels",
    "labelled",
]

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_RE = re.compile(r"^\s*\d{4}-\d{1,2}\s*$")
_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*(-?|\s)\s*[Qq]([1-4])\s*$")
# months written with a two-digit year (a spreadsheet's Jan-18), and statistics offices' 2018M01
_MONTH_YY_RE = re.compile(r"^\s*([A-Za-z]{3,9})[-\s.']?(\d{2})\s*$")
_YEAR_M_RE = re.compile(r"^\s*(\d{4})\s*[Mm]\s*(\d{1,2})\s*$")
_WEEK_RE = re.compile(r"^\s*(\d{4})(-?|\s)W(\d{1,2})\s*$")  # ISO weeks: 2018-W05, 2018W05, 2018 W05 (tsibble)
_FISCAL_RE = re.compile(r"^\s*(\d{4})([/-])(\d{2})\s*$")  # fiscal years: 1990/91, 1990-91
_YEAR_MON_RE = re.compile(r"^\s*\d{4} [A-Z][a-z]{2}\s*$")  # 1949 Jan, as tsibble's yearmonth writes it
_WORD_RE = re.compile(r"^\s*[A-Za-z]+\.?\s*$")  # Jan, January, Monday: names without a year
_TIME_OF_DAY_RE = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$")  # 00:00, 23:59:59
_DAY_FIRST_RE = re.compile(
    r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(\s.*)?$"
)  # 31/01/2020, 31.01.2020, 31-01-2020


def month_numbers(names: pd.Series) -> pd.Series:
    """Months named in English (``Jan``, ``january``, ``DEC``; the first three letters count) as 1-12;
    NaN where a value names none."""
    return names.str.strip().str[:3].str.upper().map({m: i + 1 for i, m in enumerate(MONTHS)})


def month_starts(months) -> pd.DatetimeIndex:
    """The starts of months counted from January 1970 (0 is 1970-01-01, 12 is 1971-01-01)."""
    return pd.DatetimeIndex(np.asarray(months, dtype="datetime64[M]").astype("datetime64[ns]"))


def to_dates(values, dayfirst: bool = False) -> pd.DatetimeIndex:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format" is not our user's problem
        return pd.DatetimeIndex(pd.to_datetime(values, errors="coerce", dayfirst=dayfirst))


def date_form(index: pd.DatetimeIndex) -> str:
    return "date" if (index.dropna() == index.dropna().normalize()).all() else "datetime"


def parse_dates(column: pd.Series) -> tuple[pd.DatetimeIndex, str] | None:
    """The column as timestamps and their form, when every non-empty value is a date; else None."""
    if pd.api.types.is_datetime64_any_dtype(column):
        index = pd.DatetimeIndex(column)
        return index, date_form(index)
    if isinstance(column.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(column).to_timestamp(), f"period:{column.dtype.freq.freqstr}"
    if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return integer_dates(column)
    if column.dtype != object and not pd.api.types.is_string_dtype(column):
        return None
    present = column.dropna()
    if present.empty or not all(isinstance(v, str) for v in present):
        return None
    text = present.astype(str)
    if (
        text.str.match(_TIME_OF_DAY_RE).all() or text.str.match(_WORD_RE).all()
    ):  # 00:00 or Jan without a date:
        return None  # not a time axis alone (pandas would put them in year 1 or today)
    periods = _written_periods(text)
    if periods is not None:  # the present values' periods, placed back among the missing ones
        dates = pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")
        dates[present.index] = periods[0]
        return pd.DatetimeIndex(dates), periods[1]
    try:
        index = to_dates(column)
    except ValueError as err:  # pandas refuses mixed offsets with advice a command-line user cannot act on
        if not any(word in str(err).lower() for word in ("timezone", "offset", "tz-aware")):  # pandas 3, 2
            raise
        raise DataError(
            f"time column {column.name!r} mixes time zones (UTC offsets), as local time across a "
            f"daylight-saving change does; tsrnn reads one offset per time column: convert the "
            f"timestamps to UTC first"
        ) from None
    given = np.flatnonzero(column.notna().to_numpy())
    if index[given].isna().any() and text.str.match(_DAY_FIRST_RE).all():  # 13/01/2020: the day comes first
        index = to_dates(column, dayfirst=True)
    if index[given].isna().any():
        return None
    form = (
        "month"
        if text.str.match(_MONTH_RE).all()
        else "strftime:%Y %b"
        if text.str.match(_YEAR_MON_RE).all()
        else date_form(index)
    )
    return index, form


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
    parts = column.str.strip().str.split(":", expand=True).astype(float)
    seconds = parts[0] * 3600 + parts[1] * 60 + (parts[2] if parts.shape[1] > 2 else 0.0)
    return pd.TimedeltaIndex(pd.to_timedelta(seconds.to_numpy(), unit="s"))


def day_first(column: pd.Series) -> pd.DatetimeIndex | None:
    """The column read day first (``01/02/2018`` as the 1st of February) where every value is written
    as a day-first date can be and month first reads them all too: the other reading of an
    ambiguous column (which one is meant is the calendar's call); None otherwise."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return None
    present = column.dropna()
    if (
        present.empty
        or not all(isinstance(v, str) for v in present)
        or not present.str.match(_DAY_FIRST_RE).all()
    ):
        return None
    index = to_dates(column, dayfirst=True)
    return None if index[np.flatnonzero(column.notna().to_numpy())].isna().any() else index


def integer_dates(column: pd.Series, repeated: bool = False) -> tuple[pd.DatetimeIndex, str] | None:
    """Integers written as year and month, ``201801``, or as year, month and day, ``20180131``: the
    dates and the form that writes them back; None unless every value is one (of a year 1000-9999),
    two or more distinct ones, and no value repeats (``repeated=True``: values may repeat, as a long
    panel's ``ds`` does across its series)."""
    values = column.to_numpy(dtype=np.int64)
    distinct = np.unique(values)
    if len(distinct) < 2 or (not repeated and len(distinct) != len(values)):
        return None
    for low, high, fmt in ((100001, 999912, "%Y%m"), (10000101, 99991231, "%Y%m%d")):
        if distinct[0] >= low and distinct[-1] <= high:
            dates = pd.to_datetime(
                distinct.astype(str), format=fmt, errors="coerce"
            )  # 201813, 20180231: not dates
            if not dates.isna().any():
                index = pd.DatetimeIndex(dates[np.searchsorted(distinct, values)], name=column.name)
                return index, f"strftime:{fmt}"
    return None


def _written_periods(text: pd.Series) -> tuple[pd.DatetimeIndex, str] | None:
    """Quarters, months, weeks and fiscal years that pandas does not read, or misreads: ``1990Q1``,
    ``1990-Q1``, ``1990 Q1``, ``Jan-18`` (read as the 18th of January of year 1), ``2018M01``, ISO
    weeks ``2018-W05``, ``2018W05``, ``2018 W05`` (their Mondays) and fiscal years ``1990/91``,
    ``1990-91`` (their first year's start); their starts and the form that writes them back, or None."""
    if text.str.match(_WEEK_RE).all():
        parts = text.str.extract(_WEEK_RE)
        weeks = parts[2].astype(int)
        if ((weeks >= 1) & (weeks <= 53)).all():
            sep = parts[1].iloc[0]
            if (parts[1] == sep).all():
                days = pd.to_datetime(
                    parts[0] + "-W" + weeks.map("{:02d}".format) + "-1", format="%G-W%V-%u", errors="coerce"
                )
                if not days.isna().any():
                    return pd.DatetimeIndex(days), f"strftime:%G{sep}W%V"
    if text.str.match(_FISCAL_RE).all():
        parts = text.str.extract(_FISCAL_RE)
        first, second = parts[0].astype(int), parts[2].astype(int)
        sep = parts[1].iloc[0]
        if ((first + 1) % 100 == second).all() and (parts[1] == sep).all():
            return pd.DatetimeIndex(pd.to_datetime(dict(year=first, month=1, day=1))), f"fiscal:{sep}"
    if text.str.match(_QUARTER_RE).all():
        parts = text.str.extract(_QUARTER_RE)
        periods = pd.PeriodIndex([f"{y}Q{q}" for y, q in zip(parts[0], parts[2], strict=False)], freq="Q")
        form = (
            "quarter-dash"
            if (parts[1] == "-").all()
            else "quarter-space"
            if text.str.match(r"^\s*\d{4}\s+[Qq]").all()
            else "quarter"
        )
        return periods.to_timestamp(), form
    if text.str.match(_YEAR_M_RE).all():
        parts = text.str.extract(_YEAR_M_RE).astype(int)
        if ((parts[1] >= 1) & (parts[1] <= 12)).all():
            return pd.DatetimeIndex(
                pd.to_datetime(dict(year=parts[0], month=parts[1], day=1))
            ), "strftime:%YM%m"
    if text.str.match(_MONTH_YY_RE).all():
        parts = text.str.extract(_MONTH_YY_RE)
        month = month_numbers(parts[0])
        if month.notna().all():
            yy = parts[1].astype(int)
            year = np.where(yy < 69, 2000 + yy, 1900 + yy)  # as strptime's %y reads two digits
            return pd.DatetimeIndex(
                pd.to_datetime(dict(year=year, month=month.astype(int), day=1))
            ), "strftime:%b-%y"
    return None


def decimal_years(column: pd.Series) -> tuple[pd.DatetimeIndex, str] | None:
    """Months or quarters written as decimal years, as R's ``time()`` of a monthly or quarterly series
    gives them (``1949.0``, ``1949.0833``, ... or ``1959.25``; four decimals are enough): their starts
    and the form that writes them back (``"decimal:12"``, ``"decimal:4"``); None unless every value
    is a year pandas dates hold (1678-2261) plus a whole number of twelfths (or quarters), not all
    whole years, and most steps between the distinct values are one month (one quarter)."""
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
    years = np.floor(values)
    if (values == years).all():
        return None  # whole years: integer steps
    for m in (4, 12):
        steps = (values - years) * m
        if np.abs(steps - np.round(steps)).max() < 2e-3:
            months = (years.astype(np.int64) - 1970) * 12 + np.round(steps).astype(np.int64) * (12 // m)
            gaps = np.diff(np.unique(months))
            if len(gaps) == 0 or np.bincount(gaps).argmax() != 12 // m:  # not a monthly (quarterly) series
                continue
            return month_starts(months).rename(column.name), f"decimal:{m}"
    return None


def format_labels(index: pd.Index, form: str | None) -> pd.Index:
    """Time labels written as the input wrote them (``1961-01``, ``1961Q1``, ISO dates, integers)."""
    if not isinstance(index, pd.DatetimeIndex) or form is None:
        return index
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
    """``frame`` with its time labels (the index, or a ``time_column`` of dates) written in the
    form recorded in ``frame.attrs["tsrnn.form"]``, ready for ``to_csv``."""
    form = frame.attrs.get("tsrnn.form")
    if form is None:
        return frame
    out = frame.copy()
    if isinstance(out.index, pd.DatetimeIndex):
        out.index = format_labels(out.index, form)
    if time_column in out.columns and pd.api.types.is_datetime64_any_dtype(out[time_column]):
        out[time_column] = format_labels(pd.DatetimeIndex(out[time_column]), form).to_numpy()
    return out
