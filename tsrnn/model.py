"""The recurrent forecaster: a batch-first RNN / LSTM / GRU stack and a linear head.

Shape legend: B batch, T time steps, F input features, H hidden size, D directions (2 if
bidirectional), L layers, K horizon, O output targets.  ``batch_first`` applies to the input and the
RNN output only: the hidden (and cell) state is always ``(L * D, B, H)``.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .config import ModelConfig

__all__ = ["RNNForecaster", "ForwardResult"]

_CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class ForwardResult(NamedTuple):
    """Everything one forward pass makes.

    prediction : (B, K, O)  the head's forecast
    output     : (B, T, D*H)  the last layer's hidden state at every step (zero past a padded length)
    h_n        : (L*D, B, H)  each layer's and direction's final hidden state
    c_n        : (L*D, B, H)  the LSTM's final cell state, ``None`` for RNN and GRU
    """

    prediction: torch.Tensor
    output: torch.Tensor
    h_n: torch.Tensor
    c_n: torch.Tensor | None


class RNNForecaster(nn.Module):
    """Stacked ``batch_first`` recurrent network with a linear head on the final hidden state.

    The head reads the last layer's final hidden state of each direction (for the forward direction
    that is the output at the last real step), ``(B, D*H)``, and maps it to ``(B, K, O)``.

    Inputs: ``x`` (B, T, F) and optionally ``lengths`` (B,), the real length of each padded example.
    Padded examples are packed, so the padding never changes a result.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.rnn = _CELLS[c.cell](
            input_size=c.input_size, hidden_size=c.hidden_size, num_layers=c.num_layers,
            dropout=c.dropout, bidirectional=c.bidirectional, batch_first=True,
        )
        self.head = nn.Linear(c.directions * c.hidden_size, c.horizon * c.output_size)

    def _check_input(self, x: torch.Tensor, lengths) -> None:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor of shape (B, T, F), got {type(x).__name__}")
        if x.dim() != 3 or x.shape[-1] != self.config.input_size:
            raise ValueError(f"x must have shape (B, T, F) with F = input_size = {self.config.input_size}, "
                             f"got shape {tuple(x.shape)}")
        if x.shape[1] == 0:
            raise ValueError(f"x must have at least one time step, got shape {tuple(x.shape)}")
        if lengths is not None:
            lengths = torch.as_tensor(lengths)
            if lengths.shape != (x.shape[0],):
                raise ValueError(f"lengths must have one entry per example, shape ({x.shape[0]},), "
                                 f"got shape {tuple(lengths.shape)}")
            if int(lengths.min()) < 1 or int(lengths.max()) > x.shape[1]:
                raise ValueError(f"lengths must lie in [1, T={x.shape[1]}], got {lengths.tolist()}")

    def forward(self, x: torch.Tensor, lengths=None, return_states: bool = False):
        """Forecast ``(B, K, O)`` from ``x`` (B, T, F); with ``return_states`` a :class:`ForwardResult`."""
        self._check_input(x, lengths)
        B, T, _ = x.shape
        c = self.config
        if lengths is None:
            output, state = self.rnn(x)  # (B, T, D*H), (L*D, B, H) or a pair for LSTM
        else:
            lengths = torch.as_tensor(lengths, dtype=torch.int64).cpu()
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            output, state = self.rnn(packed)
            output, _ = pad_packed_sequence(output, batch_first=True, total_length=T)  # (B, T, D*H)
        h_n, c_n = state if isinstance(state, tuple) else (state, None)
        last = h_n[-c.directions:].transpose(0, 1).reshape(B, -1)  # (D, B, H) -> (B, D*H)
        prediction = self.head(last).view(B, c.horizon, c.output_size)  # (B, K*O) -> (B, K, O)
        if return_states:
            return ForwardResult(prediction, output, h_n, c_n)
        return prediction

    def n_parameters(self) -> int:
        """Trainable parameters, all layers and the head."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)
