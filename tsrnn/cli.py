"""The ``tsrnn`` command line: parse options, build the estimator, call the library, print, write a run.

Heavy modules (torch, pandas, matplotlib) load inside the commands, so ``tsrnn --help`` is quick.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import click

from .base.errors import InvalidParameterError, TsrnnError

_gloo_left = False  # a torchrun rank has torn its process group down: it leaves by _leave


def _leave(code: int) -> None:
    """Exit with ``code``; a torchrun rank without finalizing the interpreter.

    After a DistributedDataParallel model, torch keeps the gloo process group alive past
    ``destroy_process_group`` (references to it outlive the model), so its TCP loop thread and two worker
    threads still run, their sockets open to the other ranks, while the interpreter and the C++ runtime
    shut down; a rank then died now and then by SIGABRT ('terminate called without an active
    exception').  Everything is written by then: the output is flushed, and the process ends at once."""
    if _gloo_left:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _error(message: str, code: int) -> None:
    """Print ``Error: message`` on one line (control characters from the data escaped) and exit."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    click.echo(f"Error: {text}", err=True)
    _leave(code)


def _bug() -> None:
    """Show an exception the library did not expect as what it is: a bug, with its traceback."""
    import traceback

    traceback.print_exc()
    click.echo(
        "This is a bug in tsrnn, not a problem with your data or options: please report it, with the "
        "command you ran and the traceback above.",
        err=True,
    )
    _leave(1)


# the library's parameter names where the command line's options are named otherwise
_PARAMETER_OPTIONS = {
    "overwrite": "force",
    "resume": "resume_dir",
    "future": "future_path",
    "data": "data_path",
    "num_layers": "layers",
    "hidden_size": "hidden",
    "n_windows": "windows",  # cross_validation(h=, n_windows=): tsrnn cv --horizon, --windows
    "h": "horizon",
}
# ``name=value`` as the library's messages write a setting: freq=, irregular='ignore', relative=False
_SETTING = re.compile(r"""\b([a-z][a-z0-9_]*)=('[^']*'|"[^"]*"|True|False|[\w.\-]+)?""")


def _options(group: click.Group) -> dict[str, click.Option]:
    """Every option of the commands, by the name of the parameter it sets."""
    return {
        param.name: param
        for command in group.commands.values()
        for param in command.params
        if isinstance(param, click.Option) and param.name
    }


def _in_flags(message: str, options: dict[str, click.Option]) -> str:
    """A library message in the command line's words: ``freq=`` -> ``--freq``, ``irregular='ignore'`` ->
    ``--irregular ignore``, ``relative=False`` -> ``--absolute``; names without an option stay."""

    def flag(match: re.Match) -> str:
        name, value = match.group(1), match.group(2)
        option = options.get(_PARAMETER_OPTIONS.get(name, name))
        if option is None:
            return match.group(0)
        if value == "False":
            return option.secondary_opts[0] if option.secondary_opts else match.group(0)
        if value is None or value == "True":
            return option.opts[0]
        if value[:1] in "'\"":  # a string as repr writes it
            value = value[1:-1]
        words = {v: k for k, v in _THOUSANDS.items()} if name == "thousands" else {}  # ' ' -> space
        return f"{option.opts[0]} {words.get(value, value)}"

    return _SETTING.sub(flag, message)


class _Interrupted(click.ClickException):
    """A run stopped by Ctrl-C, with how to continue it (exit code 130, as a shell reports SIGINT)."""

    exit_code = 130


class _Group(click.Group):
    """Prints the errors of the user's input or environment as one line (``Error: ...``, exit code 2,
    or 1 for the environment) in the command line's words, and any other exception as a bug."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as err:
            hint = f" (see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
            _error(f"{err.format_message()}{hint}", 2)
        except InvalidParameterError as err:  # an option's value the library refused, e.g. nan
            options = _options(self)
            option = options.get(_PARAMETER_OPTIONS.get(err.parameter or "", err.parameter or ""))
            where = f"invalid value for {option.opts[0]}: " if option is not None else ""
            _error(where + _in_flags(str(err), options), 2)
        except TsrnnError as err:
            _error(_in_flags(str(err), _options(self)), 2)
        except OSError as err:  # a file or disk problem of the user's environment, not a bug
            _error(str(err), 1)
        except (MemoryError, RuntimeError) as err:  # torch reports a failed allocation as a RuntimeError
            message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            if (
                not isinstance(err, MemoryError)
                and "allocate" not in message
                and "out of memory" not in message
            ):
                _bug()
            size = re.search(r"allocate (\d+) bytes", message)
            need = f"an allocation of {int(size.group(1)) / 2**30:.1f} GiB failed" if size else message
            _error(
                f"not enough memory: {need}; try smaller sizes (--hidden, --layers, the batch) or a shorter "
                f"series",
                1,
            )
        except click.ClickException as err:
            _error(err.format_message(), err.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            _leave(130)
        except Exception:  # anything else is tsrnn's fault, never the user's
            _bug()
        code = rv if isinstance(rv, int) else 0
        if standalone_mode or _gloo_left:
            _leave(code)
        return code


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(package_name="tsrnn")
def cli() -> None:
    """Forecast time series with recurrent neural networks, and see their shapes.

    \b
    Example:
      tsrnn fit --features 3 --hidden 15
    """


class _ManyValues(click.Option):
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


class _Columns(click.ParamType):
    """Comma-separated column names."""

    name = "COLUMNS"

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        names = [v.strip() for v in str(value).split(",")]
        if not all(names):
            self.fail(f"expected column names separated by commas, got {value!r}", param, ctx)
        return names


class _Holdout(click.ParamType):
    """A held-out span: a fraction in (0, 1), or a whole number of steps >= 0."""

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
        if not 0 < number < 1:
            self.fail(
                f"expected a fraction strictly between 0 and 1 or a number of steps >= 0, got {value!r}",
                param,
                ctx,
            )
        return number


class _CountOrColumns(_Columns):
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
        kw["type"] = _Columns()
    elif spec.kind == "levels":  # --quantiles 0.1 0.5 0.9
        kw.update(cls=_ManyValues, type=click.FloatRange(0, 1, min_open=True, max_open=True), multiple=True)
        kw["default"] = () if default is None else tuple(default)
    return click.option(flag, name, **kw)


def _parameters(*groups: str, only: tuple[str, ...] = (), **overrides: dict) -> Callable:
    """The options of every estimator parameter of ``groups`` (default all), or ``only`` these, in
    the table's order; ``overrides`` changes an option's settings (``highway=dict(...)``)."""
    from .estimator.parameters import specs

    chosen = [(n, d, s) for n, d, s in specs(*groups) if s.flag is not None and (not only or n in only)]

    def add(command: Callable) -> Callable:
        for name, default, spec in reversed(chosen):
            command = _parameter_option(name, default, spec, **overrides.get(name, {}))(command)
        return command

    return add


# Options that several commands share, defined once.
_LENGTH = click.option(
    "--length", type=click.IntRange(min=2), default=2000, help="Steps of the generated series."
)
_NOISE = click.option(
    "--noise",
    type=click.FloatRange(min=0),
    default=0.1,
    help="Standard deviation of the generated series' Gaussian noise.",
)


def _explicit(ctx: click.Context, *names: str) -> list[str]:
    from click.core import ParameterSource

    return [
        f"--{n.replace('_', '-')}"
        for n in names
        if ctx.get_parameter_source(n) is ParameterSource.COMMANDLINE
    ]


_THOUSANDS = {",": ",", ".": ".", "space": " ", "'": "'", "none": ""}
_READING_OPTIONS = (
    click.option(
        "--dayfirst/--monthfirst",
        "dayfirst",
        default=None,
        help="Dates such as 01/02/2020 are day first (the 1st of February) or month first  [default: "
        "read where only one fits, else an error naming this option]",
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
        type=click.Choice(list(_THOUSANDS)),
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
        type=click.Choice(["s", "ms", "us", "ns"]),
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
_READING_NAMES = ("dayfirst", "decimal", "thousands", "header", "century", "year", "epoch")


def _reading_options(command):
    """The options of how --data is read, added to ``command``."""
    for option in reversed(_READING_OPTIONS):
        command = option(command)
    return command


def _reading(opts: dict) -> dict | None:
    """The reading options taken out of ``opts``, checked, as JSON (None when none is given).  With
    --id-col, the long layout's columns are named: --id-col, --target-col and --time-col (fit's,
    then taken out of ``opts``) are renamed unique_id, y and ds as the file is read."""
    from .data.reading import Reading

    given = {k: opts.pop(k) for k in _READING_NAMES}
    if given["thousands"] is not None:
        given["thousands"] = _THOUSANDS[given["thousands"]]
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


@cli.command(epilog="Example: tsrnn fit --features 3 --hidden 15 --cell lstm --out runs/sine")
@click.option(
    "--features",
    type=_CountOrColumns(),
    default="3",
    help="Generated series: how many features. With --data: the input columns, comma-separated "
    "(default: every numeric column).",
)
@click.option(
    "--data",
    "data_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV file to train on: wide (a column per feature, optional time column) or long "
    "(unique_id, ds, y).",
)
@click.option(
    "--holdout",
    type=_Holdout(),
    default="0.2",
    help="Each series' last steps held out to test: a fraction (0.2) or a number of steps (24). The "
    "saved model is then refit on all the data for the evaluated fit's best epoch count; 0 tests "
    "nothing and fits once on all the data.",
)
@click.option(
    "--test-fraction",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    hidden=True,
    help="Deprecated: --holdout FRACTION.",
)
@_parameters()
@_LENGTH
@_NOISE
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Run directory to write  [default: runs/fit-<UTC date-time>]",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@click.option(
    "--quiet", "-q", is_flag=True, help="No progress bar and no report; print only the run directory."
)
@click.option(
    "--resume",
    "resume_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Continue the interrupted run that was writing to this --out directory, with its own settings.",
)
@_reading_options
@click.pass_context
def fit(ctx: click.Context, **opts) -> None:
    """Train an RNN forecaster, report it, and write a run directory.

    With no --data it trains on a generated multi-feature sine (--features columns, --length steps,
    --noise). Each series' last --holdout steps are held out: a model fitted on the steps before them
    is tested there (the report gives its errors beside the naive, seasonal-naive, drift and linear-AR
    baselines), then the same settings are refit on all the data for the evaluated fit's best epoch
    count, and that model is saved, so 'tsrnn predict --model RUN' forecasts from the step after the
    data's last timestamp. --holdout 0 skips the test and fits once on all the data. The run
    directory holds config.json, model.safetensors, history.csv, run.json (which model was saved,
    on which span), loss.png and hidden.png, and with a holdout metrics.json and forecast.png (the
    evaluated model's one-step forecasts on the held-out span); 'tsrnn plot RUN_DIR' redraws them.

    The training state is saved after every epoch: after Ctrl-C or a crash, 'tsrnn fit --resume DIR'
    finishes the run exactly as if it had never stopped. Launched as 'torchrun --nproc_per_node N -m
    tsrnn fit ...' it trains with DistributedDataParallel (gloo on CPU, NCCL on GPU); rank 0 writes.
    """
    from .app.training_run import fit_run

    resume_dir = opts.pop("resume_dir")
    fraction = opts.pop("test_fraction")
    if fraction is not None:  # the old name of a held-out share
        if _explicit(ctx, "holdout"):
            raise click.UsageError("--test-fraction is the old name of --holdout; give only --holdout", ctx)
        click.echo(f"--test-fraction is deprecated: use --holdout {fraction}", err=True)
        opts["holdout"] = fraction
    if resume_dir is not None:
        others = _explicit(ctx, *[n for n in opts if n not in ("quiet", "device")])
        if others:
            raise click.UsageError(
                f"--resume continues a run with the settings it started with; drop {', '.join(others)}", ctx
            )
    if opts["data_path"] is not None:
        clash = _explicit(ctx, "length", "noise") + (
            ["--features"] if isinstance(opts["features"], int) and _explicit(ctx, "features") else []
        )
        if clash:
            raise click.UsageError(
                f"{', '.join(clash)} describe the generated series and cannot be "
                f"combined with --data (name its columns with --features a,b)",
                ctx,
            )
        opts["columns"] = None if isinstance(opts["features"], int) else opts["features"]
        opts["features"] = 3
    elif not isinstance(opts["features"], int):
        raise click.UsageError(
            f"--features {','.join(opts['features'])} names columns, which needs --data; "
            f"without --data give the number of generated features",
            ctx,
        )
    else:
        data_only = _explicit(ctx, "targets", "time_col", "fill", "freq", "known", *_READING_NAMES)
        if data_only:
            raise click.UsageError(f"{', '.join(data_only)} describe --data and need it", ctx)
    opts["quantiles"] = _levels(ctx, opts["loss"], opts["quantiles"])
    if opts["dropout"] > 0 and opts["layers"] < 2:
        raise click.UsageError(
            f"--dropout acts between stacked layers and needs --layers 2 or more, "
            f"got --dropout {opts['dropout']} with --layers {opts['layers']}",
            ctx,
        )
    if opts["out_dir"] is None:
        opts["out_dir"] = time.strftime("runs/fit-%Y%m%d-%H%M%S", time.gmtime())
    quiet = opts.pop("quiet")
    out_dir = opts.pop("out_dir")
    reading = _reading(opts)
    if reading is not None:
        opts["reading"] = reading
    out_dir = out_dir if resume_dir is None else resume_dir
    rank = _init_distributed(opts["device"])
    done = False
    try:
        out = fit_run(
            out_dir,
            data=opts.pop("data_path"),
            force=opts.pop("force"),
            features=opts.pop("features"),
            length=opts.pop("length"),
            noise=opts.pop("noise"),
            seed=opts.pop("seed"),
            holdout=opts.pop("holdout"),
            progress=not quiet and sys.stderr.isatty(),
            report=None if quiet else click.echo,
            resume=resume_dir is not None,
            **opts,
        )
        done = True
    except KeyboardInterrupt:
        raise _Interrupted(
            f"interrupted; every complete epoch is saved. Continue with: tsrnn fit --resume {out_dir}"
        ) from None
    finally:
        if rank is not None:
            import torch.distributed as dist

            if done:  # rank 0 writes the run after training: the others wait for it, so no rank tears
                dist.barrier()  # its connections down while another still holds them open
            dist.destroy_process_group()
            global _gloo_left
            _gloo_left = True  # see _leave
    if quiet and not rank:
        click.echo(str(out))


def _levels(ctx: click.Context, loss: str, quantiles: tuple[float, ...]) -> tuple[float, ...] | None:
    """--quantiles checked against --loss, before any work: None when not given."""
    from .base.config import check_levels

    if not quantiles:
        return None
    if loss == "mse":
        raise click.UsageError("--quantiles needs --loss gaussian or --loss quantile, got --loss mse", ctx)
    try:
        return check_levels("--quantiles", quantiles, loss)
    except ValueError as err:
        raise click.UsageError(str(err), ctx) from None


def _init_distributed(device: str) -> int | None:
    """Join the process group torchrun describes in the environment; this rank, or None without torchrun."""

    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return None
    import torch
    import torch.distributed as dist

    backend = "nccl" if device != "cpu" and torch.cuda.is_available() else "gloo"
    dist.init_process_group(backend)
    return dist.get_rank()


class _Start(click.ParamType):
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


def _load(model_dir: str):
    from .estimator.forecaster import Forecaster

    return Forecaster.load(model_dir)


def _read(data_path: str, reading: dict | None = None, model=None):
    """The CSV file read with the reading options given; none given, the options the model's own
    data file was read with (``tsrnn fit --data FILE --dayfirst``: its new data is day first too)."""
    from .data.files import read_csv
    from .data.reading import Reading

    if reading is None and model is not None:
        reading = (getattr(model, "reading_", None) or {}).get("file")
    return read_csv(data_path, Reading.from_dict(reading))


@contextlib.contextmanager
def _writing(path: str | None, force: bool) -> Iterator[None]:
    """Refuse, before any work, to replace an existing file without --force, then hold the file's lock
    (``.NAME.lock`` beside it) until the command has written it: a second tsrnn process stops at once."""
    from .base.outputs import check_output_files, output_lock

    check_output_files(path, force)
    if path is None:
        yield
        return
    with output_lock(path):
        check_output_files(path, force)  # it may have appeared before we held the lock
        yield


def _table(frame) -> str:
    """A forecast frame as text: dates as the input writes them, numbers as they are (already rounded)."""
    from .data.dates import labelled

    return labelled(frame).to_string(index=False, float_format=str)  # each number as the CSV writes it


def _write_csv(frame, path: str, index: bool = True) -> None:
    """Write ``frame`` atomically, its time labels in the input's form (``1961-01``, ``1961Q1``, ...)."""
    from .data.dates import labelled
    from .nn.checkpoint import write_atomic

    write_atomic(path, labelled(frame).to_csv(index=index))


_IN_SAMPLE = click.option(
    "--in-sample",
    is_flag=True,
    help="Score origins whose forecast steps the model was fitted on, labelled IN-SAMPLE (refused "
    "without it).",
)
_MODEL = click.option(
    "--model",
    "model_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Model directory written by 'tsrnn fit' (config.json + model.safetensors).",
)


@cli.command(
    epilog="Example: tsrnn generate --features 3 --length 2000 --noise 0.1 --seed 0 --periods 50 37 23 --out sine.csv",
)
@click.option("--features", type=click.IntRange(min=1), default=3, help="Columns f0, f1, ... of the series.")
@click.option("--length", type=click.IntRange(min=1), default=2000, help="Time steps.")
@click.option(
    "--noise", type=click.FloatRange(min=0), default=0.1, help="Standard deviation of Gaussian noise."
)
@click.option("--trend", type=float, default=0.0, help="Linear trend added per step.")
@click.option(
    "--periods",
    cls=_ManyValues,
    type=click.FloatRange(min=0, min_open=True),
    multiple=True,
    help="Period of each feature in steps, space-separated after one --periods  [default: 50 37 23 ...]",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, help="Seed of the phases and the noise.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def generate(features, length, noise, trend, periods, seed, out_path, force) -> None:
    """Write a generated multi-feature sine series to a CSV file that 'tsrnn fit --data' reads."""
    from .data.generate import multi_sine

    if periods and len(periods) != features:
        raise click.UsageError(f"--periods must be given once per feature ({features}), got {len(periods)}")
    with _writing(out_path, force):
        frame = multi_sine(
            length, features, periods=list(periods) or None, noise=noise, trend=trend, seed=seed
        )
        _write_csv(frame, out_path, index=False)
    click.echo(f"wrote {out_path}: {length} steps x {features} features, noise {noise}, seed {seed}")


@cli.command(epilog="Example: tsrnn predict --model runs/sine --steps 24 --level 80 95 --out forecast.csv")
@_MODEL
@click.option(
    "--data",
    "data_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV file to forecast from (its last steps)  [default: the data the model was fitted on, "
    "so the forecast starts the step after its last timestamp]",
)
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=None,
    help="Steps to forecast  [default: the model's horizon]",
)
@click.option(
    "--future",
    "future_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV file of the known inputs' values over the forecast steps (a model fitted with --known): "
    "their columns and a time column, matched to the steps by time (unique_id and ds for long data); "
    "without a time column, rows in time order.",
)
@click.option(
    "--level",
    cls=_ManyValues,
    type=click.FloatRange(0, 100, min_open=True, max_open=True),
    multiple=True,
    help="Conformal prediction intervals at these levels in percent, space-separated after one --level "
    "(80 95): columns tsrnn-lo-95, tsrnn-lo-80, tsrnn-hi-80, tsrnn-hi-95, calibrated when the model was "
    "fitted on steps it had not read.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV file of the forecast to write.",
)
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="PNG file of the history (the run's data, or --data) and the forecast to write.",
)
@click.option("--force", is_flag=True, help="Replace --out or --plot if it exists.")
@_reading_options
def predict(
    model_dir, data_path, steps, future_path, level, out_path, plot_path, force, **reading_given
) -> None:
    """Forecast the --steps N steps after the data's last timestamp, print them, and write them with
    --out (a figure of them with --plot).

    Without --data the forecast starts right after the last timestamp of the series the saved model
    was fitted on: 'tsrnn fit --data FILE' refits on all of FILE (unless --holdout 0 already fitted
    on all of it), so a monthly FILE ending 2020-12 is forecast from 2021-01 on. With --data it
    continues that file's series instead (their last window of steps).

    The forecast is one long table: unique_id (the target column, or the series of long data), ds
    (dates written as the input writes them) and tsrnn, in the data's own precision; --level adds
    the conformal intervals' bounds, which --plot draws as bands.
    """
    reading = _reading(reading_given)
    with _writing(out_path, force), _writing(plot_path, force):
        model = _load(model_dir)
        data = None if data_path is None else _read(data_path, reading, model)
        future = None if future_path is None else _read(future_path, reading, model)
        forecast = model.forecast(steps or model.horizon, data=data, future=future, level=list(level) or None)
        click.echo(_table(forecast))
        if out_path is not None:
            _write_csv(forecast, out_path, index=False)
            click.echo(f"wrote {out_path}")
        if plot_path is not None:
            import io

            from .app.run_plots import run_data
            from .nn.checkpoint import write_atomic

            history, why = (data, "") if data is not None else run_data(model_dir, reading)
            figure = model.plot(history, forecast)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=100)
            write_atomic(plot_path, buffer.getvalue())
            click.echo(
                f"wrote {plot_path}" + (f" (history: the model's last window only; {why})" if why else "")
            )


@cli.command(epilog="Example: tsrnn evaluate --model runs/sine --data sine.csv --start 1600")
@_MODEL
@click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV file of the series, from its beginning.",
)
@click.option(
    "--start",
    type=_Start(),
    default=None,
    help="First origin to score, a step or a fraction  [default: the first with enough history]",
)
@_IN_SAMPLE
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@_reading_options
def evaluate(model_dir, data_path, start, in_sample, as_json, **reading) -> None:
    """Score the model's forecasts on a series beside the naive, seasonal-naive, drift and linear-AR baselines.

    Origins whose forecast steps the model was fitted on would give in-sample scores (a model 'tsrnn
    fit' saved was refit on all of its data file): they are refused unless --in-sample, which labels
    the scores so. 'tsrnn cv' scores out of sample.
    """
    import json

    from .app.run_report import metrics_table

    model = _load(model_dir)
    metrics = model.evaluate(_read(data_path, _reading(reading), model), start=start)
    label = _in_sample(metrics["in_sample"], metrics["n_windows"], in_sample)
    if as_json:
        click.echo(json.dumps(metrics, indent=2))
    else:
        click.echo(
            f"{label}{metrics['n_windows']} origins x {metrics['horizon']} step(s) ahead, "
            f"errors in the data's units\n{metrics_table(metrics)}"
        )


def _in_sample(count: int, total: int, allowed: bool) -> str:
    """Refuse the scores of origins inside the span the model was fitted on, or label them (--in-sample)."""
    if not count:
        return ""
    if not allowed:
        raise TsrnnError(
            f"{count} of the {total} origins forecast steps inside the span the model was fitted on, so "
            f"their scores would be in-sample; score later data (--start), cross-validate out of "
            f"sample with 'tsrnn cv', or pass --in-sample to print them labelled as such"
        )
    return f"IN-SAMPLE: {count} of the {total} origins forecast steps the model was fitted on\n"


@cli.command(
    epilog="Example: tsrnn backtest --model runs/sine --data sine.csv --start 0.8 --stride 5 --horizon 10"
)
@_MODEL
@click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV file of the series, from its beginning.",
)
@click.option(
    "--start", type=_Start(), default="0.8", help="First origin: a step, or a fraction of the series."
)
@click.option("--stride", type=click.IntRange(min=1), default=1, help="Steps between origins.")
@click.option(
    "--horizon",
    type=click.IntRange(min=1),
    default=None,
    help="Steps ahead per origin  [default: the model's horizon]",
)
@click.option(
    "--refit",
    type=click.IntRange(min=0),
    default=0,
    help="Refit a copy of the model every N origins on the steps before it; for long data the "
    "global model on every series' steps before every N-th origin time (0: never).",
)
@click.option(
    "--metric",
    type=click.Choice(["rmse", "mae", "mase", "smape", "mape"]),
    default="rmse",
    help="Error shown per step ahead.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV file for every forecast (origin, step, target, actual, one column per method).",
)
@_IN_SAMPLE
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@_reading_options
def backtest(
    model_dir, data_path, start, stride, horizon, refit, metric, in_sample, out_path, force, **reading_given
) -> None:
    """Rolling-origin backtest: forecast from many origins and print the error per step ahead.

    Without --refit, origins whose forecast steps the model was fitted on are refused unless
    --in-sample (which labels their scores so); with --refit every origin is out of sample.
    """
    reading = _reading(reading_given)
    with _writing(out_path, force):
        _backtest(model_dir, data_path, start, stride, horizon, refit, metric, in_sample, out_path, reading)


def _backtest(
    model_dir, data_path, start, stride, horizon, refit, metric, in_sample, out_path, reading=None
) -> None:
    model = _load(model_dir)
    result = model.backtest(
        _read(data_path, reading, model),
        start=start,
        stride=stride,
        horizon=horizon,
        refit=refit or False,
    )
    inside = 0 if result.in_sample is None else int(result.in_sample.sum())
    label = _in_sample(inside, len(result.origins), in_sample)
    summary = result.summary(metric)
    click.echo(
        f"{label}{len(result.origins)} origins from step {int(result.origins[0])}, stride {stride}; "
        f"{metric.upper()} per step ahead, in the data's units"
    )
    click.echo(summary.to_string(float_format=lambda v: f"{v:.4f}"))
    if result.distribution is not None:
        click.echo(
            "calibration per step ahead: share of actual values inside each central interval "
            "(coverage_80: between the 0.1 and 0.9 quantiles), mean pinball loss, CRPS"
        )
        click.echo(result.calibration().to_string(float_format=lambda v: f"{v:.4f}"))
    if out_path is not None:
        _write_csv(result.frame(), out_path, index=False)
        click.echo(f"wrote {out_path}")


@cli.command(epilog="Example: tsrnn cv --data air.csv --horizon 12 --windows 3 --out cv.csv")
@click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV file of the series (wide or long), as 'tsrnn fit --data' reads it.",
)
@click.option("--horizon", type=click.IntRange(min=1), required=True, help="Steps forecast per window, h.")
@click.option(
    "--windows",
    type=click.IntRange(min=1),
    default=1,
    help="Windows per series; the last ends with the data.",
)
@click.option(
    "--step",
    type=click.IntRange(min=1),
    default=None,
    help="Steps between the windows' cutoffs  [default: the horizon]",
)
@click.option(
    "--refit",
    type=click.IntRange(min=0),
    default=1,
    help="Fit a copy before every N-th window, each window forecast from the data before its own cutoff "
    "(0: one fit, on the data before the first cutoff).",
)
@click.option(
    "--model",
    "model_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Take the settings of this model directory ('tsrnn fit' writes one) instead of the defaults "
    "with --horizon; its weights are not used.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV file for every forecast: unique_id, ds, cutoff, y, tsrnn and the baselines.",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@_reading_options
def cv(data_path, horizon, windows, step, refit, model_dir, out_path, force, **reading_given) -> None:
    """Cross-validate out of sample: forecast the last --windows windows of --horizon steps of every
    series, each by a model fitted only on the data before its cutoff, and print the errors beside
    the naive, seasonal-naive, drift and linear-AR baselines (fitted by the same copies).

    Every copy is a fit: --windows 3 costs three fits (one with --refit 0).
    """
    from .evaluation.cv_scores import cv_metrics

    reading = _reading(reading_given)
    with _writing(out_path, force):
        if model_dir is not None:
            model = _load(model_dir)
        else:
            from .estimator.forecaster import Forecaster

            model = Forecaster(horizon=horizon)
        frame = model.cross_validation(
            _read(data_path, reading, model if model_dir is not None else None),
            h=horizon,
            n_windows=windows,
            step=step,
            refit=refit if refit else False,
        )
        cutoffs = frame["cutoff"].nunique()
        click.echo(
            f"out of sample: {frame['unique_id'].nunique()} series x {windows} window(s) of {horizon} "
            f"steps ({cutoffs} cutoff(s)), each forecast by a model fitted before its cutoff; errors in the "
            f"data's units (MAPE, sMAPE in %), MASE on the seasonal-naive scale before the first cutoff"
        )
        click.echo(cv_metrics(frame, per_series=False).T.to_string(float_format=lambda v: f"{v:.4f}"))
        if out_path is not None:
            _write_csv(frame, out_path, index=False)
            click.echo(f"wrote {out_path}")


@cli.command(epilog="Example: tsrnn shapes --features 3 --hidden 15 --layers 2 --seq 20 --cell lstm")
@click.option("--features", type=click.IntRange(min=1), default=1, help="Input features per step, F.")
@_parameters(only=("hidden", "layers", "cell", "horizon", "bidirectional"))
@click.option("--seq", type=click.IntRange(min=1), default=20, help="Time steps of the input, T.")
@click.option("--batch", type=click.IntRange(min=1), default=1, help="Windows in the batch, B.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of a table.")
def shapes(features, hidden, layers, seq, batch, cell, bidirectional, horizon, as_json) -> None:
    """Run a real forward pass on a sine batch and print every tensor's shape, with named dimensions.

    Shows the input (B, T, F), each layer's output (B, T, D*H), h_n (L*D, B, H) (and c_n for an
    LSTM), the head's input and output (B, K, O), and the parameters of each layer. batch_first does
    not apply to h_n and c_n.
    """
    import json

    from .app.shapes import describe_shapes

    report = describe_shapes(
        features=features,
        hidden=hidden,
        layers=layers,
        seq=seq,
        batch=batch,
        cell=cell,
        bidirectional=bidirectional,
        horizon=horizon,
    )
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else str(report))


@cli.command(epilog="Example: tsrnn compare --hidden 2 5 10 15 --epochs 30 --out runs/hidden")
@click.option(
    "--hidden",
    "hidden_sizes",
    cls=_ManyValues,
    type=click.IntRange(min=1),
    multiple=True,
    default=(2, 5, 10, 15),
    help="Hidden sizes H to compare, space-separated after one --hidden.",
)
@click.option(
    "--features",
    type=click.IntRange(min=1),
    default=1,
    help="Features (columns) of the generated sine series; not used with --data.",
)
@_parameters(
    only=("layers", "cell", "window", "horizon", "highway", "epochs", "seed"),
    highway=dict(
        help="Add the linear highway to every size, as fit does (--no-highway: the sizes' differences "
        "are the network's own)."
    ),
)
@_LENGTH
@_NOISE
@click.option(
    "--data",
    "data_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV file to train on; its numeric columns are the features.",
)
@click.option(
    "--test-fraction",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.2,
    help="Share of the series, at its end, held out for testing.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory for compare.png and compare.csv  [default: runs/compare-<UTC date-time>]",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@_reading_options
@click.pass_context
def compare(
    ctx: click.Context,
    hidden_sizes,
    features,
    length,
    noise,
    seed,
    data_path,
    test_fraction,
    out_dir,
    force,
    **params,
) -> None:
    """Train the same data with several hidden sizes and compare their forecasts and test errors.

    Every size gets the same data, seed and settings. The report gives each size's parameter count,
    its one-step test RMSE beside the naive last-value baseline, and the RMSE of a recursive forecast
    across the test span; compare.png draws those forecasts on one panel and the errors against H.
    """
    if len(set(hidden_sizes)) != len(hidden_sizes):
        raise click.UsageError(
            f"--hidden must not repeat a size, got {' '.join(map(str, hidden_sizes))}", ctx
        )
    if data_path is not None:
        clash = _explicit(ctx, "features", "length", "noise")
        if clash:
            raise click.UsageError(
                f"{', '.join(clash)} describe the generated series and cannot be "
                f"combined with --data, whose numeric columns are the features",
                ctx,
            )
    out_dir = out_dir or time.strftime("runs/compare-%Y%m%d-%H%M%S", time.gmtime())
    reading = _reading(params)
    from .app import plot
    from .app.compare import compare_hidden_sizes
    from .data.generate import multi_sine
    from .nn.checkpoint import run_directory, write_atomic

    frame = (
        _read(data_path, reading)
        if data_path is not None
        else multi_sine(length, features, noise=noise, seed=seed)
    )
    if data_path is not None:
        from .data.frames import is_long, prepare_wide

        if is_long(frame):
            raise click.UsageError(
                "compare reads one series, and --data is long (unique_id, ds, y) with "
                "several; give it one series' rows",
                ctx,
            )
        frame, _ = prepare_wide(frame)  # the time column and label columns are not features

    def progress(row: dict) -> None:
        if row["hidden"] == hidden_sizes[0]:  # the data passed every check: say what is coming
            click.echo(
                f"training {len(hidden_sizes)} models on {len(frame)} steps x {frame.shape[1]} feature(s):"
            )
        click.echo(
            f"  H={row['hidden']:<4} {row['parameters']:>7} parameters  {row['epochs']:>3} epochs  "
            f"test RMSE {row['test_rmse']:.4f}  ({row['fit_seconds']:.1f} s)"
        )

    with run_directory(out_dir, overwrite=force) as tmp:
        result = compare_hidden_sizes(
            frame, hidden_sizes, test_fraction=test_fraction, callback=progress, seed=seed, **params
        )
        table = result.table
        write_atomic(tmp / "compare.csv", table.to_csv(index=False))
        plot.compare_hidden(result).savefig(tmp / "compare.png", dpi=100)
    shown = table[["hidden", "parameters", "test_rmse", "naive_rmse", "forecast_rmse"]].rename(
        columns={"test_rmse": "one-step RMSE", "naive_rmse": "naive RMSE", "forecast_rmse": "recursive RMSE"}
    )
    click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    click.echo(
        f"best hidden size (one-step test RMSE): {result.best()}\nwrote {out_dir}/: compare.png, compare.csv"
    )


@cli.command(epilog="Example: tsrnn plot runs/sine")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory for the figures  [default: RUN_DIR itself]",
)
@click.option("--force", is_flag=True, help="Replace figures that already exist in --out.")
@click.option("--dpi", type=click.IntRange(20, 600), default=100, help="Resolution of the PNG files.")
def plot(run_dir, out_dir, force, dpi) -> None:
    """Draw every figure a run directory (from 'tsrnn fit') supports, into RUN_DIR or --out.

    forecast.png (one-step test forecasts, the training span shaded), loss.png (loss curves),
    hidden.png (each layer's hidden state on the last training window) and hidden_lines.png. The
    series is regenerated, or re-read from the CSV file when it is unchanged.
    """
    from .app.run_plots import FIGURES, plot_run

    written, skipped = plot_run(run_dir, out_dir=out_dir, force=force, dpi=dpi)
    for path in written:
        click.echo(f"wrote {path}: {FIGURES.get(path.name, '')}")
    for reason in skipped:
        click.echo(f"skipped {reason}")


def main() -> None:
    """Entry point of the ``tsrnn`` script."""
    cli(prog_name="tsrnn")


if __name__ == "__main__":
    main()
