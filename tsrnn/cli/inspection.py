"""The commands that look inside: ``shapes`` of every tensor of a forward pass, ``compare`` hidden
sizes on the same data, ``plot`` the figures of a run directory.
"""

from __future__ import annotations

import time

import click

from .command_io import read_data
from .group import cli
from .options import LENGTH, NOISE, ManyValues, explicit, parameters, reading_options, take_reading


@cli.command(epilog="Example: tsrnn shapes --features 3 --hidden 15 --layers 2 --seq 20 --cell lstm")
@click.option("--features", type=click.IntRange(min=1), default=1, help="Input features per step, F.")
@parameters(only=("hidden", "layers", "cell", "horizon", "bidirectional"))
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

    from ..app.shapes import describe_shapes

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
    cls=ManyValues,
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
@parameters(
    only=("layers", "cell", "window", "horizon", "highway", "epochs", "seed"),
    highway=dict(
        help="Add the linear highway to every size, as fit does (--no-highway: the sizes' differences "
        "are the network's own)."
    ),
)
@LENGTH
@NOISE
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
@reading_options
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
        clash = explicit(ctx, "features", "length", "noise")
        if clash:
            raise click.UsageError(
                f"{', '.join(clash)} describe the generated series and cannot be "
                f"combined with --data, whose numeric columns are the features",
                ctx,
            )
    out_dir = out_dir or time.strftime("runs/compare-%Y%m%d-%H%M%S", time.gmtime())
    reading = take_reading(params)
    from ..app import plot
    from ..app.compare import compare_hidden_sizes
    from ..nn.checkpoint import run_directory, write_atomic

    frame = _compared_series(ctx, data_path, reading, features, length, noise, seed)
    progress = _progress(hidden_sizes, frame.shape)
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


def _compared_series(ctx: click.Context, data_path, reading, features, length, noise, seed):
    """The series compare trains on: --data read as fit reads one series (long data refused), or the
    generated sine."""
    from ..data.generate import multi_sine

    if data_path is None:
        return multi_sine(length, features, noise=noise, seed=seed)
    from ..data.frames import is_long
    from ..data.wide_layout import prepare_wide

    frame = read_data(data_path, reading)
    if is_long(frame):
        raise click.UsageError(
            "compare reads one series, and --data is long (unique_id, ds, y) with several; give it one "
            "series' rows",
            ctx,
        )
    frame, _ = prepare_wide(frame)  # the time column and label columns are not features
    return frame


def _progress(hidden_sizes: tuple[int, ...], shape: tuple[int, int]):
    """Print each size's row as soon as it is trained, after a line on what is coming."""

    def progress(row: dict) -> None:
        if row["hidden"] == hidden_sizes[0]:  # the data passed every check: say what is coming
            click.echo(f"training {len(hidden_sizes)} models on {shape[0]} steps x {shape[1]} feature(s):")
        click.echo(
            f"  H={row['hidden']:<4} {row['parameters']:>7} parameters  {row['epochs']:>3} epochs  "
            f"test RMSE {row['test_rmse']:.4f}  ({row['fit_seconds']:.1f} s)"
        )

    return progress


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
    from ..app.run_plots import FIGURES, plot_run

    written, skipped = plot_run(run_dir, out_dir=out_dir, force=force, dpi=dpi)
    for path in written:
        click.echo(f"wrote {path}: {FIGURES.get(path.name, '')}")
    for reason in skipped:
        click.echo(f"skipped {reason}")
