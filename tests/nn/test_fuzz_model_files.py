"""Fuzzing: any change to a saved model's config.json, or to any file of a run directory, either still
works or is refused with a TsrnnError (one line and exit code 2 on the command line), never another
exception.  Derandomized, so CI sees the same examples every time."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from conftest import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsrnn.app.training_run import fit_run
from tsrnn.base.errors import TsrnnError
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.nn.checkpoint import CONFIG_FILE, WEIGHTS_FILE, _config_sha256

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
RUN_FILES = ("config.json", "model.safetensors", "history.csv", "run.json", "metrics.json", "loss.png")


class Files(dict):
    """The bytes of a run's files, by name (with a short repr for hypothesis' reports)."""

    def __repr__(self) -> str:
        return f"Files({sorted(self)})"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    run = fit_run(root / "run", features=2, length=120, epochs=1, hidden=3, layers=1, window=6, seed=1)
    data = root / "s.csv"
    assert invoke("generate", "--features", "2", "--length", "120", "--out", data).exit_code == 0
    return run, data, Files({name: (run / name).read_bytes() for name in RUN_FILES})


@pytest.fixture(scope="module")
def work(pristine, tmp_path_factory):
    """One working copy of the run, restored before every example."""
    path = tmp_path_factory.mktemp("fuzz-work") / "run"
    shutil.copytree(pristine[0], path)
    return path


def restore(work, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (work / name).write_bytes(data)


def paths(value, prefix=()) -> list[tuple]:
    """Every path into a JSON value, the root excluded."""
    out = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        out.append(prefix + (key,))
        out += paths(child, prefix + (key,))
    return out


def deep(depth: int):
    value = 0
    for _ in range(depth):
        value = [value]
    return value


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([-1, 0, 2**31, 2**63, 10**30, -(10**9)])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["../../etc/passwd", "", "a\nb", "rnn", "lstm", "datetime", "integer", "D", "x" * 2000])
)
VALUES = st.recursive(
    SCALARS,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=6,
) | st.builds(deep, st.sampled_from([17, 200, 900]))


def mutate(config: dict, data) -> dict:
    """One random edit of ``config``: replace, delete, add or re-type a field, or nest it deeply."""
    config = json.loads(json.dumps(config))
    where = data.draw(st.sampled_from(paths(config)), label="field")
    parent = config
    for key in where[:-1]:
        parent = parent[key]
    key = where[-1]
    op = data.draw(st.sampled_from(["replace", "delete", "add", "scale", "wrap"]), label="op")
    if op == "delete":
        del parent[key]
    elif op == "add" and isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=6), label="new key")] = data.draw(
            VALUES, label="new value"
        )
    elif op == "add" and isinstance(parent, list):
        parent.append(data.draw(VALUES, label="new value"))
    elif op == "scale" and type(parent[key]) in (int, float):
        parent[key] = parent[key] * data.draw(st.sampled_from([-1, 0, 2, 10**6]), label="factor")
    elif op == "wrap":
        parent[key] = [parent[key]]
    else:
        parent[key] = data.draw(VALUES, label="value")
    return config


def write(work, config: dict, sign: bool) -> None:
    if sign:
        config = dict(config, config_sha256=_config_sha256(config))
    (work / CONFIG_FILE).write_text(json.dumps(config))


def loads_or_refuses(work, data_frame) -> None:
    """Forecaster.load works and the model forecasts, or a TsrnnError is raised; nothing else."""
    try:
        model = Forecaster.load(work)
    except TsrnnError:
        return
    try:
        model.predict(data_frame)
        model.forecast(2)
    except TsrnnError:
        pass


def runs_or_refuses(*args) -> None:
    result = invoke(*args)  # any exception but SystemExit propagates and fails the test
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output


@pytest.fixture(scope="module")
def frame(pristine):
    import pandas as pd

    return pd.read_csv(pristine[1])


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_fuzzed_config_loads_or_is_refused(pristine, work, frame, data):
    restore(work, pristine[2])
    config = json.loads(pristine[2][CONFIG_FILE])
    write(work, mutate(config, data), sign=True)  # re-signed: the schema, not the checksum, is fuzzed
    loads_or_refuses(work, frame)


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_fuzzed_config_in_every_command(pristine, work, data):
    restore(work, pristine[2])
    write(work, mutate(json.loads(pristine[2][CONFIG_FILE]), data), sign=True)
    csv = pristine[1]
    runs_or_refuses("predict", "--model", work, "--steps", "3")
    runs_or_refuses("evaluate", "--model", work, "--data", csv)
    runs_or_refuses("backtest", "--model", work, "--data", csv, "--start", "0.9", "--stride", "4")
    runs_or_refuses("plot", work, "--out", work.parent / "figs", "--force", "--dpi", "20")


def damage(blob: bytes, data) -> bytes | None:
    """A damaged version of a file's bytes (None: the file is deleted)."""
    op = data.draw(
        st.sampled_from(["delete", "empty", "truncate", "flip", "garbage", "deep", "json"]), label="damage"
    )
    if op == "delete":
        return None
    if op == "empty":
        return b""
    if op == "truncate":
        return blob[: data.draw(st.integers(0, max(0, len(blob) - 1)), label="keep")]
    if op == "flip":
        at = data.draw(st.integers(0, max(0, len(blob) - 1)), label="at")
        return blob[:at] + bytes([blob[at] ^ data.draw(st.integers(1, 255), label="bits")]) + blob[at + 1 :]
    if op == "deep":
        return b"[" * 100_000 + b"]" * 100_000
    if op == "json":
        return json.dumps(data.draw(VALUES, label="json"), allow_nan=True).encode()
    return data.draw(st.binary(max_size=64), label="bytes")


@settings(FUZZ, max_examples=30)
@given(data=st.data(), sign=st.booleans())
def test_fuzzed_run_directory_files(pristine, work, data, sign):
    restore(work, pristine[2])
    name = data.draw(st.sampled_from(RUN_FILES), label="file")
    blob = damage(pristine[2][name], data)
    if blob is None:
        (work / name).unlink()
    else:
        (work / name).write_bytes(blob)
    if sign and name == WEIGHTS_FILE and blob is not None:  # a consistent checksum: the contents are tested
        config = json.loads(pristine[2][CONFIG_FILE])
        config["weights_sha256"] = hashlib.sha256(blob).hexdigest()
        write(work, config, sign=True)
    runs_or_refuses("predict", "--model", work, "--steps", "2")
    runs_or_refuses("plot", work, "--out", work.parent / "figs", "--force", "--dpi", "20")
