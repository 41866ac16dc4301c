"""tsrnn.app.run_plots: how a run records its data (run.json's ``data``) and gets it back, the
figures of a fitted run, and ``plot_run`` redrawing them into the run or another directory."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

import tsrnn
from tsrnn.app.run_plots import FIGURES, LOSS_NAMES, data_spec, plot_run, run_data, run_figures
from tsrnn.app.training_run import fit_run
from tsrnn.base.errors import CheckpointError, DataError

PNG = b"\x89PNG\r\n\x1a\n"
TINY = dict(epochs=1, hidden=4, layers=1, window=8)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A run of a generated two-feature series of 120 steps, its last 20% held out."""
    out = tmp_path_factory.mktemp("runs") / "run"
    return fit_run(out, features=2, length=120, **TINY)


def test_data_spec_says_how_to_get_the_series_back(tmp_path):
    assert data_spec(None, 2, 120, 0.1, 3) == {
        "kind": "generated",
        "generator": "multi_sine",
        "length": 120,
        "features": 2,
        "noise": 0.1,
        "seed": 3,
    }
    path = tmp_path / "s.csv"
    path.write_text("y\n1\n2\n")
    assert data_spec(str(path), 1, 0, 0.0, 0) == {
        "kind": "csv",
        "path": str(path),
        "sha256": hashlib.sha256(b"y\n1\n2\n").hexdigest(),
    }
    assert data_spec(pd.DataFrame({"y": [1.0]}), 1, 1, 0.0, 0) == {"kind": "memory"}


def test_a_generated_series_is_generated_again(run_dir, tmp_path):
    frame, why = run_data(run_dir)
    assert why == "" and frame.equals(tsrnn.multi_sine(120, 2, noise=0.1, seed=0))
    assert run_data(tmp_path) == (
        None,
        f"{str(tmp_path)!r} has no run.json saying which data it was fitted on",
    )


def record(directory, data: dict | None) -> None:
    directory.mkdir(exist_ok=True)
    (directory / "run.json").write_text(json.dumps({"data": data}))


def test_a_csv_file_is_read_again_only_while_unchanged(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a;b\n1,5;2\n2,5;3\n")
    record(tmp_path / "run", data_spec(str(path), 0, 0, 0.0, 0))
    frame, why = run_data(tmp_path / "run", {"decimal": ","})  # read with the options the run kept
    assert why == "" and frame["a"].tolist() == [1.5, 2.5]
    path.write_text("a;b\n1,5;2\n2,5;4\n")
    assert run_data(tmp_path / "run", {}) == (None, f"the data file {str(path)!r} changed since the run")
    path.unlink()
    assert run_data(tmp_path / "run", {}) == (None, f"the data file {str(path)!r} is gone")


@pytest.mark.parametrize(
    "data, why",
    [
        ({"kind": "memory"}, "the run trained on data given in memory, which it did not keep"),
        (None, "run.json does not say where the data came from (data given in memory, or an older run)"),
    ],
)
def test_data_that_cannot_be_got_back_says_why(tmp_path, data, why):
    record(tmp_path / "run", data)
    assert run_data(tmp_path / "run", {}) == (None, why)


def test_run_figures_draws_what_its_inputs_allow(run_dir):
    model = tsrnn.Forecaster.load(run_dir)
    frame = tsrnn.multi_sine(120, 2, noise=0.1, seed=0)
    history = pd.read_csv(run_dir / "history.csv")
    figures = run_figures(model, frame, 96, history, lines=True)
    assert set(figures) == set(FIGURES)
    forecast = figures["forecast.png"]
    assert forecast.get_suptitle() == "One-step forecasts on the test span" and len(forecast.axes) == 2
    assert figures["loss.png"].axes[0].get_ylabel() == f"{LOSS_NAMES['mse']} loss (scaled units)"
    assert figures["hidden.png"].get_suptitle().startswith("LSTM hidden state of every layer at every step")
    assert set(run_figures(model, None, None, history.iloc[:0])) == {"hidden.png"}  # no series, no history


def test_plot_run_redraws_the_figures_into_another_directory(run_dir, tmp_path):
    before = {p.name: p.read_bytes() for p in run_dir.iterdir()}
    written, skipped = plot_run(run_dir, tmp_path / "figs")
    assert sorted(p.name for p in written) == ["hidden.png", "hidden_lines.png", "loss.png"]
    assert all(p.read_bytes().startswith(PNG) for p in written)
    assert skipped == [
        "forecast.png: the saved model was refit on the held-out span, so its forecasts there are "
        "in-sample; the one 'tsrnn fit' drew from the evaluated model stays"
    ]
    assert {p.name: p.read_bytes() for p in run_dir.iterdir()} == before  # the run is left as it was
    with pytest.raises(CheckpointError, match=r"hidden.png, hidden_lines.png, loss.png already exist in"):
        plot_run(run_dir, tmp_path / "figs")
    assert len(plot_run(run_dir, tmp_path / "figs", force=True, dpi=30)[0]) == 3


def test_plot_run_replaces_the_run_s_own_figures_and_refuses_what_is_no_run(run_dir, tmp_path):
    written, _ = plot_run(run_dir, dpi=30)
    assert {p.parent for p in written} == {run_dir} and (run_dir / "hidden_lines.png").is_file()
    assert (run_dir / "forecast.png").is_file()  # fit's own, kept
    with pytest.raises(CheckpointError, match=r"^run directory '.*nope' does not exist$"):
        plot_run(tmp_path / "nope")
    (tmp_path / "file").write_text("mine")
    with pytest.raises(DataError, match=r"'.*file' exists and is not a directory$"):
        plot_run(run_dir, tmp_path / "file")
    assert (tmp_path / "file").read_text() == "mine"
    assert np.isfinite(tsrnn.Forecaster.load(run_dir).context_).all()  # the model files are untouched
