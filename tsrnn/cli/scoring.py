"""The commands that score a model: ``evaluate`` its forecasts beside the baselines, ``backtest`` it from
rolling origins, ``cv`` (cross-validate) its settings out of sample.
"""

from __future__ import annotations

import click

from ..base.errors import TsrnnError
from .command_io import load_model, read_data, write_csv, writing
from .group import cli
from .options import IN_SAMPLE, MODEL, Start, reading_options, take_reading


@cli.command(epilog="Example: tsrnn evaluate --model runs/sine --data sine.csv --start 1600")
@MODEL
@click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV file of the series, from its beginning.",
)
@click.option(
    "--start",
    type=Start(),
    default=None,
    help="First origin to score, a step or a fraction  [default: the first with enough history]",
)
@IN_SAMPLE
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@reading_options
def evaluate(model_dir, data_path, start, in_sample, as_json, **reading) -> None:
    """Score the model's forecasts on a series beside the naive, seasonal-naive, drift and linear-AR baselines.

    Origins whose forecast steps the model was fitted on would give in-sample scores (a model 'tsrnn
    fit' saved was refit on all of its data file): they are refused unless --in-sample, which labels
    the scores so. 'tsrnn cv' scores out of sample.
    """
    import json

    from ..app.run_report import metrics_table

    model = load_model(model_dir)
    metrics = model.evaluate(read_data(data_path, take_reading(reading), model), start=start)
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
@MODEL
@click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV file of the series, from its beginning.",
)
@click.option(
    "--start", type=Start(), default="0.8", help="First origin: a step, or a fraction of the series."
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
    help="CSV file for every forecast (origin, step, target, actual, one column per method), in the "
    "data's own precision.",
)
@IN_SAMPLE
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@reading_options
def backtest(
    model_dir, data_path, start, stride, horizon, refit, metric, in_sample, out_path, force, **reading_given
) -> None:
    """Rolling-origin backtest: forecast from many origins and print the error per step ahead.

    Without --refit, origins whose forecast steps the model was fitted on are refused unless
    --in-sample (which labels their scores so); with --refit every origin is out of sample.
    """
    reading = take_reading(reading_given)
    with writing(out_path, force):
        _backtest(model_dir, data_path, start, stride, horizon, refit, metric, in_sample, out_path, reading)


def _backtest(
    model_dir, data_path, start, stride, horizon, refit, metric, in_sample, out_path, reading=None
) -> None:
    model = load_model(model_dir)
    result = model.backtest(
        read_data(data_path, reading, model),
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
        write_csv(result.frame(), out_path, index=False)
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
@reading_options
def cv(data_path, horizon, windows, step, refit, model_dir, out_path, force, **reading_given) -> None:
    """Cross-validate out of sample: forecast the last --windows windows of --horizon steps of every
    series, each by a model fitted only on the data before its cutoff, and print the errors beside
    the naive, seasonal-naive, drift and linear-AR baselines (fitted by the same copies).

    Every copy is a fit: --windows 3 costs three fits (one with --refit 0).
    """
    from ..evaluation.cv_scores import cv_metrics

    reading = take_reading(reading_given)
    with writing(out_path, force):
        if model_dir is not None:
            model = load_model(model_dir)
        else:
            from ..estimator.forecaster import Forecaster

            model = Forecaster(horizon=horizon)
        frame = model.cross_validation(
            read_data(data_path, reading, model if model_dir is not None else None),
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
            write_csv(frame, out_path, index=False)
            click.echo(f"wrote {out_path}")
