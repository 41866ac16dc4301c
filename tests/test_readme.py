"""The README's code runs as written, so it cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_library_snippet_runs(tmp_path, monkeypatch, capsys):
    blocks = python_blocks()
    assert blocks, "README.md has no python example"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    printed = capsys.readouterr().out
    assert "torch.Size([1, 20, 15]) torch.Size([2, 1, 15])" in printed
    assert (tmp_path / "runs" / "sine" / "model.safetensors").is_file()
    assert namespace["future"].shape == (50, 3)
    assert namespace["X"].shape == (1980, 20, 3) and namespace["Y"].shape == (1980, 1, 3)


def test_readme_names_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert "tsrnn fit --features 3 --hidden 15" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "pip install torch==2.13.0 -e '.[test]' && python -m pytest -q"
    assert test_command in text and test_command in ci


def test_readme_commands_run(tmp_path, monkeypatch):
    import re
    import shlex

    from click.testing import CliRunner

    from tsrnn.cli import cli

    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.startswith("tsrnn ")]
    commands = [c for c in commands if c != "tsrnn fit --features 3 --hidden 15"]  # the set-up's own run
    assert len(commands) >= 5
    for command in commands:
        result = CliRunner().invoke(cli, shlex.split(command)[1:], catch_exceptions=False)
        assert result.exit_code == 0, f"{command}\n{result.output}"
