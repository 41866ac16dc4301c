"""generate, fit and predict on the command line (tsrnn.cli.fit_predict), through click's CliRunner
and once as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error
from safetensors.numpy import load_file

FAST = ["--length", "300", "--epochs", "3", "--hidden", "6", "--window", "10"]
RUN_FILES = {
    "config.json",
    "model.safetensors",
    "history.csv",
    "metrics.json",
    "run.json",
    "forecast.png",
    "loss.png",
    "hidden.png",
}


def test_fit_writes_a_complete_run_directory(tmp_path):
    out = tmp_path / "run"
    result = invoke("fit", "--features", "2", *FAST, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert set(os.listdir(out)) == RUN_FILES
    # every file is readable without tsrnn
    history = pd.read_csv(out / "history.csv")
    assert list(history.columns) == ["epoch", "train_loss", "val_loss", "seconds"]
    assert history["epoch"].tolist() == [1, 2, 3]
    metrics = json.loads((out / "metrics.json").read_text())["test"]
    assert set(metrics) >= {"model", "naive", "n_windows"}
    assert metrics["n_windows"] == 60 - 1 + 1 - 0  # 60 test steps, each a one-step window
    config = json.loads((out / "config.json").read_text())
    assert config["model"]["input_size"] == 2 and config["model"]["hidden_size"] == 6
    weights = load_file(out / "model.safetensors")
    assert weights["model.rnn.weight_ih_l0"].shape == (4 * 6, 2)  # the default LSTM: four gates
    for png in ("forecast.png", "loss.png", "hidden.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the report names the shapes, the parameter count, and both errors
    # the automatic batch: 216 training steps give 206 windows, 26 a batch for 8 steps an epoch
    assert "(26, 10, 2)" in result.output and "(2, 26, 6)" in result.output
    assert "parameters" in result.output and "naive (last value)" in result.output
    assert "RMSE" in result.output and f"{metrics['model']['rmse']:.4f}" in result.output


def test_fit_default_shapes_match_the_tutorial(tmp_path):
    result = invoke(
        "fit",
        "--features",
        "3",
        "--hidden",
        "15",
        "--length",
        "300",
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "r"),
    )
    assert result.exit_code == 0, result.output
    # the automatic window: two cycles of the shortest season found (23); a batch of 173 windows / 8
    assert "(22, 46, 15)" in result.output and "(2, 22, 15)" in result.output


def test_fit_is_reproducible(tmp_path):
    for name in ("a", "b"):
        assert invoke("fit", *FAST, "--seed", "3", "--out", str(tmp_path / name)).exit_code == 0
    a = pd.read_csv(tmp_path / "a" / "history.csv")
    b = pd.read_csv(tmp_path / "b" / "history.csv")
    assert a["train_loss"].tolist() == b["train_loss"].tolist()
    assert (tmp_path / "a" / "model.safetensors").read_bytes() == (
        tmp_path / "b" / "model.safetensors"
    ).read_bytes()


def test_fit_reads_a_csv(tmp_path):
    t = np.arange(400)
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2024-01-01", periods=400, freq="D").astype(str),
            "load": np.sin(t / 7.0),
            "temp": np.cos(t / 11.0),
        }
    )
    path = tmp_path / "series.csv"
    frame.to_csv(path, index=False)
    result = invoke(
        "fit",
        "--data",
        str(path),
        "--epochs",
        "2",
        "--hidden",
        "4",
        "--window",
        "8",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["features"] == ["load", "temp"]


def test_fit_quiet_prints_only_the_run_directory(tmp_path):
    out = tmp_path / "quiet"
    result = invoke("fit", *FAST, "--quiet", "--out", str(out))
    assert result.exit_code == 0
    assert result.output.strip() == str(out)


def test_fit_refuses_a_non_empty_directory_unless_forced(tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    result = invoke("fit", *FAST, "--out", str(out))
    assert result.exit_code == 2
    assert "not empty" in result.output and "--force" in result.output
    assert (out / "keep.txt").read_text() == "precious"
    forced = invoke("fit", *FAST, "--out", str(out), "--force")  # the user's file would be lost: refused too
    assert forced.exit_code == 2 and "it holds 'keep.txt', which tsrnn did not write" in forced.output
    (out / "keep.txt").unlink()
    assert invoke("fit", *FAST, "--out", str(out)).exit_code == 0
    assert invoke("fit", *FAST, "--out", str(out), "--force").exit_code == 0  # a run replaces a run
    assert set(os.listdir(out)) == RUN_FILES


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hidden", "0"], "Invalid value for '--hidden': 0 is not in the range x>=1"),
        (["--cell", "transformer"], "Invalid value for '--cell'"),
        (["--lr", "-1"], "Invalid value for '--lr'"),
        (["--dropout", "0.3", "--layers", "1"], "--dropout acts between stacked layers"),
        (["--data", "missing.csv"], "data file 'missing.csv' does not exist"),
        (["--data", "x.csv", "--features", "4"], "--features describe the generated series"),
        (["--length", "25", "--window", "20"], "needs at least 21 training steps"),
    ],
)
def test_fit_rejects_bad_values_with_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke("fit", *args, "--out", "run")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and message in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "run").exists()


def test_help_shows_every_option_with_defaults():
    result = invoke("fit", "--help")
    assert result.exit_code == 0
    for option in (
        "--features",
        "--hidden",
        "--layers",
        "--cell",
        "--window",
        "--horizon",
        "--epochs",
        "--batch-size",
        "--lr",
        "--dropout",
        "--length",
        "--noise",
        "--seed",
        "--data",
        "--out",
        "--quiet",
    ):
        assert option in result.output
    assert "[default: 15;" in result.output and "rnn|lstm|gru" in result.output


def test_real_subprocess_and_help_without_torch(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    out = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "-m", "tsrnn", "fit", *FAST, "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "test (steps 241-300, held out)" in done.stdout and set(os.listdir(out)) == RUN_FILES
    probe = (
        "import sys; from tsrnn.cli import main; sys.argv = ['tsrnn', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')"
    )
    helped = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "fit" in helped.stdout and helped.stdout.strip().endswith("NO-TORCH")


def test_generate_writes_what_fit_reads(cli_run):
    root, data, _ = cli_run
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


def test_predict_prints_and_writes_future_values(cli_run):
    root, data, model = cli_run
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


def test_predict_level_writes_the_conformal_columns_and_draws_them(cli_run):
    root, _, model = cli_run  # 'tsrnn fit' with its default --holdout 0.2: calibrated by the evaluated copy
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
