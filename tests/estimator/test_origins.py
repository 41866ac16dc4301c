"""tsrnn.estimator.origins: rolling-origin forecasts of a fitted estimator, the origins whose steps
it was fitted on marked in-sample, and refitted copies that forecast out of sample."""

from __future__ import annotations

import numpy as np
import pytest

from tsrnn import Forecaster, multi_sine

TINY = dict(window=8, hidden=4, layers=1, epochs=1, seed=0, horizon=2, deseason=False)


@pytest.fixture(scope="module")
def series():
    return multi_sine(100, 1, noise=0.1, seed=0)


def test_origins_inside_the_fitted_span_are_marked_in_sample(series):
    model = Forecaster(**TINY).fit(series.iloc[:80])  # fitted on steps 0 .. 79
    result = model.backtest(series, start=70, stride=5)  # every 5th origin whose 2 steps the data holds
    np.testing.assert_array_equal(result.origins, [70, 75, 80, 85, 90, 95])
    # an origin is in-sample when its first forecast step is one the model was fitted on
    np.testing.assert_array_equal(result.in_sample, [True, True, False, False, False, False])
    assert result.actual.shape == (6, 2, 1) and result.forecasts["model"].shape == (6, 2, 1)
    np.testing.assert_allclose(result.actual[:, 0, 0], series.to_numpy()[70::5, 0], rtol=1e-6)


def test_refitted_copies_forecast_out_of_sample_from_the_past_only(series):
    model = Forecaster(**TINY).fit(series)
    refit = model.backtest(series, start=80, stride=4, refit=2)  # a copy before every 2nd origin
    np.testing.assert_array_equal(refit.origins, [80, 84, 88, 92, 96])
    assert refit.in_sample is None  # no origin read by the copy that forecast it
    future = series.copy()
    future.iloc[88:] = future.iloc[88:] * 100  # what comes after an origin never changes its forecast
    changed = model.backtest(future, start=80, stride=4, refit=2)
    np.testing.assert_allclose(changed.forecasts["model"][:2], refit.forecasts["model"][:2], rtol=1e-6)


def test_the_frame_gives_each_series_values_in_its_own_precision():
    """Series 'a' is written with one decimal, 'b' in whole thousands: frame() gives actuals as
    written and every forecast in that series' decimals, not float32's 448.399994."""
    import pandas as pd

    t = np.arange(40)
    a = np.round(448 + 5 * np.sin(t / 3) + 0.1 * (t % 7), 1)
    b = 1000.0 * (20 + (t % 5))
    dates = pd.date_range("2020-01", periods=40, freq="MS").strftime("%Y-%m")
    long = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 40), "ds": np.tile(dates, 2), "y": np.r_[a, b]})
    model = Forecaster(**TINY).fit(long)
    for result in (
        model.backtest(long, start=30, stride=3),
        model.backtest(long, start=30, stride=3, refit=3),
    ):
        np.testing.assert_array_equal(result.places[:, 0, 0], [1] * 3 + [0] * 3)  # b: 3 significant digits
        frame = result.frame()
        assert frame.attrs["tsrnn.form"] == "month"
        for uid, values, places in (("a", a, 1), ("b", b, 0)):
            rows = frame[frame["unique_id"] == uid]
            np.testing.assert_array_equal(rows["actual"], values[[30, 31, 33, 34, 36, 37]])  # origin, step
            for name in ("model", "naive", "seasonal_naive", "drift", "linear_ar"):
                np.testing.assert_array_equal(rows[name], np.round(rows[name], places))
        assert (
            frame["model"].iloc[0] != result.forecasts["model"][0, 0, 0]
        )  # the scores read the unrounded values
