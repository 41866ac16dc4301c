"""benchmarks/ holds one script per benchmark and one result file that the script writes
(``bench_<name>.py`` -> ``results/<name>.md``, raw numbers in ``results/<name>.json`` where it
resumes from them), and ``record.py`` adds a run to its file without losing the earlier runs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
RESULTS = BENCHMARKS / "results"
SCRIPTS = sorted(BENCHMARKS.glob("bench_*.py"))


def _record():
    spec = importlib.util.spec_from_file_location("bench_record", BENCHMARKS / "record.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_result_file_is_written_by_one_script():
    scripts = {p.stem.removeprefix("bench_") for p in SCRIPTS}
    files = sorted(p for p in RESULTS.iterdir() if not p.name.startswith("."))
    assert files, "benchmarks/results/ is empty"
    for path in files:
        assert path.suffix in (".md", ".json"), f"{path.name}: a result is markdown, or its raw numbers"
        assert path.stem in scripts, f"{path.name}: no benchmarks/bench_{path.stem}.py writes it"
        if path.suffix == ".json":
            assert path.with_suffix(".md").is_file(), f"{path.name} has no report beside it"
    beside = {p.name for p in BENCHMARKS.iterdir() if p.is_file()} - {p.name for p in SCRIPTS}
    assert beside == {"record.py"}, f"benchmarks/ holds only the scripts and record.py: {sorted(beside)}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_every_script_names_its_result_file(script):
    text = script.read_text(encoding="utf-8")
    name = script.stem.removeprefix("bench_")
    assert f"benchmarks/results/{name}.md" in text, f"{script.name} does not name its result file"


def test_a_run_goes_first_and_the_earlier_runs_stay(tmp_path, capsys):
    record = _record()
    record.RESULTS = str(tmp_path)
    with record.recorded("x", "First"):
        print("| a |\n|---|\n| 1 |")
    with record.recorded("x", "Second", markdown=False):
        print("plain")
    with pytest.raises(RuntimeError, match="no result"), record.recorded("x", "Third"):
        print("half")
        raise RuntimeError("no result")
    text = (tmp_path / "x.md").read_text()
    assert re.match(r"# Second \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)\n\nCommand: `python benchmarks/", text)
    assert text.index("```text\nplain\n```") < text.index("# First (") < text.index("| a |\n|---|\n| 1 |")
    assert "Third" not in text and "half" not in text
    assert "Versions: python " in text
    assert capsys.readouterr().out == "| a |\n|---|\n| 1 |\nplain\nhalf\n"  # still printed
    assert [p.name for p in tmp_path.iterdir()] == ["x.md"]  # no temporary file left


def test_a_section_is_replaced_in_place(tmp_path):
    record = _record()
    path = tmp_path / "peers.md"
    path.write_text("# tsrnn peer benchmark (old)\n\nold table\n\n# A note\n\nkept\n")
    text = record.replace_section(str(path), "# tsrnn peer benchmark (new)\n\nnew table\n", "# tsrnn peer")
    assert text == "# tsrnn peer benchmark (new)\n\nnew table\n\n\n# A note\n\nkept\n"
    assert record.replace_section(str(tmp_path / "none.md"), "# s\n", "# s") == "# s\n"
