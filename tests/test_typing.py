"""The public API as type checkers see it: every lazily loaded name of ``tsrnn`` is also imported
for checkers (under ``if TYPE_CHECKING:``) from the module that defines it, ``__all__`` names them
all, and the package ships its ``py.typed`` marker."""

from __future__ import annotations

import ast
from pathlib import Path

import tsrnn

ROOT = Path(__file__).resolve().parents[1]


def checker_imports() -> dict[str, str]:
    """name -> module (relative to tsrnn) of the imports under ``if TYPE_CHECKING:`` in __init__.py."""
    tree = ast.parse((ROOT / "tsrnn" / "__init__.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.level == 1, ast.dump(imp)
                for alias in imp.names:
                    module = imp.module if imp.module else ""
                    found[alias.asname or alias.name] = module
    return found


def test_type_checkers_see_every_lazy_name_from_its_own_module():
    modules = {
        name: where.rsplit(".", 1)[0] for name, where in tsrnn._MODULES.items()
    }  # from .app import plot
    assert checker_imports() == {**tsrnn._EXPORTS, **modules}


def test_all_names_every_public_name_and_each_resolves():
    assert sorted(tsrnn.__all__) == sorted([*tsrnn._EXPORTS, *tsrnn._MODULES, "__version__"])
    assert tsrnn.Forecaster.__module__ == "tsrnn.estimator.forecaster"
    assert tsrnn.plot.__name__ == "tsrnn.app.plot"


def test_the_package_ships_its_py_typed_marker():
    assert (ROOT / "tsrnn" / "py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '[tool.setuptools.package-data]\ntsrnn = ["py.typed"]' in pyproject  # installed with the package
