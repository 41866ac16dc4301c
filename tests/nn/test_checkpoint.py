"""tsrnn.nn.checkpoint and Forecaster.save/load: safe, verified, atomic model directories."""

from __future__ import annotations

import hashlib
import json
import os
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import write_config

from tsrnn.base.errors import CheckpointError, TsrnnError
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.nn.checkpoint import (
    CONFIG_FILE,
    WEIGHTS_FILE,
    load_model,
    run_directory,
    save_model,
    write_atomic,
)
from tsrnn.nn.model_format import FORMAT_VERSION

WINDOW_OF_FITTED = 10  # conftest's ``fitted``


@pytest.fixture
def saved(fitted, tmp_path):
    path = tmp_path / "model"
    fitted.save(path)
    return path


def edit_config(path, **changes) -> dict:
    config = json.loads((path / CONFIG_FILE).read_text())
    config.update(changes)
    write_config(path, config)  # re-signed: what is tested is the change itself
    return config


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- round trip -------------------------------------------------------------------------------------------
def test_round_trip_gives_identical_outputs(fitted, fit_frame, saved):
    loaded = Forecaster.load(saved)
    np.testing.assert_array_equal(loaded.predict(fit_frame), fitted.predict(fit_frame))
    pd.testing.assert_frame_equal(loaded.forecast(6), fitted.forecast(6))
    assert loaded.evaluate(fit_frame.iloc[200:]) == fitted.evaluate(fit_frame.iloc[200:])
    assert loaded.get_params() == fitted.get_params()
    assert loaded.model_.config == fitted.model_.config
    assert loaded.feature_names_in_ == fitted.feature_names_in_
    assert loaded.target_names_ == fitted.target_names_
    assert loaded.n_features_in_ == 2
    np.testing.assert_array_equal(loaded.scaler_.mean_, fitted.scaler_.mean_)
    np.testing.assert_array_equal(loaded.scaler_.scale_, fitted.scaler_.scale_)
    np.testing.assert_array_equal(loaded.context_, fitted.context_)
    assert loaded.index_spec_ == fitted.index_spec_
    assert loaded.history_.best_epoch == fitted.history_.best_epoch
    assert loaded.history_.stop_reason == fitted.history_.stop_reason
    assert loaded.history_.averaged == fitted.history_.averaged and len(fitted.history_.averaged) == 3
    assert loaded.batch_size_ == fitted.batch_size_ == 33  # 260 training windows, 8 steps an epoch
    assert loaded.model_.config.highway == WINDOW_OF_FITTED and loaded.highway
    assert not loaded.model_.training
    for k, v in fitted.model_.state_dict().items():
        assert torch.equal(loaded.model_.state_dict()[k], v), k


def test_files_from_before_the_highway_load_without_one(fit_frame, tmp_path):
    import shutil

    from safetensors.torch import load_file, save

    old = os.path.join(os.path.dirname(__file__), "old_models", "format3_single")
    shutil.copytree(old, tmp_path / "m")
    tensors = {k: v for k, v in load_file(tmp_path / "m" / WEIGHTS_FILE).items() if "highway" not in k}
    payload = save(tensors)
    (tmp_path / "m" / WEIGHTS_FILE).write_bytes(payload)
    config = json.loads((tmp_path / "m" / CONFIG_FILE).read_text())
    del config["model"]["highway"], config["estimator"]["highway"], config["config_sha256"]
    config.update(format_version=1, weights_sha256=hashlib.sha256(payload).hexdigest())  # as tsrnn 0.0 wrote
    (tmp_path / "m" / CONFIG_FILE).write_text(json.dumps(config))
    loaded = Forecaster.load(tmp_path / "m")
    assert loaded.highway is False and loaded.model_.highway is None
    same = Forecaster.load(old)  # the same network with a highway that adds nothing
    with torch.no_grad():
        same.model_.highway.weight.zero_(), same.model_.highway.bias.zero_()
    np.testing.assert_array_equal(loaded.forecast(3).to_numpy(), same.forecast(3).to_numpy())


def test_round_trip_without_scaler_and_with_dates(fit_frame, tmp_path):
    daily = fit_frame.set_axis(pd.date_range("2024-01-01", periods=300, freq="D"))
    f = Forecaster(hidden=4, layers=1, window=5, epochs=1, scale=False, targets=["f1"], cell="gru").fit(daily)
    f.save(tmp_path / "m")
    g = Forecaster.load(tmp_path / "m")
    assert g.scaler_ is None
    assert g.target_names_ == ["f1"] and g.target_idx_ == [1]
    pd.testing.assert_frame_equal(g.forecast(1), f.forecast(1))
    assert g.forecast(1)["ds"].iloc[0] == pd.Timestamp("2024-10-27")


def test_files_are_safetensors_and_json(saved, fitted):
    assert sorted(os.listdir(saved)) == [CONFIG_FILE, WEIGHTS_FILE] == ["config.json", "model.safetensors"]
    config = json.loads((saved / "config.json").read_text(encoding="utf-8"))
    assert config["format_version"] == FORMAT_VERSION == 6
    assert config["weights_sha256"] == sha256(saved / "model.safetensors")
    assert config["model"]["hidden_size"] == 8
    assert config["estimator"] == fitted.get_params()
    assert config["features"] == ["f0", "f1"]

    from safetensors.numpy import load_file  # readable without tsrnn or torch

    arrays = load_file(saved / "model.safetensors")
    assert set(arrays) == {f"model.{k}" for k in fitted.model_.state_dict()} | {
        "series.context",
        "series.linear_ar",
        "series.mean",
        "series.scale",
        "series.season_mult",
        "series.season_add",
        "calibration.spread",
        "calibration.scores",
    }  # one series: arrays of one row; the calibration (K, O) and (n, O)
    np.testing.assert_array_equal(arrays["model.head.weight"], fitted.model_.head.weight.detach().numpy())
    np.testing.assert_array_equal(arrays["series.context"], fitted.context_[None])
    np.testing.assert_array_equal(arrays["series.mean"], fitted.scaler_.mean_[None])
    assert config["series"]["ids"] == [None] and config["series"]["index"]["last"] == [299]


def test_load_never_unpickles(saved, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pickle must not be used")

    monkeypatch.setattr(torch, "load", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    assert Forecaster.load(saved).n_features_in_ == 2


def test_save_model_load_model_round_trip(tmp_path):
    tensors = {"a": torch.arange(6, dtype=torch.float32).reshape(2, 3), "b": torch.ones(4, dtype=torch.int64)}
    save_model(tmp_path, tensors, {"note": "hi"})
    loaded, config = load_model(tmp_path)
    assert config["note"] == "hi" and config["format_version"] == FORMAT_VERSION
    assert set(loaded) == {"a", "b"}
    assert torch.equal(loaded["a"], tensors["a"]) and torch.equal(loaded["b"], tensors["b"])


# -- overwrite rules --------------------------------------------------------------------------------------
def test_non_empty_directory_is_not_overwritten(fitted, tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(CheckpointError, match=r"is not empty; pass overwrite=True"):
        fitted.save(target)
    assert os.listdir(target) == ["notes.txt"]
    assert (target / "notes.txt").read_text() == "keep me"
    assert os.listdir(tmp_path) == ["model"]  # no partial directory left behind


def test_overwrite_replaces_the_directory(fitted, fit_frame, tmp_path):
    target = tmp_path / "model"
    other = Forecaster(hidden=4, layers=1, window=10, epochs=1, seed=3).fit(fit_frame)
    other.save(target)
    (target / "history.csv").write_text("epoch\n")  # a run's file: tsrnn's, so replaced with the model
    fitted.save(target, overwrite=True)
    assert sorted(os.listdir(target)) == ["config.json", "model.safetensors"]
    np.testing.assert_array_equal(Forecaster.load(target).predict(fit_frame), fitted.predict(fit_frame))
    assert os.listdir(tmp_path) == ["model"]  # no .old- or .partial- leftovers


def test_empty_directory_needs_no_overwrite(fitted, tmp_path):
    (tmp_path / "model").mkdir()
    fitted.save(tmp_path / "model")
    assert sorted(os.listdir(tmp_path / "model")) == ["config.json", "model.safetensors"]


def test_saving_onto_a_file_fails(fitted, tmp_path):
    (tmp_path / "model").write_text("a file")
    with pytest.raises(CheckpointError, match=r"exists and is not a directory"):
        fitted.save(tmp_path / "model", overwrite=True)
    assert (tmp_path / "model").read_text() == "a file"


def test_save_creates_missing_parents(fitted, tmp_path):
    fitted.save(tmp_path / "a" / "b" / "model")
    assert Forecaster.load(tmp_path / "a" / "b" / "model").n_features_in_ == 2


# -- refusing bad directories -----------------------------------------------------------------------------
def test_flipped_byte_fails_the_checksum(saved):
    weights = saved / WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[-5] ^= 0x01  # in a tensor's values
    weights.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"does not match the checksum in config\.json"):
        Forecaster.load(saved)


def test_flipped_byte_in_the_header_is_refused(saved):
    weights = saved / WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[9] = ord("x")  # the header's JSON
    weights.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"its header is not a JSON object.*altered after saving"):
        Forecaster.load(saved)


def test_truncated_weights_fail_the_checksum(saved):
    weights = saved / WEIGHTS_FILE
    weights.write_bytes(weights.read_bytes()[:-10])
    with pytest.raises(
        CheckpointError, match=r"is \d+ bytes, but its tensors end at byte \d+ \(it was truncated"
    ):
        Forecaster.load(saved)


def test_missing_config(saved):
    (saved / CONFIG_FILE).unlink()
    with pytest.raises(CheckpointError, match=r"config\.json' is missing"):
        Forecaster.load(saved)


def test_missing_directory(tmp_path):
    with pytest.raises(CheckpointError, match=r"model directory .*nowhere' does not exist"):
        Forecaster.load(tmp_path / "nowhere")


def test_missing_weights(saved):
    (saved / WEIGHTS_FILE).unlink()
    with pytest.raises(CheckpointError, match=r"model\.safetensors' is missing$"):
        Forecaster.load(saved)


def test_pickle_checkpoint_is_never_loaded(tmp_path):
    d = tmp_path / "torch-model"
    d.mkdir()

    class Boom:
        def __reduce__(self):
            return (os.system, ("echo pwned > pwned.txt",))

    (d / "model.pt").write_bytes(pickle.dumps(Boom()))
    with pytest.raises(
        CheckpointError,
        match=r"found \['model\.pt'\], which tsrnn never loads because "
        r"unpickling can run arbitrary code",
    ):
        Forecaster.load(d)
    assert not (d / "pwned.txt").exists() and not os.path.exists("pwned.txt")


@pytest.mark.parametrize("version", [999, 0, "1", None, True])
def test_unknown_format_version(saved, version):
    edit_config(saved, format_version=version)
    with pytest.raises(
        CheckpointError, match=rf"has format_version {version!r}; this tsrnn reads formats 1 to 6"
    ):
        Forecaster.load(saved)


def test_invalid_json(saved):
    (saved / CONFIG_FILE).write_text("{not json")
    with pytest.raises(CheckpointError, match=r"config\.json' is not valid JSON"):
        Forecaster.load(saved)
    (saved / CONFIG_FILE).write_text("[1, 2]")
    with pytest.raises(CheckpointError, match=r"must hold a JSON object, got list"):
        Forecaster.load(saved)


def test_weights_of_another_shape(fitted, fit_frame, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    fitted.save(a)  # hidden 8
    Forecaster(hidden=4, layers=1, window=10, epochs=1, cell="rnn", relative=False).fit(fit_frame).save(b)
    (a / WEIGHTS_FILE).write_bytes((b / WEIGHTS_FILE).read_bytes())
    edit_config(a, weights_sha256=sha256(a / WEIGHTS_FILE))  # a consistent checksum, wrong shapes
    with pytest.raises(
        CheckpointError,
        match=r"field 'model' must be consistent with the weights: model\.rnn\.weight_ih_l0 of shape \(8, 2\), got \(4, 2\)",
    ):
        Forecaster.load(a)


def test_config_without_an_entry(saved):
    config = json.loads((saved / CONFIG_FILE).read_text())
    del config["series"]
    write_config(saved, config)
    with pytest.raises(CheckpointError, match=r"config\.json': field 'series' is missing"):
        Forecaster.load(saved)


def test_config_with_bad_model_settings(saved):
    config = json.loads((saved / CONFIG_FILE).read_text())
    config["model"]["cell"] = "transformer"
    write_config(saved, config)
    with pytest.raises(
        CheckpointError, match=r"field 'model' is not a valid model configuration: cell must be one of"
    ):
        Forecaster.load(saved)


def test_garbage_with_a_matching_checksum(saved):
    (saved / WEIGHTS_FILE).write_bytes(b"definitely not safetensors")
    edit_config(saved, weights_sha256=sha256(saved / WEIGHTS_FILE))
    with pytest.raises(CheckpointError, match=r"is not a valid safetensors file"):
        Forecaster.load(saved)


def test_checkpoint_errors_are_tsrnn_errors():
    assert issubclass(CheckpointError, TsrnnError)


# -- atomic writes ----------------------------------------------------------------------------------------
def test_run_directory_appears_only_when_complete(tmp_path):
    target = tmp_path / "run"
    with run_directory(target) as work:
        assert work != target and work.parent == tmp_path and work.name.startswith(".run.partial-")
        (work / "a.txt").write_text("A")
        assert not target.exists()
    assert os.listdir(target) == ["a.txt"]
    assert os.listdir(tmp_path) == ["run"]


def test_run_directory_leaves_nothing_on_error(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(RuntimeError, match="boom"):
        with run_directory(target) as work:
            (work / "half.txt").write_text("half")
            raise RuntimeError("boom")
    assert not target.exists()
    assert os.listdir(tmp_path) == []


def test_run_directory_keeps_the_old_directory_on_error(saved):
    before = sorted(os.listdir(saved))
    with pytest.raises(KeyboardInterrupt):
        with run_directory(saved, overwrite=True) as work:
            (work / "new.txt").write_text("new")
            raise KeyboardInterrupt
    assert sorted(os.listdir(saved)) == before
    assert os.listdir(saved.parent) == ["model"]


def test_run_directory_refuses_before_any_work(tmp_path):
    target = tmp_path / "run"
    target.mkdir()
    (target / "x").write_text("x")
    entered = False
    with pytest.raises(CheckpointError, match=r"is not empty"):
        with run_directory(target):
            entered = True
    assert not entered
    assert os.listdir(tmp_path) == ["run"]


def test_write_atomic_writes_and_leaves_no_temp_files(tmp_path):
    write_atomic(tmp_path / "a.txt", "héllo\n")
    write_atomic(tmp_path / "b.bin", b"\x00\x01")
    write_atomic(tmp_path / "a.txt", "again")  # replaces
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.bin"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "again"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    write_atomic(tmp_path / "c.txt", "héllo")
    assert (tmp_path / "c.txt").read_bytes() == "héllo".encode()


def test_write_atomic_cleans_up_when_the_rename_fails(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "inside").write_text("x")
    with pytest.raises(OSError):
        write_atomic(tmp_path / "taken", "data")  # cannot replace a non-empty directory
    assert sorted(os.listdir(tmp_path)) == ["taken"]
    assert os.listdir(tmp_path / "taken") == ["inside"]
