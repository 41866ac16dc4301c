"""The parameters of :class:`~tsrnn.estimator.forecaster.Forecaster` and what each means, as the
numpydoc sections of its docstring (``help(Forecaster)`` shows them); what they imply for a fit
is :mod:`.planning`'s job."""

from __future__ import annotations

__all__ = ["DOC"]

DOC = """\
Forecast a (multi-feature) series with a recurrent network.

Parameters
----------
hidden : int
    H, hidden units per layer (and direction).
layers : int
    L, stacked recurrent layers.
cell : {"lstm", "gru", "rnn"}
    Recurrent cell; the LSTM by default (on real series it beat the others, ``benchmarks/REAL.md``).
window : int or None
    W, past steps each forecast reads.  ``None`` (the default) chooses it from the season m
    and the length (:func:`~tsrnn.base.config.auto_window`): ``max(2m, horizon, 4)``, or one
    season, ``max(m, horizon, 4)``, where the seasonal indices take the season out (``deseason``),
    at most half of the shortest training span; m is ``season``, or the calendar's season, or
    for integer steps the shortest season the autocorrelation finds among the targets.
    ``window_`` is the window used.
horizon : int
    K, steps the network predicts at once.
dropout : float
    Dropout between stacked layers (needs ``layers >= 2``).
bidirectional : bool
    Read each window in both directions.
epochs, batch_size, lr, val_fraction, patience, clip_norm, lr_patience, seed, average_best
    Training settings, see :class:`~tsrnn.base.config.TrainConfig`.  ``average_best=3``: the
    trained model averages the weights of the three epochs with the lowest validation losses
    (``history_.averaged`` names them; 1 keeps the best epoch's alone).  ``val_fraction=None`` adapts
    the validation span to the horizon and the length (:meth:`validation_steps`; the report
    says what it chose); 0 trains without validation.  ``batch_size=None`` takes 256
    windows, or fewer on a short series so that an epoch has at least 8 steps
    (:func:`~tsrnn.base.config.auto_batch_size`); ``batch_size_`` is what fit used.
targets : list of column names or positions, optional
    Columns to forecast (O of them); default every column.
scale : bool
    Standardise each column with statistics of the training span only.
strategy : {"direct", "recursive"}
    "direct": the head emits all ``horizon`` steps at once.  "recursive": the network learns one
    step and forecasts ``horizon`` steps by feeding each forecast back as the next input (every
    feature must then be a target).  Forecasts beyond the horizon are recursive either way.
season : int, list of int, or None
    Season (steps) of each target for the seasonal-naive baseline and the MASE scale; None
    takes the calendar's (12 monthly, 4 quarterly, 52 weekly, 7 daily, 24 hourly, 48
    half-hourly, none yearly) unless the training span's autocorrelation finds a clearly
    stronger one, and for integer steps the autocorrelation's.
features : list of str, optional
    Columns of a DataFrame to read as input features (default: every numeric column).
time_col : str, optional
    Column of the time index: dates in any common form (ISO dates and date-times, ``1949-01``,
    ``1949Q1``, ``31/01/2020`` day first where month first cannot read it, year-months ``201801``)
    or integers (years, steps), or R's decimal years (``1949.0833``).  By default the DataFrame's
    own DatetimeIndex or PeriodIndex, else the first column of dates, else an integer column (or
    one of decimal years) named like a time (``year``, ``time``, ``ds``, ...), else the index
    column ``to_csv`` writes; ``"none"``
    keeps every column as a feature.  Rows are sorted by it; the time column is never a feature,
    nor is the index column ``to_csv`` writes (``Unnamed: 0``; ``data_report_["row_numbers"]``).
freq : str, optional
    The calendar's pandas frequency (``"MS"``, ``"QE"``, ``"W-WED"``, ``"B"``, ``"30min"``, ...)
    where it cannot be inferred (business days with holidays, a very short series).  Periods
    absent from the calendar are gaps, treated as missing values.
fill : {"ffill", "interpolate", "drop"}, optional
    What to do with missing values and calendar gaps; by default they are an error naming the
    column or the missing periods.
irregular : {"error", "ignore"}
    Whether a time index on no regular calendar is an error.
threads : int or None
    CPU threads for training.  ``None`` picks 1 for hidden sizes up to 64, whose matrices are
    too small to split (more threads then only wait on each other, and slow down badly when
    other programs share the cores), else torch's default.  Torch's setting is restored
    afterwards, and one inference pass of up to 1024 windows then readies torch for it, so the
    first forecast after fit is not slowed by the switch.
relative : bool
    Read each window relative to its last value and forecast the change from it (the default):
    real series trend beyond the range seen in training (see :class:`~tsrnn.base.config.ModelConfig`).
    Streaming (:meth:`start`, :meth:`step`) needs ``relative=False``.
highway : bool
    Add a linear autoregressive highway beside the network (as in LSTNet): each target's
    forecast also gets a learned linear function of its own last ``window`` values, so the
    linear part of the dynamics is fitted at once and the network learns what is left.  On
    noisy periodic data it is most of the accuracy; ``False`` gives the network alone.
window_scale : bool or None
    Read each window's targets in the window's own scale as well as relative to its last value:
    their changes divided by the window's mean absolute step-to-step change, and the forecast change
    multiplied back (as RevIN normalises each instance), so a series whose swings grow with its level
    reads alike at every level.  ``None`` (the default) turns it on where seasonal indices take a
    season out of some series and every input is a target (no covariates or known inputs, whose
    effects are in the data's units), with ``relative`` inputs and ``loss="mse"``: measured on real
    series, it helps deseasonalised ones and costs yearly trends and prices (``benchmarks/REAL_FINDINGS.md``).
    ``model_.config.window_scale`` says what fit chose.
known : list of str, optional
    Input columns whose future values are known in advance (holidays, promotions, prices set
    ahead): the network also reads their values over the steps it forecasts (see
    :mod:`tsrnn.data.known`), and :meth:`forecast` then needs them, ``future=``.  They must not be
    targets.  Other non-target inputs are past-only covariates.
deseason : bool
    Take each series' season out of its targets before the network reads them and put it back
    on the forecasts (the default), as the M4 benchmarks and ES-RNN do: where the calendar (or
    ``season``) gives a season m of 2 steps or more, the training span holds two seasons and the
    90% autocorrelation test at lag m finds it (and the indices explain some of the detrended
    variance, which a random walk's do not), classical seasonal indices (multiplicative when
    every training value is positive, else additive) are fitted per series and aligned on the
    calendar (:mod:`tsrnn.data.seasonal`), so data given later lines up by its time labels (a
    calendar without step numbers, such as business hours or semi-months, gets no indices);
    data without labels (an array) counts its steps from its first row, so give arrays that
    start where the fitted series started, or a multiple of m steps later.  A season that drifts
    (its first and second half differ) is fitted on the validation span too, and the training
    inputs lose each year's season as it was that year.  ``seasonality_`` says what each series
    got.
device : {"cpu", "cuda", "auto"}
    Where to train ("auto": CUDA when available).  The fitted model is returned to the CPU,
    where forecasting runs.
loss : {"mse", "gaussian", "quantile"}
    "mse": point forecasts.  "gaussian": a mean and a scale per step, trained by negative
    log-likelihood.  "quantile": one forecast per level of ``quantiles``, trained by pinball
    loss, never crossing.  Probabilistic models add quantile columns to :meth:`forecast`, give
    :meth:`predict_quantiles` and :meth:`sample_paths`, and their backtests report calibration.
quantiles : sequence of float, optional
    Levels strictly inside (0, 1), sorted: the quantile head's outputs, or the Gaussian's
    reported quantiles; default (0.1, 0.5, 0.9).  Only with a probabilistic ``loss``.
samples : int
    Monte-Carlo sample paths drawn (seeded by ``seed``) where the head does not give the step
    itself: a recursive strategy, or a forecast beyond the horizon.

Attributes
----------
model_ : RNNForecaster
scaler_ : Scaler or None
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
"""
