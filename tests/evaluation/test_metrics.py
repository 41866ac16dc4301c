"""tsrnn.evaluation.metrics: MAE, RMSE, MAPE, sMAPE and MASE on hand-computed examples, per target,
zeros that never give a silent inf, input errors, and skill beside the naive baseline."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tsrnn.evaluation.metrics import error_table, mae, mape, mase, rmse, skill, smape


def test_mae_and_rmse_by_hand():
    y, f = [1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 5.0, 0.0]  # errors -1, 0, -2, 4
    assert mae(y, f) == pytest.approx((1 + 0 + 2 + 4) / 4)
    assert rmse(y, f) == pytest.approx(math.sqrt((1 + 0 + 4 + 16) / 4))
    assert isinstance(mae(y, f), float) and isinstance(rmse(y, f), float)


def test_perfect_forecast_scores_zero():
    y = np.random.default_rng(0).normal(size=(5, 3, 2))
    assert mae(y, y) == 0.0 and rmse(y, y) == 0.0


def test_per_target_on_windows():
    # (N=2, K=2, O=2): target 0 errors 1, 1, 1, 1; target 1 errors 0, 2, 0, -2
    y_true = np.zeros((2, 2, 2))
    y_pred = np.array([[[1.0, 0.0], [1.0, 2.0]], [[-1.0, 0.0], [1.0, -2.0]]])
    np.testing.assert_allclose(mae(y_true, y_pred, per_target=True), [1.0, 1.0])
    np.testing.assert_allclose(rmse(y_true, y_pred, per_target=True), [1.0, math.sqrt(2.0)])
    assert mae(y_true, y_pred) == pytest.approx(1.0)
    assert rmse(y_true, y_pred) == pytest.approx(math.sqrt((4 * 1 + 8) / 8))


def test_per_target_of_a_1d_series_is_one_value():
    result = mae([0.0, 0.0], [1.0, 3.0], per_target=True)
    np.testing.assert_allclose(result, [2.0])


def test_metrics_accept_mixed_dtypes():
    y = np.array([1, 2, 3], dtype=np.int64)
    f = np.array([1.5, 2.5, 3.5], dtype=np.float32)
    assert mae(y, f) == pytest.approx(0.5)
    assert rmse(y, f) == pytest.approx(0.5)


@pytest.mark.parametrize("fn", [mae, rmse])
def test_shape_mismatch(fn):
    with pytest.raises(
        ValueError, match=r"y_true and y_pred must have the same shape, got \(3,\) and \(2,\)"
    ):
        fn([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"got \(4, 1, 2\) and \(4, 2, 1\)"):
        fn(np.zeros((4, 1, 2)), np.zeros((4, 2, 1)))


@pytest.mark.parametrize("fn", [mae, rmse])
def test_empty_forecast(fn):
    with pytest.raises(ValueError, match=r"cannot score an empty forecast"):
        fn(np.zeros((0, 1, 2)), np.zeros((0, 1, 2)))


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
