"""The top-k tracker: the weights of the epochs with the lowest validation losses, and their mean.

With validation, ``average_best`` epochs win and the trained model is the element-wise mean of their
weights (the best epoch's alone for 1); without it, a refit keeps the epochs it is told to average.
Weights are kept as CPU copies, so a later epoch's step never changes them.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["TopK", "clone_weights"]


def clone_weights(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A CPU copy of a state dict, detached from the network's parameters."""
    return {k: v.detach().to("cpu", copy=True) for k, v in state.items()}


def _averaged(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of weight dicts; entries that are not floating point (counters) are
    the first state's."""
    if len(states) == 1:
        return states[0]
    return {
        k: torch.stack([s[k] for s in states]).mean(0) if v.is_floating_point() else v
        for k, v in states[0].items()
    }


class TopK:
    """The ``size`` epochs with the lowest validation losses: ``kept`` (score, epoch, weights), best first."""

    def __init__(self, size: int, kept: list[tuple[float, int, dict]] | None = None) -> None:
        self.size, self.kept = size, list(kept or [])

    def offer(self, score: float, epoch: int, model: nn.Module) -> None:
        """Keep this epoch's weights if they rank among the ``size`` lowest scores (a tie keeps the
        earlier epoch)."""
        if len(self.kept) >= self.size and score >= self.kept[-1][0]:
            return
        entry = (score, epoch, clone_weights(model.state_dict()))
        self.kept = sorted([*self.kept, entry], key=lambda e: (e[0], e[1]))[: self.size]

    def add(self, score: float, epoch: int, model: nn.Module) -> None:
        """Keep this epoch's weights whatever its score (an epoch named to be averaged)."""
        self.kept.append((score, epoch, clone_weights(model.state_dict())))

    @property
    def epochs(self) -> list[int]:
        return [e for _, e, _ in self.kept]

    def weights(self) -> dict[str, torch.Tensor]:
        """The mean of the kept epochs' weights."""
        return _averaged([w for _, _, w in self.kept])
