"""How one estimator parameter is declared and checked: :class:`Spec` (its group, kind, range,
choices, command-line help and docstring text), :func:`param` (a dataclass field carrying one),
:func:`check_value` (a value against its spec), :func:`type_words` (its numpydoc type line) and
:func:`numpydoc` (the docstring entries of many).
The table of the parameters themselves is :mod:`.parameters`.
"""

from __future__ import annotations

import numbers
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from numpy import bool_ as np_bool

from ..base import checks

__all__ = ["Spec", "param", "check_value", "type_words", "numpydoc"]


@dataclass(frozen=True)
class Spec:
    """What one parameter takes and says.

    kind    : "int", "float", "bool", "str", "choice", "columns" (names or positions), "levels"
              (quantile levels in (0, 1)) or "season" (an int, or one per target)
    low, high, low_open, high_open : the range of a number (None: unbounded)
    choices : the values of a "choice"
    none    : whether None is allowed, and ``auto`` what None means (the command line's default)
    help    : one line for the command line; ``doc`` the docstring's description (numpydoc)
    flag    : the command line's option (``--hidden``; default the name's), ``off`` a bool's negative
              flag without its dashes (``absolute``); None: no option
    """

    group: str
    kind: str
    help: str
    doc: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple = ()
    none: bool = False
    auto: str = ""
    flag: str | None = ""
    off: str = ""


def _p(default: Any, group: str, kind: str, help: str, doc: str, **spec: Any) -> Any:
    return field(default=default, metadata={"spec": Spec(group, kind, help, doc, **spec)})


def param(default: Any, group: str, kind: str, help: str, doc: str, **spec: Any) -> Any:
    """A dataclass field with ``default`` and its :class:`Spec` in the field's metadata."""
    return field(default=default, metadata={"spec": Spec(group, kind, help, doc, **spec)})


def type_words(default: Any, spec: Spec) -> str:
    """The numpydoc type line of a parameter: its kind or choices, then its default."""
    kind = {
        "int": "int",
        "float": "float",
        "bool": "bool",
        "str": "str",
        "columns": "list of str or int",
        "levels": "sequence of float",
        "season": "int or list of int",
        "choice": "{" + ", ".join(repr(c) for c in spec.choices) + "}",
    }[spec.kind]
    return f"{kind}{' or None' if spec.none else ''}, default {default!r}"


def check_value(name: str, value: Any, spec: Spec) -> None:
    """Refuse ``value`` of parameter ``name`` unless it fits ``spec`` (InvalidParameterError)."""
    if value is None:
        if not spec.none:
            raise checks.invalid(name, f"{name} must not be None")
    elif spec.kind == "choice":
        checks.choice(name, value, spec.choices)
    elif spec.kind == "bool":
        if not isinstance(value, (bool, np_bool)):
            raise checks.invalid(name, f"{name} must be True or False, got {value!r}")
    elif spec.kind == "int":
        checks.positive_int(name, value, minimum=int(spec.low or 0))
    elif spec.kind == "float":
        checks.real(name, value, spec.low, spec.high, low_open=spec.low_open, high_open=spec.high_open)
    elif spec.kind == "str":
        if not isinstance(value, str):
            raise checks.invalid(name, f"{name} must be a string, got {value!r} ({type(value).__name__})")
    elif spec.kind == "season" and not isinstance(value, (list, tuple)):
        checks.positive_int(name, value)
    else:  # a list: seasons, columns or levels
        if isinstance(value, (str, numbers.Integral)) and spec.kind == "columns":
            value = [value]  # one column
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
            raise checks.invalid(name, f"{name} must be a list, got {value!r} ({type(value).__name__})")
        for i, item in enumerate(value):
            if spec.kind == "season":
                checks.positive_int(f"{name}[{i}]", item)
            elif spec.kind == "levels":
                checks.real(f"{name}[{i}]", item, 0.0, 1.0, low_open=True, high_open=True)
            elif isinstance(item, bool) or not isinstance(item, (str, numbers.Integral)):
                raise checks.invalid(name, f"{name}[{i}] must be a column name or position, got {item!r}")


def numpydoc(items: list[tuple[str, Any, Spec]]) -> str:
    """The numpydoc entries of ``(name, default, spec)`` items, in their order, each description
    prefixed by its group."""
    return "".join(
        f"{name} : {type_words(default, spec)}\n"
        + textwrap.fill(
            f"({spec.group}) {spec.doc}",
            100,
            initial_indent="    ",
            subsequent_indent="    ",
            break_on_hyphens=False,
        )
        + "\n"
        for name, default, spec in items
    )
