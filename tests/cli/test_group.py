"""The click group (tsrnn.cli.group): every command has its help, and errors you can trust: the
library's errors (its parameter errors included) are one line in the command line's words, and any
other exception is a bug, shown with its traceback and a request to report it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import invoke, one_line_error

from tsrnn.cli import cli
from tsrnn.cli.group import _in_flags, _options

PACKAGE = Path(__file__).resolve().parents[2] / "tsrnn"
TRAIN = ["--epochs", "1", "--hidden", "3", "--layers", "1", "--window", "3", "--quiet"]


def test_a_parameter_the_library_refuses_is_one_line_naming_the_flag(tmp_path):
    """click lets nan through a FloatRange; the library's check refuses it, and the command line says
    which option held it."""
    result = invoke("generate", "--noise", "nan", "--out", tmp_path / "sine.csv")
    line = one_line_error(result, "noise must be a finite number")
    assert line == "Error: invalid value for --noise: noise must be a finite number in [0.0, inf], got nan"
    assert not (tmp_path / "sine.csv").exists()


def test_a_data_error_suggests_the_flags_not_the_parameters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    days = ["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-06", "2024-01-09", "2024-01-17"]
    (tmp_path / "gaps.csv").write_text("date,y\n" + "".join(f"{d},{i}\n" for i, d in enumerate(days)))
    line = one_line_error(invoke("fit", "--data", "gaps.csv", *TRAIN), "misses 11 period(s)")
    assert "choose a fill policy: --fill ffill, --fill interpolate or --fill drop to fill them" in line
    assert "fill=" not in line


def test_settings_in_a_message_become_the_options_that_make_them():
    options = _options(cli)
    message = "fit with relative=False, irregular='ignore', freq=, overwrite=True or loss='gaussian'"
    assert _in_flags(message, options) == (
        "fit with --absolute, --irregular ignore, --freq, --force or --loss gaussian"
    )
    unknown = "n_features=3 and T=5 are no options; x=1 stays"
    assert _in_flags(unknown, options) == unknown


def test_any_other_exception_is_a_bug_with_its_traceback(monkeypatch):
    from tsrnn.app import shapes

    def broken(**kwargs):  # a TypeError from tsrnn's own code is a bug, not the user's mistake
        raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'int'")

    monkeypatch.setattr(shapes, "describe_shapes", broken)
    result = invoke("shapes")
    assert result.exit_code == 1, result.output
    assert "Traceback (most recent call last)" in result.output
    assert "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'" in result.output
    assert result.output.strip().splitlines()[-1] == (
        "This is a bug in tsrnn, not a problem with your data or options: please report it, with the "
        "command you ran and the traceback above."
    )
    assert not any(line.startswith("Error: ") for line in result.output.splitlines())


def test_library_messages_name_no_command_line_flag():
    """The library speaks in its parameters (freq=); only the command line knows its flags.  Every
    string of the package outside the command line is checked, docstrings aside (they may show a
    command)."""
    flagged = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py" or path.relative_to(PACKAGE).parts[0] == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        flagged += [
            f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and re.search(r"(?<![\w-])--[a-z]", node.value)
        ]
    assert not flagged, flagged


def test_every_command_has_help_with_an_example():
    for command in ("fit", "generate", "predict", "evaluate", "backtest", "cv"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and f"Example: tsrnn {command}" in result.output
