"""tsrnn.nn.weights: a weights file's tensors against the config beside it (Tensors' named checks and
check_weights): a tensor missing, of the wrong shape or dtype, not finite, or not described by the
config is refused with a message naming it."""

from __future__ import annotations

import dataclasses
import re

import pytest
import torch

from tsrnn.base.config import ModelConfig
from tsrnn.base.errors import CheckpointError
from tsrnn.nn.model import RNNForecaster
from tsrnn.nn.weights import Tensors, check_weights

CONFIG = ModelConfig(input_size=2, hidden_size=3, num_layers=2, horizon=2, output_size=1, targets=(0,))
WHERE = "run/model.safetensors"


def _tensors(config: ModelConfig = CONFIG) -> dict:
    torch.manual_seed(0)
    return {f"model.{k}": v.clone() for k, v in RNNForecaster(config).state_dict().items()}


def _refused(tensors: dict, message: str, config: ModelConfig = CONFIG) -> None:
    with pytest.raises(CheckpointError, match=f"^{re.escape(repr(WHERE) + ': ' + message)}$"):
        check_weights(Tensors(tensors, WHERE), config)


def test_the_networks_own_weights_pass_and_are_all_seen():
    tensors = _tensors()
    t = Tensors(tensors, WHERE)
    check_weights(t, CONFIG)
    assert t.seen == set(tensors)


def test_header_shapes_pass_without_values():
    meta = {k: torch.empty(v.shape, device="meta") for k, v in _tensors().items()}
    check_weights(Tensors(meta, WHERE), CONFIG)


def test_a_missing_tensor_is_named():
    tensors = _tensors()
    del tensors["model.head.bias"]
    _refused(
        tensors,
        "field 'model' must be consistent with the weights: tensor 'model.head.bias' should have shape (2,) "
        "by the config, the weights file has None",
    )


def test_a_tensor_of_the_wrong_shape_is_named():
    tensors = _tensors()
    tensors["model.head.weight"] = torch.zeros(2, 4)
    _refused(
        tensors,
        "field 'model' must be consistent with the weights: tensor 'model.head.weight' should have shape "
        "(2, 3) by the config, the weights file has (2, 4)",
    )


def test_a_tensor_the_config_does_not_describe_is_named():
    tensors = _tensors()
    tensors["model.extra"] = torch.zeros(1)
    _refused(
        tensors,
        "field 'model' must be consistent with the weights: tensor 'model.extra' should have shape None "
        "by the config, the weights file has (1,)",
    )


def test_the_layer_count_is_checked_against_the_config():
    tensors = {k: v for k, v in _tensors().items() if not k.endswith("_l1")}
    _refused(tensors, "field 'model.num_layers' must be the 1 layer(s) in the weights file, got 2")


def test_another_cell_is_refused_at_the_first_layer():
    _refused(
        _tensors(),
        "field 'model' must be consistent with the weights: model.rnn.weight_ih_l0 of shape (12, 2), got (3, 2)",
        config=dataclasses.replace(CONFIG, cell="lstm"),
    )


def test_an_integer_tensor_is_refused():
    tensors = _tensors()
    tensors["model.head.bias"] = torch.zeros(2, dtype=torch.int64)
    _refused(
        tensors,
        "field 'model' must be consistent with the weights: tensor 'model.head.bias' is not floating point",
    )


def test_a_nan_weight_is_refused():
    tensors = _tensors()
    tensors["model.head.weight"][1, 2] = float("nan")
    _refused(
        tensors,
        "field 'tensor model.head.weight' must be finite everywhere, got NaN or infinite values",
    )


def test_tensors_shape_names_a_missing_or_odd_tensor():
    t = Tensors({"scale": torch.ones(3), "count": torch.ones(3, dtype=torch.int32)}, WHERE)
    torch.testing.assert_close(t.shape("scale", (3,)), torch.ones(3))
    assert t.seen == {"scale"}
    with pytest.raises(
        CheckpointError, match=r"^'run/model\.safetensors': the weights file lacks the tensor 'mean'$"
    ):
        t.shape("mean", (3,))
    with pytest.raises(
        CheckpointError,
        match=r"field 'tensor count' must be floating point of shape \(3,\), got int32 of shape \(3,\)$",
    ):
        t.shape("count", (3,))
    with pytest.raises(CheckpointError, match=r"got float32 of shape \(3,\)$"):
        t.shape("scale", (4,))


def test_tensors_rows_need_one_row_per_series():
    t = Tensors({"scale": torch.ones(2, 1), "bare": torch.tensor(1.0)}, WHERE)
    assert t.rows("scale", (2, 1)).shape == (2, 1)
    with pytest.raises(
        CheckpointError,
        match=r"field 'tensor scale' must be a tensor of 3 rows, one per series in 'series\.ids', got shape \(2, 1\)$",
    ):
        t.rows("scale", (3, 1))
    with pytest.raises(CheckpointError, match=r"a tensor of 2 rows, .*, got shape \(\)$"):
        t.rows("bare", (2, 1))


def test_tensors_positive():
    t = Tensors({"scale": torch.tensor([1.0, 0.0]), "meta": torch.empty(2, device="meta")}, WHERE)
    t.positive("scale", "non-negative", strict=False)
    t.positive("meta", "positive")  # values unread: nothing to check
    with pytest.raises(
        CheckpointError, match=r"^'run/model\.safetensors': field 'tensor scale' must be positive$"
    ):
        t.positive("scale", "positive")
