"""tsrnn.nn.migrations: a model file of every format tsrnn has written loads as the same model.

Format 3 files an older tsrnn really wrote are in ``old_models/`` (their forecasts are tested in
tests/estimator/test_persistence.py); formats 1, 2 and 4 are written here from a model fitted now, in the layout
those formats had (see the migrations' docstring), and must forecast exactly as that model does.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import write_config
from safetensors.torch import load_file, save

from tsrnn.base.errors import CheckpointError
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.nn.checkpoint import CONFIG_FILE, WEIGHTS_FILE
from tsrnn.nn.migrations import v1_to_v2, v2_to_v3, v4_to_v5, v5_to_v6
from tsrnn.nn.model_format import FORMAT_VERSION

OLD_MODELS = Path(__file__).parent / "old_models"


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    """A model of one dated series without a highway or seasonal indices (what format 1 could hold)."""
    from tsrnn.data.generate import multi_sine

    frame = multi_sine(120, 2, noise=0.1, seed=1)
    frame.index = pd.date_range("2024-01-01", periods=120, freq="D")
    model = Forecaster(
        hidden=3, layers=1, window=6, horizon=2, epochs=2, seed=0, highway=False, deseason=False
    )
    path = tmp_path_factory.mktemp("current") / "m"
    model.fit(frame, progress=False).save(path)
    return path, Forecaster.load(path).forecast(4)


def _written_as(path: Path, version: int) -> None:
    """Rewrite the model directory ``path`` (the current format) as tsrnn wrote format ``version``."""
    config = json.loads((path / CONFIG_FILE).read_text())
    tensors = load_file(path / WEIGHTS_FILE)
    for key in ("calibration", "uncalibrated", "reading"):
        config.pop(key)
    config["estimator"].update(
        time_col=None, features=None, fill=None, irregular="error", freq=None
    )  # format 5's
    config["model"].pop("window_scale")  # format 4 before window_scale, and every format before it
    config["estimator"].pop("window_scale")
    series = config["series"]
    series["index"].pop("session")
    series["season"].pop("drifting")
    config["history"].pop("averaged")
    tensors = {k: v for k, v in tensors.items() if not k.startswith("calibration.")}
    if version <= 3:  # the single-series layout
        config.pop("series")
        index = {k: v[0] for k, v in series["index"].items() if v[0] is not None}
        b = series["baselines"]
        config["index"] = index
        config["baselines"] = {**b, "seasons": b["seasons"][0], "scale": b["scale"][0]}
        config["baselines"]["season_sources"] = b["season_sources"][0]
        config["scaler"] = {
            "mean": tensors["series.mean"][0].tolist(),
            "scale": tensors["series.scale"][0].tolist(),
        }
        tensors["context"] = tensors["series.context"][0].clone()
        tensors["baselines.linear_ar"] = tensors["series.linear_ar"][0].clone()
        tensors = {k: v for k, v in tensors.items() if not k.startswith("series.")}
        config["estimator"].pop("deseason")
        config["history"].pop("window")  # before the automatic window: the window given
    if version <= 1:
        config["model"].pop("highway")
        config["estimator"].pop("highway")
        config["history"].pop("batch_size")
    payload = save(tensors)
    (path / WEIGHTS_FILE).write_bytes(payload)
    config.update(format_version=version, weights_sha256=hashlib.sha256(payload).hexdigest())
    config.pop("config_sha256")
    write_config(path, config, sign=version >= 3)


@pytest.mark.parametrize(
    "version", [1, 2, 3, 4]
)  # a format 5 file: test_format_5_keeps_reading_settings_apart
def test_a_file_of_every_older_format_loads_as_the_same_model(current, tmp_path, version):
    path, forecast = current
    shutil.copytree(path, tmp_path / "m")
    _written_as(tmp_path / "m", version)
    model = Forecaster.load(tmp_path / "m")
    pd.testing.assert_frame_equal(model.forecast(4), forecast, rtol=1e-6)
    assert model.calibration_ is None
    assert model.uncalibrated_ == (
        f"its model file is format {version}, written before tsrnn calibrated intervals (format 5)"
    )
    assert model.reading_ == {  # made of the estimator's settings (format 5 -> 6)
        "time_col": None,
        "features": None,
        "fill": None,
        "irregular": "error",
        "freq": "D",
        "declared": False,
        "file": None,
    }
    assert not model.deseason and not model.highway
    assert model.model_.config.window_scale is False and model.window_ == 6
    model.save(tmp_path / "again")  # written again in the current format: the same model
    assert json.loads((tmp_path / "again" / CONFIG_FILE).read_text())["format_version"] == FORMAT_VERSION
    pd.testing.assert_frame_equal(Forecaster.load(tmp_path / "again").forecast(4), model.forecast(4))


def test_format_1_had_no_highway_and_batches_of_64():
    old = {"model": {"input_size": 2}, "estimator": {"batch_size": None}, "history": {"best_epoch": 1}}
    new = v1_to_v2(old)
    assert new["model"]["highway"] == 0 and new["estimator"]["highway"] is False
    assert new["history"]["batch_size"] == 64 and "highway" not in old["model"]  # the input is left as it was
    told = v1_to_v2({"model": {}, "estimator": {"batch_size": 32}, "history": {}})
    assert told["history"]["batch_size"] == 32


def test_format_2_to_3_changes_no_field():
    old = {"model": {"highway": 0}, "scaler": None}
    assert v2_to_v3(old) == old


def test_format_4_files_are_filled_in_and_say_why_they_have_no_intervals():
    old = {
        "format_version": 4,
        "model": {"input_size": 1},
        "estimator": {"window": 8},
        "history": {"best_epoch": 3},
        "series": {"ids": ["a", "b"], "index": {}, "season": {}},
    }
    new = v4_to_v5(old)
    assert new["series"]["index"]["session"] == [None, None]
    assert new["series"]["season"]["drifting"] == [False, False]
    assert new["history"] == {"best_epoch": 3, "averaged": [], "window": 8}
    assert new["model"]["window_scale"] is False and new["reading"] is None
    assert new["calibration"] is None and new["format_version"] == 5
    assert new["uncalibrated"].startswith("its model file is format 4")


def test_format_5_reading_settings_leave_the_estimator():
    old = {
        "format_version": 5,
        "estimator": {
            "window": 8,
            "time_col": "date",
            "features": "y",
            "fill": "ffill",
            "irregular": "error",
            "freq": None,
        },
        "series": {"index": {"freq": ["MS", "MS"]}},
        "reading": None,
    }
    new = v5_to_v6(old)
    assert new["estimator"] == {"window": 8} and new["format_version"] == 6
    assert new["reading"] == {
        "time_col": "date",
        "features": ["y"],
        "fill": "ffill",
        "irregular": "error",
        "freq": "MS",  # the first series' frequency, found, not declared
        "declared": False,
        "file": None,
    }
    kept = {
        "time_col": "ds",
        "features": None,
        "fill": None,
        "irregular": "error",
        "freq": "D",
        "declared": True,
    }
    assert v5_to_v6({**old, "reading": kept})["reading"] == kept  # a reading the file kept is its own
    assert old["estimator"]["fill"] == "ffill"  # the input is left as it was


def test_the_members_layout_is_stacked_into_one_row_per_series(tmp_path):
    shutil.copytree(OLD_MODELS / "format3_members", tmp_path / "m")
    model = Forecaster.load(tmp_path / "m")
    raw = load_file(tmp_path / "m" / WEIGHTS_FILE)
    assert model.state_.ids == ["a", "b", "c"]
    for i, uid in enumerate("abc"):
        np.testing.assert_array_equal(model.state_.context[i], raw[f"members.{uid}.context"].numpy())
    assert model.state_.mean.shape == (3, 1) and model.state_.seasonality.m == 0


def test_a_member_tensor_of_another_shape_is_named(tmp_path):
    shutil.copytree(OLD_MODELS / "format3_members", tmp_path / "m")
    tensors = load_file(tmp_path / "m" / WEIGHTS_FILE)
    tensors["members.b.context"] = tensors["members.b.context"][:3].clone()
    payload = save(tensors)
    (tmp_path / "m" / WEIGHTS_FILE).write_bytes(payload)
    config = json.loads((tmp_path / "m" / CONFIG_FILE).read_text())
    config["weights_sha256"] = hashlib.sha256(payload).hexdigest()
    write_config(tmp_path / "m", config)
    with pytest.raises(
        CheckpointError, match=r"field 'tensor members\.b\.context' must be floating point of shape \(6, 1\)"
    ):
        Forecaster.load(tmp_path / "m")


def test_a_newer_format_is_refused_with_the_formats_this_tsrnn_reads(current, tmp_path):
    shutil.copytree(current[0], tmp_path / "m")
    config = json.loads((tmp_path / "m" / CONFIG_FILE).read_text())
    config["format_version"] = FORMAT_VERSION + 1
    write_config(tmp_path / "m", config)
    with pytest.raises(
        CheckpointError, match=rf"reads formats 1 to {FORMAT_VERSION} \(a newer tsrnn may have"
    ):
        Forecaster.load(tmp_path / "m")


def test_the_current_format_refuses_a_field_it_does_not_write(current, tmp_path):
    shutil.copytree(current[0], tmp_path / "m")
    config = json.loads((tmp_path / "m" / CONFIG_FILE).read_text())
    config["series"]["season"]["phase"] = [0]
    write_config(tmp_path / "m", config)
    with pytest.raises(
        CheckpointError, match=r"field 'series\.season\.phase' must be absent: tsrnn writes no such"
    ):
        Forecaster.load(tmp_path / "m")
