"""evaluate / backtest / cv on the command line (tsrnn.cli.scoring)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error


def test_evaluate_prints_the_table_and_json(cli_run):
    _, data, model = cli_run
    table = invoke("evaluate", "--model", str(model), "--data", str(data), "--start", "320", "--in-sample")
    assert table.exit_code == 0, table.output
    for label in ("model", "naive (last value)", "seasonal naive", "drift", "linear AR", "skill"):
        assert label in table.output
    as_json = invoke(
        "evaluate", "--model", str(model), "--data", str(data), "--start", "0.8", "--json", "--in-sample"
    )
    metrics = json.loads(as_json.output)
    assert metrics["horizon"] == 2 and metrics["n_windows"] == 80 - 2 + 1
    assert metrics["in_sample"] == 79  # the saved model was refit on all 400 steps


def test_backtest_prints_per_step_summary_and_writes_rows(cli_run):
    root, data, model = cli_run
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
        "--metric",
        "mae",
        "--in-sample",  # the saved model was refit on all 400 steps
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "10 origins from step 300" in result.output and "MAE per step ahead" in result.output
    rows = pd.read_csv(out)
    assert len(rows) == 10 * 4 * 2 and set(rows.step) == {1, 2, 3, 4}


@pytest.mark.parametrize(
    "args, message",
    [
        (["predict", "--model", "nowhere"], "model directory 'nowhere' does not exist"),
        (["predict", "--model", "{model}", "--steps", "0"], "Invalid value for '--steps'"),
        (
            ["evaluate", "--model", "{model}", "--data", "missing.csv"],
            "data file 'missing.csv' does not exist",
        ),
        (
            ["evaluate", "--model", "{model}", "--data", "{data}", "--start", "1.5"],
            "strictly between 0 and 1",
        ),
        (["evaluate", "--model", "{model}", "--data", "{three}"], "data has 3 features"),
        (
            ["backtest", "--model", "{model}", "--data", "{data}", "--stride", "0"],
            "Invalid value for '--stride'",
        ),
        (
            [
                "backtest",
                "--model",
                "{model}",
                "--data",
                "{data}",
                "--start",
                "399",
                "--horizon",
                "5",
                "--in-sample",
            ],
            "need at least",
        ),
    ],
)
def test_commands_refuse_bad_values_with_one_line(cli_run, args, message):
    root, data, model = cli_run
    three = root / "three.csv"
    pd.DataFrame({"a": range(50), "b": range(50), "c": range(50)}).to_csv(three, index=False)
    args = [a.format(model=model, data=data, three=three) for a in args]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output


def test_evaluate_and_backtest_refuse_in_sample_origins_unless_labelled(cli_run):
    root, _, model = cli_run  # refit on all 400 steps of its file
    longer = root / "longer.csv"
    assert (
        invoke("generate", "--features", "2", "--length", "450", "--seed", "1", "--out", longer).exit_code
        == 0
    )
    args = ["--model", str(model), "--data", str(longer), "--start", "395"]
    # origins 395 .. 448, two steps each: 395 .. 399 forecast steps the model was fitted on
    one_line_error(
        invoke("evaluate", *args),
        "5 of the 54 origins forecast steps inside the span the model was fitted on, so their scores "
        "would be in-sample; score later data (--start), cross-validate out of sample with 'tsrnn cv', "
        "or pass --in-sample",
    )
    labelled = invoke("evaluate", *args, "--in-sample")
    assert labelled.exit_code == 0, labelled.output
    assert labelled.output.startswith(
        "IN-SAMPLE: 5 of the 54 origins forecast steps the model was fitted on\n"
    )
    later = invoke("evaluate", "--model", str(model), "--data", str(longer), "--start", "400")
    assert later.exit_code == 0 and later.output.startswith("49 origins x 2 step(s) ahead"), later.output
    one_line_error(invoke("backtest", *args), "5 of the 54 origins forecast steps inside the span")
    refit = invoke("backtest", *args[:4], "--start", "440", "--refit", "5")
    assert refit.exit_code == 0, refit.output  # refitted copies: out of sample, nothing to label
    assert refit.output.startswith("9 origins from step 440")


def test_cv_prints_the_scores_and_writes_the_long_frame(tmp_path):
    dates = pd.date_range("2000-01", periods=72, freq="MS").strftime("%Y-%m")
    y = np.round(50 + np.cumsum(np.random.default_rng(0).normal(size=72)), 1)
    pd.DataFrame({"month": dates, "sales": y}).to_csv(tmp_path / "m.csv", index=False)
    out = tmp_path / "cv.csv"
    args = ["cv", "--data", tmp_path / "m.csv", "--horizon", "3", "--windows", "2", "--out", out]
    result = invoke(*args, "--refit", "0")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("out of sample: 1 series x 2 window(s) of 3 steps (2 cutoff(s))")
    assert lines[1].split() == ["metric", "mae", "rmse", "mape", "smape", "mase"]
    assert [line.split()[0] for line in lines[2:7]] == [
        "tsrnn",
        "naive",
        "seasonal_naive",
        "drift",
        "linear_ar",
    ]
    frame = pd.read_csv(out, dtype={"ds": str, "cutoff": str})
    assert list(frame.columns) == [
        "unique_id", "ds", "cutoff", "y", "tsrnn", "naive", "seasonal_naive", "drift", "linear_ar"
    ]  # fmt: skip
    assert list(frame["cutoff"]) == ["2005-06"] * 3 + ["2005-09"] * 3  # dates as the file writes them
    assert list(frame["ds"]) == ["2005-07", "2005-08", "2005-09", "2005-10", "2005-11", "2005-12"]
    assert (frame["unique_id"] == "sales").all()
    np.testing.assert_array_equal(frame["y"], y[-6:])
    np.testing.assert_array_equal(frame["naive"], [y[-7]] * 3 + [y[-4]] * 3)  # the value at each cutoff
    naive_mae = np.mean(np.abs(frame["y"] - frame["naive"]))
    assert float(lines[3].split()[1]) == pytest.approx(naive_mae, abs=1e-4)
    one_line_error(invoke(*args), "exists")
    one_line_error(
        invoke("cv", "--data", tmp_path / "m.csv", "--horizon", "3", "--windows", "30"),
        "the series has 72 steps: --windows 30 window(s) of --horizon 3 steps, --step 3 apart",
    )


def test_backtest_and_cv_write_values_in_the_data_precision(tmp_path):
    """448.4 in the file is 448.4 in --out, not float32's 448.399994; forecasts get its one decimal."""
    dates = pd.date_range("2000-01", periods=60, freq="MS").strftime("%Y-%m")
    y = np.round(440 + 10 * np.sin(np.arange(60) / 2) + np.random.default_rng(1).normal(size=60), 1)
    pd.DataFrame({"month": dates, "sales": y}).to_csv(tmp_path / "m.csv", index=False)
    fast = ["--epochs", "1", "--hidden", "4", "--window", "6"]
    fit = invoke(
        "fit", "--data", tmp_path / "m.csv", *fast, "--holdout", "0", "--out", tmp_path / "run", "-q"
    )
    assert fit.exit_code == 0, fit.output
    out, model, data = tmp_path / "bt.csv", tmp_path / "run", tmp_path / "m.csv"
    args = ["--start", "50", "--horizon", "2", "--in-sample", "--out", out]
    assert invoke("backtest", "--model", model, "--data", data, *args).exit_code == 0
    first = out.read_text().splitlines()[1].split(",")  # origin, step, target, actual, model, naive, ...
    assert first[:4] == ["2004-03", "1", "sales", str(y[50])] and first[5] == str(y[49])
    methods = ["actual", "model", "naive", "seasonal_naive", "drift", "linear_ar"]
    written = pd.read_csv(out, dtype=str)
    for name in methods:  # every value of data units with the file's one decimal
        assert written[name].str.fullmatch(r"\d+\.\d").all(), (name, written[name].tolist())
    np.testing.assert_array_equal(written["actual"].astype(float)[::2], y[50:59])
    cv = tmp_path / "cv.csv"
    assert invoke("cv", "--data", data, "--horizon", "2", "--model", model, "--out", cv).exit_code == 0
    frame = pd.read_csv(cv, dtype=str)
    for name in ["y", "tsrnn", "naive", "seasonal_naive", "drift", "linear_ar"]:
        assert frame[name].str.fullmatch(r"\d+\.\d").all(), (name, frame[name].tolist())
