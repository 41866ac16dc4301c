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
from ..data.generate import check_generated, multi_sine
from ..data.series import as_series, read_csv
from ..data.windows import make_windows, resolve_targets
from ..estimator.forecaster import Forecaster
from ..estimator.holdout import check_holdout, clean_parts, test_starts
from ..estimator.persistence import model_files
from ..estimator.planning import configs, fit_threads
from ..estimator.running import network_inputs, scaled
from ..nn.checkpoint import run_directory, save_model, write_atomic
from ..nn.schema import read_json
from ..train.loop import STATE_CONFIG, distributed_context
from .run_plots import LOSS_NAMES
from .shapes import format_shapes, trace_shapes

__all__ = ["fit_run", "metrics_table"]


def _load_data(data, features: int, length: int, noise: float, seed: int) -> tuple[pd.DataFrame, str]:
    if data is None:
        frame = multi_sine(length, features, noise=noise, seed=seed)
        return (
            frame,
            f"generated multi-sine: {length} steps x {features} features, noise {noise}, seed {seed}",
        )
    if isinstance(data, (str, os.PathLike)):
        return read_csv(data), f"CSV file {os.fspath(data)}"
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
    **params
        :class:`Forecaster` parameters (``hidden``, ``layers``, ``cell``, ``window``, ``targets``,
        ``time_col``, ``fill``, ...); its ``seed`` is ``seed``, and ``columns`` is its ``features``
        (the input columns of ``data``; ``features`` here counts the generated series' columns).
    """
    main = distributed_context()[0] == 0
    say = report if report is not None and main else (lambda text: None)
    start = time.perf_counter()
    work = work_directory(out_dir)
    options_file = work / "options.json"
    if resume:
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
            raise CheckpointError(
                f"{str(options_file)!r} must hold a JSON object, got {type(options).__name__}"
            )
        version = options.pop("options_version", 1)
        if version < 2:  # written before the defaults changed: keep the old ones
            options = {**_V1_DEFAULTS, **options}
        if version < 3:
            options = {**_V2_DEFAULTS, **options}
        if version < 4:
            options = {**_V3_DEFAULTS, **options}
        if version < 5:
            options = {**_V4_DEFAULTS, **options}
        if version < 6:  # --test-fraction became --holdout; the run now ends with the refit
            options["holdout"] = options.pop("test_fraction", 0.2)
        return fit_run(out_dir, report=report, progress=progress, _resumed=True, **options)
    resumed = params.pop("_resumed", False)
    holdout = check_holdout(holdout)
    if main:
        check_replaceable(out_dir, force)  # refused before any work (and checked again before the rename)
    path = os.path.abspath(data) if isinstance(data, (str, os.PathLike)) else data  # resumable from elsewhere
    options = dict(
        params,
        data=path,
        features=features,
        length=length,
        noise=noise,
        seed=seed,
        holdout=holdout,
        force=force,
    )
    estimator = Forecaster(seed=seed, **{("features" if k == "columns" else k): v for k, v in params.items()})
    if data is None:  # the sizes of the generated series and of its model, refused before generating it
        check_generated(length, features)
        configs(estimator, features, list(range(features)))
        fit_threads(estimator)
    frame, source = _load_data(data, features, length, noise, seed)
    for name, value in estimator.get_params().items():  # every setting, so a resume never meets new defaults
        if name != "seed":
            options.setdefault("columns" if name == "features" else name, value)
    options["options_version"] = OPTIONS_VERSION
    parts, reports = clean_parts(estimator, frame)
    # refuse short data before any report or work: the held-out split, or the whole series
    starts = test_starts(estimator, parts, holdout) if holdout else {u: len(p) for u, p in parts.items()}
    if not holdout:
        for uid, T in starts.items():
            try:
                estimator.check_length(T)
            except DataError as err:
                raise (err if uid is None else DataError(f"series {uid!r}: {err}")) from None
    uid0 = next(iter(parts))
    full_frame, test_start = parts[uid0], starts[uid0]  # the series the report and figures show
    series = as_series(full_frame)
    positions = resolve_targets(estimator.targets, series.columns)  # refused before any report or work:
    configs(estimator, series.n_features, positions or list(range(series.n_features)))  # bad settings too
    fit_threads(estimator)
    T = series.length
    fit_part = series.values[:test_start]
    rows = sum(map(len, parts.values()))
    if uid0 is None:
        layout = f"{T} steps x {series.n_features} features {_some(series.columns)}; " + (
            f"first {test_start} steps to fit ({estimator.describe_validation(test_start)}), last "
            f"{T - test_start} held out to test, then all {T} refit"
            if holdout
            else f"all {T} steps to fit ({estimator.describe_validation(T)}), none held out (holdout 0)"
        )
    else:
        share = f"{1 - holdout:.0%}" if isinstance(holdout, float) else f"all but the last {holdout} steps"
        layout = (
            f"{len(parts)} series (long layout), {rows} rows, columns {_some(series.columns)}; "
            + (
                f"one global model fits {share} of each series, the rest tests, then all of it is refit"
                if holdout
                else "one global model fits all of each series, none held out (holdout 0)"
            )
            + f"; report and figures show series {uid0!r}"
        )
    filled = {u: r for u, r in reports.items() if r.get("fill")}
    notes = "".join(
        f"\n  missing values{'' if u is None else f' in {u!r}'}: {r['missing']}"
        f"{_gaps_note(r['gaps'])}, {r['fill']}: {r.get('values_filled', r.get('rows_dropped'))} "
        f"{'filled' if 'values_filled' in r else 'rows dropped'}"
        for u, r in filled.items()
    )
    say(f"data: {source}\n  {layout}\n  {time_axis_note(reports[uid0], full_frame.index)}{notes}")
    out_dir = Path(out_dir)
    if not main:  # another rank of a torchrun launch: train its shard, write nothing
        saved = resumed and (work / "checkpoint" / STATE_CONFIG).is_file()  # else no epoch was complete
        estimator.fit(
            frame, progress=False, checkpoint_dir=work / "checkpoint", resume=saved, holdout=holdout
        )
        return out_dir
    with output_lock(out_dir):  # a second run to the same out_dir is refused until this one ends
        if work.exists() and not resumed:
            _discard_interrupted(work, out_dir, force)
        with _keeping(work, out_dir), run_directory(out_dir, overwrite=force, work=work) as tmp:
            if not resumed and isinstance(path, (str, type(None))):  # an in-memory series cannot be resumed
                write_atomic(options_file, json.dumps(options, indent=2) + "\n")
            fit_start = time.perf_counter()
            saved = resumed and (tmp / "checkpoint" / STATE_CONFIG).is_file()  # else no epoch was complete
            fit_kw = dict(progress=progress, checkpoint_dir=tmp / "checkpoint", resume=saved, holdout=holdout)
            estimator.fit(frame, **fit_kw)
            fit_seconds = time.perf_counter() - fit_start
            held = getattr(estimator, "holdout_", None)
            evaluated = estimator if held is None else held.model  # the model the test scores
            model, history = evaluated.model_, evaluated.history_
            cfg, W = model.config, evaluated.window_
            view = evaluated if uid0 is None else evaluated.series_model(uid0)
            inputs = network_inputs(
                view, fit_part, placeholder=0.0
            )  # for the shapes only: any calendar steps do
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
            )

            saved_span = _span(reports[uid0], full_frame.index, 0, T)
            if held is None:
                saved_model = f"fitted on all the data ({saved_span}), nothing held out"
                metrics, predicted = None, None
                say(f"saved model: {saved_model}; 'tsrnn predict' forecasts from the step after its end")
            else:
                refit = estimator.history_
                saved_model = (
                    f"refit on all the data ({saved_span}) for {held.epochs} epochs, the evaluated fit's "
                    f"{'best epoch' if history.best_epoch else 'epoch count'}"
                )
                metrics = held.metrics
                sources = view.baselines_.season_sources_
                seasons = ", ".join(
                    f"{k}: {v or 'none'}{f' ({src})' if src else ''}"
                    for (k, v), src in zip(
                        (metrics["seasons"] if uid0 is None else metrics["seasons"][uid0]).items(),
                        sources,
                        strict=False,
                    )
                )
                say(
                    f"test ({_span(reports[uid0], full_frame.index, test_start, T)}, held out): "
                    f"{metrics['n_windows']} origins x {metrics['horizon']} step(s) ahead, errors in the "
                    f"data's units (seasonal-naive seasons: {seasons})\n{metrics_table(metrics)}"
                )
                say(
                    f"saved model: {saved_model} (train loss "
                    f"{refit.records[-1]['train_loss']:.4g}); 'tsrnn predict' forecasts from the step after "
                    f"its end"
                )
                # (N, O): step 1 of every window inside the data (a model with known inputs reads them K steps on)
                reach = cfg.horizon if view.known_idx_ else 1
                blank = np.zeros((cfg.horizon, len(view.known_idx_))) if view.known_idx_ else None
                one_step = view.predict(full_frame.iloc[test_start - W :], future=blank)[:-reach, 0, :]
                predicted = pd.DataFrame(
                    one_step,
                    columns=evaluated.target_names_,
                    index=series.index[test_start : test_start + one_step.shape[0]],
                )

            save_model(tmp, *model_files(estimator))  # what Forecaster.save writes, into this run
            write_atomic(tmp / "history.csv", history.to_frame().to_csv(index=False))
            if metrics is not None:
                write_atomic(tmp / "metrics.json", json.dumps({"test": metrics}, indent=2) + "\n")
            from .run_plots import data_spec, run_figures

            for name, figure in run_figures(
                view, full_frame, test_start if held else None, history.to_frame(), predicted
            ).items():
                figure.savefig(tmp / name, dpi=100)  # forecast.png, loss.png, hidden.png
            run = {
                "source": source,
                "data": data_spec(data, features, length, noise, seed),
                "steps": T,
                "holdout": holdout,
                "test_start": test_start if held else None,
                "saved_model": saved_model,
                "refit_epochs": None if held is None else held.epochs,
                "estimator": estimator.get_params(),
                "shapes": [dict(r, shape=list(r["shape"])) for r in shapes],
                "fit_seconds": fit_seconds,
                "total_seconds": time.perf_counter() - start,
                "tsrnn": __version__,
            }
            write_atomic(tmp / "run.json", json.dumps(run, indent=2, default=_jsonable) + "\n")
            # Last: until here an interruption leaves a resumable run; the finished one needs neither.
            check_replaceable(out_dir, force)  # a file may have appeared in out_dir while we trained
            shutil.rmtree(tmp / "checkpoint", ignore_errors=True)
            options_file.unlink(missing_ok=True)
    names = sorted(n for n in os.listdir(out_dir) if not n.startswith("."))
    say(f"wrote {out_dir}/: {', '.join(names)}\ntime: {time.perf_counter() - start:.1f} s")
    return out_dir


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
    labels = format_labels(index[[0, -1]], report["time_form"]) if len(index) else []
    freq = report.get("freq")
    kind = (
        describe_freq(freq)
        if freq
        else ("integer years" if report["time_form"] == "year" else "integer steps")
    )
    span = f", {labels[0]} to {labels[-1]}" if len(labels) else ""
    season = report.get("season")
    season = (
        "found from the autocorrelation"
        if season is None
        else "none"
        if season == 1
        else f"{season} (from the frequency)"
    )
    return f"time index: {where}, {kind}{span}; season {season}{left_out}"


def _some(names: list[str], shown: int = 12) -> str:
    """A list of column names for the report, the first ``shown`` of a long one."""
    return (
        str(names) if len(names) <= shown else f"{str(names[:shown])[:-1]}, ... ({len(names) - shown} more)]"
    )


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
            f"continue with 'tsrnn fit --resume {out_dir}' (fit_run(..., resume=True)), which ends with "
            f"the model of a run never stopped"
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
            f"it with --resume (resume=True) or start over with --force"
        )
    foreign = sorted(set(os.listdir(work)) - _WORK_FILES)
    if foreign:
        raise CheckpointError(
            f"refusing to remove {str(work)!r}: it holds {foreign[0]!r}, which tsrnn did not "
            f"write there; move it, or choose another --out"
        )
    shutil.rmtree(work)


def _span(report: dict, index, first: int, end: int) -> str:
    """Steps ``first`` to ``end - 1`` of a series in words, with their time labels where it has them."""
    from ..data.dates import format_labels

    steps = f"steps {first + 1}-{end}"
    if not report.get("time_form") or end <= first:
        return steps
    labels = format_labels(index[[first, end - 1]], report["time_form"])
    return f"{steps}, {labels[0]} to {labels[-1]}"


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
