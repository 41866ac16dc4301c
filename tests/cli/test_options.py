"""tsrnn.cli.options: the click types of the command line's values, the options built from the
estimator's parameter table, the shared options and the reading options taken out as a Reading."""

from __future__ import annotations

import ast

import click
import pytest
from click.testing import CliRunner

from tsrnn.cli.options import (
    READING_NAMES,
    THOUSANDS,
    Columns,
    CountOrColumns,
    Holdout,
    ManyValues,
    Start,
    explicit,
    parameters,
    reading_options,
    take_reading,
)
from tsrnn.estimator.parameters import specs


@click.command()
@click.option("--sizes", cls=ManyValues, type=click.IntRange(min=1), multiple=True)
@click.option("--levels", cls=ManyValues, type=float, multiple=True)
@click.option("--cols", type=Columns())
@click.option("--holdout", type=Holdout(), default=0.2)
@click.option("--features", type=CountOrColumns(), default="3")
@click.option("--start", type=Start(), default=None)
@click.option("--flag", is_flag=True)
def values(**given) -> None:
    """Echo what the options read, then which were given on the command line."""
    click.echo(repr(given))
    click.echo(repr(explicit(click.get_current_context(), "sizes", "holdout", "flag")))


def read(*args: str):
    """What ``values`` read from ``args`` (a dict), and the flags ``explicit`` names."""
    result = CliRunner().invoke(values, list(args))
    assert result.exit_code == 0, result.output
    given, flags = result.output.strip().splitlines()
    return ast.literal_eval(given), ast.literal_eval(flags)


def refused(*args: str) -> str:
    result = CliRunner().invoke(values, list(args))
    assert result.exit_code == 2, result.output
    return result.output.strip().splitlines()[-1]


def test_many_values_take_the_values_after_one_flag_up_to_the_next_option():
    given, flags = read("--sizes", "2", "5", "10", "--flag", "--levels", "-0.5", ".25")
    assert given["sizes"] == (2, 5, 10) and given["levels"] == (-0.5, 0.25) and given["flag"]
    assert read("--sizes", "2", "--sizes", "7")[0]["sizes"] == (2, 7)  # repeated flags too
    assert flags == ["--sizes", "--flag"]  # set on the command line; holdout kept its default
    assert refused("--sizes", "2", "-1") == "Error: Invalid value for '--sizes': -1 is not in the range x>=1."


def test_columns_and_counts():
    assert read("--cols", "a, b")[0]["cols"] == ["a", "b"]
    assert read("--features", "y,x")[0]["features"] == ["y", "x"]
    assert read("--features", "4")[0]["features"] == 4 and read()[0]["features"] == 3
    assert refused("--cols", "a,,b") == (
        "Error: Invalid value for '--cols': expected column names separated by commas, got 'a,,b'"
    )
    for bad in ("0", "-2"):
        assert refused("--features", bad) == (
            f"Error: Invalid value for '--features': a number of features must be >= 1, got {bad}"
        )


@pytest.mark.parametrize("text, value", [("12", 12), ("0", 0), ("0.0", 0), ("0.5", 0.5), (".25", 0.25)])
def test_a_holdout_is_a_number_of_steps_or_a_fraction(text, value):
    held = read("--holdout", text)[0]["holdout"]
    assert held == value and type(held) is type(value)


@pytest.mark.parametrize("text", ["1.5", "1.0", "x", "-3"])
def test_a_holdout_outside_both_is_refused(text):
    assert refused("--holdout", text) == (
        "Error: Invalid value for '--holdout': expected a fraction strictly between 0 and 1 or a number of "
        f"steps >= 0, got '{text}'"
    )


@pytest.mark.parametrize("text, value", [("30", 30), ("0", 0), ("0.3", 0.3), ("1e-1", 0.1)])
def test_a_start_is_a_step_position_or_a_fraction(text, value):
    start = read("--start", text)[0]["start"]
    assert start == value and type(start) is type(value)


@pytest.mark.parametrize(
    "text, message",
    [
        ("1.5", "a fraction must lie strictly between 0 and 1, got 1.5"),
        ("-3", "a step position must be >= 0, got -3"),
        ("inf", "expected a step position or a fraction, got inf"),
        ("abc", "'abc' is neither a step position nor a fraction"),
    ],
)
def test_a_start_that_is_neither_is_refused(text, message):
    assert refused("--start", text) == f"Error: Invalid value for '--start': {message}"


def command(options) -> list[click.Parameter]:
    """The parameters of a command decorated with ``options``, in the order of its help."""
    return click.command()(options(lambda **kw: None)).params


def test_parameter_options_come_from_the_table():
    table = {name: (default, spec) for name, default, spec in specs()}
    options = {
        p.name: p
        for p in command(
            parameters(only=("hidden", "cell", "relative", "quantiles"), cell=dict(help="Cell."))
        )
    }
    assert list(options) == [n for n in table if n in options]  # the table's order
    assert options["hidden"].default == table["hidden"][0] and options["hidden"].type.min == 1
    assert options["hidden"].help == table["hidden"][1].help
    assert options["cell"].help == "Cell."  # overridden
    assert options["cell"].default == table["cell"][0]
    assert list(options["cell"].type.choices) == list(table["cell"][1].choices)
    assert options["relative"].opts == ["--relative"] and options["relative"].secondary_opts == ["--absolute"]
    assert options["quantiles"].multiple and options["quantiles"].default == ()
    assert [p.name for p in command(parameters())] == [n for n, (_, s) in table.items() if s.flag is not None]
    auto = next(n for n, (_, s) in table.items() if s.auto and s.flag is not None)  # None said in words
    option = command(parameters(only=(auto,)))[0]
    assert option.help.endswith(f"[default: {table[auto][1].auto}]") and option.show_default is False


@reading_options
@click.option("--time-col", default=None)
@click.command()
def reading(**opts) -> None:
    click.echo(repr(take_reading(opts)))
    click.echo(repr(opts))


def taken(*args: str):
    result = CliRunner().invoke(reading, list(args))
    assert result.exit_code == 0, result.output
    given, left = result.output.strip().splitlines()
    return ast.literal_eval(given), ast.literal_eval(left)


def test_reading_options_are_taken_out_as_a_reading():
    assert taken() == (None, {"time_col": None})
    got, left = taken("--dayfirst", "--thousands", "space", "--decimal", ",", "--epoch-unit", "ms")
    assert got == {"dayfirst": True, "decimal": ",", "thousands": " ", "epoch": "ms"}
    assert left == {"time_col": None} and not set(READING_NAMES) & set(left)
    assert THOUSANDS["none"] == "" and taken("--thousands", "none")[0] == {"thousands": ""}
    assert taken("--monthfirst", "--no-header", "--century", "1950", "--year", "2019")[0] == {
        "dayfirst": False,
        "header": False,
        "century": 1950,
        "year": 2019,
    }


def test_id_col_names_the_long_layout_s_columns():
    got, left = taken("--id-col", "store", "--time-col", "day", "--target-col", "sales")
    assert got == {"columns": {"store": "unique_id", "day": "ds", "sales": "y"}}
    assert left == {"time_col": None}  # read as the long layout's ds
    assert taken("--id-col", "store")[0] == {"columns": {"store": "unique_id"}}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--target-col", "sales"], "--target-col names a column of long data and needs --id-col"),
        (["--decimal", ",", "--thousands", ","], "decimal and thousands must differ, got ',' for both"),
        (["--id-col", "a", "--target-col", "a"], "columns must name the id column and each role once"),
    ],
)
def test_reading_options_that_cannot_go_together_are_a_usage_error(args, message):
    result = CliRunner().invoke(reading, args)
    assert result.exit_code == 2 and message in result.output.strip().splitlines()[-1], result.output
