"""Every example on the documentation site runs as written, and the site names every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import markdown_blocks, run_markdown

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_markdown(page)


def test_every_page_is_in_the_navigation():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    named = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", config, flags=re.M))
    assert named == {str(p.relative_to(DOCS)) for p in PAGES}


def test_every_figure_is_shown_and_every_link_resolves():
    texts = {page: page.read_text(encoding="utf-8") for page in PAGES}
    for figure in DOCS.glob("*.png"):
        assert any(figure.name in text for text in texts.values()), f"{figure.name} is shown nowhere"
    for page, text in texts.items():
        for target in re.findall(r"\]\((?!https?:)([^)#\s]+)", text):
            assert (page.parent / target).resolve().is_file(), f"{page.name}: {target}"


def test_the_pages_have_examples_with_their_output():
    runnable = {
        page.name
        for page in PAGES
        for language, info, _, _ in markdown_blocks(page)
        if language == "text" and 'title="output"' in info
    }
    assert {"data.md", "model.md", "forecasting.md", "panels.md", "cli.md"} <= runnable


def _hooks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_tables_come_from_the_benchmark_files():
    hooks = _hooks()
    page = hooks.expand((DOCS / "benchmarks.md").read_text(encoding="utf-8"))
    assert "<!-- insert" not in page
    real = (ROOT / "benchmarks" / "results" / "real.md").read_text(encoding="utf-8")
    overall = {r["method"]: r["gmean MASE ratio"] for r in hooks.rows(hooks.table_under(real, "Overall"))}
    assert f"| **tsrnn defaults** | {overall['tsrnn defaults']} |" in page  # the file's own figure
    assert (
        hooks.table_under((ROOT / "benchmarks" / "results" / "peers.md").read_text(encoding="utf-8"), "peer")[
            0
        ]
        in page
    )


def test_the_losses_are_the_cases_a_classical_method_wins():
    hooks = _hooks()
    text = "\n".join(
        [
            "## Per case",
            "",
            "| case | freq | series x length | AutoETS | AutoARIMA | AutoTheta | tsrnn defaults |",
            "|---|---|---|---|---|---|---|",
            "| a | monthly | 1 x 80 | 0.500 (1.0; 2.0; 0.1s) | 0.400 (1; 2; 0.1s) | 0.900 (1; 2; 0.1s) | 0.800 (1; 2; 0.1s) |",
            "| b | yearly | 1 x 40 | 0.700 (1; 2; 0.1s) | 0.800 (1; 2; 0.1s) | 0.900 (1; 2; 0.1s) | 0.600 (1; 2; 0.1s) |",
            "| c | quarterly | 1 x 60 | 0.500 (1; 2; 0.1s) | refused | 0.550 (1; 2; 0.1s) | 0.600 (1; 2; 0.1s) |",
        ]
    )
    lines = hooks.losses(text)
    assert lines[2:] == [
        "| a | monthly | 1 x 80 | 0.800 | AutoARIMA 0.400 | 2.00 |",
        "| c | quarterly | 1 x 60 | 0.600 | AutoETS 0.500 | 1.20 |",
    ]
    with pytest.raises(ValueError, match="no heading contains 'Overall'"):
        hooks.table_under(text, "Overall")


def test_sphinx_roles_render_as_code():
    hooks = _hooks()
    html = ":meth:<code>~tsrnn.estimator.forecaster.Forecaster.forecast</code> and :class:<code>Scaler</code>"
    assert hooks.plain_roles(html) == "<code>forecast</code> and <code>Scaler</code>"
