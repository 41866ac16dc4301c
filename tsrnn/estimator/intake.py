"""Data in: any input as a panel, checked against what the estimator was fitted on.

:func:`fit_panel` turns what ``fit`` is given into a :class:`~tsrnn.data.panel.Panel` (long data:
one series per ``unique_id``; anything else: a panel of one unnamed series) and how each series'
time labels continue.  :func:`data_panel` does the same for data given to a fitted estimator,
returning each series' position in its state, so every method runs on rows of one panel.
:func:`observations` reads one new observation of each series a stream carries.
The DataFrame layer (pandas) loads only for frames.
"""

from __future__ import annotations

import numpy as np

from ..base import checks
from ..base.errors import DataError
from ..data.known import future_panel, future_values
from ..data.panel import Panel
from ..data.series import Series, as_series, index_spec
from .state import continuation_specs

__all__ = [
    "is_long",
    "as_frame",
    "prepare",
    "fit_panel",
    "data_panel",
    "observations",
    "future_of",
    "ONE_SERIES",
]

ONE_SERIES = "this method reads one series; pick it with forecaster.series_model(unique_id)"


def is_long(data) -> bool:
    """Whether ``data`` is a DataFrame in the long layout."""
    if not checks.is_pandas(data, "DataFrame"):
        return False
    from ..data.frames import is_long as frame_is_long

    return frame_is_long(data)


def as_frame(data):
    """A pandas Series as a one-column DataFrame (named ``y`` when it has no name), so its time
    index is read like a DataFrame's; anything else as it is."""
    if checks.is_pandas(data, "Series"):
        return data.to_frame(name="y" if data.name is None else str(data.name))
    return data


def prepare(est, data) -> Series:
    """One series from an array, tensor or wide DataFrame (its time axis, gaps and fill policy
    read with the estimator's settings; the report lands in ``est.data_report_``)."""
    data = as_frame(data)
    if checks.is_pandas(data, "DataFrame"):
        from ..data.frames import prepare_wide

        data, est.data_report_ = prepare_wide(
            data, est.time_col, est.features, est.fill, est.irregular, est.freq
        )
    return as_series(data)


def fit_panel(est, data) -> tuple[Panel, list[dict]]:
    """What ``fit`` reads, as a panel, and how each series' time labels continue."""
    if is_long(data):
        from ..data.frames import long_panel

        panel = long_panel(data, est.features, est.fill, est.irregular, est.freq)
        est.data_report_ = panel.report
        return panel, continuation_specs(panel)
    s = prepare(est, data)
    return one_series(s, None), [index_spec(s.index, s.freq, s.form)]


def one_series(s: Series, uid) -> Panel:
    """A single series as a panel of one, keeping its own time labels and frequency."""
    return Panel(
        s.values,
        np.zeros(1, np.int64),
        np.array([s.length]),
        [uid],
        s.columns,
        form=s.form,
        season=s.season,
        index=s.index,
        freq=s.freq,
    )


def data_panel(est, data, reading: str | None = None) -> tuple[Panel, np.ndarray, list[dict]]:
    """``data`` as a panel checked against the fitted series: the panel, each series' position in
    ``est.state_``, and how its labels continue.  For ``reading`` (what needs it: "predict",
    "forecasting") every series holds a window.  An estimator fitted on one series reads one
    series (array or wide frame); one fitted on long data reads long data."""
    state = est.state_
    if est.long_:
        from ..data.frames import LONG_ID, LONG_TARGET, LONG_TIME, long_panel

        if not is_long(data):
            raise DataError(
                f"this Forecaster was fitted on long data; expected the columns "
                f"{LONG_ID}, {LONG_TIME}, {LONG_TARGET} (and covariates)"
            )
        panel = long_panel(data, est.features, est.fill, est.irregular, est.freq)
        unknown = [uid for uid in panel.ids if uid not in state]
        if unknown:
            shown = state.ids[:10]
            raise DataError(
                f"series {unknown[:10]} were not in the data this Forecaster was fitted on ({shown}"
                f"{' ...' if len(state) > 10 else ''})"
            )
        rows = np.array([state.position(uid) for uid in panel.ids], dtype=np.int64)
        specs = continuation_specs(panel)
    else:
        data = as_frame(data)
        frame = checks.is_pandas(data, "DataFrame")
        if frame and is_long(data) and state.ids[0] is not None:
            raise DataError(ONE_SERIES)
        s = prepare(est, data) if frame else as_series(data)
        if s.n_features != est.n_features_in_:
            raise DataError(
                f"data has {s.n_features} features {s.columns}, but this Forecaster was "
                f"fitted on {est.n_features_in_} features {est.feature_names_in_}"
            )
        panel = one_series(s, state.ids[0])
        rows = np.zeros(1, np.int64)
        specs = [index_spec(s.index, s.freq or state.specs[0].get("freq"), s.form)]
    if (est.long_ or frame) and panel.columns != list(est.feature_names_in_):
        raise DataError(
            f"data has the columns {panel.columns}, but this Forecaster was fitted on "
            f"{list(est.feature_names_in_)}"
        )
    short = panel.lengths < est.window_
    if reading is not None and short.any():
        first = int(np.flatnonzero(short)[0])
        who = "data" if panel.ids[first] is None or not est.long_ else f"series {panel.ids[first]!r}"
        raise DataError(
            f"{who} has {int(panel.lengths[first])} time steps; {reading} needs at least window={est.window_}"
        )
    return panel, rows, specs


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


def future_of(est, future, ids: list) -> np.ndarray | None:
    """(S, K, Fk) known future values of series ``ids`` from the user's ``future`` (None for a
    model without known inputs, which refuses a ``future``)."""
    if not est.known_idx_:
        if future is not None:
            raise DataError(
                "future= gives the values of known inputs, and this Forecaster has none "
                "(fit it with known=[...])"
            )
        return None
    names, K = [est.feature_names_in_[i] for i in est.known_idx_], est.model_.config.horizon
    if est.long_:
        return future_panel(future, ids, names, K)
    return future_values(future, names, K)
