"""Future-known covariates: inputs whose values over the forecast steps are known in advance.

Holidays, promotions, prices set ahead, a law that comes into force on a known date: for such a
column the network may read the values of the very steps it forecasts.  Each known column ``c`` adds
one input, its *lead*: at step ``t`` the lead holds ``c[t + K]`` (K the network's horizon).  The
last K inputs of a window then carry ``c`` over exactly the K steps that window forecasts, the
recurrent cell reads them in order like any input, and nothing in the network or the training loop
changes.  Forecasting from the end of a series needs the known values of the K steps that follow
it: the ``future`` argument of :meth:`Forecaster.forecast <tsrnn.estimator.forecaster.Forecaster.forecast>`.

Shapes: T steps, F features, Fk known columns, K horizon, S series.
"""

from __future__ import annotations

import numpy as np

from ..base import checks
from ..base.errors import DataError
from .reading import rows_said

__all__ = ["resolve_known", "lead_columns", "future_values", "future_panel", "future_times", "lead_name"]


def lead_name(column: str, horizon: int) -> str:
    """The name of a known column's lead input: ``promo (known, +12)``."""
    return f"{column} (known, +{horizon})"


def resolve_known(known, columns: list[str], target_idx: list[int], strategy: str) -> list[int]:
    """Positions of the ``known`` columns among ``columns``: inputs that are not targets."""
    if known is None:
        return []
    names = [known] if isinstance(known, str) else list(known)
    if not names:
        return []
    if strategy == "recursive":
        raise DataError(
            "known covariates need strategy='direct': the head forecasts the horizon at once from "
            "the known values of its steps"
        )
    if any(not isinstance(n, str) for n in names) or len(set(names)) != len(names):
        raise DataError(f"known must name distinct input columns, got {known!r}")
    missing = [n for n in names if n not in columns]
    if missing:
        raise DataError(f"known column(s) {missing} are not input features; the inputs are {columns}")
    positions = [columns.index(n) for n in names]
    forecast = [columns[i] for i in positions if i in target_idx]
    if forecast:
        raise DataError(
            f"known column(s) {forecast} are also targets: a target's future is what is forecast, "
            f"so it cannot be known; pick other targets or leave them out of known"
        )
    return positions


def lead_columns(
    values: np.ndarray,
    known: list[int],
    horizon: int,
    lengths: np.ndarray | None = None,
    future: np.ndarray | None = None,
) -> np.ndarray:
    """The leads (T, Fk) of the ``known`` columns of ``values`` (T, F): row ``t`` holds row ``t + K``.

    ``lengths`` splits ``values`` into consecutive series (a panel; default one series), whose leads
    never reach into the next series.  The last K rows of each series read ``future`` (S, K, Fk),
    the known values after its end, when given; else they are NaN (no window that is scored reads
    them: its targets would lie beyond the series).
    """
    T = values.shape[0]
    lengths = np.array([T]) if lengths is None else np.asarray(lengths)
    codes = np.repeat(np.arange(lengths.shape[0]), lengths)
    within = np.arange(T) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    ahead = within + horizon < lengths[codes]
    lead = np.full((T, len(known)), np.nan, dtype=np.float32)
    source = np.minimum(np.arange(T) + horizon, T - 1)
    lead[ahead] = values[source[ahead]][:, known]
    if future is not None:
        tail = ~ahead
        step = within[tail] + horizon - lengths[codes[tail]]  # 0 .. K-1: which future step
        lead[tail] = future[codes[tail], step]
    return lead


def _numbers(rows: np.ndarray, what: str) -> np.ndarray:
    try:
        rows = rows.astype(np.float64)
    except (TypeError, ValueError) as err:
        raise DataError(f"{what} holds values that are not numbers: {err}") from err
    if not np.isfinite(rows).all():
        raise DataError(f"{what} has missing or infinite known values; every future step needs them")
    return rows.astype(np.float32)


def _as_rows(future, names: list[str], what: str) -> np.ndarray:
    """The known columns of ``future`` as rows (n, Fk), in the order given."""
    if checks.is_pandas(future, "DataFrame"):
        missing = [n for n in names if n not in future.columns]
        if missing:
            raise DataError(f"{what} lacks the known column(s) {missing}; it has {list(future.columns)}")
        rows = future[names].to_numpy(dtype=object)
    else:
        rows = np.asarray(future, dtype=object)
        rows = rows[:, None] if rows.ndim == 1 else rows
        if rows.ndim != 2 or rows.shape[1] != len(names):
            raise DataError(f"{what} must have one column per known input {names}, got shape {rows.shape}")
    return _numbers(rows, what)


def future_times(future, names: list[str], time_col=None):
    """The time labels of a ``future`` frame's rows (a pandas Index: dates or integers), read from
    ``time_col`` (or the column ``ds``, the frame's own date index, a column of dates found as data
    files' time columns are found), or None when it has none: its rows are then taken in order."""
    import pandas as pd

    from .time_axis import find_time_axis

    if not checks.is_pandas(future, "DataFrame"):
        return None
    others = future.drop(columns=[n for n in names if n in future.columns])
    if others.shape[1] == 0 and isinstance(others.index, pd.RangeIndex):
        return None
    col = time_col if time_col in others.columns else "ds" if "ds" in others.columns else None
    if col is None:
        axis = find_time_axis(others)[1]
        return None if axis is None else axis.index
    values = others[col]
    if values.isna().any():
        raise DataError(
            f"future's time column {col!r} has missing labels at {', '.join(rows_said(others, others.index[values.isna()][:5]))}"
        )
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.DatetimeIndex(values)
    if pd.api.types.is_integer_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return pd.Index(values.to_numpy(dtype=np.int64))
    uniq, where = np.unique(values.astype(str).to_numpy(), return_inverse=True)  # repeated across series
    axis = find_time_axis(pd.DataFrame({col: pd.Series(uniq, dtype=object)}), col)[1]
    if axis is None:  # a named column is a time axis or an error
        raise DataError(f"future's time column {col!r} holds no time labels")
    return axis.index[where]


def _by_time(rows: np.ndarray, times, labels, form, what: str) -> np.ndarray:
    """The rows (K, Fk) of ``rows`` whose ``times`` are the forecast steps ``labels`` (K,)."""
    import pandas as pd

    from .calendar import shown_labels
    from .dates import format_labels

    times = pd.Index(times)
    if times.has_duplicates:
        repeated = times[times.duplicated()].unique()
        raise DataError(
            f"{what} repeats the time(s) {shown_labels(format_labels(repeated, form))}; give one row per step"
        )
    labels = pd.Index(labels)
    dates = isinstance(labels, pd.DatetimeIndex)
    if dates != isinstance(times, pd.DatetimeIndex):
        where = np.full(len(labels), -1)
    else:
        if dates and (labels.tz is None) != (times.tz is None):
            where = np.full(len(labels), -1)
        else:
            where = times.get_indexer(labels)
    missing = where < 0
    if missing.any():
        span: pd.Index | list[str] = format_labels(times.sort_values()[[0, -1]], form) if len(times) else []
        has = f"it has {span[0]} to {span[-1]}" if len(times) else "it has no rows"
        raise DataError(
            f"{what} lacks the known values at the forecast step(s) "
            f"{shown_labels(format_labels(labels[missing], form))} ({has}); give one row for each of the "
            f"{len(labels)} steps after the data: {' to '.join(map(str, format_labels(labels[[0, -1]], form)))}"
        )
    return rows[where]


def future_values(
    future, names: list[str], horizon: int, labels=None, form: str | None = None, time_col=None
) -> np.ndarray:
    """The known values of the K steps after a series, (1, K, Fk), from ``future``.

    A DataFrame with a time column (``time_col``, ``ds``, its own date index or a column of dates)
    gives the rows at the forecast steps ``labels`` (K), matched by their time whatever the order
    of its rows; a step without a row is refused by name.  A DataFrame without one, or an array
    (steps, Fk), gives its first K rows, in order.
    """
    if future is None:
        raise DataError(
            f"the model reads the known input(s) {names} over its {horizon} forecast steps; "
            f"pass their future values with future="
        )
    rows = _as_rows(future, names, "future")
    times = None if labels is None else future_times(future, names, time_col)
    if times is not None:
        return _by_time(rows, times, labels, form, "future")[None]
    if rows.shape[0] < horizon:
        raise DataError(
            f"future has {rows.shape[0]} step(s) of the known input(s) {names}; the model reads "
            f"them over its whole horizon of {horizon} steps, so give at least {horizon}"
        )
    return rows[None, :horizon]


def future_panel(
    future, ids: list[str], names: list[str], horizon: int, labels=None, form=None
) -> np.ndarray:
    """(S, K, Fk) known future values of each series ``ids`` from a long ``future`` frame
    (``unique_id``, ``ds`` and the known columns): with ``labels`` (S * K, the forecast steps of
    each series in turn) matched by ``ds``, else (or without ``ds``) each series' rows in order."""
    if future is None or not checks.is_pandas(future, "DataFrame") or "unique_id" not in future.columns:
        raise DataError(
            f"the model reads the known input(s) {names} over its {horizon} forecast steps; "
            f"pass their future values for every series as a long frame (future=) with the columns "
            f"unique_id, ds and {', '.join(names)}"
        )
    out = np.empty((len(ids), horizon, len(names)), dtype=np.float32)
    rows = _as_rows(future, names, "future")
    times = None if labels is None else future_times(future, names, "ds")
    codes, given = _codes(future["unique_id"])
    where = {uid: k for k, uid in enumerate(given)}
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(given) + 1))
    for s, uid in enumerate(ids):
        if uid not in where:
            raise DataError(
                f"future has no rows for series {uid!r}; every forecast series needs its known values"
            )
        k = where[uid]
        mine = order[bounds[k] : bounds[k + 1]]
        try:
            if times is not None:
                out[s] = _by_time(
                    rows[mine], times[mine], labels[s * horizon : (s + 1) * horizon], form, "future"
                )
            elif len(mine) < horizon:
                raise DataError(
                    f"future has {len(mine)} step(s) of the known input(s) {names}; the model reads "
                    f"them over its whole horizon of {horizon} steps, so give at least {horizon}"
                )
            else:
                out[s] = rows[mine[:horizon]]
        except DataError as err:
            raise DataError(f"series {uid!r}: {err}") from None
    return out


def _codes(ids) -> tuple[np.ndarray, list[str]]:
    """Each row's series number and the series' names, as written (strings)."""
    import pandas as pd

    codes, given = pd.factorize(ids.astype(str))
    return codes, list(given)
