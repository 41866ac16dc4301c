"""The help of every option of every command says what the code does: the choices shown are those
click accepts, a default is said once and is the one click applies, and an option that sets a
parameter of what its command calls (the estimator's, the reading's, a function's) has that
parameter's default and the choices and default its docstring names.  Which options come from the
estimator's parameter table is not written here: an option is checked against every parameter of
its name (or the library's name for it, ``n_windows`` for ``--windows``) of what its command calls."""

from __future__ import annotations

import ast
import inspect
import re

import click
import pytest

import tsrnn
from tsrnn.app.compare import compare_hidden_sizes
from tsrnn.app.run_plots import plot_run
from tsrnn.app.shapes import describe_shapes
from tsrnn.app.training_run import fit_run
from tsrnn.cli import cli
from tsrnn.cli.group import _PARAMETER_OPTIONS
from tsrnn.cli.options import THOUSANDS
from tsrnn.data.reading import Reading
from tsrnn.estimator.parameters import specs

Forecaster = tsrnn.Forecaster
# what each command calls with its options (generate writes the series fit generates)
CALLS = {
    "fit": (Forecaster, fit_run, Reading),
    "predict": (Forecaster.forecast, Reading),
    "evaluate": (Forecaster.evaluate, Reading),
    "backtest": (Forecaster.backtest, Reading),
    "cv": (Forecaster.cross_validation, Reading),
    "compare": (compare_hidden_sizes, Forecaster, Reading),
    "shapes": (describe_shapes, Forecaster),
    "generate": (fit_run,),
    "plot": (plot_run,),
}
# values the command line spells as words: --thousands space is the docstring's " "
SPELLED = {"thousands": THOUSANDS}
# the estimator's parameters without an option of their own (fit's --features also counts the columns
# of a generated series: it is fit_run's features, and with --data the estimator's)
NO_OPTION = {name for name, _, spec in specs() if spec.flag is None}


def every_option():
    group = click.Context(cli, info_name="tsrnn", **cli.context_settings)
    for name, command in sorted(cli.commands.items()):
        ctx = click.Context(command, info_name=name, parent=group)
        for option in command.params:
            if isinstance(option, click.Option) and not option.hidden:
                yield pytest.param(name, option, ctx, id=f"{name} {option.opts[0]}")


OPTIONS = list(every_option())


def default_of(option: click.Option, ctx: click.Context):
    """The value click applies when the option is not given (converted by its type); None for none."""
    value = option.get_default(ctx, call=False)
    return None if option.value_is_missing(value) else option.type_cast_value(ctx, value)


def shows_a_default(option: click.Option, value) -> bool:
    """Whether the help must say the default: any value but none, and a flag that is on (a switch
    with two flags says which)."""
    return value is not None and not (option.is_flag and not option.secondary_opts and value is False)


def written(option: click.Option, value) -> str:
    """A default as click writes it: a switch by its flag's name, several values comma-separated."""
    if option.is_flag and option.secondary_opts:
        return (option.opts if value else option.secondary_opts)[0].lstrip("-")
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def stated(option: click.Option) -> list[str]:
    """The defaults the help text itself states: ``[default: X]``, ``(default: X)``, ``(default X)``."""
    text = option.help or ""
    return re.findall(r"\[default:? ([^\]]*)\]", text) + re.findall(r"\(default:? ([^)]*)\)", text)


def test_every_command_s_calls_are_named():
    assert set(CALLS) == set(cli.commands)


@pytest.mark.parametrize(
    "command, option, ctx", [p for p in OPTIONS if isinstance(p.values[1].type, click.Choice)]
)
def test_the_help_shows_exactly_the_choices_click_accepts(command, option, ctx):
    choices = [str(c) for c in option.type.choices]
    shown = option.get_help_record(ctx)[0]
    assert shown.endswith(f"[{'|'.join(choices)}]"), shown
    words = [c for c in choices if re.fullmatch(r"\w+", c)]
    named = [c for c in words if re.search(rf"\b{c}\b", option.help)]
    assert len(named) < 2 or named == words, f"{option.opts[0]} names {named} of {choices}: {option.help!r}"


@pytest.mark.parametrize("command, option, ctx", OPTIONS)
def test_a_default_is_said_once_and_is_the_one_click_applies(command, option, ctx):
    value = default_of(option, ctx)
    text = option.get_help_record(ctx)[1]
    shown = re.findall(r"default: ([^;\]]*)", text[len(option.help or "") :])  # what click appends
    said = stated(option) + shown
    assert len(said) <= 1, f"{option.opts[0]} states its default twice: {text!r}"
    if not shows_a_default(option, value):
        assert not shown  # nothing to show; a default in the help says what none means
        return
    assert said, f"{option.opts[0]} hides its default {value!r}: {text!r}"
    assert said[0] == written(option, value), (
        f"{option.opts[0]}: help says {said[0]!r}, click applies {value!r}"
    )


def entries(doc: str | None) -> dict[str, tuple[str, str]]:
    """A docstring's numpydoc parameter entries: name -> (type line, description)."""
    found = re.finditer(r"^( *)(\w+) : (.+)\n((?:\1 {2,}.*\n?)*)", doc or "", flags=re.M)
    return {m.group(2): (m.group(3), " ".join(m.group(4).split())) for m in found}


def parameters_of(command: str, option: click.Option):
    """(what, default, type line, description) of every parameter the option sets in what its
    command calls; default ``inspect.Parameter.empty`` where the parameter has none."""
    names = {option.name} | {library for library, flag in _PARAMETER_OPTIONS.items() if flag == option.name}
    for call in CALLS[command]:
        if call is Forecaster and option.name in NO_OPTION:
            continue
        signature = inspect.signature(call).parameters
        docs = entries(call.__doc__)
        for name in sorted(names & (set(signature) | set(docs))):
            parameter = signature.get(name)
            default = inspect.Parameter.empty if parameter is None else parameter.default
            yield call.__qualname__, default, *docs.get(name, ("", ""))


def test_the_parameters_of_the_calls_are_found():
    options = {p.values[1].name: p.values[1] for p in OPTIONS if p.values[0] == "fit"}
    assert [p[0] for p in parameters_of("fit", options["hidden"])] == ["Forecaster"]
    assert [p[0] for p in parameters_of("fit", options["features"])] == ["fit_run"]
    assert [p[0] for p in parameters_of("fit", options["epoch"])] == ["Reading"]
    windows = next(p.values[1] for p in OPTIONS if p.values[0] == "cv" and p.values[1].name == "windows")
    assert [p[:2] for p in parameters_of("cv", windows)] == [("Forecaster.cross_validation", 1)]


@pytest.mark.parametrize("command, option, ctx", OPTIONS)
def test_an_option_has_the_default_and_choices_of_the_parameter_it_sets(command, option, ctx):
    value, spelled = default_of(option, ctx), SPELLED.get(option.name, {})
    for where, default, type_line, description in parameters_of(command, option):
        if default is not inspect.Parameter.empty:  # () is no values, and an option not given is off
            expected = None if default == () else default
            assert value == expected or (value is None and expected is False), (
                f"{option.opts[0]}: {where}'s {default!r}"
            )
        listed = re.search(r"\{.*\}", type_line)
        if listed:
            accepted = {spelled.get(c, c) for c in option.type.choices}
            assert accepted == set(ast.literal_eval(listed.group(0))), (
                f"{option.opts[0]}: {where}'s {type_line}"
            )
        documented = re.search(r"default (.+)$", type_line)
        if documented:
            assert value == ast.literal_eval(documented.group(1)), f"{option.opts[0]}: {where}'s {type_line}"
        elif type_line.endswith("optional"):
            assert value is None, f"{option.opts[0]}: {where}'s {type_line}"
        for words in stated(option) if value is None and description else []:  # what none means
            numbers = re.findall(r"\d+(?:\.\d+)?", re.sub(r"\([^)]*\)", "", words))  # examples aside
            missing = [n for n in numbers if not re.search(rf"(?<![\d.]){re.escape(n)}(?!\d)", description)]
            assert not missing, (
                f"{option.opts[0]}'s default {words!r}: {where}'s docstring does not say {missing}"
            )


def test_fit_reads_data_with_the_defaults_and_choices_of_tsrnn_read():
    from tsrnn.data.dataset import read
    from tsrnn.data.reading import FILLS, IRREGULAR

    signature = inspect.signature(read).parameters
    options = {p.values[1].name: p.values[1] for p in OPTIONS if p.values[0] == "fit"}
    for name in ("time_col", "fill", "irregular", "freq"):  # how --data becomes a series: tsrnn.read's
        assert options[name].default == signature[name].default, name
    assert list(options["fill"].type.choices) == list(FILLS)
    assert list(options["irregular"].type.choices) == list(IRREGULAR)
    assert all(f'"{choice}"' in read.__doc__ for choice in FILLS + IRREGULAR[1:])
