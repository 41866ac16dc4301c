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

__all__ = ["resolve_known", "lead_columns", "future_values", "future_panel", "lead_name"]


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


def _as_rows(future, names: list[str], what: str) -> np.ndarray:
    if checks.is_pandas(future, "DataFrame"):
        missing = [n for n in names if n not in future.columns]
        if missing:
            raise DataError(f"{what} lacks the known column(s) {missing}; it has {list(future.columns)}")
        frame = future.sort_values("ds", kind="stable") if "ds" in future.columns else future
        rows = frame[names].to_numpy(dtype=object)
    else:
        rows = np.asarray(future, dtype=object)
        rows = rows[:, None] if rows.ndim == 1 else rows
        if rows.ndim != 2 or rows.shape[1] != len(names):
            raise DataError(f"{what} must have one column per known input {names}, got shape {rows.shape}")
    try:
        rows = rows.astype(np.float64)
    except (TypeError, ValueError) as err:
        raise DataError(f"{what} holds values that are not numbers: {err}") from err
    if not np.isfinite(rows).all():
        raise DataError(f"{what} has missing or infinite known values; every future step needs them")
    return rows.astype(np.float32)


def future_values(future, names: list[str], horizon: int) -> np.ndarray:
    """The known values of the K steps after a series, (1, K, Fk), from ``future``: a DataFrame
    with the known columns (sorted by ``ds`` when it has one) or an array (steps, Fk)."""
    if future is None:
        raise DataError(
            f"this Forecaster reads the known input(s) {names} over its {horizon} forecast steps; "
            f"pass their future values with future="
        )
    rows = _as_rows(future, names, "future")
    if rows.shape[0] < horizon:
        raise DataError(
            f"future has {rows.shape[0]} step(s) of the known input(s) {names}; the model reads "
            f"them over its whole horizon of {horizon} steps, so give at least {horizon}"
        )
    return rows[None, :horizon]


def future_panel(future, ids: list[str], names: list[str], horizon: int) -> np.ndarray:
    """(S, K, Fk) known future values of each series ``ids`` from a long ``future`` frame
    (``unique_id``, optionally ``ds``, and the known columns)."""
    if future is None or not checks.is_pandas(future, "DataFrame") or "unique_id" not in future.columns:
        raise DataError(
            f"this Forecaster reads the known input(s) {names} over its {horizon} forecast steps; "
            f"pass their future values for every series as a long DataFrame: future=frame with "
            f"columns unique_id, ds (to order the rows, optional) and {', '.join(names)}"
        )
    out = np.empty((len(ids), horizon, len(names)), dtype=np.float32)
    groups = {str(uid): part for uid, part in future.groupby(future["unique_id"].astype(str), sort=False)}
    for s, uid in enumerate(ids):
        if uid not in groups:
            raise DataError(
                f"future has no rows for series {uid!r}; every forecast series needs its known values"
            )
        try:
            out[s] = future_values(groups[uid], names, horizon)[0]
        except DataError as err:
            raise DataError(f"series {uid!r}: {err}") from None
    return out
