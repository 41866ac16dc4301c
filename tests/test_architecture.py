"""The package's layers, as ARCHITECTURE.md draws them: imports only go down, never in a cycle, the
data layer loads no torch, and nothing imports the command line."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tsrnn"

# module -> layer; a module may import its own layer and those below (ARCHITECTURE.md, "Layers")
LAYERS = {
    "errors": 0, "_checks": 0, "config": 0, "metrics": 0, "outputs": 0,
    "calendar": 1, "panel": 1, "data": 1, "frames": 1, "windows": 1, "generate": 1, "baselines": 1,
    "series_state": 1, "known": 1,
    "heads": 2, "model": 2, "schema": 2, "checkpoint": 2,
    "train": 3,
    "probabilistic": 4, "backtest": 4,
    "persistence": 5, "forecaster": 5,
    "shapes": 6, "plot": 6, "run_plots": 6, "runs": 6, "compare": 6,
    "cli": 7, "__main__": 7,
}
DATA_LAYER = 1


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(package modules that ``path`` imports anywhere: at import time, inside its functions or for
    annotations under ``if TYPE_CHECKING:``, outside packages it imports at import time)."""
    inside, outside, top_level_outside = set(), set(), set()

    def visit(node, top: bool) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            top = False  # annotations only: never loaded at run time, but still a dependency
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                names = [node.module] if node.module else [a.name for a in node.names]
                inside.update(n.split(".")[0] for n in names if n != "__version__" and n.split(".")[0] in LAYERS)
            elif node.module:
                (top_level_outside if top else outside).add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                (top_level_outside if top else outside).add(alias.name.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child, top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return inside, top_level_outside


def graph() -> dict[str, set[str]]:
    return {p.stem: imports(p)[0] for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def test_every_module_has_a_layer():
    assert set(graph()) == set(LAYERS), "a new module needs its layer, here and in ARCHITECTURE.md"


def test_imports_only_go_down_the_layers():
    upward = [(m, d) for m, deps in graph().items() for d in deps if LAYERS[d] > LAYERS[m]]
    assert not upward, f"modules importing a higher layer: {upward}"


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}

    def walk(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in edges[m]:
            assert state.get(d) != 1, f"import cycle: {' -> '.join(path + [m, d])}"
            if d not in state:
                walk(d, path + [m])
        state[m] = 2

    for module in edges:
        if module not in state:
            walk(module, [])


def test_the_data_layer_loads_no_torch_and_nothing_imports_the_cli():
    for path in PACKAGE.glob("*.py"):
        if LAYERS.get(path.stem) is not None and LAYERS[path.stem] <= DATA_LAYER:
            assert "torch" not in imports(path)[1], f"{path.name} imports torch at import time"
    users = [m for m, deps in graph().items() if "cli" in deps and m != "__main__"]
    assert not users, f"modules importing the command line: {users}"


def test_architecture_document_names_every_module():
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [m for m in LAYERS if f"`{m}.py`" not in text]
    assert not missing, f"ARCHITECTURE.md does not describe {missing}"
