"""Time axes as real files hold them: finding the time column of a frame and reading it as dates or
integer steps (:func:`find_time_axis`, by the rules of :data:`TIME_COLUMN_RULES`).

The *form* of a time axis (``"date"``, ``"datetime"``, ``"month"`` for ``1949-01``,
``"quarter"`` for ``1990Q1``, ``"strftime:%b-%y"`` for ``Jan-18``, ``"strftime:%Y%m"`` for
``201801``, ``"year"``, ``"integer"``, ...) says how its labels are written back, so forecasts
written to CSV look like the input; :mod:`tsrnn.data.date_forms` and :mod:`tsrnn.data.dates` read
and write the forms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base.errors import DataError
from .calendar import Grid, shown_labels
from .date_forms import centuries, date_form, to_dates
from .date_parts import clock_column, month_table, year_and_period
from .dates import decimal_years, format_labels, parse_dates
from .reading import LINES, Reading, ReadingRefused, ambiguous, reading_of, rows_said
from .row_labels import is_index_column, row_number_columns
from .time_words import DATE_WORDS, integer_form, looks_like_time, name_words

__all__ = ["TimeAxis", "find_time_axis", "NO_TIME", "TIME_COLUMN_RULES"]

NO_TIME = "none"  # time_col="none": no time column, every column is a feature


@dataclass(frozen=True)
class TimeAxis:
    """The time index found for a frame: the index, where it came from and how it is written."""

    index: pd.Index  # DatetimeIndex, or an integer Index
    column: str | None  # the column it was read from; None for the frame's own index
    form: str  # "date", "datetime", "month", "quarter", "quarter-dash", "quarter-space", "period:<freq>", "strftime:<format>", "decimal:<m>",
    # "year", "integer"
    freq: str | None = None  # the calendar's pandas frequency, once found (None: integer steps)
    grid: Grid | None = None  # the grid a panel's series share (tsrnn.data.calendar.Grid), if any
    note: str | None = None  # the reading chosen where the text reads two ways, and why (for the report)
    answers: dict | None = None  # that reading as the options that pick it, so new data is read the same way

    def describe(self) -> str:
        """The axis in words: its span, frequency and form (``2019-01-01 .. 2020-12-01, MS, month``)."""
        ends = list(format_labels(self.index[[0, -1]], self.form)) if len(self.index) else []
        span = f"{ends[0]} .. {ends[1]}" if ends else "empty"
        return f"{span}, {self.freq or 'integer steps'}, written as {self.form}"


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


def find_time_axis(
    frame: pd.DataFrame, time_col: str | None = None, keep=(), reading: Reading | None = None
) -> tuple[pd.DataFrame, TimeAxis | None]:
    """Find the time index of ``frame`` and return the frame without that column, and the axis.

    ``time_col`` names the column (dates in any common form, or integers); ``"none"`` keeps every
    column as a feature.  By default the frame's own DatetimeIndex or PeriodIndex is used, else the
    first column of dates, else an integer column named like a time (year, date, time, period, ds,
    step, ...), else the index column ``DataFrame.to_csv`` writes (``Unnamed: 0``) when it holds
    consecutive integers.  Returns ``(frame, None)`` when there is no time axis.  Row-label columns
    (:func:`~tsrnn.data.row_labels.row_number_columns`; none named in ``keep``) are left out of the
    frame in every case but ``time_col="none"``, and listed in ``frame.attrs["tsrnn.row_numbers"]``.  Dates are read by
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
    if LINES in found.attrs and not found.index.equals(frame.index):  # rows made anew (a year x month table)
        found.attrs = {k: v for k, v in found.attrs.items() if k != LINES}
    return found, axis


def _find_axis(
    frame: pd.DataFrame, time_col: str | None, reading: Reading
) -> tuple[pd.DataFrame, TimeAxis | None]:
    """:func:`find_time_axis` before the row numbers are left out."""
    if time_col is None or time_col not in frame.columns:
        own = _own_axis(frame, time_col)
        if own is not None or time_col is not None:
            return frame, own
        table = month_table(frame)
        if table is not None:  # a table of years by months: one monthly series
            melted, index = table
            return melted, TimeAxis(index, str(index.name), "month")
        time_col = _guess_column(frame, reading)
        if time_col is None or is_index_column(time_col):
            pair = year_and_period(frame)
            if pair is not None:  # Year and Month (or Quarter, and Day) in columns: one time axis
                names, index, form = pair
                name = " ".join(map(str, names))
                return frame.drop(columns=list(names)), TimeAxis(index.rename(name), name, form)
        if time_col is None:
            return frame, None
    column = frame[time_col]
    parsed = parse_dates(column, reading) or decimal_years(column, reading)
    if parsed is not None:
        index, form, note, answers = parsed
        midnight = date_form(index) == "date" and not form.startswith(("month", "quarter", "fiscal"))
        clock = clock_column(frame, time_col) if midnight and index.has_duplicates else None
        if clock is not None:  # Date and Time in two columns: one timestamp
            clock_col, times = clock
            name = f"{time_col} {clock_col}"
            return frame.drop(columns=[time_col, clock_col]), TimeAxis(
                pd.DatetimeIndex(index + times, name=name), name, "datetime", note=note, answers=answers
            )
        axis = TimeAxis(
            pd.DatetimeIndex(index, name=str(time_col)), str(time_col), form, note=note, answers=answers
        )
    else:
        steps = _two_digit_years(column, time_col, reading)
        if steps is None:
            steps = _integer_steps(_whole(column), consecutive=False)
        if steps is None:
            raise _not_time(column, time_col)
        axis = TimeAxis(steps, str(time_col), integer_form(time_col))
    return frame.drop(columns=[time_col]), axis


def _two_digit_years(column: pd.Series, name, reading: Reading) -> pd.Index | None:
    """Years written with two digits in a column named like a year (``61`` ... ``99``, ``00`` ...):
    read as four-digit years where the rows wrap from one century into the next (99 then 00), or
    where ``reading.century`` says; only one century placing them in the past reads them, two are
    refused with the option that picks one.  None for any other column (years, or steps 1, 2, ...)."""
    if integer_form(name) != "year" or not pd.api.types.is_integer_dtype(column) or len(column) < 2:
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
            return TimeAxis(steps, None, integer_form(time_col))
    if time_col is not None and not all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        raise DataError(f"time column {time_col!r} is not a column; columns are {list(frame.columns)}")
    if (
        not isinstance(index, pd.RangeIndex)
        and pd.api.types.is_integer_dtype(index)
        and looks_like_time(index.name)
    ):
        steps = _integer_steps(index.to_series(), consecutive=False)  # a frame indexed by its years
        if steps is not None:
            return TimeAxis(steps, None, integer_form(index.name))
    return None


def _text_of_dates(frame: pd.DataFrame, name, reading: Reading) -> bool:
    return not pd.api.types.is_numeric_dtype(frame[name]) and parse_dates(frame[name], reading) is not None


def _numbers_named_as_time(frame: pd.DataFrame, name, reading: Reading) -> bool:
    """Years or steps, epoch integers, or months as R's decimal years, in a column named like a time."""
    return looks_like_time(name) and (
        _integer_steps(_whole(frame[name]), consecutive=False) is not None
        or decimal_years(frame[name], reading) is not None
    )


def _mostly_dates_said(frame: pd.DataFrame, name, reading: Reading) -> bool:
    """Dates but for a few values (a total row, a note): said, not dropped unseen."""
    if not pd.api.types.is_numeric_dtype(frame[name]) and _mostly_dates(frame[name]):
        raise ReadingRefused(
            _not_time_message(frame[name], name) + "; remove the rows that are not time steps "
            "(totals, notes), or name the time column with time_col="
        )
    return False


def _index_column(frame: pd.DataFrame, name, reading: Reading) -> bool:
    """The index column ``to_csv`` writes, first, of consecutive integers, beside another column."""
    return (
        name == frame.columns[0]
        and len(frame.columns) > 1
        and is_index_column(name)
        and _integer_steps(frame[name], consecutive=True) is not None
    )


def _named_dates_said(frame: pd.DataFrame, name, reading: Reading) -> bool:
    """A column named as dates whose text is not dates: said, not dropped unseen."""
    if name_words(name) & DATE_WORDS and not pd.api.types.is_numeric_dtype(frame[name]):
        raise ReadingRefused(
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


def _not_time(column: pd.Series, name) -> DataError:
    """The refusal of a time column that holds no time labels: numbers name ``time_col='none'``."""
    message = _not_time_message(column, name)
    return ReadingRefused(message) if pd.api.types.is_numeric_dtype(column) else DataError(message)


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
        f"{shown_labels(f'{v!r} ({i})' for i, v in zip(rows_said(column, bad.index), bad, strict=True))}"
    )
