"""The series type: ``(T, F)`` values from an array, a pandas Series or a DataFrame, checked.

A series is always ``(T, F)``: time steps by features, float32, finite.  pandas is imported only
where a DataFrame comes in, so NumPy-only work does not load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..base import checks
from ..base.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

    from .sessions import Session

__all__ = ["Series", "as_series", "check_finite"]


@dataclass(frozen=True)
class Series:
    """A validated series: ``values`` (T, F) float32, a name per column and the time index (a
    DataFrame's index, or ``range(T)`` for an array); for a calendar, its frequency (``"MS"``), the
    form its labels were written in (``"month"``, see :mod:`tsrnn.data.time_axis`) and its usual season."""

    values: np.ndarray
    columns: list[str]
    index: pd.Index | range
    freq: str | None = None
    form: str | None = None
    season: int | None = None
    session: Session | None = None  # the sessions its steps lie in (tsrnn.data.sessions.Session), if any

    @property
    def length(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.values.shape[1])


def check_finite(values: np.ndarray, columns=None, index=None) -> None:
    """Raise DataError naming the first NaN or infinite value's row and column."""
    finite = np.isfinite(values)  # a mask beats a float64 sum up to large series, and never warns
    if finite.all():
        return
    row, col = (int(i) for i in np.argwhere(~finite)[0])
    label = columns[col] if columns is not None else col
    at = f"row {row}" if index is None or index[row] == row else f"row {row} ({index[row]})"
    raise DataError(
        f"series has a non-finite value ({values[row, col]}) at {at}, column {label!r}; "
        f"{int((~finite).sum())} such values in all. Fill or drop them before fitting."
    )


def as_series(data) -> Series:
    """Read an ndarray ``(T,)`` / ``(T, F)`` or a DataFrame (its numeric columns) as a checked series."""
    if isinstance(data, Series):
        return data
    if checks.is_pandas(data, "Series"):
        data = data.to_frame()
    if checks.is_pandas(data, "DataFrame"):
        numeric = data.select_dtypes(include="number")
        if numeric.shape[1] == 0:
            raise DataError(
                f"expected at least one numeric column, got columns {list(data.columns)} "
                f"of types {[str(t) for t in data.dtypes]}"
            )
        values = numeric.to_numpy(dtype=np.float32)
        columns, index = [str(c) for c in numeric.columns], numeric.index
        time = {k: data.attrs.get(f"tsrnn.{k}") for k in ("freq", "form", "season")}
        if data.attrs.get("tsrnn.session"):
            from .sessions import Session

            time["session"] = Session.from_text(data.attrs["tsrnn.session"])
    else:
        try:
            values = np.asarray(data, dtype=np.float32)
        except (TypeError, ValueError) as err:
            raise DataError(
                f"expected a numeric array of shape (T, F) or a DataFrame, got {type(data).__name__}: {err}"
            ) from err
        if values.ndim == 1:
            values = values[:, None]  # (T,) -> (T, 1)
        if values.ndim != 2:
            raise DataError(f"expected a series of shape (T,) or (T, F), got shape {values.shape}")
        columns, index = [f"f{k}" for k in range(values.shape[1])], range(values.shape[0])
        time = {}
    if values.shape[0] == 0:
        raise DataError("expected a series with at least one time step, got 0 rows")
    check_finite(values, columns, index)
    values = values if values.flags.writeable else values.copy()  # pandas may hand out read-only views
    return Series(np.ascontiguousarray(values), columns, index, **time)
