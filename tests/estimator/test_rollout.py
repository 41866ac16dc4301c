"""tsrnn.estimator.rollout: running a fitted network on panel rows, its scaling there and back, the
calendar steps it needs, and the steps a forecast may ask for (the recursive roll and sample paths
are tested against known truth in test_inference.py and test_views.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tsrnn import DataError, Forecaster, multi_sine
from tsrnn.base.errors import InvalidParameterError
from tsrnn.estimator import rollout

TINY = dict(window=8, hidden=4, layers=1, epochs=1, seed=0)


@pytest.fixture(scope="module")
def model() -> Forecaster:
    return Forecaster(horizon=2, deseason=False, **TINY).fit(multi_sine(120, 2, noise=0.1, seed=0))


def test_scaled_and_unscale_are_each_others_inverse_with_the_training_statistics(model):
    values = multi_sine(30, 2, noise=0.1, seed=1).to_numpy()
    x = rollout.scaled(model, values)
    assert x.dtype == torch.float32 and x.shape == (30, 2)
    mean, std = model.state_.mean[0], model.state_.scale[0]
    np.testing.assert_allclose(x.numpy(), (values - mean) / std, rtol=1e-5, atol=1e-6)
    back = rollout.unscale(model, x.numpy()[None, None])  # (N=1, 1, K=30, O=2)
    np.testing.assert_allclose(back[0, 0], values, rtol=1e-5, atol=1e-5)


def test_a_value_that_overflows_once_scaled_names_its_row_and_column(model):
    values = np.zeros((5, 2))
    values[3, 1] = 1e300
    with pytest.raises(DataError, match=r"data value 1e\+300 at row 3, column 'f1' overflows float32"):
        rollout.scaled(model, values)


def test_tail_steps_count_back_from_the_step_after_each_series():
    np.testing.assert_array_equal(rollout.tail_steps(np.array([10, 3]), 3), [7, 8, 9, 0, 1, 2])


@pytest.mark.parametrize(
    ("steps", "message"),
    [(0, r"steps must be an integer >= 1, got 0"), (True, r"got True"), (2.0, r"got 2.0")],
)
def test_check_steps_refuses_what_is_not_a_count(model, steps, message):
    with pytest.raises(InvalidParameterError, match=message):
        rollout.check_steps(model, steps)


def test_check_steps_beyond_the_horizon_needs_every_input_a_target():
    data = multi_sine(120, 2, noise=0.1, seed=0)
    both = Forecaster(horizon=2, deseason=False, **TINY).fit(data)
    assert rollout.check_steps(both, np.int64(5)) == 5  # recursive: every feature is a target
    with pytest.raises(InvalidParameterError, match=rf"steps must be at most {rollout.MAX_STEPS}"):
        rollout.check_steps(both, rollout.MAX_STEPS + 1)
    one = Forecaster(horizon=2, deseason=False, targets=[0], **TINY).fit(data)
    assert rollout.check_steps(one, 2) == 2
    with pytest.raises(
        DataError, match=r"a forecast of 3 steps, beyond the network's horizon of 2, is recursive"
    ):
        rollout.check_steps(one, 3)
