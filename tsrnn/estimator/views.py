"""What a fitted :class:`~tsrnn.estimator.forecaster.Forecaster` shows of its state: the fitted
check, one series of long data as a single-series model (``series_model``), that series' scaler,
window, labels and baselines, the seasonal indices, and the names and levels its outputs use.
A mixin of the facade, reading only the fitted attributes (``state_``, ``model_``, ``long_``, ...)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, TypeVar

from ..base.errors import DataError, NotFittedError
from ..data.known import lead_name

if TYPE_CHECKING:
    from ..data.seasonal_indices import Seasonality
    from ..nn.model import RNNForecaster
    from ..train.history import History
    from .holdout import Holdout
    from .state import PanelState

__all__ = ["FittedViews"]

_V = TypeVar("_V", bound="FittedViews")


class FittedViews:
    """The fitted state's views, shared by :class:`~tsrnn.estimator.forecaster.Forecaster`."""

    # the fitted state: set by ``fit`` (or ``load``), absent before (the scikit-learn contract)
    model_: RNNForecaster
    state_: PanelState
    long_: bool
    history_: History
    window_: int
    batch_size_: int
    n_features_in_: int
    feature_names_in_: list[str]
    target_names_: list[str]
    target_idx_: list[int]
    known_idx_: list[int]
    data_report_: dict[str, Any]
    holdout_: Holdout  # set by fit with holdout > 0 only

    def _fitted(self: _V) -> _V:
        if not hasattr(self, "model_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                f"appropriate arguments before using this estimator."
            )
        return self

    def series_model(self: _V, unique_id: str) -> _V:
        """The fitted global model as a single-series Forecaster for one series of long data.

        It shares the network and uses that series' scaler, baselines and last window, so
        ``predict``, ``forecast``, ``backtest``, ``start`` / ``step`` and ``hidden_states`` work on it.
        """
        if not self._fitted().long_:
            raise DataError("the model was fitted on one series (wide data); use it directly")
        if unique_id not in self.state_:
            raise DataError(f"unknown series {unique_id!r}; the model was fitted on {list(self.state_)}")
        view = copy.copy(self)
        view.state_, view.long_ = self.state_.take(self.state_.position(unique_id)), False
        return view

    def _one(self, name: str):
        if self._fitted().long_:
            raise AttributeError(
                f"{name} belongs to one series; the model was fitted on long data, "
                f"see series_model(unique_id).{name}"
            )
        return self.state_[self.state_.ids[0]][name]

    scaler_ = property(lambda self: self._one("scaler_"), doc="The series' Scaler (None with scale=False).")
    context_ = property(lambda self: self._one("context_"), doc="The series' last window (W, F).")
    index_spec_ = property(lambda self: self._one("index_spec_"), doc="How the series' time labels continue.")
    baselines_ = property(lambda self: self._one("baselines_"), doc="The series' fitted Baselines.")

    @property
    def seasonality_(self) -> Seasonality:
        """The seasonal indices taken out of the targets (:class:`~tsrnn.data.seasonal_indices.Seasonality`,
        every series': ``m``, ``kinds`` (S, O), ``mult`` and ``add`` (S, m, O)); ``describe()`` in words."""
        return self._fitted().state_.seasonality

    @property
    def context_needed_(self) -> int:
        """Steps of history every method needs before an origin: the window, and each season."""
        return max(b.context for b in self._fitted().state_.baselines)

    @property
    def quantile_levels_(self) -> tuple[float, ...] | None:
        """The levels of the quantile columns and arrays; None for a point (MSE) model."""
        return self._fitted().model_.config.quantiles

    @property
    def input_names_(self) -> list[str]:
        """The network's input columns: the features, then each known column's lead."""
        return list(self.feature_names_in_) + [
            lead_name(self.feature_names_in_[i], self.model_.config.horizon) for i in self.known_idx_
        ]
