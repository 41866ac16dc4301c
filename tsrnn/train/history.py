"""What a training run did: one record per epoch, the best epoch, why it stopped, the epochs averaged."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History"]


@dataclass
class History:
    """What training did: one record per epoch, the best epoch, and why it stopped."""

    records: list[dict] = field(default_factory=list)  # epoch, train_loss, val_loss, seconds
    best_epoch: int = 0
    stop_reason: str = "finished"
    averaged: list[int] = field(
        default_factory=list
    )  # the epochs whose weights the model averages, best first
    # The network's share, set by the estimator's fit (None without validation windows, or read from
    # a model file): the trained model's validation MSE of its point forecast, scaled units, and the
    # same of its linear part alone (RNNForecaster.linear_part: the recurrent branch zeroed).
    val_mse: float | None = None
    linear_val_mse: float | None = None

    @property
    def network_gain(self) -> float | None:
        """``1 - val_mse / linear_val_mse``: the share of its linear part's validation error that the
        recurrent network takes off (negative where it adds error); None where either is unknown."""
        if self.val_mse is None or not self.linear_val_mse:
            return None
        return 1.0 - self.val_mse / self.linear_val_mse

    @property
    def train_loss(self) -> list[float]:
        return [r["train_loss"] for r in self.records]

    @property
    def val_loss(self) -> list[float | None]:
        return [r["val_loss"] for r in self.records]

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.records, columns=["epoch", "train_loss", "val_loss", "seconds"])
