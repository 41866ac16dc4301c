"""--loss, --quantiles and --samples on the command line: fit, predict, backtest and evaluate."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import invoke

FAST = ["--epochs", "3", "--hidden", "6", "--window", "10", "--quiet"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("prob")
    data = root / "sine.csv"
    assert (
        invoke(
            "generate",
            "--features",
            "2",
            "--length",
            "400",
            "--noise",
            "0.2",
            "--seed",
            "1",
            "--out",
            str(data),
        ).exit_code
        == 0
    )
    result = invoke(
        "fit",
        "--data",
        str(data),
        *FAST,
        "--horizon",
        "2",
        "--loss",
        "quantile",
        "--quantiles",
        "0.1",
        "0.5",
        "0.9",
        "--samples",
        "30",
        "--out",
        str(root / "model"),
    )
    assert result.exit_code == 0, result.output
    return root, data, root / "model"


def test_fit_saves_the_head_and_reports_calibration(run, tmp_path):
    _, data, model = run
    config = json.loads((model / "config.json").read_text())
    assert config["model"]["loss"] == "quantile" and config["model"]["quantiles"] == [0.1, 0.5, 0.9]
    assert config["estimator"]["samples"] == 30
    metrics = json.loads((model / "metrics.json").read_text())["test"]
    assert 0 <= metrics["calibration"]["coverage_80"] <= 1
    report = invoke(
        "fit",
        "--data",
        str(data),
        "--epochs",
        "2",
        "--hidden",
        "4",
        "--window",
        "10",
        "--loss",
        "gaussian",
        "--out",
        str(tmp_path / "g"),
    )
    assert report.exit_code == 0, report.output
    assert "(Gaussian NLL, scaled)" in report.output and "80% interval covers" in report.output
    assert "(B, K, O, P)" in report.output  # the shapes table names the distribution's parameters
    assert json.loads((tmp_path / "g" / "config.json").read_text())["model"]["quantiles"] == [0.1, 0.5, 0.9]


def test_predict_writes_a_column_per_quantile(run):
    root, _, model = run
    out = root / "forecast.csv"
    result = invoke("predict", "--model", str(model), "--steps", "4", "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["unique_id", "ds", "tsrnn", "tsrnn-q0.1", "tsrnn-q0.5", "tsrnn-q0.9"]
    assert list(frame["unique_id"]) == ["f0"] * 4 + ["f1"] * 4
    assert (frame["tsrnn-q0.1"] <= frame["tsrnn-q0.9"]).all() and "tsrnn-q0.9" in result.output


def test_backtest_and_evaluate_print_the_calibration(run):
    root, data, model = run
    out = root / "bt.csv"
    result = invoke(
        "backtest",
        "--model",
        str(model),
        "--data",
        str(data),
        "--start",
        "300",
        "--stride",
        "10",
        "--horizon",
        "4",
        "--in-sample",  # the run's model was refit on all of its file
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "calibration per step ahead" in result.output and "coverage_80" in result.output
    assert "crps" in result.output  # steps 3 and 4 come from sample paths
    assert {"model_q0.1", "model_q0.5", "model_q0.9"} <= set(pd.read_csv(out).columns)
    evaluated = invoke(
        "evaluate", "--model", str(model), "--data", str(data), "--start", "320", "--in-sample"
    )
    assert evaluated.exit_code == 0 and "calibration: 80% interval covers" in evaluated.output


def test_point_model_output_is_unchanged(tmp_path):
    data = tmp_path / "s.csv"
    assert invoke("generate", "--features", "1", "--length", "300", "--out", str(data)).exit_code == 0
    assert invoke("fit", "--data", str(data), *FAST, "--out", str(tmp_path / "m")).exit_code == 0
    result = invoke(
        "backtest", "--model", str(tmp_path / "m"), "--data", str(data), "--stride", "10", "--in-sample"
    )
    assert result.exit_code == 0 and "calibration" not in result.output
    assert "tsrnn-q" not in invoke("predict", "--model", str(tmp_path / "m"), "--steps", "2").output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--loss", "laplace"], "Invalid value for '--loss'"),
        (
            ["--quantiles", "0.1", "0.9"],
            "--quantiles needs --loss gaussian or --loss quantile, got --loss mse",
        ),
        (
            ["--loss", "quantile", "--quantiles", "0.9", "0.1"],
            "--quantiles must be sorted and unique, got [0.9, 0.1]",
        ),
        (["--loss", "quantile", "--quantiles", "0.5", "0.5"], "--quantiles must be sorted and unique"),
        (
            ["--loss", "quantile", "--quantiles", "1.5"],
            "Invalid value for '--quantiles': 1.5 is not in the range 0<x<1",
        ),
        (["--loss", "gaussian", "--quantiles", "-0.1", "0.5"], "Invalid value for '--quantiles': -0.1"),
        (["--loss", "gaussian", "--samples", "0"], "Invalid value for '--samples'"),
    ],
)
def test_fit_rejects_bad_values_with_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke("fit", *args, "--out", "run")
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output
    assert not (tmp_path / "run").exists()


def test_help_lists_the_options():
    result = invoke("fit", "--help")
    assert "--loss [mse|gaussian|quantile]" in result.output
    assert "--quantiles" in result.output and "--samples" in result.output


def test_plot_redraws_a_probabilistic_run(run):
    _, _, model = run
    result = invoke("plot", str(model))
    assert result.exit_code == 0, result.output
    assert (model / "forecast.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
