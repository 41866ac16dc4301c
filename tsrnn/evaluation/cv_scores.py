"""Scores of a cross-validation frame (``unique_id, ds, cutoff, y`` and a column per model, as
:meth:`Forecaster.cross_validation <tsrnn.estimator.forecaster.Forecaster.cross_validation>` returns
it): MAE, RMSE, MAPE, sMAPE and MASE of every model column, per series and over every row.

MASE divides each series' absolute errors by its scale, the in-sample MAE of the seasonal-naive
forecast on the data before its first cutoff; the frame carries those scales in
``frame.attrs["tsrnn.mase_scale"]`` (``{unique_id: scale}``), which pandas may drop when a frame is
merged or concatenated: pass them again with ``mase_scale``.  Without scales MASE is left out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..base.errors import DataError
from .metrics import METRICS, mae, mape, rmse, smape

__all__ = ["KEYS", "cv_metrics"]

KEYS = ("unique_id", "ds", "cutoff", "y")  # the columns that are no model


def cv_metrics(
    frame: pd.DataFrame, per_series: bool = True, mase_scale: Mapping | None = None
) -> pd.DataFrame:
    """Every metric of every model column of ``frame``.

    Returns one row per series and metric (index ``unique_id, metric``), or with
    ``per_series=False`` one row per metric over every row of the frame; one column per model
    (``tsrnn`` and the baselines), in the data's units (MAPE and sMAPE in %, MASE a ratio).
    """
    missing = [c for c in KEYS if c not in frame.columns]
    if missing:
        raise DataError(
            f"a cross-validation frame has the columns {list(KEYS)} and one per model; "
            f"this one lacks {missing} (columns: {list(frame.columns)[:10]})"
        )
    models = [str(c) for c in frame.columns if c not in KEYS]
    if not models:
        raise DataError("this cross-validation frame has no model column beside unique_id, ds, cutoff, y")
    scales = frame.attrs.get("tsrnn.mase_scale") if mase_scale is None else mase_scale
    if per_series:
        parts = {uid: _table(rows, models, scales) for uid, rows in frame.groupby("unique_id", sort=False)}
        return pd.concat(parts, names=["unique_id", "metric"])
    return _table(frame, models, scales)


def _table(rows: pd.DataFrame, models: list[str], scales: Mapping | None) -> pd.DataFrame:
    y = rows["y"].to_numpy(np.float64)
    scale = None
    if scales is not None:
        try:
            scale = rows["unique_id"].map(dict(scales)).to_numpy(np.float64)
        except (TypeError, ValueError) as err:
            raise DataError(f"mase_scale must map each unique_id to a number: {err}") from None
    out = {}
    for m in models:
        f = rows[m].to_numpy(np.float64)
        values = {"mae": mae(y, f), "rmse": rmse(y, f), "mape": mape(y, f), "smape": smape(y, f)}
        if scale is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                scaled = np.abs(y - f) / np.where(scale > 0, scale, np.nan)
            values["mase"] = float(np.nanmean(scaled)) if np.isfinite(scaled).any() else np.nan
        out[m] = values
    table = pd.DataFrame(out)
    table.index.name = "metric"
    return table.reindex([k for k in METRICS if k in table.index])
