"""Figures: what each draws, titles, labels and legends, ax=None, and that they work headless."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure

from tsrnn import plot
from tsrnn.app.compare import HiddenComparison

PNG = b"\x89PNG\r\n\x1a\n"


def _png(fig: Figure, path) -> bytes:
    fig.savefig(path, dpi=50)
    return path.read_bytes()[:8]


def _legend_texts(fig: Figure) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


@pytest.fixture
def series():
    t = np.arange(120)
    return pd.DataFrame({"f0": np.sin(t / 5.0), "f1": np.cos(t / 7.0)}, index=pd.RangeIndex(120, name="t"))


@pytest.fixture
def states():
    rng = np.random.default_rng(0)
    return [np.tanh(rng.normal(size=(12, 6))), np.tanh(rng.normal(size=(12, 6)))]  # 2 layers, T=12, H=6


def test_forecast_keeps_its_signature_and_adds_span_and_origins(series, tmp_path):
    predicted = series.iloc[100:] + 0.1
    old = plot.forecast(series, predicted, 100, "old call")  # the positional call the run made
    assert old._suptitle.get_text() == "old call" and len(old.axes) == 2
    fig = plot.forecast(
        series, predicted, split=100, train_span=(0, 99), origins=[100, 105, 110], label="3-step forecasts"
    )
    assert _png(fig, tmp_path / "f.png") == PNG
    labels = _legend_texts(fig)
    assert {"training span", "actual", "3-step forecasts", "forecast start", "backtest origins (3)"} <= set(
        labels
    )
    top = fig.axes[0]
    assert top.get_ylabel() == "f0" and fig.axes[1].get_xlabel() == "t"
    origin_line = [ln for ln in top.lines if ln.get_label() == "backtest origins (3)"][0]
    assert list(origin_line.get_xdata()) == [100, 105, 110]
    span = [p for p in top.patches if p.get_label() == "training span"][0]
    assert span.get_x() == 0 and span.get_width() == 99


def test_forecast_on_a_given_axes(series):
    fig = Figure()
    ax = fig.add_subplot()
    assert plot.forecast(series[["f0"]], series[["f0"]].iloc[100:], ax=ax) is fig
    assert ax.get_title() == "Forecast vs actual: f0" and ax.get_legend() is not None
    with pytest.raises(ValueError, match="ax draws one target column, but predicted has 2"):
        plot.forecast(series, series.iloc[100:], ax=ax)


def test_hidden_heatmap_draws_each_layer_under_the_input(states, series, tmp_path):
    inputs = series.iloc[:12]
    fig = plot.hidden_heatmap(states, inputs=inputs)
    assert _png(fig, tmp_path / "h.png") == PNG
    heat_axes = [ax for ax in fig.axes if ax.get_ylabel().endswith("hidden unit")]
    meshes = [c for ax in heat_axes for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(heat_axes) == 2 and len(meshes) == 2
    for mesh, layer in zip(meshes, states, strict=False):
        np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(6, 12), layer.T)  # unit x time
        assert mesh.get_clim() == (-1.0, 1.0)
    titles = [ax.get_title() for ax in fig.axes]
    assert "input window" in titles and "layer 1: h_t, 6 units x 12 steps" in titles
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert "layer 0\nhidden unit" in labels and "input x_t\n(data units)" in labels
    assert "h_t value" in labels  # the colour bars
    assert fig.axes[2].get_xlabel() == "step t in the window"
    assert set(_legend_texts(fig)) == {"f0", "f1"}
    assert fig._suptitle.get_text().startswith("Hidden state of every layer")


def test_hidden_heatmap_cells_and_directions(states):
    cells = [3 * s for s in states]
    fig = plot.hidden_heatmap(cells, directions=2, cell=True, title="cells")
    mesh = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)][0]
    bound = max(np.abs(c).max() for c in cells)
    assert mesh.get_clim() == pytest.approx((-bound, bound))
    assert {"forward", "backward"} <= {t.get_text() for t in fig.axes[0].texts}
    assert fig._suptitle.get_text() == "cells"


def test_hidden_heatmap_rejects_mismatched_arrays(states):
    with pytest.raises(ValueError, match="same T steps"):
        plot.hidden_heatmap([states[0], states[1][:5]])
    with pytest.raises(ValueError, match="inputs has 11 steps but the states have T=12"):
        plot.hidden_heatmap(states, inputs=np.zeros((11, 1)))


def test_hidden_lines_one_line_per_unit(states, tmp_path):
    fig = plot.hidden_lines(states)
    assert _png(fig, tmp_path / "l.png") == PNG
    assert len(fig.axes) == 2 and all(len(ax.lines) == 6 for ax in fig.axes)
    np.testing.assert_allclose(fig.axes[1].lines[3].get_ydata(), states[1][:, 3])
    assert fig.axes[0].get_ylabel() == "layer 0: h_t" and fig.axes[1].get_xlabel() == "step t in the window"
    assert "unit 5" in _legend_texts(fig)
    other = Figure()
    ax = other.add_subplot()
    assert plot.hidden_lines(states, layer=-1, ax=ax, title="last layer") is other
    assert ax.get_title() == "last layer" and ax.get_ylabel() == "layer 1: h_t"
    with pytest.raises(ValueError, match="ax draws one layer, but states hold 2"):
        plot.hidden_lines(states, ax=ax)
    single = plot.hidden_lines(states[0])  # one array is one layer
    assert len(single.axes) == 1


def _comparison(series, sizes=(2, 5, 10), forecast_rmse=(0.5, 0.2, 0.1)) -> HiddenComparison:
    table = pd.DataFrame(
        {
            "hidden": list(sizes),
            "parameters": [13, 46, 141],
            "epochs": [3, 3, 3],
            "test_rmse": [0.3, 0.1, 0.05],
            "naive_rmse": [0.2] * 3,
            "forecast_rmse": list(forecast_rmse),
            "fit_seconds": [0.1] * 3,
        }
    )
    forecasts = {h: series[["f0"]].iloc[100:] * (1 - 1 / h) for h in sizes}
    return HiddenComparison(table, forecasts, series[["f0"]], 100)


def test_compare_hidden_draws_forecasts_and_errors(series, tmp_path):
    fig = plot.compare_hidden(_comparison(series))
    assert _png(fig, tmp_path / "c.png") == PNG
    top, bottom = fig.axes
    assert [ln.get_label() for ln in top.lines][:4] == [
        "actual",
        "H=2 (13 params)",
        "H=5 (46 params)",
        "H=10 (141 params)",
    ]
    assert "forecast start" in _legend_texts(fig)
    assert [t.get_text() for t in bottom.get_xticklabels()] == [
        "H=2\n13 params",
        "H=5\n46 params",
        "H=10\n141 params",
    ]
    assert bottom.get_ylabel() == "test RMSE (data units)" and bottom.get_yscale() == "linear"
    assert bottom.get_xlabel() == "hidden size H (trainable parameters)"
    np.testing.assert_allclose(bottom.lines[0].get_ydata(), [0.3, 0.1, 0.05])
    assert top.get_title() and bottom.get_title() and fig._suptitle.get_text()


def test_compare_hidden_uses_a_log_scale_for_errors_far_apart(series):
    fig = plot.compare_hidden(_comparison(series, forecast_rmse=(40.0, 2.0, 0.1)))
    assert fig.axes[1].get_yscale() == "log"
    with pytest.raises(ValueError, match="column 'f9' is not a forecast target"):
        plot.compare_hidden(_comparison(series), column="f9")


def test_loss_curves(tmp_path):
    history = pd.DataFrame(
        {"epoch": [1, 2, 3], "train_loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.6, 0.7], "seconds": [0.1] * 3}
    )
    fig = plot.loss(history, best_epoch=2)
    assert _png(fig, tmp_path / "loss.png") == PNG
    assert set(_legend_texts(fig)) == {"train", "validation", "best epoch 2"}


def test_plots_never_load_pyplot():
    code = (
        "import sys, numpy as np\nfrom tsrnn import plot\n"
        "fig = plot.hidden_heatmap([np.zeros((4, 3))], inputs=np.zeros((4, 1)))\n"
        "fig.savefig(sys.argv[1] if len(sys.argv) > 1 else __import__('io').BytesIO(), format='png')\n"
        "print('pyplot' if 'matplotlib.pyplot' in sys.modules else 'no pyplot')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={"MPLBACKEND": "Agg", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no pyplot"
