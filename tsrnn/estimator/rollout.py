"""Running a fitted network on panel rows: the network's inputs, scaling by each series' own
statistics, the one recursive roll, and the forecast distribution, all batched over series.

Every function takes the fitted estimator ``est`` and reads only its public fitted attributes
(``model_``, ``state_``, ``window_``, ``target_idx_``, ``known_idx_``, ``feature_names_in_``,
``input_names_``).  Rows of a panel belong to series by ``codes`` (one per row) or ``rows`` (one
per window): positions in ``est.state_``; a single series is position 0.  A model with seasonal
indices (:mod:`tsrnn.data.seasonal_indices`) also needs each row's calendar step number (``steps``) and
each forecast's first step (``first``), so the season comes out of the inputs and back onto the
outputs at the right positions.

Shapes: N windows, W window, F inputs (features, then each known column's lead), K steps,
O targets, Q quantile levels, S samples.
"""

from __future__ import annotations

import numpy as np
import torch

from ..base import checks
from ..base.errors import DataError
from ..data.known import lead_columns
from ..data.seasonal_indices import first_steps
from ..evaluation.probabilistic import Distribution, sample_paths
from ..train.forward import predict_windows, roll_windows

__all__ = [
    "network_inputs",
    "row_steps",
    "tail_steps",
    "scaled",
    "unscale",
    "check_steps",
    "roll",
    "distribution",
    "paths",
    "at_origins",
    "MAX_STEPS",
    "MAX_PATH_BYTES",
]

MAX_STEPS = 1_000_000  # steps of one forecast
MAX_PATH_BYTES = 4 * 2**30  # Monte-Carlo paths and the windows they roll, drawn at once


def network_inputs(
    est, values: np.ndarray, future: np.ndarray | None = None, placeholder: float | None = None, lengths=None
) -> np.ndarray:
    """The network's inputs for ``values`` (T, F): with known covariates, their leads appended
    (T, F + Fk), the last K steps of each series (``lengths``) reading ``future`` (S, K, Fk);
    without ``future`` those are ``placeholder``, or NaN (refused if a forecast reads them)."""
    if not est.known_idx_:
        return values
    lead = lead_columns(values, est.known_idx_, est.model_.config.horizon, lengths, future)
    if placeholder is not None:
        lead = np.where(np.isnan(lead), np.float32(placeholder), lead)
    return np.concatenate([values, lead], axis=1)


def row_steps(panel, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's series position in the fitted state (T_total,) and calendar step number
    (T_total,), for the rows of ``panel`` whose series are at ``rows`` (S,) of the state."""
    codes, within = panel.positions()
    return rows[codes], first_steps(panel)[codes] + within


def tail_steps(after: np.ndarray, n: int) -> np.ndarray:
    """(S * n,) the calendar steps of each series' last ``n`` rows, series after series, from the
    step that follows each one (``after``, (S,))."""
    return (np.asarray(after, dtype=np.int64)[:, None] - n + np.arange(n)).ravel()


def scaled(
    est, values: np.ndarray, codes: np.ndarray | None = None, steps: np.ndarray | None = None
) -> torch.Tensor:
    """Inputs ``values`` (n, F) of the series at positions ``codes`` (n,; default the first
    series), at calendar steps ``steps`` (n,; needed when the model has seasonal indices),
    deseasonalised and scaled by each one's training statistics, checked, as a tensor."""
    if est.known_idx_ and np.isnan(values[:, est.n_features_in_ :]).any():
        names = [est.feature_names_in_[i] for i in est.known_idx_]
        raise DataError(
            f"these forecasts read the known input(s) {names} beyond the end of the data; pass "
            f"their values over the next {est.model_.config.horizon} steps with future="
        )
    state = est.state_
    codes = np.zeros(values.shape[0], np.int64) if codes is None else codes
    if state.seasonality.active and steps is None:
        raise ValueError("a model with seasonal indices needs the calendar step of every row it scales")
    values = state.seasonality.remove_columns(values, est.target_idx_, codes, steps)
    with np.errstate(all="ignore"):  # an overflow to inf is reported below
        out = state.scale_rows(values, codes)
    if not np.isfinite(out).all():
        row, col = (int(i) for i in np.argwhere(~np.isfinite(out))[0])
        uid = state.ids[codes[row]]
        series = "" if uid is None else f" of series {uid!r}"
        raise DataError(
            f"data value {float(values[row, col]):.6g} at row {row}{series}, column {est.input_names_[col]!r} "
            f"overflows float32 when scaled by the training statistics (mean "
            f"{state.mean[codes[row], col]:.4g}, scale {state.scale[codes[row], col]:.4g}); it lies far "
            f"outside the range the model was fitted on"
        )
    return torch.from_numpy(np.ascontiguousarray(out, dtype=np.float32))


def unscale(est, y, rows: np.ndarray | None = None, first: np.ndarray | None = None) -> np.ndarray:
    """Scaled outputs ``y`` (N, ..., K, O) of the series at positions ``rows`` (N,; default the
    first) back in each one's units, with the season of the steps forecast: ``first`` (N,) is the
    calendar step of each output's first step (needed when the model has seasonal indices)."""
    y = y.numpy() if isinstance(y, torch.Tensor) else y
    rows = np.zeros(y.shape[0], np.int64) if rows is None else rows
    out = est.state_.unscale_rows(y, rows, est.target_idx_)
    return est.state_.seasonality.restore(out, rows, _ahead(est, first, y))


def _ahead(est, first: np.ndarray | None, y: np.ndarray | torch.Tensor) -> np.ndarray | None:
    """(N, K) calendar steps of outputs ``y`` (N, ..., K, O) that start at ``first`` (N,)."""
    if not est.state_.seasonality.active:
        return None
    if first is None:
        raise ValueError(
            "a model with seasonal indices needs the calendar step of each forecast's first step"
        )
    return np.asarray(first, dtype=np.int64)[:, None] + np.arange(y.shape[-2])


def check_steps(est, steps) -> int:
    """``steps`` as an int; beyond the network's horizon the roll is recursive, which needs every
    input feature to be a target."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise checks.invalid("steps", f"steps must be an integer >= 1, got {steps!r}")
    if steps > MAX_STEPS:
        raise checks.invalid(
            "steps",
            f"steps must be at most {MAX_STEPS}, got {steps}: each step past the network's horizon is one "
            f"more pass of the network, and a recursive forecast that far ahead has long forgotten the data",
        )
    k = est.model_.config.horizon
    if steps > k and sorted(est.target_idx_) != list(range(est.n_features_in_)):
        covariates = [n for i, n in enumerate(est.feature_names_in_) if i not in est.target_idx_]
        raise DataError(
            f"a forecast of {steps} steps, beyond the network's horizon of {k}, is recursive "
            f"and would need future values of the non-target features {covariates}; "
            f"forecast at most {k} steps"
        )
    return int(steps)


def roll(est, X: torch.Tensor, steps: int) -> torch.Tensor:
    """Scaled point forecasts (N, steps, O) from scaled windows ``X`` (N, W, F)."""
    steps = check_steps(est, steps)
    return roll_windows(lambda x: predict_windows(est.model_, x), X, steps, est.target_idx_)


def paths(
    est,
    X: torch.Tensor,
    steps: int,
    samples: int | None = None,
    seed: int | None = None,
    rows: np.ndarray | None = None,
    first: np.ndarray | None = None,
) -> np.ndarray:
    """Monte-Carlo paths (S, N, steps, O) in each series' units from scaled windows ``X`` (N, W, F)
    whose forecasts start at calendar steps ``first`` (N,)."""
    S = checks.positive_int("samples", est.samples if samples is None else samples)
    n_steps = check_steps(est, steps)
    need = (
        4 * S * X.shape[0] * (n_steps * len(est.target_idx_) + X.shape[1] * X.shape[2])
    )  # float32 paths, windows
    if need > MAX_PATH_BYTES:
        raise DataError(
            f"samples={S} paths x {X.shape[0]} window(s) x {n_steps} steps need about {need / 2**30:.1f} GiB, "
            f"beyond tsrnn's limit of {MAX_PATH_BYTES // 2**30} GiB for sample paths; draw fewer samples, or "
            f"forecast fewer steps or series at once"
        )
    seed = est.seed if seed is None else checks.positive_int("seed", seed, minimum=0)
    drawn = sample_paths(est.model_, X, n_steps, S, seed, est.target_idx_).numpy()
    return np.moveaxis(unscale(est, np.moveaxis(drawn, 0, 1), rows, first), 0, 1)


def distribution(
    est,
    X: torch.Tensor,
    steps: int,
    rows: np.ndarray | None = None,
    samples: int | None = None,
    seed: int | None = None,
    first: np.ndarray | None = None,
) -> Distribution | None:
    """The forecast distribution ``steps`` ahead of each scaled window of ``X`` (N, W, F), in the
    units of the series at ``rows`` (forecasts starting at calendar steps ``first``); None for a
    point (MSE) model.

    Steps the network's head emits get its own quantiles (and a Gaussian's mean and scale); with
    more steps, ``samples`` paths drawn with ``seed`` (defaults: the estimator's) cover every step
    and give the quantiles past the head's steps.
    """
    model = est.model_
    head = model.distribution
    if head is None:
        return None
    k, levels = model.config.horizon, head.levels
    n_steps = check_steps(est, steps)
    rows = np.zeros(X.shape[0], np.int64) if rows is None else rows
    params = predict_windows(model, X, distribution=True)[:, :n_steps]  # (N, min(k, steps), O, P)
    quantiles = head.quantiles(params).numpy()  # (N, ., O, Q) scaled
    drawn = None
    if n_steps > k:
        drawn = paths(est, X, n_steps, samples, seed, rows, first)  # (S, N, steps, O) in units
        beyond = np.moveaxis(np.quantile(drawn[:, :, k:], levels, axis=0), 0, -1)  # (N, steps-k, O, Q)
    quantiles = np.moveaxis(
        unscale(est, np.moveaxis(quantiles, -1, 1), rows, first), 1, -1
    )  # units, per series
    if drawn is not None:
        quantiles = np.concatenate([quantiles, beyond.astype(np.float32)], axis=1)
    mean = sd = None
    if model.config.loss == "gaussian" and n_steps <= k:
        mean = unscale(est, params[..., 0], rows, first)
        scale = 1.0 if est.state_.scale is None else est.state_.scale[rows][:, est.target_idx_][:, None, :]
        sd = est.state_.seasonality.factor(
            params[..., 1].numpy() * scale, rows, _ahead(est, first, params[..., 1])
        )
    return Distribution(levels, quantiles, drawn, mean, sd)


def at_origins(
    est, panel, rows: np.ndarray, at: np.ndarray, owner: np.ndarray, K: int, quantiles: bool = True
) -> tuple[np.ndarray, Distribution | None]:
    """The model's forecasts (N, K, O) in the data's units, and its distribution (None for a point
    model, or without ``quantiles``), from every origin ``at`` (N,; rows of ``panel``, each the first
    step forecast) of the series ``owner`` (N,), in one batched pass; ``rows`` (S,): each series'
    position in ``est.state_``, -1 for one it lacks (and reads no origin of)."""
    codes, steps = row_steps(panel, rows)
    # no scored window reads a placeholder: known inputs are read only up to each origin's horizon
    inputs = network_inputs(est, panel.values, placeholder=0.0, lengths=panel.lengths)
    if (rows >= 0).all():
        rows_in = scaled(est, inputs, codes, steps)
    else:  # a refitted copy without some series: their rows stay unread zeros
        seen = codes >= 0
        rows_in = torch.zeros(inputs.shape)
        rows_in[torch.from_numpy(seen)] = scaled(est, inputs[seen], codes[seen], steps[seen])
    X = rows_in[at[:, None] + np.arange(-est.window_, 0)]  # (N, W, F)
    first = steps[at]  # each origin's own step: the first one forecast
    return (
        unscale(est, roll(est, X, K), rows[owner], first),
        distribution(est, X, K, rows[owner], first=first) if quantiles else None,
    )
