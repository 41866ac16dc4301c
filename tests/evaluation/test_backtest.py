"""Rolling-origin backtests and evaluate: the frame, its summary beside every baseline, refits on the
past only, and what they refuse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import wide

from tsrnn import Forecaster, multi_sine
from tsrnn.evaluation.metrics import rmse


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


def test_origin_positions_of_every_series_at_once():
    from tsrnn.evaluation.backtest import origin_positions

    lengths, contexts = np.array([10, 7, 12]), np.array([2, 3, 2])
    local, owner = origin_positions(lengths, -4, 2, 1, contexts)  # the last 4 steps, every second
    assert owner.tolist() == [0, 0, 1, 1, 2, 2]
    assert local.tolist() == [6, 8, 3, 5, 8, 10]
    local, owner = origin_positions(lengths, 0.5, 1, 2, contexts)  # half of each series, half to even
    assert list(zip(owner.tolist(), local.tolist(), strict=True)) == [
        (0, 5),
        (0, 6),
        (0, 7),
        (0, 8),
        (1, 4),
        (1, 5),
        (2, 6),
        (2, 7),
        (2, 8),
        (2, 9),
        (2, 10),
    ]
    local, owner = origin_positions(lengths, 0, 4, 1, contexts)  # from each series' context
    assert list(zip(owner.tolist(), local.tolist(), strict=True)) == [
        (0, 2),
        (0, 6),
        (1, 3),
        (2, 2),
        (2, 6),
        (2, 10),
    ]


def test_origin_positions_name_the_first_series_too_short():
    from tsrnn import DataError
    from tsrnn.evaluation.backtest import origin_positions

    with pytest.raises(
        DataError,
        match=r"^series 'b': series has 4 time steps; origins from 3 \(start=2, and 3 steps of history\) "
        r"with horizon=2 need at least 5 steps$",
    ):
        origin_positions(np.array([9, 4, 3]), -2, 1, 2, np.array([2, 3, 2]), ["a", "b", "c"])
    with pytest.raises(DataError, match=r"^series has 4 time steps; origins from 6 \(start=2"):
        origin_positions(np.array([4]), 2, 1, 1, np.array([6]))
