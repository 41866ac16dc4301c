"""Sliding windows as zero-copy views, and splits of a series by time.

For a series ``(T, F)``, window ``W`` and horizon ``K`` there are ``N = T - W - K + 1`` windows:
``X[i] = series[i : i + W]`` and ``Y[i] = series[i + W : i + W + K, targets]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..base import checks
from ..base.errors import DataError
from .series import check_finite

__all__ = ["make_windows", "input_windows", "n_windows", "resolve_targets", "split_points"]


def n_windows(length: int, window: int, horizon: int) -> int:
    """N, windows of ``window`` inputs followed by ``horizon`` targets in ``length`` steps."""
    return max(0, length - window - horizon + 1)


def resolve_targets(targets, columns: Sequence[str]) -> list[int] | None:
    """Column positions of ``targets`` (names or positions); ``None`` means every column."""
    if targets is None:
        return None
    if isinstance(targets, (str, int)):
        targets = [targets]
    positions = []
    for t in targets:
        if isinstance(t, str):
            if t not in columns:
                raise DataError(f"target {t!r} is not a column; columns are {list(columns)}")
            positions.append(list(columns).index(t))
        elif isinstance(t, (int, np.integer)) and not isinstance(t, bool) and 0 <= t < len(columns):
            positions.append(int(t))
        else:
            raise DataError(f"target {t!r} is not a column name or a position in [0, {len(columns)})")
    if not positions:
        raise DataError("targets must name at least one column, got an empty list")
    if len(set(positions)) != len(positions):
        raise DataError(f"targets must not repeat a column, got {list(targets)}")
    return positions


def make_windows(series, window: int, horizon: int = 1, targets=None):
    """Sliding input windows and their targets, as views of ``series`` (no copy of N x W values).

    Parameters
    ----------
    series : ndarray (T,) or (T, F), DataFrame, or torch.Tensor (T, F)
        The series; a DataFrame contributes its numeric columns.
    window : int
        W, input steps per window.
    horizon : int
        K, target steps after each window; 0 gives every input window (N = T - W + 1) and empty targets.
    targets : sequence of column names or positions, optional
        O target columns of ``Y``; default every column.

    Returns
    -------
    X : array of shape (N, W, F)
    Y : array of shape (N, K, O)
        Views of ``series`` (or, when ``targets`` picks columns, of one (T, O) copy of them), of the
        same kind as the input: numpy arrays for arrays and DataFrames, tensors for tensors.
    """
    window = checks.positive_int("window", window)
    horizon = checks.positive_int("horizon", horizon, minimum=0)
    is_tensor = type(series).__module__.startswith("torch")
    values, columns = _checked_values(series, is_tensor)
    length = int(values.shape[0])
    _check_length(length, window, horizon)
    positions = resolve_targets(targets, columns)
    target_values = values if positions is None else values[:, positions]
    n = n_windows(length, window, horizon)
    if is_tensor:
        X = input_windows(values, window)[:n]
        Y = (
            target_values[window:].unfold(0, horizon, 1).transpose(1, 2)
            if horizon
            else target_values.new_empty((n, 0, target_values.shape[1]))
        )
        return X, Y
    view = np.lib.stride_tricks.sliding_window_view
    X = view(values, window, axis=0)[:n].transpose(0, 2, 1)  # (N, F, W) -> (N, W, F)
    Y = (
        view(target_values[window:], horizon, axis=0).transpose(0, 2, 1)
        if horizon
        else np.empty((n, 0, target_values.shape[1]), dtype=values.dtype)
    )
    return X, Y


def _checked_values(series, is_tensor: bool):
    """The (T, F) values of ``series`` (a tensor as it is, a DataFrame's numeric columns as float32, an
    array as it is, (T,) as (T, 1)) and a name per column, checked finite."""
    if is_tensor:
        values, columns = series, [f"f{k}" for k in range(series.shape[-1])]
        if values.dim() != 2:
            raise DataError(f"expected a tensor of shape (T, F), got shape {tuple(values.shape)}")
        if not bool(values.isfinite().all()):
            check_finite(values.detach().cpu().numpy(), columns)
        return values, columns
    if checks.is_pandas(series, "DataFrame"):
        frame = series.select_dtypes(include="number")
        values, columns = frame.to_numpy(dtype=np.float32), [str(c) for c in frame.columns]
    else:
        values = np.asarray(series)
        if values.ndim == 1:
            values = values[:, None]  # (T,) -> (T, 1)
        if values.ndim != 2:
            raise DataError(f"expected a series of shape (T,) or (T, F), got shape {values.shape}")
        columns = [f"f{k}" for k in range(values.shape[1])]
    check_finite(values, columns)
    return values, columns


def input_windows(values, window: int):
    """Every input window of a (T, F) tensor that is already checked (finite, two-dimensional, as
    :func:`tsrnn.data.series.as_series` leaves it): a view ``(N, W, F)``, N = T - W + 1, ``X[i] = values[i:i+W]``.

    The fast path of forecasting, which validates its data once; :func:`make_windows` checks
    everything and also cuts targets.
    """
    _check_length(int(values.shape[0]), window, 0)
    return values.unfold(0, window, 1).transpose(1, 2)  # (N, F, W) -> (N, W, F)


def _check_length(length: int, window: int, horizon: int) -> None:
    if length < window + horizon:
        raise DataError(
            f"series has {length} time steps; window={window} + horizon={horizon} "
            f"needs at least {window + horizon}"
        )


def split_points(length: int, *fractions: float) -> list[int]:
    """Boundaries that cut ``length`` steps into consecutive spans, the last ones of the given fractions.

    ``split_points(1000, 0.2)`` -> ``[800]``: steps 0-799 and 800-999.  Later spans never precede
    earlier ones, so nothing from the future reaches an earlier span.
    """
    cuts, end = [], length
    for f in reversed(fractions):
        checks.real("fraction", f, 0.0, 1.0, high_open=True)
        end -= int(round(length * f))
        cuts.append(end)
    return sorted(cuts)
