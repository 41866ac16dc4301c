"""The command line, through click's CliRunner and once as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import invoke
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
