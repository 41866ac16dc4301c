"""Run a real forward pass and report the shape of every tensor it makes, with dimension names.

Legend: B batch, T time steps, F input features, H hidden size, D directions, L layers,
K horizon, O output targets.  ``batch_first`` applies to the input and the RNN output, never to the
hidden or cell state, which are always ``(L*D, B, H)``.
"""
from __future__ import annotations

import torch

from .model import RNNForecaster

__all__ = ["trace_shapes", "format_shapes"]


def trace_shapes(model: RNNForecaster, x: torch.Tensor) -> list[dict]:
    """Shapes of the input, RNN output, hidden (and cell) state and prediction for input ``x``.

    Returns one dict per tensor: ``name``, ``shape`` (tuple), ``dims`` (e.g. ``"(B, T, D*H)"``) and
    ``meaning``.
    """
    with torch.inference_mode():
        r = model(x, return_states=True)
    rows = [("input", x, "(B, T, F)", "batch, time steps, input features"),
            ("rnn output", r.output, "(B, T, D*H)", "last layer's hidden state at every step"),
            ("h_n", r.h_n, "(L*D, B, H)", "final hidden state per layer and direction (not batch-first)")]
    if r.c_n is not None:
        rows.append(("c_n", r.c_n, "(L*D, B, H)", "LSTM final cell state (not batch-first)"))
    rows.append(("prediction", r.prediction, "(B, K, O)", "head output: horizon steps x targets"))
    return [{"name": n, "shape": tuple(t.shape), "dims": d, "meaning": m} for n, t, d, m in rows]


def format_shapes(rows: list[dict]) -> str:
    """The rows of :func:`trace_shapes` as an aligned text table."""
    shapes = [str(r["shape"]) for r in rows]
    w_name = max(len(r["name"]) for r in rows)
    w_shape = max(map(len, shapes))
    w_dims = max(len(r["dims"]) for r in rows)
    return "\n".join(f"  {r['name']:<{w_name}}  {s:<{w_shape}}  {r['dims']:<{w_dims}}  {r['meaning']}"
                     for r, s in zip(rows, shapes))
