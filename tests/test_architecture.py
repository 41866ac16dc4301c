"""The package's layers, as ARCHITECTURE.md draws them: each subpackage is a layer, imports only go
down, never in a cycle, the data layer loads no torch, no module reaches another module's private
names, and nothing imports the command line."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tsrnn"

# subpackage -> layer; a module may import its own layer and those below (ARCHITECTURE.md, "Layers")
LAYERS = {
    "base": 0,
    "data": 1,
    "nn": 2,
    "train": 3,
    "evaluation": 4,
    "estimator": 5,
    "app": 6,
    "cli": 7,
    "__main__": 7,
}
DATA_LAYER = 1


def module_name(path: Path) -> str:
    """``tsrnn/data/frames.py`` -> ``data.frames``; ``tsrnn/data/__init__.py`` -> ``data``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if module_name(p)}


def layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def resolve(me: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The package modules an ``import from`` statement of module ``me`` names (absolute, dotted)."""
    if node.level == 0:
        if not (node.module or "").startswith("tsrnn"):
            return []
        base = node.module.split(".")[1:]
    else:
        here = me.split(".") if is_package else me.split(".")[:-1]
        base = (here[: len(here) - node.level + 1] if node.level > 1 else here) + (
            node.module.split(".") if node.module else []
        )
    known = modules()
    found = []
    for alias in node.names:
        candidate = ".".join(base + [alias.name])
        target = candidate if candidate in known else ".".join(base)
        if target in known or target == "":
            found.append(target)
    return [f for f in found if f]


def imports(path: Path) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """(package modules ``path`` imports anywhere: at import time, inside functions or for
    annotations under ``if TYPE_CHECKING:``; outside packages it imports at import time; the
    (module, name) pairs it imports by name)."""
    me, is_package = module_name(path), path.name == "__init__.py"
    inside, top_level_outside, names = set(), set(), set()

    def visit(node, top: bool) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            top = False  # annotations only: never loaded at run time, but still a dependency
        if isinstance(node, ast.ImportFrom):
            targets = resolve(me, is_package, node)
            if node.level or (node.module or "").startswith("tsrnn"):
                inside.update(t for t in targets if t != "__version__")
                for alias in node.names:
                    if targets and alias.name != "__version__":
                        names.add((targets[0], alias.name))
            elif top and node.module:
                top_level_outside.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if top:
                    top_level_outside.add(alias.name.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child, top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return inside, top_level_outside, names


def graph() -> dict[str, set[str]]:
    return {
        m: {d for d in imports(p)[0] if d != m and not m.startswith(d + ".")}
        for m, p in modules().items()
        if "." in m or m in LAYERS
    }


def test_every_module_lives_in_a_layer():
    stray = [m for m in modules() if m.split(".")[0] not in LAYERS]
    assert not stray, f"modules outside the layers' subpackages: {stray}"


def test_imports_only_go_down_the_layers():
    upward = [(m, d) for m, deps in graph().items() for d in deps if layer(d) > layer(m)]
    assert not upward, f"modules importing a higher layer: {upward}"


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}

    def walk(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in edges.get(m, ()):
            assert state.get(d) != 1, f"import cycle: {' -> '.join(path + [m, d])}"
            if d not in state:
                walk(d, path + [m])
        state[m] = 2

    for module in edges:
        if module not in state:
            walk(module, [])


def test_the_data_layer_loads_no_torch_and_nothing_imports_the_cli():
    for name, path in modules().items():
        if layer(name) <= DATA_LAYER:
            assert "torch" not in imports(path)[1], f"{name} imports torch at import time"
    users = [m for m, deps in graph().items() if "cli" in deps and m != "__main__"]
    assert not users, f"modules importing the command line: {users}"


def test_no_module_imports_another_modules_private_names():
    private = [
        (m, target, name)
        for m, p in modules().items()
        for target, name in imports(p)[2]
        if name.startswith("_") and target != m
    ]
    assert not private, f"private names imported across modules: {private}"


def test_no_module_calls_a_private_method_of_the_estimator():
    """Other modules use the estimator's public API, never ``est._something``."""
    calls = []
    for m, p in modules().items():
        if m.startswith("estimator.forecaster"):
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in ("est", "forecaster", "model", "self_")
            ):
                calls.append((m, f"{node.value.id}.{node.attr}"))
    assert not calls, f"private estimator names used outside it: {calls}"


def test_architecture_document_names_every_module():
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [
        m
        for m, p in modules().items()
        if "." in m and not p.name == "__init__.py" and f"`{p.name}`" not in text
    ]
    assert not missing, f"ARCHITECTURE.md does not describe {missing}"
