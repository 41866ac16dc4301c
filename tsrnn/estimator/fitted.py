"""The fitted state of a :class:`~tsrnn.estimator.forecaster.Forecaster`: one frozen :class:`Fitted`.

``fit`` builds it once its training ends, ``load`` builds it from a model directory, and both hand
it to the estimator whole (``fitted_``); a later ``fit`` replaces it whole, only once it has
succeeded.  ``predict``, ``forecast``, ``backtest``, ``evaluate`` and the rest read it and never
change it: its fields cannot be assigned, and the estimator's fitted attributes (``model_``,
``state_``, ``window_``, ``target_idx_``, ``reading_``, ...) are read-only views of them
(:mod:`tsrnn.estimator.views`).  Data given to the fitted model is checked against it
(:func:`tsrnn.estimator.intake.data_panel`).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..base.errors import NotFittedError

if TYPE_CHECKING:
    from ..evaluation.conformal import Conformal
    from ..nn.model import RNNForecaster
    from ..train.history import History
    from .state import PanelState

__all__ = ["Fitted", "Holdout", "FIELDS", "Shown", "state_of"]


def state_of(est) -> Fitted:
    """The fitted state of the estimator ``est``, or :class:`~tsrnn.base.errors.NotFittedError` (an
    AttributeError: ``hasattr`` is False before ``fit``, the scikit-learn contract)."""
    if "fitted_" not in vars(est):
        raise NotFittedError(
            f"This {type(est).__name__} instance is not fitted yet. Call 'fit' with "
            f"appropriate arguments before using this estimator."
        )
    return est.fitted_


@dataclasses.dataclass(frozen=True)
class Holdout:
    """What the held-out evaluation found (``Forecaster.holdout_``).

    model   : the Forecaster fitted on the steps before the held-out ones (the one evaluated)
    starts  : {unique_id (None for one series): position of its first held-out step}
    metrics : :meth:`Forecaster.evaluate` of ``model`` on the held-out steps
    epochs  : the refit's epochs (the evaluated fit's best epoch, or all its epochs without validation)
    """

    model: object
    starts: dict
    metrics: dict
    epochs: int


@dataclasses.dataclass(frozen=True)
class Fitted:
    """What a fit learned and how it read its data, built once (by ``fit`` or ``load``).

    model        : the trained network (in eval mode once fitted)
    state        : every series' state: scaling, last window, seasonal indices, baselines, ids, labels
    long         : whether the model was fitted on the long layout (its series named)
    features     : the input columns, in order
    target_idx   : the positions of the targets among ``features``
    known_idx    : the positions of the future-known columns among ``features``
    window       : the window length the fit chose or was given
    batch_size   : the batch size it trained with
    history      : the training history (epochs, best epoch, why it stopped, the network's share)
    reading      : how data given to the fitted model is read (the fit's time column, features,
                   fill, frequency and file options); None for arrays
    report       : the fit's data report (every reading decision with its evidence); None after ``load``
    calibration  : the conformal calibration of ``forecast(level=...)``, or None ...
    uncalibrated : ... and then why not
    holdout      : what the held-out evaluation found (``fit(holdout=...)``), or None
    """

    model: RNNForecaster
    state: PanelState
    long: bool
    features: tuple[str, ...]
    target_idx: tuple[int, ...]
    known_idx: tuple[int, ...]
    window: int
    batch_size: int
    history: History
    reading: Mapping[str, Any] | None
    report: Mapping[str, Any] | None = None
    calibration: Conformal | None = None
    uncalibrated: str | None = None
    holdout: Holdout | None = None

    @property
    def n_features(self) -> int:
        """The number of input columns."""
        return len(self.features)

    @property
    def target_names(self) -> tuple[str, ...]:
        """The target columns' names, in ``target_idx`` order."""
        return tuple(self.features[i] for i in self.target_idx)

    def attribute(self, name: str) -> Any:
        """The value of the estimator's fitted attribute ``name`` (see :data:`FIELDS`): a copy
        where the field is a sequence or a mapping, so changing what it returns changes nothing
        here; AttributeError where this fit has none (``holdout_`` without a holdout,
        ``data_report_`` of a loaded model)."""
        field, shown, absent = FIELDS[name]
        value = getattr(self, field)
        if value is None and absent:
            raise AttributeError(f"{name} is not set: {absent}")
        if value is None or shown == "as is":
            return value
        return list(value) if shown == "list" else copy.deepcopy(dict(value))


class Shown(NamedTuple):
    """How the estimator shows a field of :class:`Fitted` as a fitted attribute."""

    field: str
    shown: str = "as is"  # "list" / "dict": a copy of it, so changing what is shown changes nothing
    absent: str = ""  # where the field is None: the attribute is absent, and this says why


# the estimator's fitted attributes: what each shows of the fitted state
FIELDS: dict[str, Shown] = {
    "model_": Shown("model"),
    "state_": Shown("state"),
    "long_": Shown("long"),
    "feature_names_in_": Shown("features", "list"),
    "n_features_in_": Shown("n_features"),
    "target_names_": Shown("target_names", "list"),
    "target_idx_": Shown("target_idx", "list"),
    "known_idx_": Shown("known_idx", "list"),
    "window_": Shown("window"),
    "batch_size_": Shown("batch_size"),
    "history_": Shown("history"),
    "reading_": Shown("reading", "dict"),
    "data_report_": Shown(
        "report", "dict", "a loaded model keeps how its data was read (reading_), not the fit's report"
    ),
    "calibration_": Shown("calibration"),
    "uncalibrated_": Shown("uncalibrated"),
    "holdout_": Shown(
        "holdout", absent="the model was fitted without a held-out span (fit(data, holdout=...))"
    ),
}
