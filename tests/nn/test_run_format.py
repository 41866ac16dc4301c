"""tsrnn.nn.run_format: a run's run.json and history.csv are checked before tsrnn plot reads them back."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import invoke, one_line_error

from tsrnn.app.training_run import fit_run


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A run directory of tsrnn fit (generated data)."""
    return fit_run(
        tmp_path_factory.mktemp("runs") / "run",
        features=2,
        length=160,
        epochs=1,
        hidden=4,
        layers=1,
        window=8,
    )


@pytest.fixture
def run_dir(pristine, tmp_path):
    shutil.copytree(pristine, tmp_path / "run")
    return tmp_path / "run"


def test_deeply_nested_run_json_is_refused_by_plot(run_dir):
    (run_dir / "run.json").write_text('{"data": ' * 100_000 + "1" + "}" * 100_000)
    one_line_error(invoke("plot", run_dir), "run.json' nests deeper than 16 levels")


def test_run_json_holding_a_list(run_dir):
    (run_dir / "run.json").write_text("[1, 2, 3]")
    one_line_error(invoke("plot", run_dir), "run.json' must hold a JSON object, got list")


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda r: r.update(test_start=10**6),
            "field 'test_start (between the window and the last step)' must be",
        ),
        (
            lambda r: r["data"].update(length=10**9),
            "field 'data.length' must be an integer in [1, 100000000]",
        ),
        (lambda r: r["data"].update(length=400), "field 'data.length' must be the run's steps, 160, got 400"),
        (lambda r: r["data"].update(kind="ftp"), "field 'data.kind' must be 'generated', 'csv' or 'memory'"),
        (lambda r: r["data"].pop("seed"), "field 'data.seed' is missing"),
    ],
)
def test_plot_checks_run_json(run_dir, change, message):
    run = json.loads((run_dir / "run.json").read_text())
    change(run)
    (run_dir / "run.json").write_text(json.dumps(run))
    one_line_error(invoke("plot", run_dir), message)


@pytest.mark.parametrize(
    "text, message",
    [
        ("epoch,train_loss,val_loss\n1,abc,\n", "field 'column train_loss' must be numeric"),
        ("epoch,train_loss\n1,0.5\n", "column 'val_loss' is missing"),
        ("epoch,train_loss,val_loss\n-1,0.5,0.4\n", "field 'column epoch' must be whole numbers from 1"),
        ('"', "is not a readable CSV"),
    ],
)
def test_plot_checks_history_csv(run_dir, text, message):
    (run_dir / "history.csv").write_text(text)
    one_line_error(invoke("plot", run_dir), message)
