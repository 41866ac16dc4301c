"""Run a real forward pass and report the shape of every tensor it makes, with dimension names.

Legend: B batch, T time steps, F input features, H hidden size, D directions, L layers,
K horizon, O output targets.  ``batch_first`` applies to the input and the RNN output, never to the
hidden or cell state, which are always ``(L*D, B, H)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch

from ..base import checks
from ..base.config import CELLS, ModelConfig
from ..data.generate import sine_wave
from ..nn.model import RNNForecaster

__all__ = ["trace_shapes", "format_shapes", "describe_shapes", "ShapeReport", "LEGEND", "BATCH_FIRST_NOTE"]

LEGEND = (
    "B batch, T time steps, F input features, H hidden size, D directions (2 if bidirectional), "
    "L layers, K horizon, O output targets"
)
BATCH_FIRST_NOTE = (
    "batch_first=True applies to the input and the RNN output only: the hidden state h_n "
    "(and the LSTM's cell state c_n) is always (L*D, B, H), batch in the middle."
)
_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _named(dims: str, shape: tuple, sizes: dict[str, int]) -> str:
    """``"(B, T, D*H)"`` and ``(1, 20, 10)`` -> ``"B=1, T=20, D*H=1*10"``."""
    parts = []
    for symbol, size in zip(dims.strip("()").split(", "), shape, strict=False):
        factors = symbol.split("*")
        if (
            len(factors) > 1
            and all(f in sizes for f in factors)
            and math.prod(sizes[f] for f in factors) == size
        ):
            parts.append(f"{symbol}={'*'.join(str(sizes[f]) for f in factors)}")
        else:
            parts.append(f"{symbol}={size}")
    return ", ".join(parts)


def trace_shapes(model: RNNForecaster, x: torch.Tensor, per_layer: bool = False) -> list[dict]:
    """Shapes of the input, RNN output, hidden (and cell) state and prediction for input ``x``.

    Returns one dict per tensor: ``name``, ``shape`` (tuple), ``dims`` (e.g. ``"(B, T, D*H)"``),
    ``named`` (each dimension with its size, e.g. ``"B=1, T=20, D*H=1*10"``) and ``meaning``.  With
    ``per_layer`` it adds each lower layer's output sequence and the head's input.
    """
    c = model.config
    with torch.inference_mode():
        r = model(x, return_states=True)
        layers = model.layer_states(x) if per_layer and c.num_layers > 1 else []
    B, T, F = x.shape
    sizes = {"B": B, "T": T, "F": F, "H": c.hidden_size, "D": c.directions, "L": c.num_layers}
    sizes.update(K=c.horizon, O=c.outputs)
    rows = [("input", x, "(B, T, F)", "batch, time steps, input features")]
    rows += [
        (
            f"layer {k} output",
            s.output,
            "(B, T, D*H)",
            f"layer {k}'s hidden state at every step = input of layer {k + 1}",
        )
        for k, s in enumerate(layers[:-1])
    ]
    rows += [
        ("rnn output", r.output, "(B, T, D*H)", "last layer's hidden state at every step"),
        ("h_n", r.h_n, "(L*D, B, H)", "final hidden state per layer and direction (not batch-first)"),
    ]
    if r.c_n is not None:
        rows.append(("c_n", r.c_n, "(L*D, B, H)", "LSTM final cell state (not batch-first)"))
    if per_layer:
        head_in = r.h_n[-c.directions :].transpose(0, 1).reshape(B, -1)
        rows.append(
            ("head input", head_in, "(B, D*H)", "last layer's final hidden state, directions side by side")
        )
    rows += _head_rows(model, x, r, sizes)
    return [
        {
            "name": n,
            "shape": tuple(t.shape),
            "dims": d,
            "named": _named(d, tuple(t.shape), sizes),
            "meaning": m,
        }
        for n, t, d, m in rows
    ]


def _head_rows(model: RNNForecaster, x: torch.Tensor, r, sizes: dict[str, int]) -> list[tuple]:
    """The rows of :func:`trace_shapes` after the recurrent part: the highway (if any), the prediction
    and a probabilistic head's parameters (``sizes`` gains their count ``P``)."""
    c = model.config
    rows: list[tuple] = []
    if model.highway is not None:
        with torch.inference_mode():
            term = model.highway(model.relative_inputs(x)[0][:, -c.highway :, list(c.target_positions)])
        rows.append(
            (
                "highway",
                term,
                "(B, K, O)",
                f"linear highway: each target's last {c.highway} inputs, added to the head's output",
            )
        )
    rows.append(
        (
            "prediction",
            r.prediction,
            "(B, K, O)",
            "head output: horizon steps x targets" + (" (with the highway)" if c.highway else ""),
        )
    )
    if model.distribution is not None:  # a probabilistic head: P numbers per step and target
        with torch.inference_mode():
            params = model(x, distribution=True)
        sizes["P"] = params.shape[-1]
        meaning = (
            "mean and scale" if c.loss == "gaussian" else f"quantiles at {list(model.distribution.levels)}"
        )
        rows.append(("distribution", params, "(B, K, O, P)", f"head's distribution parameters: {meaning}"))
    return rows


def format_shapes(rows: list[dict], named: bool = False, header: bool = False) -> str:
    """The rows of :func:`trace_shapes` as an aligned text table (``named`` adds the sized dimensions)."""
    keys = ["name", "shape", "dims"] + (["named"] if named else []) + ["meaning"]
    cells = [[str(r[k]) for k in keys] for r in rows]
    if header:
        cells.insert(
            0,
            ["tensor", "shape", "dims", "sizes", "meaning"]
            if named
            else ["tensor", "shape", "dims", "meaning"],
        )
    widths = [max(len(row[i]) for row in cells) for i in range(len(keys) - 1)]
    return "\n".join(
        "  " + "  ".join(f"{v:<{w}}" for v, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in cells
    )


@dataclass(frozen=True)
class ShapeReport:
    """What :func:`describe_shapes` found: settings, every tensor's shape and each layer's parameters.

    ``str(report)`` is the table ``tsrnn shapes`` prints; :meth:`to_dict` is JSON-able.
    """

    settings: dict
    tensors: list[dict]
    parameters: list[dict]  # one per layer: layer, count, tensors {name: shape}
    total_parameters: int
    note: str = BATCH_FIRST_NOTE

    def to_dict(self) -> dict:
        d = asdict(self)
        d["tensors"] = [dict(r, shape=list(r["shape"])) for r in self.tensors]
        d["parameters"] = [
            dict(p, tensors={k: list(v) for k, v in p["tensors"].items()}) for p in self.parameters
        ]
        return d

    def shape(self, name: str) -> tuple:
        """The shape of the tensor called ``name`` (e.g. ``"h_n"``)."""
        for row in self.tensors:
            if row["name"] == name:
                return row["shape"]
        raise KeyError(f"no tensor named {name!r}; tensors are {[r['name'] for r in self.tensors]}")

    def __str__(self) -> str:
        s = self.settings
        D = 2 if s["bidirectional"] else 1
        head = (
            f"{s['cell'].upper()}: {_n(s['layers'], 'layer')} x {s['hidden']} hidden, {_n(D, 'direction')}, "
            f"horizon {s['horizon']}; input: a sine batch of {s['batch']} x {_n(s['seq'], 'step')} x "
            f"{_n(s['features'], 'feature')}\nlegend: {LEGEND}"
        )
        lines = [
            head,
            "",
            "tensors:",
            format_shapes(self.tensors, named=True, header=True),
            "",
            f"note: {self.note}",
            "",
            f"parameters: {self.total_parameters} in all",
        ]
        width = max(len(p["layer"]) for p in self.parameters)
        count_w = max(len(str(p["count"])) for p in self.parameters)
        for p in self.parameters:
            shapes = ", ".join(f"{k} {tuple(v)}" for k, v in p["tensors"].items())
            lines.append(f"  {p['layer']:<{width}}  {p['count']:>{count_w}}  {shapes}")
        gates = _GATES[s["cell"]]
        if gates > 1:
            names = "input, forget, cell, output" if gates == 4 else "reset, update, new"
            lines.append(
                f"  (the {s['cell'].upper()} stacks its {gates} gates ({names}) in the rows: "
                f"{gates}H = {gates * s['hidden']})"
            )
        return "\n".join(lines)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _parameter_groups(model: RNNForecaster) -> list[dict]:
    groups: dict[str, dict] = {}
    for name, p in model.named_parameters():
        module, short = name.split(".", 1)
        if module == "rnn":
            layer = short.split("_l")[1].split("_")[0]  # weight_ih_l1_reverse -> "1"
            label, short = f"{model.config.cell} layer {layer}", short.replace(f"_l{layer}", "")
        else:
            label = "head (linear)"
        g = groups.setdefault(label, {"layer": label, "count": 0, "tensors": {}})
        g["count"] += p.numel()
        g["tensors"][short] = tuple(p.shape)
    return list(groups.values())


def describe_shapes(
    features: int = 1,
    hidden: int = 15,
    layers: int = 2,
    seq: int = 20,
    batch: int = 1,
    cell: str = "lstm",
    bidirectional: bool = False,
    horizon: int = 1,
    seed: int = 0,
) -> ShapeReport:
    """Build a model, run it on a sine batch and report every tensor's shape and the parameters per layer.

    Parameters
    ----------
    features, hidden, layers, seq, batch, horizon : int
        F, H, L, T, B and K.  The batch is ``batch`` consecutive windows of the tutorial sine
        (:func:`~tsrnn.data.generate.sine_wave`); with ``batch=1`` it is the tutorial's ``(1, T, F)``.
    cell : {"rnn", "lstm", "gru"}
    bidirectional : bool
        D = 2 when true.
    seed : int
        Seeds the weights (the shapes do not depend on it).

    Examples
    --------
    >>> r = describe_shapes(features=1, hidden=10, layers=2, seq=20)
    >>> r.shape("rnn output"), r.shape("h_n")
    ((1, 20, 10), (2, 1, 10))
    """
    settings = {
        "features": checks.positive_int("features", features),
        "hidden": checks.positive_int("hidden", hidden),
        "layers": checks.positive_int("layers", layers),
        "seq": checks.positive_int("seq", seq),
        "batch": checks.positive_int("batch", batch),
        "cell": checks.choice("cell", cell, CELLS),
        "bidirectional": bidirectional,
        "horizon": checks.positive_int("horizon", horizon),
    }
    if not isinstance(bidirectional, bool):
        raise checks.invalid("bidirectional", f"bidirectional must be True or False, got {bidirectional!r}")
    seed = checks.positive_int("seed", seed, minimum=0)
    config = ModelConfig(
        input_size=features,
        hidden_size=hidden,
        num_layers=layers,
        cell=cell,
        bidirectional=bidirectional,
        horizon=horizon,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = RNNForecaster(config).eval()
    series = torch.from_numpy(sine_wave(seq + batch - 1, features))  # (T + B - 1, F)
    x = series.unfold(0, seq, 1).transpose(1, 2).contiguous()  # (B, T, F): B consecutive windows
    groups = _parameter_groups(model)
    return ShapeReport(settings, trace_shapes(model, x, per_layer=True), groups, model.n_parameters())
