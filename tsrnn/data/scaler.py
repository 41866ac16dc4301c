"""The standard scaler, fitted on a series' training span only."""

from __future__ import annotations

import numpy as np

from ..base.errors import DataError

__all__ = ["Scaler"]


class Scaler:
    """Standard scaler per column: ``(x - mean) / scale``; constant columns get scale 1.

    Fit it on the training span only, so no statistic of the future leaks into training.
    """

    def __init__(self, mean: np.ndarray | None = None, scale: np.ndarray | None = None) -> None:
        self.mean_ = None if mean is None else np.asarray(mean, dtype=np.float32)
        self.scale_ = None if scale is None else np.asarray(scale, dtype=np.float32)

    def fit(self, values: np.ndarray) -> Scaler:
        values = np.asarray(values)
        std = values.std(axis=0, dtype=np.float64)  # float64 sums, without a float64 copy
        self.mean_ = values.mean(axis=0, dtype=np.float64).astype(np.float32)
        self.scale_ = np.where(std > 1e-12, std, 1.0).astype(np.float32)
        return self

    def _stats(self, columns) -> tuple[np.ndarray, np.ndarray]:
        if self.mean_ is None or self.scale_ is None:
            raise DataError("this Scaler is not fitted yet; call 'fit' first")
        if columns is None:
            return self.mean_, self.scale_
        return self.mean_[columns], self.scale_[columns]

    def transform(self, values: np.ndarray, columns=None) -> np.ndarray:
        mean, scale = self._stats(columns)
        return ((np.asarray(values, dtype=np.float32) - mean) / scale).astype(np.float32, copy=False)

    def inverse_transform(self, values: np.ndarray, columns=None) -> np.ndarray:
        mean, scale = self._stats(columns)
        return (np.asarray(values, dtype=np.float32) * scale + mean).astype(np.float32, copy=False)

    def to_dict(self) -> dict[str, list[float]]:
        mean, scale = self._stats(None)
        return {"mean": mean.tolist(), "scale": scale.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> Scaler:
        return cls(np.asarray(data["mean"]), np.asarray(data["scale"]))
