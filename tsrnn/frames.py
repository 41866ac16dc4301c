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

from .calendar import (TimeAxis, describe_freq, find_time_axis, format_labels, infer_freq, parse_freq,
                       regular_calendar, season_of)
from .errors import DataError

__all__ = ["FILLS", "LONG_ID", "LONG_TIME", "LONG_TARGET", "prepare_wide", "is_long", "split_long"]

FILLS = ("ffill", "interpolate", "drop")
LONG_ID, LONG_TIME, LONG_TARGET = "unique_id", "ds", "y"
_SHOW = 5  # offending labels shown in a message


def _labels(values) -> str:
    values = list(values)
    shown = ", ".join(str(v) for v in values[:_SHOW])
    return shown + (f" (and {len(values) - _SHOW} more)" if len(values) > _SHOW else "")


def _time_index(frame: pd.DataFrame, time_col: str | None) -> tuple[pd.DataFrame, TimeAxis | None]:
    """The frame indexed and sorted by its time axis (see :func:`tsrnn.calendar.find_time_axis`)."""
    frame, axis = find_time_axis(frame, time_col)
    if axis is None:
        return frame, None
    frame = frame.set_axis(axis.index, axis=0)
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
    if frame.index.has_duplicates:
        repeated = frame.index[frame.index.duplicated()].unique()
        raise DataError(f"the time index repeats timestamps: {_labels(format_labels(repeated, axis.form))}; "
                        f"each step must appear once")
    return frame, axis


def _calendar(frame: pd.DataFrame, axis: TimeAxis, freq, irregular: str) -> tuple[pd.DataFrame, dict]:
    """Reindex the frame to its full regular calendar (gaps become missing rows); report what was found."""
    declared = freq or frame.attrs.get("tsrnn.freq")
    if irregular == "ignore":
        offset = parse_freq(declared) if declared else (
            infer_freq(frame.index) if isinstance(frame.index, pd.DatetimeIndex) else None)
        return frame, {"freq": None if offset is None else offset.freqstr, "gaps": []}
    if len(frame.index) < 3 and declared is None and isinstance(frame.index, pd.DatetimeIndex):
        return frame, {"freq": None, "gaps": []}  # too short to tell; a declared freq would say
    cal = regular_calendar(frame.index, declared)
    gaps = list(format_labels(cal.gaps, axis.form))
    if len(cal.gaps):
        frame = frame.reindex(cal.full)
    return frame, {"freq": cal.freq, "gaps": gaps, "step": cal.step}


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


def _fill(frame: pd.DataFrame, fill: str | None, axis: TimeAxis | None, calendar: dict) -> tuple[pd.DataFrame, dict]:
    values = frame.to_numpy()
    if np.isinf(values).any():
        row, col = np.argwhere(np.isinf(values))[0]
        raise DataError(f"column {frame.columns[col]!r} has an infinite value at {frame.index[row]}; "
                        f"infinities are never filled, remove them from the data")
    missing = frame.isna()
    if not missing.to_numpy().any():
        return frame, {}
    counts = {c: int(n) for c, n in missing.sum().items() if n}
    gaps = calendar.get("gaps", [])
    if fill is None:
        policy = "choose a fill policy: fill='ffill', 'interpolate' or 'drop' (--fill)"
        if gaps:
            where = describe_freq(calendar["freq"]) + " calendar" if calendar.get("freq") else \
                f"integer steps of {calendar.get('step', 1)}"
            raise DataError(f"the series misses {len(gaps)} period(s) of its {where}: {_labels(gaps)}; "
                            f"{policy} to fill them, or add them to the data")
        first = next(iter(counts))
        at = format_labels(frame.index[missing[first].to_numpy()], axis.form if axis else None)
        raise DataError(f"column {first!r} has {counts[first]} missing value(s), first at "
                        f"{_labels(at)} (missing per column: {counts}); {policy}")
    if fill not in FILLS:
        raise ValueError(f"fill must be one of {', '.join(map(repr, FILLS))} or None, got {fill!r}")
    report = {"fill": fill, "missing": counts, "gaps": gaps}
    if fill == "drop":
        kept = frame.dropna()
        return kept, {**report, "rows_dropped": int(len(frame) - len(kept))}
    if fill == "interpolate":
        method = "time" if isinstance(frame.index, pd.DatetimeIndex) else "linear"
        filled = frame.interpolate(method=method, limit_direction="both")
    else:
        filled = frame.ffill().bfill()  # leading gaps take the first observed value
    return filled, {**report, "values_filled": int(sum(counts.values()))}


def prepare_wide(frame: pd.DataFrame, time_col: str | None = None, features=None, fill: str | None = None,
                 irregular: str = "error", freq: str | None = None) -> tuple[pd.DataFrame, dict]:
    """A clean wide frame: numeric feature columns, indexed and sorted by time, without missing values.

    The time axis is found by :func:`tsrnn.calendar.find_time_axis` (``time_col``, or the frame's own
    date index, a column of dates, integer years, ...).  A calendar's frequency is ``freq`` or
    inferred, and periods absent from it (gaps) become missing rows, which ``fill`` treats like
    any missing value.  Returns the frame and a report: ``time_col``, ``time_form``, ``freq``,
    ``season`` (the frequency's), ``gaps`` (their labels), ``fill``, ``missing`` per column,
    ``values_filled`` or ``rows_dropped``.  The frame's ``attrs`` keep the frequency and form.
    """
    if irregular not in ("error", "ignore"):
        raise ValueError(f"irregular must be 'error' or 'ignore', got {irregular!r}")
    if frame.shape[0] == 0:
        raise DataError(f"expected at least one row, got an empty table with columns {list(frame.columns)}")
    if freq is not None:
        parse_freq(freq)  # a bad declaration is refused before the data is read
    attrs = dict(frame.attrs)
    frame, axis = _time_index(frame, time_col)
    calendar = {"freq": None, "gaps": []}
    if axis is not None:
        frame.attrs = attrs
        frame, calendar = _calendar(frame, axis, freq, irregular)
    clean, report = _fill(_numeric(frame, features), fill, axis, calendar)
    freq_found = calendar["freq"]
    report.update(time_col=None if axis is None else (axis.column or frame.index.name),
                  time_form=None if axis is None else axis.form, freq=freq_found,
                  season=season_of(freq_found) if freq_found else (1 if axis and axis.form == "year" else None))
    clean.attrs = {**attrs, "tsrnn.freq": freq_found, "tsrnn.form": None if axis is None else axis.form,
                   "tsrnn.season": report["season"]}
    return clean, report


def is_long(frame) -> bool:
    """Whether ``frame`` is in the long layout (``unique_id``, ``ds`` and ``y`` columns)."""
    return isinstance(frame, pd.DataFrame) and {LONG_ID, LONG_TIME, LONG_TARGET} <= set(map(str, frame.columns))


def split_long(frame: pd.DataFrame, features=None, fill: str | None = None, irregular: str = "error",
               freq: str | None = None) -> tuple[dict[str, pd.DataFrame], dict]:
    """Long data -> one clean wide frame per ``unique_id`` (``y`` first, then covariates), sorted by id.

    Series may start and end on their own dates (a ragged panel); ``ds`` holds dates or integers.
    Every series must share one frequency (``freq``, or the one inferred from each series); a series
    too short to tell takes the others'.
    """
    if frame[LONG_ID].isna().any():
        raise DataError(f"column {LONG_ID!r} has missing ids at rows {_labels(frame.index[frame[LONG_ID].isna()])}")
    columns = [LONG_TARGET] + [c for c in frame.columns if c not in (LONG_ID, LONG_TIME, LONG_TARGET)]
    if features is not None:
        columns = [LONG_TARGET] + [f for f in ([features] if isinstance(features, str) else features)
                                   if f != LONG_TARGET]
    parts = {str(uid): part.drop(columns=[LONG_ID]) for uid, part in frame.groupby(LONG_ID, sort=True)}

    def prepare(uid: str, declared) -> tuple[pd.DataFrame, dict]:
        try:
            return prepare_wide(parts[uid], LONG_TIME, columns, fill, irregular, declared)
        except DataError as err:
            raise DataError(f"series {uid!r}: {err}") from err

    series, reports = {}, {}
    for uid in parts:
        series[uid], reports[uid] = prepare(uid, freq)
    found = {}
    for uid, report in reports.items():
        if report["freq"] is not None:
            found.setdefault(report["freq"], []).append(uid)
    if len(found) > 1:
        kinds = "; ".join(f"{describe_freq(f)} in {_labels(map(repr, ids))}" for f, ids in found.items())
        raise DataError(f"the series of long data must share one frequency, got {kinds}; declare it with "
                        f"freq= (--freq) or resample the odd series")
    if found and freq is None:  # series too short to infer take the panel's frequency
        common = next(iter(found))
        for uid, report in reports.items():
            if report["freq"] is None and isinstance(series[uid].index, pd.DatetimeIndex):
                series[uid], reports[uid] = prepare(uid, common)
    return series, reports
