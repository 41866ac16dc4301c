"""Time written across columns: a table of years by months (``YEAR, JAN ... DEC``), years beside months
or quarters (and days of the month), dates beside times of day; each read as one time axis."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calendar import shown_labels
from .date_forms import month_numbers, month_starts
from .dates import times_of_day
from .reading import ReadingRefused
from .row_labels import row_number_columns
from .time_words import DAY_WORDS, MONTH_WORDS, QUARTER_WORDS, YEAR_WORDS, name_words

__all__ = ["month_table", "year_and_period", "clock_column"]


def month_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DatetimeIndex] | None:
    """A table of years by months, as climate records and statistics offices publish them (a year
    column, then ``JAN`` ... ``DEC``): one monthly series ``value`` and its months' starts (named
    ``"<year column> month"``), months before the first value and after the last left out (the
    months of a year not yet observed); refused where other columns of numbers stand beside the
    months.  None for any other frame."""
    names = [n for n in frame.columns if isinstance(n, str)]
    months = [n for n in names if len(n.strip()) >= 3 and month_numbers(pd.Series([n])).notna().all()]
    numbers = month_numbers(pd.Series(months, dtype=object)).tolist()
    years = [n for n in names if name_words(n) & YEAR_WORDS and pd.api.types.is_integer_dtype(frame[n])]
    if sorted(numbers) != list(range(1, 13)) or len(years) != 1:
        return None
    year = frame[years[0]].to_numpy(dtype=np.int64)
    others = [
        n for n in frame.columns if n not in months and n != years[0] and n not in row_number_columns(frame)
    ]
    if others or len(np.unique(year)) != len(year):
        raise ReadingRefused(
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
    return melted, index


def year_and_period(frame: pd.DataFrame) -> tuple[tuple, pd.DatetimeIndex, str] | None:
    """A column of integer years beside one of months (1-12 or ``Jan``, ``January``) or quarters
    (1-4 or ``Q1``), both named so, and with months a column of days of the month (1-31) named so:
    ((the columns), the periods' starts or the days, the form); None unless they are distinct."""
    years = [
        n for n in frame.columns if name_words(n) & YEAR_WORDS and pd.api.types.is_integer_dtype(frame[n])
    ]
    if len(years) != 1:
        return None
    year = frame[years[0]].to_numpy(dtype=np.int64)
    if (
        year.min() <= pd.Timestamp.min.year or year.max() >= pd.Timestamp.max.year
    ):  # 1678-2261: what pandas dates hold
        return None
    for words, per_year, form in ((MONTH_WORDS, 12, "month"), (QUARTER_WORDS, 4, "quarter")):
        for name in frame.columns:
            if name == years[0] or not name_words(name) & words:
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
        and name_words(n) & DAY_WORDS
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


def clock_column(frame: pd.DataFrame, date_col) -> tuple[str, pd.TimedeltaIndex] | None:
    """The one column of times of day beside a column of dates that repeat, and its times; or None."""
    clocks = [(name, times_of_day(frame[name])) for name in frame.columns if name != date_col]
    found = [(name, times) for name, times in clocks if times is not None]
    return found[0] if len(found) == 1 else None
