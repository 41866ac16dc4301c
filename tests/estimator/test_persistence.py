"""tsrnn.estimator.persistence: model files of a fitted estimator, the per-series state as arrays over
the series (format 4 and later); older formats still load."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import write_config
from safetensors.numpy import load_file
from safetensors.torch import load, save

from tsrnn.base.errors import CheckpointError, TsrnnError
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.estimator.state import PanelState
from tsrnn.nn.checkpoint import CONFIG_FILE, WEIGHTS_FILE
from tsrnn.nn.model_format import FORMAT_VERSION

OLD_MODELS = (
    Path(__file__).parents[1] / "nn" / "old_models"
)  # written by tsrnn in format 3, see its README.md
STATE_TENSORS = {
    "series.context",
    "series.linear_ar",
    "series.mean",
    "series.scale",
    "series.season_mult",
    "series.season_add",
}


def long_frame(dated: bool) -> pd.DataFrame:
    """Three series of different lengths and seasons, ending together."""
    parts = []
    for uid, n, period in [("a", 90, 7), ("b", 70, 12), ("c", 60, 5)]:
        t = np.arange(n)
        when = pd.date_range("2024-01-01", periods=90, freq="D")[-n:] if dated else np.arange(90)[-n:]
        parts.append(
            pd.DataFrame({"unique_id": uid, "ds": when, "y": 5 + np.sin(2 * np.pi * t / period) + 0.01 * t})
        )
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("dated, scale", [(True, True), (False, False)])
def test_long_model_round_trip(tmp_path, dated, scale):
    frame = long_frame(dated)
    model = Forecaster(hidden=3, layers=1, window=6, horizon=2, epochs=2, seed=0, scale=scale)
    model.fit(frame, progress=False)
    model.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / CONFIG_FILE).read_text())
    arrays = load_file(tmp_path / "m" / WEIGHTS_FILE)
    assert config["format_version"] == FORMAT_VERSION == 6 and "members" not in config
    assert config["series"]["ids"] == ["a", "b", "c"] and config["series"]["scaled"] is scale
    assert config["calibration"] == {
        "steps": model.calibration_.steps,
        "scores": len(model.calibration_.scores),
    }
    assert config["uncalibrated"] is None
    assert arrays["calibration.spread"].shape == (model.calibration_.steps, 1)
    assert {k for k in arrays if not k.startswith(("model.", "calibration."))} == (
        STATE_TENSORS
        if scale
        else {"series.context", "series.linear_ar", "series.season_mult", "series.season_add"}
    )
    assert arrays["series.context"].shape == (3, 6, 1) and arrays["series.linear_ar"].shape == (3, 7, 1)
    loaded = Forecaster.load(tmp_path / "m")
    assert loaded.long_ and list(loaded.state_) == ["a", "b", "c"]
    pd.testing.assert_frame_equal(loaded.forecast(5), model.forecast(5))
    pd.testing.assert_frame_equal(loaded.forecast(2, level=[80, 95]), model.forecast(2, level=[80, 95]))
    predicted, reference = loaded.predict(frame), model.predict(frame)  # long data: by series
    assert list(predicted) == ["a", "b", "c"]
    for uid in predicted:
        np.testing.assert_array_equal(predicted[uid], reference[uid])
    assert loaded.evaluate(frame, start=0.8) == model.evaluate(frame, start=0.8)
    for uid in "abc":
        mine, theirs = loaded.series_model(uid), model.series_model(uid)
        assert mine.index_spec_ == theirs.index_spec_
        assert mine.baselines_.seasons_ == theirs.baselines_.seasons_
        assert mine.baselines_.season_sources_ == theirs.baselines_.season_sources_
        np.testing.assert_array_equal(mine.baselines_.scale_, theirs.baselines_.scale_)
        np.testing.assert_array_equal(mine.baselines_.ar_, theirs.baselines_.ar_)
        np.testing.assert_array_equal(mine.context_, theirs.context_)
        assert (mine.scaler_ is None) is (not scale)


@pytest.mark.parametrize("name", ["format3_members", "format3_single"])
def test_older_files_load_and_forecast_as_they_did(tmp_path, name):
    expected = json.loads((OLD_MODELS / "expected.json").read_text())[name]
    model = Forecaster.load(OLD_MODELS / name)
    future = model.forecast(4)
    if name == "format3_members":  # the members layout: one entry and two tensors per series
        assert model.long_ and list(model.state_) == ["a", "b", "c"]
        np.testing.assert_allclose(future["tsrnn"], expected["y"], atol=0.005)  # to the data's 2 decimals
        assert {u: model.series_model(u).baselines_.seasons_ for u in "abc"} == expected["seasons"]
    else:  # the single-series layout
        assert not model.long_ and model.baselines_.seasons_ == expected["seasons"]
        np.testing.assert_allclose(
            future["tsrnn"].to_numpy(), np.r_[expected["f0"], expected["f1"]], rtol=1e-5, atol=1e-6
        )
        assert str(future["ds"].iloc[0]) == expected["first_label"]
    old = (
        r"^this model has no conformal calibration for level=: its model file is format 3, written before "
        r"tsrnn calibrated intervals \(format 5\); refit it \(Forecaster.fit, or tsrnn fit\) to calibrate"
    )
    with pytest.raises(TsrnnError, match=old):
        model.forecast(4, level=[80])
    model.save(tmp_path / "again")  # written again in the panel format: the same forecasts
    written = json.loads((tmp_path / "again" / CONFIG_FILE).read_text())
    assert written["format_version"] == 6 and "time_col" not in written["estimator"]
    assert (
        written["reading"]["time_col"] == model.reading_["time_col"]
    )  # made of the old estimator's settings
    again = Forecaster.load(tmp_path / "again")
    pd.testing.assert_frame_equal(again.forecast(4), future)
    with pytest.raises(TsrnnError, match=old):  # and it still says why it has no intervals
        again.forecast(4, level=[80])


def rewrite_tensor(path: Path, key: str, change) -> None:
    """Replace one tensor of the weights file, with a consistent checksum: the schema must catch it."""
    tensors = load((path / WEIGHTS_FILE).read_bytes())
    tensors[key] = change(tensors[key])
    payload = save(tensors)
    (path / WEIGHTS_FILE).write_bytes(payload)
    config = json.loads((path / CONFIG_FILE).read_text())
    config["weights_sha256"] = hashlib.sha256(payload).hexdigest()
    write_config(path, config)


@pytest.fixture(scope="module")
def long_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("panel") / "m"
    model = Forecaster(hidden=3, layers=1, window=6, horizon=2, epochs=1, seed=0).fit(
        long_frame(True), progress=False
    )
    model.save(path)
    return path


@pytest.mark.parametrize(
    "key, shape",
    [
        ("series.context", "(2, 6, 1)"),
        ("series.linear_ar", "(2, 7, 1)"),
        ("series.mean", "(2, 1)"),
        ("series.scale", "(2, 1)"),
    ],
)
def test_tensors_of_another_series_count_are_refused(long_model, tmp_path, key, shape):
    shutil.copytree(long_model, tmp_path / "m")
    rewrite_tensor(tmp_path / "m", key, lambda t: t[:2].clone())
    with pytest.raises(
        CheckpointError,
        match=rf"field 'tensor {key}' must be a tensor of 3 rows, one per series in "
        rf"'series\.ids', got shape {re.escape(shape)}$",
    ):
        Forecaster.load(tmp_path / "m")


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda s: s["ids"].pop(),
            "field 'series.index.kind' must be a JSON array of 2 entries, one per series in "
            "'series.ids', got 3 entries",
        ),
        (lambda s: s["ids"].append("d"), "field 'series.index.kind' must be a JSON array of 4 entries"),
        (
            lambda s: s["baselines"]["season_sources"].pop(),
            "field 'series.baselines.season_sources' must be a JSON array "
            "of 3 entries, one per series in 'series.ids', got 2 entries",
        ),
        (
            lambda s: s["index"]["last"].__setitem__(1, "the day after"),
            "field 'series.index[1]' must be a timestamp",
        ),
        (lambda s: s.update(ids=[]), "field 'series.ids' must be a non-empty JSON array"),
    ],
)
def test_columns_that_disagree_with_the_ids_are_refused(long_model, tmp_path, change, message):
    shutil.copytree(long_model, tmp_path / "m")
    config = json.loads((tmp_path / "m" / CONFIG_FILE).read_text())
    change(config["series"])
    write_config(tmp_path / "m", config)
    with pytest.raises(CheckpointError) as caught:
        Forecaster.load(tmp_path / "m")
    assert message in str(caught.value) and len(str(caught.value).splitlines()) == 1


def test_a_zero_scale_tensor_is_refused(long_model, tmp_path):
    shutil.copytree(long_model, tmp_path / "m")
    rewrite_tensor(tmp_path / "m", "series.scale", lambda t: t * 0)
    with pytest.raises(CheckpointError, match=r"field 'tensor series\.scale' must be positive everywhere"):
        Forecaster.load(tmp_path / "m")


def test_ten_thousand_series_are_six_state_tensors(long_model, tmp_path):
    small = Forecaster.load(long_model)
    state, S = small.state_, 10_000
    pick = np.arange(S) % 3  # series a, b, c over and over
    big = copy.copy(small)
    big.fitted_ = dataclasses.replace(
        small.fitted_,
        state=PanelState(
            [f"s{i:05d}" for i in range(S)],
            state.mean[pick],
            state.scale[pick],
            state.context[pick],
            [state.baselines[i] for i in pick],
            [state.specs[i] for i in pick],
            state.seasonality.take(pick),
            state.last_step[pick],
        ),
    )
    big.save(tmp_path / "big")
    arrays = load_file(tmp_path / "big" / WEIGHTS_FILE)
    assert {k for k in arrays if not k.startswith(("model.", "calibration."))} == STATE_TENSORS
    assert arrays["series.context"].shape == (S, 6, 1) and arrays["series.mean"].shape == (S, 1)
    text = (tmp_path / "big" / CONFIG_FILE).read_text()
    assert len(text) < 200 * S  # each column on one line: about 100 bytes a series
    loaded = Forecaster.load(tmp_path / "big")
    assert len(loaded.state_) == S
    future = loaded.forecast(2).set_index("unique_id")
    reference = small.forecast(2).set_index("unique_id")
    np.testing.assert_array_equal(future.loc["s09998", "tsrnn"], reference.loc["c", "tsrnn"])  # 9998 % 3 == 2
    np.testing.assert_array_equal(future.loc["s00000", "tsrnn"], reference.loc["a", "tsrnn"])
