"""generate / predict / evaluate / backtest on the command line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    data = root / "sine.csv"
    assert (
        invoke("generate", "--features", "2", "--length", "400", "--seed", "1", "--out", str(data)).exit_code
        == 0
    )
    result = invoke(
        "fit",
        "--data",
        str(data),
        "--epochs",
        "3",
        "--hidden",
        "6",
        "--window",
        "10",
        "--horizon",
        "2",
        "--out",
        str(root / "model"),
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    return root, data, root / "model"


def test_generate_writes_what_fit_reads(run):
    root, data, _ = run
    frame = pd.read_csv(data)
    assert list(frame.columns) == ["f0", "f1"] and len(frame) == 400
    again = invoke("generate", "--features", "2", "--length", "400", "--seed", "1", "--out", str(data))
    assert again.exit_code == 2 and "exists; pass --force" in again.output
    assert (
        invoke("generate", "--features", "2", "--periods", "5", "--out", str(root / "x.csv")).exit_code == 2
    )
    many = invoke(
        "generate",
        "--features",
        "2",
        "--length",
        "60",
        "--periods",
        "6",
        "12",
        "--noise",
        "0",
        "--out",
        str(root / "p.csv"),
    )
    assert many.exit_code == 0, many.output
    p = pd.read_csv(root / "p.csv")
    assert abs(p["f0"].iloc[0] - p["f0"].iloc[6]) < 1e-5 and abs(p["f1"].iloc[0] - p["f1"].iloc[12]) < 1e-5


def test_predict_prints_and_writes_future_values(run):
    root, data, model = run
    out = root / "forecast.csv"
    result = invoke("predict", "--model", str(model), "--steps", "5", "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)  # one long table; the saved model was refit on all 400 steps of the file
    assert list(frame.columns) == ["unique_id", "ds", "tsrnn"]
    assert list(frame["unique_id"]) == ["f0"] * 5 + ["f1"] * 5
    assert list(frame["ds"]) == [400, 401, 402, 403, 404] * 2  # the steps after the file's last one
    assert f"{frame['tsrnn'].iloc[0]}" in result.output  # the screen shows what the file holds
    from_data = invoke("predict", "--model", str(model), "--data", str(data), "--steps", "3")
    assert from_data.exit_code == 0 and "400" in from_data.output  # continues after the CSV's last step
    assert "the --steps N steps after the data's last timestamp" in " ".join(
        invoke("predict", "--help").output.split()
    )


def test_evaluate_prints_the_table_and_json(run):
    _, data, model = run
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


def test_backtest_prints_per_step_summary_and_writes_rows(run):
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
def test_commands_refuse_bad_values_with_one_line(run, args, message):
    root, data, model = run
    three = root / "three.csv"
    pd.DataFrame({"a": range(50), "b": range(50), "c": range(50)}).to_csv(three, index=False)
    args = [a.format(model=model, data=data, three=three) for a in args]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output


def test_every_command_has_help_with_an_example():
    for command in ("fit", "generate", "predict", "evaluate", "backtest", "cv"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and f"Example: tsrnn {command}" in result.output


def test_evaluate_and_backtest_refuse_in_sample_origins_unless_labelled(run):
    root, _, model = run  # refit on all 400 steps of its file
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


def test_predict_level_writes_the_conformal_columns_and_draws_them(run):
    root, _, model = run  # 'tsrnn fit' with its default --holdout 0.2: calibrated by the evaluated copy
    out, png = root / "level.csv", root / "level.png"
    result = invoke(
        "predict", "--model", str(model), "--steps", "3", "--level", "80", "95", "--out", out, "--plot", png
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == [
        "unique_id", "ds", "tsrnn", "tsrnn-lo-95", "tsrnn-lo-80", "tsrnn-hi-80", "tsrnn-hi-95"
    ]  # fmt: skip
    frame = pd.read_csv(out)
    assert list(frame["unique_id"]) == ["f0"] * 3 + ["f1"] * 3 and list(frame["ds"][:3]) == [400, 401, 402]
    assert (frame["tsrnn-lo-95"] < frame["tsrnn-lo-80"]).all() and (
        frame["tsrnn-lo-80"] < frame["tsrnn"]
    ).all()
    assert (frame["tsrnn"] < frame["tsrnn-hi-80"]).all() and (
        frame["tsrnn-hi-80"] < frame["tsrnn-hi-95"]
    ).all()
    assert png.read_bytes()[:4] == b"\x89PNG"
    note = json.loads((model / "run.json").read_text())["intervals"]
    # 80 held-out steps (20% of 400): every origin rolled to the end (the spread up to 80 steps), the
    # errors of the horizon's 2 steps giving the quantile: 80 + 79 per target
    assert note == (
        "conformal, calibrated on the evaluated model's forecasts of the held-out steps: 159 errors, up "
        "to 80 step(s) ahead"
    )
    one_line_error(invoke("predict", "--model", str(model), "--level", "100"), "Invalid value for '--level'")
    one_line_error(
        invoke("predict", "--model", str(model), "--steps", "100", "--level", "80"),
        "intervals are calibrated for 80 step(s) ahead",
    )
