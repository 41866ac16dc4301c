"""tsrnn.nn.heads: each head's parameters, point forecast, quantiles and draws, on hand-set values
(the losses on hand-computed cases are in tests/evaluation/test_probabilistic.py)."""

from __future__ import annotations

from statistics import NormalDist

import pytest
import torch

from tsrnn.base.config import ModelConfig
from tsrnn.base.errors import InvalidParameterError
from tsrnn.nn.heads import SCALE_FLOOR, GaussianHead, QuantileHead, make_head, n_params, pinball


def test_the_head_and_its_width_follow_the_loss():
    assert make_head(ModelConfig(input_size=1)) is None and n_params(ModelConfig(input_size=1)) == 1
    gaussian = ModelConfig(input_size=1, loss="gaussian")
    assert isinstance(make_head(gaussian), GaussianHead) and n_params(gaussian) == 2
    quantile = ModelConfig(input_size=1, loss="quantile", quantiles=(0.1, 0.25, 0.5, 0.75, 0.9))
    head = make_head(quantile)
    assert isinstance(head, QuantileHead) and head.P == n_params(quantile) == 5


def test_the_gaussian_scale_is_positive_and_its_quantiles_are_the_normals():
    head = GaussianHead(ModelConfig(input_size=1, loss="gaussian", quantiles=(0.1, 0.5, 0.9)))
    raw = torch.tensor([[3.0, -40.0], [1.0, 2.0]])  # a scale that softplus takes to ~0: floored
    params = head.params(raw)
    assert params[0, 1].item() == pytest.approx(SCALE_FLOOR) and (params[:, 1] > 0).all()
    torch.testing.assert_close(head.point(params), torch.tensor([3.0, 1.0]))
    scale = torch.nn.functional.softplus(torch.tensor(2.0)) + SCALE_FLOOR
    z = NormalDist().inv_cdf(0.9)
    torch.testing.assert_close(
        head.quantiles(params)[1], torch.stack([1 - z * scale, torch.tensor(1.0), 1 + z * scale])
    )


def test_quantiles_never_cross_and_the_point_is_the_interpolated_median():
    head = QuantileHead(ModelConfig(input_size=1, loss="quantile", quantiles=(0.1, 0.4, 0.8)))
    params = head.params(torch.tensor([[2.0, -5.0, 30.0]]))  # any raw numbers: non-decreasing
    assert (params.diff(dim=-1) >= 0).all()
    q = torch.tensor([[1.0, 2.0, 4.0]])  # 0.5 lies a quarter of the way from 0.4 to 0.8
    assert head.point(q).item() == pytest.approx(2.0 + 0.25 * 2.0)
    assert head.loss(q, torch.tensor([2.0])).item() == pytest.approx(
        pinball(q, torch.tensor([2.0]), head.levels).item()
    )


def test_quantile_draws_follow_the_levels():
    head = QuantileHead(ModelConfig(input_size=1, loss="quantile", quantiles=(0.1, 0.5, 0.9)))
    q = torch.tensor([0.0, 1.0, 2.0]).expand(20000, 3)
    draws = head.sample(q, torch.Generator().manual_seed(0))
    assert draws.shape == (20000,)
    shares = [(draws <= level).float().mean().item() for level in (0.0, 1.0, 2.0)]
    assert shares == pytest.approx([0.1, 0.5, 0.9], abs=0.01)


def test_an_unknown_reduction_is_refused_by_name():
    with pytest.raises(
        InvalidParameterError, match=r"reduction must be one of 'mean', 'sum', 'none', got 'max'"
    ):
        pinball(torch.zeros(1, 3), torch.zeros(1), (0.1, 0.5, 0.9), reduction="max")
