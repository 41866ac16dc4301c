"""`Forecaster`: the scikit-learn-style estimator users import.

Shape legend: N windows, T window length (W), F input features, K horizon, O output targets.
"""
from __future__ import annotations

import inspect
import os
import sys

import numpy as np
import pandas as pd
import torch

from . import _checks, checkpoint
from .config import ModelConfig, TrainConfig
from .data import Scaler, Series, as_series, future_index, index_spec
from .errors import CheckpointError, DataError, NotFittedError
from .metrics import naive_forecast, score
from .model import RNNForecaster
from .train import History, predict_windows, train
from .windows import make_windows, n_windows, resolve_targets

__all__ = ["Forecaster"]


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

    Attributes
    ----------
    model_ : RNNForecaster
    scaler_ : Scaler or None
    history_ : History
    n_features_in_ : int
    feature_names_in_ : list of str
    target_names_ : list of str
    """

    def __init__(self, hidden: int = 15, layers: int = 2, cell: str = "rnn", window: int = 20,
                 horizon: int = 1, dropout: float = 0.0, bidirectional: bool = False, epochs: int = 60,
                 batch_size: int = 64, lr: float = 3e-3, val_fraction: float = 0.1,
                 patience: int | None = 10, clip_norm: float | None = 1.0, seed: int = 0,
                 targets=None, scale: bool = True) -> None:
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
        model = ModelConfig(input_size=n_features, hidden_size=self.hidden, num_layers=self.layers,
                            cell=self.cell, dropout=self.dropout, bidirectional=self.bidirectional,
                            horizon=self.horizon, output_size=n_outputs)
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
    def fit(self, data, progress: bool | None = None) -> "Forecaster":
        """Train on ``data``: an array (T,) / (T, F) or a DataFrame of numeric columns.

        The last ``val_fraction`` of the steps validate (early stopping); the scaler sees only the
        steps before them.  ``progress`` shows a bar (default: when stderr is a terminal).
        """
        s = as_series(data)
        positions = resolve_targets(self.targets, s.columns)
        target_idx = list(range(s.n_features)) if positions is None else positions
        model_config, train_config = self._configs(s.n_features, len(target_idx))
        W, K = self.window, model_config.horizon
        train_end, n_train = self.check_length(s.length)
        n_val_steps = s.length - train_end

        self.scaler_ = Scaler().fit(s.values[:train_end]) if self.scale else None
        self.target_idx_ = target_idx
        X, Y = make_windows(self._scaled(s.values), W, K, positions)  # (N, W, F), (N, K, O) views
        torch.manual_seed(train_config.seed)
        model = RNNForecaster(model_config)
        show = sys.stderr.isatty() if progress is None else progress
        # Validation windows have all their targets in the validation span (inputs may precede it).
        val = slice(train_end - W, None) if n_val_steps else slice(0, 0)
        self.history_ = train(model, X[:n_train], Y[:n_train], train_config, X[val], Y[val], progress=show)
        self.model_ = model
        self.n_features_in_ = s.n_features
        self.feature_names_in_ = s.columns
        self.target_names_ = [s.columns[i] for i in target_idx]
        self.context_ = s.values[-W:].copy()  # (W, F) the latest observations, for forecast()
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
        return self._unscale(predict_windows(self.model_, X))

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
        K = self.horizon
        if steps > K and sorted(self.target_idx_) != list(range(self.n_features_in_)):
            covariates = [n for i, n in enumerate(self.feature_names_in_) if i not in self.target_idx_]
            raise DataError(f"a forecast of {steps} steps beyond horizon={K} is recursive and would need "
                            f"future values of the non-target features {covariates}; forecast at most {K} steps")
        x = self._scaled(context)  # (W, F) scaled
        outputs = []
        with torch.inference_mode():
            self.model_.eval()
            for _ in range(-(-steps // K)):
                y = self.model_(x[None])[0]  # (1, W, F) -> (K, O)
                outputs.append(y)
                rows = torch.empty(K, x.shape[1])
                rows[:, self.target_idx_] = y  # every feature is a target here (checked above)
                x = torch.cat([x[K:], rows]) if K < x.shape[0] else rows[-x.shape[0]:]
        values = self._unscale(torch.cat(outputs)[None])[0][:steps]  # (steps, O)
        return pd.DataFrame(values, index=future_index(spec, steps), columns=self.target_names_)

    def evaluate(self, data) -> dict:
        """Errors of the model on every complete window of ``data``, beside the naive last-value baseline.

        ``data`` should start ``window`` steps before the first step to score.  Returns a dict with
        ``"model"`` and ``"naive"`` entries (MAE and RMSE overall and per target, in the data's units)
        and ``"n_windows"``.
        """
        self._check_fitted()
        s = self._series(data)
        X_raw, Y = make_windows(s.values, self.window, self.horizon, self.target_idx_)
        X, _ = make_windows(self._scaled(s.values), self.window, self.horizon)
        forecasts = {"model": self._unscale(predict_windows(self.model_, X)),
                     "naive": naive_forecast(X_raw, self.horizon, self.target_idx_)}
        result = score(Y, forecasts, self.target_names_)
        result["n_windows"] = int(Y.shape[0])
        return result

    # -- model files --------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Write ``model.safetensors`` and ``config.json`` to directory ``path`` (atomically).

        A non-empty ``path`` is replaced only with ``overwrite=True``.
        """
        self._check_fitted()
        from . import __version__

        tensors = {f"model.{k}": v for k, v in self.model_.state_dict().items()}
        tensors["context"] = torch.from_numpy(self.context_)
        config = {
            "estimator": self.get_params(),
            "model": self.model_.config.to_dict(),
            "features": self.feature_names_in_,
            "targets": self.target_names_,
            "target_idx": self.target_idx_,
            "scaler": None if self.scaler_ is None else self.scaler_.to_dict(),
            "index": self.index_spec_,
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
