"""tsrnn.base.config: the model's and the training's configs, their defaults, the checks of every
field, the JSON round trip (unknown fields refused) and their being frozen."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tsrnn.base.config import ModelConfig, TrainConfig


def test_model_config_defaults():
    c = ModelConfig(input_size=3)
    assert (c.hidden_size, c.num_layers, c.cell, c.horizon, c.output_size) == (15, 2, "rnn", 1, 3)
    assert c.directions == 1
    assert ModelConfig(input_size=3, bidirectional=True).directions == 2
    assert ModelConfig(input_size=3, output_size=1).output_size == 1


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"cell": "xyz"}, ValueError, r"cell must be one of 'rnn', 'lstm', 'gru', got 'xyz'"),
        ({"hidden_size": 0}, ValueError, r"hidden_size must be an integer >= 1, got 0"),
        ({"num_layers": 0}, ValueError, r"num_layers must be an integer >= 1, got 0"),
        ({"input_size": 0}, ValueError, r"input_size must be an integer >= 1, got 0"),
        (
            {"dropout": 0.5, "num_layers": 1},
            ValueError,
            r"dropout acts between stacked layers and needs num_layers >= 2, got dropout=0\.5 with num_layers=1",
        ),
        ({"dropout": 1.0}, ValueError, r"dropout must be a finite number in \[0\.0, 1\.0\), got 1\.0"),
        ({"dropout": -0.1}, ValueError, r"dropout must be a finite number in \[0\.0, 1\.0\), got -0\.1"),
        ({"bidirectional": "yes"}, TypeError, r"bidirectional must be True or False, got 'yes'"),
        ({"horizon": 0}, ValueError, r"horizon must be an integer >= 1, got 0"),
        ({"output_size": 0}, ValueError, r"output_size must be an integer >= 1, got 0"),
        ({"hidden_size": 2.5}, TypeError, r"hidden_size must be an integer >= 1, got 2\.5 \(float\)"),
        ({"num_layers": True}, TypeError, r"num_layers must be an integer >= 1, got True \(bool\)"),
    ],
)
def test_model_config_checks(kwargs, error, match):
    with pytest.raises(error, match=match):
        ModelConfig(**{"input_size": 3, **kwargs})


def test_model_config_json_round_trip():
    c = ModelConfig(
        input_size=4,
        hidden_size=9,
        num_layers=3,
        cell="gru",
        dropout=0.25,
        bidirectional=True,
        horizon=5,
        output_size=2,
    )
    text = c.to_json()
    assert json.loads(text)["cell"] == "gru"
    assert ModelConfig.from_json(text) == c
    assert ModelConfig.from_dict(c.to_dict()) == c
    d = ModelConfig(input_size=2)  # output_size None resolves to input_size and survives the trip
    assert ModelConfig.from_json(d.to_json()) == d


def test_model_config_unknown_field():
    with pytest.raises(ValueError, match=r"ModelConfig got unknown fields \['colour'\]; expected some of"):
        ModelConfig.from_dict({"input_size": 3, "colour": "red"})


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ModelConfig(input_size=3).hidden_size = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        TrainConfig().lr = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"epochs": 0}, ValueError, r"epochs must be an integer >= 1, got 0"),
        ({"batch_size": 0}, ValueError, r"batch_size must be an integer >= 1, got 0"),
        ({"lr": 0.0}, ValueError, r"lr must be a finite number in \(0\.0, 10\.0\], got 0\.0"),
        ({"lr": float("inf")}, ValueError, r"lr must be a finite number in \(0\.0, 10\.0\], got inf"),
        ({"lr": "fast"}, TypeError, r"lr must be a number, got 'fast' \(str\)"),
        (
            {"val_fraction": 1.0},
            ValueError,
            r"val_fraction must be a finite number in \[0\.0, 1\.0\), got 1\.0",
        ),
        (
            {"val_fraction": -0.1},
            ValueError,
            r"val_fraction must be a finite number in \[0\.0, 1\.0\), got -0\.1",
        ),
        ({"patience": 0}, ValueError, r"patience must be an integer >= 1, got 0"),
        ({"clip_norm": 0.0}, ValueError, r"clip_norm must be a finite number in \(0\.0, inf\], got 0\.0"),
        ({"seed": -1}, ValueError, r"seed must be an integer >= 0, got -1"),
    ],
)
def test_train_config_checks(kwargs, error, match):
    with pytest.raises(error, match=match):
        TrainConfig(**kwargs)


def test_train_config_round_trip_and_optional_fields():
    c = TrainConfig(epochs=7, batch_size=3, lr=0.05, val_fraction=0.0, patience=None, clip_norm=None, seed=11)
    assert TrainConfig.from_json(c.to_json()) == c
    assert json.loads(c.to_json())["patience"] is None
    assert TrainConfig.from_dict(TrainConfig().to_dict()) == TrainConfig()
    with pytest.raises(ValueError, match=r"TrainConfig got unknown fields \['momentum'\]"):
        TrainConfig.from_json('{"momentum": 0.9}')


def test_automatic_batch_and_epochs_change_nothing_up_to_16384_windows():
    from tsrnn.base.config import EPOCH_WINDOWS, auto_batch_size, auto_epochs

    assert EPOCH_WINDOWS == 16_384
    assert [auto_batch_size(n) for n in (1, 100, 128, 129, 2048, 9_335, 16_384)] == [
        16,
        16,
        16,
        17,
        256,
        256,
        256,
    ]
    assert all(auto_epochs(e, n) == e for e in (1, 7, 60, 500) for n in (1, 100, 9_335, 16_384))


def test_beyond_16384_windows_an_epoch_is_64_steps_and_training_reads_epochs_x_16384_windows():
    from tsrnn.base.config import auto_batch_size, auto_epochs

    assert [auto_batch_size(n) for n in (16_385, 100_000, 200_000, 10**6)] == [257, 1_563, 3_125, 15_625]
    assert [auto_epochs(60, n) for n in (16_385, 32_768, 100_000, 200_000, 10**6, 10**8)] == [
        60,
        30,
        10,
        5,
        1,
        1,
    ]
    assert auto_epochs(7, 100_000) == 2  # ceil(7 * 16,384 / 100,000)
    for n in (
        16_385,
        100_000,
        200_000,
        10**6,
    ):  # whole epochs of at most 64 steps, at most 60 x 16,384 windows
        assert -(-n // auto_batch_size(n)) <= 64
        assert (auto_epochs(60, n) - 1) * n < 60 * 16_384
