"""A fitted Forecaster as files and back: what ``model.safetensors`` and ``config.json`` hold.

:func:`model_files` turns a fitted estimator into the tensors and the JSON config that
:func:`tsrnn.nn.checkpoint.save_model` writes; :func:`read_model` checks a model directory against the
schema (:mod:`tsrnn.nn.schema`) and rebuilds the estimator.  Nothing is unpickled.

The per-series state is written as arrays over the S series (format 4), for one series (S = 1,
id None) and for long data alike: tensors ``series.mean`` and ``series.scale`` (S, F) (with
scaling), ``series.context`` (S, W, F), ``series.linear_ar`` (S, 1 + W*F, F) and the seasonal
indices ``series.season_mult`` and ``series.season_add`` (S, m, O); in the config, ``series`` holds
the ids, the index specs by field, the baselines' seasons, season sources and MASE scales as JSON
lists of S, and ``season``: m, each series' kinds of indices, its last calendar step and whether its
season drifts (files written before that rule lack the list: no series drifts).  So a
model of 10,000 series has six such tensors, not 20,000.  Files before format 4 have no seasonal
indices and load with ``deseason=False``.

Format 5 adds the conformal calibration (:mod:`tsrnn.estimator.calibration`): tensors
``calibration.spread`` (K, O) and ``calibration.scores`` (n, O), and in the config ``calibration``
(``steps`` K and ``scores`` n), or null with the reason in ``uncalibrated``.  Older files load
without one, and a forecast with ``level`` says so and asks for a refit.

Every older format is read here, in one place (:func:`_read_state` and :func:`read_model`): the
single-series layout (``scaler``, ``index``, ``baselines`` at the top level, tensors ``context`` and
``baselines.linear_ar``), the ``members`` layout of long data (one entry and two tensors per
series), format 1 without the highway, and files from before the automatic window (the window given).
"""

from __future__ import annotations

import os
from typing import Any, TypeVar

import numpy as np
import torch

from ..base.config import ModelConfig
from ..base.errors import CheckpointError, DataError, NotFittedError
from ..data.known import resolve_known
from ..data.scaler import Scaler
from ..data.seasonal import Seasonality
from ..evaluation.baselines import Baselines, from_columns, to_columns
from ..evaluation.conformal import Conformal
from ..nn import checkpoint
from ..nn.model import RNNForecaster
from ..nn.schema import check_model_config
from ..train.history import History
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

    if not hasattr(est, "model_"):
        raise NotFittedError(
            f"This {type(est).__name__} instance is not fitted yet. Call 'fit' with "
            f"appropriate arguments before using this estimator."
        )
    state = est.state_
    columns, ar = to_columns(state.baselines)
    tensors = {f"model.{k}": v for k, v in est.model_.state_dict().items()}
    tensors["series.context"] = torch.from_numpy(np.ascontiguousarray(state.context))  # (S, W, F)
    tensors["series.linear_ar"] = torch.from_numpy(ar)  # (S, 1 + W*F, F)
    if state.mean is not None:
        tensors["series.mean"] = torch.from_numpy(np.ascontiguousarray(state.mean))  # (S, F)
        tensors["series.scale"] = torch.from_numpy(np.ascontiguousarray(state.scale))
    seasons = state.seasonality
    tensors["series.season_mult"] = torch.from_numpy(np.ascontiguousarray(seasons.mult))  # (S, m, O)
    tensors["series.season_add"] = torch.from_numpy(np.ascontiguousarray(seasons.add))
    series = {
        "ids": list(state.ids),
        "scaled": state.mean is not None,
        "baselines": columns,
        "index": {key: [spec.get(key) for spec in state.specs] for key in _INDEX_COLUMNS},
        "season": {
            "m": seasons.m,
            "kinds": seasons.kinds,
            "last_step": state.last_step.tolist(),
            "drifting": seasons.drifting.tolist(),
        },
    }
    cal = getattr(est, "calibration_", None)
    if cal is not None:
        tensors["calibration.spread"] = torch.from_numpy(np.ascontiguousarray(cal.spread))  # (K, O)
        tensors["calibration.scores"] = torch.from_numpy(np.ascontiguousarray(cal.scores))  # (n, O)
    config = {
        "estimator": est.get_params(),
        "calibration": None if cal is None else {"steps": cal.steps, "scores": int(cal.scores.shape[0])},
        "uncalibrated": None if cal is not None else getattr(est, "uncalibrated_", None),  # why not
        "model": est.model_.config.to_dict(),
        "features": est.feature_names_in_,
        "targets": est.target_names_,
        "target_idx": est.target_idx_,
        "series": series,
        "reading": getattr(est, "reading_", None),
        "history": {
            "best_epoch": est.history_.best_epoch,
            "stop_reason": est.history_.stop_reason,
            "averaged": est.history_.averaged,
            "batch_size": est.batch_size_,
            "window": est.window_,
        },
        "versions": {"tsrnn": __version__, "torch": torch.__version__},
    }
    return tensors, config


def _read_state(config: dict, tensors: dict[str, torch.Tensor]) -> PanelState:
    """The per-series state of a checked config, whatever its layout (see the module's docstring)."""
    if "series" in config:  # format 4: arrays over the series
        series = config["series"]
        index = series["index"]
        specs = [{key: index[key][i] for key in _INDEX_FIELDS[kind]} for i, kind in enumerate(index["kind"])]
        for spec, session in zip(specs, index.get("session") or [None] * len(specs), strict=True):
            if session is not None:  # files before sessions lack the column
                spec["session"] = session
        scaled = series["scaled"]
        season = series["season"]
        return PanelState(
            series["ids"],
            tensors["series.mean"].numpy() if scaled else None,
            tensors["series.scale"].numpy() if scaled else None,
            tensors["series.context"].numpy(),
            from_columns(series["baselines"], tensors["series.linear_ar"].numpy()),
            specs,
            Seasonality(
                season["m"],
                tensors["series.season_mult"].numpy(),
                tensors["series.season_add"].numpy(),
                season["kinds"],
                season.get("drifting"),
            ),
            season["last_step"],
        )
    members = config["members"] if "members" in config else {None: config}  # long data / one series, before 4
    states = {}
    for uid, m in members.items():
        prefix = "" if uid is None else f"members.{uid}."
        states[uid] = {
            "scaler_": None if m["scaler"] is None else Scaler.from_dict(m["scaler"]),
            "context_": tensors[f"{prefix}context"].numpy(),
            "index_spec_": dict(m["index"]),
            "baselines_": Baselines.from_dict(
                m["baselines"], tensors[f"{prefix}baselines.linear_ar"].numpy()
            ),
        }
    return PanelState.from_members(states)


def read_model(cls: type[E], path: str | os.PathLike) -> E:
    """Check the model directory ``path`` and rebuild the ``cls`` estimator saved there."""
    where = os.path.join(os.fspath(path), checkpoint.CONFIG_FILE)

    def expected(settings, n, targets, W):
        return configs(cls(**{"highway": False, **settings}), n, targets, W)[0]

    def check(config, tensors):  # every field and shape (meta tensors, before the weights are read)
        check_model_config(config, tensors, where, cls, expected)

    tensors, config = checkpoint.load_model(path, check=check)
    check(config, tensors)  # and every value (finite weights, positive scales), before anything is built
    try:
        # files from before the highway, or before seasonal indices, rebuild the estimator they were
        est: Any = cls(**{"highway": False, "deseason": False, **config["estimator"]})  # an E
        model = RNNForecaster(ModelConfig.from_dict(config["model"]))
        model.load_state_dict({k[len("model.") :]: v for k, v in tensors.items() if k.startswith("model.")})
        est.feature_names_in_ = list(config["features"])
        est.target_names_ = list(config["targets"])
        est.target_idx_ = list(config["target_idx"])
        est.state_ = _read_state(config, tensors)
        est.reading_ = config.get("reading")  # None in files before it: the settings (intake.fitted_reading)
        est.long_ = est.state_.ids[0] is not None
        est.history_ = History(
            best_epoch=config["history"]["best_epoch"],
            stop_reason=config["history"]["stop_reason"],
            averaged=list(config["history"].get("averaged", [])),
        )  # older files: none
        est.batch_size_ = config["history"].get("batch_size", est.batch_size)
        est.window_ = config["history"].get("window", est.window)  # older files: the given window
        est.calibration_, est.uncalibrated_ = None, config.get("uncalibrated")
        if config.get("calibration") is not None:
            est.calibration_ = Conformal(
                tensors["calibration.spread"].numpy().astype(np.float64),
                tensors["calibration.scores"].numpy().astype(np.float64),
            )
        elif config.get("format_version", 0) < 5:
            est.uncalibrated_ = (
                f"its model file is format {config.get('format_version')}, written before tsrnn "
                f"calibrated intervals (format 5)"
            )
    except KeyError as err:
        raise CheckpointError(
            f"{where!r} lacks the entry {err}; it was not written by Forecaster.save"
        ) from err
    except (TypeError, ValueError, RuntimeError) as err:
        raise CheckpointError(f"{where!r} does not describe the weights beside it: {err}") from err
    est.n_features_in_ = len(est.feature_names_in_)
    try:
        est.known_idx_ = resolve_known(est.known, est.feature_names_in_, est.target_idx_, est.strategy)
    except DataError as err:
        raise CheckpointError(f"{where!r}: {err}") from err
    model.eval()
    est.model_ = model
    return est
