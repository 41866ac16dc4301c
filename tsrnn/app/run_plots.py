"""The figures of a run directory: drawn by ``tsrnn fit`` and redrawn by ``tsrnn plot RUN_DIR``.

``forecast.png`` (one-step forecasts on the test span, the end of the training span shaded),
``loss.png`` (history.csv) and ``hidden.png`` (every layer's hidden state on the last training
window, which the model file keeps); ``tsrnn plot`` adds ``hidden_lines.png``.  ``run.json``'s
``data`` entry says how to get the series back: regenerate it, or re-read the CSV file if it is
unchanged.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..base.errors import CheckpointError, DataError
from ..base.outputs import check_output_files, output_lock
from ..data.files import read_csv
from ..data.generate import multi_sine
from ..data.reading import Reading
from ..estimator.intake import data_panel
from ..nn.checkpoint import write_atomic
from ..nn.run_format import CsvFile, Generated, InMemory, check_run, read_history
from ..nn.typed_json import read_json

__all__ = ["FIGURES", "LOSS_NAMES", "data_spec", "run_data", "run_figures", "plot_run"]

LOSS_NAMES = {"mse": "MSE", "gaussian": "Gaussian NLL", "quantile": "pinball"}  # by ModelConfig.loss

FIGURES = {
    "forecast.png": "one-step forecasts against the actual test span, training span shaded",
    "loss.png": "training and validation loss per epoch",
    "hidden.png": "every layer's hidden state (unit x step) on the last training window, under it",
    "hidden_lines.png": "each hidden unit's value over the steps of that window, per layer",
}


def _sha256(path: str | os.PathLike) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_spec(data, features: int, length: int, noise: float, seed: int) -> dict:
    """How ``tsrnn plot`` can get the series of a run back (recorded in run.json, typed by
    :class:`~tsrnn.nn.run_format.RunFile`'s ``data``)."""
    import msgspec

    spec: Generated | CsvFile | InMemory = InMemory()
    if data is None:
        spec = Generated(length=length, features=features, noise=noise, seed=seed)
    elif isinstance(data, (str, os.PathLike)):
        spec = CsvFile(os.path.abspath(data), _sha256(data))
    return msgspec.to_builtins(spec)


def run_data(model_dir: str | os.PathLike, reading: dict | None = None):
    """The data a run directory was fitted on, read as ``fit`` read it, with ``reading`` (the
    reading options of :class:`~tsrnn.data.reading.Reading`; default those the model keeps); None
    and why not, when its run.json does not say or the file changed since."""
    run_path = Path(model_dir) / "run.json"
    if not run_path.is_file():
        return None, f"{str(model_dir)!r} has no run.json saying which data it was fitted on"
    if reading is None:
        reading = (read_json(Path(model_dir) / "config.json").get("reading") or {}).get("file")
    return _data_of(read_json(run_path).get("data"), reading)


def _data_of(spec: dict | None, reading: dict | None) -> tuple[pd.DataFrame | None, str]:
    """The data a run's ``data`` spec names (generated, or a CSV file unchanged since, read with
    ``reading``), or None and why not."""
    spec = spec or {}
    kind = spec.get("kind")
    if kind == "generated":
        return multi_sine(spec["length"], spec["features"], noise=spec["noise"], seed=spec["seed"]), ""
    if kind == "csv":
        path = spec["path"]
        if not os.path.isfile(path):
            return None, f"the data file {path!r} is gone"
        if _sha256(path) != spec["sha256"]:
            return None, f"the data file {path!r} changed since the run"
        return read_csv(path, Reading.from_dict(reading)), ""
    if kind == "memory":
        return None, "the run trained on data given in memory, which it did not keep"
    return None, "run.json does not say where the data came from (data given in memory, or an older run)"


def _recover(spec: dict | None, estimator, steps: int | None) -> tuple[pd.DataFrame | None, str]:
    """The run's series as a DataFrame, or None and why not."""
    frame, why = _data_of(spec, (getattr(estimator, "reading_", None) or {}).get("file"))
    if frame is None:
        return None, why
    try:
        panel = data_panel(estimator, frame)[0]  # read as the run read it: time column, columns, fill
    except DataError as err:
        return None, f"the recovered series is not the run's: {err}"
    if steps is not None and panel.values.shape[0] != steps:
        return None, (
            f"the recovered series ({panel.values.shape[0]} steps, columns {panel.columns}) is not the "
            f"run's ({steps} steps, columns {estimator.feature_names_in_})"
        )
    return pd.DataFrame(panel.values, index=panel.index, columns=panel.columns), ""


def run_figures(
    estimator,
    frame: pd.DataFrame | None,
    test_start: int | None,
    history: pd.DataFrame | None,
    predicted: pd.DataFrame | None = None,
    lines: bool = False,
    data=None,
) -> dict:
    """The figures of a fitted run, by file name; a figure whose inputs are missing is left out.

    ``frame`` is the whole series (T, F), ``test_start`` the position of its first test step,
    ``history`` the per-epoch losses, ``predicted`` the one-step test forecasts (computed when not
    given).  ``lines`` adds ``hidden_lines.png``.  ``data`` is that series as the model reads it
    (a :class:`~tsrnn.data.panel.Panel` already read, so it is not read again; default ``frame``).
    """
    from . import plot

    figures = {}
    if frame is not None and test_start is not None:
        figures["forecast.png"] = _forecast_figure(estimator, frame, test_start, predicted, data)
    if history is not None and len(history):
        figures["loss.png"] = plot.loss(
            history,
            best_epoch=estimator.history_.best_epoch,
            ylabel=f"{LOSS_NAMES[estimator.model_.config.loss]} loss (scaled units)",
        )
    window = pd.DataFrame(estimator.context_, columns=estimator.feature_names_in_)
    future = None  # a model with known inputs reads them over the K steps after the window
    if estimator.known_idx_:
        K = estimator.model_.config.horizon
        known = [estimator.feature_names_in_[i] for i in estimator.known_idx_]
        after = (
            frame.iloc[test_start : test_start + K][known]
            if frame is not None and test_start is not None
            else None
        )
        future = after.to_numpy() if after is not None and len(after) == K else np.zeros((K, len(known)))
    states = estimator.hidden_states(window.to_numpy(), future=future)  # L x (W, D*H)
    cfg = estimator.model_.config
    where = f"the last training window ({estimator.window_} steps)"
    figures["hidden.png"] = plot.hidden_heatmap(
        states,
        inputs=window,
        directions=cfg.directions,
        title=f"{cfg.cell.upper()} hidden state of every layer at every step of {where}",
    )
    if lines:
        figures["hidden_lines.png"] = plot.hidden_lines(
            states, title=f"{cfg.cell.upper()} hidden units over {where}"
        )
    return figures


def _forecast_figure(estimator, frame: pd.DataFrame, test_start: int, predicted, data):
    """forecast.png: the one-step forecasts (computed when ``predicted`` is None) on the test span."""
    from . import plot

    W = estimator.window_
    if predicted is None:
        reach = estimator.model_.config.horizon if estimator.known_idx_ else 1  # known inputs: read K on
        blank = np.zeros((reach, len(estimator.known_idx_))) if estimator.known_idx_ else None
        one_step = estimator.predict(_tail(data, frame, test_start - W), future=blank)[
            :-reach, 0, :
        ]  # step 1 of each
        predicted = pd.DataFrame(
            one_step,
            columns=estimator.target_names_,
            index=frame.index[test_start : test_start + one_step.shape[0]],
        )
    predicted = _with_quantiles(estimator, _tail(data, frame, test_start - W), predicted)
    shown = max(0, test_start - 4 * W)
    return plot.forecast(
        frame.iloc[shown:],
        predicted,
        split=frame.index[test_start],
        label="one-step forecast",
        title="One-step forecasts on the test span",
        train_span=(frame.index[shown], frame.index[test_start - 1]),
    )


def _tail(data, frame: pd.DataFrame, start: int):
    """The series from step ``start`` on: of ``data`` (a panel) when given, else of ``frame``."""
    return frame.iloc[start:] if data is None else data.take(start=start)


def _with_quantiles(estimator, data, predicted: pd.DataFrame) -> pd.DataFrame:
    """A probabilistic model's one-step forecasts with their quantile columns, drawn as bands."""
    from ..evaluation.probabilistic import quantile_columns

    levels = estimator.model_.config.quantiles
    if levels is None or any(
        c in predicted.columns for c in quantile_columns(estimator.target_names_, levels)
    ):
        return predicted
    blank = (
        np.zeros((estimator.model_.config.horizon, len(estimator.known_idx_)))
        if estimator.known_idx_
        else None
    )
    q = estimator.predict_quantiles(data, steps=1, future=blank)[
        : len(predicted), 0
    ]  # (N, O, Q): step 1 of each
    bands = pd.DataFrame(
        q.reshape(len(q), -1),
        index=predicted.index,
        columns=quantile_columns(estimator.target_names_, levels),
    )
    return pd.concat([predicted, bands], axis=1)


def plot_run(
    run_dir: str | os.PathLike, out_dir: str | os.PathLike | None = None, force: bool = False, dpi: int = 100
) -> tuple[list[Path], list[str]]:
    """Draw every figure a run directory supports; return (files written, reasons for any left out).

    Figures go into ``run_dir`` itself, replacing tsrnn's own figures there, or into ``out_dir``,
    where an existing file is replaced only with ``force=True``.
    """
    from ..estimator.forecaster import Forecaster

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise CheckpointError(f"run directory {str(run_dir)!r} does not exist")
    estimator = Forecaster.load(run_dir)
    run_path, history_path = run_dir / "run.json", run_dir / "history.csv"
    run = check_run(read_json(run_path), run_path, estimator.window_) if run_path.is_file() else {}
    history = read_history(history_path) if history_path.is_file() else None
    if estimator.long_:  # long data: the figures show the first series, as tsrnn fit drew them
        uid = str(estimator.state_.ids[0])
        estimator = estimator.series_model(uid)
        frame, why = None, f"the run used long data (several series); its figures show series {uid!r} only"
    elif run.get("refit_epochs"):  # the saved model has read the held-out steps: its test forecasts are not
        frame, why = (
            None,
            (  # out of sample; the figure 'tsrnn fit' drew, from the evaluated model, is
                "the saved model was refit on the held-out span, so its forecasts there are in-sample; "  # kept
                "the one 'tsrnn fit' drew from the evaluated model stays"
            ),
        )
    else:
        frame, why = _recover(run.get("data"), estimator, run.get("steps"))
    figures = run_figures(estimator, frame, run.get("test_start"), history, lines=True)
    skipped = []
    if "forecast.png" not in figures:
        skipped.append(f"forecast.png: {why or 'run.json has no test_start'}")
    if "loss.png" not in figures:
        skipped.append("loss.png: the run directory has no history.csv")
    target = run_dir if out_dir is None else Path(out_dir)
    if target.exists() and not target.is_dir():
        raise DataError(f"{str(target)!r} exists and is not a directory")
    into_run = out_dir is None or target.resolve() == run_dir.resolve()  # the run's own figures: replaced
    written = []
    with output_lock(target):  # the run's lock (.NAME.lock beside it), as tsrnn fit holds it
        check_output_files([target / name for name in sorted(figures)], force or into_run)
        for name, figure in figures.items():
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=dpi)
            write_atomic(target / name, buffer.getvalue())
            written.append(target / name)
    return written, skipped
