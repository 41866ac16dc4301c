"""A complete training run, as ``tsrnn fit`` does it: data, split, fit, test, and a run directory.

With a held-out span (``holdout``, by default each series' last 20%) the run fits the steps before
it, tests there, and saves the model refit on *all* the data (see :mod:`tsrnn.estimator.holdout`),
so the saved model forecasts from the data's last timestamp.  The run directory holds
``config.json`` + ``model.safetensors`` (the saved model, see :meth:`Forecaster.save`),
``history.csv`` (epoch, train_loss, val_loss, seconds of the evaluated fit), ``run.json`` (what was
run, on which data, which model was saved and on which span, how long it took), ``loss.png`` and
``hidden.png``, and with a held-out span ``metrics.json`` (test errors beside the baselines) and
``forecast.png`` (see :mod:`tsrnn.app.run_plots`).  It appears only when complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..base.errors import CheckpointError, DataError, TsrnnError
from ..base.outputs import RUN_FILES, check_replaceable, output_lock
from ..data.files import read_csv
from ..data.generate import check_generated, multi_sine
from ..data.panel import Panel
from ..data.reading import Reading, with_reading
from ..data.windows import make_windows, resolve_targets
from ..estimator.forecaster import Forecaster
from ..estimator.holdout import check_holdout, test_starts
from ..estimator.intake import read
from ..estimator.persistence import model_files
from ..estimator.planning import configs, fit_threads
from ..estimator.running import network_inputs, scaled
from ..nn.checkpoint import run_directory, save_model, write_atomic
from ..nn.schema import read_json
from ..train.loop import STATE_CONFIG, distributed_context
from . import run_plots
from .run_plots import LOSS_NAMES, data_spec
from .shapes import format_shapes, trace_shapes

__all__ = ["fit_run", "metrics_table", "network_share_note"]


def _load_data(
    data, features: int, length: int, noise: float, seed: int, reading: dict | None = None
) -> tuple[pd.DataFrame, str]:
    if data is None:
        frame = multi_sine(length, features, noise=noise, seed=seed)
        return (
            frame,
            f"generated multi-sine: {length} steps x {features} features, noise {noise}, seed {seed}",
        )
    if isinstance(data, (str, os.PathLike)):
        return read_csv(data, Reading.from_dict(reading)), f"CSV file {os.fspath(data)}"
    if reading and isinstance(data, pd.DataFrame):
        data = with_reading(data.copy(deep=False), Reading.from_dict(reading))
    return data, f"{type(data).__name__} given in memory"


_LABELS = {
    "model": "model",
    "naive": "naive (last value)",
    "seasonal_naive": "seasonal naive",
    "drift": "drift",
    "linear_ar": "linear AR (window)",
}


def _num(value: float | None, width: int = 0) -> str:
    """A metric with four significant decimals at most: 0.1235, 17827.55, 1.235e+06; n/a for None."""
    if value is None:
        text = "n/a"
    elif not np.isfinite(value) or abs(value) >= 1e6:
        text = f"{value:.4g}"
    else:
        text = f"{value:.{max(0, min(4, 5 - len(str(int(abs(value))))))}f}"
    return f"{text:>{width}}"


def _aligned(rows: list[list[str]], first: int) -> list[str]:
    """Rows of cells as lines: the first cell left-aligned in ``first`` characters, every other
    column right-aligned in the width of its longest cell plus two spaces, so columns never touch."""
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(1, len(rows[0]))]
    return [
        f"  {r[0]:<{first}}" + "".join(f"{c:>{w}}" for c, w in zip(r[1:], widths, strict=True)) for r in rows
    ]


def metrics_table(metrics: dict) -> str:
    """The result of :meth:`Forecaster.evaluate` as text: a row per method, then the skill.  The
    columns stay aligned and apart whatever the magnitude of the errors."""
    rows = [["", "RMSE", "MAE", "MASE", "sMAPE %"]]
    for key, label in _LABELS.items():
        m = metrics[key]
        rows.append([label, _num(m["rmse"]), _num(m["mae"]), _num(m.get("mase")), _num(m["smape"])])
    lines = _aligned(rows, 20)
    for i, key in enumerate(_LABELS, start=1):
        if key == metrics["best_baseline"]:
            lines[i] += "  <- best baseline"
    sk = metrics["skill"]
    lines.append(
        f"  skill vs best baseline (1 - model / baseline): RMSE {_num(sk['rmse'])}, MAE {_num(sk['mae'])}"
    )
    cal = metrics.get("calibration")
    if cal is not None:  # a probabilistic model: how often its intervals hold the actual values
        covered = ", ".join(
            f"{k[len('coverage_') :]}% interval covers {v:.3f}"
            for k, v in cal.items()
            if k.startswith("coverage_") and v is not None
        )
        crps = "" if cal["crps"] is None else f", CRPS {cal['crps']:.4f}"
        lines.append(
            f"  calibration: {covered or 'no central interval'}; pinball loss {cal['pinball']:.4f}{crps}"
        )
    return "\n".join(lines)


_WORK_FILES = RUN_FILES | {
    "options.json",
    "checkpoint",
}  # what an interrupted run leaves in its work directory
OPTIONS_VERSION = 6  # options.json: 1 holds only what the caller passed, 2 every setting, 3 came with
# deseason, 4 with average_best, 5 with window_scale, 6 with holdout (was test_fraction)
_V1_DEFAULTS = {"highway": False, "batch_size": 64, "lr": 3e-3}  # what version 1 runs left to the defaults
_V2_DEFAULTS = {
    "deseason": False
}  # ... and version 2 runs (with seasonal indices, which came with version 3)
_V3_DEFAULTS = {"average_best": 1}  # ... and version 3 runs (the best epoch's weights alone)
_V4_DEFAULTS = {"window_scale": False}  # ... and version 4 runs (no window read in its own scale)


def work_directory(out_dir: str | os.PathLike) -> Path:
    """Where a run to ``out_dir`` works (and keeps its per-epoch checkpoint) until it is complete."""
    out_dir = Path(out_dir)
    return out_dir.parent / f".{out_dir.name}.partial"


def fit_run(
    out_dir: str | os.PathLike,
    *,
    data=None,
    features: int = 3,
    length: int = 2000,
    noise: float = 0.1,
    seed: int = 0,
    holdout: float | int = 0.2,
    force: bool = False,
    progress: bool = False,
    report: Callable[[str], None] | None = None,
    resume: bool = False,
    reading: dict | None = None,
    **params,
) -> Path:
    """Train a :class:`Forecaster` and write a run directory; return its path.

    Until it is complete the run works in a hidden directory beside ``out_dir`` (see
    :func:`work_directory`), where the training state is saved after every epoch.  After Ctrl-C, a
    crash or any error (a full disk while writing the run: the CheckpointError says so, and where the
    training is kept), ``resume=True`` continues that run with the settings it started with (every other
    argument but ``report`` and ``progress`` is then ignored) and ends with the same model as a run
    never interrupted.  Under torchrun every rank calls this; only rank 0 reports and writes.

    Parameters
    ----------
    out_dir : path
        Run directory; a non-empty one is replaced only with ``force=True``.
    data : path to a CSV file, DataFrame or array, optional
        The series; by default a :func:`multi_sine` of ``features`` columns, ``length`` steps and
        ``noise``, generated from ``seed``.
    holdout : float or int
        Each series' last steps held out for the test metrics: a fraction of its steps in (0, 1) or
        a number of steps; the model saved is then refit on all the data for the evaluated fit's
        best epoch count (see :meth:`Forecaster.fit`).  0 fits once on all the data and tests nothing.
    report : callable, optional
        Receives the human-readable report, a paragraph at a time.
    reading : dict, optional
        How ``data`` is read where it reads two ways (:class:`~tsrnn.data.reading.Reading`'s fields:
        ``dayfirst``, ``decimal``, ``thousands``, ``header``, ``century``, ``year``, ``epoch``).
    **params
        :class:`Forecaster` parameters (``hidden``, ``layers``, ``cell``, ``window``, ``targets``,
        ``time_col``, ``fill``, ...); its ``seed`` is ``seed``, and ``columns`` is its ``features``
        (the input columns of ``data``; ``features`` here counts the generated series' columns).
    """
    main = distributed_context()[0] == 0
    say = report if report is not None and main else (lambda text: None)
    start = time.perf_counter()
    work = work_directory(out_dir)
    if resume:
        options = _resumed_options(out_dir, work)
        return fit_run(out_dir, report=report, progress=progress, _resumed=True, **options)
    resumed = params.pop("_resumed", False)
    holdout = check_holdout(holdout)
    if main:
        check_replaceable(out_dir, force)  # refused before any work (and checked again before the rename)
    path = os.path.abspath(data) if isinstance(data, (str, os.PathLike)) else data  # resumable from elsewhere
    options = dict(params, data=path, features=features, length=length, noise=noise, seed=seed)
    options.update(holdout=holdout, force=force, reading=reading)
    estimator = Forecaster(seed=seed, **{("features" if k == "columns" else k): v for k, v in params.items()})
    if data is None:  # the sizes of the generated series and of its model, refused before generating it
        check_generated(length, features)
        configs(estimator, features, list(range(features)))
        fit_threads(estimator)
    frame, source = _load_data(data, features, length, noise, seed, reading)
    for name, value in estimator.get_params().items():  # every setting, so a resume never meets new defaults
        if name != "seed":
            options.setdefault("columns" if name == "features" else name, value)
    options["options_version"] = OPTIONS_VERSION
    panel = read(estimator, frame)  # the one reading of the data: every step below gets this panel
    starts = _split(estimator, panel, holdout)  # short data and bad settings refused before any work
    say(f"data: {source}\n  {_layout(estimator, panel, starts, holdout)}")
    out_dir = Path(out_dir)
    checkpoint = work / "checkpoint"
    if not main:  # another rank of a torchrun launch: train its shard, write nothing
        saved = resumed and (checkpoint / STATE_CONFIG).is_file()  # else no epoch was complete
        estimator.fit(panel, progress=False, checkpoint_dir=checkpoint, resume=saved, holdout=holdout)
        return out_dir
    with output_lock(out_dir):  # a second run to the same out_dir is refused until this one ends
        if work.exists() and not resumed:
            _discard_interrupted(work, out_dir, force)
        with _keeping(work, out_dir), run_directory(out_dir, overwrite=force, work=work) as tmp:
            if not resumed and isinstance(path, (str, type(None))):  # an in-memory series cannot be resumed
                write_atomic(work / "options.json", json.dumps(options, indent=2) + "\n")
            fit_start = time.perf_counter()
            saved = resumed and (tmp / "checkpoint" / STATE_CONFIG).is_file()  # else no epoch was complete
            estimator.fit(
                panel, progress=progress, checkpoint_dir=tmp / "checkpoint", resume=saved, holdout=holdout
            )
            fit_seconds = time.perf_counter() - fit_start
            shapes = _report_fit(estimator, panel, starts, say)
            metrics, predicted = _report_test(estimator, panel, starts, say)
            say(f"intervals: {_intervals(estimator)}")
            save_model(tmp, *model_files(estimator))  # what Forecaster.save writes, into this run
            run = {
                "source": source,
                "data": data_spec(data, features, length, noise, seed),
                "steps": int(panel.lengths[0]),
                "holdout": holdout,
                "test_start": int(starts[0]) if holdout else None,
                "saved_model": _saved_model(estimator, panel),
                "refit_epochs": estimator.holdout_.epochs if holdout else None,
                "intervals": _intervals(estimator),
                "estimator": estimator.get_params(),
                "shapes": [dict(r, shape=list(r["shape"])) for r in shapes],
                "fit_seconds": fit_seconds,
            }
            _write_run(tmp, estimator, panel, starts, metrics, predicted)
            run.update(total_seconds=time.perf_counter() - start, tsrnn=__version__)
            write_atomic(tmp / "run.json", json.dumps(run, indent=2, default=_jsonable) + "\n")
            # Last: until here an interruption leaves a resumable run; the finished one needs neither.
            check_replaceable(out_dir, force)  # a file may have appeared in out_dir while we trained
            shutil.rmtree(tmp / "checkpoint", ignore_errors=True)
            (work / "options.json").unlink(missing_ok=True)
    names = sorted(n for n in os.listdir(out_dir) if not n.startswith("."))
    say(f"wrote {out_dir}/: {', '.join(names)}\ntime: {time.perf_counter() - start:.1f} s")
    return out_dir


def _resumed_options(out_dir: str | os.PathLike, work: Path) -> dict:
    """The settings an interrupted run to ``out_dir`` started with, brought to this version's."""
    options_file = work / "options.json"
    if not options_file.is_file():
        done = (Path(out_dir) / "config.json").is_file() and not work.exists()
        raise CheckpointError(
            f"the run {str(out_dir)!r} is already complete; nothing to resume"
            if done
            else f"there is no interrupted run of {str(out_dir)!r} to resume "
            f"({str(options_file)!r} is missing)"
        )
    options = read_json(options_file)
    if not isinstance(options, dict):
        raise CheckpointError(f"{str(options_file)!r} must hold a JSON object, got {type(options).__name__}")
    version = options.pop("options_version", 1)
    old: tuple[dict, ...] = (_V1_DEFAULTS, _V2_DEFAULTS, _V3_DEFAULTS, _V4_DEFAULTS)
    for since, defaults in enumerate(old, start=2):
        if version < since:  # written before the defaults changed: keep the old ones
            options = {**defaults, **options}
    if version < 6:  # test_fraction became holdout; the run now ends with the refit
        options["holdout"] = options.pop("test_fraction", 0.2)
    return options


def _split(estimator: Forecaster, panel: Panel, holdout: float | int) -> np.ndarray:
    """Each series' first held-out step (its length with ``holdout=0``), after refusing short series
    and settings the data cannot take, before any report or work."""
    if holdout:
        starts = test_starts(estimator, panel, holdout)
    else:
        starts = panel.lengths.copy()
        for n in np.unique(starts).tolist():
            try:
                estimator.check_length(n)
            except DataError as err:
                uid = panel.ids[int(np.flatnonzero(starts == n)[0])]
                raise (err if uid is None else DataError(f"series {uid!r}: {err}")) from None
    n_features = len(panel.columns)
    positions = resolve_targets(estimator.targets, panel.columns)
    configs(estimator, n_features, positions or list(range(n_features)))
    fit_threads(estimator)
    return starts


def _shown(panel: Panel) -> tuple[Panel, pd.DataFrame]:
    """The first series, which the report and figures show: as a panel and as a frame of its labels."""
    shown = panel.take([0])
    index = shown.index if panel.ids[0] is None else shown.labels(0)
    return shown, pd.DataFrame(shown.values, index=index, columns=panel.columns)


def _layout(estimator: Forecaster, panel: Panel, starts: np.ndarray, holdout: float | int) -> str:
    """The data's layout and split, its time axis and its filled values, for the report."""
    T, test_start, n_features = int(panel.lengths[0]), int(starts[0]), len(panel.columns)
    single = panel.ids[0] is None
    if single:
        layout = f"{T} steps x {n_features} features {_some(panel.columns)}; " + (
            f"first {test_start} steps to fit ({estimator.describe_validation(test_start)}), last "
            f"{T - test_start} held out to test, then all {T} refit"
            if holdout
            else f"all {T} steps to fit ({estimator.describe_validation(T)}), none held out (holdout 0)"
        )
    else:
        share = f"{1 - holdout:.0%}" if isinstance(holdout, float) else f"all but the last {holdout} steps"
        layout = (
            f"{panel.n_series} series (long layout), {panel.values.shape[0]} rows, columns "
            f"{_some(panel.columns)}; "
            + (
                f"one global model fits {share} of each series, the rest tests, then all of it is refit"
                if holdout
                else "one global model fits all of each series, none held out (holdout 0)"
            )
            + f"; report and figures show series {panel.ids[0]!r}"
        )
    index = _shown(panel)[1].index
    return f"{layout}\n  {time_axis_note(panel.report, index)}{_fill_note(panel.report, single)}"


def _evaluated(estimator: Forecaster) -> Forecaster:
    """The model the test scores: the fit before the held-out steps, or the saved one without them."""
    held = getattr(estimator, "holdout_", None)
    return estimator if held is None else held.model


def _report_fit(estimator: Forecaster, panel: Panel, starts: np.ndarray, say) -> list[dict]:
    """Report the evaluated model, the shapes of one of its training batches and its training;
    return the shapes."""
    evaluated = _evaluated(estimator)
    model, history = evaluated.model_, evaluated.history_
    cfg, W = model.config, evaluated.window_
    uid0 = panel.ids[0]
    view = evaluated if uid0 is None else evaluated.series_model(uid0)
    fit_part = _shown(panel)[0].values[: int(starts[0])]
    inputs = network_inputs(view, fit_part, placeholder=0.0)  # for the shapes only: any calendar steps do
    X, _ = make_windows(scaled(view, inputs, None, np.arange(len(fit_part))), W, evaluated.horizon)
    shapes = trace_shapes(model, X[: evaluated.batch_size_])
    say(
        f"model: {cfg.cell.upper()}, {cfg.num_layers} layer(s) x {cfg.hidden_size} hidden"
        f"{', bidirectional' if cfg.bidirectional else ''}"
        f"{f', linear highway over the last {cfg.highway} steps' if cfg.highway else ''}"
        f"{', each window in its own scale' if cfg.window_scale else ''}, "
        f"{model.n_parameters()} parameters\n"
        + (
            f"known inputs: {[evaluated.feature_names_in_[i] for i in view.known_idx_]}, read over the "
            f"{cfg.horizon} forecast steps (one lead input each: F = {cfg.input_size})\n"
            if view.known_idx_
            else ""
        )
        + f"{evaluated.seasonality_.describe()}\n"
        + f"shapes of one training batch:\n{format_shapes(shapes)}"
    )
    last = history.records[-1]
    best = history.records[history.best_epoch - 1] if history.best_epoch else last
    val = "" if best["val_loss"] is None else f", validation {best['val_loss']:.4g}"
    world = distributed_context()[1]
    ddp = f" on {world} processes (DistributedDataParallel)" if world > 1 else ""
    trained = sum(r["seconds"] for r in history.records)
    say(
        f"training: {len(history.records)} epochs in {trained:.1f} s{ddp} ({history.stop_reason}); "
        f"best epoch {history.best_epoch}: train loss {best['train_loss']:.4g}{val} "
        f"({LOSS_NAMES[cfg.loss]}, scaled)"
        + (
            f"; the model averages the weights of epochs {', '.join(map(str, history.averaged))}"
            if len(history.averaged) > 1
            else ""
        )
        + network_share_note(history)
    )
    return shapes


def _saved_model(estimator: Forecaster, panel: Panel) -> str:
    """Which model the run saved, on which span, in words."""
    shown = _shown(panel)[1]
    span = _span(panel.report, shown.index, 0, len(shown))
    held = getattr(estimator, "holdout_", None)
    if held is None:
        return f"fitted on all the data ({span}), nothing held out"
    averaged = estimator.history_.averaged
    if len(averaged) > 1:  # the epochs the evaluated fit's validation chose, averaged again
        how = f"averaging the weights of epochs {', '.join(map(str, averaged))} as the evaluated fit did"
    else:
        how = "the evaluated fit's " + ("best epoch" if held.model.history_.best_epoch else "epoch count")
    return f"refit on all the data ({span}) for {held.epochs} epochs, {how}"


def _intervals(estimator: Forecaster) -> str:
    """How the saved model's conformal intervals (``forecast(steps, level=...)``) were calibrated."""
    cal = getattr(estimator, "calibration_", None)
    if cal is None:
        return f"none ({getattr(estimator, 'uncalibrated_', None)})"
    source = (
        "the evaluated model's forecasts of the held-out steps"
        if getattr(estimator, "holdout_", None) is not None
        else "a copy fitted without each series' last validation steps (one fit more)"
    )
    return f"conformal, calibrated on {source}: {len(cal.scores)} errors, up to {cal.steps} step(s) ahead"


def _report_test(estimator: Forecaster, panel: Panel, starts: np.ndarray, say):
    """Report the held-out test (if any) and the saved model; return the test metrics and the
    evaluated model's one-step forecasts over the held-out steps (None, None without them)."""
    held = getattr(estimator, "holdout_", None)
    saved = _saved_model(estimator, panel)
    if held is None:
        say(f"saved model: {saved}; 'tsrnn predict' forecasts from the step after its end")
        return None, None
    evaluated, metrics, uid0 = held.model, held.metrics, panel.ids[0]
    view = evaluated if uid0 is None else evaluated.series_model(uid0)
    seasons = ", ".join(
        f"{k}: {v or 'none'}{f' ({src})' if src else ''}"
        for (k, v), src in zip(
            (metrics["seasons"] if uid0 is None else metrics["seasons"][uid0]).items(),
            view.baselines_.season_sources_,
            strict=False,
        )
    )
    shown, full_frame = _shown(panel)
    test_start, T = int(starts[0]), len(full_frame)
    say(
        f"test ({_span(panel.report, full_frame.index, test_start, T)}, held out): "
        f"{metrics['n_windows']} origins x {metrics['horizon']} step(s) ahead, errors in the "
        f"data's units (seasonal-naive seasons: {seasons})\n{metrics_table(metrics)}"
    )
    say(
        f"saved model: {saved} (train loss {estimator.history_.records[-1]['train_loss']:.4g}); "
        f"'tsrnn predict' forecasts from the step after its end"
    )
    # (N, O): step 1 of every window inside the data (a model with known inputs reads them K steps on)
    cfg, W = evaluated.model_.config, evaluated.window_
    reach = cfg.horizon if view.known_idx_ else 1
    blank = np.zeros((cfg.horizon, len(view.known_idx_))) if view.known_idx_ else None
    one_step = view.predict(shown.take(start=test_start - W), future=blank)[:-reach, 0, :]
    predicted = pd.DataFrame(
        one_step,
        columns=evaluated.target_names_,
        index=full_frame.index[test_start : test_start + one_step.shape[0]],
    )
    return metrics, predicted


def _write_run(tmp: Path, estimator: Forecaster, panel: Panel, starts, metrics, predicted) -> None:
    """The run's history, metrics and figures, into its work directory."""
    evaluated = _evaluated(estimator)
    history = evaluated.history_
    write_atomic(tmp / "history.csv", history.to_frame().to_csv(index=False))
    if metrics is not None:
        write_atomic(tmp / "metrics.json", json.dumps({"test": metrics}, indent=2) + "\n")
    uid0 = panel.ids[0]
    view = evaluated if uid0 is None else evaluated.series_model(uid0)
    shown, full_frame = _shown(panel)
    test_start = int(starts[0]) if metrics is not None else None
    figures = run_plots.run_figures(view, full_frame, test_start, history.to_frame(), predicted, data=shown)
    for name, figure in figures.items():
        figure.savefig(tmp / name, dpi=100)  # forecast.png, loss.png, hidden.png


def _fill_note(report: dict, single: bool) -> str:
    """The missing values a fill policy filled or dropped, for the report (empty when none)."""
    if not report.get("fill"):
        return ""
    if single:
        where = _gaps_note(report.get("gaps") or [])
    else:  # long data: the gaps of the first series with gaps, and how many series have them
        counted = report.get("series_with_gaps", 0)
        shown = [f"{uid} {label}" for uid, labels in (report.get("gaps") or {}).items() for label in labels]
        more = " ..." if len(shown) > 5 else ""
        where = (
            f" (including calendar gaps in {counted} series: {', '.join(shown[:5])}{more})" if counted else ""
        )
    done = report.get("values_filled", report.get("rows_dropped"))
    return (
        f"\n  missing values: {report['missing']}{where}, {report['fill']}: {done} "
        f"{'filled' if 'values_filled' in report else 'rows dropped'}"
    )


def network_share_note(history) -> str:
    """The fit report's line on what the recurrent network adds: the validation MSE of the model
    against its own linear part (the highway and the window's level, the recurrent branch zeroed)."""
    if history.val_mse is None or history.linear_val_mse is None:
        return ""
    gain = history.network_gain
    share = (
        f"the network takes off {gain:.0%} of its linear part's error"
        if gain is not None and gain >= 0
        else f"the network adds {-gain:.0%} to its linear part's error"
        if gain is not None
        else "its linear part alone is exact"
    )
    return (
        f"\n  network's share: validation MSE {history.val_mse:.4g} (scaled) against "
        f"{history.linear_val_mse:.4g} for the linear part alone (highway and level, the recurrent "
        f"branch zeroed): {share}"
    )


def _gaps_note(gaps: list) -> str:
    if not gaps:
        return ""
    shown = ", ".join(map(str, gaps[:5])) + (f" and {len(gaps) - 5} more" if len(gaps) > 5 else "")
    return f" (including {len(gaps)} calendar gap(s): {shown})"


def time_axis_note(report: dict, index) -> str:
    """One line on the time index: which column it came from, its form, frequency and span."""
    from ..data.calendar import describe_freq
    from ..data.dates import format_labels

    rows = report.get("row_numbers") or []
    left_out = (
        f"; column{'s' if len(rows) > 1 else ''} {', '.join(map(repr, rows))} left out (row numbers, as "
        f"DataFrame.to_csv or R writes them)"
        if rows
        else ""
    )
    text = report.get("text_columns") or {}
    left_out += (
        f"; column{'s' if len(text) > 1 else ''} {', '.join(map(repr, text))} left out (text, such as "
        f"{', '.join('no value' if v is None else repr(v) for v in text.values())}: only numbers are "
        f"features)"
        if text
        else ""
    )
    if not report.get("time_form"):
        return "time index: none (rows in file order, integer steps)" + left_out
    where = f"column {report['time_col']!r}" if report.get("time_col") else "the DataFrame's index"
    labels = format_labels(index[[0, -1]], report["time_form"]) if len(index) else pd.Index([])
    freq = report.get("freq")
    kind = (
        describe_freq(freq)
        if freq
        else ("integer years" if report["time_form"] == "year" else "integer steps")
    )
    span = f", {labels[0]} to {labels[-1]}" if len(labels) else ""
    if report.get("session"):  # steps only inside the same hours of every day or week
        kind += f" in sessions ({report['session']})"
    season = report.get("season")
    season = (
        "found from the autocorrelation"
        if season is None
        else "none"
        if season == 1
        else f"{season} (a session day's steps)"
        if report.get("session")
        else f"{season} (from the frequency)"
    )
    return f"time index: {where}, {kind}{span}; season {season}{left_out}"


def _some(names: list[str], shown: int = 12) -> str:
    """A list of column names for the report, the first ``shown`` of a long one."""
    return (
        str(names) if len(names) <= shown else f"{str(names[:shown])[:-1]}, ... ({len(names) - shown} more)]"
    )


def _span(report: dict, index, first: int, end: int) -> str:
    """Steps ``first`` to ``end - 1`` of a series in words, with their time labels where it has them."""
    from ..data.dates import format_labels

    steps = f"steps {first + 1}-{end}"
    if not report.get("time_form") or end <= first:
        return steps
    labels = format_labels(index[[first, end - 1]], report["time_form"])
    return f"{steps}, {labels[0]} to {labels[-1]}"


@contextlib.contextmanager
def _keeping(work: Path, out_dir: Path) -> Iterator[None]:
    """On any error (a full disk, a permission, a bug) keep what the run trained in ``work`` and say how
    to continue; only a work directory with no complete epoch in it is removed.  (Ctrl-C passes: the
    command line says how to continue.)"""
    try:
        yield
    except Exception as err:
        state = work / "checkpoint" / STATE_CONFIG
        left = set(os.listdir(work)) if work.is_dir() else set()
        if not state.is_file() and left <= {"options.json", "checkpoint"}:
            shutil.rmtree(work, ignore_errors=True)  # nothing trained to keep
            raise
        reason = str(err) if isinstance(err, (OSError, TsrnnError)) else f"{type(err).__name__}: {err}"
        if not state.is_file():  # the run was complete and could not be put in place
            raise CheckpointError(
                f"the run {str(out_dir)!r} could not be put in place: {reason}; the complete run is kept "
                f"in {str(work)!r}: move it to {str(out_dir)!r} yourself"
            ) from err
        try:
            epoch = f" (saved after epoch {int(read_json(state)['epoch'])})"
        except (CheckpointError, KeyError, TypeError, ValueError):
            epoch = ""
        how = (
            "continue it with resume=True, which ends with the model of a run never stopped"
            if (work / "options.json").is_file()
            else f"continue with Forecaster.fit(data, checkpoint_dir={str(work / 'checkpoint')!r}, resume=True)"
        )
        raise CheckpointError(
            f"the run {str(out_dir)!r} stopped: {reason}; its training is kept in {str(work)!r}{epoch}: "
            f"fix the cause (free disk space, permissions), then {how}"
        ) from err


def _discard_interrupted(work: Path, out_dir: Path, force: bool) -> None:
    """Remove the work directory an interrupted run left, when ``force``; it must hold only tsrnn's files."""
    if not force:
        raise CheckpointError(
            f"an interrupted run of {str(out_dir)!r} is kept in {str(work)!r}; continue "
            f"it with resume=True or start over with force=True"
        )
    foreign = sorted(set(os.listdir(work)) - _WORK_FILES)
    if foreign:
        raise CheckpointError(
            f"refusing to remove {str(work)!r}: it holds {foreign[0]!r}, which tsrnn did not "
            f"write there; move it, or choose another output directory"
        )
    shutil.rmtree(work)


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
