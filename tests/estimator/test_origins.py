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
