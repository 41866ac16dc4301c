"""tsrnn shapes, tsrnn compare and tsrnn plot (tsrnn.cli.inspection) through click's CliRunner."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error

from tsrnn.app.training_run import fit_run

PNG = b"\x89PNG\r\n\x1a\n"
FIGURES = {"forecast.png", "loss.png", "hidden.png", "hidden_lines.png"}


# -- shapes ---------------------------------------------------------------------------------------


def test_shapes_of_the_sine_tutorial():
    result = invoke(
        "shapes", "--features", "1", "--hidden", "10", "--layers", "2", "--seq", "20", "--cell", "rnn"
    )
    assert result.exit_code == 0
    out = result.output
    assert "(1, 20, 1)" in out and "(1, 20, 10)" in out and "(2, 1, 10)" in out
    assert "L*D=2*1, B=1, H=10" in out
    assert "batch_first=True applies to the input and the RNN output only" in out
    assert "parameters: 361 in all" in out and "rnn layer 1    220" in out


def test_shapes_with_three_features_and_hidden_15():
    out = invoke("shapes", "--features", "3", "--hidden", "15").output
    assert "(1, 20, 15)" in out and "(2, 1, 15)" in out and "(1, 20, 3)" in out


def test_shapes_of_a_bidirectional_lstm_as_json():
    result = invoke(
        "shapes", "--hidden", "10", "--bidirectional", "--batch", "4", "--horizon", "3", "--json"
    )  # an LSTM, as fit trains
    assert result.exit_code == 0
    report = json.loads(result.output)
    shapes = {row["name"]: row["shape"] for row in report["tensors"]}
    assert shapes["rnn output"] == [4, 20, 20] and shapes["h_n"] == [4, 4, 10] and shapes["c_n"] == [4, 4, 10]
    assert shapes["prediction"] == [4, 3, 1]
    assert report["settings"]["bidirectional"] is True


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hidden", "0"], "Invalid value for '--hidden': 0 is not in the range x>=1"),
        (["--seq", "-3"], "Invalid value for '--seq'"),
        (["--cell", "transformer"], "Invalid value for '--cell'"),
        (["--batch", "two"], "Invalid value for '--batch'"),
    ],
)
def test_shapes_rejects_bad_values(args, message):
    one_line_error(invoke("shapes", *args), message)


def test_shapes_too_large_for_memory_is_one_line(monkeypatch):
    from tsrnn.app import shapes

    def fails(**kwargs):  # what torch raises when the CPU allocator is refused, as for --hidden 100000
        raise RuntimeError(
            "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate "
            "memory: you tried to allocate 40000000000 bytes. Error code 12 (Cannot allocate memory)"
        )

    monkeypatch.setattr(shapes, "describe_shapes", fails)
    result = invoke("shapes", "--hidden", "100000", "--layers", "3")
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert result.output.startswith(
        "Error: not enough memory: an allocation of 37.3 GiB failed; try smaller "
        "sizes (--hidden, --layers, the batch)"
    )

    def bug(**kwargs):  # any other RuntimeError is a bug: its traceback, and a request to report it
        raise RuntimeError("shape mismatch")

    monkeypatch.setattr(shapes, "describe_shapes", bug)
    result = invoke("shapes")
    assert result.exit_code == 1 and "RuntimeError: shape mismatch" in result.output, result.output
    assert "Traceback" in result.output and "This is a bug in tsrnn" in result.output


def test_help_lists_the_new_commands_with_defaults():
    out = invoke("--help").output
    assert "shapes" in out and "compare" in out and "plot" in out
    shapes_help = invoke("shapes", "--help").output
    assert (
        "[default: 15;" in shapes_help
        and "[default: lstm]" in shapes_help
        and "Example: tsrnn shapes" in shapes_help
    )
    compare_help = invoke("compare", "--help").output
    assert "--hidden" in compare_help and "[default: 2, 5, 10, 15;" in compare_help


# -- compare --------------------------------------------------------------------------------------

COMPARE_FAST = [
    *("--epochs", "1", "--length", "200", "--window", "10", "--layers", "1"),
    *("--cell", "rnn", "--no-highway"),  # the networks alone: parameter counts by hand
]


def test_compare_takes_space_separated_sizes(tmp_path):
    out = tmp_path / "cmp"
    result = invoke("compare", "--hidden", "2", "5", "7", *COMPARE_FAST, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "training 3 models on 200 steps x 1 feature(s):" in result.output
    for h in (2, 5, 7):
        assert f"H={h} " in result.output
    assert "best hidden size (one-step test RMSE):" in result.output
    assert set(os.listdir(out)) == {"compare.png", "compare.csv"}
    table = pd.read_csv(out / "compare.csv")
    assert table["hidden"].tolist() == [2, 5, 7]
    assert table["parameters"].tolist() == [h * (1 + h + 2) + h + 1 for h in (2, 5, 7)]  # no highway here
    assert (table["test_rmse"] > 0).all() and (out / "compare.png").read_bytes()[:8] == PNG


def test_compare_takes_repeated_options_and_reads_a_csv(tmp_path):
    t = np.arange(150)
    pd.DataFrame({"load": np.sin(t / 6.0), "temp": np.cos(t / 9.0)}).to_csv(tmp_path / "s.csv", index=False)
    result = invoke(
        "compare",
        "--hidden",
        "3",
        "--epochs",
        "1",
        "--hidden",
        "4",
        "--window",
        "8",
        "--data",
        str(tmp_path / "s.csv"),
        "--out",
        str(tmp_path / "cmp"),
    )
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "cmp" / "compare.csv")["hidden"].tolist() == [3, 4]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hidden", "0"], "Invalid value for '--hidden': 0 is not in the range x>=1"),
        (["--hidden", "4", "-1"], "Invalid value for '--hidden': -1 is not in the range x>=1"),
        (["--hidden", "4", "--epochs", "2", "6"], "Got unexpected extra argument (6)"),
        (["--hidden", "2", "5", "2"], "--hidden must not repeat a size, got 2 5 2"),
        (["--data", "x.csv", "--length", "300"], "--length describe the generated series"),
        (["--length", "20", "--window", "20"], "needs at least 21 training steps"),
    ],
)
def test_compare_rejects_bad_values(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    one_line_error(invoke("compare", *args, "--out", "cmp"), message)
    assert not (tmp_path / "cmp").exists()


def test_compare_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    result = invoke("compare", "--hidden", "2", *COMPARE_FAST, "--out", str(tmp_path / "busy"))
    one_line_error(result, "is not empty")
    assert os.listdir(tmp_path / "busy") == ["keep.txt"]


# -- plot -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "run"
    fit_run(out, features=2, length=240, epochs=2, hidden=5, layers=2, window=10)
    return out


def test_fit_records_how_to_regenerate_the_data(run_dir):
    run = json.loads((run_dir / "run.json").read_text())
    assert run["data"] == {
        "kind": "generated",
        "generator": "multi_sine",
        "length": 240,
        "features": 2,
        "noise": 0.1,
        "seed": 0,
    }
    assert (run_dir / "hidden.png").read_bytes()[:8] == PNG


def test_plot_redraws_every_figure_into_the_run(run_dir):
    (run_dir / "hidden.png").unlink()
    kept = (run_dir / "forecast.png").read_bytes()
    result = invoke("plot", str(run_dir))
    assert result.exit_code == 0, result.output
    for name in FIGURES - {"forecast.png"}:
        assert f"wrote {run_dir / name}: " in result.output
        assert (run_dir / name).read_bytes()[:8] == PNG
    # the saved model was refit on the held-out steps: its test forecasts would be in-sample
    assert "skipped forecast.png: the saved model was refit on the held-out span" in result.output
    assert (run_dir / "forecast.png").read_bytes() == kept  # the evaluated model's, as fit drew it
    assert not [n for n in os.listdir(run_dir) if n.startswith(".")]  # no temporary files left


def test_plot_into_another_directory_needs_force_to_replace(run_dir, tmp_path):
    figs = tmp_path / "figs"
    assert invoke("plot", str(run_dir), "--out", str(figs), "--dpi", "40").exit_code == 0
    assert set(os.listdir(figs)) == FIGURES - {"forecast.png"}
    (figs / "notes.txt").write_text("mine")
    one_line_error(invoke("plot", str(run_dir), "--out", str(figs)), "already exist in")
    assert invoke("plot", str(run_dir), "--out", str(figs), "--force").exit_code == 0
    assert (figs / "notes.txt").read_text() == "mine"


def test_plot_skips_the_forecast_when_the_csv_changed(tmp_path):
    t = np.arange(200)
    csv = tmp_path / "s.csv"
    pd.DataFrame({"a": np.sin(t / 5.0)}).to_csv(csv, index=False)
    fit_run(tmp_path / "run", data=str(csv), epochs=1, hidden=3, layers=1, window=8)
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["data"]["kind"] == "csv"
    del run["refit_epochs"]  # as a run from before the refit wrote it: its model never saw the test span
    (tmp_path / "run" / "run.json").write_text(json.dumps(run))
    ok = invoke("plot", str(tmp_path / "run"), "--out", str(tmp_path / "a"))
    assert ok.exit_code == 0 and "skipped" not in ok.output
    pd.DataFrame({"a": np.cos(t / 5.0)}).to_csv(csv, index=False)
    changed = invoke("plot", str(tmp_path / "run"), "--out", str(tmp_path / "b"))
    assert changed.exit_code == 0
    assert f"skipped forecast.png: the data file {str(csv)!r} changed since the run" in changed.output
    assert set(os.listdir(tmp_path / "b")) == FIGURES - {"forecast.png"}


def test_plot_rejects_what_is_not_a_run(tmp_path):
    one_line_error(invoke("plot", str(tmp_path / "missing")), "Invalid value for 'RUN_DIR'")
    (tmp_path / "empty").mkdir()
    one_line_error(invoke("plot", str(tmp_path / "empty")), "model.safetensors' is missing")
    one_line_error(invoke("plot", str(tmp_path), "--dpi", "5"), "Invalid value for '--dpi'")


def test_compare_can_add_the_highway_to_every_size(tmp_path):
    out = tmp_path / "cmp"
    result = invoke("compare", "--hidden", "2", "3", *COMPARE_FAST, "--highway", "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "compare.csv")  # each size also has the highway's 10 weights and bias
    assert table["parameters"].tolist() == [h * (1 + h + 2) + h + 1 + 11 for h in (2, 3)]
