"""generate / predict / evaluate / backtest on the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import invoke


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
    table = invoke("evaluate", "--model", str(model), "--data", str(data), "--start", "320")
    assert table.exit_code == 0, table.output
    for label in ("model", "naive (last value)", "seasonal naive", "drift", "linear AR", "skill"):
        assert label in table.output
    as_json = invoke("evaluate", "--model", str(model), "--data", str(data), "--start", "0.8", "--json")
    metrics = json.loads(as_json.output)
    assert metrics["horizon"] == 2 and metrics["n_windows"] == 80 - 2 + 1


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
            ["backtest", "--model", "{model}", "--data", "{data}", "--start", "399", "--horizon", "5"],
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
    for command in ("fit", "generate", "predict", "evaluate", "backtest"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and f"Example: tsrnn {command}" in result.output
