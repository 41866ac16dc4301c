"""A weights file against the config beside it: every tensor of the shape the config implies, finite.

:class:`Tensors` wraps the tensors of ``model.safetensors`` (or, before its data is read, meta tensors
from its header: shapes and dtypes only) and records which ones the config describes, so a file
larger than its config says is refused; :func:`check_weights` checks the network's own tensors
against its :class:`~tsrnn.base.config.ModelConfig` before anything is built.
"""

from __future__ import annotations

from ..base.errors import CheckpointError
from .typed_json import fail

__all__ = ["Tensors", "check_weights"]


class Tensors:
    """The weights file's tensors, as the config describes them; every check names the tensor."""

    def __init__(self, tensors: dict, where: str) -> None:
        self.tensors, self.where = tensors, where
        self.seen: set[str] = set()

    def shape(self, key: str, shape: tuple[int, ...], finite: bool = True):
        import torch

        if key not in self.tensors:
            raise CheckpointError(f"{self.where!r}: the weights file lacks the tensor {key!r}")
        self.seen.add(key)
        t = self.tensors[key]
        if tuple(t.shape) != shape or not t.is_floating_point():
            got = f", got {str(t.dtype).replace('torch.', '')} of shape {tuple(t.shape)}"
            fail(self.where, f"tensor {key}", f"floating point of shape {shape}", detail=got)
        if finite and not t.is_meta and not bool(torch.isfinite(t).all()):  # meta: shapes, values unread
            fail(self.where, f"tensor {key}", "finite everywhere", detail=", got NaN or infinite values")
        return t

    def rows(self, key: str, shape: tuple[int, ...]):
        """A tensor of one row per series (``shape[0]``, the count of ``series.ids``), then its shape."""
        t = self.tensors.get(key)
        if t is not None and (t.dim() == 0 or t.shape[0] != shape[0]):
            expected = f"a tensor of {shape[0]} rows, one per series in 'series.ids'"
            fail(self.where, f"tensor {key}", expected, detail=f", got shape {tuple(t.shape)}")
        return self.shape(key, shape)

    def positive(self, key: str, what: str, strict: bool = True) -> None:
        t = self.tensors[key]
        if not t.is_meta and not bool((t > 0).all() if strict else (t >= 0).all()):
            fail(self.where, f"tensor {key}", what)


def check_weights(t: Tensors, model) -> None:
    """The network's tensors must have exactly the shapes the config implies (checked before building it)."""
    import torch

    from .model import RNNForecaster

    tensors, where = t.tensors, t.where
    layers = sum(1 for k in tensors if k.startswith("model.rnn.weight_hh_l") and not k.endswith("_reverse"))
    if layers != model.num_layers:
        fail(where, "model.num_layers", f"the {layers} layer(s) in the weights file", model.num_layers)
    first = tensors.get("model.rnn.weight_ih_l0")
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[model.cell]
    if first is None or tuple(first.shape) != (gates * model.hidden_size, model.input_size):
        expected = f"({gates * model.hidden_size}, {model.input_size})"
        got = f", got {None if first is None else tuple(first.shape)}"
        fail(
            where,
            "model",
            f"consistent with the weights: model.rnn.weight_ih_l0 of shape {expected}",
            detail=got,
        )
    with torch.device("meta"):  # the shapes the config implies, without allocating them
        expected_shapes = {f"model.{k}": tuple(v.shape) for k, v in RNNForecaster(model).state_dict().items()}
    present = {k: tuple(v.shape) for k, v in tensors.items() if k.startswith("model.")}
    odd = sorted(k for k, v in tensors.items() if k.startswith("model.") and not v.is_floating_point())
    if odd:
        fail(
            where, "model", "consistent with the weights", detail=f": tensor {odd[0]!r} is not floating point"
        )
    for key in sorted(set(expected_shapes) | set(present)):
        if expected_shapes.get(key) != present.get(key):
            detail = f": tensor {key!r} should have shape {expected_shapes.get(key)} by the config, the weights file has {present.get(key)}"
            fail(where, "model", "consistent with the weights", detail=detail)
    for key in sorted(present):  # a NaN weight forecasts NaN: refused on load, not at the first forecast
        t.shape(key, present[key])
