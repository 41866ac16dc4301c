"""DataFrames as people keep them: a time column, columns to pick, missing values, the long layout.

Wide data has one column per feature and, optionally, a time column (named, or found as the first
column that parses as dates).  Long data is Nixtla's layout: ``unique_id, ds, y`` plus covariate
columns, one row per series and time step.  Every problem is a DataError that names the column and
the first offending timestamps or rows.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import DataError

__all__ = ["FILLS", "LONG_ID", "LONG_TIME", "LONG_TARGET", "prepare_wide", "is_long", "split_long"]

FILLS = ("ffill", "interpolate", "drop")
LONG_ID, LONG_TIME, LONG_TARGET = "unique_id", "ds", "y"
_SHOW = 5  # offending labels shown in a message


def _labels(values) -> str:
    values = list(values)
    shown = ", ".join(str(v) for v in values[:_SHOW])
    return shown + (f" (and {len(values) - _SHOW} more)" if len(values) > _SHOW else "")


def _as_dates(column: pd.Series) -> pd.Series | None:
    """The column parsed as dates when every non-empty value parses, else None."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    if column.dtype != object and not pd.api.types.is_string_dtype(column):
        return None
    present = column.dropna()
    if present.empty:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format" is not our user's problem
        parsed = pd.to_datetime(column, errors="coerce")
    return parsed if parsed[present.index].notna().all() else None


def _time_index(frame: pd.DataFrame, time_col: str | None) -> pd.DataFrame:
    if time_col is None:
        for name in frame.columns:
            if _as_dates(frame[name]) is not None and not pd.api.types.is_numeric_dtype(frame[name]):
                time_col = name
                break
    elif time_col not in frame.columns:
        if frame.index.name == time_col or isinstance(frame.index, pd.DatetimeIndex) or \
                all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
            return frame  # already indexed by time, or a window of features without its time column
        raise DataError(f"time column {time_col!r} is not a column; columns are {list(frame.columns)}")
    if time_col is None:
        return frame
    dates = _as_dates(frame[time_col])
    if dates is None:
        if pd.api.types.is_numeric_dtype(frame[time_col]):
            raise DataError(f"time column {time_col!r} holds numbers, not dates; name a column of dates "
                            f"(or none: rows are then taken in file order)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bad = frame[time_col][pd.to_datetime(frame[time_col], errors="coerce").isna()]
        raise DataError(f"time column {time_col!r} has values that are not dates: "
                        f"{_labels(f'{v!r} (row {i})' for i, v in bad.items())}")
    return frame.drop(columns=[time_col]).set_index(pd.DatetimeIndex(dates, name=str(time_col)))


def _check_spacing(index: pd.Index, irregular: str) -> None:
    if index.has_duplicates:
        repeated = index[index.duplicated()].unique()
        raise DataError(f"the time index repeats timestamps: {_labels(repeated)}; each step must appear once")
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3 or irregular == "ignore":
        return
    steps = index.to_series().diff().iloc[1:]
    usual = steps.mode().iloc[0]
    odd = steps[steps != usual]
    if len(odd):
        gaps = [f"{t} ({d} after the previous)" for t, d in odd.items()]
        raise DataError(f"the time index is irregular: most steps are {usual}, but not at {_labels(gaps)}; "
                        f"resample the data to a regular frequency, or accept it with irregular='ignore' "
                        f"(--irregular ignore)")


def _numeric(frame: pd.DataFrame, features) -> pd.DataFrame:
    if features is not None:
        features = [features] if isinstance(features, str) else list(features)
        if len(set(features)) != len(features):
            raise DataError(f"features must not repeat a column, got {features}")
        missing = [f for f in features if f not in frame.columns]
        if missing:
            raise DataError(f"feature column(s) {missing} not found; columns are {list(frame.columns)}")
        frame = frame[features]
    out = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            numbers = pd.to_numeric(column, errors="coerce")
            text = column[numbers.isna() & column.notna()]
            if features is None and len(text) == column.notna().sum():
                continue  # a column of labels: not a feature unless asked for
            if len(text):
                raise DataError(f"column {name!r} has text where numbers are expected: "
                                f"{_labels(f'{v!r} at {i}' for i, v in text.items())}")
            column = numbers
        out[str(name)] = column.astype(np.float64)
    if not out:
        raise DataError(f"expected at least one numeric column, got columns {list(frame.columns)} of types "
                        f"{[str(t) for t in frame.dtypes]}")
    return pd.DataFrame(out, index=frame.index)


def _fill(frame: pd.DataFrame, fill: str | None) -> tuple[pd.DataFrame, dict]:
    values = frame.to_numpy()
    if np.isinf(values).any():
        row, col = np.argwhere(np.isinf(values))[0]
        raise DataError(f"column {frame.columns[col]!r} has an infinite value at {frame.index[row]}; "
                        f"infinities are never filled, remove them from the data")
    missing = frame.isna()
    if not missing.to_numpy().any():
        return frame, {}
    counts = {c: int(n) for c, n in missing.sum().items() if n}
    if fill is None:
        first = next(iter(counts))
        raise DataError(f"column {first!r} has {counts[first]} missing value(s), first at "
                        f"{_labels(frame.index[missing[first].to_numpy()])} (missing per column: {counts}); "
                        f"choose a fill policy: fill='ffill', 'interpolate' or 'drop' (--fill)")
    if fill not in FILLS:
        raise ValueError(f"fill must be one of {', '.join(map(repr, FILLS))} or None, got {fill!r}")
    if fill == "drop":
        kept = frame.dropna()
        return kept, {"fill": fill, "missing": counts, "rows_dropped": int(len(frame) - len(kept))}
    if fill == "interpolate":
        method = "time" if isinstance(frame.index, pd.DatetimeIndex) else "linear"
        filled = frame.interpolate(method=method, limit_direction="both")
    else:
        filled = frame.ffill().bfill()  # leading gaps take the first observed value
    return filled, {"fill": fill, "missing": counts, "values_filled": int(sum(counts.values()))}


def prepare_wide(frame: pd.DataFrame, time_col: str | None = None, features=None, fill: str | None = None,
                 irregular: str = "error") -> tuple[pd.DataFrame, dict]:
    """A clean wide frame: numeric feature columns, indexed and sorted by time, without missing values.

    Returns the frame and a report (``time_col``, ``fill``, ``missing`` per column, ``values_filled``
    or ``rows_dropped``).
    """
    if irregular not in ("error", "ignore"):
        raise ValueError(f"irregular must be 'error' or 'ignore', got {irregular!r}")
    if frame.shape[0] == 0:
        raise DataError(f"expected at least one row, got an empty table with columns {list(frame.columns)}")
    frame = _time_index(frame, time_col)
    if isinstance(frame.index, pd.DatetimeIndex) and not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
    _check_spacing(frame.index, irregular)
    clean, report = _fill(_numeric(frame, features), fill)
    report["time_col"] = frame.index.name if isinstance(frame.index, pd.DatetimeIndex) else None
    return clean, report


def is_long(frame) -> bool:
    """Whether ``frame`` is in the long layout (``unique_id``, ``ds`` and ``y`` columns)."""
    return isinstance(frame, pd.DataFrame) and {LONG_ID, LONG_TIME, LONG_TARGET} <= set(map(str, frame.columns))


def split_long(frame: pd.DataFrame, features=None, fill: str | None = None,
               irregular: str = "error") -> tuple[dict[str, pd.DataFrame], dict]:
    """Long data -> one clean wide frame per ``unique_id`` (``y`` first, then covariates), sorted by id."""
    if frame[LONG_ID].isna().any():
        raise DataError(f"column {LONG_ID!r} has missing ids at rows {_labels(frame.index[frame[LONG_ID].isna()])}")
    columns = [LONG_TARGET] + [c for c in frame.columns if c not in (LONG_ID, LONG_TIME, LONG_TARGET)]
    if features is not None:
        columns = [LONG_TARGET] + [f for f in ([features] if isinstance(features, str) else features)
                                   if f != LONG_TARGET]
    series, reports = {}, {}
    for uid, part in frame.groupby(LONG_ID, sort=True):
        try:
            series[str(uid)], reports[str(uid)] = prepare_wide(part.drop(columns=[LONG_ID]), LONG_TIME,
                                                               columns, fill, irregular)
        except DataError as err:
            raise DataError(f"series {uid!r}: {err}") from err
    return series, reports
