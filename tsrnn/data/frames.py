"""DataFrames as people keep them: a time column, columns to pick, missing values, the long layout.

Wide data has one column per feature and, optionally, a time column (named, or found as the first
column that parses as dates).  Long data is Nixtla's layout: ``unique_id, ds, y`` plus covariate
columns, one row per series and time step.  Every problem is a DataError that names the column and
the first offending timestamps or rows.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from ..base.checks import invalid
from ..base.errors import DataError
from .calendar import (
    SHOWN,
    Grid,
    TimeAxis,
    describe_freq,
    find_time_axis,
    infer_freq,
    parse_freq,
    regular_calendar,
    row_number_columns,
    season_of,
    shown_labels,
)
from .dates import format_labels, integer_dates
from .panel import Panel
from .reading import reading_of

__all__ = [
    "FILLS",
    "LONG_ID",
    "LONG_TIME",
    "LONG_TARGET",
    "prepare_wide",
    "is_long",
    "split_long",
    "long_panel",
]

FILLS = ("ffill", "interpolate", "drop")
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
    """The frame indexed and sorted by its time axis (see :func:`tsrnn.data.calendar.find_time_axis`;
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
            f"the time ({where}) is missing at row(s) {shown_labels(frame.index[empty])}; give every row "
            f"its time, or remove the rows that are not time steps (totals, notes)"
        )
    frame = frame.set_axis(axis.index, axis=0)
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
    if frame.index.has_duplicates:
        repeated = frame.index[frame.index.duplicated()].unique()
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
            f"the time index repeats timestamps: {shown_labels(format_labels(repeated, axis.form))}; "
            f"each step must appear once{hint}"
        )
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


def _not_numbers(column: pd.Series) -> tuple[bool, str | None]:
    """Whether a column holds no numbers, and so is no feature unless named: it has no value at all
    ('.' or empty in every row; example None), or only text such as labels (example: its first)."""
    present = column.dropna()
    if not len(present):
        return True, None
    if pd.api.types.is_numeric_dtype(column) or not pd.to_numeric(present, errors="coerce").isna().all():
        return False, None
    return True, str(present.iloc[0])


def _numeric(frame: pd.DataFrame, features) -> tuple[pd.DataFrame, dict[str, str | None]]:
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
            unread, example = _not_numbers(column)
            if unread:
                left_out[str(name)] = example
                continue
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            numbers = pd.to_numeric(column, errors="coerce")
            text = column[numbers.isna() & column.notna()]
            if len(text):
                raise DataError(
                    f"column {name!r} has text where numbers are expected: "
                    f"{shown_labels(f'{v!r} at {i}' for i, v in text.items())}"
                )
            column = numbers
        out[str(name)] = column.astype(np.float64)
    if not out:
        raise DataError(
            f"expected at least one numeric column, got columns {list(frame.columns)} of types "
            f"{[str(t) for t in frame.dtypes]}"
            + (f" (text such as {', '.join(f'{k}: {v!r}' for k, v in left_out.items())})" if left_out else "")
        )
    return pd.DataFrame(out, index=frame.index), left_out


def _fill(
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
            f"column {frame.columns[col]!r} has an infinite value at {frame.index[row]}; "
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
            raise DataError(
                f"the series misses {len(gaps)} period(s) of its {where}: {shown_labels(gaps)}; "
                f"{policy} to fill them, or add them to the data"
            )
        first = next(iter(counts))
        at = format_labels(frame.index[missing[first].to_numpy()], axis.form if axis else None)
        raise DataError(
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


def prepare_wide(
    frame: pd.DataFrame,
    time_col: str | None = None,
    features=None,
    fill: str | None = None,
    irregular: str = "error",
    freq: str | None = None,
) -> tuple[pd.DataFrame, dict]:
    """A clean wide frame: numeric feature columns, indexed and sorted by time, without missing values.

    The time axis is found by :func:`tsrnn.data.calendar.find_time_axis` (``time_col``, or the frame's own
    date index, a column of dates, integer years, ...).  A calendar's frequency is ``freq`` or
    inferred, and periods absent from it (gaps) become missing rows, which ``fill`` treats like
    any missing value.  Returns the frame and a report: ``time_col``, ``time_form``, ``freq``,
    ``season`` (the frequency's), ``gaps`` (their labels), ``fill``, ``missing`` per column,
    ``values_filled`` or ``rows_dropped``, ``row_numbers`` and ``text_columns`` (the columns of text left
    out, each with its first value).  The frame's ``attrs`` keep the frequency and form.
    """
    if irregular not in ("error", "ignore"):
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
    numeric, text = _numeric(frame, features)
    clean, report = _fill(numeric, fill, axis, calendar)
    freq_found, session = calendar["freq"], calendar.get("session")
    report.update(
        row_numbers=rows,
        text_columns=text,
        time_col=None if axis is None else (axis.column or frame.index.name),
        time_form=None if axis is None else axis.form,
        freq=freq_found,
        season=_season(freq_found, session, axis),
    )
    if session is not None:
        report["session"] = session.describe()
    clean.attrs = {
        **attrs,
        "tsrnn.freq": freq_found,
        "tsrnn.form": None if axis is None else axis.form,
        "tsrnn.season": report["season"],
        "tsrnn.session": None if session is None else session.text,
    }
    return clean, report


def _season(freq, session, axis) -> int | None:
    """The usual season of a time axis: its sessions' (steps per session day), its frequency's, or
    none (1) for integer years."""
    if session is not None:
        return session.season()
    return season_of(freq) if freq else (1 if axis and axis.form == "year" else None)


def _long_columns(frame: pd.DataFrame, features) -> tuple[list, list[str] | None, dict[str, str | None]]:
    """The value columns of long data, ``y`` first then the covariates (or ``features``); the
    row-label columns ``DataFrame.to_csv`` writes (:func:`~tsrnn.data.calendar.row_number_columns`),
    left out unless ``features`` names them (None when there are none); and the columns of text
    (a region's name) or of no value left out unless ``features`` names them, each with its first
    value (None for none)."""
    if features is not None:
        return (
            [LONG_TARGET]
            + [f for f in ([features] if isinstance(features, str) else features) if f != LONG_TARGET],
            None,
            {},
        )
    rows = [str(r) for r in row_number_columns(frame)]
    columns, text = [LONG_TARGET], {}
    for name in frame.columns:
        if name in (LONG_ID, LONG_TIME, LONG_TARGET, *rows):
            continue
        unread, example = _not_numbers(frame[name])
        if unread:
            text[str(name)] = example
        else:
            columns.append(name)
    return columns, rows or None, text


def is_long(frame) -> bool:
    """Whether ``frame`` is in the long layout (``unique_id``, ``ds`` and ``y`` columns)."""
    return isinstance(frame, pd.DataFrame) and {LONG_ID, LONG_TIME, LONG_TARGET} <= set(
        map(str, frame.columns)
    )


def _long_time(frame: pd.DataFrame) -> tuple[pd.Index, str]:
    """The ``ds`` column as dates (any common form, year-months written as integers ``201801`` among
    them) or integers, and its form."""
    column = frame[LONG_TIME]
    if column.isna().any():
        raise DataError(
            f"column {LONG_TIME!r} has missing time labels at rows {shown_labels(frame.index[column.isna()])}"
        )
    if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
        months = integer_dates(
            column, repeated=True, reading=reading_of(frame)
        )  # 201801, repeated across series
        if months is not None:
            return months[0].rename(LONG_TIME), months[1]
        return pd.Index(column.to_numpy(dtype=np.int64), name=LONG_TIME), "integer"  # repeated across series
    axis = find_time_axis(frame[[LONG_TIME]], LONG_TIME, reading=reading_of(frame))[1]
    if axis is None:  # a named column is a time axis or an error
        raise DataError(f"column {LONG_TIME!r} holds no time labels")
    return axis.index, axis.form


def long_panel(
    frame: pd.DataFrame,
    features=None,
    fill: str | None = None,
    irregular: str = "error",
    freq: str | None = None,
) -> Panel:
    """Long data (``unique_id, ds, y`` and covariates) -> one :class:`~tsrnn.data.panel.Panel`, vectorised.

    The rows are sorted once by series and time; each series may start and end on its own dates (a
    ragged panel); ``ds`` holds dates or integers.  Every series must share one frequency (``freq``,
    or the one inferred from the longest series); a period absent from a series' calendar is a gap,
    filled by ``fill`` like a missing value.  Columns: ``y`` first, then the covariates (or ``features``).
    """
    check_frame(frame)
    if irregular not in ("error", "ignore"):
        raise invalid("irregular", f"irregular must be 'error' or 'ignore', got {irregular!r}")
    if frame.shape[0] == 0:
        raise DataError(f"expected at least one row, got an empty table with columns {list(frame.columns)}")
    if frame[LONG_ID].isna().any():
        raise DataError(
            f"column {LONG_ID!r} has missing ids at rows {shown_labels(frame.index[frame[LONG_ID].isna()])}"
        )
    if freq is not None:
        parse_freq(freq)
    columns, rows, labels = _long_columns(frame, features)
    picked = features is not None
    times, form = _long_time(frame)
    codes, ids = pd.factorize(frame[LONG_ID].astype(str), sort=True)
    key = times.asi8 if isinstance(times, pd.DatetimeIndex) else times.to_numpy(dtype=np.int64)
    order = np.lexsort((key, codes))
    codes, times = codes[order], times[order]
    key = key[order]
    same = (codes[1:] == codes[:-1]) & (key[1:] == key[:-1])
    if same.any():
        row = int(np.flatnonzero(same)[0]) + 1
        raise DataError(
            f"series {ids[codes[row]]!r}: the time index repeats timestamps: "
            f"{shown_labels(format_labels(times[[row]], form))}; each step must appear once"
        )
    S = len(ids)
    lengths = np.bincount(codes, minlength=S).astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    longest = int(np.argmax(lengths))
    own = times[starts[longest] : starts[longest] + lengths[longest]]
    strict = irregular == "error"
    try:
        grid = Grid.of(own if len(own) > 2 or freq is not None else times.unique().sort_values(), freq, times)
    except DataError as err:
        if strict:
            raise DataError(f"series {ids[longest]!r} (the longest): {err}") from err
        grid = Grid.common_step(own, times)  # accepted as it is: continue at the most common step
    pos = grid.positions(times, strict=strict)
    if picked:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataError(f"feature column(s) {missing} not found; columns are {list(frame.columns)}")
    numeric, text = _numeric(
        frame.iloc[order][[c for c in columns if c in frame.columns]].reset_index(drop=True),
        columns if picked else None,
    )
    report: dict[str, Any] = {
        "freq": grid.freq,
        "time_form": form,
        "time_col": LONG_TIME,
        "gaps": {},
        "row_numbers": rows,
        "text_columns": {**labels, **text},
    }
    first, last = pos[starts], pos[starts + lengths - 1]
    row_pos, reindexed = pos, False
    if strict:
        _check_shared_steps(pos, codes, ids, grid, longest)
        full = last - first + 1
        if (full != lengths).any():  # gaps: reindex every series to its full calendar
            new_starts = np.cumsum(full) - full
            rows = new_starts[codes] + pos - first[codes]
            grown = np.full((int(full.sum()), numeric.shape[1]), np.nan)
            grown[rows] = numeric.to_numpy()
            present = np.zeros(grown.shape[0], bool)
            present[rows] = True
            gapped = np.flatnonzero(full != lengths)
            for g in gapped[:SHOWN]:
                absent = first[g] + np.flatnonzero(~present[new_starts[g] : new_starts[g] + full[g]])
                report["gaps"][str(ids[g])] = list(format_labels(grid.labels(absent), form))
            report["series_with_gaps"] = int(len(gapped))
            numeric = pd.DataFrame(grown, columns=numeric.columns)
            codes, lengths, starts = np.repeat(np.arange(S), full), full, new_starts
            row_pos, reindexed = (
                np.repeat(first, full) + (np.arange(grown.shape[0]) - np.repeat(starts, full)),
                True,
            )
            if fill is None:
                g = int(gapped[0])
                cal = {"freq": grid.freq, "step": grid.step, "gaps": report["gaps"][str(ids[g])]}
                more = f" ({len(gapped)} series have gaps)" if len(gapped) > 1 else ""
                _in_series(
                    ids[g], more, _fill, numeric.iloc[starts[g] : starts[g] + lengths[g]], None, None, cal
                )
    nan_rows = numeric.isna().to_numpy().any(axis=1)
    if fill is None and nan_rows.any():
        g = int(codes[np.flatnonzero(nan_rows)[0]])
        span = slice(starts[g], starts[g] + lengths[g])
        steps = grid.labels(row_pos[span]) if reindexed else times[span]
        _in_series(
            ids[g],
            "",
            _fill,
            numeric.iloc[span].set_axis(steps, axis=0),
            None,
            TimeAxis(times, LONG_TIME, form),
            {},
        )
    clean, filled = _fill(numeric, fill, None, {}, groups=codes)
    if filled:
        report.update(fill=filled["fill"], missing=filled["missing"])
        report.update({k: filled[k] for k in ("values_filled", "rows_dropped") if k in filled})
    if filled.get("rows_dropped"):  # each series now holds only its complete rows
        codes, row_pos = codes[~nan_rows], row_pos[~nan_rows]
        lengths = np.bincount(codes, minlength=S).astype(np.int64)
        starts = np.cumsum(lengths) - lengths
        if (lengths == 0).any():
            raise DataError(
                f"series {shown_labels(map(repr, ids[lengths == 0]))} have no rows left after fill='drop'"
            )
        last = row_pos[starts + lengths - 1]
    report["season"] = _season(report["freq"], grid.session, None)
    if grid.session is not None:
        report["session"] = grid.session.describe()
    values = np.ascontiguousarray(clean.to_numpy(dtype=np.float32))
    return Panel(
        values,
        starts.astype(np.int64),
        lengths,
        [str(i) for i in ids],
        [str(c) for c in clean.columns],
        grid,
        last.astype(np.int64),
        form,
        report["season"],
        report,
    )


def _in_series(uid, more: str, check, *args) -> None:
    """Run ``check(*args)``, naming series ``uid`` in the DataError it raises."""
    try:
        check(*args)
    except DataError as err:
        raise DataError(f"series {uid!r}: {err}{more}") from None


def _check_shared_steps(pos: np.ndarray, codes: np.ndarray, ids, grid, longest: int) -> None:
    """Refuse series whose every step spans the same several periods of the grid: another frequency
    (a quarterly series among monthly ones); uneven steps are gaps."""
    inner = codes[1:] == codes[:-1]
    if not inner.any():
        return
    big = np.iinfo(np.int64).max
    steps, owner = np.diff(pos)[inner], codes[1:][inner]
    smallest, largest = np.full(len(ids), big), np.zeros(len(ids), np.int64)
    np.minimum.at(smallest, owner, steps)
    np.maximum.at(largest, owner, steps)
    many = np.bincount(owner, minlength=len(ids)) >= 2
    odd = many & (smallest > 1) & (smallest == largest)  # every step the same multiple: another frequency
    if odd.any():
        where = describe_freq(grid.freq) + " calendar" if grid.freq else f"integer steps of {grid.step}"
        raise DataError(
            f"the series of long data must share one frequency, but {shown_labels(map(repr, ids[odd]))} "
            f"step by {shown_labels(sorted(set(smallest[odd].tolist())))} periods of the {where} of "
            f"{ids[longest]!r}; declare it with freq= or resample the odd series"
        )


def split_long(
    frame: pd.DataFrame,
    features=None,
    fill: str | None = None,
    irregular: str = "error",
    freq: str | None = None,
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Long data -> one clean wide frame per ``unique_id`` (``y`` first, then covariates), sorted by id.

    Series may start and end on their own dates (a ragged panel); ``ds`` holds dates or integers.
    Every series must share one frequency (``freq``, or the one inferred from each series); a series
    too short to tell takes the others'.
    """
    check_frame(frame)
    if frame[LONG_ID].isna().any():
        raise DataError(
            f"column {LONG_ID!r} has missing ids at rows {shown_labels(frame.index[frame[LONG_ID].isna()])}"
        )
    columns, _, text = _long_columns(frame, features)
    parts = {str(uid): part.drop(columns=[LONG_ID]) for uid, part in frame.groupby(LONG_ID, sort=True)}
    for part in parts.values():
        part.attrs = dict(frame.attrs)  # the reading the file was read with

    def prepare(uid: str, declared) -> tuple[pd.DataFrame, dict]:
        try:
            clean, report = prepare_wide(parts[uid], LONG_TIME, columns, fill, irregular, declared)
            return clean, {**report, "text_columns": text}
        except DataError as err:
            raise DataError(f"series {uid!r}: {err}") from err

    series, reports = {}, {}
    for uid in parts:
        series[uid], reports[uid] = prepare(uid, freq)
    found: dict[str, list[str]] = {}
    for uid, report in reports.items():
        if report["freq"] is not None:
            found.setdefault(report["freq"], []).append(uid)
    if len(found) > 1:
        kinds = "; ".join(f"{describe_freq(f)} in {shown_labels(map(repr, ids))}" for f, ids in found.items())
        raise DataError(
            f"the series of long data must share one frequency, got {kinds}; declare it with "
            f"freq= or resample the odd series"
        )
    if found and freq is None:  # series too short to infer take the panel's frequency
        common = next(iter(found))
        for uid, report in reports.items():
            if report["freq"] is None and isinstance(series[uid].index, pd.DatetimeIndex):
                series[uid], reports[uid] = prepare(uid, common)
    return series, reports
