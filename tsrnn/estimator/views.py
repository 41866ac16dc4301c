"""What a fitted :class:`~tsrnn.estimator.forecaster.Forecaster` shows of its state: the fitted
check, one series of long data as a single-series model (``series_model``), that series' scaler,
window, labels and baselines, the seasonal indices, and the names and levels its outputs use.
A mixin of the facade: the fitted attributes (``state_``, ``model_``, ``long_``, ...) are read-only
views of the one frozen fitted state, ``fitted_`` (:class:`~tsrnn.estimator.fitted.Fitted`)."""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from ..base.errors import DataError
from ..data.known import lead_name
from .fitted import state_of

if TYPE_CHECKING:
    from ..data.seasonal_indices import Seasonality
    from ..evaluation.conformal import Conformal
    from ..nn.model import RNNForecaster
    from ..train.history import History
    from .fitted import Fitted, Holdout
    from .state import PanelState

__all__ = ["FittedViews"]

_V = TypeVar("_V", bound="FittedViews")
_T = TypeVar("_T")


class _View(Generic[_T]):
    """A fitted attribute (``model_``, ``window_``, ...): a read-only view of the estimator's one
    fitted state (``fitted_``, :class:`~tsrnn.estimator.fitted.Fitted`, whose ``FIELDS`` map it)."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _View[_T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return obj._fitted().fitted_.attribute(self.name)

    def __set__(self, obj: object, value: object) -> None:
        raise AttributeError(
            f"{self.name} is part of the fitted state, which only fit and load set; "
            f"refit the model to change it"
        )

    def __delete__(self, obj: object) -> None:
        self.__set__(obj, None)


class FittedViews:
    """The fitted state's views, shared by :class:`~tsrnn.estimator.forecaster.Forecaster`."""

    fitted_: Fitted  # set whole by ``fit`` or ``load``, absent before (the scikit-learn contract)

    def _fitted(self: _V) -> _V:
        state_of(self)  # NotFittedError before fit
        return self

    # the fitted attributes: read-only views of ``fitted_``
    model_: _View[RNNForecaster] = _View("The trained network.")
    state_: _View[PanelState] = _View("Every series' state (:class:`~tsrnn.estimator.state.PanelState`).")
    long_: _View[bool] = _View("Whether the model was fitted on long data (named series).")
    history_: _View[History] = _View("The training history (:class:`~tsrnn.train.history.History`).")
    window_: _View[int] = _View("The window length fitted.")
    batch_size_: _View[int] = _View("The batch size trained with.")
    n_features_in_: _View[int] = _View("The number of input columns.")
    feature_names_in_: _View[list[str]] = _View("The input columns, in order.")
    target_names_: _View[list[str]] = _View("The target columns.")
    target_idx_: _View[list[int]] = _View("The targets' positions among the input columns.")
    known_idx_: _View[list[int]] = _View("The future-known columns' positions among the input columns.")
    reading_: _View[dict[str, Any] | None] = _View("How data given to the fitted model is read.")
    data_report_: _View[dict[str, Any]] = _View("The fit's data report (absent after load).")
    calibration_: _View[Conformal | None] = _View("The conformal calibration of the intervals, or None.")
    uncalibrated_: _View[str | None] = _View("Why the intervals are not calibrated, or None.")
    holdout_: _View[Holdout] = _View("The held-out evaluation (a fit with holdout > 0 only).")

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
        one = self.state_.take(self.state_.position(unique_id))
        view.fitted_ = dataclasses.replace(self.fitted_, state=one, long=False)
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
