"""tsrnn.read and its Dataset: one reading of a file or a frame, typed, taken by the estimator as it is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tsrnn
from tsrnn import DataError, Forecaster
from tsrnn.data.dataset import Dataset, Roles, already_read, as_panel
from tsrnn.data.dates import labelled
from tsrnn.data.reading import AmbiguousData

TINY = dict(window=4, hidden=4, layers=1, epochs=1, patience=None, val_fraction=0.0)


def write(tmp_path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_read_takes_the_options_and_reports_what_it_decided(tmp_path):
    months = [f"01/{m:02d}/{y}" for y in (2020, 2021) for m in range(1, 13)]
    path = write(tmp_path, "date,y\n" + "".join(f"{t},{10 + i % 3}.5\n" for i, t in enumerate(months)))
    one_year = write(tmp_path, "date,y\n" + "".join(f"{t},1\n" for t in months[:12]), "one_year.csv")
    with pytest.raises(AmbiguousData, match=r"column 'date' .* choose with dayfirst=False"):
        tsrnn.read(one_year)  # twelve months, or the first twelve days of January
    auto = tsrnn.read(path)  # two years: month first they would be the 1st to the 12th of two Januaries
    assert (
        auto.report["reading"] == {}
        and auto.time_axis is not None
        and auto.time_axis.index.equals(tsrnn.read(path, dayfirst=True).time_axis.index)
    )
    assert auto.report["decisions"] == [
        "column 'date' read day first: month first is not a regular calendar (2020-01-01 .. 2020-01-12, "
        "then 2021-01-01; 354 of its 378 daily (D) steps absent)"
    ]
    data = tsrnn.read(path, dayfirst=True)
    assert isinstance(data, Dataset) and data.layout == "wide" and data.ids == [None]
    assert data.report["freq"] == "MS" and data.report["reading"] == {"dayfirst": True}
    assert data.roles == Roles(id_col=None, time_col="date", target_col=None, features=("y",))
    axis = data.time_axis
    assert (
        axis is not None and axis.freq == "MS" and axis.form == "strftime:%d/%m/%Y" and axis.column == "date"
    )
    assert axis.index[1] == pd.Timestamp("2020-02-01") and len(axis.index) == 24
    assert axis.describe() == "01/01/2020 .. 01/12/2021, MS, written as strftime:%d/%m/%Y"
    frame = data.to_frame()
    assert frame.index[1] == pd.Timestamp("2020-02-01") and frame["y"].iloc[:3].tolist() == [10.5, 11.5, 12.5]
    forecast = Forecaster(**TINY).fit(data).forecast(1)
    assert list(labelled(forecast)["ds"]) == ["01/01/2022"]  # written back as the file writes dates
    assert repr(data) == (
        "Dataset(one series, 24 rows, columns ['y'], time 01/01/2020 .. 01/12/2021, MS, written as "
        "strftime:%d/%m/%Y)"
    )


def test_long_data_keeps_its_ids_as_written_and_its_roles(tmp_path):
    rows = "".join(f"{uid};{d}.01.2020;1.{d}0\n" for uid in ("01", "1") for d in range(13, 25))
    path = write(tmp_path, "shop;day;sales\n" + rows)
    data = tsrnn.read(path, id_col="shop", time_col="day", target_col="sales", thousands=".")
    assert data.layout == "long" and data.ids == ["01", "1"] and data.report["series"] == 2
    assert data.roles == Roles(id_col="shop", time_col="day", target_col="sales", features=("y",))
    assert data.freq == "D" and data.time_axis is not None and data.time_axis.grid is not None
    frame = data.to_frame()
    assert list(frame.columns) == ["unique_id", "ds", "y"] and frame["unique_id"].tolist()[:1] == ["01"]
    assert frame["y"].iloc[0] == 1130 and frame["ds"].iloc[-1] == pd.Timestamp("2020-01-24")
    model = Forecaster(**TINY).fit(data)
    assert model.state_.ids == ["01", "1"]
    assert labelled(model.forecast(1))["ds"].tolist() == ["25.01.2020", "25.01.2020"]  # the file's own form
    with pytest.raises(DataError, match=r"column\(s\) \['store'\] not found"):
        tsrnn.read(path, id_col="store", thousands=".")


def test_the_fit_keeps_how_the_dataset_was_read_for_new_data():
    days = pd.date_range("2021-03-01", periods=40, freq="D")
    frame = pd.DataFrame({"day": days, "y": np.arange(40.0)}).drop(index=[10, 20])  # two gaps
    with pytest.raises(DataError, match="fill"):
        tsrnn.read(frame)
    data = tsrnn.read(frame, fill="interpolate")
    assert data.report["fill"] == "interpolate" and len(data.report["gaps"]) == 2
    assert data.to_frame()["y"].iloc[10] == pytest.approx(10.0)
    model = Forecaster(**TINY).fit(data)
    assert model.reading_["fill"] == "interpolate" and model.reading_["time_col"] == "day"
    later = frame.iloc[-12:].drop(index=[35])  # new data with a gap is read with the fit's fill policy
    assert model.predict(later).shape == (9, 1, 1)  # 12 steps, the gap filled: 9 windows of 4


def test_read_refuses_what_is_neither_a_path_nor_a_frame():
    with pytest.raises(TypeError, match="source must be a path or a DataFrame, got ndarray"):
        tsrnn.read(np.zeros(3))


def test_as_panel_keeps_the_options_it_read_with():
    frame = pd.DataFrame({"year": range(1990, 2000), "a": np.arange(10.0), "b": np.ones(10)})
    panel = as_panel(frame, features=["a"], freq="YS-JAN")
    assert panel.columns == ["a"] and panel.report["features"] == ["a"] and panel.report["declared"] is True
    assert panel.report["time_form"] == "year" and panel.report["irregular"] == "error"
    assert as_panel(np.zeros((5, 2))).report == {}  # an array: positions, nothing decided


def test_data_read_already_is_not_read_again():
    data = tsrnn.read(pd.DataFrame({"year": range(1990, 2000), "y": np.arange(10.0)}))
    assert already_read(data) is data.panel and as_panel(data) is data.panel
    assert already_read(data.panel) is data.panel and already_read(np.zeros(3)) is None
