"""Conformal calibration from residuals: the spread per step ahead, the conformal quantile, and
what it refuses."""

from __future__ import annotations

import numpy as np
import pytest

from tsrnn.base.errors import DataError, InvalidParameterError
from tsrnn.evaluation.conformal import Conformal, check_levels, interval_columns, series_scale


def test_spread_per_step_and_gaussian_quantiles():
    rng = np.random.default_rng(0)
    # 4000 origins, 3 steps: errors of spread 1, 2, 3, of series whose scale is 10
    residuals = rng.normal(size=(4000, 3, 1)) * np.array([1.0, 2.0, 3.0])[None, :, None] * 10
    residuals[-1, 1:] = np.nan  # the last origin saw only its first step
    cal = Conformal.fit(residuals, np.full((4000, 1), 10.0))
    assert cal is not None and cal.steps == 3 and cal.scores.shape == (4000 * 3 - 2, 1)
    np.testing.assert_allclose(cal.spread[:, 0] / cal.spread[0, 0], [1, 2, 3], rtol=0.05)
    half = cal.half_widths([80, 95], 3)  # (L, steps, O) in units of the scale
    assert half.shape == (2, 3, 1) and (half[1] > half[0]).all()
    # a Gaussian's 80% and 95% half-widths: 1.2816 and 1.96 standard deviations, times 1, 2, 3
    np.testing.assert_allclose(half[0, :, 0], 1.2816 * np.array([1, 2, 3]), rtol=0.05)
    np.testing.assert_allclose(half[1, :, 0], 1.96 * np.array([1, 2, 3]), rtol=0.05)


def test_the_conformal_rank_and_too_few_scores():
    scores = np.arange(1.0, 20.0)[:, None, None]  # 19 origins of one step: |e| = 1 .. 19, spread 10
    cal = Conformal.fit(scores, np.ones((19, 1)))
    assert cal is not None
    assert cal.quantile(95)[0] * cal.spread[0, 0] == pytest.approx(19.0)  # ceil(20 * 0.95) = 19th
    assert cal.quantile(80)[0] * cal.spread[0, 0] == pytest.approx(16.0)  # ceil(20 * 0.8) = 16th
    small = Conformal.fit(np.ones((5, 2, 1)), np.ones((5, 1)))  # 10 scores
    assert small is not None
    with pytest.raises(
        DataError, match=r"a 95% interval needs at least 19 calibration residuals; this model has 10"
    ):
        small.quantile(95)
    with pytest.raises(DataError, match=r"calibrated for 2 step\(s\) ahead.*got a forecast of steps=4"):
        small.half_widths([80], 4)


def test_far_steps_of_a_drifting_roll_widen_by_their_spread_not_the_quantile():
    rng = np.random.default_rng(1)
    # 2 forecast steps of Gaussian errors, then 200 steps of a recursive roll that drifts: errors of
    # one sign and size (1 + k / 10), which pooled in would outnumber the 2 steps' scores 100 to 1 and
    # pull the quantile to about 1
    near = rng.normal(size=(3000, 2))
    far = np.broadcast_to(1 + np.arange(3, 203) / 10.0, (3000, 200))
    residuals = np.concatenate([near, far], axis=1)[..., None]
    pooled_all = Conformal.fit(residuals, np.ones((3000, 1)))
    horizon = Conformal.fit(residuals, np.ones((3000, 1)), pooled=2)
    assert pooled_all is not None and horizon is not None
    assert horizon.scores.shape == (6000, 1) and horizon.steps == 202
    # |z| / E|z| of a Gaussian: its 95% quantile is 1.96 / 0.798 = 2.46
    assert horizon.quantile(95)[0] == pytest.approx(2.46, rel=0.05)
    assert pooled_all.quantile(95)[0] < 1.1  # what the far steps did to the near ones
    np.testing.assert_allclose(horizon.spread, pooled_all.spread)  # the spread is every step's
    far_half = horizon.half_widths([95], 202)[0, -1, 0]
    assert far_half == pytest.approx(2.46 * 21.2, rel=0.05)  # beyond the horizon: the spread widens


def test_a_step_whose_errors_shrink_never_narrows_the_spread():
    shrink = Conformal.fit(np.array([[[1.0], [3.0], [1.0]]] * 20), np.ones((20, 1)))
    assert shrink is not None
    np.testing.assert_allclose(shrink.spread[:, 0], [1.0, 2.0, 2.0])  # pooled: (3 + 1) / 2
    assert Conformal.fit(np.full((3, 2, 1), np.nan), np.ones((3, 1))) is None  # nothing observed
    exact = Conformal.fit(np.zeros((30, 2, 1)), np.ones((30, 1)))  # a perfect fit: zero widths, no NaN
    assert exact is not None and np.isfinite(exact.half_widths([80], 2)).all()


def test_levels_columns_and_scales():
    assert check_levels(95) == [95.0] and check_levels([95, 80, 80]) == [80.0, 95.0]
    with pytest.raises(
        InvalidParameterError, match=r"each level must lie strictly between 0 and 100 \(percent\), got 0"
    ):
        check_levels([0, 80])
    with pytest.raises(InvalidParameterError, match=r"level must name at least one interval level"):
        check_levels([])
    with pytest.raises(InvalidParameterError, match=r"level must be a number or a list of them"):
        check_levels("80")
    assert interval_columns("tsrnn", [80, 95]) == ["tsrnn-lo-95", "tsrnn-lo-80", "tsrnn-hi-80", "tsrnn-hi-95"]
    assert interval_columns("tsrnn", [99.5]) == ["tsrnn-lo-99.5", "tsrnn-hi-99.5"]
    np.testing.assert_array_equal(
        series_scale(np.array([2.0, 0.0, 0.0]), np.array([5.0, 3.0, 0.0])), [2, 3, 1]
    )
