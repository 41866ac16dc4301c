"""The parameters of :class:`~tsrnn.estimator.forecaster.Forecaster`, declared once.

:class:`Parameters` holds every estimator parameter as a keyword-only dataclass field: its type,
its default, and a :class:`Spec` (group, what values it takes, the command line's short help and
the docstring's description).  From this one table come the estimator's constructor and
``get_params``, the one check of the values (:func:`check`, run by ``fit``), the numpydoc
"Parameters" section of ``help(Forecaster)`` (:data:`DOC`), and the command line's options
(``tsrnn.cli`` builds ``fit``, ``compare`` and ``shapes`` options from :func:`specs`), so the
defaults, choices and ranges are the same everywhere.  What the values imply for a fit is
:mod:`.planning`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from ..base.config import CELLS, DEFAULT_LEVELS, LOSSES
from .spec import Spec, check_value, numpydoc, param

__all__ = ["Parameters", "Spec", "DOC", "GROUPS", "check", "specs"]

GROUPS = ("model", "training", "data")
STRATEGIES = ("direct", "recursive")
DEVICES = ("cpu", "cuda", "auto")


@dataclass(kw_only=True, eq=False, repr=False)
class Parameters:
    """Every parameter of the estimator, keyword-only, with its default and :class:`Spec`."""

    # -- model ------------------------------------------------------------------------------------
    hidden: int = param(
        15, "model", "int", "Hidden units per layer, H.", "H, hidden units per layer (and direction).", low=1
    )
    layers: int = param(
        2, "model", "int", "Stacked recurrent layers, L.", "L, stacked recurrent layers.", low=1
    )
    cell: str = param(
        "lstm",
        "model",
        "choice",
        "Recurrent cell.",
        "Recurrent cell; the LSTM by default (on real series it beat the others, ``benchmarks/results/real.md``).",
        choices=CELLS,
    )
    window: int | None = param(
        None,
        "model",
        "int",
        "Past steps per input window, T.",
        "W, past steps each forecast reads.  ``None`` chooses it from the season m and the length "
        "(:func:`~tsrnn.base.config.auto_window`): ``max(2m, horizon, 4)``, or one season, "
        "``max(m, horizon, 4)``, where the seasonal indices take the season out (``deseason``), at most "
        "half of the shortest training span; m is ``season``, or the calendar's season, or for integer "
        "steps the shortest season the autocorrelation finds among the targets.  ``window_`` is the "
        "window used.",
        low=1,
        none=True,
        auto="two seasons (one where the seasonal indices take a season out), at least the horizon and 4, at most half "
        "the training span",
    )
    horizon: int = param(
        1, "model", "int", "Steps predicted at once, K.", "K, steps the network predicts at once.", low=1
    )
    dropout: float = param(
        0.0,
        "model",
        "float",
        "Dropout between stacked layers (needs 2 layers or more).",
        "Dropout between stacked layers (needs ``layers >= 2``).",
        low=0.0,
        high=1.0,
        high_open=True,
    )
    bidirectional: bool = param(
        False,
        "model",
        "bool",
        "Read windows in both directions (D = 2).",
        "Read each window in both directions.",
        off="unidirectional",
    )
    relative: bool = param(
        True,
        "model",
        "bool",
        "Read each window relative to its last value (real series trend out of the training range); "
        "absolute inputs for streaming.",
        "Read each window relative to its last value and forecast the change from it: real series "
        "trend beyond the range seen in training (see :class:`~tsrnn.base.config.ModelConfig`).  "
        "Streaming (:meth:`start`, :meth:`step`) needs ``relative=False``.",
        off="absolute",
    )
    highway: bool = param(
        True,
        "model",
        "bool",
        "Add a linear autoregressive highway beside the network: each target's forecast also gets a "
        "learned linear function of its own last window of values.",
        "Add a linear autoregressive highway beside the network (as in LSTNet): each target's forecast "
        "also gets a learned linear function of its own last ``window`` values, so the linear part of "
        "the dynamics is fitted at once and the network learns what is left.  On noisy periodic data it "
        "is most of the accuracy; ``False`` gives the network alone.",
        off="no-highway",
    )
    window_scale: bool | None = param(
        None,
        "model",
        "bool",
        "Divide each window's changes by its own scale (mean absolute step change) and multiply the "
        "forecast back.",
        "Read each window's targets in the window's own scale as well as relative to its last value: "
        "their changes divided by the window's mean absolute step-to-step change, and the forecast "
        "change multiplied back (as RevIN normalises each instance), so a series whose swings grow with "
        "its level reads alike at every level.  ``None`` turns it on where seasonal indices take a "
        "season out of some series and every input is a target (no covariates or known inputs), with "
        "``relative`` inputs and ``loss='mse'``: measured on real series, it helps deseasonalised ones "
        "and costs yearly trends and prices (``docs/findings.md``).  "
        "``model_.config.window_scale`` says what fit chose.",
        none=True,
        auto="on where seasonal indices take a season out and there are no covariates",
        off="no-window-scale",
    )
    deseason: bool = param(
        True,
        "model",
        "bool",
        "Take each series' season out of its targets before the network reads them, where the "
        "autocorrelation test finds it, and put it back on the forecasts.",
        "Take each series' season out of its targets before the network reads them and put it back on "
        "the forecasts, as the M4 benchmarks and ES-RNN do: where the calendar (or ``season``) gives a "
        "season m of 2 steps or more, the training span holds two seasons and the 90% autocorrelation "
        "test at lag m finds it (and the indices explain some of the detrended variance, which a random "
        "walk's do not), classical seasonal indices (multiplicative when every training value is "
        "positive, else additive) are fitted per series and aligned on the calendar "
        "(:mod:`tsrnn.data.seasonal_indices`), so data given later lines up by its time labels (a calendar "
        "without step numbers, such as business hours or semi-months, gets no indices); data without "
        "labels (an array) counts its steps from its first row, so give arrays that start where the "
        "fitted series started, or a multiple of m steps later.  A season that drifts (its first and "
        "second half differ) is fitted on the validation span too, and the training inputs lose each "
        "year's season as it was that year.  ``seasonality_`` says what each series got.",
        off="no-deseason",
    )
    strategy: str = param(
        "direct",
        "model",
        "choice",
        "direct: the head emits the horizon's steps at once; recursive: one step, fed back.",
        "``direct``: the head emits all ``horizon`` steps at once.  ``recursive``: the network learns "
        "one step and forecasts ``horizon`` steps by feeding each forecast back as the next input "
        "(every feature must then be a target).  Forecasts beyond the horizon are recursive either way.",
        choices=STRATEGIES,
    )
    loss: str = param(
        "mse",
        "model",
        "choice",
        "Point forecasts (mse); a Gaussian mean and scale by negative log-likelihood (gaussian); or "
        "quantiles by pinball loss (quantile).",
        "``mse``: point forecasts.  ``gaussian``: a mean and a scale per step, trained by negative "
        "log-likelihood.  ``quantile``: one forecast per level of ``quantiles``, trained by pinball "
        "loss, never crossing.  Probabilistic models add quantile columns to :meth:`forecast`, give "
        ":meth:`predict_quantiles` and :meth:`sample_paths`, and their backtests report calibration.",
        choices=LOSSES,
    )
    quantiles: Sequence[float] | None = param(
        None,
        "model",
        "levels",
        "Quantile levels, sorted, space-separated after the option (with the gaussian or quantile loss).",
        "Levels strictly inside (0, 1), sorted: the quantile head's outputs, or the Gaussian's reported "
        f"quantiles; ``None`` takes {', '.join(map(str, DEFAULT_LEVELS[:-1]))} and {DEFAULT_LEVELS[-1]}.  "
        "Only with a probabilistic ``loss``.",
        none=True,
        auto=" ".join(map(str, DEFAULT_LEVELS)),
    )
    samples: int = param(
        100,
        "model",
        "int",
        "Monte-Carlo sample paths where the head does not give a step (recursive, or beyond the horizon).",
        "Monte-Carlo sample paths drawn (seeded by ``seed``) where the head does not give the step "
        "itself: a recursive strategy, or a forecast beyond the horizon.",
        low=1,
    )
    # -- training ---------------------------------------------------------------------------------
    epochs: int = param(60, "training", "int", "Maximum training epochs.", "Maximum training epochs.", low=1)
    batch_size: int | None = param(
        None,
        "training",
        "int",
        "Windows per optimizer step.",
        "Windows per optimizer step.  ``None`` takes 256 windows, or fewer on a short series so that an "
        "epoch has at least 8 steps (:func:`~tsrnn.base.config.auto_batch_size`); beyond 16,384 training "
        "windows, more so that an epoch has 64 steps, and then fewer epochs than ``epochs``, so that "
        "training reads no more windows than ``epochs`` epochs of 16,384 would "
        "(:func:`~tsrnn.base.config.auto_epochs`; a holdout's refit repeats the evaluated fit's epochs); "
        "``batch_size_`` is what fit used.",
        low=1,
        none=True,
        auto="256, or fewer so that an epoch takes at least 8 steps; beyond 16,384 windows 64 steps an "
        "epoch and fewer epochs",
    )
    lr: float = param(
        1e-2,
        "training",
        "float",
        "Adam learning rate.",
        "Adam's learning rate.",
        low=0.0,
        high=10.0,
        low_open=True,
    )
    val_fraction: float | None = param(
        None,
        "training",
        "float",
        "Share of the training steps, at their end, used for early stopping.",
        "Share of the training steps, at their end, that validate (early stopping).  ``None`` adapts the "
        "validation span to the horizon and the length: 10% of the steps, but at least ``horizon``, and "
        "none when the rest could not hold a training window (:meth:`validation_steps`; the report says "
        "what it chose); 0 trains without validation.",
        low=0.0,
        high=1.0,
        high_open=True,
        none=True,
        auto="10%, but at least the horizon's steps, and none when the series is too short for both",
    )
    patience: int | None = param(
        10,
        "training",
        "int",
        "Epochs without a better validation loss before stopping.",
        "Epochs without a better validation loss before training stops (None: never early).",
        low=1,
        none=True,
    )
    lr_patience: int | None = param(
        3,
        "training",
        "int",
        "Epochs without a better validation loss before the learning rate is halved.",
        "Epochs without a better validation loss before the learning rate is halved (None: never).",
        low=1,
        none=True,
    )
    clip_norm: float | None = param(
        1.0,
        "training",
        "float",
        "Gradients are clipped to this norm.",
        "Gradients are clipped to this global norm (None: not clipped).",
        low=0.0,
        low_open=True,
        none=True,
    )
    average_best: int = param(
        3,
        "training",
        "int",
        "Average the weights of this many epochs with the lowest validation losses (1: the best epoch's alone).",
        "The trained model averages the weights of this many epochs with the lowest validation losses "
        "(``history_.averaged`` names them; 1 keeps the best epoch's alone).",
        low=1,
    )
    seed: int = param(
        0,
        "training",
        "int",
        "Seed of the data, weights and shuffling.",
        "Seed of the weights, the shuffling and the sample paths: a fit on the CPU is reproducible from it.",
        low=0,
    )
    threads: int | None = param(
        None,
        "training",
        "int",
        "CPU threads for training.",
        "CPU threads for training.  ``None`` picks 1 for hidden sizes up to 64, whose matrices are too "
        "small to split (more threads then only wait on each other, and slow down badly when other "
        "programs share the cores), else torch's default.  Torch's setting is restored afterwards.",
        low=1,
        none=True,
        auto="1 up to 64 hidden units, else torch's default",
    )
    device: str = param(
        "cpu",
        "training",
        "choice",
        "Where to train; under torchrun each rank takes its own GPU.",
        "Where to train (``auto``: CUDA when available).  The fitted model is returned to the CPU, "
        "where forecasting runs.",
        choices=DEVICES,
    )
    # -- data ---------------------------------------------------------------------------------------
    targets: Sequence[str | int] | None = param(
        None,
        "data",
        "columns",
        "Columns to forecast, comma-separated.",
        "Columns to forecast (O of them), by name or position; default every column (``y`` for long data).",
        none=True,
        auto="every input; y for long data",
    )
    known: Sequence[str] | None = param(
        None,
        "data",
        "columns",
        "Input columns whose future values are known (holidays, promotions, prices), comma-separated: "
        "the network reads them over the steps it forecasts; forecasts then need their future values.",
        "Input columns whose future values are known in advance (holidays, promotions, prices set "
        "ahead): the network also reads their values over the steps it forecasts (see "
        ":mod:`tsrnn.data.known`), and :meth:`forecast` then needs them, ``future=``.  They must not be "
        "targets.  Other non-target inputs are past-only covariates.",
        none=True,
    )
    scale: bool = param(
        True,
        "data",
        "bool",
        "Standardise each column with statistics of the training span only.",
        "Standardise each column with statistics of the training span only.",
        off="no-scale",
    )
    season: int | Sequence[int] | None = param(
        None,
        "data",
        "season",
        "Season in steps, for the seasonal indices, the seasonal-naive baseline and the MASE scale.",
        "Season (steps) of each target for the seasonal indices, the seasonal-naive baseline and the MASE "
        "scale; None takes the calendar's (12 monthly, 4 quarterly, 52 weekly, 7 daily, 24 hourly, 48 "
        "half-hourly, none yearly) unless the training span's autocorrelation finds a clearly stronger "
        "one, and for integer steps the autocorrelation's.",
        low=1,
        none=True,
        auto="the calendar's, or found from the data",
    )


def specs(*groups: str) -> list[tuple[str, Any, Spec]]:
    """``(name, default, spec)`` of every parameter of ``groups`` (default all), in the table's order."""
    return [
        (f.name, f.default, f.metadata["spec"])
        for f in fields(Parameters)
        if not groups or f.metadata["spec"].group in groups
    ]


_ATTRIBUTES = """\
Attributes
----------
fitted_ : Fitted
    The one fitted state (:class:`~tsrnn.estimator.fitted.Fitted`), built whole by ``fit`` or
    ``load`` and never changed by any other method; the attributes below are read-only views of it
    (assigning one is an AttributeError; lists and mappings are shown as copies).
model_ : RNNForecaster
history_ : History
    What training did (``records``, ``best_epoch``, ``stop_reason``, ``averaged``) and the network's
    share: ``val_mse``, the fitted model's validation MSE of its point forecast (scaled units),
    against ``linear_val_mse``, that of its linear part alone (the highway and the window's level,
    the recurrent branch zeroed: ``model_.linear_part``); ``network_gain`` is ``1 - val_mse /
    linear_val_mse``.  None without a validation span, and for a model read from files.
batch_size_ : int
    The batch size training used (``batch_size``, or the automatic choice).
baselines_ : Baselines
    The naive, seasonal-naive, drift and linear-autoregression baselines, fitted on the same
    training span.
n_features_in_ : int
feature_names_in_ : list of str
target_names_ : list of str
target_idx_, known_idx_ : list of int
    The targets' and the future-known columns' positions among ``feature_names_in_``.
window_ : int
    The window the fit chose (or was given).
reading_ : dict
    How data given to the fitted model is read: the fit's time column, features, fill policy,
    frequency and the file's reading options (given or decided).
data_report_ : dict
    The fit's data report (every reading decision with its evidence); absent for a loaded model.
calibration_ : Conformal or None
    The conformal calibration of ``forecast(steps, level=...)``; ``uncalibrated_`` says why not.
holdout_ : Holdout
    The held-out evaluation of ``fit(data, holdout=...)``; absent without one.
"""

DOC = (
    "Forecast a (multi-feature) series, or a panel of many, with a recurrent network.\n\n"
    "Every parameter is keyword-only; they are declared once, in\n:mod:`tsrnn.estimator.parameters`, "
    "which the command line's options come from too.\n\nParameters\n----------\n"
    + numpydoc([item for group in GROUPS for item in specs(group)])
    + "\n"
    + _ATTRIBUTES
)


def check(params: Parameters) -> None:
    """Check every parameter's value against its :class:`Spec` (type, range, choices, None), before
    any work; the first fault is an :class:`~tsrnn.base.errors.InvalidParameterError` naming it."""
    for name, _, spec in specs():
        check_value(name, getattr(params, name), spec)
