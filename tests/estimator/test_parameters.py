"""The parameter table: one declaration of every estimator parameter, from which the constructor,
the one check at fit, the docstring and the command line's options come."""

from __future__ import annotations

import inspect
import re

import click
import numpy as np
import pytest

from tsrnn import Forecaster, InvalidParameterError
from tsrnn.app.compare import compare_hidden_sizes
from tsrnn.app.shapes import describe_shapes
from tsrnn.cli import cli
from tsrnn.estimator.parameters import DOC, GROUPS, check, specs

TABLE = {name: (default, spec) for name, default, spec in specs()}


def _options(command: str) -> dict[str, click.Option]:
    return {p.name: p for p in cli.commands[command].params if isinstance(p, click.Option) and p.name}


def test_the_constructor_is_the_table_keyword_only():
    signature = inspect.signature(Forecaster)
    assert list(signature.parameters) == list(TABLE)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values())
    assert {n: p.default for n, p in signature.parameters.items()} == {n: d for n, (d, _) in TABLE.items()}
    assert Forecaster().get_params() == {n: d for n, (d, _) in TABLE.items()}
    with pytest.raises(TypeError, match="positional"):
        Forecaster(15)  # type: ignore[misc]
    assert {spec.group for _, spec in TABLE.values()} == set(GROUPS)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"hidden": 0}, "hidden must be an integer >= 1, got 0"),
        ({"hidden": 2.5}, r"hidden must be an integer >= 1, got 2.5 \(float\)"),
        ({"cell": "cnn"}, "cell must be one of 'rnn', 'lstm', 'gru', got 'cnn'"),
        ({"dropout": 1.0}, r"dropout must be a finite number in \[0.0, 1.0\), got 1.0"),
        ({"lr": 0}, r"lr must be a finite number in \(0.0, 10.0\], got 0"),
        ({"relative": "yes"}, "relative must be True or False, got 'yes'"),
        ({"epochs": None}, "epochs must not be None"),
        ({"quantiles": [0.1, 1.5]}, r"quantiles\[1\] must be a finite number in \(0.0, 1.0\), got 1.5"),
        ({"season": [12, 0]}, r"season\[1\] must be an integer >= 1, got 0"),
        ({"targets": [1.5]}, r"targets\[0\] must be a column name or position, got 1.5"),
        ({"strategy": "both"}, "strategy must be one of 'direct', 'recursive', got 'both'"),
        ({"samples": 0}, "samples must be an integer >= 1, got 0"),
    ],
)
def test_fit_checks_every_value_against_the_table_before_any_work(params, message):
    model = Forecaster(**params)
    with pytest.raises(InvalidParameterError, match=message) as caught:
        model.fit(np.arange(100.0))
    assert caught.value.parameter == next(iter(params))
    assert not hasattr(model, "model_")


def test_every_default_passes_and_none_only_where_allowed():
    check(Forecaster())
    nullable = {name for name, (_, spec) in TABLE.items() if spec.none}
    assert {"window", "batch_size", "val_fraction", "targets", "known", "season"} <= nullable
    assert not {"time_col", "freq", "fill", "irregular", "features"} & set(
        TABLE
    )  # tsrnn.read's, not the estimator's
    assert not {"hidden", "layers", "cell", "epochs", "lr", "seed"} & nullable


def test_the_docstring_names_each_parameter_with_its_default_and_choices():
    for name, (default, spec) in TABLE.items():
        line = re.search(rf"^{name} : (.*)$", DOC, flags=re.M)
        assert line is not None, name
        assert line.group(1).endswith(f"default {default!r}"), line.group(1)
        for choice in spec.choices:
            assert repr(choice) in line.group(1)
    assert Forecaster.__doc__ == DOC


def test_fit_options_are_the_table_with_its_defaults_choices_and_ranges():
    options = _options("fit")
    for name, (default, spec) in TABLE.items():
        if spec.flag is None:  # --features also counts the generated series' columns
            continue
        option = options[name]
        assert option.opts[0] == "--" + name.replace("_", "-")
        if spec.kind == "levels":
            assert option.multiple and option.default == ()
        else:
            assert option.default == default, name
        if spec.choices:
            assert list(option.type.choices) == list(spec.choices)
        if spec.kind == "int" and spec.low is not None:
            assert option.type.min == spec.low
        if spec.kind == "bool":
            assert option.secondary_opts == ["--" + (spec.off or "no-" + name.replace("_", "-"))]
        if spec.auto:  # what None means is said where the default would be
            assert f"[default: {spec.auto}]" in option.help
    assert options["relative"].secondary_opts == ["--absolute"]


def test_shapes_and_compare_train_what_fit_trains():
    for command in ("shapes", "compare"):
        options = _options(command)
        for name in ("layers", "cell", "horizon"):
            assert options[name].default == TABLE[name][0], (command, name)
    assert _options("shapes")["hidden"].default == TABLE["hidden"][0]
    assert _options("compare")["window"].default is None and _options("compare")["highway"].default is True
    shape_defaults = inspect.signature(describe_shapes).parameters
    assert shape_defaults["hidden"].default == 15 and shape_defaults["cell"].default == "lstm"
    assert describe_shapes(features=3, seq=20).to_dict()["settings"]["cell"] == "lstm"
    assert "highway" not in inspect.signature(compare_hidden_sizes).parameters
