"""Forecast errors: MAE, RMSE, MAPE, sMAPE and MASE, overall and per target, and skill scores.

Arrays are ``(N, K, O)`` (windows, steps ahead, targets) or anything whose last axis is the target.
Zeros never produce a silent ``inf``: MAPE skips points whose actual value is 0 (and is NaN when
every point is 0), sMAPE counts a point where actual and forecast are both 0 as no error, and MASE is
NaN when its scale (the naive one-step error of the training span) is 0.
"""

from __future__ import annotations

import math

import numpy as np

from ..base.checks import invalid

__all__ = ["METRICS", "mae", "rmse", "mape", "smape", "mase", "error_table", "skill"]

METRICS = ("mae", "rmse", "mape", "smape", "mase")


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise invalid(
            "y_pred", f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}"
        )
    if y_true.size == 0:
        raise invalid("y_true", "cannot score an empty forecast: y_true has no values")
    if y_true.ndim == 1:
        return y_true[:, None], y_pred[:, None]  # one target
    return y_true.reshape(-1, y_true.shape[-1]), y_pred.reshape(-1, y_pred.shape[-1])  # (points, O)


def _reduce(values: np.ndarray, per_target: bool, weights: np.ndarray | None = None):
    """Mean over points, per target or overall, of (points, O) values; NaN marks skipped points."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if per_target:
            return np.array([np.nanmean(c) if np.isfinite(c).any() else np.nan for c in values.T])
        return float(np.nanmean(values)) if np.isfinite(values).any() else math.nan


def mae(y_true, y_pred, per_target: bool = False):
    """Mean absolute error; with ``per_target`` an array with one value per target."""
    t, p = _pair(y_true, y_pred)
    return _reduce(np.abs(t - p), per_target)


def rmse(y_true, y_pred, per_target: bool = False):
    """Root mean squared error; with ``per_target`` an array with one value per target."""
    t, p = _pair(y_true, y_pred)
    return np.sqrt(_reduce((t - p) ** 2, per_target))


def mape(y_true, y_pred, per_target: bool = False):
    """Mean absolute percentage error (%), over the points whose actual value is not 0."""
    t, p = _pair(y_true, y_pred)
    with np.errstate(invalid="ignore", divide="ignore"):
        ape = np.where(t != 0, np.abs((t - p) / t) * 100.0, np.nan)
    return _reduce(ape, per_target)


def smape(y_true, y_pred, per_target: bool = False):
    """Symmetric MAPE (%), ``200 |y - f| / (|y| + |f|)``, 0 where both are 0; in [0, 200]."""
    t, p = _pair(y_true, y_pred)
    denom = np.abs(t) + np.abs(p)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(denom > 0, 200.0 * np.abs(t - p) / denom, 0.0)
    return _reduce(s, per_target)


def mase(y_true, y_pred, scale, per_target: bool = False):
    """Mean absolute scaled error: MAE divided by ``scale``, the in-sample MAE of the naive one-step
    forecast on the training span; ``scale`` is per target (O,) or broadcasts to ``y_true`` (one
    scale per series).  Below 1 beats that naive forecast."""
    t, p = _pair(y_true, y_pred)
    y_true = np.asarray(y_true, dtype=np.float64)
    scale = np.asarray(scale, dtype=np.float64)
    if y_true.ndim == 1:
        scale = scale.reshape(-1)
    scale = np.broadcast_to(scale, y_true.shape).reshape(t.shape)  # e.g. (O,) or one row per window
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.abs(t - p) / np.where(scale > 0, scale, np.nan)
    return _reduce(scaled, per_target)


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def error_table(y_true, forecasts: dict[str, np.ndarray], names, mase_scale=None) -> dict:
    """Every metric of every named forecast, overall and per target, as a JSON-able dict.

    NaN (a metric undefined on this data) is written as ``None``.
    """
    table = {}
    for label, y_pred in forecasts.items():
        row: dict = {}
        per: dict = {n: {} for n in names}
        for metric in METRICS:
            if metric == "mase":
                if mase_scale is None:
                    continue
                overall, each = mase(y_true, y_pred, mase_scale), mase(y_true, y_pred, mase_scale, True)
            else:
                fn = globals()[metric]
                overall, each = fn(y_true, y_pred), fn(y_true, y_pred, True)
            row[metric] = _clean(overall)
            for n, v in zip(names, each, strict=False):
                per[n][metric] = _clean(v)
        row["per_target"] = per
        table[label] = row
    return table


def skill(model_error: float | None, baseline_errors: list[float | None]) -> float | None:
    """``1 - model error / best baseline error``: above 0 beats every baseline, 1 is perfect."""
    finite = [e for e in baseline_errors if e is not None and math.isfinite(e)]
    if model_error is None or not finite or min(finite) == 0:
        return None
    return 1.0 - model_error / min(finite)
