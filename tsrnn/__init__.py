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
    "TsrnnError": "errors", "DataError": "errors", "NotFittedError": "errors", "CheckpointError": "errors",
    "ModelConfig": "config", "TrainConfig": "config",
    "sine_wave": "generate", "multi_sine": "generate", "to_batch": "generate",
    "as_series": "data", "read_csv": "data", "Scaler": "data",
    "make_windows": "windows",
    "mae": "metrics", "rmse": "metrics",
    "RNNForecaster": "model", "ForwardResult": "model", "LayerState": "model",
    "History": "train",
    "Forecaster": "forecaster",
    "trace_shapes": "shapes", "describe_shapes": "shapes", "ShapeReport": "shapes",
    "compare_hidden_sizes": "compare", "HiddenComparison": "compare",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tsrnn' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
