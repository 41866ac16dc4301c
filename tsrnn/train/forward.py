"""The network over windows without training: chunked forward passes in eval mode, and the one
recursive roll that point forecasts and sample paths share.

Symbols: N windows, W window length, F input features, K horizon, O targets, P a distribution's parameters.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

__all__ = ["EVAL_CHUNK", "predict_windows", "roll_windows"]

EVAL_CHUNK = 8192  # windows per forward pass when only predicting


@torch.inference_mode()
def predict_windows(model: nn.Module, X: torch.Tensor, distribution: bool = False) -> torch.Tensor:
    """Run ``model`` in eval mode over windows ``X`` (N, T, F) in chunks -> (N, K, O) on the CPU.

    ``distribution=True`` returns a probabilistic head's parameters (N, K, O, P) instead, see
    :meth:`~tsrnn.nn.model.RNNForecaster.forward`.
    """
    device = getattr(model, "device", None) or next(model.parameters()).device  # the first walks no modules
    was_training = model.training
    kw = {"distribution": True} if distribution else {}
    if was_training:  # switching modes walks every submodule: only when needed
        model.eval()
    try:
        if X.shape[0] <= EVAL_CHUNK:
            return model(X.to(device), **kw).cpu()
        return torch.cat(
            [model(X[i : i + EVAL_CHUNK].to(device), **kw).cpu() for i in range(0, X.shape[0], EVAL_CHUNK)]
        )
    finally:
        if was_training:
            model.train()


def roll_windows(
    next_steps: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor, steps: int, target_idx: list[int]
) -> torch.Tensor:
    """The one recursive roll: ``steps`` outputs (N, steps, O) from windows ``X`` (N, W, F).

    ``next_steps(X)`` gives the next k steps (N, k, O) of each window (the network's point
    forecast, or a draw from its distribution); past k each window slides over its own outputs,
    so every input feature must be a target (``target_idx``: their columns).  One network pass per
    k steps.
    """
    W, F = X.shape[1], X.shape[2]
    outputs = [next_steps(X)]
    k = outputs[0].shape[1]
    while len(outputs) * k < steps:
        rows = torch.empty(X.shape[0], k, F)
        rows[:, :, target_idx] = outputs[-1]
        X = torch.cat([X, rows], dim=1)[:, -W:]  # slide the window over the outputs
        outputs.append(next_steps(X))
    out = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=1)
    return out if out.shape[1] == steps else out[:, :steps]
