"""The conformal calibration of a fit, and the intervals it gives (``forecast(steps, level=...)``).

A calibration needs forecasts of steps the forecasting model never read.  :func:`calibrate` takes
a copy of the estimator fitted on each series less its last ``held`` steps and forecasts from every
origin of those steps, all series in one batched pass; their residuals, divided by each series'
MASE scale, calibrate a :class:`~tsrnn.evaluation.conformal.Conformal` (``est.calibration_``) that
serves every series.  Where that copy exists already, it costs no fit: ``fit(data, holdout=H)``
(and ``tsrnn fit``, whose default is ``--holdout 0.2``) calibrates on the evaluated copy
``holdout_.model`` and its held-out steps.  With ``holdout=0`` there is no such copy: :func:`by_copy`
fits one on each series less its last ``max(validation span, horizon)`` steps, which costs one more
fit on slightly shorter series.  A model that can roll recursively (every input a target, no known
inputs) is calibrated as far ahead as the longest held-out span reaches, otherwise over its
horizon; the quantile of the scores comes from the steps of its horizon either way (far steps of a
recursive roll widen the intervals through their spread only).  :func:`intervals` turns point forecasts into bounds at given levels.
"""

from __future__ import annotations

import numpy as np

from ..base.errors import TsrnnError
from ..data.panel import Panel
from ..evaluation.conformal import Conformal, check_levels, series_scale
from . import rollout
from .fitting import fit_on_first

__all__ = ["TOO_SHORT", "calibrate", "by_copy", "intervals", "scales", "MAX_WORK"]

TOO_SHORT = "its series were too short to hold out steps for a calibration"
MAX_WORK = 4_000_000  # calibration forecasts (origins x steps) over the panel: beyond, every n-th origin


def scales(est, rows: np.ndarray) -> np.ndarray:
    """(N, O) the scale of the series at ``rows`` (positions in ``est.state_``) that residuals are
    divided by: each one's MASE scale, or its standard deviation where that is 0."""
    state = est.state_
    mase = np.stack([state.baselines[r].scale_ for r in rows.tolist()])
    std = None if state.scale is None else state.scale[rows][:, est.target_idx_]
    return series_scale(mase, std)


def calibrate(copy, panel: Panel, held: np.ndarray) -> Conformal | None:
    """The calibration from ``copy``, fitted on each series of ``panel`` less its last ``held`` (S,)
    steps, forecasting from every origin of those steps (every n-th beyond :data:`MAX_WORK`); None
    when no origin is left."""
    lengths = panel.lengths
    state = copy.state_
    rows = np.array([state.position(u) if u in state else -1 for u in panel.ids], dtype=np.int64)
    K_net = copy.model_.config.horizon
    recursive = not copy.known_idx_ and sorted(copy.target_idx_) == list(range(copy.n_features_in_))
    reach = int(held[rows >= 0].max()) if (rows >= 0).any() else 0
    K = max(K_net, reach) if recursive else K_net
    begin = lengths - held
    last = lengths - 1 if recursive else lengths - K_net  # known inputs: full horizons only
    counts = np.where(rows >= 0, np.maximum(last - begin + 1, 0), 0)
    total = int(counts.sum())
    if not total:
        return None
    stride = max(1, -(-total * K // MAX_WORK))  # ceil: every n-th origin of each series
    counts = -(-counts // stride)
    owner = np.repeat(np.arange(panel.n_series), counts)
    local = begin[owner] + stride * (
        np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    at = panel.starts[owner] + local
    predicted, _ = rollout.at_origins(copy, panel, rows, at, owner, K, quantiles=False)
    observed = local[:, None] + np.arange(K) < lengths[owner][:, None]  # (N, K)
    where = np.where(observed, at[:, None] + np.arange(K), 0)
    actual = panel.values[where][:, :, copy.target_idx_].astype(np.float64)
    residuals = np.where(observed[..., None], actual - predicted, np.nan)
    return Conformal.fit(residuals, scales(copy, rows[owner]), pooled=max(K_net, copy.horizon))


def by_copy(est, panel: Panel) -> Conformal | None:
    """The calibration of ``est`` fitted on all of ``panel`` without a held-out span: a copy (its
    parameters and window) fitted on each series less its last ``max(validation span, horizon)``
    steps, then :func:`calibrate`; None where no series can spare them."""
    lengths = panel.lengths
    spans = {T: max(est.validation_steps(T), est.horizon) for T in np.unique(lengths).tolist()}
    held = np.array([spans[T] for T in lengths.tolist()], dtype=np.int64)
    copy = fit_on_first(est, panel, lengths - held, est.window_, panel.ids[0] is not None)
    return None if copy is None else calibrate(copy, panel, held)


def intervals(est, values: np.ndarray, rows: np.ndarray, level: object) -> tuple[list[float], np.ndarray]:
    """Bounds around ``values`` (S, steps, O) of the series at ``rows``: the levels (sorted) and
    (L, 2, S, steps, O), the lower then the upper bound of each level."""
    levels = check_levels(level)
    cal = est.calibration_
    if cal is None:
        reason = est.uncalibrated_ or TOO_SHORT
        raise TsrnnError(
            f"this model has no conformal calibration for level=: {reason}; refit it (Forecaster.fit, "
            f"or tsrnn fit) to calibrate its intervals"
        )
    half = cal.half_widths(levels, values.shape[1])  # (L, steps, O) scaled
    width = half[:, None] * scales(est, rows)[None, :, None, :]  # (L, S, steps, O)
    return levels, np.stack([values[None] - width, values[None] + width], axis=1)
