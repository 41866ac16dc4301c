"""Every script in examples/ runs (in its fast mode) and prints what it claims, so none can rot."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TESTED = {
    "hello_shapes.py",
    "sine_shapes.py",
    "char_rnn.py",
    "sine_forecast.py",
    "hidden_states.py",
    "compare_hidden.py",
    "real_co2.py",
}


def run(name: str, cwd: Path, *args: str) -> str:
    env = dict(os.environ, TSRNN_EXAMPLE_FAST="1", MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_every_example_is_tested():
    assert {p.name for p in EXAMPLES.glob("*.py")} == TESTED


def test_hello_shapes(tmp_path):
    out = run("hello_shapes.py", tmp_path)
    assert "input (3, 5, 4)" in out
    for cell, extra in (("RNN ", ""), ("LSTM", ", c_n (1, 3, 2)"), ("GRU ", "")):
        assert f"{cell} hidden 2: output (3, 5, 2), h_n (1, 3, 2){extra};" in out
    assert out.count("output[:, -1] == h_n[0]: True") == 3
    assert "lengths [5, 3, 4]: padded input (3, 5, 4) -> packed output (3, 5, 2), h_n (1, 3, 2)" in out
    difference = float(re.search(r"largest difference (\S+) ", out).group(1))
    assert difference < 1e-6
    assert "'eol' padded == alone: True" in out


def test_sine_shapes(tmp_path):
    out = run("sine_shapes.py", tmp_path)
    assert "output (1, 20, 10)" in out and "h_n    (2, 1, 10)" in out
    assert "rnn output      (1, 20, 10)" in out and "parameters: 361 in all" in out
    assert "input (1, 20, 3), output (1, 20, 15), h_n (2, 1, 15)" in out


def test_char_rnn_learns(tmp_path):
    out = run("char_rnn.py", tmp_path)
    assert "x (170, 10, 25)" in out and "y (170, 10)" in out
    first, last = map(float, re.search(r"loss fell from (\S+) to (\S+);", out).groups())
    assert last < 0.7 * first
    predictions = re.findall(r"^epoch +\d+ loss \S+: (.*)$", out, flags=re.M)
    target = re.search(r"^target: +(.*)$", out, flags=re.M).group(1)
    assert predictions and all(len(p) == len(target) == 179 for p in predictions)


def test_sine_forecast_writes_its_figures_here_not_in_docs(tmp_path):
    out = run("sine_forecast.py", tmp_path)
    assert re.search(r"test RMSE, 10 steps ahead: model \d\.\d{4}, naive last value \d\.\d{4}", out)
    assert "4 origins every 25 steps: forecasts (80, 2)" in out
    assert (tmp_path / "forecast.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "loss.png").is_file()


def test_hidden_states(tmp_path):
    out = run("hidden_states.py", tmp_path)
    assert "layer 0: hidden states (40, 8)" in out and "layer 1: hidden states (40, 8)" in out
    assert "last layer == nn.RNN output: True; each layer's last step == h_n: True" in out
    assert (tmp_path / "hidden.png").is_file() and (tmp_path / "hidden_lines.png").is_file()


def test_compare_hidden_in_a_chosen_directory(tmp_path):
    out = run("compare_hidden.py", tmp_path, "--out", "figs")
    rows = re.findall(r"^ +(\d+) +(\d+) +\d+ +\d\.\d{4}", out, flags=re.M)
    assert [int(h) for h, _ in rows] == [2, 5, 10, 15]
    params = [int(p) for _, p in rows]
    assert params == sorted(params) and params[0] == 37  # 2 layers of 2 units, head of 5 steps
    assert re.search(r"best hidden size by one-step test RMSE: (2|5|10|15)\n", out)
    assert (tmp_path / "figs" / "compare_hidden.png").is_file() and not (
        tmp_path / "compare_hidden.png"
    ).exists()


def test_real_co2_series_end_to_end(tmp_path):
    out = run("real_co2.py", tmp_path)
    assert "co2: 2284 weeks, {'co2': 59} missing, filled by interpolate" in out
    assert "season found: 52 weeks" in out
    rows = dict(re.findall(r"^(model|naive|seasonal_naive|drift|linear_ar)\s+([\d.]+)", out, flags=re.M))
    assert set(rows) == {"model", "naive", "seasonal_naive", "drift", "linear_ar"}
    # the weekly calendar continues, in the data's one decimal
    assert re.search(r"^\s*co2 1993-04-03\s+3\d\d\.\d$", out, flags=re.M)
