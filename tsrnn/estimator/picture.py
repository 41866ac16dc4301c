"""``Forecaster.plot``: a figure of each series' history and its forecast (with intervals where the
forecast frame has them), one panel per ``unique_id``, dates on the axis.

The history is read as ``fit`` reads data (a date column, a pandas Series, long data), so its time
labels are those of the forecast's ``ds``.  matplotlib loads only here, when a figure is drawn.
"""

from __future__ import annotations

import re

import numpy as np

from ..base.errors import DataError
from .inference import FORECAST_COLUMN, forecast_ids
from .intake import data_panel

__all__ = ["plot", "MAX_PANELS", "HISTORY_SHOWN", "central_intervals", "draw_bands"]

MAX_PANELS = 6  # ids=None draws the first this many series/targets, and says so in the figure
HISTORY_SHOWN = 500  # steps of history drawn at most per panel (at least 5 x the forecast steps)


def _histories(est, data) -> dict:
    """``unique_id -> (time labels, values)`` of every series and target of ``data`` (or, for
    None, of the last window the fitted model keeps of each series)."""
    import pandas as pd

    targets = est.target_idx_
    out: dict[str, tuple] = {}
    if data is None:
        state, W = est.state_, est.window_
        uids = iter(forecast_ids(est, state.ids))
        for s, spec in enumerate(state.specs):
            labels: pd.Index
            if spec["kind"] == "datetime":
                labels = pd.date_range(end=pd.Timestamp(spec["last"]), periods=W, freq=spec["freq"])
            else:
                labels = pd.RangeIndex(spec["last"] - (W - 1) * spec["step"], spec["last"] + 1, spec["step"])
            for o in targets:
                out[next(uids)] = (labels, state.context[s, :, o])
        return out
    panel, _, _ = data_panel(est, data, "forecasting")
    uids = iter(forecast_ids(est, panel.ids))
    for s in range(panel.n_series):
        own = panel.index if panel.index is not None else panel.labels(s)
        values = panel.rows(s)
        for o in targets:
            out[next(uids)] = (own, values[:, o])
    return out


def _intervals(columns) -> list[tuple[str, str, float]]:
    """(low column, high column, nominal %) of the forecast frame's intervals, widest first:
    ``tsrnn-lo-80`` / ``tsrnn-hi-80``, and central pairs of quantiles ``tsrnn-q0.1`` / ``tsrnn-q0.9``."""
    pairs = []
    for name in columns:
        m = re.fullmatch(rf"{FORECAST_COLUMN}-lo-(\d+(?:\.\d+)?)", str(name))
        if m and f"{FORECAST_COLUMN}-hi-{m.group(1)}" in columns:
            pairs.append((name, f"{FORECAST_COLUMN}-hi-{m.group(1)}", float(m.group(1))))
    levels = {}
    for name in columns:
        m = re.fullmatch(rf"{FORECAST_COLUMN}-q(\d*\.?\d+)", str(name))
        if m:
            levels[float(m.group(1))] = name
    return sorted(pairs + central_intervals(levels), key=lambda p: -p[2])


def central_intervals(levels: dict[float, str]) -> list[tuple[str, str, float]]:
    """The central intervals among quantile columns by level (``{0.1: name, 0.9: name}``): (low column,
    high column, nominal %) for every pair of levels ``tau`` and ``1 - tau``, widest first."""
    pairs = [
        (levels[lo], levels[hi], round(100 * (hi - lo), 6))
        for lo in levels
        for hi in levels
        if lo < 0.5 and abs(lo + hi - 1) < 1e-9
    ]
    return sorted(pairs, key=lambda p: -p[2])


def draw_bands(ax, x, frame, bands: list[tuple[str, str, float]]) -> None:
    """Shade on ``ax`` over ``x`` each interval of ``frame`` that ``bands`` names ((low column, high
    column, nominal %), widest first), each inner one darker; the forecast itself is drawn over them."""
    for k, (lo, hi, nominal) in enumerate(bands):
        alpha = 0.3 if len(bands) == 1 else 0.15 + 0.25 * k / (len(bands) - 1)
        ax.fill_between(
            x,
            frame[lo].to_numpy(float),
            frame[hi].to_numpy(float),
            color="tab:orange",
            alpha=alpha,
            lw=0,
            label=f"{nominal:g}% interval",
        )


def _chosen(ids, known: list) -> list:
    """The ids to draw: ``ids`` checked against the forecast's, or the first :data:`MAX_PANELS`."""
    if ids is None:
        return known[:MAX_PANELS]
    wanted = [ids] if isinstance(ids, (str, int, np.integer)) else list(ids)
    names = {str(k): k for k in known}
    unknown = [i for i in wanted if i not in known and str(i) not in names]
    if unknown or not wanted:
        shown = ", ".join(map(repr, known[:10])) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        raise DataError(
            f"ids must name series of the forecast ({shown}), got "
            f"{', '.join(map(repr, unknown)) if unknown else 'none'}"
        )
    return [i if i in known else names[str(i)] for i in dict.fromkeys(wanted)]


def plot(est, data, forecast, ids=None):
    """See :meth:`Forecaster.plot`."""
    import pandas as pd

    needed = ["unique_id", "ds", FORECAST_COLUMN]
    if not isinstance(forecast, pd.DataFrame) or any(c not in forecast.columns for c in needed):
        got = list(forecast.columns) if isinstance(forecast, pd.DataFrame) else type(forecast).__name__
        raise DataError(
            f"forecast must be the frame Forecaster.forecast returns (columns {needed}), got {got}"
        )
    known = list(dict.fromkeys(forecast["unique_id"].tolist()))
    chosen = _chosen(ids, known)
    history = _histories(est, data)
    missing = [u for u in chosen if u not in history]
    if missing:
        raise DataError(
            f"the data holds no series {', '.join(map(repr, missing[:5]))} of the forecast; give the data "
            f"the forecast continues (its series: {', '.join(map(repr, list(history)[:10]))})"
        )
    bands = _intervals(list(forecast.columns))
    try:
        return _draw(forecast, chosen, known, history, bands)
    except (TypeError, ValueError, OverflowError) as err:  # matplotlib's own complaint, as one line
        raise DataError(
            f"cannot draw the forecast: {str(err).splitlines()[0] if str(err) else err}"
        ) from None


def _draw(forecast, chosen, known, history, bands):
    import pandas as pd
    from matplotlib.figure import Figure

    n = len(chosen)
    fig = Figure(figsize=(10, 1.2 + 2.2 * n), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, uid in zip(axes, chosen, strict=True):
        rows = forecast[forecast["unique_id"] == uid]
        labels, values = history[uid]
        keep = max(HISTORY_SHOWN, 5 * len(rows))
        labels, values = labels[-keep:], np.asarray(values[-keep:], dtype=float)
        when = pd.DatetimeIndex(rows["ds"]) if isinstance(labels, pd.DatetimeIndex) else rows["ds"].to_numpy()
        ax.plot(labels, values, color="0.3", lw=1.0, label="history")
        draw_bands(ax, when, rows, bands)
        ax.plot(when, rows[FORECAST_COLUMN].to_numpy(float), color="tab:red", lw=1.4, label="forecast")
        ax.set_title(str(uid), loc="left", fontsize="medium")
        ax.grid(alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(
        handles, names, loc="outside lower center", ncols=len(handles), fontsize="small", frameon=False
    )
    title = "Forecast"
    if len(chosen) < len(known):
        title += (
            f": {len(chosen)} of {len(known)} series shown ({', '.join(map(str, chosen))}); "
            f"pick others with ids="
        )
    fig.suptitle(title, fontsize="medium")
    return fig
