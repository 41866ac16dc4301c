"""tsrnn: forecast time series with recurrent neural networks in PyTorch, and see inside them.

>>> import tsrnn
>>> x = tsrnn.sine_wave(seq_length=20, n_features=3)      # ndarray (20, 3)
>>> batch = tsrnn.to_batch(x)                              # tensor (1, 20, 3)

Names are loaded on first use, so ``import tsrnn`` stays light (torch loads with the first model).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "TsrnnError": "base.errors",
    "DataError": "base.errors",
    "NotFittedError": "base.errors",
    "CheckpointError": "base.errors",
    "ModelConfig": "base.config",
    "TrainConfig": "base.config",
    "sine_wave": "data.generate",
    "multi_sine": "data.generate",
    "to_batch": "data.generate",
    "as_series": "data.series",
    "read_csv": "data.series",
    "read": "data.series",
    "Reading": "data.reading",
    "AmbiguousData": "data.reading",
    "Scaler": "data.series",
    "make_windows": "data.windows",
    "mae": "evaluation.metrics",
    "rmse": "evaluation.metrics",
    "RNNForecaster": "nn.model",
    "ForwardResult": "nn.model",
    "LayerState": "nn.model",
    "History": "train.loop",
    "Forecaster": "estimator.forecaster",
    "trace_shapes": "app.shapes",
    "describe_shapes": "app.shapes",
    "ShapeReport": "app.shapes",
    "compare_hidden_sizes": "app.compare",
    "HiddenComparison": "app.compare",
}

# public modules -> where they live: ``from tsrnn import plot``
_MODULES = {"plot": "app.plot"}

__all__ = sorted(_EXPORTS) + sorted(_MODULES) + ["__version__"]


def __getattr__(name: str):
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
