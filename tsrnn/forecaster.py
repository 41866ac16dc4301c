"""`Forecaster`: the scikit-learn-style estimator users import.

Shape legend: N windows, T window length (W), F input features, K horizon, O output targets.
"""
from __future__ import annotations

import inspect
import os
import sys
from typing import NamedTuple

import numpy as np
import pandas as pd
import torch

from . import _checks, checkpoint
from .config import ModelConfig, TrainConfig
from .data import Scaler, Series, as_series, future_index, index_spec
from .errors import CheckpointError, DataError, NotFittedError, TsrnnError
from .backtest import BacktestResult, run_backtest
from .baselines import Baselines
from .model import RNNForecaster
from .train import History, TrainState, distributed_context, predict_windows, train
from .windows import make_windows, n_windows, resolve_targets

__all__ = ["Forecaster", "StreamState", "STRATEGIES"]

STRATEGIES = ("direct", "recursive")


class StreamState(NamedTuple):
    """Recurrent state carried between :meth:`Forecaster.step` calls, and the forecast it implies."""

    hidden: object  # h_n (L, 1, H), or (h_n, c_n) for an LSTM
    prediction: np.ndarray  # (K, O) in the data's units


def _resolve_device(device: str) -> torch.device:
    """``cpu``, ``cuda`` or ``auto``; under torchrun with CUDA, this rank's own GPU."""
    _checks.choice("device", device, ("cpu", "cuda", "auto"))
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
    cell : {"rnn", "lstm", "gru"}
        Recurrent cell.
    window : int
        W, past steps each forecast reads.
    horizon : int
        K, steps the network predicts at once.
    dropout : float
        Dropout between stacked layers (needs ``layers >= 2``).
    bidirectional : bool
        Read each window in both directions.
    epochs, batch_size, lr, val_fraction, patience, clip_norm, seed
        Training settings, see :class:`~tsrnn.config.TrainConfig`.
    targets : list of column names or positions, optional
        Columns to forecast (O of them); default every column.
    scale : bool
        Standardise each column with statistics of the training span only.
    strategy : {"direct", "recursive"}
        "direct": the head emits all ``horizon`` steps at once.  "recursive": the network learns one
        step and forecasts ``horizon`` steps by feeding each forecast back as the next input (every
        feature must then be a target).  Forecasts beyond the horizon are recursive either way.
    season : int, list of int, or None
        Season (steps) of each target for the seasonal-naive baseline; None finds it from the
        training span's autocorrelation.
    device : {"cpu", "cuda", "auto"}
        Where to train ("auto": CUDA when available).  The fitted model is returned to the CPU,
        where forecasting runs.

    Attributes
    ----------
    model_ : RNNForecaster
    scaler_ : Scaler or None
    history_ : History
    baselines_ : Baselines
        The naive, seasonal-naive, drift and linear-autoregression baselines, fitted on the same
        training span.
    n_features_in_ : int
    feature_names_in_ : list of str
    target_names_ : list of str
    """

    def __init__(self, hidden: int = 15, layers: int = 2, cell: str = "rnn", window: int = 20,
                 horizon: int = 1, dropout: float = 0.0, bidirectional: bool = False, epochs: int = 60,
                 batch_size: int = 64, lr: float = 3e-3, val_fraction: float = 0.1,
                 patience: int | None = 10, clip_norm: float | None = 1.0, seed: int = 0,
                 targets=None, scale: bool = True, strategy: str = "direct", season=None,
                 device: str = "cpu") -> None:
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

    def _configs(self, n_features: int, n_outputs: int) -> tuple[ModelConfig, TrainConfig]:
        _checks.choice("strategy", self.strategy, STRATEGIES)
        horizon = 1 if self.strategy == "recursive" else self.horizon
        model = ModelConfig(input_size=n_features, hidden_size=self.hidden, num_layers=self.layers,
                            cell=self.cell, dropout=self.dropout, bidirectional=self.bidirectional,
                            horizon=horizon, output_size=n_outputs)
        training = TrainConfig(epochs=self.epochs, batch_size=self.batch_size, lr=self.lr,
                               val_fraction=self.val_fraction, patience=self.patience,
                               clip_norm=self.clip_norm, seed=self.seed)
        return model, training

    # -- data in, tensors out ---------------------------------------------------------------------
    def _series(self, data) -> Series:
        """Validate ``data`` against what the model was fitted on."""
        s = as_series(data)
        if s.n_features != self.n_features_in_:
            raise DataError(f"data has {s.n_features} features {s.columns}, but this Forecaster was "
                            f"fitted on {self.n_features_in_} features {self.feature_names_in_}")
        return s

    def _scaled(self, values: np.ndarray) -> torch.Tensor:
        scaled = self.scaler_.transform(values) if self.scaler_ is not None else values
        return torch.from_numpy(np.ascontiguousarray(scaled, dtype=np.float32))  # (T, F)

    def _unscale(self, y: torch.Tensor) -> np.ndarray:
        y = y.numpy()  # (N, K, O)
        return self.scaler_.inverse_transform(y, self.target_idx_) if self.scaler_ is not None else y

    def check_length(self, length: int) -> tuple[int, int]:
        """Check that ``length`` steps suffice to fit; return (training steps, training windows).

        The last ``val_fraction`` of the steps validate; the rest must hold at least one window of
        ``window`` inputs and ``horizon`` targets, and the validation span at least ``horizon`` steps.
        """
        W = _checks.positive_int("window", self.window)
        K = _checks.positive_int("horizon", self.horizon)
        val_fraction = _checks.real("val_fraction", self.val_fraction, 0.0, 1.0, high_open=True)
        n_val_steps = int(round(length * val_fraction))
        train_end = length - n_val_steps
        n_train = n_windows(train_end, W, K)
        if n_train < 1:
            raise DataError(f"series has {length} time steps, {train_end} of them for training after "
                            f"val_fraction={val_fraction}; window={W} + horizon={K} needs "
                            f"at least {W + K} training steps")
        if n_val_steps and n_val_steps < K:
            raise DataError(f"the validation span has {n_val_steps} steps, fewer than horizon={K}; "
                            f"use more data or a larger val_fraction")
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
        s = as_series(data)
        positions = resolve_targets(self.targets, s.columns)
        target_idx = list(range(s.n_features)) if positions is None else positions
        model_config, train_config = self._configs(s.n_features, len(target_idx))
        if self.strategy == "recursive" and sorted(target_idx) != list(range(s.n_features)):
            raise DataError(f"strategy='recursive' feeds each forecast back as input, so every feature must "
                            f"be a target; targets {self.targets!r} leave out some of {s.columns}")
        W, K = self.window, model_config.horizon
        train_end, _ = self.check_length(s.length)
        n_train = n_windows(train_end, W, K)
        n_val_steps = s.length - train_end

        self.scaler_ = Scaler().fit(s.values[:train_end]) if self.scale else None
        self.target_idx_ = target_idx
        X, Y = make_windows(self._scaled(s.values), W, K, positions)  # (N, W, F), (N, K, O) views
        device = _resolve_device(self.device)
        X, Y = X.to(device), Y.to(device)  # one copy of the series on the device; windows stay views
        torch.manual_seed(train_config.seed)
        model = RNNForecaster(model_config).to(device)
        show = sys.stderr.isatty() if progress is None else progress
        # Validation windows have all their targets in the validation span (inputs may precede it).
        val = slice(train_end - W, None) if n_val_steps else slice(0, 0)
        state = None
        if resume:
            if checkpoint_dir is None:
                raise ValueError("resume=True needs the checkpoint_dir that the interrupted fit wrote")
            state, _ = TrainState.load(checkpoint_dir)
        writes = checkpoint_dir is not None and distributed_context()[0] == 0  # only rank 0 writes
        on_epoch = (lambda st: st.save(checkpoint_dir)) if writes else None
        self.history_ = train(model, X[:n_train], Y[:n_train], train_config, X[val], Y[val], progress=show,
                              resume=state, on_epoch=on_epoch)
        self.model_ = model.cpu()
        self.n_features_in_ = s.n_features
        self.feature_names_in_ = s.columns
        self.target_names_ = [s.columns[i] for i in target_idx]
        self.context_ = s.values[-W:].copy()  # (W, F) the latest observations, for forecast()
        self.baselines_ = Baselines(W, self.horizon, target_idx, self.season).fit(s.values[:train_end])
        self.index_spec_ = index_spec(s.index)
        return self

    # -- predict, forecast, evaluate ---------------------------------------------------------------
    def predict(self, data) -> np.ndarray:
        """Forecasts from every window of ``data``, in the data's units.

        Returns
        -------
        ndarray of shape (N, K, O), N = T - W + 1
            Row ``i`` reads steps ``i .. i+W-1`` and forecasts steps ``i+W .. i+W+K-1``; the last row
            forecasts beyond the end of ``data``.
        """
        self._check_fitted()
        s = self._series(data)
        X, _ = make_windows(self._scaled(s.values), self.window, 0)  # (N, W, F)
        return self._unscale(self._roll(X, self.horizon))

    def hidden_states(self, window, cell: bool = False) -> list[np.ndarray]:
        """Every layer's hidden state at every step of one input window, for plots.

        ``window`` is an array, tensor or DataFrame (T, F) or (1, T, F) in the data's units (any
        T >= 1, usually ``window`` steps); it is scaled as :meth:`predict` scales it.  Returns one
        array of shape (T, D*H) per layer, the first layer first (forward half, then backward half).
        With ``cell=True`` an LSTM's cell states instead.  See :meth:`RNNForecaster.layer_states`.
        """
        self._check_fitted()
        if cell and self.model_.config.cell != "lstm":
            raise ValueError(f"cell=True needs an LSTM, but this Forecaster's cell is {self.model_.config.cell!r}")
        if not isinstance(window, (pd.DataFrame, pd.Series)):
            window = np.asarray(window.detach().cpu() if isinstance(window, torch.Tensor) else window,
                                dtype=np.float32)
            if window.ndim == 3 and window.shape[0] != 1:
                raise ValueError(f"window must be one window, of shape (T, F) or (1, T, F), got shape {window.shape}")
            window = window[0] if window.ndim == 3 else window
        s = self._series(window)
        with torch.inference_mode():
            states = self.model_.layer_states(self._scaled(s.values)[None])  # (1, T, F) -> L x (1, T, D*H)
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
            X = torch.cat([X, rows], dim=1)[:, -self.window:]  # slide the window over the forecasts
            outputs.append(predict_windows(self.model_, X))
        return torch.cat(outputs, dim=1)[:, :steps]

    def forecast(self, steps: int, data=None) -> pd.DataFrame:
        """Continue the series ``steps`` into the future, in the data's units.

        Starts from the end of the fitted series, or of ``data`` when given.  Beyond the horizon the
        forecast is recursive: each forecast is fed back as input, which needs every input feature
        to be a target.

        Returns
        -------
        DataFrame of shape (steps, O)
            Indexed by the time steps that follow the series, one column per target.
        """
        self._check_fitted()
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ValueError(f"steps must be an integer >= 1, got {steps!r}")
        if data is None:
            context, spec = self.context_, self.index_spec_
        else:
            s = self._series(data)
            if s.length < self.window:
                raise DataError(f"data has {s.length} time steps; forecasting needs at least window={self.window}")
            context, spec = s.values[-self.window:], index_spec(s.index)
        values = self._unscale(self._roll(self._scaled(context)[None], steps))[0]  # (steps, O)
        return pd.DataFrame(values, index=future_index(spec, steps), columns=self.target_names_)

    def evaluate(self, data, start=None) -> dict:
        """Errors of the model's forecasts on ``data`` beside every baseline, with the skill.

        Each origin ``t`` from ``start`` on (default: the first with enough history, see
        :attr:`context_needed_`) is forecast ``horizon`` steps ahead from the steps before it.
        Returns a dict: per method (``model`` and each of :data:`~tsrnn.baselines.BASELINES`) MAE,
        RMSE, MAPE, sMAPE and MASE overall and per target, in the data's units; ``skill`` (1 - model
        error / best baseline error) for RMSE and MAE; ``best_baseline``; ``n_windows``; ``seasons``.
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
        """
        self._check_fitted()
        return run_backtest(self, self._series(data), start, stride, horizon, refit)

    @property
    def context_needed_(self) -> int:
        """Steps of history every method needs before an origin: the window, and each season."""
        self._check_fitted()
        return self.baselines_.context

    # -- streaming ------------------------------------------------------------------------------------
    def start(self, history, warmup: int | None = None) -> StreamState:
        """Read the last ``warmup`` steps of ``history`` (T, F) and return the recurrent state after them.

        ``state.prediction`` holds the forecast (K, O) that follows ``history``; by default
        (``warmup=window``) it equals :meth:`predict` on the last window.  Continue with :meth:`step`,
        which costs one recurrent step per new observation, where re-running a window costs
        ``window`` steps.  The state then carries a context longer than the training windows; for
        a well-trained network the far past fades, so streamed and windowed forecasts stay close.
        """
        self._check_fitted()
        s = self._series(history)
        warmup = self.window if warmup is None else _checks.positive_int("warmup", warmup)
        if s.length < warmup:
            raise DataError(f"history has {s.length} time steps; warmup={warmup} needs at least {warmup}")
        return self._advance(self._scaled(s.values[-warmup:]), None)

    def step(self, x_t, state: StreamState) -> tuple[np.ndarray, StreamState]:
        """Feed one new observation ``x_t`` (F,) and return the next forecast (K, O) and the new state."""
        self._check_fitted()
        if not isinstance(state, StreamState):
            raise TypeError(f"state must come from Forecaster.start or step, got {type(state).__name__}")
        x = np.asarray(x_t, dtype=np.float32).reshape(1, -1)
        s = self._series(x)
        state = self._advance(self._scaled(s.values), state.hidden)
        return state.prediction, state

    def _advance(self, x: torch.Tensor, hidden) -> StreamState:
        if self.model_.config.bidirectional:
            raise TsrnnError("streaming needs a unidirectional network: a bidirectional one reads each "
                             "window backwards too, so a new step changes every earlier state")
        with torch.inference_mode():
            r = self.model_(x[None], return_states=True, hx=hidden)  # (1, T, F) -> (1, k, O)
        hidden = r.h_n if r.c_n is None else (r.h_n, r.c_n)
        return StreamState(hidden, self._unscale(r.prediction)[0])

    # -- model files --------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Write ``model.safetensors`` and ``config.json`` to directory ``path`` (atomically).

        A non-empty ``path`` is replaced only with ``overwrite=True``.
        """
        self._check_fitted()
        from . import __version__

        tensors = {f"model.{k}": v for k, v in self.model_.state_dict().items()}
        tensors["context"] = torch.from_numpy(self.context_)
        tensors["baselines.linear_ar"] = torch.from_numpy(self.baselines_.ar_)
        config = {
            "estimator": self.get_params(),
            "model": self.model_.config.to_dict(),
            "features": self.feature_names_in_,
            "targets": self.target_names_,
            "target_idx": self.target_idx_,
            "scaler": None if self.scaler_ is None else self.scaler_.to_dict(),
            "index": self.index_spec_,
            "baselines": self.baselines_.to_dict(),
            "history": {"best_epoch": self.history_.best_epoch, "stop_reason": self.history_.stop_reason},
            "versions": {"tsrnn": __version__, "torch": torch.__version__},
        }
        with checkpoint.run_directory(path, overwrite=overwrite) as tmp:
            checkpoint.save_model(tmp, tensors, config)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Forecaster":
        """Rebuild a Forecaster saved by :meth:`save`; no pickle is read."""
        tensors, config = checkpoint.load_model(path)
        where = os.path.join(os.fspath(path), checkpoint.CONFIG_FILE)
        try:
            self = cls(**config["estimator"])
            model = RNNForecaster(ModelConfig.from_dict(config["model"]))
            state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
            model.load_state_dict(state)
            self.context_ = tensors["context"].numpy()
            self.feature_names_in_ = list(config["features"])
            self.target_names_ = list(config["targets"])
            self.target_idx_ = list(config["target_idx"])
            self.scaler_ = None if config["scaler"] is None else Scaler.from_dict(config["scaler"])
            self.index_spec_ = dict(config["index"])
            self.baselines_ = Baselines.from_dict(config["baselines"], tensors["baselines.linear_ar"].numpy())
            self.history_ = History(best_epoch=config["history"]["best_epoch"],
                                    stop_reason=config["history"]["stop_reason"])
        except KeyError as err:
            raise CheckpointError(f"{where!r} lacks the entry {err}; it was not written by Forecaster.save") from err
        except (TypeError, ValueError, RuntimeError) as err:
            raise CheckpointError(f"{where!r} does not describe the weights beside it: {err}") from err
        self.n_features_in_ = len(self.feature_names_in_)
        model.eval()
        self.model_ = model
        return self
