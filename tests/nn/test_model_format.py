"""tsrnn.nn.model_format: a model's config.json is read into typed models before use: one CheckpointError
naming file and field for any field of another type or range, missing, unknown or inconsistent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import invoke, one_line_error, write_config

from tsrnn.app.training_run import fit_run
from tsrnn.base.errors import CheckpointError
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.nn.checkpoint import CONFIG_FILE


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A run directory of tsrnn fit (generated data) and the CSV of its series."""
    root = tmp_path_factory.mktemp("schema")
    run = fit_run(root / "run", features=2, length=160, epochs=1, hidden=4, layers=1, window=8)
    data = root / "s.csv"
    assert (
        invoke("generate", "--features", "2", "--length", "160", "--noise", "0.1", "--out", data).exit_code
        == 0
    )
    return run, data


@pytest.fixture
def run_dir(pristine, tmp_path):
    shutil.copytree(pristine[0], tmp_path / "run")
    return tmp_path / "run"


def config_of(path) -> dict:
    return json.loads((path / CONFIG_FILE).read_text())


def edited(path, change) -> None:
    config = config_of(path)
    change(config)
    write_config(path, config)  # re-signed: the schema, not the checksum, must catch it


# -- the table's rows ------------------------------------------------------------------------------------
def test_deeply_nested_config_is_refused(run_dir):
    (run_dir / CONFIG_FILE).write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CheckpointError, match=r"config\.json' nests deeper than 16 levels"):
        Forecaster.load(run_dir)
    one_line_error(invoke("predict", "--model", run_dir), "nests deeper than 16 levels")


def test_index_without_kind(run_dir):
    edited(run_dir, lambda c: c["series"]["index"].pop("kind"))
    with pytest.raises(CheckpointError, match=r"config\.json': field 'series\.index\.kind' is missing"):
        Forecaster.load(run_dir)


def test_a_column_shorter_than_the_series(run_dir):
    edited(run_dir, lambda c: c["series"]["baselines"]["scale"].pop())
    with pytest.raises(
        CheckpointError,
        match=r"field 'series\.baselines\.scale' must be a JSON array of 1 entries, "
        r"one per series in 'series\.ids', got 0 entries",
    ):
        Forecaster.load(run_dir)


def test_target_idx_out_of_range(run_dir):
    edited(run_dir, lambda c: c.update(target_idx=[0, 7]))
    with pytest.raises(
        CheckpointError, match=r"field 'target_idx\[1\]' must be an integer in \[0, 1\], got 7"
    ):
        Forecaster.load(run_dir)


def test_horizon_zero_is_refused_by_evaluate(run_dir, pristine):
    edited(run_dir, lambda c: c["estimator"].update(horizon=0))
    one_line_error(
        invoke("evaluate", "--model", run_dir, "--data", pristine[1]),
        "field 'estimator.horizon' must be an integer in [1, 2147483648], got 0",
    )


@pytest.mark.parametrize("command", ["evaluate", "backtest"])
def test_negative_window_is_refused(run_dir, pristine, command):
    edited(run_dir, lambda c: c["estimator"].update(window=-3))
    one_line_error(
        invoke(command, "--model", run_dir, "--data", pristine[1]),
        "field 'estimator.window' must be an integer in [1, 2147483648] or null, got -3",
    )


def test_format_version_true(run_dir):
    edited(run_dir, lambda c: c.update(format_version=True))
    with pytest.raises(CheckpointError, match=r"has format_version True; this tsrnn reads formats 1 to 6$"):
        Forecaster.load(run_dir)


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["estimator"].update(horizon=0),
        lambda c: c["history"].update(batch_size=-5),
        lambda c: c["features"].__setitem__(0, "../../etc/passwd"),
        lambda c: c.update(note="added by hand"),
    ],
)
def test_any_edit_of_config_json_fails_its_checksum(run_dir, change):
    config = config_of(run_dir)
    change(config)
    (run_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2))
    with pytest.raises(
        CheckpointError,
        match=r"config\.json' does not match its config_sha256 \(it was edited or "
        r"altered after saving\); refusing to load it",
    ):
        Forecaster.load(run_dir)
    one_line_error(invoke("predict", "--model", run_dir), "does not match its config_sha256")


def test_negative_batch_size_in_the_history(run_dir):
    edited(run_dir, lambda c: c["history"].update(batch_size=-5))
    with pytest.raises(
        CheckpointError, match=r"field 'history\.batch_size' must be an integer in \[1, \d+\], got -5"
    ):
        Forecaster.load(run_dir)


def test_the_checksum_is_canonical_so_reformatting_is_no_edit(run_dir):
    config = config_of(run_dir)
    (run_dir / CONFIG_FILE).write_text(json.dumps(config, indent=None, sort_keys=False))
    assert Forecaster.load(run_dir).n_features_in_ == 2


# -- more fields, each named -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda c: c["model"].update(hidden_size=10**9),
            "is not a valid model configuration: hidden_size=1000000000, num_layers=1",
        ),
        (
            lambda c: c["model"].update(num_layers=10**6),
            "is not a valid model configuration: num_layers must be at most 64, got 1000000",
        ),
        (lambda c: c.update(features=["a", "a"]), "field 'features' must be distinct names"),
        (
            lambda c: c.update(targets=["f0"]),
            "field 'targets' must be a JSON array of 2 entries, got 1 entries",
        ),
        (
            lambda c: c["series"]["baselines"]["scale"][0].__setitem__(1, -1.0),
            "field 'series.baselines.scale[0][1]' must be a finite number >= 0.0, got -1.0",
        ),
        (
            lambda c: c["series"]["index"]["step"].__setitem__(0, "1"),
            "field 'series.index.step[0]' must be an integer in [1, 2147483648] or null, got '1'",
        ),
        (
            lambda c: c["series"]["index"]["kind"].__setitem__(0, "calendar"),
            "field 'series.index.kind[0]' must be 'datetime' or 'integer', got 'calendar'",
        ),
        (
            lambda c: c["series"]["baselines"]["seasons"].__setitem__(0, [3]),
            "field 'series.baselines.seasons[0]' must be a JSON array of 2 entries",
        ),
        (
            lambda c: c["series"]["baselines"].update(window=9),
            "field 'series.baselines.window' must be the estimator's window, 8, got 9",
        ),
        (lambda c: c["series"].update(ids=["a", "a"]), "field 'series.ids' must be distinct names"),
        (
            lambda c: c["series"].update(scaled="yes"),
            "field 'series.scaled' must be true or false, got 'yes'",
        ),
        (
            lambda c: c["estimator"].update(wings=2),
            "field 'estimator.wings' must be absent: tsrnn has no such estimator parameter",
        ),
        (
            lambda c: c["estimator"].update(hidden=5),
            "the estimator's settings give model.hidden_size = 5, got 4",
        ),
        (
            lambda c: c["estimator"].update(window_scale=True),
            "the estimator's settings give model.window_scale = True, got False",
        ),
        (
            lambda c: c["estimator"].update(strategy="sideways"),
            "field 'estimator' holds an invalid setting: strategy",
        ),
        (lambda c: c["reading"].update(fill="guess"), "field 'reading.fill' must be one of"),
        (lambda c: c["history"].update(stop_reason=["x"]), "field 'history.stop_reason' must be a string"),
        (lambda c: c["history"].update(averaged=[3, "2"]), "field 'history.averaged[1]' must be"),
        (lambda c: c["history"].update(averaged=4), "field 'history.averaged' must be"),
        (lambda c: c.pop("history"), "field 'history' is missing"),
    ],
)
def test_bad_fields_are_named(run_dir, change, message):
    edited(run_dir, change)
    with pytest.raises(CheckpointError) as caught:
        Forecaster.load(run_dir)
    assert message in str(caught.value) and str(run_dir / CONFIG_FILE) in str(caught.value)


OLD_MODELS = Path(__file__).parent / "old_models"  # directories an older tsrnn wrote (format 3)


@pytest.mark.parametrize(
    "name, change, message",
    [
        (
            "format3_members",
            lambda c: c["members"]["b"]["scaler"].update(mean=[]),
            "field 'members.b.scaler.mean' must be a JSON array of 1 entries",
        ),
        (
            "format3_members",
            lambda c: c["members"]["c"]["baselines"].update(window=9),
            "field 'members.c.baselines.window' must be the estimator's window, 6, got 9",
        ),
        (
            "format3_single",
            lambda c: c["scaler"].update(scale=[1.0, 0.0]),
            "field 'scaler.scale[1]' must be a finite number > 0, got 0.0",
        ),
        (
            "format3_single",
            lambda c: c["index"].update(kind="calendar"),
            "field 'index.kind' must be 'datetime' or 'integer', got 'calendar'",
        ),
        (
            "format3_single",
            lambda c: c["baselines"].update(seasons=[3]),
            "field 'baselines.seasons' must be a JSON array of 2 entries",
        ),
    ],
)
def test_older_layouts_are_checked(tmp_path, name, change, message):
    shutil.copytree(OLD_MODELS / name, tmp_path / "m")
    assert Forecaster.load(tmp_path / "m").n_features_in_ >= 1
    edited(tmp_path / "m", change)
    with pytest.raises(CheckpointError) as caught:
        Forecaster.load(tmp_path / "m")
    assert message in str(caught.value)
