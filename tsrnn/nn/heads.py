"""Probabilistic heads and their losses: a Gaussian (negative log-likelihood) and quantiles (pinball).

The linear head of :class:`~tsrnn.nn.model.RNNForecaster` emits P numbers per step and target,
``(B, K*O*P)``.  A head here turns them into distribution parameters ``(B, K, O, P)``, into a point
forecast ``(B, K, O)``, into quantiles ``(B, K, O, Q)`` and into random draws, and scores them:

- ``"mse"`` (no head object, P = 1): the point forecast itself, trained by mean squared error;
- ``"gaussian"`` (P = 2): mean and scale, ``scale = softplus(raw) + SCALE_FLOOR`` > 0, trained by
  the Gaussian negative log-likelihood; its point forecast is the mean;
- ``"quantile"`` (P = Q): one value per level, a base value plus cumulative softplus increments, so
  quantiles never cross; trained by the pinball loss averaged over the levels; its point forecast
  is the median (interpolated between the neighbouring levels when 0.5 is not one of them).

Everything here works in the scaled units the network is trained in; :mod:`tsrnn.evaluation.probabilistic`
converts to the user's units.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import torch
from torch.nn import functional as F

from ..base.checks import invalid
from ..base.config import DEFAULT_LEVELS, ModelConfig

__all__ = ["SCALE_FLOOR", "GaussianHead", "QuantileHead", "make_head", "n_params", "gaussian_nll", "pinball"]

SCALE_FLOOR = 1e-3  # smallest Gaussian scale, in scaled units: keeps the likelihood finite
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _reduce(values: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise invalid("reduction", f"reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")


def gaussian_nll(
    mean: torch.Tensor, scale: torch.Tensor, y: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """``log(scale) + (y - mean)^2 / (2 scale^2) + log(2 pi) / 2`` per point, reduced."""
    z = (y - mean) / scale
    return _reduce(torch.log(scale) + 0.5 * z * z + _HALF_LOG_2PI, reduction)


def pinball(q: torch.Tensor, y: torch.Tensor, levels, reduction: str = "mean") -> torch.Tensor:
    """Pinball (quantile) loss of quantiles ``q`` (..., Q) at ``levels`` (Q,) for ``y`` (...).

    Per level ``tau``: ``tau * (y - q)`` if ``y >= q`` else ``(1 - tau) * (q - y)``; averaged over the
    levels, so each point gets one value, then reduced over the points.
    """
    tau = torch.as_tensor(levels, dtype=q.dtype, device=q.device)  # (Q,)
    u = y.unsqueeze(-1) - q  # (..., Q)
    return _reduce(torch.maximum(tau * u, (tau - 1) * u).mean(-1), reduction)


class GaussianHead:
    """Mean and positive scale per step and target: params ``(..., 2)``."""

    P = 2

    def __init__(self, config: ModelConfig) -> None:
        self.levels = config.quantiles or DEFAULT_LEVELS  # resolved on creation for these losses

    def params(self, raw: torch.Tensor) -> torch.Tensor:
        """(..., 2) unconstrained -> (..., 2) mean and scale."""
        return torch.stack([raw[..., 0], F.softplus(raw[..., 1]) + SCALE_FLOOR], -1)

    def point(self, params: torch.Tensor) -> torch.Tensor:
        return params[..., 0]  # the mean

    def loss(self, params: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        return gaussian_nll(params[..., 0], params[..., 1], y, reduction)

    def quantiles(self, params: torch.Tensor) -> torch.Tensor:
        """(..., 2) -> (..., Q): ``mean + scale * z(level)`` at the configured levels."""
        z = torch.tensor(
            [NormalDist().inv_cdf(t) for t in self.levels], dtype=params.dtype, device=params.device
        )
        return params[..., :1] + params[..., 1:] * z

    def sample(self, params: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """One draw per row: (..., 2) -> (...)."""
        eps = torch.randn(params.shape[:-1], generator=generator, dtype=params.dtype)
        return params[..., 0] + params[..., 1] * eps.to(params.device)


class QuantileHead:
    """One value per level, non-decreasing along the last axis: params ``(..., Q)``."""

    def __init__(self, config: ModelConfig) -> None:
        self.levels = config.quantiles or DEFAULT_LEVELS  # resolved on creation for these losses
        self.P = len(self.levels)
        self.median = _median_weights(self.levels)  # (Q,)

    def params(self, raw: torch.Tensor) -> torch.Tensor:
        """(..., Q) unconstrained -> (..., Q) quantiles: the first, then softplus steps up from it."""
        return torch.cat([raw[..., :1], F.softplus(raw[..., 1:])], -1).cumsum(-1)

    def point(self, params: torch.Tensor) -> torch.Tensor:
        return params @ self.median.to(params.device, params.dtype)  # (..., Q) -> (...)

    def loss(self, params: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        return pinball(params, y, self.levels, reduction)

    def quantiles(self, params: torch.Tensor) -> torch.Tensor:
        return params

    def sample(self, params: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """One draw per row from the piecewise-linear quantile function through the levels,
        extended linearly from the outer levels towards 0 and 1: (..., Q) -> (...)."""
        u = torch.rand(params.shape[:-1], generator=generator, dtype=params.dtype).to(params.device)
        if self.P == 1:
            return params[..., 0]
        tau = torch.tensor(self.levels, dtype=params.dtype, device=params.device)  # (Q,)
        hi = torch.searchsorted(tau, u.contiguous()).clamp(1, self.P - 1)  # (...) segment's upper level
        lo = hi - 1
        q_lo, q_hi = params.gather(-1, lo[..., None])[..., 0], params.gather(-1, hi[..., None])[..., 0]
        w = (u - tau[lo]) / (tau[hi] - tau[lo])  # in [0, 1] inside, beyond it in the tails
        return q_lo + w * (q_hi - q_lo)


def _median_weights(levels) -> torch.Tensor:
    """Weights (Q,) whose dot product with quantiles at ``levels`` is the median (interpolated)."""
    w = torch.zeros(len(levels))
    above = [i for i, t in enumerate(levels) if t >= 0.5]
    if not above:
        w[-1] = 1.0
    elif above[0] == 0 or levels[above[0]] == 0.5:
        w[above[0]] = 1.0
    else:
        i = above[0]
        lo, hi = levels[i - 1], levels[i]
        w[i - 1], w[i] = (hi - 0.5) / (hi - lo), (0.5 - lo) / (hi - lo)
    return w


def make_head(config: ModelConfig) -> GaussianHead | QuantileHead | None:
    """The head for ``config.loss``; None for "mse", whose output is the point forecast itself."""
    if config.loss == "mse":
        return None
    return GaussianHead(config) if config.loss == "gaussian" else QuantileHead(config)


def n_params(config: ModelConfig) -> int:
    """P, numbers the linear head emits per step and target."""
    return {"mse": 1, "gaussian": 2}.get(config.loss, len(config.quantiles or ()))
