"""Forecaster.plot: history and forecast per unique_id, dates on the axis, intervals as bands."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from tsrnn import DataError, Forecaster

TINY = dict(hidden=4, layers=1, epochs=2, seed=0)


def months(n: int = 60, columns=("a",)) -> pd.DataFrame:
    t = np.arange(n)
    frame = pd.DataFrame({"month": pd.date_range("2018-01-01", periods=n, freq="MS").strftime("%Y-%m")})
    for k, c in enumerate(columns):
        frame[c] = 50 + 10 * np.sin(t * 2 * np.pi / 12 + k) + t
    return frame


def test_a_date_column_puts_history_and_forecast_on_the_calendar():
    frame = months()
    model = Forecaster(window=12, **TINY).fit(frame)
    fig = model.plot(frame, model.forecast(6))
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    history, forecast = fig.axes[0].get_lines()
    assert history.get_label() == "history" and forecast.get_label() == "forecast"
    start = mdates.num2date(history.get_xdata(orig=False)[0]).date()
    assert str(start) == "2018-01-01"  # on the calendar, not at 1970
    assert str(mdates.num2date(forecast.get_xdata(orig=False)[0]).date()) == "2023-01-01"
    assert fig.axes[0].get_title(loc="left") == "a"
    assert fig._suptitle.get_text() == "Forecast"  # every series is shown


def test_bands_ids_and_the_shown_note():
    frame = months(columns=("a", "b", "c"))
    model = Forecaster(window=12, loss="quantile", **TINY).fit(frame)
    future = model.forecast(4)
    fig = model.plot(frame, future, ids=["c", "a"])
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["c", "a"]
    bands = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert [b.get_label() for b in bands] == ["80% interval"]
    assert "2 of 3 series shown (c, a)" in fig._suptitle.get_text()
    with pytest.raises(DataError, match=r"ids must name series of the forecast \('a', 'b', 'c'\), got 'z'"):
        model.plot(frame, future, ids="z")
    with pytest.raises(DataError, match="forecast must be the frame Forecaster.forecast returns"):
        model.plot(frame, future.rename(columns={"tsrnn": "y"}))
    lines = model.plot(None, future, ids="b").axes[0].get_lines()  # no data: the model's last window
    assert len(lines[0].get_xdata()) == model.window_


def test_a_long_panel_draws_each_series_and_names_them():
    parts = [months(48).assign(unique_id=u) for u in ("x", "y", "z")]
    long = pd.concat(parts).rename(columns={"month": "ds", "a": "y"})
    model = Forecaster(window=12, **TINY).fit(long)
    future = model.forecast(3)
    fig = model.plot(long, future)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["x", "y", "z"]
    one = model.plot(long, future, ids="y")
    assert len(one.axes) == 1 and "1 of 3 series shown (y)" in one._suptitle.get_text()


def test_conformal_intervals_are_drawn_as_bands():
    frame = months()
    model = Forecaster(window=12, **TINY).fit(frame, holdout=12)
    fig = model.plot(frame, model.forecast(4, level=[80, 95]))
    bands = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert [b.get_label() for b in bands] == ["95% interval", "80% interval"]  # the widest first
