"""``tsrnn.read`` and the :class:`Dataset` it returns: a file or a DataFrame read once, with every
decision made about it.

A dataset is one :class:`~tsrnn.data.panel.Panel` (the values of every series, their ids exactly as
written, the feature columns), the :class:`~tsrnn.data.time_axis.TimeAxis` its labels lie on
(frequency, grid, and the form they were written in, so forecasts are written back the same way),
the columns' roles, the answers to what the file left open (:class:`~tsrnn.data.reading.Reading`)
and the report of what was decided with its evidence.  :meth:`tsrnn.Forecaster.fit` takes it as it
is: nothing is read twice, and the estimator holds no reading settings of its own.
:func:`as_panel` is the one way any data (an array, a pandas Series, a wide or a long frame) becomes
a panel; :func:`read` and the estimator both call it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..base import checks
from ..base.errors import DataError
from .panel import Panel
from .reading import EpochUnit, Reading, reading_of, with_reading

if TYPE_CHECKING:
    import pandas as pd

    from .time_axis import TimeAxis

__all__ = ["Dataset", "Roles", "read", "dataset_of", "already_read", "as_panel", "as_frame", "READ_OPTIONS"]

READ_OPTIONS = ("features", "fill", "irregular", "freq")  # how a panel is built, kept in its report


@dataclass(frozen=True)
class Roles:
    """Which of the source's columns plays which part, named as the source names them.

    id_col : the column of series ids (long data), or None for one series
    time_col : the time column (None: the frame's own index, or no time axis)
    target_col : long data's column of values (None for wide data, whose every column is a feature)
    features : the columns read as features, in the order of the values' columns
    """

    id_col: str | None
    time_col: str | None
    target_col: str | None
    features: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """What :func:`read` made of a file or a DataFrame; pass it to :meth:`tsrnn.Forecaster.fit`,
    ``predict``, ``evaluate``, ... as it is.

    panel : the values of every series (:class:`~tsrnn.data.panel.Panel`: values (T_total, F)
        float32, each series' rows, ids as text exactly as written, columns)
    time_axis : the calendar the labels lie on (frequency, grid or index, form), or None for data
        without a time column
    roles : the columns' parts (:class:`Roles`)
    reading : the answers given to what the file left open (dayfirst, decimal, ...)
    report : every decision with its evidence (layout, time column and form, frequency, gaps,
        fills, columns left out, the options given)
    """

    panel: Panel
    time_axis: TimeAxis | None
    roles: Roles
    reading: Reading
    report: dict

    @property
    def layout(self) -> str:
        """``"long"`` (series named by an id column) or ``"wide"`` (one series)."""
        return self.report["layout"]

    @property
    def ids(self) -> list[str | None]:
        """The series' ids, as text exactly as written (``[None]`` for one series)."""
        return list(self.panel.ids)

    @property
    def columns(self) -> list[str]:
        """The feature columns, in the values' order."""
        return list(self.panel.columns)

    @property
    def freq(self) -> str | None:
        """The pandas frequency of the time axis (None: integer steps or no time axis)."""
        return None if self.time_axis is None else self.time_axis.freq

    def to_frame(self) -> pd.DataFrame:
        """The values as a DataFrame: wide data indexed by its time labels; long data as the long
        layout ``unique_id, ds`` and the feature columns, series after series."""
        import pandas as pd

        p = self.panel
        if self.layout == "wide":
            index = p.labels(0)
            return pd.DataFrame(p.values, index=index, columns=p.columns)
        labels: list = [p.labels(s) for s in range(p.n_series)]
        frame = pd.DataFrame(p.values, columns=p.columns)
        frame.insert(0, "ds", np.asarray(pd.Index([]).append(labels)) if labels else [])
        frame.insert(0, "unique_id", np.repeat(np.array(p.ids, dtype=object), p.lengths))
        return frame

    def __repr__(self) -> str:
        p = self.panel
        axis = "no time axis" if self.time_axis is None else f"time {self.time_axis.describe()}"
        series = f"{p.n_series} series" if self.layout == "long" else "one series"
        return (
            f"Dataset({series}, {p.values.shape[0]} rows, columns {p.columns[:10]}"
            f"{' ...' if len(p.columns) > 10 else ''}, {axis})"
        )


def read(
    source,
    *,
    time_col: str | None = None,
    id_col: str | None = None,
    target_col: str | None = None,
    features=None,
    freq: str | None = None,
    fill: str | None = None,
    irregular: str = "error",
    dayfirst: bool | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    header="infer",
    century: int | None = None,
    year: int | None = None,
    epoch: EpochUnit | None = None,
) -> Dataset:
    """Read a file or a DataFrame once, and say how it was read.

    ``source`` is a path (CSV, ``.csv.gz``, Parquet) or a DataFrame.  With ``id_col`` (or columns
    ``unique_id``, ``ds``, ``y``) it is long data, one series per id (kept as text, exactly as
    written): ``id_col``, ``time_col`` and ``target_col`` name its columns, read as the long
    layout's ``unique_id``, ``ds`` and ``y``.  Otherwise it is one series (wide data) whose time
    axis is ``time_col`` (``"none"``: no time column, every column a feature), or found: the
    frame's own date index, the first column of dates, an integer column named like a time.

    ``features`` picks the feature columns (default: every numeric column; text columns are left
    out and reported).  ``freq`` declares the calendar's pandas frequency (default: inferred);
    periods absent from it are gaps, and missing values are refused unless ``fill`` (``"ffill"``,
    ``"interpolate"`` or ``"drop"``) says how to treat them; ``irregular="ignore"`` reads steps off
    the calendar as consecutive steps instead of refusing them.

    Where the text reads two ways it is refused with the option that picks one: ``dayfirst``,
    ``decimal`` (``"."`` or ``","``), ``thousands`` (``","``, ``"."``, ``" "``, ``"'"`` or ``""``),
    ``header`` (``"infer"``; None: no header row, as pandas says it; 0: the first row names the
    columns), ``century`` (two-digit years fall in the hundred years from it), ``year`` (of the
    first of dates written without one), ``epoch`` (the unit of integer timestamps).

    Returns a :class:`Dataset`; its ``report`` holds what was decided.
    """
    reading = _reading_of(
        header,
        dayfirst=dayfirst,
        decimal=decimal,
        thousands=thousands,
        century=century,
        year=year,
        epoch=epoch,
    )
    frame = _source_frame(source, reading, id_col, time_col, target_col)
    panel = as_panel(
        frame,
        time_col=None if id_col is not None else time_col,
        features=features,
        fill=fill,
        irregular=irregular,
        freq=freq,
    )
    return dataset_of(panel, reading, id_col, time_col, target_col)


def dataset_of(panel: Panel, reading: Reading, id_col=None, time_col=None, target_col=None) -> Dataset:
    """The :class:`Dataset` of a panel read with ``reading`` (``id_col``, ``time_col``, ``target_col``:
    the source's names of the long layout's columns, where they were named)."""
    from .frames import LONG_ID, LONG_TARGET, LONG_TIME

    long = panel.ids[0] is not None
    report = {
        "layout": "long" if long else "wide",
        **({"series": panel.n_series} if long else {}),
        **panel.report,
    }
    report["reading"] = reading.to_dict()
    roles = Roles(
        id_col=(id_col or LONG_ID) if long else None,
        time_col=(time_col or LONG_TIME) if long else report.get("time_col"),
        target_col=(target_col or LONG_TARGET) if long else None,
        features=tuple(panel.columns),
    )
    return Dataset(panel, _time_axis(panel), roles, reading, report)


def _time_axis(panel: Panel) -> TimeAxis | None:
    """The calendar of ``panel``'s labels: a long panel's shared grid over the span of its series,
    or a single series' own index."""
    import pandas as pd

    from .time_axis import TimeAxis

    report = panel.report
    if not report.get("time_form"):
        return None
    if panel.grid is not None and panel.last is not None:
        first = int((panel.last - panel.lengths + 1).min())
        index = panel.grid.labels(np.arange(first, int(panel.last.max()) + 1))
        return TimeAxis(
            pd.Index(index), report.get("time_col"), panel.form or "", panel.grid.freq, panel.grid
        )
    return TimeAxis(pd.Index(panel.labels(0)), report.get("time_col"), panel.form or "", panel.freq)


def already_read(data) -> Panel | None:
    """The panel of data read already: a :class:`Dataset`'s, or a :class:`~tsrnn.data.panel.Panel`
    as it is; None for anything else."""
    if isinstance(data, Dataset):
        return data.panel
    return data if isinstance(data, Panel) else None


def as_panel(
    data,
    *,
    time_col: str | None = None,
    features=None,
    fill: str | None = None,
    irregular: str = "error",
    freq: str | None = None,
    uid=None,
) -> Panel:
    """Any data as a panel: long data (one series per ``unique_id``, read vectorised by
    :func:`~tsrnn.data.long_layout.long_panel`), a wide DataFrame or a pandas Series (one series, by
    :func:`~tsrnn.data.wide_layout.prepare_wide`), or an array or tensor (one series of positions,
    named ``uid``); data read already (:func:`already_read`) as it is.  The panel's report keeps what was decided and the options it was built with
    (:data:`READ_OPTIONS`; ``declared``: whether ``freq`` was given), so data given to a model
    later is read the same way; an array's report is empty."""
    from .series import as_series

    read_before = already_read(data)
    if read_before is not None:
        return read_before
    data = as_frame(data)
    if not checks.is_pandas(data, "DataFrame"):
        return Panel.of_series(as_series(data), uid)
    from .frames import is_long

    if is_long(data):
        from .long_layout import long_panel

        panel = long_panel(data, features, fill, irregular, freq)
    else:
        from .wide_layout import prepare_wide

        clean, found = prepare_wide(data, time_col, features, fill, irregular, freq)
        panel = Panel.of_series(as_series(clean), uid, found)
    given = [features] if isinstance(features, str) else None if features is None else list(features)
    report: dict[str, Any] = {
        **panel.report,
        "features": given,
        "fill": fill,
        "irregular": irregular,
        "declared": freq is not None,
    }
    file = reading_of(data).to_dict()  # the answers a file left open (dayfirst, decimal, ...), if any
    if file:
        report["reading"] = file
    return replace(panel, report=report)


def as_frame(data):
    """A pandas Series as a one-column DataFrame (named ``y`` when it has no name), so its time
    index is read like a DataFrame's; anything else as it is."""
    if checks.is_pandas(data, "Series"):
        return data.to_frame(name="y" if data.name is None else str(data.name))
    return data


def _reading_of(header, **answers) -> Reading:
    """The options of :func:`read` as a :class:`~tsrnn.data.reading.Reading` (``header`` as pandas
    says it: "infer", None or 0), the header checked first."""
    if not (header == "infer" or header is None or header in (0, True, False)):
        raise ValueError(f"header must be 'infer', None (no header row) or 0, got {header!r}")
    return Reading(
        header=None if header == "infer" else header is not None and header is not False, **answers
    )


def _source_frame(source, reading: Reading, id_col, time_col, target_col) -> pd.DataFrame:
    """``source`` (a path, read by :func:`~tsrnn.data.files.read_csv`, or a DataFrame) with
    ``reading``; with ``id_col``, its id, time and target columns renamed to the long layout's."""
    import pandas as pd

    from .files import read_csv
    from .frames import LONG_ID, LONG_TARGET, LONG_TIME

    if isinstance(source, pd.DataFrame):
        frame = with_reading(source.copy(deep=False), reading)
    elif isinstance(source, (str, os.PathLike)):
        frame = read_csv(source, reading, id_col=id_col or LONG_ID)
    else:
        raise TypeError(f"source must be a path or a DataFrame, got {type(source).__name__}")
    names = {id_col: LONG_ID, time_col: LONG_TIME, target_col: LONG_TARGET}
    if id_col is not None:
        missing = [c for c in names if c is not None and c not in frame.columns]
        if missing:
            raise DataError(f"column(s) {missing} not found; columns are {list(frame.columns)}")
        frame = frame.rename(columns={k: v for k, v in names.items() if k is not None})
    return frame
