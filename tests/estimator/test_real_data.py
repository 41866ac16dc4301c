"""Real data: time columns, picked columns, missing values, long layout with many series, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tsrnn.estimator.fitting as fitting_module
from tsrnn import DataError, Forecaster, multi_sine, read
from tsrnn.data.long_layout import split_long
from tsrnn.data.wide_layout import prepare_wide


def daily(n: int = 120, start: str = "2024-01-01") -> pd.DataFrame:
    t = np.arange(n)
    return pd.DataFrame(
        {
            "date": pd.date_range(start, periods=n, freq="D").strftime("%Y-%m-%d"),
            "load": np.sin(2 * np.pi * t / 7) + 0.01 * t,
            "temp": np.cos(2 * np.pi * t / 30),
            "site": "north",
        }
    )


def test_time_column_is_found_sorted_and_continued():
    frame = daily().sample(frac=1.0, random_state=0)  # shuffled rows
    clean, report = prepare_wide(frame)
    assert report["time_col"] == "date" and list(clean.columns) == ["load", "temp"]  # labels are not features
    assert clean.index.is_monotonic_increasing and isinstance(clean.index, pd.DatetimeIndex)
    model = Forecaster(window=14, hidden=4, epochs=2).fit(frame)
    future = model.forecast(3)
    assert list(future["ds"].dt.strftime("%Y-%m-%d")[:3]) == ["2024-04-30", "2024-05-01", "2024-05-02"]
    assert list(future["unique_id"]) == ["load"] * 3 + ["temp"] * 3  # every target, one after the other


def test_repeated_and_irregular_timestamps_are_reported():
    frame = daily(30)
    frame.loc[5, "date"] = frame.loc[4, "date"]
    with pytest.raises(DataError, match=r"repeats timestamps: 2024-01-05"):
        prepare_wide(frame)
    gappy = daily(30).drop(index=[10, 20])
    with pytest.raises(
        DataError, match=r"misses 2 period\(s\) of its daily \(D\) calendar: 2024-01-11, 2024-01-21"
    ):
        prepare_wide(gappy)
    clean, _ = prepare_wide(gappy, irregular="ignore")
    assert len(clean) == 28
    odd = daily(30)
    odd["date"] = pd.to_datetime(odd["date"]) + pd.to_timedelta(np.tile([0, 7, 0, 13, 0, 5], 5), unit="h")
    with pytest.raises(DataError, match=r"no regular frequency.*declare it with freq="):
        prepare_wide(odd)


def test_features_targets_and_covariates():
    frame = daily()
    model = Forecaster(window=14, hidden=4, epochs=2, targets=["load"]).fit(
        read(frame, features=["temp", "load"])
    )
    assert model.feature_names_in_ == ["temp", "load"] and model.target_names_ == ["load"]
    assert list(model.forecast(1)["unique_id"]) == ["load"]
    with pytest.raises(DataError, match=r"future values of the non-target features \['temp'\]"):
        model.forecast(5)
    with pytest.raises(DataError, match=r"feature column\(s\) \['wind'\] not found"):
        read(frame, features=["wind"])
    with pytest.raises(DataError, match="data has the columns"):
        Forecaster(window=14, hidden=4, epochs=1).fit(frame).predict(frame.rename(columns={"temp": "t2"}))


@pytest.mark.parametrize(
    "fill, filled, length", [("ffill", 3, 60), ("interpolate", 3, 60), ("drop", None, 57)]
)
def test_missing_values_policies(fill, filled, length):
    frame = daily(60)
    frame.loc[[0, 10, 11], "load"] = np.nan  # a leading gap and two in a row
    with pytest.raises(
        DataError, match=r"column 'load' has 3 missing value\(s\), first at 2024-01-01.*fill="
    ):
        prepare_wide(frame)
    clean, report = prepare_wide(frame, fill=fill, irregular="ignore")
    assert len(clean) == length and not clean.isna().any().any()
    assert report["missing"] == {"load": 3}
    assert report.get("values_filled") == filled
    if fill == "interpolate":
        mid = clean["load"].iloc[10]
        assert (
            clean["load"].iloc[9] < mid < clean["load"].iloc[12]
            or clean["load"].iloc[9] > mid > clean["load"].iloc[12]
        )
    if fill == "ffill":
        assert (
            clean["load"].iloc[10] == clean["load"].iloc[9] and clean["load"].iloc[0] == clean["load"].iloc[1]
        )


@pytest.mark.parametrize(
    "frame, message",
    [
        (
            pd.DataFrame({"a": ["1", "2", "x", "4"]}),
            r"column 'a' has text where numbers are expected: 'x' at row 3",
        ),
        (pd.DataFrame({"a": ["u", "v"]}), r"expected at least one numeric column"),
        (pd.DataFrame({"a": [1.0, np.inf, 2.0]}), r"column 'a' has an infinite value at row 2"),
        (pd.DataFrame({"a": []}), r"expected at least one row"),
        (pd.DataFrame({"when": ["2024-01-01", "soon"], "a": [1, 2]}), None),
    ],
)
def test_bad_frames(frame, message):
    if message is None:  # a column that is not all dates is not a time column: here it is a label column
        clean, report = prepare_wide(frame)
        assert report["time_col"] is None and list(clean.columns) == ["a"]
        with pytest.raises(
            DataError, match=r"time column 'when' has values that are not dates: 'soon' \(row 2\)"
        ):
            prepare_wide(frame, time_col="when")
        return
    with pytest.raises(DataError, match=message):
        prepare_wide(frame)


# -- long layout: many series, one global model ---------------------------------------------------
def long_data(lengths=(150, 90, 120)) -> pd.DataFrame:
    parts = []
    for k, n in enumerate(lengths):
        y = multi_sine(n, 1, periods=10 + 3 * k, noise=0.02, seed=k)["f0"].to_numpy() * (k + 1) + 100 * k
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": f"s{k}",
                    "ds": pd.date_range("2023-01-01", periods=n, freq="h"),
                    "y": y,
                    "promo": (np.arange(n) % 5 == 0).astype(float),
                }
            )
        )
    return pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=1)  # any row order


def test_no_window_mixes_two_series(monkeypatch):
    seen = {}
    real_train = fitting_module.train

    def spy(model, X, Y, config, **kw):
        if not seen:  # the fit itself; the calibration's copy trains after it, on fewer steps
            seen.update(X=X, Y=Y, **kw)
        return real_train(model, X, Y, config, **kw)

    monkeypatch.setattr(fitting_module, "train", spy)
    W, K = 12, 3
    model = Forecaster(window=W, horizon=K, hidden=4, epochs=1).fit(long_data())
    bounds = np.cumsum([0, 150, 90, 120])  # series are laid end to end, sorted by id
    series_of = np.searchsorted(bounds, np.arange(bounds[-1]), side="right") - 1
    for name in ("train_index", "val_index"):
        starts = seen[name].numpy()
        assert len(starts) > 0
        first, last = series_of[starts], series_of[starts + W + K - 1]
        assert (first == last).all(), f"{name} has windows that cross a series boundary"
    # every series contributes windows, each up to its own end
    assert set(series_of[seen["train_index"].numpy()]) == {0, 1, 2}
    assert model.target_names_ == ["y"] and model.feature_names_in_ == ["y", "promo"]


def test_long_data_scales_per_series_and_forecasts_in_long_layout():
    data = long_data()
    # without seasonal indices, each series' scaler reads its values as they are: the panel's model
    # kept is refit on every step (its validation span included), so its scaler reads all of them
    model = Forecaster(window=12, horizon=2, hidden=6, epochs=3, val_fraction=0.1, deseason=False).fit(data)
    frames, _ = split_long(data)
    for uid, frame in frames.items():
        np.testing.assert_allclose(
            model.series_model(uid).scaler_.mean_, frame.to_numpy().mean(axis=0), rtol=1e-5
        )
    future = model.forecast(2)
    assert list(future.columns) == ["unique_id", "ds", "tsrnn"]
    assert list(future["unique_id"]) == ["s0", "s0", "s1", "s1", "s2", "s2"]
    assert future["ds"].iloc[2] == pd.Timestamp("2023-01-04 18:00")  # s1 has 90 hourly steps
    one = model.series_model("s1").forecast(2)
    np.testing.assert_allclose(future["tsrnn"].iloc[2:4].to_numpy(), one["tsrnn"].to_numpy())
    assert list(one["unique_id"]) == ["s1", "s1"]  # one series viewed alone keeps its id
    result = model.evaluate(data, start=0.8)
    assert set(result["seasons"]) == {"s0", "s1", "s2"}
    frame = model.backtest(data, start=0.8, stride=5).frame()
    assert list(frame.columns[:3]) == ["unique_id", "origin", "step"] and set(frame.unique_id) == {
        "s0",
        "s1",
        "s2",
    }
    with pytest.raises(DataError, match=r"unknown series 'zz'"):
        model.series_model("zz")
    with pytest.raises(DataError, match="series 's0': the time index repeats timestamps"):
        Forecaster(epochs=1).fit(pd.concat([data, data[data.unique_id == "s0"].head(2)]))


def test_long_model_round_trips(tmp_path):
    model = Forecaster(window=12, hidden=4, epochs=1).fit(long_data())
    model.save(tmp_path / "m")
    again = Forecaster.load(tmp_path / "m")
    pd.testing.assert_frame_equal(model.forecast(1), again.forecast(1))
    assert list(again.state_) == ["s0", "s1", "s2"]
