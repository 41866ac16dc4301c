"""Wide data, one series: a time column (named, or found as the first column that parses as dates) or
the frame's own time index, feature columns, and missing values, as :func:`prepare_wide` cleans
them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..base.checks import invalid
from ..base.errors import DataError
from .calendar import infer_freq, parse_freq, regular_calendar, shown_labels
from .dates import format_labels
from .frames import LONG_ID, LONG_TARGET, LONG_TIME, check_frame, fill_missing, numeric_columns, usual_season
from .reading import IRREGULAR, LINES, rows_said
from .time_axis import TimeAxis, find_time_axis

__all__ = ["prepare_wide"]


def _index_as_column(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose index holds text (``pd.read_csv(f, index_col=0)`` of a file whose first column is
    dates or labels) with that index as its first column, so it is read as the file would be without
    ``index_col``; an index of several levels or of intervals is refused."""
    index = frame.index
    if isinstance(index, pd.MultiIndex) or isinstance(index.dtype, pd.IntervalDtype):
        raise DataError(
            f"the DataFrame's index holds {'several levels' if isinstance(index, pd.MultiIndex) else 'intervals'}"
            f" ({shown_labels(list(index[:3]))}, ...), which are no time axis: give the times as one column of "
            f"dates or integers (time_col), or reset the index (df.reset_index(drop=True)) to read the rows in "
            f"their order"
        )
    text = (
        isinstance(index.dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(index.dtype)
        or pd.api.types.is_string_dtype(index.dtype)
    )
    if not text:
        return frame
    name = "index" if index.name is None else index.name
    if name in frame.columns:
        raise DataError(
            f"the DataFrame's index and one of its columns are both named {name!r}; rename one of them"
        )
    column = pd.Series(index.astype(object), index=range(len(frame)), name=name)
    return pd.concat([column, frame.reset_index(drop=True)], axis=1).__finalize__(frame)


def _time_index(
    frame: pd.DataFrame, time_col: str | None, keep=()
) -> tuple[pd.DataFrame, TimeAxis | None, list[str] | None]:
    """The frame indexed and sorted by its time axis (see :func:`tsrnn.data.time_axis.find_time_axis`;
    ``keep``: the chosen features, never row labels), and the row-label columns left out (or None)."""
    check_frame(frame)
    frame, axis = find_time_axis(_index_as_column(frame), time_col, keep)
    rows = frame.attrs.get("tsrnn.row_numbers")
    if axis is None:
        return frame, None, rows
    empty = pd.isna(axis.index)
    if empty.any():  # a row with values but no time: where it belongs is unknown
        where = f"column {axis.column!r}" if axis.column else "the index"
        raise DataError(
            f"the time ({where}) is missing at {shown_labels(rows_said(frame, frame.index[empty]))}; give every row "
            f"its time, or remove the rows that are not time steps (totals, notes)"
        )
    _refuse_repeated(frame, axis)
    frame = frame.set_axis(axis.index, axis=0)
    frame.attrs = {k: v for k, v in frame.attrs.items() if k != LINES}  # rows by time now, not by line
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
    return frame, axis, rows


def _calendar(frame: pd.DataFrame, axis: TimeAxis, freq, irregular: str) -> tuple[pd.DataFrame, dict]:
    """Reindex the frame to its full regular calendar (gaps become missing rows); report what was found."""
    declared = freq or frame.attrs.get("tsrnn.freq")
    if irregular == "ignore":
        offset = (
            parse_freq(declared)
            if declared
            else (infer_freq(frame.index) if isinstance(frame.index, pd.DatetimeIndex) else None)
        )
        return frame, {"freq": None if offset is None else offset.freqstr, "gaps": []}
    if len(frame.index) < 3 and declared is None and isinstance(frame.index, pd.DatetimeIndex):
        return frame, {"freq": None, "gaps": []}  # too short to tell; a declared freq would say
    cal = regular_calendar(frame.index, declared)
    gaps = list(format_labels(cal.gaps, axis.form))
    if len(cal.gaps):
        frame = frame.reindex(cal.full)
    return frame, {"freq": cal.freq, "gaps": gaps, "step": cal.step, "session": cal.session}


def prepare_wide(
    frame: pd.DataFrame,
    time_col: str | None = None,
    features=None,
    fill: str | None = None,
    irregular: str = "error",
    freq: str | None = None,
) -> tuple[pd.DataFrame, dict]:
    """A clean wide frame: numeric feature columns, indexed and sorted by time, without missing values.

    The time axis is found by :func:`tsrnn.data.time_axis.find_time_axis` (``time_col``, or the frame's own
    date index, a column of dates, integer years, ...).  A calendar's frequency is ``freq`` or
    inferred, and periods absent from it (gaps) become missing rows, which ``fill`` treats like
    any missing value.  Returns the frame and a report: ``time_col``, ``time_form``, ``freq``,
    ``season`` (the frequency's), ``gaps`` (their labels), ``fill``, ``missing`` per column,
    ``values_filled`` or ``rows_dropped``, ``row_numbers``, ``text_columns`` (the columns of text left
    out, each with its first value) and ``decisions`` (where the time column's text reads two ways
    and one reading alone is a time axis: that reading and why, :attr:`~tsrnn.data.dates.Dates.note`).
    The frame's ``attrs`` keep the frequency and form.
    """
    if irregular not in IRREGULAR:
        raise invalid("irregular", f"irregular must be 'error' or 'ignore', got {irregular!r}")
    if frame.shape[0] == 0:
        raise DataError(f"expected at least one row, got an empty table with columns {list(frame.columns)}")
    if freq is not None:
        parse_freq(freq)  # a bad declaration is refused before the data is read
    attrs = dict(frame.attrs)
    frame, axis, rows = _time_index(frame, time_col, features)  # rows: the to_csv index columns left out
    calendar: dict[str, Any] = {"freq": None, "gaps": []}
    if axis is not None:
        frame.attrs = attrs
        frame, calendar = _calendar(frame, axis, freq, irregular)
    numeric, text = numeric_columns(frame, features)
    clean, report = fill_missing(numeric, fill, axis, calendar)
    freq_found, session = calendar["freq"], calendar.get("session")
    report.update(
        row_numbers=rows,
        text_columns=text,
        time_col=None if axis is None else (axis.column or frame.index.name),
        time_form=None if axis is None else axis.form,
        freq=freq_found,
        season=usual_season(freq_found, session, axis),
    )
    if session is not None:
        report["session"] = session.describe()
    if axis is not None and axis.note:
        report["decisions"], report["decided"] = [axis.note], axis.answers
    clean.attrs = {
        **attrs,
        "tsrnn.freq": freq_found,
        "tsrnn.form": None if axis is None else axis.form,
        "tsrnn.season": report["season"],
        "tsrnn.session": None if session is None else session.text,
    }
    return clean, report


def _refuse_repeated(frame: pd.DataFrame, axis: TimeAxis) -> None:
    """Refuse a time axis that repeats a timestamp, naming the rows (the file's lines) that repeat it."""
    times = pd.Index(axis.index)
    if not times.has_duplicates:
        return
    repeated = times[times.duplicated()].unique()
    first = np.flatnonzero(times.isin(repeated[:1]))  # the rows of the first repeated timestamp
    at = " and ".join(rows_said(frame, frame.index[first]))
    labels = [name for name in frame.columns if not pd.api.types.is_numeric_dtype(frame[name])]
    hint = (  # the long layout: tsrnn.read(..., id_col=, target_col=), or tsrnn fit --id-col --target-col
        f"; if column {labels[0]!r} names one of several series, read the data as long data with "
        f"id_col={labels[0]!r} and target_col= naming the values (or columns named {LONG_ID}, {LONG_TIME}, "
        f"{LONG_TARGET})"
        if labels
        else f"; if the data holds several series, read it as long data with id_col= naming their ids and "
        f"target_col= the values (or columns named {LONG_ID}, {LONG_TIME}, {LONG_TARGET})"
    )
    raise DataError(
        f"the time index repeats timestamps: {shown_labels(format_labels(repeated, axis.form))} ({at}); "
        f"each step must appear once{hint}"
    )
