"""Metrics on hand-computed cases and zeros, baselines, backtests and evaluate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import wide

from tsrnn import Forecaster, multi_sine
from tsrnn.evaluation.baselines import Baselines
from tsrnn.evaluation.metrics import error_table, mae, mape, mase, rmse, skill, smape
from tsrnn.evaluation.seasons import find_season


def test_metrics_on_a_hand_computed_case():
    y = np.array([[1.0, 2.0], [3.0, 4.0]])
    f = np.array([[2.0, 2.0], [1.0, 4.0]])  # errors 1, 0, -2, 0
    assert mae(y, f) == pytest.approx(0.75)
    assert rmse(y, f) == pytest.approx(math.sqrt(5 / 4))
    np.testing.assert_allclose(mae(y, f, per_target=True), [1.5, 0.0])
    assert mape(y, f) == pytest.approx((100 + 0 + 200 / 3 + 0) / 4)
    assert smape(y, f) == pytest.approx((200 / 3 + 0 + 200 * 2 / 4 + 0) / 4)
    np.testing.assert_allclose(mase(y, f, scale=[0.5, 1.0], per_target=True), [3.0, 0.0])


def test_zeros_never_give_a_silent_inf():
    y = np.array([0.0, 0.0, 2.0])
    f = np.array([0.0, 1.0, 1.0])
    assert mape(y, f) == pytest.approx(50.0)  # only the non-zero actual counts
    assert math.isnan(mape(np.zeros(3), f))  # undefined when every actual is 0
    assert smape(y, f) == pytest.approx((0 + 200 + 200 / 3) / 3)  # 0/0 counts as no error
    assert math.isnan(mase(y, f, scale=0.0))
    table = error_table(np.zeros((4, 1, 1)), {"m": np.ones((4, 1, 1))}, ["y"], mase_scale=[0.0])
    assert table["m"]["mape"] is None and table["m"]["mase"] is None and table["m"]["mae"] == 1.0


def test_metric_input_errors():
    with pytest.raises(ValueError, match=r"same shape, got \(3,\) and \(2,\)"):
        mae(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="empty forecast"):
        rmse(np.zeros(0), np.zeros(0))


def test_skill():
    assert skill(0.5, [1.0, 2.0]) == pytest.approx(0.5)
    assert skill(2.0, [1.0, None]) == pytest.approx(-1.0)
    assert skill(None, [1.0]) is None and skill(1.0, [0.0]) is None


def test_season_is_found_from_the_autocorrelation():
    t = np.arange(1000)
    rng = np.random.default_rng(0)
    assert find_season(np.sin(2 * np.pi * t / 24) + 0.1 * rng.normal(size=1000)) == 24
    assert find_season(rng.normal(size=1000)) is None
    assert find_season(np.ones(100)) is None


def test_baselines_on_a_known_series():
    t = np.arange(200, dtype=float)
    values = np.stack([np.sin(2 * np.pi * t / 10), 0.5 * t], axis=1)  # a season of 10, a straight line
    b = Baselines(window=5, horizon=3, targets=[0, 1]).fit(values[:150])
    assert b.seasons_[0] == 10 and b.context >= 10
    origins = np.array([160, 170])
    f = b.forecast(values, origins)
    truth = values[origins[:, None] + np.arange(3)]
    np.testing.assert_allclose(
        f["seasonal_naive"][:, :, 0], truth[:, :, 0], atol=1e-9
    )  # exact one season back
    np.testing.assert_allclose(f["drift"][:, :, 1], truth[:, :, 1], atol=1e-9)  # a line continues exactly
    np.testing.assert_allclose(f["naive"][:, :, 1], np.repeat(values[origins - 1, 1:2], 3, axis=1))
    np.testing.assert_allclose(f["linear_ar"], truth, atol=1e-4)  # both are exact linear recurrences
    x = values[:150, 0]  # MASE's scale: the in-sample seasonal naive error (lag 10), else the naive one
    np.testing.assert_allclose(b.scale_, [np.abs(x[10:] - x[:-10]).mean(), 0.5], atol=1e-12)


def test_baselines_season_argument_is_checked():
    with pytest.raises(ValueError, match="season must be one integer or one per target"):
        Baselines(5, 1, [0, 1], season=[4, 5, 6]).fit(np.zeros((50, 2)))


@pytest.fixture(scope="module")
def noisy() -> tuple[pd.DataFrame, Forecaster]:
    df = multi_sine(900, 2, periods=(30, 19), noise=0.1, seed=1)
    return df, Forecaster(window=12, horizon=3, hidden=8, epochs=8, seed=0).fit(df.iloc[:700])


def test_evaluate_reports_the_model_beside_every_baseline(noisy):
    df, model = noisy
    result = model.evaluate(df, start=700)
    for method in ("model", "naive", "seasonal_naive", "drift", "linear_ar"):
        assert set(result[method]) >= {"mae", "rmse", "mape", "smape", "mase", "per_target"}
        assert set(result[method]["per_target"]) == {"f0", "f1"}
    baselines = ["naive", "seasonal_naive", "drift", "linear_ar"]
    best = min(baselines, key=lambda b: result[b]["rmse"])
    assert result["best_baseline"] == best
    assert result["skill"]["rmse"] == pytest.approx(1 - result["model"]["rmse"] / result[best]["rmse"])
    assert result["n_windows"] == 900 - 700 - 3 + 1 and result["horizon"] == 3
    assert result["seasons"] == {"f0": 30, "f1": 19}
    assert result["model"]["rmse"] < result["naive"]["rmse"]


def test_backtest_frame_and_summary(noisy):
    df, model = noisy
    result = model.backtest(df, start=0.8, stride=10, horizon=4)
    assert list(result.origins) == list(range(720, 897, 10))
    frame = result.frame()
    assert list(frame.columns) == [
        "origin",
        "step",
        "target",
        "actual",
        "model",
        "naive",
        "seasonal_naive",
        "drift",
        "linear_ar",
    ]
    assert len(frame) == len(result.origins) * 4 * 2
    row = frame[(frame.origin == 730) & (frame.step == 2) & (frame.target == "f1")].iloc[0]
    assert row.actual == pytest.approx(df["f1"].iloc[731])
    summary = result.summary("rmse")
    assert list(summary.index) == [1, 2, 3, 4] and "model" in summary.columns
    step2 = result.actual[:, 1], result.forecasts["model"][:, 1]
    assert summary.loc[2, "model"] == pytest.approx(rmse(*step2))
    with pytest.raises(ValueError, match="metric must be one of"):
        result.summary("r2")


def test_backtest_with_refit_fits_on_the_past_only(noisy):
    df, model = noisy
    refit = model.backtest(df, start=800, stride=40, horizon=2, refit=True)
    plain = model.backtest(df, start=800, stride=40, horizon=2)
    assert list(refit.origins) == [800, 840, 880]
    np.testing.assert_array_equal(refit.actual, plain.actual)
    assert not np.allclose(refit.forecasts["model"], plain.forecasts["model"])
    # the refit at origin 800 is exactly a fresh fit on the first 800 steps
    fresh = Forecaster(**model.get_params()).fit(df.iloc[:800])
    np.testing.assert_allclose(
        refit.forecasts["model"][0], wide(fresh.forecast(2)).to_numpy(), rtol=1e-5, atol=1e-6
    )


def test_backtest_errors(noisy):
    from tsrnn import DataError

    df, model = noisy
    with pytest.raises(DataError, match="need at least"):
        model.backtest(df.iloc[:32], start=0.5)
    with pytest.raises(ValueError, match="stride must be an integer >= 1, got 0"):
        model.backtest(df, stride=0)
