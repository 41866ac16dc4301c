"""Build-time hooks of the documentation site (``hooks:`` in mkdocs.yml).

- ``<!-- insert table FILE: HEADING -->`` becomes the first table under the heading of FILE (a
  markdown file of the repository, e.g. a benchmark's results) whose text contains HEADING, so the
  site shows the benchmark files' own numbers, never a copy of them.
- ``<!-- insert groups FILE -->`` and ``<!-- insert losses FILE -->`` summarise a real-data benchmark
  (``benchmarks/bench_real.py``'s markdown): its score per method and frequency group, and the
  cases where tsrnn's defaults lose to the best classical method.
- Sphinx roles left in docstrings (``:meth:`fit```) render as plain code in the API reference.

Plain Python, no MkDocs import: the tests check these functions too.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLASSICAL = ("AutoETS", "AutoARIMA", "AutoTheta")
TSRNN = "tsrnn defaults"
_DIRECTIVE = re.compile(r"<!-- insert (table|groups|losses) ([^:\s]+)(?::\s*(.*?))? -->")


def table_under(text: str, heading: str) -> list[str]:
    """The lines of the first markdown table after the first heading that contains ``heading``."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("#") and heading in line), None)
    if start is None:
        raise ValueError(f"no heading contains {heading!r}")
    table: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            table.append(line)
        elif table or line.startswith("#"):
            break
    if not table:
        raise ValueError(f"no table under the heading {heading!r}")
    return table


def rows(table: list[str]) -> list[dict[str, str]]:
    """A markdown table's body as dicts by column name."""

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split("|")]

    names = cells(table[0])
    return [dict(zip(names, cells(line), strict=True)) for line in table[2:]]


def _ratio(cell: str) -> float | None:
    match = re.match(r"\s*([0-9.]+)", cell)
    return float(match.group(1)) if match else None


def groups(text: str) -> list[str]:
    """Score (geometric mean of MASE / seasonal-naive MASE) per method and frequency group."""
    body = rows(table_under(text, "Per frequency group"))
    order = list(dict.fromkeys(r["group (cases)"] for r in body))
    methods = list(dict.fromkeys(r["method"] for r in body))
    score = {(r["method"], r["group (cases)"]): r["gmean MASE ratio"] for r in body}
    lines = ["| method | " + " | ".join(order) + " |", "|---" * (len(order) + 1) + "|"]
    for method in methods:
        name = f"**{method}**" if method == TSRNN else method
        lines.append(f"| {name} | " + " | ".join(score.get((method, g), "") for g in order) + " |")
    return lines


def losses(text: str) -> list[str]:
    """The cases where tsrnn's defaults score worse than the best classical method, worst first."""
    lost = []
    for row in rows(table_under(text, "Per case")):
        ours = _ratio(row[TSRNN])
        best = min(CLASSICAL, key=lambda m: _ratio(row[m]) or float("inf"))
        theirs = _ratio(row[best])
        if ours is not None and theirs is not None and ours > theirs:
            lost.append((ours / theirs, row["case"], row["freq"], row["series x length"], ours, best, theirs))
    lost.sort(reverse=True)
    lines = [
        "| case | frequency | series x length | tsrnn | best classical | tsrnn / best |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {case} | {freq} | {size} | {ours:.3f} | {best} {theirs:.3f} | {factor:.2f} |"
        for factor, case, freq, size, ours, best, theirs in lost
    ]
    return lines


def expand(markdown: str, root: Path = ROOT) -> str:
    """Replace every ``<!-- insert ... -->`` directive of a page by what it names."""

    def replace(match: re.Match) -> str:
        kind, path, heading = match.group(1), match.group(2), match.group(3)
        text = (root / path).read_text(encoding="utf-8")
        if kind == "table":
            return "\n".join(table_under(text, heading or ""))
        return "\n".join(groups(text) if kind == "groups" else losses(text))

    return _DIRECTIVE.sub(replace, markdown)


_ROLE = re.compile(
    r":(?:meth|class|func|mod|attr|data|obj):<code>~?(?:[\w.]*\.)?(\w+)(?: &lt;[^<]*&gt;)?</code>"
)


def plain_roles(html: str) -> str:
    """``:meth:<code>~tsrnn.x.fit</code>`` (a Sphinx role in a docstring) -> ``<code>fit</code>``."""
    return _ROLE.sub(r"<code>\1</code>", html)


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 - MkDocs' hook signature
    return expand(markdown)


def on_page_content(html, page, config, files):  # noqa: ARG001 - MkDocs' hook signature
    return plain_roles(html)
