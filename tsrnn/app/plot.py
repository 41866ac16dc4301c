"""Figures from arrays and results: forecast vs actual, loss curves, hidden states, hidden sizes.

Every function returns a matplotlib ``Figure`` built without pyplot, so it works headless and never
opens a window; save it with ``fig.savefig(path)``.  Functions that draw one panel take ``ax=None``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..base.checks import invalid
from ..estimator.picture import central_intervals, draw_bands

__all__ = ["forecast", "loss", "hidden_heatmap", "hidden_lines", "compare_hidden"]


def _axes(ax: Axes | None, n: int = 1, **fig_kw):
    if ax is not None:
        return ax.figure, [ax]
    fig = Figure(**fig_kw)
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


def forecast(
    actual: pd.DataFrame,
    predicted: pd.DataFrame,
    split=None,
    title: str | None = None,
    max_panels: int = 6,
    label: str = "forecast",
    *,
    train_span=None,
    origins=None,
    ax: Axes | None = None,
) -> Figure:
    """Actual series against a forecast, one panel per target column (up to ``max_panels``).

    Parameters
    ----------
    actual : DataFrame (T, O or more)
        Observed values indexed by time; columns named like ``predicted``'s are drawn.
    predicted : DataFrame (S, O)
        Forecast values indexed by the time steps they forecast.
    split : index label, optional
        Where the forecast period starts (a vertical line, e.g. the train/test boundary).
    train_span : (start, end) index labels, optional
        The steps the model was trained on, shaded.
    origins : sequence of index labels, optional
        Backtest origins, marked along the bottom of each panel.
    ax : Axes, optional
        Draw on it; then ``predicted`` must share exactly one column with ``actual``.

    Notes
    -----
    Quantile columns ``{target}_q{level}`` in ``predicted`` (a probabilistic model's test-span
    forecasts, as ``tsrnn fit`` draws them) are drawn as shaded bands, one per central interval
    (levels ``tau`` and ``1 - tau``, e.g. 0.1 and 0.9 for 80%).  For a forecast of the future (the
    long frame :meth:`~tsrnn.estimator.forecaster.Forecaster.forecast` returns) use
    :meth:`Forecaster.plot <tsrnn.estimator.forecaster.Forecaster.plot>`.
    """
    columns = _shared_columns(actual, predicted, max_panels, ax)
    given = ax is not None
    fig, axes = _axes(ax, len(columns), figsize=(10, 1.0 + 2.0 * len(columns)), layout="constrained")
    for ax, col in zip(axes, columns, strict=False):
        _forecast_panel(ax, actual, predicted, col, label, split, train_span, origins)
    if given:
        axes[0].legend(loc="best", fontsize="small")
        axes[0].set_title(title or f"Forecast vs actual: {columns[0]}")
    else:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=min(7, max(5, len(handles))),
            fontsize="small",
            frameon=False,
        )
        fig.suptitle(title or "Forecast vs actual")
    axes[-1].set_xlabel(actual.index.name or "time step")
    return fig


def _shared_columns(actual: pd.DataFrame, predicted: pd.DataFrame, max_panels: int, ax) -> list:
    """The target columns ``forecast`` draws: those of ``predicted`` that ``actual`` has too (one
    with ``ax``)."""
    columns = [c for c in predicted.columns if c in actual.columns][:max_panels]
    if not columns:
        raise invalid(
            "predicted",
            f"predicted columns {list(predicted.columns)} share no name with actual "
            f"columns {list(actual.columns)}",
        )
    if ax is not None and len(columns) != 1:
        raise invalid(
            "ax",
            f"ax draws one target column, but predicted has {len(columns)} shared with actual "
            f"({columns}); pass predicted[[name]] or leave ax=None for one panel per column",
        )
    return columns


def _forecast_panel(ax: Axes, actual, predicted, col, label: str, split, train_span, origins) -> None:
    """One target of :func:`forecast`: the training span, the actual values, the intervals, the
    forecast, where it starts and the backtest origins."""
    if train_span is not None:
        ax.axvspan(train_span[0], train_span[1], color="tab:green", alpha=0.08, lw=0, label="training span")
    ax.plot(actual.index, actual[col], color="0.35", lw=1.0, label="actual")
    bands = _bands(predicted, col)
    draw_bands(ax, predicted.index, predicted, bands)
    ax.plot(
        predicted.index,
        predicted[col],
        color="tab:orange" if not bands else "tab:red",
        lw=1.2,
        label=label,
    )
    if split is not None:
        ax.axvline(split, color="tab:blue", ls="--", lw=1.0, label="forecast start")
    if origins is not None and len(origins):
        ax.plot(
            list(origins),
            [0.02] * len(origins),
            ls="",
            marker="^",
            ms=4,
            color="tab:purple",
            transform=ax.get_xaxis_transform(),
            label=f"backtest origins ({len(origins)})",
        )
    ax.set_ylabel(str(col))
    ax.grid(alpha=0.3)


def _bands(predicted: pd.DataFrame, column) -> list[tuple[str, str, float]]:
    """Central intervals among ``{column}_q{level}`` columns: (low column, high column, nominal %),
    widest first."""
    prefix = f"{column}_q"
    levels = {}
    for name in predicted.columns:
        if isinstance(name, str) and name.startswith(prefix):
            try:
                levels[float(name[len(prefix) :])] = name
            except ValueError:
                continue
    return central_intervals(levels)


def loss(
    history: pd.DataFrame,
    ax: Axes | None = None,
    best_epoch: int | None = None,
    ylabel: str = "MSE loss (scaled units)",
) -> Figure:
    """Training and validation loss (MSE on scaled data, or ``ylabel``) per epoch, log scale
    (linear where a loss is not positive, as a Gaussian negative log-likelihood can be)."""
    fig, (ax,) = _axes(ax, figsize=(7, 4), layout="constrained")
    ax.plot(history["epoch"], history["train_loss"], marker=".", label="train")
    if "val_loss" in history and history["val_loss"].notna().any():
        ax.plot(history["epoch"], history["val_loss"], marker=".", label="validation")
    if best_epoch:
        ax.axvline(best_epoch, color="0.5", ls=":", label=f"best epoch {best_epoch}")
    losses = history[[c for c in ("train_loss", "val_loss") if c in history]].to_numpy(dtype=float)
    if np.all(losses[np.isfinite(losses)] > 0):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.set_title("Loss curves")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return fig


def _layers(states) -> list[np.ndarray]:
    """One array (T, D*H) per layer, from a list of them or from one array."""
    arrays = [states] if isinstance(states, np.ndarray) and states.ndim == 2 else list(states)
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    if not arrays or any(a.ndim != 2 for a in arrays):
        raise invalid(
            "states",
            f"states must be one array (T, H) or a list of them, one per layer, got shapes "
            f"{[a.shape for a in arrays]}",
        )
    if len({a.shape[0] for a in arrays}) != 1:
        raise invalid(
            "states", f"every layer must have the same T steps, got shapes {[a.shape for a in arrays]}"
        )
    return arrays


def _directions_mark(ax: Axes, units: int, directions: int) -> None:
    if directions == 2:
        ax.axhline(units / 2 - 0.5, color="k", lw=0.8)
        box = {"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1}
        for y, label in ((0.75, "backward"), (0.25, "forward")):
            ax.text(
                0.995, y, label, transform=ax.transAxes, ha="right", va="center", fontsize="x-small", bbox=box
            )


def hidden_heatmap(
    states, inputs=None, title: str | None = None, directions: int = 1, cell: bool = False
) -> Figure:
    """Each layer's hidden state as a heatmap (hidden unit x time step), under the input window.

    Parameters
    ----------
    states : list of arrays (T, D*H), one per layer (see :meth:`Forecaster.hidden_states`)
    inputs : array or DataFrame (T, F), optional
        The input window, drawn above the heatmaps in the data's units.
    directions : int
        D; with 2 the units are split into the forward and backward halves.
    cell : bool
        The arrays are LSTM cell states (unbounded) rather than hidden states (within -1..1).
    """
    layers = _layers(states)
    T = layers[0].shape[0]
    steps = np.arange(T)
    n_top = inputs is not None
    ratios = ([1.2] if n_top else []) + [max(1.0, a.shape[1] / 12) for a in layers]
    fig = Figure(figsize=(9, 1.5 + 1.6 * sum(ratios)), layout="constrained")
    axes = fig.subplots(len(ratios), 1, sharex=True, squeeze=False, height_ratios=ratios)[:, 0]
    if n_top:
        frame = (
            inputs
            if isinstance(inputs, pd.DataFrame)
            else pd.DataFrame(np.asarray(inputs).reshape(len(inputs), -1))
        )  # (T,) -> (T, 1)
        if len(frame) != T:
            raise invalid("inputs", f"inputs has {len(frame)} steps but the states have T={T}")
        for col in frame.columns[:8]:
            axes[0].plot(steps, frame[col].to_numpy(), marker=".", lw=1.0, label=str(col))
        axes[0].set_ylabel("input x_t\n(data units)")
        axes[0].set_title("input window")
        axes[0].legend(loc="upper right", fontsize="x-small", ncols=min(4, frame.shape[1]))
        axes[0].grid(alpha=0.3)
    bound = max(1.0, max(float(np.abs(a).max()) for a in layers)) if cell else 1.0
    name = "c" if cell else "h"
    for k, (ax, a) in enumerate(zip(axes[int(n_top) :], layers, strict=False)):
        mesh = ax.pcolormesh(
            np.arange(T + 1) - 0.5,
            np.arange(a.shape[1] + 1) - 0.5,
            a.T,
            cmap="RdBu_r",
            vmin=-bound,
            vmax=bound,
            shading="flat",
        )
        ax.set_ylabel(f"layer {k}\nhidden unit")
        ax.set_title(f"layer {k}: {name}_t, {a.shape[1]} units x {T} steps", fontsize="medium")
        _directions_mark(ax, a.shape[1], directions)
        fig.colorbar(mesh, ax=ax, label=f"{name}_t value", pad=0.01, aspect=12)
    axes[-1].set_xlabel("step t in the window")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(title or f"{'Cell' if cell else 'Hidden'} state of every layer at every step (unit x time)")
    return fig


def hidden_lines(
    states, layer: int | None = None, ax: Axes | None = None, title: str | None = None, cell: bool = False
) -> Figure:
    """Each hidden unit's value over the time steps of a window, one panel per layer.

    ``states`` is a list of arrays (T, D*H), one per layer; ``layer`` picks one of them (then ``ax``
    may be given), by default every layer gets a panel.
    """
    layers = _layers(states)
    picked = range(len(layers)) if layer is None else [range(len(layers))[layer]]
    if ax is not None and len(picked) != 1:
        raise invalid(
            "ax", f"ax draws one layer, but states hold {len(layers)}; pass layer=k or leave ax=None"
        )
    fig, axes = _axes(ax, len(picked), figsize=(9, 0.8 + 2.6 * len(picked)), layout="constrained")
    name = "c" if cell else "h"
    for a_ax, k in zip(axes, picked, strict=False):
        a = layers[k]
        colors = [_colormap("viridis")(i / max(1, a.shape[1] - 1)) for i in range(a.shape[1])]
        for unit in range(a.shape[1]):
            a_ax.plot(np.arange(a.shape[0]), a[:, unit], color=colors[unit], lw=1.1, label=f"unit {unit}")
        a_ax.set_ylabel(f"layer {k}: {name}_t")
        a_ax.set_title(f"layer {k}: {a.shape[1]} hidden units over {a.shape[0]} steps", fontsize="medium")
        a_ax.grid(alpha=0.3)
        if a.shape[1] <= 20:
            a_ax.legend(
                loc="center left",
                bbox_to_anchor=(1.01, 0.5),
                fontsize="x-small",
                ncols=1 if a.shape[1] <= 10 else 2,
                title="hidden unit",
                title_fontsize="x-small",
            )
    axes[-1].set_xlabel("step t in the window")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    if ax is None:
        fig.suptitle(title or f"{'Cell' if cell else 'Hidden'} state of each unit over time")
    elif title:
        axes[0].set_title(title)
    return fig


def _colormap(name: str):
    from matplotlib import colormaps

    return colormaps[name]


def compare_hidden(result, column=None, context: int | None = None, title: str | None = None) -> Figure:
    """Forecasts of several hidden sizes on one panel, and test error against hidden size below.

    ``result`` is a :class:`~tsrnn.app.compare.HiddenComparison`; ``column`` picks the target drawn
    (default the first); ``context`` is how many steps before the test span to show.
    """
    table, forecasts, actual = result.table, result.forecasts, result.actual
    first = next(iter(forecasts.values()))
    column = first.columns[0] if column is None else column
    if column not in first.columns:
        raise invalid(
            "column", f"column {column!r} is not a forecast target; targets are {list(first.columns)}"
        )
    start = result.test_start
    shown_from = max(0, start - (context if context is not None else max(50, len(first))))
    fig = Figure(figsize=(10, 7.5), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[3, 2])
    end = start + len(first)
    top.plot(
        actual.index[shown_from:end],
        actual[column].iloc[shown_from:end],
        color="0.35",
        lw=1.2,
        label="actual",
    )
    cmap = _colormap("viridis")
    for i, (h, frame) in enumerate(forecasts.items()):
        n_params = int(table.loc[table["hidden"] == h, "parameters"].iloc[0])
        top.plot(
            frame.index,
            frame[column],
            lw=1.3,
            color=cmap(i / max(1, len(forecasts) - 1) * 0.9),
            label=f"H={h} ({n_params} params)",
        )
    top.axvline(actual.index[start], color="tab:blue", ls="--", lw=1.0, label="forecast start")
    top.set_xlabel(actual.index.name or "time step")
    top.set_ylabel(str(column))
    top.set_title(f"Recursive forecasts across the test span, by hidden size H ({column})", fontsize="medium")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    top.grid(alpha=0.3)

    _errors_by_size(bottom, table)
    fig.suptitle(title or "Hidden-size comparison: same data, seed and settings; only H changes")
    return fig


def _errors_by_size(ax: Axes, table: pd.DataFrame) -> None:
    """The lower panel of :func:`compare_hidden`: each size's test errors beside the naive one's."""
    pos = np.arange(len(table))
    ax.plot(pos, table["test_rmse"], marker="o", label="one-step forecasts")
    ax.plot(pos, table["forecast_rmse"], marker="s", label="recursive forecast")
    ax.axhline(
        float(table["naive_rmse"].iloc[0]), color="0.5", ls="--", lw=1.0, label="naive one-step (last value)"
    )
    values = table[["test_rmse", "forecast_rmse", "naive_rmse"]].to_numpy(dtype=float)
    if values.max() / max(values.min(), 1e-12) > 20:
        ax.set_yscale("log")
    ax.set_xticks(
        pos, [f"H={h}\n{p} params" for h, p in zip(table["hidden"], table["parameters"], strict=False)]
    )
    ax.set_xlabel("hidden size H (trainable parameters)")
    ax.set_ylabel("test RMSE (data units)")
    ax.set_title("Test error against hidden size", fontsize="medium")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    ax.grid(alpha=0.3)
