"""``fit``: read the data as a panel, choose the window and the validation spans, prepare every
series at once (:func:`~tsrnn.estimator.state.prepare_panel`), train one global network over the
panel's windows, and keep the per-series state (:class:`~tsrnn.estimator.state.PanelState`)."""

from __future__ import annotations

import dataclasses
import sys
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from ..base import checks
from ..base.config import EPOCH_WINDOWS, ModelConfig, TrainConfig, auto_batch_size, auto_epochs
from ..base.errors import DataError
from ..data.known import resolve_known
from ..data.panel import Panel
from ..data.windows import make_windows, resolve_targets
from ..nn.model import RNNForecaster
from ..train.epochs import distributed_context
from ..train.forward import predict_windows
from ..train.loop import train
from ..train.resume import TrainState
from . import planning
from .fitted import Fitted
from .intake import fit_panel
from .state import continuation_specs, prepare_panel

__all__ = ["fit", "fit_on_panel", "fit_on_first", "refit_all", "kept_model", "resumable", "network_share"]

REFIT_CHECKPOINT = "refit"  # the refit's per-epoch state, inside the first fit's checkpoint directory
STATE_FILE = "training.json"  # train.resume.STATE_CONFIG: a checkpoint directory holds a complete epoch


def fit(est, data, progress=None, checkpoint_dir=None, resume: bool = False):
    """See :meth:`Forecaster.fit`."""
    panel, specs, reading = fit_panel(est, data)
    return fit_on_panel(est, panel, specs, progress, checkpoint_dir, resume, reading)


class _Plan(NamedTuple):
    """What the parameters imply for a panel, decided before any work (:func:`_plan`)."""

    positions: list[int] | None  # the targets' positions as given (None: every column)
    target_idx: list[int]
    known_idx: list[int]
    window: int
    threads: int
    indices: int | None  # the season the seasonal indices take out, if any
    model_config: ModelConfig
    train_config: TrainConfig


def fit_on_panel(
    est,
    panel: Panel,
    specs: list[dict],
    progress=None,
    checkpoint_dir=None,
    resume: bool = False,
    reading: tuple[dict | None, dict | None] = (None, None),
):
    """Fit ``est`` on a panel already read (its series named, or one series with id None) and how
    each series' time labels continue (``specs``); what refit backtests call on a truncated panel.
    ``reading``: how data given to the fitted model is read, and the fit's data report.  The
    estimator's fitted state (``fitted_``) is built once the training has ended and replaces any
    earlier one whole; a fit that fails leaves the estimator as it was."""
    plan = _plan(est, panel)
    prepared = _prepare(est, panel, specs, plan)
    model_config, train_config = _sized(est, prepared, plan.model_config, plan.train_config)
    X, Y = _windows(
        prepared, plan.window, model_config.horizon, plan.positions, planning.resolve_device(est.device)
    )
    torch.manual_seed(train_config.seed)
    model = RNNForecaster(model_config).to(X.device)
    state = _resumed(checkpoint_dir) if resume else None
    writes = checkpoint_dir is not None and distributed_context()[0] == 0  # only rank 0 writes
    rows_type = np.int32 if panel.values.shape[0] < 2**31 else np.int64  # int32 halves the index memory
    as_index = lambda rows: torch.from_numpy(rows.astype(rows_type))  # noqa: E731
    previous = torch.get_num_threads()
    torch.set_num_threads(plan.threads)
    try:
        history = train(
            model,
            X,
            Y,
            train_config,
            progress=sys.stderr.isatty() if progress is None else progress,
            resume=state,
            on_epoch=(lambda st: st.save(checkpoint_dir)) if writes else None,
            train_index=as_index(prepared.train_index),
            val_index=as_index(prepared.val_index),
        )
        history.val_mse, history.linear_val_mse = network_share(model, X, Y, prepared.val_index)
        _say_bounded(est, history, train_config, len(prepared.train_index))
    finally:
        torch.set_num_threads(previous)
    model = model.cpu()
    if plan.threads != previous:  # torch's thread pools and buffers are cold for the restored setting:
        predict_windows(model, X[:1024].cpu())  # one inference pass here, not in the first forecast
    est.fitted_ = _state(panel, plan, prepared, model, train_config.batch_size, history, reading)
    return est


def _state(panel: Panel, plan: _Plan, prepared, model, batch_size: int, history, reading) -> Fitted:
    """The fitted state of a fit on ``panel``: no calibration of its own (Forecaster.fit calibrates
    after it, :mod:`.calibration`)."""
    return Fitted(
        model=model,
        state=prepared.state,
        long=panel.ids[0] is not None,
        features=tuple(panel.columns),
        target_idx=tuple(plan.target_idx),
        known_idx=tuple(plan.known_idx),
        window=plan.window,
        batch_size=batch_size,
        history=history,
        reading=reading[0],
        report=reading[1],
        uncalibrated="it was fitted on a panel without its calibration (fit_on_panel)",
    )


def _plan(est, panel: Panel) -> _Plan:
    """What the parameters imply for ``panel``, checked before any work: the target positions (None:
    every column), the future-known columns, the window, the threads, the seasonal indices' season,
    and the model and training configs."""
    targets = est.targets
    if targets is None and panel.ids[0] is not None:  # long data: its y
        from ..data.frames import LONG_TARGET

        targets = [LONG_TARGET]
    positions = resolve_targets(targets, panel.columns)
    n_features = len(panel.columns)
    target_idx = list(range(n_features)) if positions is None else positions
    known_idx = resolve_known(est.known, list(panel.columns), target_idx, est.strategy)
    planning.check_season(est, panel)
    threads = planning.fit_threads(est)  # refused before any work
    indices = planning.deseason_steps(est, panel)  # the season the seasonal indices take out, if any
    window = planning.choose_window(est, panel, target_idx, indices)
    configs = planning.configs(est, n_features + len(known_idx), target_idx, window)
    if est.strategy == "recursive" and sorted(target_idx) != list(range(n_features)):
        raise DataError(
            f"strategy='recursive' feeds each forecast back as input, so every feature must "
            f"be a target; targets {targets!r} leave out some of {panel.columns}"
        )
    return _Plan(positions, target_idx, known_idx, window, threads, indices, *configs)


def _prepare(est, panel: Panel, specs: list[dict], plan: _Plan):
    """Every series prepared at once for windows of ``plan.window`` steps forecasting the horizon."""
    W = plan.window
    return prepare_panel(
        panel,
        W,
        plan.model_config.horizon,
        est.horizon,
        plan.target_idx,
        est.scale,
        lambda T: planning.validation_steps(est, T, window=W),
        lambda T: planning.check_length(est, T, window=W),
        est.season,
        specs,
        plan.known_idx,
        plan.indices,
    )


def _sized(est, prepared, model_config, train_config):
    """The configs completed by what the prepared panel shows: the window scale (off where seasonal
    indices are active), and in automatic batches their size and the epochs' bound on a large panel
    (:func:`~tsrnn.base.config.auto_epochs`; not for a holdout's refit, which repeats the evaluated
    fit's epochs)."""
    model_config = dataclasses.replace(
        model_config,
        window_scale=planning.window_scale(
            est,
            prepared.state.seasonality.active,
            covariates=model_config.input_size > model_config.outputs,
        ),
    )
    if est.batch_size is None:
        n = len(prepared.train_index)
        epochs = (
            train_config.epochs if getattr(est, "_repeats", False) else auto_epochs(train_config.epochs, n)
        )
        train_config = dataclasses.replace(train_config, batch_size=auto_batch_size(n), epochs=epochs)
    return model_config, train_config


def _say_bounded(est, history, train_config, n: int) -> None:
    """A training that finished the fewer epochs of automatic batches on a large panel says why."""
    if train_config.epochs < est.epochs and history.stop_reason == "finished":
        history.stop_reason = (
            f"finished: {train_config.epochs} epochs, not {est.epochs}: {n:,} training windows in automatic "
            f"batches of {train_config.batch_size:,} read no more than {est.epochs} epochs of "
            f"{EPOCH_WINDOWS:,} would"
        )


def _windows(prepared, W: int, K: int, positions, device) -> tuple[torch.Tensor, torch.Tensor]:
    """The windows over the prepared series on ``device``: (N, W, F) inputs and (N, K, O) targets,
    views of one copy of the series (some windows cross series, but no index ever picks those)."""
    with warnings.catch_warnings():  # a read-only panel (scale=False, no indices) is only read: no copy
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        series_t = torch.from_numpy(np.ascontiguousarray(prepared.scaled, dtype=np.float32))
    X, Y = make_windows(series_t, W, K, positions)
    return X.to(device), Y.to(device)


def _resumed(checkpoint_dir):
    """The training state an interrupted fit wrote to ``checkpoint_dir``."""
    if checkpoint_dir is None:
        raise checks.invalid("resume", "resume=True needs the checkpoint_dir that the interrupted fit wrote")
    return TrainState.load(checkpoint_dir)[0]


def fit_on_first(
    est,
    panel: Panel,
    n: np.ndarray,
    window: int | None,
    long: bool,
    needed=(),
    where: str = "",
    reading: dict | None = None,
):
    """A copy of ``est`` (its parameters, ``window`` and reading) fitted on the first ``n`` (S,)
    steps of every series of ``panel`` (:meth:`Panel.take <tsrnn.data.panel.Panel.take>`): what
    refit backtests, cross-validation and the conformal calibration fit.  ``long``: the series are
    the long layout's (else one series, which refits as the single series it is).  Series too short
    to fit on theirs are left out, unless they are ``needed`` (positions), which is a
    :class:`DataError` (``where`` says which refit); None when every series is left out.  The copy
    reads data as ``reading`` says (default: as ``est``, fitted, reads it)."""
    fresh = type(est)(**dict(est.get_params(), window=window))  # the estimator's own class: no import of it
    n = np.asarray(n, dtype=np.int64)
    names = list(panel.ids) if long else [None]
    keep, needs = n > 0, np.isin(np.arange(panel.n_series), np.asarray(needed, dtype=np.int64))
    for s in np.flatnonzero(keep | needs).tolist():
        try:
            fresh.check_length(int(n[s]))
        except DataError as err:
            if needs[s]:
                who = "" if names[s] is None else f"series {names[s]!r}: "
                raise DataError(f"refit{where}: {who}{err}") from None
            keep[s] = False
    kept = np.flatnonzero(keep)
    if not kept.size:
        return None
    past = dataclasses.replace(panel.take(kept, stop=n[kept]), ids=[names[s] for s in kept.tolist()])
    if reading is None and "fitted_" in vars(est):
        reading = est.fitted_.reading
    fit_on_panel(fresh, past, continuation_specs(past), progress=False, reading=(reading, None))
    return kept_model(fresh, past)  # as fit keeps it: a panel refit on every step


def resumable(resume: bool, directory: Path | None) -> bool:
    """Whether a fit checkpointed to ``directory`` resumes there: asked to, and a complete epoch is there."""
    return resume and directory is not None and (directory / STATE_FILE).is_file()


def refit_all(est, evaluated, panel: Panel, progress=None, ckpt: Path | None = None, resume: bool = False):
    """A copy of ``est`` (its parameters, ``evaluated``'s window and reading) fitted on all of
    ``panel`` for the evaluated fit's best epoch count and no validation span, averaging the weights
    of the same epochs as it did (``history_.averaged``); its checkpoints under ``ckpt``/refit."""
    history = evaluated.history_
    averaged = [e for e in history.averaged if e <= len(history.records)]
    epochs = max(averaged, default=history.best_epoch or len(history.records))
    refit = type(est)(**est.get_params()).set_params(
        epochs=epochs, val_fraction=0.0, window=evaluated.window_
    )
    refit._average_epochs = tuple(averaged) or None  # its weights: the same epochs' average
    refit._repeats = True  # those epochs as they are, in automatic batches too (no auto_epochs bound)
    again = None if ckpt is None else ckpt / REFIT_CHECKPOINT
    first = evaluated.fitted_
    specs = continuation_specs(panel)
    return fit_on_panel(
        refit, panel, specs, progress, again, resumable(resume, again), (first.reading, first.report)
    )


def kept_model(est, panel: Panel, progress=None, ckpt: Path | None = None, resume: bool = False):
    """The model a fit keeps of ``est``, fitted on ``panel``: for a panel (long data) that had a
    validation span, a copy refit on every step for its best epochs (:func:`refit_all`; a panel's
    spans choose the epochs on every series at once, so the count carries over), which reports
    ``est``'s network share; else ``est`` itself."""
    if panel.ids[0] is None or est.history_.val_mse is None:
        return est
    refit = refit_all(est, est, panel, progress, ckpt, resume)
    first = est.history_  # the network's share, as the fit that validated measured it
    history = dataclasses.replace(refit.history_, val_mse=first.val_mse, linear_val_mse=first.linear_val_mse)
    refit.fitted_ = dataclasses.replace(refit.fitted_, history=history)
    return refit


@torch.no_grad()
def network_share(
    model: RNNForecaster, X: torch.Tensor, Y: torch.Tensor, index: np.ndarray, chunk: int = 8192
) -> tuple[float | None, float | None]:
    """The validation MSE (scaled units) of ``model``'s point forecast and of its linear part alone
    (:meth:`~tsrnn.nn.model.RNNForecaster.linear_part`) over the windows ``X[index]`` (N, W, F)
    against ``Y[index]`` (N, K, O); (None, None) without validation windows."""
    if len(index) == 0:
        return None, None
    was_training = model.training
    model.eval()
    full = linear = 0.0
    try:
        for i in range(0, len(index), chunk):
            rows = torch.from_numpy(np.asarray(index[i : i + chunk], dtype=np.int64)).to(X.device)
            x, y = X[rows], Y[rows]  # (n, W, F), (n, K, O)
            full += float(((model(x) - y) ** 2).sum())
            linear += float(((model.linear_part(x) - y) ** 2).sum())
    finally:
        model.train(was_training)
    points = len(index) * Y[0].numel()
    return full / points, linear / points
