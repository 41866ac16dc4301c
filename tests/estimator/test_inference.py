"""Multi-step strategies against known ground truth, and backtest alignment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import wide

from tsrnn import DataError, Forecaster, multi_sine

H = 24


@pytest.fixture(scope="module")
def sines() -> pd.DataFrame:
    # noiseless: the true future is known exactly
    return multi_sine(700, 2, periods=(25, 17), phases=0.0, noise=0.0, seed=0)


@pytest.fixture(scope="module")
def fitted(sines) -> dict[str, Forecaster]:
    # the network alone: a linear highway forecasts noiseless sines almost exactly at every step,
    # which would hide how the two strategies' errors differ
    common = dict(
        window=16,
        horizon=H,
        hidden=12,
        layers=1,
        epochs=12,
        lr=1e-2,
        seed=0,
        patience=None,
        highway=False,
        cell="rnn",
        relative=False,
    )
    return {s: Forecaster(strategy=s, **common).fit(sines.iloc[:560]) for s in ("recursive", "direct")}


def per_step_rmse(model: Forecaster, sines: pd.DataFrame) -> np.ndarray:
    return model.backtest(sines, start=560, horizon=H).summary("rmse")["model"].to_numpy()


def test_recursive_error_grows_smoothly_with_the_step(fitted, sines):
    r = per_step_rmse(fitted["recursive"], sines)
    assert r.shape == (H,)
    assert r[-1] > 3 * r[0]  # errors compound when forecasts are fed back
    assert np.all(np.abs(np.diff(r)) < 0.06)  # ... step by step, without jumps
    assert r[: H // 3].mean() < r[H // 3 : 2 * H // 3].mean() < r[2 * H // 3 :].mean()


def test_direct_error_is_smooth_across_the_horizon(fitted, sines):
    # each step has its own output: no compounding, so the error stays level and no step is an outlier
    r = per_step_rmse(fitted["direct"], sines)
    assert np.all(r < 0.15)
    assert np.all(np.abs(r - np.median(r)) < 0.5 * np.median(r))


def test_direct_steps_are_not_all_the_same_value(fitted):
    f = wide(fitted["direct"].forecast(H))
    assert f.shape == (H, 2)
    assert f.std(axis=0).min() > 0.3  # a sine of amplitude 1 over a full period, not a flat line


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_first_step_uses_the_latest_observation(fitted, sines, strategy):
    model, values = fitted[strategy], sines.to_numpy()
    errors_now, errors_shifted = [], []
    for t in range(570, 690, 7):
        first = wide(model.forecast(1, data=sines.iloc[:t])).to_numpy()[0]
        errors_now.append(np.abs(first - values[t]).mean())  # the step right after the data
        errors_shifted.append(np.abs(first - values[t - 1]).mean())  # an off-by-one would match this
    assert np.mean(errors_now) < 0.5 * np.mean(errors_shifted)


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_backtest_forecast_equals_forecast_from_the_prefix(fitted, sines, strategy):
    model = fitted[strategy]
    result = model.backtest(sines, start=600, stride=25, horizon=5)
    assert list(result.origins) == [600, 625, 650, 675]
    for i, t in enumerate(result.origins):
        np.testing.assert_allclose(
            result.forecasts["model"][i],
            wide(model.forecast(5, data=sines.iloc[:t])).to_numpy(),
            rtol=1e-5,
            atol=1e-6,
        )
        np.testing.assert_array_equal(result.actual[i], sines.to_numpy()[t : t + 5])
        np.testing.assert_array_equal(
            result.forecasts["naive"][i], np.repeat(sines.to_numpy()[t - 1 : t], 5, axis=0)
        )


def test_forecast_index_and_recursion_beyond_the_horizon(fitted, sines):
    model = fitted["direct"]
    long = wide(model.forecast(2 * H + 3))
    assert list(long.index) == list(range(560, 560 + 2 * H + 3))
    np.testing.assert_allclose(long.to_numpy()[:H], wide(model.forecast(H)).to_numpy(), rtol=1e-6)


def test_predict_last_row_is_the_forecast_after_the_data(fitted, sines):
    model = fitted["recursive"]
    data = sines.iloc[:600]
    # a batch of 585 windows and a batch of one may take different float32 kernels: equal to ~1e-6,
    # and a recursive roll of 24 steps carries that on
    np.testing.assert_allclose(
        model.predict(data)[-1], wide(model.forecast(H, data=data)).to_numpy(), rtol=1e-4, atol=1e-5
    )


def test_recursive_strategy_needs_every_feature_as_target(sines):
    with pytest.raises(DataError, match="strategy='recursive' feeds each forecast back"):
        Forecaster(strategy="recursive", targets=["f0"], epochs=1).fit(sines)
    with pytest.raises(ValueError, match="strategy must be one of 'direct', 'recursive', got 'both'"):
        Forecaster(strategy="both", epochs=1).fit(sines)
