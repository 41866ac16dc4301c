"""Data in: any input as a panel, checked against what the estimator was fitted on.

:func:`fit_panel` turns what ``fit`` is given into a :class:`~tsrnn.data.panel.Panel` (long data:
one series per ``unique_id``; anything else: a panel of one unnamed series) and how each series'
time labels continue.  :func:`data_panel` does the same for data given to a fitted estimator,
returning each series' position in its state, so every method runs on rows of one panel.
:func:`observations` reads one new observation of each series a stream carries.
The DataFrame layer (pandas) loads only for frames.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

import numpy as np

from ..base import checks
from ..base.errors import DataError
from ..data.dataset import already_read, as_frame, as_panel
from ..data.index_specs import index_spec
from ..data.known import future_panel, future_values
from ..data.panel import Panel
from ..data.reading import Reading, ReadingRefused, reading_of, with_reading
from .state import continuation_specs

if TYPE_CHECKING:
    import pandas as pd

NO_TIME = "none"  # time_col="none": a frame without a time column (tsrnn.data.time_axis.NO_TIME)

__all__ = [
    "is_long",
    "read",
    "fit_panel",
    "decided_reading",
    "data_panel",
    "observations",
    "future_of",
    "ONE_SERIES",
]

ONE_SERIES = "this method reads one series; pick it with forecaster.series_model(unique_id)"


_F = TypeVar("_F", bound=Callable[..., Any])
# where to give an option of tsrnn.read (which the estimator does not take) that a refusal names
_TSRNN_READ = (
    ": an option of tsrnn.read, so read the data with tsrnn.read(data, ...) and pass the dataset it returns"
)


def _given_data(reader: _F) -> _F:
    """``reader(est, data)`` refusing a file name (the estimator takes data; ``tsrnn.read`` reads
    files), and naming where a choice it asks for is given: a frame that reads two ways is read
    with ``tsrnn.read(data, dayfirst=...)``, whose dataset the estimator takes."""

    @functools.wraps(reader)
    def read_given(est, data, *args, **kwargs):
        if isinstance(data, (str, bytes, os.PathLike)):
            raise DataError(
                f"the Forecaster takes data (an array, a DataFrame, or the dataset tsrnn.read returns), "
                f"not a file name: got {os.fsdecode(data)!r}; read it with tsrnn.read({os.fsdecode(data)!r}) "
                f"and pass the dataset it returns"
            )
        try:
            return reader(est, data, *args, **kwargs)
        except ReadingRefused as err:  # an AmbiguousData stays one
            raise type(err)(err.choice, _TSRNN_READ) from None

    return read_given  # type: ignore[return-value]


def is_long(data) -> bool:
    """Whether ``data`` is a DataFrame in the long layout."""
    if not checks.is_pandas(data, "DataFrame"):
        return False
    from ..data.frames import is_long as frame_is_long

    return frame_is_long(data)


@_given_data
def read(est, data) -> Panel:
    """What ``fit`` reads, as one panel: a :class:`~tsrnn.data.dataset.Dataset` (what ``tsrnn.read``
    returns) or a :class:`~tsrnn.data.panel.Panel` as it is; anything else read as
    :func:`~tsrnn.data.dataset.as_panel` reads it by default (a frame that needs a reading option,
    a fill policy or a declared frequency is read with ``tsrnn.read``, which takes them)."""
    return as_panel(data)


def fit_panel(est, data) -> tuple[Panel, list[dict], tuple[dict, dict]]:
    """What ``fit`` reads, as a panel (see :func:`read`), how each series' time labels continue, and
    the reading the fit decided (time column, features, fill, frequency; :func:`decided_reading`)
    with the panel's report: the fitted state keeps them (``reading_``, ``data_report_``), so data
    given to the fitted model later is read the same way (:func:`data_panel`)."""
    panel = read(est, data)
    return panel, continuation_specs(panel), (decided_reading(panel), dict(panel.report))


def decided_reading(panel: Panel) -> dict:
    """How data given to the fitted model is read: the time column the fit found (``"none"`` for
    a frame without one), the features and fill policy given, and the frequency found (declared
    or not)."""
    report = panel.report
    time_col: str | None
    if panel.ids[0] is not None:
        time_col = "ds"
    elif report.get("time_form"):
        time_col = report.get("time_col")
    else:
        time_col = NO_TIME if report else None  # a frame without a time axis; None: an array
    return {
        "time_col": None if time_col is None else str(time_col),
        "features": report.get("features"),
        "fill": report.get("fill"),
        "irregular": report.get("irregular", "error"),
        "freq": report.get("freq") or (panel.grid.freq if panel.grid is not None else panel.freq),
        "declared": bool(report.get("declared")),
        # how the file was read where it read two ways: the options given, and those the reading
        # decided (one reading alone a time axis), so new data is read the same way; or None
        "file": {**(report.get("reading") or {}), **(report.get("decided") or {})} or None,
    }


@_given_data
def _read_new(est, data) -> Panel:
    """Data given to the fitted model, read as the fit read its data (``est.reading_``): its
    time column, features and fill policy; its frequency inferred (and compared with the fitted one
    by :func:`_check_calendar`) unless the fit declared it, or the fitted one where the data is too
    short to tell."""
    r = est.reading_
    declared = r["freq"] if r["declared"] else None
    if r.get("file") and checks.is_pandas(data, "DataFrame") and not reading_of(data).to_dict():
        data = with_reading(data.copy(deep=False), Reading.from_dict(r["file"]))  # read as the fit's file
    data = as_frame(data)
    time_col = None if est.long_ else r["time_col"]
    if est.long_ and not is_long(data):
        from ..data.frames import LONG_ID, LONG_TARGET, LONG_TIME

        raise DataError(
            f"the model was fitted on long data; expected the columns "
            f"{LONG_ID}, {LONG_TIME}, {LONG_TARGET} (and covariates)"
        )
    if not est.long_ and checks.is_pandas(data, "DataFrame"):
        if is_long(data) and est.state_.ids[0] is not None:
            raise DataError(ONE_SERIES)
        if time_col not in (None, NO_TIME) and time_col not in data.columns and data.index.name != time_col:
            time_col = None  # Date and Time in two columns, or a frame without its time column: found again
    settings = {
        "time_col": time_col,
        "features": r["features"],
        "fill": r["fill"],
        "irregular": r["irregular"],
        "uid": est.state_.ids[0],
    }
    panel = as_panel(data, freq=declared, **settings)
    if declared is None and r["freq"] and _too_short(panel):
        panel = as_panel(data, freq=r["freq"], **settings)  # too short to tell its frequency: the fitted one
    return panel


def _too_short(panel: Panel) -> bool:
    """Whether ``panel``'s dates were too few to tell their frequency."""
    if panel.grid is not None:
        return panel.grid.freq is None
    return panel.report.get("freq") is None and bool(panel.report.get("time_form")) and _is_dates(panel.index)


def _is_dates(index) -> TypeGuard[pd.DatetimeIndex]:
    return checks.is_pandas(index, "DatetimeIndex")


def data_panel(est, data, reading: str | None = None) -> tuple[Panel, np.ndarray, list[dict]]:
    """``data`` as a panel read as the fit read its data and checked against the fitted state:
    the panel, each series' position in ``est.state_``, and how its labels continue.  Refused with
    one line: other columns, series the fit did not see, another frequency, or a calendar that the
    fitted one does not continue.  For ``reading`` (what needs it: "predict", "forecasting") every
    series holds a window.  An estimator fitted on one series reads one series (array, wide frame
    or a panel of one); one fitted on long data reads long data (or a panel of its series).  The
    fitted estimator is never changed."""
    state = est.state_
    panel = already_read(data)
    if panel is None:
        panel = _read_new(est, data)
    if est.long_:
        unknown = [uid for uid in panel.ids if uid not in state]
        if unknown:
            shown = state.ids[:10]
            raise DataError(
                f"series {unknown[:10]} were not in the data the model was fitted on ({shown}"
                f"{' ...' if len(state) > 10 else ''})"
            )
        rows = np.array([state.position(uid) for uid in panel.ids], dtype=np.int64)
    else:
        if panel.n_series != 1:
            raise DataError(ONE_SERIES)
        rows = np.zeros(1, np.int64)
    if len(panel.columns) != est.n_features_in_:
        raise DataError(
            f"data has {len(panel.columns)} features {panel.columns}, but the model was "
            f"fitted on {est.n_features_in_} features {est.feature_names_in_}"
        )
    named = est.long_ or panel.report or isinstance(data, Panel)  # an array's columns have no names
    if named and panel.columns != list(est.feature_names_in_):
        raise DataError(
            f"data has the columns {panel.columns}, but the model was fitted on {list(est.feature_names_in_)}"
        )
    _check_calendar(est, panel, rows)
    short = panel.lengths < est.window_
    if reading is not None and short.any():
        first = int(np.flatnonzero(short)[0])
        who = "data" if panel.ids[first] is None or not est.long_ else f"series {panel.ids[first]!r}"
        raise DataError(
            f"{who} has {int(panel.lengths[first])} time steps; {reading} needs at least window={est.window_}"
        )
    specs = continuation_specs(panel)
    if panel.grid is None and specs[0]["kind"] == "integer" and _is_dates(panel.index):
        # dates of no frequency of their own (too few): they continue at the fitted one
        specs = [index_spec(panel.index, state.specs[0].get("freq"), panel.form)]
    return panel, rows, specs


def _check_calendar(est, panel: Panel, rows: np.ndarray) -> None:
    """Refuse data at another frequency than the fitted series', or whose steps fall between the
    steps of the fitted calendar (hourly data at half past, given to a model fitted on the hour)."""
    if not est.long_ and est.reading_["time_col"] in (None, NO_TIME):
        return  # fitted on positions (an array, a frame without time): the data's own labels serve
    labels = _labels(panel)
    if labels is None:
        return  # integer steps of a frame or an array: positions, nothing to compare
    kind, freq, step, first = labels
    fitted = est.state_.specs[int(rows[0])]
    if fitted.get("kind") != kind:
        given = "dates" if kind == "datetime" else "integer steps"
        had = "dates" if fitted.get("kind") == "datetime" else "integer steps"
        raise DataError(f"data is labelled by {given}, but the model was fitted on data labelled by {had}")
    from ..data.calendar import continues, describe_freq

    if kind == "integer":
        if int(step) != int(fitted["step"]) or (int(first) - int(fitted["last"])) % int(step):
            raise DataError(
                f"data steps by {step} from {first}, but the model was fitted on integer steps of "
                f"{fitted['step']} ending at {fitted['last']}; give it data on that grid"
            )
        return
    if freq is None or fitted.get("freq") is None:
        return
    _check_sessions(panel, fitted.get("session"))
    problem = continues(fitted["freq"], fitted["last"], freq, first)
    if problem == "freq":
        raise DataError(
            f"data is {describe_freq(freq)}, but the model was fitted on {describe_freq(fitted['freq'])} "
            f"data; give it data of that frequency"
        )
    if problem == "between":
        raise DataError(
            f"data's steps ({first}, ...) fall between the steps of the {describe_freq(fitted['freq'])} "
            f"calendar the model was fitted on (its last step: {fitted['last']}); give it data on "
            f"that calendar"
        )


def _labels(panel: Panel) -> tuple[str, Any, Any, Any] | None:
    """How ``panel``'s steps are labelled: ``(kind, freq, step, first label)``, kind "datetime" or
    "integer"; None for positions."""
    if panel.grid is not None and panel.last is not None:  # a grid's panel knows its last steps
        kind = "integer" if panel.grid.freq is None else "datetime"
        first = panel.grid.labels(panel.last[:1] - panel.lengths[:1] + 1)[0]
        return kind, panel.grid.freq, panel.grid.step, first
    if _is_dates(panel.index) and len(panel.index):
        return "datetime", panel.freq, 1, panel.index[0]
    if panel.report.get("time_form") and panel.index is not None and len(panel.index):
        spec = continuation_specs(panel)[0]  # integers of a time column (years, steps)
        return "integer", None, spec["step"], panel.index[0]
    return None


def _check_sessions(panel: Panel, fitted_session: str | None) -> None:
    """Refuse data on other sessions of the day or week than the fitted data's."""
    session = panel.grid.session if panel.grid is not None else panel.session
    if (None if session is None else session.text) == fitted_session:
        return
    from ..data.sessions import Session

    def said(s) -> str:
        return "every step of the day" if s is None else f"the sessions {s.describe()}"

    raise DataError(
        f"data's steps lie on {said(session)}, but the model was fitted on data on "
        f"{said(None if fitted_session is None else Session.from_text(fitted_session))}; give it "
        f"data on that calendar (at least two days or weeks, so that its sessions show)"
    )


def observations(est, x_t, ids: list) -> np.ndarray:
    """One new observation (S, F) of each of the series ``ids``, in that order: for one series an
    array of F values; for long data a long DataFrame with one row per series (``unique_id`` and
    the feature columns; ``ds`` is not read) or an array (S, F) in the order of ``ids``."""
    F = est.n_features_in_
    if not est.long_:
        return data_panel(est, np.asarray(x_t, dtype=np.float32).reshape(1, -1))[0].values  # (1, F)
    if checks.is_pandas(x_t, "DataFrame"):
        x = _numbers(_rows_by_id(est, x_t, ids))
    else:
        x = _numbers(x_t)
        x = x[:, None] if x.ndim == 1 and F == 1 else x
    if x.shape != (len(ids), F):
        raise DataError(
            f"x_t must be a long DataFrame or an array of shape (S, F) = ({len(ids)}, {F}), one row "
            f"per series in the order of state.ids, got shape {x.shape}"
        )
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        raise DataError(
            f"x_t has missing or infinite values for series {[ids[i] for i in np.flatnonzero(bad)[:10]]};"
            f" every series needs its new observation"
        )
    return x.astype(np.float32)


def _rows_by_id(est, frame, ids: list) -> np.ndarray:
    """The feature values (S, F) of a long ``frame`` holding one row of each series ``ids``, in that order."""
    import pandas as pd

    from ..data.frames import LONG_ID

    missing = [c for c in [LONG_ID, *est.feature_names_in_] if c not in frame.columns]
    if missing:
        raise DataError(
            f"x_t lacks the column(s) {missing}; expected one row per series with the columns "
            f"{[LONG_ID, *est.feature_names_in_]}"
        )
    given = pd.Index(frame[LONG_ID].astype(str))
    repeated = given[given.duplicated()].unique().tolist()
    if repeated:
        raise DataError(
            f"x_t has more than one row for series {repeated[:10]}; step reads one new observation per series"
        )
    unknown = given.difference(ids).tolist()
    if unknown:
        raise DataError(
            f"x_t names series {unknown[:10]} that this stream does not carry (state.ids: "
            f"{list(ids[:10])}{' ...' if len(ids) > 10 else ''})"
        )
    where = given.get_indexer(ids)
    if (where < 0).any():
        absent = [ids[i] for i in np.flatnonzero(where < 0)[:10]]
        raise DataError(
            f"x_t lacks series {absent}; step reads one new observation of every series the stream "
            f"carries (state.ids)"
        )
    return frame[est.feature_names_in_].to_numpy()[where]


def _numbers(x) -> np.ndarray:
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise DataError(f"x_t holds values that are not numbers: {err}") from err


def future_of(est, future, ids: list, specs: list[dict] | None = None) -> np.ndarray | None:
    """(S, K, Fk) known future values of series ``ids`` from the user's ``future`` (None for a
    model without known inputs, which refuses a ``future``).  A frame with times is matched to the
    K steps after each series (``specs``: how its labels continue) by time and id; one without, or
    an array, by position."""
    if not est.known_idx_:
        if future is not None:
            raise DataError(
                "future= gives the values of known inputs, and the model has none "
                "(fit it with known= naming them)"
            )
        return None
    names, K = [est.feature_names_in_[i] for i in est.known_idx_], est.model_.config.horizon
    labels = form = None
    if specs is not None and checks.is_pandas(future, "DataFrame"):
        from ..data.index_specs import future_labels

        labels, form = future_labels(specs, K), specs[0].get("form")
    if est.long_:
        return future_panel(future, ids, names, K, labels, form)
    return future_values(future, names, K, labels, form, est.reading_["time_col"])
