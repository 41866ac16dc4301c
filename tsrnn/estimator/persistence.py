"""A fitted Forecaster as model files and back: what ``model.safetensors`` and ``config.json`` hold.

:func:`model_files` turns a fitted estimator into the tensors and the typed config
(:class:`~tsrnn.nn.model_format.ModelFile`) that :func:`tsrnn.nn.checkpoint.save_model` writes;
:func:`read_model` brings a model directory of any format to the current one
(:func:`tsrnn.nn.migrations.upgrade`), checks it (:func:`tsrnn.nn.model_format.check_model_file`) and
rebuilds the estimator.  Nothing is unpickled.

The per-series state is written as arrays over the S series, for one series (S = 1, id None) and
for long data alike: tensors ``series.mean`` and ``series.scale`` (S, F) (with scaling),
``series.context`` (S, W, F), ``series.linear_ar`` (S, 1 + W*F, F) and the seasonal indices
``series.season_mult`` and ``series.season_add`` (S, m, O); in the config, ``series`` holds the ids,
the index specs by field, the baselines' seasons, season sources and MASE scales as JSON lists of S,
and ``season``: m, each series' kinds of indices, its last calendar step and whether its season
drifts.  So a model of 10,000 series has six such tensors, not 20,000.  The conformal calibration
(:mod:`tsrnn.estimator.calibration`) is the tensors ``calibration.spread`` (K, O) and
``calibration.scores`` (n, O), and in the config ``calibration`` (``steps`` K and ``scores`` n), or null
with the reason in ``uncalibrated``.
"""

from __future__ import annotations

import os
from typing import Any, TypeVar

import msgspec
import numpy as np
import torch

from ..base.config import ModelConfig
from ..base.errors import CheckpointError, DataError
from ..data.known import resolve_known
from ..data.seasonal_indices import Seasonality
from ..evaluation.baselines import from_columns, to_columns
from ..evaluation.conformal import Conformal
from ..nn import checkpoint
from ..nn.migrations import upgrade
from ..nn.model import RNNForecaster
from ..nn.model_format import (
    BaselineColumns,
    CalibrationState,
    FitHistory,
    IndexColumns,
    ModelFile,
    ReadingState,
    SeasonState,
    SeriesState,
    Versions,
    check_model_file,
)
from ..train.history import History
from . import parameters
from .fitted import Fitted, state_of
from .planning import configs
from .state import PanelState

E = TypeVar("E")  # the estimator class (Forecaster); not imported here, which imports this module

__all__ = ["model_files", "read_model"]

_INDEX_FIELDS = {
    "integer": ("kind", "last", "step", "name"),
    "datetime": ("kind", "last", "freq", "name", "form"),
}
_INDEX_COLUMNS = (
    "kind",
    "last",
    "step",
    "freq",
    "name",
    "form",
    "session",
)  # null where a series' kind has no such field (session: where its steps lie in sessions)


def model_files(est) -> tuple[dict[str, torch.Tensor], dict]:
    """The tensors and the config that :meth:`Forecaster.save <tsrnn.estimator.forecaster.Forecaster.save>` writes."""
    from .. import __version__

    fitted = state_of(est)
    state = fitted.state
    columns, ar = to_columns(state.baselines)
    tensors = {f"model.{k}": v for k, v in fitted.model.state_dict().items()}
    tensors["series.context"] = torch.from_numpy(np.ascontiguousarray(state.context))  # (S, W, F)
    tensors["series.linear_ar"] = torch.from_numpy(ar)  # (S, 1 + W*F, F)
    if state.mean is not None:
        tensors["series.mean"] = torch.from_numpy(np.ascontiguousarray(state.mean))  # (S, F)
        tensors["series.scale"] = torch.from_numpy(np.ascontiguousarray(state.scale))
    seasons = state.seasonality
    tensors["series.season_mult"] = torch.from_numpy(np.ascontiguousarray(seasons.mult))  # (S, m, O)
    tensors["series.season_add"] = torch.from_numpy(np.ascontiguousarray(seasons.add))
    cal = fitted.calibration
    if cal is not None:
        tensors["calibration.spread"] = torch.from_numpy(np.ascontiguousarray(cal.spread))  # (K, O)
        tensors["calibration.scores"] = torch.from_numpy(np.ascontiguousarray(cal.scores))  # (n, O)
    history = fitted.history
    file = ModelFile(
        estimator=est.get_params(),
        model=fitted.model.config.to_dict(),
        features=list(fitted.features),
        targets=list(fitted.target_names),
        target_idx=list(fitted.target_idx),
        series=_series(state, columns),
        history=FitHistory(
            history.best_epoch, history.stop_reason, history.averaged, fitted.batch_size, fitted.window
        ),
        reading=msgspec.convert(fitted.reading, ReadingState),
        calibration=None if cal is None else CalibrationState(cal.steps, int(cal.scores.shape[0])),
        uncalibrated=None if cal is not None else fitted.uncalibrated,  # why not
        versions=Versions(__version__, str(torch.__version__)),
    )
    return tensors, msgspec.to_builtins(file)


def _series(state: PanelState, columns: dict) -> SeriesState:
    """The per-series state's JSON columns (its tensors beside them)."""
    seasons = state.seasonality
    return SeriesState(
        ids=list(state.ids),
        scaled=state.mean is not None,
        baselines=BaselineColumns(**columns),
        index=msgspec.convert(
            {k: [spec.get(k) for spec in state.specs] for k in _INDEX_COLUMNS}, IndexColumns
        ),
        season=msgspec.convert(
            {
                "m": seasons.m,
                "kinds": seasons.kinds,
                "last_step": state.last_step.tolist(),
                "drifting": seasons.drifting.tolist(),
            },
            SeasonState,
        ),
    )


def _read_state(file: ModelFile, tensors: dict[str, torch.Tensor]) -> PanelState:
    """The per-series state of a checked file in the current format."""
    series = file.series
    index = series.index
    specs = [
        {key: getattr(index, key)[i] for key in _INDEX_FIELDS[kind]} for i, kind in enumerate(index.kind)
    ]
    for spec, session in zip(specs, index.session, strict=True):
        if session is not None:
            spec["session"] = session
    season = series.season
    return PanelState(
        series.ids,
        tensors["series.mean"].numpy() if series.scaled else None,
        tensors["series.scale"].numpy() if series.scaled else None,
        tensors["series.context"].numpy(),
        from_columns(msgspec.to_builtins(series.baselines), tensors["series.linear_ar"].numpy()),
        specs,
        Seasonality(
            season.m,
            tensors["series.season_mult"].numpy(),
            tensors["series.season_add"].numpy(),
            [list(row) for row in season.kinds],
            np.asarray(season.drifting, dtype=bool),
        ),
        np.asarray(season.last_step, dtype=np.int64),
    )


def read_model(cls: type[E], path: str | os.PathLike) -> E:
    """Check the model directory ``path`` (any format) and rebuild the ``cls`` estimator saved there."""
    where = os.path.join(os.fspath(path), checkpoint.CONFIG_FILE)

    def expected(settings, n, targets, W):
        est: Any = cls(**settings)
        parameters.check(est)  # every setting against the parameter table, as fit checks them
        return configs(est, n, targets, W)[0]

    def check(config, tensors):  # every field and shape (meta tensors, before the weights are read)
        file, tensors = upgrade(config, tensors, where)
        check_model_file(file, tensors, where, cls, expected)
        return file, tensors

    tensors, config = checkpoint.load_model(path, check=check)
    file, tensors = check(config, tensors)  # and every value (finite weights, positive scales)
    try:
        est: Any = cls(**file.estimator)  # an E
        model = RNNForecaster(ModelConfig.from_dict(file.model))
        model.load_state_dict({k[len("model.") :]: v for k, v in tensors.items() if k.startswith("model.")})
    except (TypeError, ValueError, RuntimeError) as err:
        raise CheckpointError(f"{where!r} does not describe the weights beside it: {err}") from err
    h = file.history
    cal = None
    if file.calibration is not None:
        cal = Conformal(
            tensors["calibration.spread"].numpy().astype(np.float64),
            tensors["calibration.scores"].numpy().astype(np.float64),
        )
    try:
        known_idx = resolve_known(est.known, list(file.features), list(file.target_idx), est.strategy)
    except DataError as err:
        raise CheckpointError(f"{where!r}: {err}") from err
    model.eval()
    state = _read_state(file, tensors)
    est.fitted_ = Fitted(
        model=model,
        state=state,
        long=state.ids[0] is not None,
        features=tuple(file.features),
        target_idx=tuple(file.target_idx),
        known_idx=tuple(known_idx),
        window=h.window,
        batch_size=h.batch_size,
        history=History(best_epoch=h.best_epoch, stop_reason=h.stop_reason, averaged=list(h.averaged)),
        reading=msgspec.to_builtins(file.reading),
        calibration=cal,
        uncalibrated=file.uncalibrated,
    )
    return est
