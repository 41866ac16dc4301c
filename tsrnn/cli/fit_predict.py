"""The commands of the main path: ``generate`` a series, ``fit`` a model and write its run
directory (``torchrun`` launches included), ``predict`` the steps after the data.
"""

from __future__ import annotations

import os
import sys
import time

import click

from .command_io import load_model, read_data, table, write_csv, writing
from .group import cli, torn_down
from .options import (
    LENGTH,
    MODEL,
    NOISE,
    READING_NAMES,
    CountOrColumns,
    Holdout,
    ManyValues,
    explicit,
    layout_options,
    parameters,
    reading_options,
    take_reading,
)


class _Interrupted(click.ClickException):
    """A run stopped by Ctrl-C, with how to continue it (exit code 130, as a shell reports SIGINT)."""

    exit_code = 130


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
    cls=ManyValues,
    type=click.FloatRange(min=0, min_open=True),
    multiple=True,
    help="Period of each feature in steps, space-separated after one --periods  [default: 50 37 23 ...]",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, help="Seed of the phases and the noise.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def generate(features, length, noise, trend, periods, seed, out_path, force) -> None:
    """Write a generated multi-feature sine series to a CSV file that 'tsrnn fit --data' reads."""
    from ..data.generate import multi_sine

    if periods and len(periods) != features:
        raise click.UsageError(f"--periods must be given once per feature ({features}), got {len(periods)}")
    with writing(out_path, force):
        frame = multi_sine(
            length, features, periods=list(periods) or None, noise=noise, trend=trend, seed=seed
        )
        write_csv(frame, out_path, index=False)
    click.echo(f"wrote {out_path}: {length} steps x {features} features, noise {noise}, seed {seed}")


@cli.command(epilog="Example: tsrnn fit --features 3 --hidden 15 --cell lstm --out runs/sine")
@click.option(
    "--features",
    type=CountOrColumns(),
    default="3",
    help="Generated series: how many features. With --data: the input columns, comma-separated; every "
    "numeric column unless given.",
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
    type=Holdout(),
    default="0.2",
    help="Each series' last steps held out to test: a fraction (0.2) or a number of steps (24). The "
    "saved model is then refit on all the data for the evaluated fit's best epoch count; 0 tests "
    "nothing and fits on all the data (a panel then refits every step for that fit's best epoch count).",
)
@click.option(
    "--test-fraction",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    hidden=True,
    help="Deprecated: --holdout FRACTION.",
)
@parameters()
@layout_options
@LENGTH
@NOISE
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
@reading_options
@click.pass_context
def fit(ctx: click.Context, **opts) -> None:
    """Train an RNN forecaster, report it, and write a run directory.

    With no --data it trains on a generated multi-feature sine (--features columns, --length steps,
    --noise). Each series' last --holdout steps are held out: a model fitted on the steps before them
    is tested there (the report gives its errors beside the naive, seasonal-naive, drift and linear-AR
    baselines), then the same settings are refit on all the data for the evaluated fit's best epoch
    count, and that model is saved, so 'tsrnn predict --model RUN' forecasts from the step after the
    data's last timestamp. --holdout 0 skips the test and fits on all the data (long data then
    refits every step for that fit's best epoch count). The run
    directory holds config.json, model.safetensors, history.csv, run.json (which model was saved,
    on which span), loss.png and hidden.png, and with a holdout metrics.json and forecast.png (the
    evaluated model's one-step forecasts on the held-out span); 'tsrnn plot RUN_DIR' redraws them.

    The training state is saved after every epoch: after Ctrl-C or a crash, 'tsrnn fit --resume DIR'
    finishes the run exactly as if it had never stopped. Launched as 'torchrun --nproc_per_node N -m
    tsrnn fit ...' it trains with DistributedDataParallel (gloo on CPU, NCCL on GPU); rank 0 writes.
    """
    resume_dir = opts.pop("resume_dir")
    _check_fit_options(ctx, opts, resume_dir)
    _data_or_generated(ctx, opts)
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
    reading = take_reading(opts)
    if reading is not None:
        opts["reading"] = reading
    out_dir = out_dir if resume_dir is None else resume_dir
    out, rank = _fit_run(out_dir, resume_dir is not None, quiet, opts)
    if quiet and not rank:
        click.echo(str(out))


def _check_fit_options(ctx: click.Context, opts: dict, resume_dir: str | None) -> None:
    """--test-fraction as the old name of --holdout; --resume with no other setting."""
    fraction = opts.pop("test_fraction")
    if fraction is not None:  # the old name of a held-out share
        if explicit(ctx, "holdout"):
            raise click.UsageError("--test-fraction is the old name of --holdout; give only --holdout", ctx)
        click.echo(f"--test-fraction is deprecated: use --holdout {fraction}", err=True)
        opts["holdout"] = fraction
    if resume_dir is not None:
        others = explicit(ctx, *[n for n in opts if n not in ("quiet", "device")])
        if others:
            raise click.UsageError(
                f"--resume continues a run with the settings it started with; drop {', '.join(others)}", ctx
            )


def _data_or_generated(ctx: click.Context, opts: dict) -> None:
    """--data with its columns (``columns``), or the generated series without the options of --data."""
    if opts["data_path"] is not None:
        clash = explicit(ctx, "length", "noise") + (
            ["--features"] if isinstance(opts["features"], int) and explicit(ctx, "features") else []
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
        data_only = explicit(ctx, "targets", "time_col", "fill", "freq", "known", *READING_NAMES)
        if data_only:
            raise click.UsageError(f"{', '.join(data_only)} describe --data and need it", ctx)


def _fit_run(out_dir: str, resume: bool, quiet: bool, opts: dict):
    """The run written (each rank of a torchrun launch trains; rank 0 writes), and this rank (None
    without torchrun).  Ctrl-C says how to continue."""
    from ..app.training_run import fit_run

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
            resume=resume,
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
            torn_down()  # see group._leave
    return out, rank


def _levels(ctx: click.Context, loss: str, quantiles: tuple[float, ...]) -> tuple[float, ...] | None:
    """--quantiles checked against --loss, before any work: None when not given."""
    from ..base.config import check_levels

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


@cli.command(epilog="Example: tsrnn predict --model runs/sine --steps 24 --level 80 95 --out forecast.csv")
@MODEL
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
    cls=ManyValues,
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
@reading_options
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
    reading = take_reading(reading_given)
    with writing(out_path, force), writing(plot_path, force):
        model = load_model(model_dir)
        data = None if data_path is None else read_data(data_path, reading, model)
        future = None if future_path is None else read_data(future_path, reading, model)
        forecast = model.forecast(steps or model.horizon, data=data, future=future, level=list(level) or None)
        click.echo(table(forecast))
        if out_path is not None:
            write_csv(forecast, out_path, index=False)
            click.echo(f"wrote {out_path}")
        if plot_path is not None:
            import io

            from ..app.run_plots import run_data
            from ..nn.checkpoint import write_atomic

            history, why = (data, "") if data is not None else run_data(model_dir, reading)
            figure = model.plot(history, forecast)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=100)
            write_atomic(plot_path, buffer.getvalue())
            click.echo(
                f"wrote {plot_path}" + (f" (history: the model's last window only; {why})" if why else "")
            )
