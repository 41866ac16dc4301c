"""The panel core (tsrnn.estimator.state): long data as one array, per-series state as arrays
(statistics and windows equal to the series' own), batched forecasts and backtests of every series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError, Forecaster
from tsrnn.data.long_layout import long_panel, split_long
from tsrnn.data.scaler import Scaler
from tsrnn.estimator.state import panel_stats

TINY = dict(window=8, hidden=6, layers=1, epochs=2, seed=0)


def ragged(n_series: int = 5, freq: str = "D", covariate: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    parts = []
    for i in range(n_series):
        n = 40 + 7 * i
        dates = pd.date_range(pd.Timestamp("2024-01-01") + pd.Timedelta(days=3 * i), periods=n, freq=freq)
        part = pd.DataFrame(
            {
                "unique_id": f"s{i}",
                "ds": dates,
                "y": 10 * i + np.sin(np.arange(n) / 3) + rng.normal(0, 0.1, n),
            }
        )
        if covariate:
            part["temp"] = np.cos(np.arange(n) / 5)
        parts.append(part)
    return pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=1)  # shuffled, as files come


def test_long_panel_is_one_sorted_array_with_offsets():
    long = ragged(covariate=True)
    panel = long_panel(long)
    frames, _ = split_long(long)
    assert panel.ids == list(frames) and panel.columns == ["y", "temp"]
    assert list(panel.lengths) == [len(f) for f in frames.values()]
    assert list(panel.starts) == list(np.cumsum(panel.lengths) - panel.lengths)
    for i, frame in enumerate(frames.values()):
        np.testing.assert_array_equal(panel.rows(i), frame.to_numpy(dtype=np.float32))
        assert list(panel.labels(i)) == list(frame.index)
    assert panel.values.dtype == np.float32 and panel.values.shape == (sum(panel.lengths), 2)


def test_panel_statistics_match_the_series_one_by_one():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(90, 2)).astype(np.float32) * [1, 50] + [0, 7]
    starts, lengths = np.array([0, 30, 50]), np.array([30, 20, 40])
    ends = np.array([25, 12, 40])  # training spans
    codes = np.repeat(np.arange(3), lengths)
    within = np.arange(90) - starts[codes]
    mean, scale = panel_stats(values, codes, within < ends[codes], 3)
    for s in range(3):
        ref = Scaler().fit(values[starts[s] : starts[s] + ends[s]])
        np.testing.assert_allclose(mean[s], ref.mean_, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(scale[s], ref.scale_, rtol=1e-6)


def test_batched_forecast_and_predict_equal_each_series_view():
    long = ragged()
    model = Forecaster(horizon=3, **TINY).fit(long)
    future = model.forecast(5)  # beyond the horizon: recursive, all series in one roll
    frames, _ = split_long(long)
    assert list(future.columns) == ["unique_id", "ds", "tsrnn"] and len(future) == 5 * len(frames)
    predicted = model.predict(long)
    for uid, frame in frames.items():
        view = model.series_model(uid)
        mine = future[future["unique_id"] == uid]
        np.testing.assert_allclose(
            mine["tsrnn"].to_numpy(), view.forecast(5)["tsrnn"].to_numpy(), rtol=1e-5, atol=1e-5
        )
        assert list(mine["ds"]) == list(pd.date_range(frame.index[-1], periods=6, freq="D")[1:])
        np.testing.assert_allclose(predicted[uid], view.predict(frame), rtol=1e-5, atol=1e-5)
    some = long[long["unique_id"].isin(["s1", "s3"])]
    again = model.forecast(2, data=some)
    assert list(again["unique_id"].unique()) == ["s1", "s3"]
    np.testing.assert_allclose(
        again["tsrnn"].to_numpy(),
        future.groupby("unique_id").head(2).set_index("unique_id").loc[["s1", "s3"], "tsrnn"].to_numpy(),
        rtol=1e-5,
        atol=1e-5,
    )


def test_batched_paths_refuse_what_does_not_fit():
    long = ragged()
    model = Forecaster(**TINY).fit(long)
    stranger = long.assign(unique_id=long["unique_id"].replace({"s0": "zz"}))
    with pytest.raises(DataError, match=r"series \['zz'\] were not in the data"):
        model.forecast(1, data=stranger)
    short = long.sort_values(["unique_id", "ds"]).groupby("unique_id").head(3)
    with pytest.raises(DataError, match=r"has 3 time steps; forecasting needs at least window=8"):
        model.forecast(1, data=short)
    with pytest.raises(DataError, match=r"series 'zz'"):
        model.series_model("zz")


def test_long_panel_errors_name_the_series():
    long = ragged()
    dup = pd.concat([long, long[long["unique_id"] == "s2"].head(1)])
    with pytest.raises(DataError, match=r"series 's2': the time index repeats timestamps"):
        long_panel(dup)
    holes = long.copy()
    holes.loc[holes.index[holes["unique_id"] == "s4"][:2], "y"] = np.nan
    with pytest.raises(DataError, match=r"series 's4': column 'y' has 2 missing value\(s\)"):
        long_panel(holes)
    filled = long_panel(holes, fill="ffill")
    assert filled.report["values_filled"] == 2 and np.isfinite(filled.values).all()
    dropped = long_panel(holes, fill="drop")
    assert dropped.lengths[4] == long_panel(long).lengths[4] - 2


def test_batched_backtest_equals_the_series_backtests_joined():
    from tsrnn.evaluation.backtest import BacktestResult

    long = ragged(4)
    model = Forecaster(horizon=2, **TINY).fit(long)
    batched = model.backtest(long, start=0.7, stride=3, horizon=4)
    frames, _ = split_long(long)
    joined = BacktestResult.concat(
        {uid: model.series_model(uid).backtest(f, 0.7, 3, 4) for uid, f in frames.items()}
    )
    pd.testing.assert_frame_equal(batched.frame(), joined.frame(), rtol=1e-5, atol=1e-5)
    ours, theirs = batched.overall(), joined.overall()
    assert ours["n_windows"] == theirs["n_windows"] and ours["seasons"] == theirs["seasons"]
    for method in ("model", "naive", "seasonal_naive", "linear_ar"):
        for metric in ("rmse", "mae", "mase"):
            assert ours[method][metric] == pytest.approx(theirs[method][metric], rel=1e-5)
    evaluated = model.evaluate(long)
    assert evaluated["n_windows"] == sum(len(f) - model.context_needed_ - 1 for f in frames.values())
