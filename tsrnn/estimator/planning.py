"""What an estimator's parameters imply before and while it meets data: the configs, the device,
the window, the validation span and the length checks.  Functions of a :class:`Forecaster`'s
parameters (``est``), so the facade only forwards to them."""

from __future__ import annotations

import os

import numpy as np

from ..base import checks
from ..base.config import ModelConfig, TrainConfig, auto_window
from ..base.errors import DataError, TsrnnError
from ..data.panel import Panel
from ..data.seasonal_indices import anchored
from ..data.windows import n_windows
from ..evaluation.baselines import check_ar_size
from ..evaluation.seasons import find_season
from .parameters import STRATEGIES

__all__ = [
    "STRATEGIES",
    "AUTO_VAL_FRACTION",
    "configs",
    "window_scale",
    "resolve_device",
    "validation_steps",
    "describe_validation",
    "pre_window",
    "given_window",
    "declared_season",
    "deseason_steps",
    "choose_window",
    "check_length",
    "MAX_SAMPLES",
    "MAX_THREADS_PER_CPU",
    "fit_threads",
    "check_season",
]

AUTO_VAL_FRACTION = 0.1  # val_fraction=None: this share of the steps validates, but at least the horizon
MAX_SAMPLES = (
    1_000_000  # Monte-Carlo paths: a million give quantiles to a tenth of a percent; more only cost memory
)
MAX_THREADS_PER_CPU = 4  # threads beyond the CPUs only wait on each other; far beyond, the OS refuses them


def configs(
    est, n_features: int, target_idx: list[int], window: int | None = None
) -> tuple[ModelConfig, TrainConfig]:
    """The model and training configs for ``n_features`` inputs and a window (default the one
    given, or for the automatic window the least it can be)."""
    checks.choice("strategy", est.strategy, STRATEGIES)
    horizon = 1 if est.strategy == "recursive" else est.horizon
    W = pre_window(est, window)
    check_ar_size(W, n_features)
    if not isinstance(est.highway, (bool, np.bool_)):
        raise checks.invalid("highway", f"highway must be True or False, got {est.highway!r}")
    model = ModelConfig(
        input_size=n_features,
        hidden_size=est.hidden,
        num_layers=est.layers,
        cell=est.cell,
        dropout=est.dropout,
        bidirectional=est.bidirectional,
        horizon=horizon,
        output_size=len(target_idx),
        loss=est.loss,
        quantiles=est.quantiles,
        relative=est.relative,
        targets=tuple(target_idx),
        highway=W if est.highway else 0,
        window_scale=bool(est.window_scale),
    )
    if checks.positive_int("samples", est.samples) > MAX_SAMPLES:
        raise checks.invalid(
            "samples",
            f"samples must be at most {MAX_SAMPLES}, got {est.samples}: a million Monte-Carlo paths give "
            f"the quantiles to a tenth of a percent, and more only cost memory",
        )
    training = TrainConfig(
        epochs=est.epochs,
        batch_size=256 if est.batch_size is None else est.batch_size,
        lr=est.lr,
        val_fraction=est.val_fraction,
        patience=est.patience,
        clip_norm=est.clip_norm,
        lr_patience=est.lr_patience,
        seed=est.seed,
        average_best=est.average_best,
        average_epochs=getattr(est, "_average_epochs", None),  # a holdout's refit: the evaluated fit's
    )
    return model, training


def window_scale(est, seasonal: bool, covariates: bool) -> bool:
    """Whether the network reads each window in its own scale (:class:`~tsrnn.base.config.ModelConfig`'s
    ``window_scale``): as given, or for ``window_scale=None`` where seasonal indices take a season out
    of some series (``seasonal``), every input is a target (no ``covariates`` or known inputs), the
    inputs are relative and the forecast a point forecast.

    Measured on real series (``docs/findings.md``): on deseasonalised series a window's own
    scale helps on both the benchmark's cases and the held-out ones (3-5%); on series without a
    season (yearly trends, prices) it costs more than it gives.  A covariate's effect on the target
    is in the data's units (a promotion adds so much), which a window's own scale would make vary."""
    if est.window_scale is not None:
        if not isinstance(est.window_scale, (bool, np.bool_)):
            raise checks.invalid(
                "window_scale", f"window_scale must be True, False or None, got {est.window_scale!r}"
            )
        return bool(est.window_scale)
    return bool(seasonal and not covariates and est.relative and est.loss == "mse")


def fit_threads(est) -> int:
    """The CPU threads fit trains with: ``threads``, or 1 up to hidden size 64 (whose matrices are too small
    to split) and torch's setting above; at most :data:`MAX_THREADS_PER_CPU` per CPU of this machine."""
    import torch

    if est.threads is None:
        return 1 if est.hidden <= 64 else torch.get_num_threads()
    threads = checks.positive_int("threads", est.threads)
    cpus = os.cpu_count() or 1
    if threads > MAX_THREADS_PER_CPU * cpus:
        raise checks.invalid(
            "threads",
            f"threads must be at most {MAX_THREADS_PER_CPU * cpus} ({MAX_THREADS_PER_CPU} per CPU of this "
            f"machine's {cpus}), got {threads}: more threads than CPUs only wait on each other",
        )
    return threads


def check_season(est, panel: Panel) -> None:
    """Refuse, before any work, a ``season`` longer than the longest series: a season must repeat within
    the data, and the seasonal indices and the seasonal-naive baseline hold one number per step of it."""
    if est.season is None:
        return
    for m in est.season if isinstance(est.season, (list, tuple)) else [est.season]:
        if m is None or m == 0:  # none for that target
            continue
        m = checks.positive_int("season", m)
        longest = int(panel.lengths.max())
        if m > longest:
            raise DataError(
                f"season={m} steps is longer than the {'longest ' if panel.n_series > 1 else ''}series "
                f"({longest} steps): a season must repeat within the data, and the seasonal indices and "
                f"the seasonal-naive baseline hold a number for each of its steps"
            )


def resolve_device(device: str):
    """``cpu``, ``cuda`` or ``auto``; under torchrun with CUDA, this rank's own GPU."""
    import torch

    checks.choice("device", device, ("cpu", "cuda", "auto"))
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        if not torch.cuda.is_available():
            raise TsrnnError(
                "device='cuda' was asked for, but torch finds no CUDA device; use device='cpu' or device='auto'"
            )
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", torch.cuda.current_device())))
    return torch.device("cpu")


def validation_steps(est, length: int, window: int | None = None) -> int:
    """See :meth:`Forecaster.validation_steps`; ``window``: the fit's (else :func:`pre_window`)."""
    W = pre_window(est, window)
    K = checks.positive_int("horizon", est.horizon)
    if est.val_fraction is None:
        n_val = max(int(round(length * AUTO_VAL_FRACTION)), K)
        return n_val if length - n_val >= W + K else 0
    val_fraction = checks.real("val_fraction", est.val_fraction, 0.0, 1.0, high_open=True)
    return int(round(length * val_fraction))


def describe_validation(est, length: int) -> str:
    """What :func:`validation_steps` chose for ``length`` steps, in words (for reports)."""
    n_val = validation_steps(est, length)
    if est.val_fraction is not None:
        return f"last {n_val} steps validate (val_fraction={est.val_fraction})" if n_val else "no validation"
    if not n_val:
        return (
            f"no validation: {length} steps hold too few for window={pre_window(est)} + horizon={est.horizon} "
            f"and a validation span, so every epoch trains"
        )
    why = (
        f"horizon={est.horizon}"
        if n_val == est.horizon and n_val > round(length * AUTO_VAL_FRACTION)
        else f"{AUTO_VAL_FRACTION:.0%}"
    )
    return f"last {n_val} steps validate ({why})"


def pre_window(est, window: int | None = None) -> int:
    """The window length checks use: ``window`` (a fit's, while it fits), the fitted one, or
    :func:`given_window`."""
    if window is not None:
        return window
    if "fitted_" in vars(est):
        return est.fitted_.window
    return given_window(est)


def given_window(est) -> int:
    """The window a fit starts from: the given one, or (automatic) the least
    :func:`~tsrnn.base.config.auto_window` can choose."""
    return 2 if est.window is None else checks.positive_int("window", est.window)


def declared_season(est, panel: Panel) -> int | None:
    """The season declared for the data: the ``season`` given (the longest, if one per target), else
    its calendar's (12 for months, 1 for years, ...), else None."""
    if est.season is not None:
        return max(
            int(v or 1) for v in (est.season if isinstance(est.season, (list, tuple)) else [est.season])
        )
    return panel.season


def deseason_steps(est, panel: Panel) -> int | None:
    """The season whose indices ``fit`` takes out of the targets (:mod:`tsrnn.data.seasonal_indices`): the
    declared one (:func:`declared_season`) when ``deseason`` is on, it has 2 steps or more and the
    data's steps have calendar positions (:func:`~tsrnn.data.seasonal_indices.anchored`); a season only the
    autocorrelation finds is not used (such cycles are rarely of a fixed length)."""
    if not isinstance(est.deseason, (bool, np.bool_)):
        raise checks.invalid("deseason", f"deseason must be True or False, got {est.deseason!r}")
    m = declared_season(est, panel) if est.deseason else None
    if m is None or m < 2 or not anchored(panel):  # no calendar positions: later data could not line up
        return None
    return m


def choose_window(est, panel: Panel, target_idx: list[int], indices: int | None = None) -> int:
    """The window: the given one, or :func:`~tsrnn.base.config.auto_window` from the season
    (``season``, else the calendar's, else the shortest season the autocorrelation finds among the
    targets of the longest series' training span) and the shortest training span: one season
    where the seasonal indices take that season out of the targets (``indices``, the season
    :func:`deseason_steps` gives), two where the network must see the season itself."""
    if est.window is not None:
        return checks.positive_int("window", est.window)
    train_of = {T: T - validation_steps(est, T, given_window(est)) for T in np.unique(panel.lengths).tolist()}
    m = declared_season(est, panel)
    if m is None:
        longest = int(np.argmax(panel.lengths))
        rows = panel.rows(longest)[: train_of[int(panel.lengths[longest])]]
        found = [m for m in (find_season(rows[:, j]) for j in target_idx) if m]
        m = min(found) if found else 1  # two cycles of the fastest seasonal target
    cycles = 1 if indices is not None else 2
    return auto_window(m, checks.positive_int("horizon", est.horizon), min(train_of.values()), cycles)


def check_length(est, length: int, window: int | None = None) -> tuple[int, int]:
    """See :meth:`Forecaster.check_length`; ``window``: the fit's (else :func:`pre_window`)."""
    W, K = pre_window(est, window), est.horizon
    n_val_steps = validation_steps(est, length, W)
    train_end = length - n_val_steps
    n_train = n_windows(train_end, W, K)
    if n_train < 1:
        spent = (
            "" if not n_val_steps else f", {train_end} of them for training after {n_val_steps} to validate"
        )
        raise DataError(
            f"series has {length} time steps{spent}; window={W} + horizon={K} needs "
            f"at least {W + K} training steps; use more data or a shorter window"
        )
    if n_val_steps and n_val_steps < K:
        raise DataError(
            f"the validation span has {n_val_steps} steps, fewer than horizon={K}; "
            f"use more data, a larger val_fraction, or val_fraction=None to adapt it"
        )
    return train_end, n_train
