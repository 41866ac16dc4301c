"""The README's code runs as written, so it cannot rot; it stays a quickstart."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import markdown_blocks, run_markdown, tsrnn_lines

README = Path(__file__).resolve().parents[1] / "README.md"
SETUP = "tsrnn fit --features 3 --hidden 15"  # the set-up's own run: CI runs the whole suite instead
TEST_COMMAND = "pip install torch==2.13.0 -e '.[test]' && python -m pytest -q"


def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace, printed = run_markdown(README, skip=(SETUP,))
    assert "torch.Size([1, 20, 15]) torch.Size([2, 1, 15])" in printed  # (B, T, D*H), (L*D, B, H)
    assert (tmp_path / "runs" / "sales" / "model.safetensors").is_file()
    assert (tmp_path / "runs" / "sales" / "forecast.png").is_file()
    assert (tmp_path / "runs" / "sales-py" / "model.safetensors").is_file()
    forecast = (tmp_path / "forecast.csv").read_text().splitlines()  # after the file's end: 2024-12
    assert (
        forecast[0] == "unique_id,ds,tsrnn,tsrnn-lo-95,tsrnn-lo-80,tsrnn-hi-80,tsrnn-hi-95"
        and forecast[1].startswith("sales,2025-01,")
        and len(forecast) == 13
    )
    assert (tmp_path / "forecast.png").read_bytes()[:4] == b"\x89PNG"
    assert namespace["future"].shape == (12, 3)
    assert namespace["scores"]["best_baseline"] in {"naive", "seasonal_naive", "drift", "linear_ar"}


def test_readme_names_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert f"pip install torch==2.13.0 -e . && {SETUP}" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in text and TEST_COMMAND in ci


def test_readme_is_a_quickstart():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    commands = [
        c for language, _, code, _ in markdown_blocks(README) if language == "bash" for c in tsrnn_lines(code)
    ]
    for verb in ("fit", "predict", "plot", "cv", "evaluate", "backtest", "shapes"):
        assert any(c.startswith(f"tsrnn {verb} ") for c in commands), verb
    # every relative link points to a file of the repository (the docs pages among them)
    for target in re.findall(r"\]\((?!https?:)([^)#]+)", text):
        assert (README.parent / target).is_file(), target
