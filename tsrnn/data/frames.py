"""DataFrames as people keep them, what the wide and the long layout share: the long layout's column
names, refusals of what no reading makes a series of, the numeric feature columns, missing values
and the fill policies, and a time axis' usual season.

Wide data has one column per feature and, optionally, a time column (:mod:`tsrnn.data.wide_layout`).
Long data is Nixtla's layout: ``unique_id, ds, y`` plus covariate columns, one row per series and
time step (:mod:`tsrnn.data.long_layout`).  Every problem is a DataError that names the column and
the first offending timestamps or rows.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ..base.checks import invalid
from ..base.errors import DataError
from .calendar import describe_freq, season_of, shown_labels
from .dates import format_labels
from .reading import FILLS, LINES, ReadingRefused, rows_said
from .time_axis import TimeAxis

__all__ = [
    "FILLS",
    "LONG_ID",
    "LONG_TIME",
    "LONG_TARGET",
    "is_long",
    "check_frame",
    "not_numbers",
    "numeric_columns",
    "fill_missing",
    "usual_season",
]

LONG_ID, LONG_TIME, LONG_TARGET = "unique_id", "ds", "y"


def check_frame(frame: pd.DataFrame) -> None:
    """Refuse what no reading of a DataFrame's columns can make a series of: repeated column names and
    complex numbers (DataError naming them)."""
    if frame.columns.has_duplicates:
        repeated = list(dict.fromkeys(frame.columns[frame.columns.duplicated()]))
        raise DataError(
            f"the data repeats the column name(s) {shown_labels(repeated)}; give every column its own name"
        )
    complex_ = [name for name, dtype in frame.dtypes.items() if pd.api.types.is_complex_dtype(dtype)]
    if complex_:
        raise DataError(
            f"column(s) {shown_labels(complex_)} hold complex numbers; tsrnn forecasts real values (give the "
            f"real and imaginary parts as two columns)"
        )


def is_long(frame) -> bool:
    """Whether ``frame`` is in the long layout (``unique_id``, ``ds`` and ``y`` columns)."""
    return isinstance(frame, pd.DataFrame) and {LONG_ID, LONG_TIME, LONG_TARGET} <= set(
        map(str, frame.columns)
    )


def not_numbers(column: pd.Series) -> tuple[bool, str | None]:
    """Whether a column holds no numbers, and so is no feature unless named: it has no value at all
    ('.' or empty in every row; example None), or only text such as labels (example: its first)."""
    present = column.dropna()
    if not len(present):
        return True, None
    if pd.api.types.is_numeric_dtype(column) or not pd.to_numeric(present, errors="coerce").isna().all():
        return False, None
    return True, str(present.iloc[0])


def numeric_columns(frame: pd.DataFrame, features) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """The feature columns as float64 (``features``, or every column of numbers), and the columns of
    text (or of no value at all) left out when no features are named, each with its first value, or
    None when it has none (for the report)."""
    if features is not None:
        features = [features] if isinstance(features, str) else list(features)
        if len(set(features)) != len(features):
            raise DataError(f"features must not repeat a column, got {features}")
        missing = [f for f in features if f not in frame.columns]
        if missing:
            raise DataError(f"feature column(s) {missing} not found; columns are {list(frame.columns)}")
        frame = frame[features]
    out, left_out = {}, {}
    for name in frame.columns:
        column = frame[name]
        if features is None:  # labels or nothing: not a feature unless asked for
            unread, example = not_numbers(column)
            if unread:
                left_out[str(name)] = example
                continue
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            numbers = pd.to_numeric(column, errors="coerce")
            text = column[numbers.isna() & column.notna()]
            if len(text):
                raise DataError(
                    f"column {name!r} has text where numbers are expected: "
                    f"{shown_labels(f'{v!r} at {i}' for i, v in zip(rows_said(frame, text.index), text, strict=True))}"
                )
            column = numbers
        out[str(name)] = column.astype(np.float64)
    if not out:
        raise DataError(
            f"expected at least one numeric column, got columns {list(frame.columns)} of types "
            f"{[str(t) for t in frame.dtypes]}"
            + (f" (text such as {', '.join(f'{k}: {v!r}' for k, v in left_out.items())})" if left_out else "")
        )
    numbers = pd.DataFrame(out, index=frame.index)
    if LINES in frame.attrs:  # a file's rows still in file order: a later refusal names their lines
        numbers.attrs[LINES] = frame.attrs[LINES]
    return numbers, left_out


def fill_missing(
    frame: pd.DataFrame,
    fill: str | None,
    axis: TimeAxis | None,
    calendar: dict,
    groups: np.ndarray | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Refuse or fill missing values (``groups``: each row's series, whose values never fill another's)."""
    values = frame.to_numpy()
    if np.isinf(values).any():
        row, col = np.argwhere(np.isinf(values))[0]
        raise DataError(
            f"column {frame.columns[col]!r} has an infinite value at {rows_said(frame, [frame.index[row]])[0]}; "
            f"infinities are never filled, remove them from the data"
        )
    missing = frame.isna()
    if not missing.to_numpy().any():
        return frame, {}
    counts = {c: int(n) for c, n in missing.sum().items() if n}
    gaps = calendar.get("gaps", [])
    if fill is None:
        policy = "choose a fill policy: fill='ffill', fill='interpolate' or fill='drop'"
        if gaps:
            where = (
                describe_freq(calendar["freq"]) + " calendar"
                if calendar.get("freq")
                else f"integer steps of {calendar.get('step', 1)}"
            )
            raise ReadingRefused(
                f"the series misses {len(gaps)} period(s) of its {where}: {shown_labels(gaps)}; "
                f"{policy} to fill them, or add them to the data"
            )
        first = next(iter(counts))
        at = format_labels(frame.index[missing[first].to_numpy()], axis.form if axis else None)
        raise ReadingRefused(
            f"column {first!r} has {counts[first]} missing value(s), first at "
            f"{shown_labels(at)} (missing per column: {counts}); {policy}"
        )
    if fill not in FILLS:
        raise invalid("fill", f"fill must be one of {', '.join(map(repr, FILLS))} or None, got {fill!r}")
    report = {"fill": fill, "missing": counts, "gaps": gaps}
    if fill == "drop":
        kept = frame.dropna()
        return kept, {**report, "rows_dropped": int(len(frame) - len(kept))}
    method: Literal["time", "linear"] = "time" if isinstance(frame.index, pd.DatetimeIndex) else "linear"
    if groups is None and fill == "interpolate":
        filled = frame.interpolate(method=method, limit_direction="both")
    elif groups is None:
        filled = frame.ffill().bfill()  # leading gaps take the first observed value
    elif fill == "interpolate":  # series by series, only those with a gap
        filled = frame.copy()
        holes = np.unique(groups[missing.to_numpy().any(axis=1)])
        for g in holes:
            rows = np.flatnonzero(groups == g)
            filled.iloc[rows] = frame.iloc[rows].interpolate(method=method, limit_direction="both")
    else:
        by = pd.Series(groups, index=frame.index)
        filled = frame.groupby(by).ffill().groupby(by).bfill()
    return filled, {**report, "values_filled": int(sum(counts.values()))}


def usual_season(freq, session, axis) -> int | None:
    """The usual season of a time axis: its sessions' (steps per session day), its frequency's, or
    none (1) for integer years."""
    if session is not None:
        return session.season()
    return season_of(freq) if freq else (1 if axis and axis.form == "year" else None)
