"""Whether labels form a time axis, and why not: the one rule that settles a column whose text reads
two ways (day or month first, the century of two-digit years) where only one reading is a time
axis at all (:func:`tsrnn.data.dates.read_dates`).

Read month first, ``01/01/2018`` ... ``12/01/2019`` are 24 consecutive months; read day first they
are the 1st to the 12th of January 2018, then of January 2019: a daily calendar that is mostly
holes, which no one writes.  A reading is a time axis when its labels are distinct and, sorted,
lie on a regular calendar (:func:`tsrnn.data.calendar.regular_calendar`: a pandas frequency, a
session calendar or integer steps) of which at most :data:`MOST_ABSENT` of the periods are absent
(gaps a fill policy may fill, not a calendar of holes).  Dates on the same day of every month
(or every few months), which tsrnn reads only with ``irregular='ignore'``, count as one too: a
file such a reading fits stays a question to the user rather than read the other way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calendar import Grid, describe_freq

__all__ = ["MOST_ABSENT", "calendar_fault"]

MOST_ABSENT = 0.5  # the largest share of a time axis' periods, first to last, that may be absent


def calendar_fault(labels: pd.Index) -> str | None:
    """Why ``labels`` (dates or integers, in any order) form no time axis, with the labels that show
    it (``"not a regular calendar (2018-01-01 .. 2018-01-12, then 2019-01-01; ...)"``); None when
    they form one, or are too few (under three) to tell."""
    if len(labels) < 3:
        return None
    order = labels.sort_values()
    if order.has_duplicates:
        return f"no time axis: it repeats {_label(order[order.duplicated()][0])}"
    if _same_day_of_months(order):
        return None
    try:
        grid = Grid.of(order)
        steps = np.diff(grid.positions(order))
    except (ValueError, OverflowError):  # no frequency (a DataError), labels off it, none pandas lays out
        values = order.as_unit("ns").asi8 if isinstance(order, pd.DatetimeIndex) else order.to_numpy(np.int64)
        return f"not a regular calendar ({_first_break(order, np.diff(values))})"
    span = int(steps.sum()) + 1
    if span - len(order) > MOST_ABSENT * span:
        kind = describe_freq(grid.freq) if grid.freq else f"integer (by {grid.step})"
        return (
            f"not a regular calendar ({_first_break(order, steps)}; {span - len(order)} of its {span} "
            f"{kind} steps absent)"
        )
    return None


def _same_day_of_months(order: pd.DatetimeIndex | pd.Index) -> bool:
    """Dates at one time of the same day of every month (every few months, years): a time axis at
    a month step with at most :data:`MOST_ABSENT` of its periods absent."""
    if not isinstance(order, pd.DatetimeIndex):
        return False
    clock = order - order.normalize()
    if not ((order.day == order[0].day).all() and (clock == clock[0]).all()):
        return False
    months = np.diff(order.year.to_numpy(np.int64) * 12 + order.month.to_numpy(np.int64))
    values, counts = np.unique(months, return_counts=True)
    step = int(values[np.argmax(counts)])
    if step <= 0 or (months <= 0).any() or (months % step).any():
        return False
    span = int(months.sum()) // step + 1
    return span - len(order) <= MOST_ABSENT * span


def _first_break(order: pd.Index, steps: np.ndarray) -> str:
    """The labels up to the first step that is not the most common one, and the label after it."""
    values, counts = np.unique(steps, return_counts=True)
    off = np.flatnonzero(steps != values[np.argmax(counts)])
    if not len(off):
        return f"{_label(order[0])} .. {_label(order[-1])}"
    k = int(off[0])
    run = _label(order[0]) if k == 0 else f"{_label(order[0])} .. {_label(order[k])}"
    return f"{run}, then {_label(order[k + 1])}"


def _label(value) -> str:
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else str(value)
    return str(value)
