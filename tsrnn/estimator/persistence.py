"""A fitted Forecaster as files and back: what ``model.safetensors`` and ``config.json`` hold.

:func:`model_files` turns a fitted estimator into the tensors and the JSON config that
:func:`tsrnn.nn.checkpoint.save_model` writes; :func:`read_model` checks a model directory against the
schema (:mod:`tsrnn.nn.schema`) and rebuilds the estimator.  Every format version is read here, in
one place: format 1 files have no highway, files before the automatic window keep the window they
were given, long-data files have one entry per series, files before seasonal indices have none.
Nothing is unpickled.
"""
from __future__ import annotations

import os
from typing import TypeVar

import numpy as np
import torch

from ..nn import checkpoint
from ..evaluation.baselines import Baselines
from ..base.config import ModelConfig
from ..data.series import Scaler
from ..base.errors import CheckpointError, DataError, NotFittedError
from ..data.known import resolve_known
from ..data.seasonal import Seasonality
from ..nn.model import RNNForecaster
from ..nn.schema import check_model_config
from .planning import configs
from .state import PanelState
from ..train.loop import History

E = TypeVar("E")  # the estimator class (Forecaster); not imported here, which imports this module

__all__ = ["model_files", "read_model"]

def model_files(est) -> tuple[dict[str, torch.Tensor], dict]:
    """The tensors and the config that :meth:`Forecaster.save <tsrnn.estimator.forecaster.Forecaster.save>` writes."""
    from .. import __version__

    if not hasattr(est, "model_"):
        raise NotFittedError(f"This {type(est).__name__} instance is not fitted yet. Call 'fit' with "
                             f"appropriate arguments before using this estimator.")
    tensors = {f"model.{k}": v for k, v in est.model_.state_dict().items()}
    described = {}
    for uid, m in est.state_.items():
        prefix = "" if uid is None else f"members.{uid}."
        tensors[f"{prefix}context"] = torch.from_numpy(m["context_"])
        tensors[f"{prefix}baselines.linear_ar"] = torch.from_numpy(m["baselines_"].ar_)
        described[uid] = {"scaler": None if m["scaler_"] is None else m["scaler_"].to_dict(),
                          "index": m["index_spec_"], "baselines": m["baselines_"].to_dict()}
    seasons = est.state_.seasonality
    tensors["seasonality.mult"] = torch.from_numpy(seasons.mult)
    tensors["seasonality.add"] = torch.from_numpy(seasons.add)
    config = {
        "estimator": est.get_params(),
        "model": est.model_.config.to_dict(),
        "features": est.feature_names_in_,
        "targets": est.target_names_,
        "target_idx": est.target_idx_,
        **({"members": described} if est.long_ else described[None]),
        "seasonality": {"m": seasons.m, "kinds": seasons.kinds, "last_step": est.state_.last_step.tolist()},
        "history": {"best_epoch": est.history_.best_epoch, "stop_reason": est.history_.stop_reason,
                    "batch_size": est.batch_size_, "window": est.window_},
        "versions": {"tsrnn": __version__, "torch": torch.__version__},
    }
    return tensors, config


def read_model(cls: type[E], path: str | os.PathLike) -> E:
    """Check the model directory ``path`` and rebuild the ``cls`` estimator saved there."""
    tensors, config = checkpoint.load_model(path)
    where = os.path.join(os.fspath(path), checkpoint.CONFIG_FILE)
    expected = lambda settings, n, targets, W: configs(cls(**{"highway": False, **settings}), n, targets, W)[0]  # noqa: E731
    check_model_config(config, tensors, where, cls, expected)  # every field and shape, before anything is built
    try:
        # files from before the highway, or before seasonal indices, rebuild the estimator they were
        est = cls(**{"highway": False, "deseason": False, **config["estimator"]})
        model = RNNForecaster(ModelConfig.from_dict(config["model"]))
        model.load_state_dict({k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")})
        est.feature_names_in_ = list(config["features"])
        est.target_names_ = list(config["targets"])
        est.target_idx_ = list(config["target_idx"])
        members = config["members"] if "members" in config else {None: config}
        states = {}
        for uid, m in members.items():
            prefix = "" if uid is None else f"members.{uid}."
            states[uid] = {
                "scaler_": None if m["scaler"] is None else Scaler.from_dict(m["scaler"]),
                "context_": tensors[f"{prefix}context"].numpy(), "index_spec_": dict(m["index"]),
                "baselines_": Baselines.from_dict(m["baselines"], tensors[f"{prefix}baselines.linear_ar"].numpy())}
        est.state_ = PanelState.from_members(states)
        if "seasonality" in config:
            seasons = config["seasonality"]
            est.state_.seasonality = Seasonality(seasons["m"], tensors["seasonality.mult"].numpy(),
                                                 tensors["seasonality.add"].numpy(), seasons["kinds"])
            est.state_.last_step = np.asarray(seasons["last_step"], dtype=np.int64)
        est.long_ = "members" in config
        est.history_ = History(best_epoch=config["history"]["best_epoch"], stop_reason=config["history"]["stop_reason"])
        est.batch_size_ = config["history"].get("batch_size", est.batch_size)
        est.window_ = config["history"].get("window", est.window)  # older files: the given window
    except KeyError as err:
        raise CheckpointError(f"{where!r} lacks the entry {err}; it was not written by Forecaster.save") from err
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
