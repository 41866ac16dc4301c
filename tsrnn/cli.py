"""The ``tsrnn`` command line: parse options, build the estimator, call the library, print, write a run.

Heavy modules (torch, pandas, matplotlib) load inside the commands, so ``tsrnn --help`` is quick.
"""
from __future__ import annotations

import sys
import time

import click

from .errors import TsrnnError

CELL_CHOICES = ("rnn", "lstm", "gru")


class _Group(click.Group):
    """Prints user errors as one line (``Error: ...``) with exit code 2, never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as err:
            hint = f" (see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
            click.echo(f"Error: {err.format_message()}{hint}", err=True)
            sys.exit(2)
        except TsrnnError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(2)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            sys.exit(130)
        code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(package_name="tsrnn")
def cli() -> None:
    """Forecast time series with recurrent neural networks, and see their shapes.

    \b
    Example:
      tsrnn fit --features 3 --hidden 15
    """


def _explicit(ctx: click.Context, *names: str) -> list[str]:
    from click.core import ParameterSource

    return [f"--{n.replace('_', '-')}" for n in names
            if ctx.get_parameter_source(n) is ParameterSource.COMMANDLINE]


@cli.command(epilog="Example: tsrnn fit --features 3 --hidden 15 --cell lstm --out runs/sine")
@click.option("--features", type=click.IntRange(min=1), default=3,
              help="Features (columns) of the generated sine series; not used with --data.")
@click.option("--hidden", type=click.IntRange(min=1), default=15, help="Hidden units per layer, H.")
@click.option("--layers", type=click.IntRange(min=1), default=2, help="Stacked recurrent layers, L.")
@click.option("--cell", type=click.Choice(CELL_CHOICES), default="rnn", help="Recurrent cell.")
@click.option("--window", type=click.IntRange(min=1), default=20, help="Past steps per input window, T.")
@click.option("--horizon", type=click.IntRange(min=1), default=1, help="Steps predicted at once, K.")
@click.option("--epochs", type=click.IntRange(min=1), default=60, help="Maximum training epochs.")
@click.option("--batch-size", type=click.IntRange(min=1), default=64, help="Windows per optimizer step.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=3e-3, help="Adam learning rate.")
@click.option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=0.0,
              help="Dropout between stacked layers (needs --layers 2 or more).")
@click.option("--bidirectional/--unidirectional", default=False, help="Read windows in both directions.")
@click.option("--length", type=click.IntRange(min=2), default=2000, help="Steps of the generated series.")
@click.option("--noise", type=click.FloatRange(min=0), default=0.1,
              help="Standard deviation of the generated series' Gaussian noise.")
@click.option("--seed", type=click.IntRange(min=0), default=0, help="Seed of the data, weights and shuffling.")
@click.option("--data", "data_path", type=click.Path(dir_okay=False), default=None,
              help="CSV file to train on; its numeric columns are the features.")
@click.option("--test-fraction", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.2,
              help="Share of the series, at its end, held out for the test metrics.")
@click.option("--val-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.1,
              help="Share of the training steps, at their end, used for early stopping.")
@click.option("--patience", type=click.IntRange(min=1), default=10,
              help="Epochs without a better validation loss before stopping.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Run directory to write  [default: runs/fit-<UTC date-time>]")
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no report; print only the run directory.")
@click.pass_context
def fit(ctx: click.Context, **opts) -> None:
    """Train an RNN forecaster, report it, and write a run directory.

    With no --data it trains on a generated multi-feature sine (--features columns, --length steps,
    --noise). The last --test-fraction of the series is held out: the report gives the test RMSE and
    MAE of one-step forecasts beside a naive last-value baseline. The run directory holds
    config.json, model.safetensors, history.csv, metrics.json, run.json, forecast.png and loss.png.
    """
    from .runs import fit_run

    if opts["data_path"] is not None:
        clash = _explicit(ctx, "features", "length", "noise")
        if clash:
            raise click.UsageError(f"{', '.join(clash)} describe the generated series and cannot be "
                                   f"combined with --data, whose numeric columns are the features", ctx)
    if opts["dropout"] > 0 and opts["layers"] < 2:
        raise click.UsageError(f"--dropout acts between stacked layers and needs --layers 2 or more, "
                               f"got --dropout {opts['dropout']} with --layers {opts['layers']}", ctx)
    if opts["out_dir"] is None:
        opts["out_dir"] = time.strftime("runs/fit-%Y%m%d-%H%M%S", time.gmtime())
    quiet = opts.pop("quiet")
    out = fit_run(opts.pop("out_dir"), data=opts.pop("data_path"), force=opts.pop("force"),
                  features=opts.pop("features"), length=opts.pop("length"), noise=opts.pop("noise"),
                  seed=opts.pop("seed"), test_fraction=opts.pop("test_fraction"),
                  progress=not quiet and sys.stderr.isatty(), report=None if quiet else click.echo, **opts)
    if quiet:
        click.echo(str(out))


def main() -> None:
    """Entry point of the ``tsrnn`` script."""
    cli(prog_name="tsrnn")


if __name__ == "__main__":
    main()
