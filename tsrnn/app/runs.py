"""A complete training run, as ``tsrnn fit`` does it: data, split, fit, test, and a run directory.

The run directory holds ``config.json`` + ``model.safetensors`` (the model, see
:meth:`Forecaster.save`), ``history.csv`` (epoch, train_loss, val_loss, seconds), ``metrics.json``
(test errors beside the naive baseline), ``run.json`` (what was run, on which data, how long it took),
``forecast.png``, ``loss.png`` and ``hidden.png`` (see :mod:`tsrnn.app.run_plots`).  It appears only
when complete.
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
from ..data.reading import Reading, with_reading
from ..data.series import read_csv
from ..data.windows import make_windows, resolve_targets
from ..estimator.forecaster import Forecaster
from ..estimator.intake import read
from ..estimator.persistence import model_files
from ..estimator.planning import configs, fit_threads
from ..estimator.running import network_inputs, scaled
from ..nn.checkpoint import run_directory, save_model, write_atomic
from ..nn.schema import read_json
from ..train.loop import STATE_CONFIG, distributed_context
from .run_plots import LOSS_NAMES
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


def _num(value: float | None, width: int = 10) -> str:
    return f"{'n/a':>{width}}" if value is None else f"{value:>{width}.4f}"


def metrics_table(metrics: dict) -> str:
    """The result of :meth:`Forecaster.evaluate` as text: a row per method, then the skill."""
    lines = [f"  {'':<20}{'RMSE':>10}{'MAE':>10}{'MASE':>10}{'sMAPE %':>10}"]
    for key, label in _LABELS.items():
        m = metrics[key]
        best = "  <- best baseline" if key == metrics["best_baseline"] else ""
        lines.append(
            f"  {label:<20}{_num(m['rmse'])}{_num(m['mae'])}{_num(m.get('mase'))}{_num(m['smape'])}{best}"
        )
    sk = metrics["skill"]
    lines.append(
        f"  skill vs best baseline (1 - model / baseline): RMSE {_num(sk['rmse'], 0)}, "
        f"MAE {_num(sk['mae'], 0)}"
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
OPTIONS_VERSION = 5  # options.json: 1 holds only what the caller passed, 2 every setting, 3 came with
# deseason, 4 with average_best, 5 with window_scale
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
    test_fraction: float = 0.2,
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
    test_fraction : float
        Share of the series, at its end, held out for the test metrics.
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
        return fit_run(out_dir, report=report, progress=progress, _resumed=True, **options)
    resumed = params.pop("_resumed", False)
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
        test_fraction=test_fraction,
        force=force,
        reading=reading,
    )
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
    lengths = panel.lengths
    single = panel.ids[0] is None
    if single:
        starts = lengths - np.round(lengths * test_fraction).astype(np.int64)
    else:
        starts = np.round(lengths * (1 - test_fraction)).astype(np.int64)
    none = np.flatnonzero(starts >= lengths)
    if len(none):  # refuse short data before any report or work
        s = int(none[0])
        raise DataError(
            ("" if single else f"series {panel.ids[s]!r}: ")
            + f"test_fraction={test_fraction} of {int(lengths[s])} steps leaves no test step"
        )
    for n in np.unique(starts).tolist():  # one check per distinct length, naming the first series of it
        try:
            estimator.check_length(n)
        except DataError as err:
            uid = panel.ids[int(np.flatnonzero(starts == n)[0])]
            raise (err if single else DataError(f"series {uid!r}: {err}")) from None
    uid0, test_start = panel.ids[0], int(starts[0])
    shown = panel.take([0])  # the series the report and figures show
    full_frame = pd.DataFrame(
        shown.values, index=shown.index if single else shown.labels(0), columns=panel.columns
    )
    n_features = len(panel.columns)
    positions = resolve_targets(estimator.targets, panel.columns)  # refused before any report or work:
    configs(estimator, n_features, positions or list(range(n_features)))  # bad settings too
    fit_threads(estimator)
    T = int(lengths[0])
    fit_part = shown.values[:test_start]
    fit_data = panel.take(stop=starts)
    eval_start: int | float  # the first test step, or for long data the share before it
    if single:
        eval_data, eval_start = panel, test_start
        layout = (
            f"{T} steps x {n_features} features {_some(panel.columns)}; first {test_start} steps to fit "
            f"({estimator.describe_validation(test_start)}), last {T - test_start} to test"
        )
    else:
        eval_data, eval_start = panel, 1 - test_fraction
        layout = (
            f"{panel.n_series} series (long layout), {panel.values.shape[0]} rows, columns "
            f"{_some(panel.columns)}; one global model fits the first {1 - test_fraction:.0%} of each series, "
            f"the rest tests; report and figures show series {uid0!r}"
        )
    notes = _fill_note(panel.report, single)
    say(f"data: {source}\n  {layout}\n  {time_axis_note(panel.report, full_frame.index)}{notes}")
    out_dir = Path(out_dir)
    if not main:  # another rank of a torchrun launch: train its shard, write nothing
        saved = resumed and (work / "checkpoint" / STATE_CONFIG).is_file()
        estimator.fit(fit_data, progress=False, checkpoint_dir=work / "checkpoint", resume=saved)
        return out_dir
    with output_lock(out_dir):  # a second run to the same out_dir is refused until this one ends
        if work.exists() and not resumed:
            _discard_interrupted(work, out_dir, force)
        with _keeping(work, out_dir), run_directory(out_dir, overwrite=force, work=work) as tmp:
            if not resumed and isinstance(path, (str, type(None))):  # an in-memory series cannot be resumed
                write_atomic(options_file, json.dumps(options, indent=2) + "\n")
            fit_start = time.perf_counter()
            saved = resumed and (tmp / "checkpoint" / STATE_CONFIG).is_file()  # else no epoch was complete
            estimator.fit(fit_data, progress=progress, checkpoint_dir=tmp / "checkpoint", resume=saved)
            fit_seconds = time.perf_counter() - fit_start
            model, history = estimator.model_, estimator.history_
            cfg, W = model.config, estimator.window_
            view = estimator if uid0 is None else estimator.series_model(uid0)
            inputs = network_inputs(
                view, fit_part, placeholder=0.0
            )  # for the shapes only: any calendar steps do
            X, _ = make_windows(scaled(view, inputs, None, np.arange(len(fit_part))), W, estimator.horizon)
            shapes = trace_shapes(model, X[: estimator.batch_size_])
            say(
                f"model: {cfg.cell.upper()}, {cfg.num_layers} layer(s) x {cfg.hidden_size} hidden"
                f"{', bidirectional' if cfg.bidirectional else ''}"
                f"{f', linear highway over the last {cfg.highway} steps' if cfg.highway else ''}"
                f"{', each window in its own scale' if cfg.window_scale else ''}, "
                f"{model.n_parameters()} parameters\n"
                + (
                    f"known inputs: {[estimator.feature_names_in_[i] for i in view.known_idx_]}, read over the "
                    f"{cfg.horizon} forecast steps (one lead input each: F = {cfg.input_size})\n"
                    if view.known_idx_
                    else ""
                )
                + f"{estimator.seasonality_.describe()}\n"
                + f"shapes of one training batch:\n{format_shapes(shapes)}"
            )
            last = history.records[-1]
            best = history.records[history.best_epoch - 1] if history.best_epoch else last
            val = "" if best["val_loss"] is None else f", validation {best['val_loss']:.4g}"
            world = distributed_context()[1]
            ddp = f" on {world} processes (DistributedDataParallel)" if world > 1 else ""
            say(
                f"training: {len(history.records)} epochs in {fit_seconds:.1f} s{ddp} ({history.stop_reason}); "
                f"best epoch {history.best_epoch}: train loss {best['train_loss']:.4g}{val} "
                f"({LOSS_NAMES[cfg.loss]}, scaled)"
                + (
                    f"; the model averages the weights of epochs {', '.join(map(str, history.averaged))}"
                    if len(history.averaged) > 1
                    else ""
                )
                + network_share_note(history)
            )

            metrics = estimator.evaluate(eval_data, start=eval_start)
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
                f"test: {metrics['n_windows']} origins x {metrics['horizon']} step(s) ahead, errors in the "
                f"data's units (seasonal-naive seasons: {seasons})\n{metrics_table(metrics)}"
            )
            # (N, O): step 1 of every window inside the data (a model with known inputs reads them K steps on)
            reach = cfg.horizon if view.known_idx_ else 1
            blank = np.zeros((cfg.horizon, len(view.known_idx_))) if view.known_idx_ else None
            one_step = view.predict(shown.take(start=test_start - W), future=blank)[:-reach, 0, :]
            predicted = pd.DataFrame(
                one_step,
                columns=estimator.target_names_,
                index=full_frame.index[test_start : test_start + one_step.shape[0]],
            )

            save_model(tmp, *model_files(estimator))  # what Forecaster.save writes, into this run
            write_atomic(tmp / "history.csv", history.to_frame().to_csv(index=False))
            write_atomic(tmp / "metrics.json", json.dumps({"test": metrics}, indent=2) + "\n")
            from .run_plots import data_spec, run_figures

            for name, figure in run_figures(
                view, full_frame, test_start, history.to_frame(), predicted, data=shown
            ).items():
                figure.savefig(tmp / name, dpi=100)  # forecast.png, loss.png, hidden.png
            run = {
                "source": source,
                "data": data_spec(data, features, length, noise, seed),
                "steps": T,
                "test_start": test_start,
                "test_fraction": test_fraction,
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
    say(
        f"wrote {out_dir}/: config.json, model.safetensors, history.csv, metrics.json, run.json, "
        f"forecast.png, loss.png, hidden.png\ntime: {time.perf_counter() - start:.1f} s"
    )
    return out_dir


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
