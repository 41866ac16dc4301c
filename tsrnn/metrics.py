"""Forecast errors and the baselines every model is measured against.

Arrays are ``(N, K, O)``: windows, steps ahead, targets.  Metrics reduce over windows and steps and
are reported per target and overall.
"""
from __future__ import annotations

import numpy as np

__all__ = ["mae", "rmse", "naive_forecast", "score"]


def _check_pair(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("cannot score an empty forecast: y_true has no values")
    return y_true, y_pred


def _per_target(values: np.ndarray) -> np.ndarray:
    return values.reshape(-1, values.shape[-1]) if values.ndim > 1 else values[:, None]


def mae(y_true, y_pred, per_target: bool = False):
    """Mean absolute error; with ``per_target`` one value per last-axis target."""
    y_true, y_pred = _check_pair(y_true, y_pred)
    err = np.abs(_per_target(y_true - y_pred))
    return err.mean(axis=0) if per_target else float(err.mean())


def rmse(y_true, y_pred, per_target: bool = False):
    """Root mean squared error; with ``per_target`` one value per last-axis target."""
    y_true, y_pred = _check_pair(y_true, y_pred)
    sq = _per_target(y_true - y_pred) ** 2
    return np.sqrt(sq.mean(axis=0)) if per_target else float(np.sqrt(sq.mean()))


def naive_forecast(X: np.ndarray, horizon: int, targets=None) -> np.ndarray:
    """Repeat each window's last observed value: ``X`` (N, T, F) -> (N, K, O)."""
    last = X[:, -1, :] if targets is None else X[:, -1, targets]  # (N, O)
    return np.repeat(last[:, None, :], horizon, axis=1)  # (N, K, O)


def score(y_true, forecasts: dict[str, np.ndarray], names=None) -> dict:
    """MAE and RMSE of each named forecast, overall and per target, as a JSON-able dict."""
    table = {}
    for label, y_pred in forecasts.items():
        row = {"mae": mae(y_true, y_pred), "rmse": rmse(y_true, y_pred)}
        if names is not None:
            row["per_target"] = {n: {"mae": float(a), "rmse": float(r)} for n, a, r in
                                 zip(names, mae(y_true, y_pred, True), rmse(y_true, y_pred, True))}
        table[label] = row
    return table
