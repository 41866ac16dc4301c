"""What import-linter cannot say about the package's layers (those are contracts in pyproject.toml,
checked by ``lint-imports`` in CI: imports only go down the layers, no cycles, no torch in the base
and data layers): every module lives in one of the contract's layers, no module reaches another
module's private names or the estimator's private methods, ARCHITECTURE.md names every module, and
every module has its test file."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tsrnn"


def contract_layers() -> list[str]:
    """The layers of the import-linter contract in pyproject.toml, top first (``cli``, ``app``, ...)."""
    text = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r'type = "layers"\nlayers = \[(.*?)\]', text, flags=re.S)
    assert block, "pyproject.toml has no import-linter layers contract"
    return re.findall(r'"tsrnn\.(\w+)"', block.group(1))


def module_name(path: Path) -> str:
    """``tsrnn/data/frames.py`` -> ``data.frames``; ``tsrnn/data/__init__.py`` -> ``data``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if module_name(p)}


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


def imported_names(path: Path) -> set[tuple[str, str]]:
    """The (package module, name) pairs that ``path`` imports by name, anywhere in it."""
    me, is_package = module_name(path), path.name == "__init__.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("tsrnn")):
            targets = resolve(me, is_package, node)
            names.update(
                (targets[0], alias.name) for alias in node.names if targets and alias.name != "__version__"
            )
    return names


def test_every_module_lives_in_a_layer_of_the_contract():
    layers = contract_layers()
    assert layers[-2:] == ["data", "base"] and "cli" in layers, layers
    stray = [m for m in modules() if m.split(".")[0] not in layers]
    assert not stray, f"modules outside the layers of the import-linter contract: {stray}"


def test_no_module_imports_another_modules_private_names():
    private = [
        (m, target, name)
        for m, p in modules().items()
        for target, name in imported_names(p)
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


def test_every_module_has_a_test_file_in_the_mirrored_folder():
    """Tests mirror the package: ``tsrnn/data/dates.py`` is tested in ``tests/data/test_dates.py``;
    behaviour tests that span modules sit beside them under names of their own."""
    tests = PACKAGE.parent / "tests"
    missing = [
        f"{p.relative_to(PACKAGE.parent)} -> {want.relative_to(PACKAGE.parent)}"
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.name not in ("__init__.py", "__main__.py")
        and not (want := tests.joinpath(*p.relative_to(PACKAGE).parent.parts, f"test_{p.stem}.py")).is_file()
    ]
    assert not missing, f"modules without a test file of their own: {missing}"
