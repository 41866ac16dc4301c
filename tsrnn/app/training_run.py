"""A complete training run, as ``tsrnn fit`` does it: data, split, fit, test, and a run directory.

With a held-out span (``holdout``, by default each series' last 20%) the run fits the steps before
it, tests there, and saves the model refit on *all* the data (see :mod:`tsrnn.estimator.holdout`),
so the saved model forecasts from the data's last timestamp.  The run directory holds
``config.json`` + ``model.safetensors`` (the saved model, see :meth:`Forecaster.save`),
``history.csv`` (epoch, train_loss, val_loss, seconds of the evaluated fit), ``run.json`` (what was
run, on which data, which model was saved and on which span, how long it took), ``loss.png`` and
``hidden.png``, and with a held-out span ``metrics.json`` (test errors beside the baselines) and
``forecast.png`` (see :mod:`tsrnn.app.run_plots`).  It appears only when complete; until then the
run works in a hidden directory beside it (:func:`work_directory`), where the training state is saved
after every epoch, so that an interrupted run can be resumed.  The report it prints is
:mod:`tsrnn.app.run_report`'s.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..base.errors import CheckpointError, DataError, TsrnnError
from ..base.outputs import RUN_FILES, check_replaceable, output_lock
from ..data.dataset import as_panel
from ..data.files import read_csv
from ..data.generate import check_generated, multi_sine
from ..data.panel import Panel
from ..data.reading import Reading, with_reading
from ..data.windows import resolve_targets
from ..estimator.forecaster import Forecaster
from ..estimator.holdout import check_holdout, test_starts
from ..estimator.persistence import model_files
from ..estimator.planning import configs, fit_threads
from ..nn.checkpoint import run_directory, save_model, write_atomic
from ..nn.typed_json import read_json
from ..train.epochs import distributed_context
from ..train.resume import STATE_CONFIG
from . import run_plots
from .run_plots import data_spec
from .run_report import (
    describe_layout,
    evaluated_model,
    first_series,
    intervals_note,
    report_fit,
    report_test,
    saved_model_note,
)

__all__ = ["fit_run", "work_directory"]


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


READ_KEYWORDS = ("columns", "time_col", "fill", "irregular", "freq")  # tsrnn.read's (columns: its features)
_READ_DEFAULTS = {  # as_panel's own defaults, which tsrnn.read's are
    k: inspect.signature(as_panel).parameters["features" if k == "columns" else k].default
    for k in READ_KEYWORDS
}

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

    After Ctrl-C, a crash or any error (a full disk while writing the run: the CheckpointError says so,
    and where the training is kept), ``resume=True`` continues the run with the settings it started
    with (every other argument but ``report`` and ``progress`` is then ignored) and ends with the same
    model as a run never interrupted.  Under torchrun every rank calls this; only rank 0 reports and
    writes.

    Parameters
    ----------
    out_dir : path
        Run directory; a non-empty one is replaced only with ``force=True``.
    data : path to a CSV file, DataFrame or array, optional
        The series; by default a :func:`multi_sine` of ``features`` columns, ``length`` steps and
        ``noise``, generated from ``seed``.
    holdout : float or int
        Each series' last steps held out for the test: a fraction in (0, 1) or a number of steps; the
        model saved is then refit on all the data (:meth:`Forecaster.fit`); 0 tests nothing.
    report : callable, optional
        Receives the human-readable report, a paragraph at a time.
    reading : dict, optional
        How ``data`` is read where it reads two ways (:class:`~tsrnn.data.reading.Reading`'s fields).
    **params
        :class:`Forecaster` parameters (its ``seed`` is ``seed``), and how ``data`` is read:
        ``columns`` (the input columns), ``time_col``, ``fill``, ``irregular`` and ``freq``, as
        :func:`tsrnn.read` takes them (``columns`` is its ``features``).
    """
    if resume:
        options = _resumed_options(out_dir, work_directory(out_dir))
        return fit_run(out_dir, report=report, progress=progress, _resumed=True, **options)
    start = time.perf_counter()
    main = distributed_context()[0] == 0
    say = report if report is not None and main else (lambda text: None)
    generated = {"features": features, "length": length, "noise": noise, "seed": seed}
    run = _prepare(out_dir, data, generated, holdout, force, reading, params, main)
    say(f"data: {run.source}\n  {describe_layout(run.estimator, run.panel, run.starts, run.holdout)}")
    if not main:  # another rank of a torchrun launch: train its shard, write nothing
        _fit(run, run.work / "checkpoint", progress=False)
        return run.out_dir
    with _placed(run) as tmp:
        _train_and_write(run, tmp, say, progress, start)
    names = sorted(n for n in os.listdir(run.out_dir) if not n.startswith("."))
    say(f"wrote {run.out_dir}/: {', '.join(names)}\ntime: {time.perf_counter() - start:.1f} s")
    return run.out_dir


@dataclass
class _Run:
    """What a run settles before it trains: where it writes, the estimator, the data read once (a
    panel every later step gets) and each series' first held-out step."""

    out_dir: Path
    work: Path  # where it works until complete (work_directory)
    estimator: Forecaster
    panel: Panel
    starts: np.ndarray  # (S,)
    holdout: float | int
    source: str  # the data, in words
    data: dict  # run.json's "data": how 'tsrnn plot' gets the series back
    options: dict | None  # every setting, kept for a resume (None: resumed, or data given in memory)
    resumed: bool
    force: bool


def _prepare(out_dir, data, generated: dict, holdout, force: bool, reading, params: dict, main: bool) -> _Run:
    """The run's settings checked, its data read and split, all before any work (bad settings, short
    data and an ``out_dir`` that may not be replaced are refused first)."""
    resumed = params.pop("_resumed", False)
    holdout = check_holdout(holdout)
    if main:
        check_replaceable(out_dir, force)  # refused before any work (and checked again before the rename)
    path = os.path.abspath(data) if isinstance(data, (str, os.PathLike)) else data  # resumable from elsewhere
    laid_out = {k: params.pop(k) for k in READ_KEYWORDS if k in params}  # how the data is read
    laid_out = {**_READ_DEFAULTS, **laid_out}
    options = dict(params, **laid_out, data=path, **generated, holdout=holdout, force=force, reading=reading)
    features, length = generated["features"], generated["length"]
    estimator = Forecaster(seed=generated["seed"], **params)
    if data is None:  # the sizes of the generated series and of its model, refused before generating it
        check_generated(length, features)
        configs(estimator, features, list(range(features)))
        fit_threads(estimator)
    frame, source = _load_data(data, **generated, reading=reading)
    for name, value in estimator.get_params().items():  # every setting, so a resume never meets new defaults
        if name != "seed":
            options.setdefault(name, value)
    options["options_version"] = OPTIONS_VERSION
    panel = _panel(frame, laid_out)  # the one reading of the data: every step below gets this panel
    starts = _split(estimator, panel, holdout)  # short data and bad settings refused before any work
    kept = not resumed and isinstance(path, (str, type(None)))  # an in-memory series cannot be resumed
    spec = data_spec(data, **generated)
    return _Run(
        Path(out_dir),
        work_directory(out_dir),
        estimator,
        panel,
        starts,
        holdout,
        source,
        spec,
        options if kept else None,
        resumed,
        force,
    )


def _panel(data, laid_out: dict) -> Panel:
    """The run's data as one panel, read by :func:`~tsrnn.data.dataset.as_panel` with the run's
    reading keywords (a :class:`~tsrnn.data.dataset.Dataset` as it is)."""
    options = {("features" if k == "columns" else k): v for k, v in laid_out.items()}
    return as_panel(data, **options)


@contextlib.contextmanager
def _placed(run: _Run) -> Iterator[Path]:
    """The run's work directory, renamed into place when the block ends; under the run's lock (a second
    run to the same ``out_dir`` is refused until this one ends), after removing what an interrupted run
    left there (with ``force``), and kept on any error (:func:`_keeping`)."""
    with output_lock(run.out_dir):
        if run.work.exists() and not run.resumed:
            _discard_interrupted(run.work, run.out_dir, run.force)
        with (
            _keeping(run.work, run.out_dir),
            run_directory(run.out_dir, overwrite=run.force, work=run.work) as tmp,
        ):
            yield tmp


def _fit(run: _Run, checkpoint: Path, progress: bool) -> None:
    """Fit the run's estimator, its training state saved in ``checkpoint`` after every epoch; a resumed
    run continues from the last epoch saved (none was complete: it starts over)."""
    saved = run.resumed and (checkpoint / STATE_CONFIG).is_file()
    run.estimator.fit(
        run.panel, progress=progress, checkpoint_dir=checkpoint, resume=saved, holdout=run.holdout
    )


def _train_and_write(run: _Run, tmp: Path, say: Callable[[str], None], progress: bool, start: float) -> None:
    """Train, report and write the run into its work directory ``tmp``; last, remove what only an
    interrupted run needs."""
    if run.options is not None:
        write_atomic(run.work / "options.json", json.dumps(run.options, indent=2) + "\n")
    fit_start = time.perf_counter()
    _fit(run, tmp / "checkpoint", progress)
    fit_seconds = time.perf_counter() - fit_start
    estimator, panel, starts = run.estimator, run.panel, run.starts
    shapes = report_fit(estimator, panel, starts, say)
    metrics, predicted = report_test(estimator, panel, starts, say)
    say(f"intervals: {intervals_note(estimator)}")
    save_model(tmp, *model_files(estimator))  # what Forecaster.save writes, into this run
    record = {
        "source": run.source,
        "data": run.data,
        "steps": int(panel.lengths[0]),
        "holdout": run.holdout,
        "test_start": int(starts[0]) if run.holdout else None,
        "saved_model": saved_model_note(estimator, panel),
        "refit_epochs": estimator.holdout_.epochs if run.holdout else None,
        "intervals": intervals_note(estimator),
        "estimator": estimator.get_params(),
        "shapes": [dict(r, shape=list(r["shape"])) for r in shapes],
        "fit_seconds": fit_seconds,
    }
    _write_results(tmp, estimator, panel, starts, metrics, predicted)
    record.update(total_seconds=time.perf_counter() - start, tsrnn=__version__)
    write_atomic(tmp / "run.json", json.dumps(record, indent=2, default=_jsonable) + "\n")
    # Last: until here an interruption leaves a resumable run; the finished one needs neither.
    check_replaceable(run.out_dir, run.force)  # a file may have appeared in out_dir while we trained
    shutil.rmtree(tmp / "checkpoint", ignore_errors=True)
    (run.work / "options.json").unlink(missing_ok=True)


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


def _write_results(tmp: Path, estimator: Forecaster, panel: Panel, starts, metrics, predicted) -> None:
    """The run's history, metrics and figures, into its work directory."""
    evaluated = evaluated_model(estimator)
    history = evaluated.history_
    write_atomic(tmp / "history.csv", history.to_frame().to_csv(index=False))
    if metrics is not None:
        write_atomic(tmp / "metrics.json", json.dumps({"test": metrics}, indent=2) + "\n")
    uid0 = panel.ids[0]
    view = evaluated if uid0 is None else evaluated.series_model(uid0)
    shown, full_frame = first_series(panel)
    test_start = int(starts[0]) if metrics is not None else None
    figures = run_plots.run_figures(view, full_frame, test_start, history.to_frame(), predicted, data=shown)
    for name, figure in figures.items():
        figure.savefig(tmp / name, dpi=100)  # forecast.png, loss.png, hidden.png


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
