"""Long data (Nixtla's layout: ``unique_id, ds, y`` plus covariate columns, one row per series and
time step): :func:`long_panel`, one :class:`~tsrnn.data.panel.Panel` of every series, vectorised;
:func:`split_long`, one clean wide frame per series."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..base.checks import invalid
from ..base.errors import DataError
from .calendar import SHOWN, Grid, describe_freq, parse_freq, shown_labels
from .dates import format_labels, integer_dates
from .frames import (
    LONG_ID,
    LONG_TARGET,
    LONG_TIME,
    check_frame,
    fill_missing,
    not_numbers,
    numeric_columns,
    usual_season,
)
from .panel import Panel
from .reading import IRREGULAR, ReadingRefused, named, reading_of, rows_said
from .row_labels import row_number_columns
from .time_axis import TimeAxis, find_time_axis
from .wide_layout import prepare_wide

__all__ = ["long_panel", "split_long"]


def _long_columns(frame: pd.DataFrame, features) -> tuple[list, list[str] | None, dict[str, str | None]]:
    """The value columns of long data, ``y`` first then the covariates (or ``features``); the
    row-label columns ``DataFrame.to_csv`` writes (:func:`~tsrnn.data.row_labels.row_number_columns`),
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
        unread, example = not_numbers(frame[name])
        if unread:
            text[str(name)] = example
        else:
            columns.append(name)
    return columns, rows or None, text


def _long_time(frame: pd.DataFrame) -> tuple[pd.Index, str, str | None, dict | None]:
    """The ``ds`` column as dates (any common form, year-months written as integers ``201801`` among
    them) or integers, its form, and the reading chosen where its text reads two ways with the
    options that pick it (or None, None)."""
    column = frame[LONG_TIME]
    if column.isna().any():
        raise DataError(
            f"column {LONG_TIME!r} has missing time labels at "
            f"{shown_labels(rows_said(frame, frame.index[column.isna()]))}"
        )
    if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
        months = integer_dates(
            column, repeated=True, reading=reading_of(frame)
        )  # 201801, repeated across series
        if months is not None:
            return months.timestamps.rename(LONG_TIME), months.form, months.note, months.answers
        return (
            pd.Index(column.to_numpy(dtype=np.int64), name=LONG_TIME),
            "integer",
            None,
            None,
        )  # repeated across series
    axis = find_time_axis(frame[[LONG_TIME]], LONG_TIME, reading=reading_of(frame))[1]
    if axis is None:  # a named column is a time axis or an error
        raise DataError(f"column {LONG_TIME!r} holds no time labels")
    return axis.index, axis.form, axis.note, axis.answers


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
    _check_long(frame, irregular, freq)
    columns, row_labels, labels = _long_columns(frame, features)
    times, form, note, answers = _long_time(frame)
    codes, ids, order, times = _sorted(frame, times, form)
    lengths = np.bincount(codes, minlength=len(ids)).astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    strict = irregular == "error"
    grid, longest = _shared_grid(times, starts, lengths, ids, freq, strict)
    pos = grid.positions(times, strict=strict)
    numeric, text = _long_values(frame, order, columns, features is not None)
    report: dict[str, Any] = {
        "freq": grid.freq,
        "time_form": form,
        "time_col": LONG_TIME,
        "gaps": {},
        "row_numbers": row_labels,
        "text_columns": {**labels, **text},
    }
    if note:
        report["decisions"], report["decided"] = [note], answers
    rows = _Rows(codes, starts, lengths, pos, numeric)
    if strict:
        _check_shared_steps(pos, codes, ids, grid, longest)
        rows = _with_gaps(rows, ids, grid, form, fill, report)
    if fill is None:
        _refuse_missing(rows, ids, grid, times, form)
    clean, rows = _filled(rows, fill, ids, report)
    report["season"] = usual_season(report["freq"], grid.session, None)
    if grid.session is not None:
        report["session"] = grid.session.describe()
    values = np.ascontiguousarray(clean.to_numpy(dtype=np.float32))
    last = rows.steps[rows.starts + rows.lengths - 1]  # each series' last step on the grid
    return Panel(
        values,
        rows.starts.astype(np.int64),
        rows.lengths,
        [str(i) for i in ids],
        [str(c) for c in clean.columns],
        grid,
        last.astype(np.int64),
        form,
        report["season"],
        report,
    )


@dataclass(frozen=True)
class _Rows:
    """A long panel's rows, sorted by series and time: each row's series (``codes``), each series'
    first row and length, each row's step on the grid, the values; ``reindexed`` once gaps are rows."""

    codes: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    steps: np.ndarray
    values: pd.DataFrame
    reindexed: bool = False


def _check_long(frame: pd.DataFrame, irregular: str, freq: str | None) -> None:
    """Refuse what no long panel is read from, before the rows are sorted: the frame's own refusals
    (:func:`~tsrnn.data.frames.check_frame`), a bad ``irregular`` or ``freq``, no rows, missing ids."""
    check_frame(frame)
    if irregular not in IRREGULAR:
        raise invalid("irregular", f"irregular must be 'error' or 'ignore', got {irregular!r}")
    if frame.shape[0] == 0:
        raise DataError(f"expected at least one row, got an empty table with columns {list(frame.columns)}")
    if frame[LONG_ID].isna().any():
        raise DataError(
            f"column {LONG_ID!r} has missing ids at {shown_labels(rows_said(frame, frame.index[frame[LONG_ID].isna()]))}"
        )
    if freq is not None:
        parse_freq(freq)


def _sorted(
    frame: pd.DataFrame, times: pd.Index, form: str
) -> tuple[np.ndarray, pd.Index, np.ndarray, pd.Index]:
    """The rows sorted once by series and time: each sorted row's series (codes of the ids, sorted as
    text), the ids, the order and the sorted times; a time repeated within a series is refused."""
    codes, ids = pd.factorize(frame[LONG_ID].astype(str), sort=True)
    key = times.asi8 if isinstance(times, pd.DatetimeIndex) else times.to_numpy(dtype=np.int64)
    order = np.lexsort((key, codes))
    codes, times = codes[order], times[order]
    key = key[order]
    same = (codes[1:] == codes[:-1]) & (key[1:] == key[:-1])
    if same.any():
        row = int(np.flatnonzero(same)[0]) + 1
        at = " and ".join(rows_said(frame, frame.index[np.sort(order[[row - 1, row]])]))
        raise DataError(
            f"series {ids[codes[row]]!r}: the time index repeats timestamps: "
            f"{shown_labels(format_labels(times[[row]], form))} ({at}); each step must appear once"
        )
    return codes, ids, order, times


def _shared_grid(
    times: pd.Index, starts: np.ndarray, lengths: np.ndarray, ids, freq, strict: bool
) -> tuple[Grid, int]:
    """The grid every series shares (``freq``, or the one inferred from the longest series), and the
    longest series; with ``strict`` False an irregular one is accepted at its most common step."""
    longest = int(np.argmax(lengths))
    own = times[starts[longest] : starts[longest] + lengths[longest]]
    try:
        grid = Grid.of(own if len(own) > 2 or freq is not None else times.unique().sort_values(), freq, times)
    except DataError as err:
        if strict:
            raise named(err, f"series {ids[longest]!r} (the longest): ") from err
        grid = Grid.common_step(own, times)  # accepted as it is: continue at the most common step
    return grid, longest


def _long_values(
    frame: pd.DataFrame, order: np.ndarray, columns: list, picked: bool
) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """The value columns of the sorted rows as numbers, and the columns of text left out
    (:func:`~tsrnn.data.frames.numeric_columns`); ``picked``: ``columns`` were named as features."""
    if picked:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataError(f"feature column(s) {missing} not found; columns are {list(frame.columns)}")
    numeric, text = numeric_columns(  # the rows' own labels: a refusal names their lines
        frame.iloc[order][[c for c in columns if c in frame.columns]], columns if picked else None
    )
    numeric = numeric.reset_index(drop=True)
    numeric.attrs = {}  # sorted rows: no longer the file's order
    return numeric, text


def _with_gaps(rows: _Rows, ids, grid: Grid, form: str, fill: str | None, report: dict) -> _Rows:
    """The rows with every series that has gaps (periods absent from its calendar) reindexed to its full
    calendar, a gap a row of missing values; the gaps of the first series in ``report``.  With no
    ``fill``, the first series with gaps is refused, naming them."""
    first, last = rows.steps[rows.starts], rows.steps[rows.starts + rows.lengths - 1]
    full = last - first + 1
    if not (full != rows.lengths).any():
        return rows
    starts = np.cumsum(full) - full
    at = starts[rows.codes] + rows.steps - first[rows.codes]
    grown = np.full((int(full.sum()), rows.values.shape[1]), np.nan)
    grown[at] = rows.values.to_numpy()
    present = np.zeros(grown.shape[0], bool)
    present[at] = True
    gapped = np.flatnonzero(full != rows.lengths)
    for g in gapped[:SHOWN]:
        absent = first[g] + np.flatnonzero(~present[starts[g] : starts[g] + full[g]])
        report["gaps"][str(ids[g])] = list(format_labels(grid.labels(absent), form))
    report["series_with_gaps"] = int(len(gapped))
    numeric = pd.DataFrame(grown, columns=rows.values.columns)
    steps = np.repeat(first, full) + (np.arange(grown.shape[0]) - np.repeat(starts, full))
    if fill is None:
        g = int(gapped[0])
        cal = {"freq": grid.freq, "step": grid.step, "gaps": report["gaps"][str(ids[g])]}
        more = f" ({len(gapped)} series have gaps)" if len(gapped) > 1 else ""
        _in_series(ids[g], more, fill_missing, numeric.iloc[starts[g] : starts[g] + full[g]], None, None, cal)
    return _Rows(np.repeat(np.arange(len(ids)), full), starts, full, steps, numeric, reindexed=True)


def _refuse_missing(rows: _Rows, ids, grid: Grid, times: pd.Index, form: str) -> None:
    """With no fill policy, the first series with a missing value is refused, naming its time."""
    nan_rows = rows.values.isna().to_numpy().any(axis=1)
    if not nan_rows.any():
        return
    g = int(rows.codes[np.flatnonzero(nan_rows)[0]])
    span = slice(rows.starts[g], rows.starts[g] + rows.lengths[g])
    steps = grid.labels(rows.steps[span]) if rows.reindexed else times[span]
    _in_series(
        ids[g],
        "",
        fill_missing,
        rows.values.iloc[span].set_axis(steps, axis=0),
        None,
        TimeAxis(times, LONG_TIME, form),
        {},
    )


def _filled(rows: _Rows, fill: str | None, ids, report: dict) -> tuple[pd.DataFrame, _Rows]:
    """The values with their missing values filled (each series' own), what was filled in ``report``;
    with ``fill="drop"``, the rows left and each series' steps among them (none left: refused)."""
    nan_rows = rows.values.isna().to_numpy().any(axis=1)
    clean, filled = fill_missing(rows.values, fill, None, {}, groups=rows.codes)
    if filled:
        report.update(fill=filled["fill"], missing=filled["missing"])
        report.update({k: filled[k] for k in ("values_filled", "rows_dropped") if k in filled})
    if not filled.get("rows_dropped"):
        return clean, rows
    codes, steps = rows.codes[~nan_rows], rows.steps[~nan_rows]  # each series holds its complete rows
    lengths = np.bincount(codes, minlength=len(ids)).astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    if (lengths == 0).any():
        raise ReadingRefused(
            f"series {shown_labels(map(repr, ids[lengths == 0]))} have no rows left after fill='drop'"
        )
    return clean, _Rows(codes, starts, lengths, steps, clean, rows.reindexed)


def _in_series(uid, more: str, check, *args) -> None:
    """Run ``check(*args)``, naming series ``uid`` in the DataError it raises."""
    try:
        check(*args)
    except DataError as err:
        raise named(err, f"series {uid!r}: ", more) from None


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
        raise ReadingRefused(
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
            f"column {LONG_ID!r} has missing ids at {shown_labels(rows_said(frame, frame.index[frame[LONG_ID].isna()]))}"
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
            raise named(err, f"series {uid!r}: ") from err

    series, reports = {}, {}
    for uid in parts:
        series[uid], reports[uid] = prepare(uid, freq)
    found: dict[str, list[str]] = {}
    for uid, report in reports.items():
        if report["freq"] is not None:
            found.setdefault(report["freq"], []).append(uid)
    if len(found) > 1:
        kinds = "; ".join(f"{describe_freq(f)} in {shown_labels(map(repr, ids))}" for f, ids in found.items())
        raise ReadingRefused(
            f"the series of long data must share one frequency, got {kinds}; declare it with "
            f"freq= or resample the odd series"
        )
    if found and freq is None:  # series too short to infer take the panel's frequency
        common = next(iter(found))
        for uid, report in reports.items():
            if report["freq"] is None and isinstance(series[uid].index, pd.DatetimeIndex):
                series[uid], reports[uid] = prepare(uid, common)
    return series, reports
