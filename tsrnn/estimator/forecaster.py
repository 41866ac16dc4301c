"""`Forecaster`: the scikit-learn-style estimator users import.

Shape legend: N windows, T window length (W), F input features, K horizon, O output targets.
pandas (DataFrames in and out, backtests) is imported where it is used, so fitting and predicting
NumPy arrays never load it.
"""
from __future__ import annotations

import copy
import dataclasses
import inspect
import os
import sys
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch

from ..base import checks
from ..nn import checkpoint
from ..base.config import ModelConfig, TrainConfig, auto_batch_size, auto_window
from ..data.series import Series, as_series, future_index, future_labels, index_spec
from ..base.errors import DataError, NotFittedError, TsrnnError
from ..evaluation.baselines import check_ar_size, find_season
from ..nn.model import RNNForecaster
from ..evaluation import probabilistic
from ..train.loop import TrainState, distributed_context, predict_windows, train
from ..data.known import future_panel, future_values, lead_columns, resolve_known
from ..data.panel import Panel, panel_windows
from .persistence import model_files, read_model
from .state import continuation_specs, prepare_panel
from ..data.windows import input_windows, make_windows, n_windows, resolve_targets

if TYPE_CHECKING:
    import pandas as pd

    from ..evaluation.backtest import BacktestResult

__all__ = ["Forecaster", "StreamState", "STRATEGIES"]

STRATEGIES = ("direct", "recursive")
AUTO_VAL_FRACTION = 0.1  # val_fraction=None: this share of the steps validates, but at least the horizon


def _is_long(data) -> bool:
    """Whether ``data`` is a DataFrame in the long layout (the DataFrame layer loads only for frames)."""
    if not checks.is_pandas(data, "DataFrame"):
        return False
    from ..data.frames import is_long
    return is_long(data)


def _as_frame(data):
    """A pandas Series as a one-column DataFrame (named ``y`` when it has no name), so its time
    index is read like a DataFrame's; anything else as it is."""
    if checks.is_pandas(data, "Series"):
        return data.to_frame(name="y" if data.name is None else str(data.name))
    return data


class StreamState(NamedTuple):
    """Recurrent state carried between :meth:`Forecaster.step` calls, and the forecast it implies."""

    hidden: object  # h_n (L, 1, H), or (h_n, c_n) for an LSTM
    prediction: np.ndarray  # (K, O) in the data's units
    lags: torch.Tensor | None = None  # (1, k, F) the last k scaled inputs, for a model with a highway


def _resolve_device(device: str) -> torch.device:
    """``cpu``, ``cuda`` or ``auto``; under torchrun with CUDA, this rank's own GPU."""
    checks.choice("device", device, ("cpu", "cuda", "auto"))
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        if not torch.cuda.is_available():
            raise TsrnnError("device='cuda' was asked for, but torch finds no CUDA device; use 'cpu' or 'auto'")
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", torch.cuda.current_device())))
    return torch.device("cpu")


class Forecaster:
    """Forecast a (multi-feature) series with a recurrent network.

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
        and the length (:func:`~tsrnn.base.config.auto_window`): ``max(2m, horizon, 4)``, at most half
        of the shortest training span; m is the calendar's season, or ``season``, or for integer
        steps the shortest season the autocorrelation finds among the targets.  ``window_`` is the
        window used.
    horizon : int
        K, steps the network predicts at once.
    dropout : float
        Dropout between stacked layers (needs ``layers >= 2``).
    bidirectional : bool
        Read each window in both directions.
    epochs, batch_size, lr, val_fraction, patience, clip_norm, lr_patience, seed
        Training settings, see :class:`~tsrnn.base.config.TrainConfig`.  ``val_fraction=None`` adapts
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
        ``1949Q1``) or integers (years, steps).  By default the DataFrame's own DatetimeIndex or
        PeriodIndex, else the first column of dates, else an integer column named like a time
        (``year``, ``date``, ``ds``, ...), else the index column ``to_csv`` writes; ``"none"``
        keeps every column as a feature.  Rows are sorted by it; the time column is never a feature.
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
    known : list of str, optional
        Input columns whose future values are known in advance (holidays, promotions, prices set
        ahead): the network also reads their values over the steps it forecasts (see
        :mod:`tsrnn.data.known`), and :meth:`forecast` then needs them, ``future=``.  They must not be
        targets.  Other non-target inputs are past-only covariates.
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
    batch_size_ : int
        The batch size training used (``batch_size``, or the automatic choice).
    baselines_ : Baselines
        The naive, seasonal-naive, drift and linear-autoregression baselines, fitted on the same
        training span.
    n_features_in_ : int
    feature_names_in_ : list of str
    target_names_ : list of str
    """

    def __init__(self, hidden: int = 15, layers: int = 2, cell: str = "lstm", window: int | None = None,
                 horizon: int = 1, dropout: float = 0.0, bidirectional: bool = False, epochs: int = 60,
                 batch_size: int | None = None, lr: float = 1e-2, val_fraction: float | None = None,
                 patience: int | None = 10, clip_norm: float | None = 1.0, seed: int = 0,
                 targets=None, scale: bool = True, strategy: str = "direct", season=None,
                 device: str = "cpu", features=None, time_col: str | None = None, fill: str | None = None,
                 irregular: str = "error", freq: str | None = None, loss: str = "mse", quantiles=None, samples: int = 100,
                 relative: bool = True, lr_patience: int | None = 3, threads: int | None = None,
                 highway: bool = True, known=None) -> None:
        self.hidden = hidden
        self.layers = layers
        self.cell = cell
        self.window = window
        self.horizon = horizon
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.val_fraction = val_fraction
        self.patience = patience
        self.clip_norm = clip_norm
        self.seed = seed
        self.targets = targets
        self.scale = scale
        self.strategy = strategy
        self.season = season
        self.device = device
        self.features = features
        self.time_col = time_col
        self.fill = fill
        self.irregular = irregular
        self.freq = freq
        self.relative = relative
        self.lr_patience = lr_patience
        self.threads = threads
        self.highway = highway
        self.known = known
        self.loss = loss
        self.quantiles = quantiles
        self.samples = samples

    # -- scikit-learn contract --------------------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters and their current values."""
        return {name: getattr(self, name) for name in inspect.signature(type(self).__init__).parameters
                if name != "self"}

    def set_params(self, **params) -> "Forecaster":
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for Forecaster; valid ones are {sorted(valid)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k])
        return f"Forecaster({changed})"

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                                 f"appropriate arguments before using this estimator.")

    def _configs(self, n_features: int, target_idx: list[int], window: int | None = None) -> tuple[ModelConfig, TrainConfig]:
        """The model and training configs for ``n_features`` inputs and a window (default the one
        given, or for the automatic window the least it can be)."""
        checks.choice("strategy", self.strategy, STRATEGIES)
        horizon = 1 if self.strategy == "recursive" else self.horizon
        W = self._pre_window() if window is None else window
        check_ar_size(W, n_features)
        if not isinstance(self.highway, (bool, np.bool_)):
            raise TypeError(f"highway must be True or False, got {self.highway!r}")
        model = ModelConfig(input_size=n_features, hidden_size=self.hidden, num_layers=self.layers,
                            cell=self.cell, dropout=self.dropout, bidirectional=self.bidirectional,
                            horizon=horizon, output_size=len(target_idx), loss=self.loss,
                            quantiles=self.quantiles, relative=self.relative, targets=tuple(target_idx),
                            highway=W if self.highway else 0)
        checks.positive_int("samples", self.samples)
        training = TrainConfig(epochs=self.epochs, batch_size=256 if self.batch_size is None else self.batch_size, lr=self.lr,
                               val_fraction=self.val_fraction, patience=self.patience,
                               clip_norm=self.clip_norm, lr_patience=self.lr_patience, seed=self.seed)
        return model, training

    # -- data in, tensors out ---------------------------------------------------------------------
    def _series(self, data) -> Series:
        """Validate ``data`` against what the model was fitted on."""
        data = _as_frame(data)
        frame = checks.is_pandas(data, "DataFrame")
        if frame and getattr(self, "members_", None) and _is_long(data):
            raise DataError("this method reads one series; pick it with forecaster.series_model(unique_id)")
        s = self._prepare(data) if frame else as_series(data)
        if s.n_features != self.n_features_in_:
            raise DataError(f"data has {s.n_features} features {s.columns}, but this Forecaster was "
                            f"fitted on {self.n_features_in_} features {self.feature_names_in_}")
        if frame and s.columns != list(self.feature_names_in_):
            raise DataError(f"data has the columns {s.columns}, but this Forecaster was fitted on "
                            f"{list(self.feature_names_in_)}")
        return s

    def _inputs(self, values: np.ndarray, future: np.ndarray | None = None, placeholder: float | None = None,
                lengths=None) -> np.ndarray:
        """The network's inputs for ``values`` (T, F): with known covariates, their leads appended
        (T, F + Fk), the last K steps of each series (``lengths``) reading ``future`` (S, K, Fk);
        without ``future`` those are ``placeholder``, or NaN (refused if a forecast reads them)."""
        known = getattr(self, "known_idx_", [])
        if not known:
            return values
        lead = lead_columns(values, known, self.model_.config.horizon, lengths, future)
        if placeholder is not None:
            lead = np.where(np.isnan(lead), np.float32(placeholder), lead)
        return np.concatenate([values, lead], axis=1)

    def _check_known_read(self, inputs: np.ndarray) -> None:
        if getattr(self, "known_idx_", []) and np.isnan(inputs[:, self.n_features_in_:]).any():
            names = [self.feature_names_in_[i] for i in self.known_idx_]
            raise DataError(f"these forecasts read the known input(s) {names} beyond the end of the data; pass "
                            f"their values over the next {self.model_.config.horizon} steps with future=")

    def _scaled(self, values: np.ndarray) -> torch.Tensor:
        """Checked (finite) inputs (T, F) (or (T, F + Fk), see :meth:`_inputs`) scaled by the
        training statistics, as a tensor."""
        self._check_known_read(values)
        scaled = values
        if self.scaler_ is not None:
            with np.errstate(all="ignore"):  # an overflow to inf is reported below
                scaled = self.scaler_.transform(values)
            finite = np.isfinite(scaled)
            if not finite.all():
                row, col = (int(i) for i in np.argwhere(~finite)[0])
                name = self.input_names_[col]
                raise DataError(f"data value {float(values[row, col]):.6g} at row {row}, column {name!r} "
                                f"overflows float32 when scaled by the training statistics (mean "
                                f"{self.scaler_.mean_[col]:.4g}, scale {self.scaler_.scale_[col]:.4g}); it lies far "
                                f"outside the range this Forecaster was fitted on")
        return torch.from_numpy(np.ascontiguousarray(scaled, dtype=np.float32))  # (T, F)

    @property
    def input_names_(self) -> list[str]:
        """The network's input columns: the features, then each known column's lead."""
        from ..data.known import lead_name

        return list(self.feature_names_in_) + [lead_name(self.feature_names_in_[i], self.model_.config.horizon)
                                               for i in getattr(self, "known_idx_", [])]

    def _future(self, future) -> np.ndarray | None:
        """The (1, K, Fk) known values after the series, from the user's ``future`` (None without known inputs)."""
        if not getattr(self, "known_idx_", []):
            if future is not None:
                raise DataError("future= gives the values of known inputs, and this Forecaster has none "
                                "(fit it with known=[...])")
            return None
        return future_values(future, [self.feature_names_in_[i] for i in self.known_idx_], self.model_.config.horizon)

    def _unscale(self, y: torch.Tensor) -> np.ndarray:
        y = y.numpy()  # (N, K, O)
        return self.scaler_.inverse_transform(y, self.target_idx_) if self.scaler_ is not None else y

    def validation_steps(self, length: int) -> int:
        """Steps at the end of a ``length``-step series that validate (early stopping).

        ``val_fraction=None`` (the default) adapts to the horizon and the length: 10% of the steps,
        but at least ``horizon`` so that one full forecast is validated, and none (train every
        epoch, no early stopping) when the rest could not hold one training window.  A given
        ``val_fraction`` takes that share, which must then hold at least ``horizon`` steps.
        """
        W = self._pre_window()
        K = checks.positive_int("horizon", self.horizon)
        if self.val_fraction is None:
            n_val = max(int(round(length * AUTO_VAL_FRACTION)), K)
            return n_val if length - n_val >= W + K else 0
        val_fraction = checks.real("val_fraction", self.val_fraction, 0.0, 1.0, high_open=True)
        return int(round(length * val_fraction))

    def describe_validation(self, length: int) -> str:
        """What :meth:`validation_steps` chose for ``length`` steps, in words (for reports)."""
        n_val = self.validation_steps(length)
        if self.val_fraction is not None:
            return f"last {n_val} steps validate (val_fraction={self.val_fraction})" if n_val else "no validation"
        if not n_val:
            return (f"no validation: {length} steps hold too few for window={self._pre_window()} + horizon={self.horizon} "
                    f"and a validation span, so every epoch trains")
        why = f"horizon={self.horizon}" if n_val == self.horizon and n_val > round(length * AUTO_VAL_FRACTION) \
            else f"{AUTO_VAL_FRACTION:.0%}"
        return f"last {n_val} steps validate ({why})"

    def _pre_window(self) -> int:
        """The window length checks use: the fitted one, the given one, or (automatic, before fit)
        the least :func:`~tsrnn.base.config.auto_window` can choose."""
        if "window_" in self.__dict__:
            return self.window_
        return 2 if self.window is None else checks.positive_int("window", self.window)

    def _choose_window(self, panel: Panel, target_idx: list[int]) -> int:
        """The window: the given one, or :func:`~tsrnn.base.config.auto_window` from the season (the
        calendar's, else ``season``, else the shortest season the autocorrelation finds among the
        targets of the longest series' training span) and the shortest training span."""
        if self.window is not None:
            return checks.positive_int("window", self.window)
        train_of = {T: T - self.validation_steps(T) for T in np.unique(panel.lengths).tolist()}
        m = panel.season
        if m is None and self.season is not None:
            m = max(int(v or 1) for v in (self.season if isinstance(self.season, (list, tuple)) else [self.season]))
        if m is None:
            longest = int(np.argmax(panel.lengths))
            rows = panel.rows(longest)[:train_of[int(panel.lengths[longest])]]
            found = [m for m in (find_season(rows[:, j]) for j in target_idx) if m]
            m = min(found) if found else 1  # two cycles of the fastest seasonal target
        return auto_window(m, checks.positive_int("horizon", self.horizon), min(train_of.values()))

    def check_length(self, length: int) -> tuple[int, int]:
        """Check that ``length`` steps suffice to fit; return (training steps, training windows).

        The last :meth:`validation_steps` validate; the rest must hold at least one window of
        ``window`` inputs and ``horizon`` targets, and the validation span at least ``horizon`` steps.
        """
        W, K = self._pre_window(), self.horizon
        n_val_steps = self.validation_steps(length)
        train_end = length - n_val_steps
        n_train = n_windows(train_end, W, K)
        if n_train < 1:
            spent = "" if not n_val_steps else f", {train_end} of them for training after {n_val_steps} to validate"
            raise DataError(f"series has {length} time steps{spent}; window={W} + horizon={K} needs "
                            f"at least {W + K} training steps; use more data or a shorter window")
        if n_val_steps and n_val_steps < K:
            raise DataError(f"the validation span has {n_val_steps} steps, fewer than horizon={K}; "
                            f"use more data, a larger val_fraction, or val_fraction=None to adapt it")
        return train_end, n_train

    # -- fit ---------------------------------------------------------------------------------------
    def fit(self, data, progress: bool | None = None, checkpoint_dir: str | os.PathLike | None = None,
            resume: bool = False) -> "Forecaster":
        """Train on ``data``: an array (T,) / (T, F) or a DataFrame of numeric columns.

        The last ``val_fraction`` of the steps validate (early stopping); the scaler sees only the
        steps before them.  ``progress`` shows a bar (default: when stderr is a terminal).
        With ``checkpoint_dir`` the training state is written there (atomically) after every epoch,
        and ``resume=True`` continues from it: given the same data and parameters, the result equals
        an uninterrupted fit.  Launched by torchrun, every rank calls ``fit`` and trains its shard.
        """
        panel, specs = self._panel(data)
        targets = self.targets
        if targets is None and panel.ids[0] is not None:  # long data: its y
            from ..data.frames import LONG_TARGET
            targets = [LONG_TARGET]
        positions = resolve_targets(targets, panel.columns)
        n_features = len(panel.columns)
        target_idx = list(range(n_features)) if positions is None else positions
        self.known_idx_ = resolve_known(self.known, list(panel.columns), target_idx, self.strategy)
        self.__dict__.pop("window_", None)  # a refit chooses again
        self.window_ = window = self._choose_window(panel, target_idx)
        model_config, train_config = self._configs(n_features + len(self.known_idx_), target_idx, window)
        if self.strategy == "recursive" and sorted(target_idx) != list(range(n_features)):
            raise DataError(f"strategy='recursive' feeds each forecast back as input, so every feature must "
                            f"be a target; targets {targets!r} leave out some of {panel.columns}")
        W, K = window, model_config.horizon
        self.target_idx_ = target_idx
        prepared = prepare_panel(panel, W, K, self.horizon, target_idx, self.scale, self.validation_steps,
                                 self.check_length, self.season, specs, self.known_idx_)
        if self.batch_size is None:
            train_config = dataclasses.replace(train_config, batch_size=auto_batch_size(len(prepared.train_index)))
        self.batch_size_ = train_config.batch_size
        series_t = torch.from_numpy(np.ascontiguousarray(prepared.scaled, dtype=np.float32))  # no copy: float32
        X, Y = make_windows(series_t, W, K, positions)  # (N, W, F), (N, K, O) views; some cross series,
        device = _resolve_device(self.device)           # but no index below ever picks those
        X, Y = X.to(device), Y.to(device)  # one copy of the series on the device; windows stay views
        torch.manual_seed(train_config.seed)
        model = RNNForecaster(model_config).to(device)
        show = sys.stderr.isatty() if progress is None else progress
        state = None
        if resume:
            if checkpoint_dir is None:
                raise ValueError("resume=True needs the checkpoint_dir that the interrupted fit wrote")
            state, _ = TrainState.load(checkpoint_dir)
        writes = checkpoint_dir is not None and distributed_context()[0] == 0  # only rank 0 writes
        on_epoch = (lambda st: st.save(checkpoint_dir)) if writes else None
        rows_type = np.int32 if panel.values.shape[0] < 2**31 else np.int64  # int32 halves the index memory
        as_index = lambda rows: torch.from_numpy(rows.astype(rows_type))  # noqa: E731
        previous = torch.get_num_threads()
        threads = self.threads or (1 if self.hidden <= 64 else previous)
        torch.set_num_threads(checks.positive_int("threads", threads))
        try:
            self.history_ = train(model, X, Y, train_config, progress=show, resume=state, on_epoch=on_epoch,
                                  train_index=as_index(prepared.train_index), val_index=as_index(prepared.val_index))
        finally:
            torch.set_num_threads(previous)
        self.model_ = model.cpu()
        if threads != previous:  # torch's thread pools and buffers are cold for the restored setting: one
            predict_windows(self.model_, X[:1024].cpu())  # inference pass here, not in the first forecast
        self.n_features_in_ = n_features
        self.feature_names_in_ = list(panel.columns)
        self.target_names_ = [panel.columns[i] for i in target_idx]
        self.members_ = None if panel.ids[0] is None else prepared.state
        if self.members_ is None:
            self.__dict__.update(prepared.state[None])
        return self

    def _panel(self, data) -> tuple[Panel, list[dict]]:
        """``data`` as a panel (long data: one series per ``unique_id``; else a panel of one unnamed
        series) and how each series' time labels continue."""
        if _is_long(data):
            from ..data.frames import long_panel
            panel = long_panel(data, self.features, self.fill, self.irregular, self.freq)
            self.data_report_ = panel.report
            return panel, continuation_specs(panel)
        s = self._prepare(data)
        one = np.zeros(1, np.int64)
        panel = Panel(s.values, one, np.array([s.length]), [None], s.columns, form=s.form, season=s.season)
        return panel, [index_spec(s.index, s.freq, s.form)]

    def _prepare(self, data) -> Series:
        data = _as_frame(data)
        if checks.is_pandas(data, "DataFrame"):
            from ..data.frames import prepare_wide
            data, self.data_report_ = prepare_wide(data, self.time_col, self.features, self.fill, self.irregular,
                                                   self.freq)
        return as_series(data)

    # -- predict, forecast, evaluate ---------------------------------------------------------------
    def predict(self, data, future=None) -> np.ndarray:
        """Forecasts from every window of ``data``, in the data's units.

        A model with known covariates reads their values over each window's forecast steps; for the
        last windows those lie past ``data``: give them with ``future`` (see :meth:`forecast`).

        Returns
        -------
        ndarray of shape (N, K, O), N = T - W + 1
            Row ``i`` reads steps ``i .. i+W-1`` and forecasts steps ``i+W .. i+W+K-1``; the last row
            forecasts beyond the end of ``data``.  For long data (several series), a dict of such
            arrays by ``unique_id``.
        """
        self._check_fitted()
        if self.members_ is not None:  # every window of every series in one batched pass
            panel, rows = self._data_panel(data, "predict")
            starts = panel_windows(panel.lengths, panel.starts, self.window_, 0)  # first row of each window
            series = np.repeat(np.arange(panel.n_series), panel.lengths - self.window_ + 1)
            codes = np.repeat(rows, panel.lengths)
            fut = None if future is None else self._future_panel(future, panel.ids)
            scaled = self._scaled_panel(self._inputs(panel.values, fut, lengths=panel.lengths), codes)
            X = make_windows(scaled, self.window_, 0)[0][starts]  # (N, W, F)
            y = self.members_.unscale_rows(self._roll(X, self.horizon).numpy(), rows[series], self.target_idx_)
            return dict(zip(panel.ids, np.split(y, np.cumsum(panel.lengths - self.window_ + 1)[:-1])))
        s = self._series(data)
        fut = None if future is None else self._future(future)
        X = input_windows(self._scaled(self._inputs(s.values, fut)), self.window_)  # (N, W, F)
        return self._unscale(self._roll(X, self.horizon))

    def hidden_states(self, window, cell: bool = False, future=None) -> list[np.ndarray]:
        """Every layer's hidden state at every step of one input window, for plots.

        ``window`` is an array, tensor or DataFrame (T, F) or (1, T, F) in the data's units (any
        T >= 1, usually ``window`` steps); it is scaled as :meth:`predict` scales it.  Returns one
        array of shape (T, D*H) per layer, the first layer first (forward half, then backward half).
        With ``cell=True`` an LSTM's cell states instead.  See :meth:`RNNForecaster.layer_states`.
        A model with known covariates also reads their values over the K steps after the window:
        ``future``, as for :meth:`forecast`.
        """
        self._check_fitted()
        if cell and self.model_.config.cell != "lstm":
            raise ValueError(f"cell=True needs an LSTM, but this Forecaster's cell is {self.model_.config.cell!r}")
        if not checks.is_pandas(window, "DataFrame", "Series"):
            window = np.asarray(window.detach().cpu() if isinstance(window, torch.Tensor) else window,
                                dtype=np.float32)
            if window.ndim == 3 and window.shape[0] != 1:
                raise ValueError(f"window must be one window, of shape (T, F) or (1, T, F), got shape {window.shape}")
            window = window[0] if window.ndim == 3 else window
        s = self._series(window)
        with torch.inference_mode():
            inputs = self._scaled(self._inputs(s.values, None if future is None else self._future(future)))
            states = self.model_.layer_states(inputs[None])  # (1, T, F) -> L x (1, T, D*H)
        return [(st.cell if cell else st.output)[0].numpy() for st in states]  # L x (T, D*H)

    def _roll(self, X: torch.Tensor, steps: int) -> torch.Tensor:
        """Scaled forecasts (N, steps, O) from scaled windows ``X`` (N, W, F), recursive past the
        network's own horizon."""
        k = self.model_.config.horizon
        if steps > k and sorted(self.target_idx_) != list(range(self.n_features_in_)):
            covariates = [n for i, n in enumerate(self.feature_names_in_) if i not in self.target_idx_]
            raise DataError(f"a forecast of {steps} steps, beyond the network's horizon of {k}, is recursive "
                            f"and would need future values of the non-target features {covariates}; "
                            f"forecast at most {k} steps")
        outputs = [predict_windows(self.model_, X)]  # (N, k, O) each
        while len(outputs) * k < steps:
            rows = torch.empty(X.shape[0], k, X.shape[2])
            rows[:, :, self.target_idx_] = outputs[-1]  # every feature is a target here (checked above)
            X = torch.cat([X, rows], dim=1)[:, -self.window_:]  # slide the window over the forecasts
            outputs.append(predict_windows(self.model_, X))
        out = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=1)
        return out if out.shape[1] == steps else out[:, :steps]

    def forecast(self, steps: int, data=None, future=None) -> pd.DataFrame:
        """Continue the series ``steps`` into the future, in the data's units.

        Starts from the end of the fitted series, or of ``data`` when given.  Beyond the horizon the
        forecast is recursive: each forecast is fed back as input, which needs every input feature
        to be a target.  A model with ``known`` covariates needs their values over the horizon's
        steps: ``future``, a DataFrame with those columns (rows in time order, or sorted by ``ds``;
        for long data also ``unique_id``) or an array (K, Fk); at least ``horizon`` rows.

        Returns
        -------
        DataFrame of shape (steps, O), or (steps, O + O*Q) for a probabilistic model
            Indexed by the time steps that follow the series, one column per target; a model fitted
            with ``loss="gaussian"`` or ``"quantile"`` adds ``{target}_q{level}`` columns (``f0_q0.1``)
            for each target and level (see :meth:`predict_quantiles` for where they come from).
            Fitted on long data, it forecasts every series (of ``data``, when given) and returns the
            long layout: ``unique_id, ds`` and the target columns.
        """
        import pandas as pd


        self._check_fitted()
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ValueError(f"steps must be an integer >= 1, got {steps!r}")
        if self.members_ is not None:
            return self._forecast_panel(steps, data, future)
        context, spec = self._context(data)
        X = self._scaled(self._inputs(context, self._future(future)))[None]  # (1, W, F)
        values = self._unscale(self._roll(X, steps))[0]  # (steps, O)
        frame = pd.DataFrame(values, index=future_index(spec, steps), columns=self.target_names_)
        frame.attrs["tsrnn.form"] = spec.get("form")  # how the time labels are written to CSV
        dist = probabilistic.forecast_distribution(self, X, steps)  # None for a point (MSE) model
        if dist is not None:  # (1, steps, O, Q) -> (steps, O*Q), target by target
            frame[probabilistic.quantile_columns(self.target_names_, dist.levels)] = dist.quantiles[0].reshape(steps, -1)
        return frame

    def _forecast_panel(self, steps: int, data, future=None) -> pd.DataFrame:
        """:meth:`forecast` of every series of long data, all series in one batched roll."""
        import pandas as pd

        from ..data.frames import LONG_ID, LONG_TIME

        state = self.members_
        if data is None:
            ids, rows, specs, context = state.ids, np.arange(len(state)), state.specs, state.context
        else:
            panel, rows = self._data_panel(data, "forecasting")
            ids, specs, context = panel.ids, continuation_specs(panel), panel.tails(self.window_)
        fut = self._future_panel(future, ids)
        if self.model_.config.loss != "mse":  # quantile columns: series by series
            frames = [self.series_model(uid).forecast(steps, data=None if data is None else pd.DataFrame(
                c, columns=self.feature_names_in_), future=None if fut is None else fut[i]).set_axis(
                future_index(sp, steps)) for i, (uid, c, sp) in enumerate(zip(ids, context, specs))]
            values = np.concatenate([f.to_numpy() for f in frames])
            columns = list(frames[0].columns)
        else:
            codes = np.repeat(rows, self.window_)
            flat = self._inputs(context.reshape(-1, context.shape[-1]), fut, lengths=np.full(len(ids), self.window_))
            X = self._scaled_panel(flat, codes).reshape(len(ids), self.window_, -1)
            values = state.unscale_rows(self._roll(X, steps).numpy(), rows, self.target_idx_)  # (S, steps, O)
            values, columns = values.reshape(-1, values.shape[-1]), self.target_names_
        out = pd.DataFrame(values, columns=columns)
        out.insert(0, LONG_TIME, future_labels(specs, steps))
        out.insert(0, LONG_ID, np.repeat(np.asarray(ids, dtype=object), steps))
        out.attrs["tsrnn.form"] = specs[0].get("form")
        return out

    def _future_panel(self, future, ids: list[str]) -> np.ndarray | None:
        """(S, K, Fk) known future values of series ``ids`` (None for a model without known inputs)."""
        if not self.known_idx_:
            return self._future(future)
        return future_panel(future, ids, [self.feature_names_in_[i] for i in self.known_idx_],
                            self.model_.config.horizon)

    def _data_panel(self, data, reading: str | None = None) -> tuple[Panel, np.ndarray]:
        """Long ``data`` as a panel checked against the fitted series, and each series' position;
        for ``reading`` (what needs it: "predict", "forecasting") every series holds a window."""
        from ..data.frames import LONG_ID, LONG_TARGET, LONG_TIME, long_panel

        if not _is_long(data):
            raise DataError(f"this Forecaster was fitted on long data; expected the columns "
                            f"{LONG_ID}, {LONG_TIME}, {LONG_TARGET} (and covariates)")
        panel = long_panel(data, self.features, self.fill, self.irregular, self.freq)
        unknown = [uid for uid in panel.ids if uid not in self.members_]
        if unknown:
            shown = list(self.members_)[:10]
            raise DataError(f"series {unknown[:10]} were not in the data this Forecaster was fitted on ({shown}"
                            f"{' ...' if len(self.members_) > 10 else ''})")
        if panel.columns != list(self.feature_names_in_):
            raise DataError(f"data has the columns {panel.columns}, but this Forecaster was fitted on "
                            f"{list(self.feature_names_in_)}")
        short = panel.lengths < self.window_
        if reading is not None and short.any():
            raise DataError(f"series {panel.ids[int(np.flatnonzero(short)[0])]!r} has {int(panel.lengths[short][0])} "
                            f"time steps; {reading} needs at least window={self.window_}")
        return panel, np.array([self.members_.position(uid) for uid in panel.ids], dtype=np.int64)

    def _scaled_panel(self, values: np.ndarray, codes: np.ndarray) -> torch.Tensor:
        """Rows ``values`` (n, F) of the series at positions ``codes`` (n,), scaled by each one's statistics."""
        self._check_known_read(values)
        with np.errstate(all="ignore"):  # an overflow to inf is reported below
            scaled = self.members_.scale_rows(values, codes)
        if not np.isfinite(scaled).all():
            row, col = (int(i) for i in np.argwhere(~np.isfinite(scaled))[0])
            raise DataError(f"data value {float(values[row, col]):.6g} of series {self.members_.ids[codes[row]]!r}, "
                            f"column {self.input_names_[col]!r}, overflows float32 when scaled by that "
                            f"series' training statistics; it lies far outside the range it was fitted on")
        return torch.from_numpy(np.ascontiguousarray(scaled, dtype=np.float32))

    def _context(self, data) -> tuple[np.ndarray, dict]:
        """The last ``window`` steps (W, F) a forecast starts from, and the index spec they end."""
        if data is None:
            return self.context_, self.index_spec_
        s = self._series(data)
        if s.length < self.window_:
            raise DataError(f"data has {s.length} time steps; forecasting needs at least window={self.window_}")
        return s.values[-self.window_:], index_spec(s.index, s.freq or self.index_spec_.get("freq"), s.form)

    def predict_quantiles(self, data, steps: int | None = None, future=None) -> np.ndarray:
        """Quantiles of the forecasts from every window of ``data``, in the data's units.

        Needs ``loss="gaussian"`` or ``"quantile"``.  The steps the network's head emits get its own
        quantiles (a Gaussian's at the levels); later steps (a recursive strategy, or ``steps``
        beyond the horizon) the empirical quantiles of ``samples`` Monte-Carlo paths drawn with
        ``seed`` (see :meth:`sample_paths`).

        Returns
        -------
        ndarray of shape (N, K, O, Q), N = T - W + 1, K = ``steps`` (default ``horizon``)
            At the levels of :attr:`quantile_levels_`, non-decreasing along the last axis; rows as
            in :meth:`predict`.
        """
        self._require_distribution("predict_quantiles")
        s = self._series(data)
        fut = None if future is None else self._future(future)
        X = input_windows(self._scaled(self._inputs(s.values, fut)), self.window_)  # (N, W, F)
        return probabilistic.forecast_distribution(self, X, self.horizon if steps is None else steps).quantiles

    def sample_paths(self, steps: int, data=None, samples: int | None = None, seed: int | None = None,
                     future=None) -> np.ndarray:
        """Monte-Carlo paths continuing the series ``steps`` into the future, in the data's units.

        Each path draws every step from the head's distribution and feeds its draw back as the
        next input; all paths run as one batch.  The same ``seed`` (default the Forecaster's) gives
        the same paths.  Starts from the end of the fitted series, or of ``data``.

        Returns
        -------
        ndarray of shape (S, steps, O), S = ``samples`` (default the Forecaster's ``samples``)
        """
        self._require_distribution("sample_paths")
        steps = probabilistic.check_steps(self, steps)
        S = checks.positive_int("samples", self.samples if samples is None else samples)
        seed = self.seed if seed is None else checks.positive_int("seed", seed, minimum=0)
        X = self._scaled(self._inputs(self._context(data)[0], self._future(future)))[None]  # (1, W, F)
        paths = probabilistic.sample_paths(self.model_, X, steps, S, seed, self.target_idx_)  # (S, 1, steps, O)
        return self._unscale(paths[:, 0])

    @property
    def quantile_levels_(self) -> tuple[float, ...] | None:
        """The levels of the quantile columns and arrays; None for a point (MSE) model."""
        self._check_fitted()
        return self.model_.config.quantiles

    def _require_distribution(self, method: str) -> None:
        self._check_fitted()
        if self.model_.config.loss == "mse":
            raise TsrnnError(f"{method} needs a probabilistic model; this Forecaster was fitted with "
                             f"loss='mse'. Fit with loss='gaussian' or loss='quantile'")

    def evaluate(self, data, start=None) -> dict:
        """Errors of the model's forecasts on ``data`` beside every baseline, with the skill.

        Each origin ``t`` from ``start`` on (default: the first with enough history, see
        :attr:`context_needed_`) is forecast ``horizon`` steps ahead from the steps before it.
        Returns a dict: per method (``model`` and each of :data:`~tsrnn.evaluation.baselines.BASELINES`) MAE,
        RMSE, MAPE, sMAPE and MASE overall and per target, in the data's units; ``skill`` (1 - model
        error / best baseline error) for RMSE and MAE; ``best_baseline``; ``n_windows``; ``seasons``;
        for a probabilistic model ``calibration`` (interval coverage, pinball loss, CRPS; see
        :meth:`BacktestResult.calibration <tsrnn.evaluation.backtest.BacktestResult.calibration>`).
        """
        return self.backtest(data, start=self.context_needed_ if start is None else start).overall()

    def backtest(self, data, start=0.8, stride: int = 1, horizon: int | None = None, refit=False) -> BacktestResult:
        """Rolling-origin evaluation: forecast from origins ``start, start + stride, ...``.

        Parameters
        ----------
        data : array or DataFrame (T, F)
            The series, from its beginning (the history before each origin is its context).
        start : int or float
            First origin: a step position, or a fraction of the series (0.8: the last 20%).
        stride : int
            Steps between origins.
        horizon : int, optional
            Steps ahead per origin; default the model's horizon (beyond it, recursive).
        refit : bool or int
            False uses this fitted model at every origin; True refits a copy on the steps before
            each origin; an integer n refits every n-th origin.

        For a probabilistic model the result also holds the forecast quantiles (and Monte-Carlo
        samples past the head's steps): ``result.calibration()`` scores them per step ahead.
        """
        from ..evaluation.backtest import BacktestResult, run_backtest

        self._check_fitted()
        if self.members_ is not None:
            if refit:
                raise DataError("refit is not available for long data (several series) yet: backtest the "
                                "global model as fitted, or refit it yourself on the data before each origin")
            if self.model_.config.loss == "mse":  # every series in one batched pass
                from ..evaluation.backtest import run_panel_backtest
                return run_panel_backtest(self, *self._data_panel(data), start, stride, horizon)
            return BacktestResult.concat({uid: self.series_model(uid).backtest(frame, start, stride, horizon)
                                          for uid, frame in self._split(data).items()})
        return run_backtest(self, self._series(data), start, stride, horizon, refit)

    def series_model(self, unique_id: str) -> "Forecaster":
        """The fitted global model as a single-series Forecaster for one series of long data.

        It shares the network and uses that series' scaler, baselines and last window, so
        ``predict``, ``forecast``, ``backtest``, ``start`` / ``step`` and ``hidden_states`` work on it.
        """
        self._check_fitted()
        if self.members_ is None:
            raise DataError("this Forecaster was fitted on one series (wide data); use it directly")
        if unique_id not in self.members_:
            raise DataError(f"unknown series {unique_id!r}; this Forecaster was fitted on {list(self.members_)}")
        view = copy.copy(self)
        view.members_ = None
        view.__dict__.update(self.members_[unique_id])
        return view

    def _split(self, data) -> dict[str, pd.DataFrame]:
        from ..data.frames import LONG_ID, LONG_TARGET, LONG_TIME, split_long

        if not _is_long(data):
            raise DataError(f"this Forecaster was fitted on long data; expected the columns "
                            f"{LONG_ID}, {LONG_TIME}, {LONG_TARGET} (and covariates)")
        frames, _ = split_long(data, self.features, self.fill, self.irregular, self.freq)
        unknown = [uid for uid in frames if uid not in self.members_]
        if unknown:
            raise DataError(f"series {unknown} were not in the data this Forecaster was fitted on "
                            f"({list(self.members_)})")
        return frames

    @property
    def context_needed_(self) -> int:
        """Steps of history every method needs before an origin: the window, and each season."""
        self._check_fitted()
        if self.members_ is not None:
            return max(m["baselines_"].context for m in self.members_.values())
        return self.baselines_.context

    # -- streaming ------------------------------------------------------------------------------------
    def start(self, history, warmup: int | None = None) -> StreamState:
        """Read the last ``warmup`` steps of ``history`` (T, F) and return the recurrent state after them.

        ``state.prediction`` holds the forecast (K, O) that follows ``history``; by default
        (``warmup=window``) it equals :meth:`predict` on the last window.  Continue with :meth:`step`,
        which costs one recurrent step per new observation, where re-running a window costs
        ``window`` steps.  The state then carries a context longer than the training windows; for
        a well-trained network the far past fades, so streamed and windowed forecasts stay close.
        A model with the linear highway also carries the last ``window`` steps it reads
        (``state.lags``), so ``history`` needs at least that many whatever ``warmup`` is.
        """
        self._check_fitted()
        self._check_streamable()
        s = self._series(history)
        warmup = self.window_ if warmup is None else checks.positive_int("warmup", warmup)
        if s.length < warmup:
            raise DataError(f"history has {s.length} time steps; warmup={warmup} needs at least {warmup}")
        k = self.model_.config.highway
        if s.length < k:
            raise DataError(f"history has {s.length} time steps; the model's linear highway reads the last "
                            f"{k}, so streaming needs at least {k}")
        scaled = self._scaled(s.values[-max(warmup, k):])  # what the network and the highway read
        return self._advance(scaled[-warmup:], None, scaled[-k:][None] if k else None)  # lags (1, k, F)

    def step(self, x_t, state: StreamState) -> tuple[np.ndarray, StreamState]:
        """Feed one new observation ``x_t`` (F,) and return the next forecast (K, O) and the new state."""
        self._check_fitted()
        if not isinstance(state, StreamState):
            raise TypeError(f"state must come from Forecaster.start or step, got {type(state).__name__}")
        x = np.asarray(x_t, dtype=np.float32).reshape(1, -1)
        s = self._series(x)
        x = self._scaled(s.values)  # (1, F)
        lags = None if state.lags is None else torch.cat([state.lags[:, 1:], x[None]], 1)  # slide by one step
        state = self._advance(x, state.hidden, lags)
        return state.prediction, state

    def _check_streamable(self) -> None:
        if self.known_idx_:
            raise TsrnnError("streaming reads one new step at a time, and this model also reads the known inputs "
                             "of the steps it forecasts; use forecast(steps, future=...) instead")
        if self.model_.config.relative:
            raise TsrnnError("streaming needs absolute inputs: a relative model (the default) re-levels every "
                             "window to its last value, so a carried state cannot continue it; fit with "
                             "relative=False (--absolute) to stream")
        if self.model_.config.bidirectional:
            raise TsrnnError("streaming needs a unidirectional network: a bidirectional one reads each "
                             "window backwards too, so a new step changes every earlier state")

    def _advance(self, x: torch.Tensor, hidden, lags: torch.Tensor | None) -> StreamState:
        with torch.inference_mode():
            r = self.model_(x[None], return_states=True, hx=hidden, lags=lags)  # (1, T, F) -> (1, K, O)
        hidden = r.h_n if r.c_n is None else (r.h_n, r.c_n)
        return StreamState(hidden, self._unscale(r.prediction)[0], lags)

    # -- model files --------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Write ``model.safetensors`` and ``config.json`` to directory ``path`` (atomically).

        A non-empty ``path`` is replaced only with ``overwrite=True``, and only when it holds nothing
        but a tsrnn model or run (see :func:`tsrnn.base.outputs.check_replaceable`).
        """
        tensors, config = model_files(self)
        with checkpoint.run_directory(path, overwrite=overwrite) as tmp:
            checkpoint.save_model(tmp, tensors, config)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Forecaster":
        """Rebuild a Forecaster saved by :meth:`save`; no pickle is read (see :mod:`tsrnn.estimator.persistence`)."""
        return read_model(cls, path)
