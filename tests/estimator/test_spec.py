"""How one parameter is declared and checked: a Spec in a dataclass field, each kind's check, and the
numpydoc entry it gives."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pytest

from tsrnn.base.errors import InvalidParameterError
from tsrnn.estimator.spec import Spec, check_value, numpydoc, param, type_words


@dataclass(kw_only=True)
class Two:
    size: int = param(4, "model", "int", "Units.", "How many units.", low=1)
    mode: str | None = param(
        None, "data", "choice", "A mode.", "Which mode; None picks one.", choices=("a", "b"), none=True
    )


def test_param_keeps_the_default_and_its_spec_in_the_field():
    size, mode = fields(Two)
    assert Two().size == 4 and Two().mode is None
    assert size.metadata["spec"] == Spec("model", "int", "Units.", "How many units.", low=1)
    assert mode.metadata["spec"].choices == ("a", "b") and mode.metadata["spec"].none


@pytest.mark.parametrize(
    ("kind", "value", "extra"),
    [
        ("int", 3, {"low": 1}),
        ("float", 0.5, {"low": 0.0, "high": 1.0, "low_open": True}),
        ("bool", np.bool_(True), {}),
        ("str", "x", {}),
        ("choice", "b", {"choices": ("a", "b")}),
        ("columns", "price", {}),  # one column
        ("columns", ["price", 2], {}),
        ("levels", (0.1, 0.9), {}),
        ("season", 12, {}),
        ("season", [7, 365], {}),
    ],
)
def test_values_each_kind_accepts(kind, value, extra):
    check_value("p", value, Spec("model", kind, "", "", **extra))


@pytest.mark.parametrize(
    ("kind", "value", "extra", "message"),
    [
        ("int", 0, {"low": 1}, r"p must be an integer >= 1, got 0"),
        ("int", True, {"low": 1}, r"p must be an integer >= 1, got True \(bool\)"),
        ("float", 0.0, {"low": 0.0, "high": 1.0, "low_open": True}, r"p must be"),
        ("bool", 1, {}, r"p must be True or False, got 1"),
        ("str", 3, {}, r"p must be a string, got 3 \(int\)"),
        ("choice", "c", {"choices": ("a", "b")}, r"'c'"),
        ("columns", {"a": 1}, {}, r"p must be a list, got \{'a': 1\} \(dict\)"),
        ("columns", ["a", 1.5], {}, r"p\[1\] must be a column name or position, got 1.5"),
        ("levels", [0.5, 1.0], {}, r"p\[1\]"),
        ("season", [12, 0], {}, r"p\[1\] must be an integer >= 1, got 0"),
        ("int", None, {}, r"p must not be None"),
    ],
)
def test_values_each_kind_refuses_name_the_parameter(kind, value, extra, message):
    with pytest.raises(InvalidParameterError, match=message) as caught:
        check_value("p", value, Spec("model", kind, "", "", **extra))
    assert caught.value.parameter == "p"


def test_none_passes_only_where_the_spec_allows_it():
    check_value("mode", None, fields(Two)[1].metadata["spec"])
    with pytest.raises(InvalidParameterError, match=r"size must not be None"):
        check_value("size", None, fields(Two)[0].metadata["spec"])


def test_the_numpydoc_entries_give_type_default_group_and_description():
    items = [(f.name, f.default, f.metadata["spec"]) for f in fields(Two)]
    assert type_words(4, items[0][2]) == "int, default 4"
    assert type_words(None, items[1][2]) == "{'a', 'b'} or None, default None"
    assert numpydoc(items) == (
        "size : int, default 4\n"
        "    (model) How many units.\n"
        "mode : {'a', 'b'} or None, default None\n"
        "    (data) Which mode; None picks one.\n"
    )
