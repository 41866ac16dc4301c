"""Model files altered on purpose: an older format claimed to skip the checksum, NaN weights, a weights
file larger than its config says (refused before it is read)."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
import torch
from conftest import invoke, one_line_error, write_config
from safetensors.torch import load_file, save

from tsrnn.base.errors import CheckpointError
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.nn.checkpoint import CONFIG_FILE, WEIGHTS_FILE


@pytest.fixture
def model_dir(fitted, tmp_path):
    daily = fitted  # a format 4 model of one series
    daily.save(tmp_path / "m")
    return tmp_path / "m"


def config_of(path: Path) -> dict:
    return json.loads((path / CONFIG_FILE).read_text())


def rewrite_weights(path: Path, tensors: dict) -> None:
    """New weights, and a config whose two checksums match them: what an attacker can write."""
    payload = save(tensors)
    (path / WEIGHTS_FILE).write_bytes(payload)
    config = config_of(path)
    config["weights_sha256"] = hashlib.sha256(payload).hexdigest()
    write_config(path, config)


@pytest.mark.parametrize("version", [1, 2, 3])
@pytest.mark.parametrize("drop_checksum", [False, True])
def test_an_older_format_claimed_does_not_skip_the_checksum(model_dir, version, drop_checksum):
    config = config_of(model_dir)
    config["series"]["index"]["last"] = [2030]  # forecasts would start in 2030
    config["format_version"] = version
    if drop_checksum:
        del config["config_sha256"]
    (model_dir / CONFIG_FILE).write_text(json.dumps(config))
    message = (
        "does not match its config_sha256"
        if not drop_checksum or version == 3
        else f"claims format_version {version}, but holds 'series', which only format 4 writes"
    )
    with pytest.raises(CheckpointError, match=message):
        Forecaster.load(model_dir)
    one_line_error(invoke("predict", "--model", model_dir), message)


def test_an_older_version_with_its_checksum_kept_is_checked(model_dir):
    config = config_of(model_dir)
    config["format_version"] = 2  # the checksum is still there: it is checked, and fails
    (model_dir / CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="does not match its config_sha256"):
        Forecaster.load(model_dir)


@pytest.mark.parametrize("value", [math.nan, math.inf])
@pytest.mark.parametrize("key", ["model.head.weight", "model.rnn.weight_hh_l0", "model.highway.bias"])
def test_non_finite_weights_are_refused_on_load(model_dir, key, value):
    tensors = load_file(model_dir / WEIGHTS_FILE)
    if key not in tensors:
        pytest.skip(f"this model has no {key}")
    tensors[key] = tensors[key].clone()
    tensors[key].view(-1)[0] = value
    rewrite_weights(model_dir, tensors)
    with pytest.raises(
        CheckpointError, match=rf"field 'tensor {key}' must be finite everywhere, got NaN or inf"
    ):
        Forecaster.load(model_dir)
    one_line_error(invoke("predict", "--model", model_dir), "must be finite everywhere")


def test_a_tensor_the_config_does_not_describe_is_refused(model_dir):
    tensors = load_file(model_dir / WEIGHTS_FILE)
    tensors["padding"] = torch.zeros(1000, 1000)  # 4 MB the config knows nothing of
    rewrite_weights(model_dir, tensors)
    with pytest.raises(
        CheckpointError, match="holds the tensor 'padding', which this config does not describe"
    ):
        Forecaster.load(model_dir)


def _refuse_reading(monkeypatch, path: Path) -> None:
    real = Path.read_bytes

    def read_bytes(self):
        assert self.name != path.name, "the weights were read whole before their size was checked"
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_a_huge_weights_file_is_refused_before_it_is_read(model_dir, monkeypatch):
    weights = model_dir / WEIGHTS_FILE
    shapes = {k: list(v.shape) for k, v in load_file(weights).items()}
    shapes["model.rnn.weight_ih_l0"] = [2**28, 3]  # 3 GiB of float32
    header, end = {}, 0
    for key, shape in shapes.items():
        size = 4 * math.prod(shape)
        header[key] = {"dtype": "F32", "shape": shape, "data_offsets": [end, end + size]}
        end += size
    text = json.dumps(header).encode()
    with open(weights, "wb") as fh:  # sparse: its header says 3 GiB, and so does its size
        fh.write(len(text).to_bytes(8, "little") + text)
        fh.truncate(8 + len(text) + end)
    _refuse_reading(monkeypatch, weights)
    with pytest.raises(CheckpointError, match=r"weight_ih_l0 of shape \(\d+, 2\), got \(268435456, 3\)"):
        Forecaster.load(model_dir)


def test_bytes_past_the_tensors_are_refused_before_they_are_read(model_dir, monkeypatch):
    weights = model_dir / WEIGHTS_FILE
    size = weights.stat().st_size
    with open(weights, "r+b") as fh:
        fh.truncate(size + 3 * 2**30)  # a 3 GiB tail the header knows nothing of
    _refuse_reading(monkeypatch, weights)
    with pytest.raises(
        CheckpointError, match=rf"is {size + 3 * 2**30} bytes, but its tensors end at byte {size}"
    ):
        Forecaster.load(model_dir)
