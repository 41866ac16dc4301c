"""Every resource a parameter drives is bounded before any work: one line naming the limit and why."""

from __future__ import annotations

import itertools
import os

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error, write_config

import tsrnn
from tsrnn.base.config import MAX_LAYERS, MAX_PARAMETERS, ModelConfig
from tsrnn.base.errors import CheckpointError, DataError
from tsrnn.nn.model import RNNForecaster


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--layers", "100000"],
            f"num_layers must be at most {MAX_LAYERS}, got 100000: each layer is one more pass",
        ),
        (["--hidden", "100000"], f"parameters, beyond tsrnn's limit of {MAX_PARAMETERS} (190 MiB of weights"),
        (
            ["--horizon", "1000000"],
            "--horizon 1000000 and output_size=3 make a network of 57003120 parameters",
        ),
        (
            ["--features", "100000"],
            "--length 2000 x n_features=100000 = 200000000 values, beyond tsrnn's limit",
        ),
        (
            ["--features", "6000"],
            "a window of 2 steps x 6000 features = 12000 inputs per window, beyond tsrnn's limit",
        ),
        (["--threads", "100000"], "got 100000: more threads than CPUs only wait on each other"),
        (
            ["--samples", "10000000"],
            "samples must be at most 1000000, got 10000000: a million Monte-Carlo paths",
        ),
    ],
)
def test_fit_refuses_runaway_sizes_before_any_work(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    one_line_error(invoke("fit", *args, "--out", "run"), message)
    assert os.listdir(tmp_path) == []


def test_a_season_longer_than_the_data_is_refused(tmp_path):
    dates = pd.date_range("2000-01-01", periods=300, freq="MS")
    pd.DataFrame({"date": dates, "y": np.sin(np.arange(300) / 3) + 5}).to_csv(tmp_path / "m.csv", index=False)
    result = invoke("fit", "--data", tmp_path / "m.csv", "--season", "1000000000", "--out", tmp_path / "run")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1] == (
        "Error: --season 1000000000 steps is longer than the series (240 steps): a season must repeat within "
        "the data, and the seasonal indices and the seasonal-naive baseline hold a number for each of its steps"
    )
    with pytest.raises(DataError, match=r"season=500 steps is longer than the series \(300 steps\)"):
        tsrnn.Forecaster(season=[12, 500], epochs=1).fit(tsrnn.multi_sine(300, 2, seed=0))


def test_shapes_and_generate_refuse_runaway_sizes():
    one_line_error(invoke("shapes", "--layers", "100000"), f"num_layers must be at most {MAX_LAYERS}")
    one_line_error(invoke("shapes", "--hidden", "100000"), f"beyond tsrnn's limit of {MAX_PARAMETERS}")
    one_line_error(
        invoke("generate", "--features", "100000", "--length", "2000", "--out", "never.csv"),
        "beyond tsrnn's limit of 100000000 for a generated series",
    )
    assert not os.path.exists("never.csv")


def test_library_threads_are_bounded_by_the_machine(sine_frame):
    limit = 4 * (os.cpu_count() or 1)
    with pytest.raises(ValueError, match=f"threads must be at most {limit} "):
        tsrnn.Forecaster(threads=limit + 1, epochs=1).fit(sine_frame)


def test_forecast_steps_and_sample_paths_are_bounded(fitted):
    with pytest.raises(ValueError, match="steps must be at most 1000000, got 10000000"):
        fitted.forecast(10_000_000)
    gaussian = tsrnn.Forecaster(loss="gaussian", hidden=3, layers=1, window=6, epochs=1, seed=0)
    gaussian.fit(tsrnn.multi_sine(120, 1, seed=0))
    with pytest.raises(
        DataError, match=r"samples=1000000 paths x 1 window\(s\) x 2000 steps need about 7\.5 GiB"
    ):
        gaussian.sample_paths(2000, samples=1_000_000)


def test_a_model_file_claiming_a_runaway_network_is_refused(fitted, tmp_path):
    import json

    fitted.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["model"]["num_layers"] = 100_000
    write_config(tmp_path / "m", config)
    with pytest.raises(
        CheckpointError, match=f"not a valid model configuration: num_layers must be at most {MAX_LAYERS}"
    ):
        tsrnn.Forecaster.load(tmp_path / "m")


@pytest.mark.parametrize(
    "cell, loss", list(itertools.product(["rnn", "gru", "lstm"], ["mse", "gaussian", "quantile"]))
)
def test_the_parameter_count_is_known_before_the_network_is_built(cell, loss):
    for bidirectional, highway, layers in itertools.product([False, True], [0, 5], [1, 3]):
        config = ModelConfig(
            input_size=3,
            hidden_size=7,
            num_layers=layers,
            cell=cell,
            bidirectional=bidirectional,
            horizon=2,
            output_size=2,
            loss=loss,
            highway=highway,
        )
        assert config.n_parameters == RNNForecaster(config).n_parameters()
