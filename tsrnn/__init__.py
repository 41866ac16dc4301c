"""tsrnn: forecast time series with recurrent neural networks in PyTorch, and see inside them.

>>> import tsrnn
>>> x = tsrnn.sine_wave(seq_length=20, n_features=3)      # ndarray (20, 3)
>>> batch = tsrnn.to_batch(x)                              # tensor (1, 20, 3)

Names are loaded on first use, so ``import tsrnn`` stays light (torch loads with the first model).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# What type checkers and IDEs see.  At run time __getattr__ below loads each name on first use.
if TYPE_CHECKING:
    from .app import plot
    from .app.compare import HiddenComparison, compare_hidden_sizes
    from .app.shapes import ShapeReport, describe_shapes, trace_shapes
    from .base.config import ModelConfig, TrainConfig
    from .base.errors import CheckpointError, DataError, InvalidParameterError, NotFittedError, TsrnnError
    from .data.dataset import Dataset, Roles, read
    from .data.files import read_csv
    from .data.generate import multi_sine, sine_wave, to_batch
    from .data.reading import AmbiguousData, Reading, ReadingRefused
    from .data.scaler import Scaler
    from .data.series import as_series
    from .data.windows import make_windows
    from .estimator.forecaster import Forecaster
    from .evaluation.metrics import mae, rmse
    from .nn.model import ForwardResult, LayerState, RNNForecaster
    from .train.history import History

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "TsrnnError": "base.errors",
    "DataError": "base.errors",
    "InvalidParameterError": "base.errors",
    "NotFittedError": "base.errors",
    "CheckpointError": "base.errors",
    "ModelConfig": "base.config",
    "TrainConfig": "base.config",
    "sine_wave": "data.generate",
    "multi_sine": "data.generate",
    "to_batch": "data.generate",
    "as_series": "data.series",
    "read_csv": "data.files",
    "read": "data.dataset",
    "Dataset": "data.dataset",
    "Roles": "data.dataset",
    "Reading": "data.reading",
    "AmbiguousData": "data.reading",
    "ReadingRefused": "data.reading",
    "Scaler": "data.scaler",
    "make_windows": "data.windows",
    "mae": "evaluation.metrics",
    "rmse": "evaluation.metrics",
    "RNNForecaster": "nn.model",
    "ForwardResult": "nn.model",
    "LayerState": "nn.model",
    "History": "train.history",
    "Forecaster": "estimator.forecaster",
    "trace_shapes": "app.shapes",
    "describe_shapes": "app.shapes",
    "ShapeReport": "app.shapes",
    "compare_hidden_sizes": "app.compare",
    "HiddenComparison": "app.compare",
}

# public modules -> where they live: ``from tsrnn import plot``
_MODULES = {"plot": "app.plot"}

__all__ = [
    "AmbiguousData",
    "CheckpointError",
    "DataError",
    "Dataset",
    "Forecaster",
    "ForwardResult",
    "HiddenComparison",
    "History",
    "InvalidParameterError",
    "LayerState",
    "ModelConfig",
    "NotFittedError",
    "RNNForecaster",
    "Reading",
    "ReadingRefused",
    "Roles",
    "Scaler",
    "ShapeReport",
    "TrainConfig",
    "TsrnnError",
    "as_series",
    "compare_hidden_sizes",
    "describe_shapes",
    "mae",
    "make_windows",
    "multi_sine",
    "plot",
    "read",
    "read_csv",
    "rmse",
    "sine_wave",
    "to_batch",
    "trace_shapes",
    "__version__",
]

if not TYPE_CHECKING:  # checkers see the names above, and a misspelt one as an error

    def __getattr__(name: str) -> object:
        if name in _MODULES:
            value = importlib.import_module(f".{_MODULES[name]}", __name__)
            globals()[name] = value
            return value
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'tsrnn' has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return __all__
