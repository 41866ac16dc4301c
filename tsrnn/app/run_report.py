"""The report of a training run, as ``tsrnn fit`` prints it: the data's layout, split and time axis,
the model and its training, the held-out test beside the baselines, which model was saved and how its
intervals were calibrated.  Every function returns or passes on text; :mod:`tsrnn.app.training_run`
decides where it goes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.panel import Panel
from ..data.windows import make_windows
from ..estimator.forecaster import Forecaster
from ..estimator.rollout import network_inputs, scaled
from ..train.epochs import distributed_context
from .run_plots import LOSS_NAMES
from .shapes import format_shapes, trace_shapes

__all__ = [
    "metrics_table",
    "network_share_note",
    "time_axis_note",
    "first_series",
    "describe_layout",
    "evaluated_model",
    "report_fit",
    "report_test",
    "saved_model_note",
    "intervals_note",
]


_LABELS = {
    "model": "model",
    "naive": "naive (last value)",
    "seasonal_naive": "seasonal naive",
    "drift": "drift",
    "linear_ar": "linear AR (window)",
}


def _num(value: float | None, width: int = 0) -> str:
    """A metric with at most four decimals and five digits: 0.1235, 8913.8, 17828, 1.235e+06; n/a for None."""
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


def first_series(panel: Panel) -> tuple[Panel, pd.DataFrame]:
    """The first series, which the report and figures show: as a panel and as a frame of its labels."""
    shown = panel.take([0])
    index = shown.index if panel.ids[0] is None else shown.labels(0)
    return shown, pd.DataFrame(shown.values, index=index, columns=panel.columns)


def describe_layout(estimator: Forecaster, panel: Panel, starts: np.ndarray, holdout: float | int) -> str:
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
    if single:
        note = time_axis_note(panel.report, first_series(panel)[1].index)
    else:
        note = time_axis_note(
            panel.report, _extent(panel), f"{panel.n_series} series of {_counts(panel.lengths)}"
        )
    return f"{layout}\n  {note}{_fill_note(panel.report, single)}"


def _extent(panel: Panel, begin: np.ndarray | None = None) -> pd.Index:
    """The time labels of the earliest first step (each series' step ``begin``, default its first) and
    of the latest last step of a panel's series: what their steps span together."""
    assert panel.last is not None  # a panel of several series lies on one grid
    first = panel.last - panel.lengths + 1 + (0 if begin is None else begin)
    ends = np.array([int(first.min()), int(panel.last.max())])
    return pd.Index(ends) if panel.grid is None else panel.grid.labels(ends)


def _counts(counts: np.ndarray, each: str = " each") -> str:
    """Steps per series in words: "40 steps each", or "12 to 40 steps"."""
    lo, hi = int(counts.min()), int(counts.max())
    return f"{hi} step{'s' if hi > 1 else ''}{each}" if lo == hi else f"{lo} to {hi} steps"


def evaluated_model(estimator: Forecaster) -> Forecaster:
    """The model the test scores: the fit before the held-out steps, or the saved one without them."""
    held = getattr(estimator, "holdout_", None)
    return estimator if held is None else held.model


def report_fit(estimator: Forecaster, panel: Panel, starts: np.ndarray, say) -> list[dict]:
    """Report the evaluated model, the shapes of one of its training batches and its training;
    return the shapes."""
    evaluated = evaluated_model(estimator)
    model, history = evaluated.model_, evaluated.history_
    cfg, W = model.config, evaluated.window_
    uid0 = panel.ids[0]
    view = evaluated if uid0 is None else evaluated.series_model(uid0)
    fit_part = first_series(panel)[0].values[: int(starts[0])]
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


def saved_model_note(estimator: Forecaster, panel: Panel) -> str:
    """Which model the run saved, on which span (of every series), in words."""
    if panel.ids[0] is None:
        shown = first_series(panel)[1]
        span = _span(panel.report, shown.index, 0, len(shown))
    else:
        span = _labelled(panel.report, _extent(panel), f"{panel.n_series} series of {_counts(panel.lengths)}")
    held = getattr(estimator, "holdout_", None)
    if held is None:
        return f"fitted on all the data ({span}), nothing held out"
    averaged = estimator.history_.averaged
    if len(averaged) > 1:  # the epochs the evaluated fit's validation chose, averaged again
        how = f"averaging the weights of epochs {', '.join(map(str, averaged))} as the evaluated fit did"
    else:
        how = "the evaluated fit's " + ("best epoch" if held.model.history_.best_epoch else "epoch count")
    return f"refit on all the data ({span}) for {held.epochs} epochs, {how}"


def intervals_note(estimator: Forecaster) -> str:
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


def report_test(estimator: Forecaster, panel: Panel, starts: np.ndarray, say):
    """Report the held-out test (if any) and the saved model; return the test metrics and the
    evaluated model's one-step forecasts over the held-out steps (None, None without them)."""
    held = getattr(estimator, "holdout_", None)
    saved = saved_model_note(estimator, panel)
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
    shown, full_frame = first_series(panel)
    test_start, T = int(starts[0]), len(full_frame)
    if uid0 is None:
        span = _span(panel.report, full_frame.index, test_start, T)
    else:  # each series' own last steps
        held_out = f"the last {_counts(panel.lengths - starts, '')} of each of the {panel.n_series} series"
        span = _labelled(panel.report, _extent(panel, starts), held_out)
    say(
        f"test ({span}, held out): "
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


def time_axis_note(report: dict, index, series: str = "") -> str:
    """One line on the time index: which column it came from, its form, frequency and span: of one
    series (``index``: its labels), or of a panel's ``series`` (their count and lengths in words;
    ``index``: the earliest start and the latest end)."""
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
    if series:
        span = f", {series}" + (
            f", from {labels[0]} (the earliest start) to {labels[-1]} (the latest end)" if len(labels) else ""
        )
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
    decided = "".join(f"; {note}" for note in report.get("decisions") or [])  # a reading of two, and why
    return f"time index: {where}, {kind}{span}; season {season}{decided}{left_out}"


def _some(names: list[str], shown: int = 12) -> str:
    """A list of column names for the report, the first ``shown`` of a long one."""
    return (
        str(names) if len(names) <= shown else f"{str(names[:shown])[:-1]}, ... ({len(names) - shown} more)]"
    )


def _labelled(report: dict, extent: pd.Index, steps: str) -> str:
    """``steps`` in words, with the first and last of ``extent``'s time labels where they are times."""
    from ..data.dates import format_labels

    if not report.get("time_form"):
        return steps
    labels = format_labels(extent, report["time_form"])
    return f"{steps}, {labels[0]} to {labels[-1]}"


def _span(report: dict, index, first: int, end: int) -> str:
    """Steps ``first`` to ``end - 1`` of a series in words, with their time labels where it has them."""
    from ..data.dates import format_labels

    steps = f"steps {first + 1}-{end}"
    if not report.get("time_form") or end <= first:
        return steps
    labels = format_labels(index[[first, end - 1]], report["time_form"])
    return f"{steps}, {labels[0]} to {labels[-1]}"
