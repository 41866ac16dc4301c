"""The options the commands share: click types for the command line's values (several values after
one flag, column lists, held-out spans, origins), the options of the estimator's parameters built from
its parameter table, the generated series' options, and how ``--data`` is read (``--dayfirst``,
``--decimal``, ... ``--id-col``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import click

from ..data.reading import EPOCH_UNITS, FILLS, IRREGULAR

__all__ = [
    "ManyValues",
    "Columns",
    "Holdout",
    "CountOrColumns",
    "Start",
    "parameters",
    "LENGTH",
    "NOISE",
    "MODEL",
    "IN_SAMPLE",
    "explicit",
    "THOUSANDS",
    "READING_NAMES",
    "reading_options",
    "layout_options",
    "take_reading",
]


class ManyValues(click.Option):
    """A ``multiple=True`` option that also takes the values following one flag: ``--hidden 2 5 10``
    reads as ``--hidden 2 --hidden 5 --hidden 10``.  Values run up to the next option; a negative
    number is a value, for the option's type to refuse (``-1 is not in the range x>=1``)."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        entry = parser._long_opt[self.opts[0]]  # click's parser entry for this option
        store = entry.process

        def store_all(value: str, state: Any) -> None:
            store(value, state)
            while state.rargs and (not state.rargs[0].startswith("-") or _NUMBER.fullmatch(state.rargs[0])):
                store(state.rargs.pop(0), state)

        entry.process = store_all


_NUMBER = re.compile(r"-\d*\.?\d+")  # -1, -0.5, -.5: a value, not an option


class Columns(click.ParamType):
    """Comma-separated column names."""

    name = "COLUMNS"

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        names = [v.strip() for v in str(value).split(",")]
        if not all(names):
            self.fail(f"expected column names separated by commas, got {value!r}", param, ctx)
        return names


class Holdout(click.ParamType):
    """A held-out span: a fraction in (0, 1), or a whole number of steps >= 0 (``0.0`` is 0, none held
    out, as ``Forecaster.fit(holdout=)`` reads it)."""

    name = "FRACTION|STEPS"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.isdigit():
            return int(text)
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if number == 0:  # 0.0: a share of nothing, no step: none held out
            return 0
        if not 0 < number < 1:
            self.fail(
                f"expected a fraction strictly between 0 and 1 or a number of steps >= 0, got {value!r}",
                param,
                ctx,
            )
        return number


class CountOrColumns(Columns):
    """A number of generated features, or comma-separated column names of --data."""

    name = "N|COLUMNS"

    def convert(self, value, param, ctx):
        if isinstance(value, int) or str(value).strip().isdigit():
            number = int(value)
            if number < 1:
                self.fail(f"a number of features must be >= 1, got {number}", param, ctx)
            return number
        if str(value).strip().lstrip("-").isdigit():
            self.fail(f"a number of features must be >= 1, got {value}", param, ctx)
        return super().convert(value, param, ctx)


class Start(click.ParamType):
    """A first origin: a step position (integer) or a fraction of the series (0 < x < 1)."""

    name = "POSITION|FRACTION"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            return value
        try:
            number = float(value)
        except ValueError:
            self.fail(f"{value!r} is neither a step position nor a fraction", param, ctx)
        if not math.isfinite(number):
            self.fail(f"expected a step position or a fraction, got {value}", param, ctx)
        if "." in str(value) or "e" in str(value).lower():
            if not 0 < number < 1:
                self.fail(f"a fraction must lie strictly between 0 and 1, got {value}", param, ctx)
            return number
        if number < 0:
            self.fail(f"a step position must be >= 0, got {value}", param, ctx)
        return int(number)


def _parameter_option(name: str, default: Any, spec: Any, **override: Any) -> Callable:
    """The command line's option of an estimator parameter, from the parameter table
    (:mod:`tsrnn.estimator.parameters`): its flag, type, range, choices, default and help."""
    flag = spec.flag or "--" + name.replace("_", "-")
    kw: dict[str, Any] = dict(default=default, help=spec.help)
    if spec.auto:  # what None means, said in words
        kw.update(help=f"{spec.help}  [default: {spec.auto}]", show_default=False)
    kw.update(override)
    if spec.kind == "bool":
        return click.option(f"{flag}/--{spec.off or 'no-' + flag[2:]}", name, **kw)
    if spec.kind in ("int", "season"):
        kw["type"] = click.IntRange(min=spec.low, max=spec.high)
    elif spec.kind == "float":
        kw["type"] = click.FloatRange(spec.low, spec.high, min_open=spec.low_open, max_open=spec.high_open)
    elif spec.kind == "choice":
        kw["type"] = click.Choice(list(spec.choices))
    elif spec.kind == "columns":
        kw["type"] = Columns()
    elif spec.kind == "levels":  # --quantiles 0.1 0.5 0.9
        kw.update(cls=ManyValues, type=click.FloatRange(0, 1, min_open=True, max_open=True), multiple=True)
        kw["default"] = () if default is None else tuple(default)
    return click.option(flag, name, **kw)


def parameters(*groups: str, only: tuple[str, ...] = (), **overrides: dict) -> Callable:
    """The options of every estimator parameter of ``groups`` (default all), or ``only`` these, in
    the table's order; ``overrides`` changes an option's settings (``highway=dict(...)``)."""
    from ..estimator.parameters import specs

    chosen = [(n, d, s) for n, d, s in specs(*groups) if s.flag is not None and (not only or n in only)]

    def add(command: Callable) -> Callable:
        for name, default, spec in reversed(chosen):
            command = _parameter_option(name, default, spec, **overrides.get(name, {}))(command)
        return command

    return add


# Options that several commands share, defined once.
LENGTH = click.option(
    "--length", type=click.IntRange(min=2), default=2000, help="Steps of the generated series."
)
NOISE = click.option(
    "--noise",
    type=click.FloatRange(min=0),
    default=0.1,
    help="Standard deviation of the generated series' Gaussian noise.",
)


IN_SAMPLE = click.option(
    "--in-sample",
    is_flag=True,
    help="Score origins whose forecast steps the model was fitted on, labelled IN-SAMPLE (refused "
    "without it).",
)
MODEL = click.option(
    "--model",
    "model_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Model directory written by 'tsrnn fit' (config.json + model.safetensors).",
)


def explicit(ctx: click.Context, *names: str) -> list[str]:
    from click.core import ParameterSource

    return [
        f"--{n.replace('_', '-')}"
        for n in names
        if ctx.get_parameter_source(n) is ParameterSource.COMMANDLINE
    ]


THOUSANDS = {",": ",", ".": ".", "space": " ", "'": "'", "none": ""}
_READING_OPTIONS = (
    click.option(
        "--dayfirst/--monthfirst",
        "dayfirst",
        default=None,
        help="Dates such as 01/02/2020 are day first (the 1st of February) or month first  [default: "
        "read where only one fits, or only one makes a calendar (01/01/2018 ... 12/01/2019: 24 months, not "
        "days of two Januaries), else an error naming this option]",
    ),
    click.option(
        "--decimal",
        type=click.Choice([".", ","]),
        default=None,
        help="The decimal mark of the file's numbers  [default: read where only one fits (1.5, 1,25), "
        "else an error naming this option (1.050: 1.05 or 1050?)]",
    ),
    click.option(
        "--thousands",
        type=click.Choice(list(THOUSANDS)),
        default=None,
        help="The mark grouping the digits of the file's numbers by thousands  [default: read where only "
        "one fits (1.234,5, 12,345.67), else an error naming this option]",
    ),
    click.option(
        "--header/--no-header",
        "header",
        default=None,
        help="The first row names the columns, or is data (the columns are then named 0, 1, ...)  "
        "[default: a header, unless the first row reads as the data below it]",
    ),
    click.option(
        "--century",
        type=click.IntRange(1678, 2162),
        default=None,
        help="Read two-digit years into the hundred years from this one (1900: 65 is 1965; 1950: 05 is "
        "2005)  [default: read where one century alone ends by this year, else an error]",
    ),
    click.option(
        "--year",
        type=click.IntRange(1678, 2261),
        default=None,
        help="The year of the first of dates written without one (1-Jul, ...); it grows each time the "
        "dates turn back  [default: such dates are an error naming this option]",
    ),
    click.option(
        "--epoch-unit",
        "epoch",
        type=click.Choice(list(EPOCH_UNITS)),
        default=None,
        help="Read an integer time column as this unit since 1970-01-01 UTC  [default: integers named "
        "like a timestamp are an error naming this option]",
    ),
    click.option(
        "--id-col",
        default=None,
        help="Long data: the column of series ids (read as text), with --target-col (and on fit --time-col) "
        "naming the others  [default: columns named unique_id, ds and y]",
    ),
    click.option(
        "--target-col",
        default=None,
        help="Long data: the column of values to forecast (with --id-col)  [default: y]",
    ),
)
READING_NAMES = ("dayfirst", "decimal", "thousands", "header", "century", "year", "epoch")

# How --data becomes a series (tsrnn.read's time_col, freq, fill and irregular); fit's --features names
# its input columns.
LAYOUT_OPTIONS = (
    click.option(
        "--time-col",
        default=None,
        help="Time column of the data; 'none' keeps every column as a feature.  [default: the first column "
        "of dates, else an integer column named like year/date/time/ds/period, else the index column "
        "to_csv writes]",
    ),
    click.option(
        "--freq",
        default=None,
        help="Frequency of the time column, as pandas writes it (MS, ME, QS, QE, YS, W-SUN, B, D, h, "
        "30min, ...).  [default: inferred from the dates]",
    ),
    click.option(
        "--fill",
        type=click.Choice(list(FILLS)),
        default=None,
        help="Fill missing values and calendar gaps this way.  [default: they are an error naming them]",
    ),
    click.option(
        "--irregular",
        type=click.Choice(list(IRREGULAR)),
        default="error",
        show_default=True,
        help="A time column on no regular calendar: an error, or accepted as it is.",
    ),
)


def _stacked(options: tuple) -> Callable:
    """One decorator adding ``options`` to a command, in their order."""

    def add(command):
        for option in reversed(options):
            command = option(command)
        return command

    return add


reading_options = _stacked(_READING_OPTIONS)  # how --data is read (the file's open questions)
layout_options = _stacked(LAYOUT_OPTIONS)  # how --data becomes a series (time column, freq, fill, irregular)


def take_reading(opts: dict) -> dict | None:
    """The reading options taken out of ``opts``, checked, as JSON (None when none is given).  With
    --id-col, the long layout's columns are named: --id-col, --target-col and --time-col (fit's,
    then taken out of ``opts``) are renamed unique_id, y and ds as the file is read."""
    from ..data.reading import Reading

    given = {k: opts.pop(k) for k in READING_NAMES}
    if given["thousands"] is not None:
        given["thousands"] = THOUSANDS[given["thousands"]]
    id_col, target_col = opts.pop("id_col"), opts.pop("target_col")
    if id_col is None and target_col is not None:
        raise click.UsageError("--target-col names a column of long data and needs --id-col")
    if id_col is not None:
        time_col = opts.get("time_col")
        if time_col is not None:
            opts["time_col"] = None  # read as the long layout's ds
        named = {id_col: "unique_id", time_col: "ds", target_col: "y"}
        given["columns"] = {k: v for k, v in named.items() if k is not None}
    try:
        return Reading(**given).to_dict() or None
    except ValueError as err:
        raise click.UsageError(str(err)) from None
