"""Figures from arrays and results: forecast vs actual, loss curves.

Every function returns a matplotlib ``Figure`` built without pyplot, so it works headless and never
opens a window; save it with ``fig.savefig(path)``.  Functions that draw one panel take ``ax=None``.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["forecast", "loss"]


def _axes(ax: Axes | None, n: int = 1, **fig_kw):
    if ax is not None:
        return ax.figure, [ax]
    fig = Figure(**fig_kw)
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


def forecast(actual: pd.DataFrame, predicted: pd.DataFrame, split=None, title: str | None = None,
             max_panels: int = 6, label: str = "forecast") -> Figure:
    """Actual series against a forecast, one panel per target column (up to ``max_panels``).

    Parameters
    ----------
    actual : DataFrame (T, O or more)
        Observed values indexed by time; columns named like ``predicted``'s are drawn.
    predicted : DataFrame (S, O)
        Forecast values indexed by the time steps they forecast.
    split : index label, optional
        Where the forecast period starts (a vertical line, e.g. the train/test boundary).
    """
    columns = [c for c in predicted.columns if c in actual.columns][:max_panels]
    if not columns:
        raise ValueError(f"predicted columns {list(predicted.columns)} share no name with actual "
                         f"columns {list(actual.columns)}")
    fig, axes = _axes(None, len(columns), figsize=(10, 1.0 + 2.0 * len(columns)), layout="constrained")
    for ax, col in zip(axes, columns):
        ax.plot(actual.index, actual[col], color="0.35", lw=1.0, label="actual")
        ax.plot(predicted.index, predicted[col], color="tab:orange", lw=1.2, label=label)
        if split is not None:
            ax.axvline(split, color="tab:blue", ls="--", lw=1.0, label="forecast start")
        ax.set_ylabel(str(col))
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper right", fontsize="small", ncols=3)
    axes[-1].set_xlabel(actual.index.name or "time step")
    fig.suptitle(title or "Forecast vs actual")
    return fig


def loss(history: pd.DataFrame, ax: Axes | None = None, best_epoch: int | None = None) -> Figure:
    """Training and validation loss (MSE on scaled data) per epoch, log scale."""
    fig, (ax,) = _axes(ax, figsize=(7, 4), layout="constrained")
    ax.plot(history["epoch"], history["train_loss"], marker=".", label="train")
    if "val_loss" in history and history["val_loss"].notna().any():
        ax.plot(history["epoch"], history["val_loss"], marker=".", label="validation")
    if best_epoch:
        ax.axvline(best_epoch, color="0.5", ls=":", label=f"best epoch {best_epoch}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("MSE loss (scaled units)")
    ax.set_title("Loss curves")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return fig
