"""Shared fixtures: short noiseless series and one tiny fitted Forecaster reused by many tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

import tsrnn

# The models under test are tiny: one thread is faster than two, and it keeps CPU timings (and the
# suite's runtime) steady when another process shares the cores (OpenMP threads spin on a busy core).
torch.set_num_threads(1)

WINDOW = 10


@pytest.fixture
def sine_frame():
    """(300, 2) noiseless two-feature sine mixture, RangeIndex named 't'."""
    return tsrnn.multi_sine(300, 2, noise=0.0, seed=0)


@pytest.fixture(scope="session")
def fit_frame():
    """The series ``fitted`` was trained on; do not modify it."""
    return tsrnn.multi_sine(300, 2, noise=0.0, seed=0)


@pytest.fixture(scope="session")
def fitted(fit_frame):
    """A small fitted Forecaster (a plain RNN on absolute inputs: window 10, hidden 8, 1 layer, 5 epochs);
    tests must not refit or mutate it."""
    return tsrnn.Forecaster(
        hidden=8, layers=1, window=WINDOW, epochs=5, seed=0, cell="rnn", relative=False
    ).fit(fit_frame, progress=False)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """A small model fitted by 'tsrnn fit' on a generated two-feature sine file: (directory, the file,
    the model's run directory)."""
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


def write_config(model_dir, config: dict, sign: bool = True) -> None:
    """Write ``config`` as ``model_dir``'s config.json, with a matching config_sha256 unless ``sign`` is
    false: an edit the checksum does not catch, so the schema behind it is what a test reaches."""
    from tsrnn.nn.checkpoint import CONFIG_FILE, _config_sha256

    config = dict(config)
    if sign:
        config["config_sha256"] = _config_sha256(config)
    (model_dir / CONFIG_FILE).write_text(json.dumps(config))


def invoke(*args: str):
    """Run the tsrnn command line in-process; exceptions other than SystemExit propagate."""
    from click.testing import CliRunner

    from tsrnn.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result, message: str, code: int = 2) -> str:
    """The single ``Error: ...`` line of a refused command, which must contain ``message``."""
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output
    assert "Traceback" not in result.output
    return lines[0]


# a real-looking seasonal series, shared by the tests of the seasonal indices
PATTERN = np.array([0.9, 0.85, 1.0, 1.0, 1.05, 1.15, 1.3, 1.25, 1.05, 0.9, 0.75, 0.8])  # mean 1.0


def monthly(n: int = 120, start: str = "1949-01-01", noise: float = 0.01, seed: int = 0) -> pd.DataFrame:
    """A trending monthly series with a multiplicative season: January at PATTERN[0]."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=n, freq="MS")
    level = 100 + 0.8 * np.arange(n)
    y = level * PATTERN[dates.month - 1] * (1 + rng.normal(0, noise, n))
    return pd.DataFrame({"y": y}, index=dates.rename("month"))


def panel_of(frames: dict[str, pd.DataFrame]):
    """Wide frames, one per series id, as one long panel (tsrnn.data.long_layout.long_panel)."""
    from tsrnn.data.long_layout import long_panel

    long = pd.concat([f.rename_axis("ds").reset_index().assign(unique_id=u) for u, f in frames.items()])
    return long_panel(long, None, None, "error", None)


# -- code examples in markdown (README.md, docs/*.md) -------------------------------------------------
# A ```python block runs; a ```bash block runs its `tsrnn ...` lines through click's CliRunner (other
# lines, such as `pip install`, are set-up and do not run); a ```text title="output" block right after
# either holds lines its output must contain (whitespace-insensitive). Blocks run in document order, in
# one namespace and the current directory, so a page reads like one session.
_FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```", flags=re.S | re.M)


def markdown_blocks(path) -> list[tuple[str, str, str, int]]:
    """``(language, info, code, line)`` of every fenced block of a markdown file."""
    text = Path(path).read_text(encoding="utf-8")
    return [
        (m.group(1), m.group(2).strip(), m.group(3), text.count("\n", 0, m.start()) + 1)
        for m in _FENCE.finditer(text)
    ]


def tsrnn_lines(code: str) -> list[str]:
    return [line.strip() for line in code.splitlines() if line.strip().startswith("tsrnn ")]


def run_markdown(path, skip: tuple[str, ...] = ()) -> tuple[dict, str]:
    """Run every example of ``path`` in the current directory; return the python namespace and
    everything the examples printed.

    ``skip``: `tsrnn ...` lines that do not run here (the README's set-up command, run by CI).
    """
    import contextlib
    import io
    import shlex

    from click.testing import CliRunner

    from tsrnn.cli import cli

    namespace: dict = {}
    printed: list[str] = []
    last: tuple[str, int] | None = None  # the previous runnable block's output and line
    for language, info, code, line in markdown_blocks(path):
        where = f"{Path(path).name}:{line}"
        if language == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(code, where, "exec"), namespace)
            last = (out.getvalue(), line)
            printed.append(last[0])
        elif language == "bash":
            outputs = []
            for command in tsrnn_lines(code):
                if command in skip:
                    continue
                result = CliRunner().invoke(
                    cli, shlex.split(command, comments=True)[1:], catch_exceptions=False
                )
                assert result.exit_code == 0, f"{where}: {command}\n{result.output}"
                outputs.append(result.output)
            last = ("".join(outputs), line)
            printed.append(last[0])
        elif language == "text" and 'title="output"' in info:
            assert last is not None and last[0], f"{where}: an output block follows no example that printed"
            seen = " ".join(last[0].split())
            for expected in code.splitlines():
                if expected.strip():
                    assert " ".join(expected.split()) in seen, (
                        f"{where}: the example at line {last[1]} did not print {expected.strip()!r}:\n{last[0]}"
                    )
            last = None
    return namespace, "".join(printed)


def wide(forecast: pd.DataFrame, column: str = "tsrnn") -> pd.DataFrame:
    """A forecast's ``column`` as (steps, O): a column per ``unique_id`` (in the frame's order),
    indexed by ``ds``, for tests that compare values step by step."""
    order = list(dict.fromkeys(forecast["unique_id"]))
    out = forecast.pivot(index="ds", columns="unique_id", values=column)[order]
    out.columns.name = None
    return out
