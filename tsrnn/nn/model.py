"""The recurrent forecaster: a batch-first RNN / LSTM / GRU stack and a linear head.

Shape legend: B batch, T time steps, F input features, H hidden size, D directions (2 if
bidirectional), L layers, K horizon, O output targets.  ``batch_first`` applies to the input and the
RNN output only: the hidden (and cell) state is always ``(L * D, B, H)``.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..base.checks import invalid
from ..base.config import WINDOW_SCALE_FLOOR, ModelConfig
from . import heads

__all__ = ["RNNForecaster", "Highway", "ForwardResult", "LayerState"]

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


class LayerState(NamedTuple):
    """One stacked layer's states at every step, from :meth:`RNNForecaster.layer_states`.

    output : (B, T, D*H)  the layer's hidden state at every step (forward half, then backward half)
    h_n    : (D, B, H)  its final hidden state per direction (the layer's rows of the stack's ``h_n``)
    cell   : (B, T, D*H)  the LSTM's cell state at every step, ``None`` for RNN and GRU
    c_n    : (D, B, H)  the LSTM's final cell state per direction, ``None`` for RNN and GRU
    """

    output: torch.Tensor
    h_n: torch.Tensor
    cell: torch.Tensor | None
    c_n: torch.Tensor | None


class Highway(nn.Module):
    """The linear autoregressive highway: each target's last k inputs ``(B, k, O)`` -> ``(B, K, O)``.

    ``weight`` (K, O, k) and ``bias`` (K, O) start at zero: step ``j`` of target ``o`` adds
    ``sum_i weight[j, o, i] * z[:, i, o] + bias[j, o]``.  Each target reads only its own past.
    """

    def __init__(self, lags: int, horizon: int, outputs: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(horizon, outputs, lags))  # (K, O, k)
        self.bias = nn.Parameter(torch.zeros(horizon, outputs))  # (K, O)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bio,koi->bko", z, self.weight) + self.bias  # (B, k, O) -> (B, K, O)


class RNNForecaster(nn.Module):
    """Stacked ``batch_first`` recurrent network with a linear head on the final hidden state.

    The head reads the last layer's final hidden state of each direction (for the forward direction
    that is the output at the last real step), ``(B, D*H)``, and maps it to ``(B, K, O)``.  With
    ``config.highway = k`` a :class:`Highway` adds a linear function of each target's last k inputs.

    Inputs: ``x`` (B, T, F) and optionally ``lengths`` (B,), the real length of each padded example.
    Padded examples are packed, so the padding never changes a result.

    With ``config.loss`` "gaussian" or "quantile" the head emits P numbers per step and target,
    ``(B, K*O*P)``, read by ``self.distribution`` (see :mod:`tsrnn.nn.heads`) as distribution parameters
    ``(B, K, O, P)``; ``forward`` still returns the point forecast ``(B, K, O)`` (the mean, or the
    median), and ``forward(x, distribution=True)`` the parameters, which :meth:`loss_fn` scores.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.rnn = _CELLS[c.cell](
            input_size=c.input_size,
            hidden_size=c.hidden_size,
            num_layers=c.num_layers,
            dropout=c.dropout,
            bidirectional=c.bidirectional,
            batch_first=True,
        )
        self.distribution = heads.make_head(c)  # None for a point (MSE) head
        self.head = nn.Linear(c.directions * c.hidden_size, c.horizon * c.outputs * heads.n_params(c))
        self.highway = Highway(c.highway, c.horizon, c.outputs) if c.highway else None

    @property
    def device(self) -> torch.device:
        """Where the parameters are."""
        return self.head.weight.device

    def _check_input(self, x: torch.Tensor, lengths) -> None:
        if not isinstance(x, torch.Tensor):
            raise invalid("x", f"x must be a torch.Tensor of shape (B, T, F), got {type(x).__name__}")
        if x.dim() != 3 or x.shape[-1] != self.config.input_size:
            raise invalid(
                "x",
                f"x must have shape (B, T, F) with F = input_size = {self.config.input_size}, "
                f"got shape {tuple(x.shape)}",
            )
        if x.shape[1] == 0:
            raise invalid("x", f"x must have at least one time step, got shape {tuple(x.shape)}")
        if lengths is not None:
            lengths = torch.as_tensor(lengths)
            if lengths.shape != (x.shape[0],):
                raise invalid(
                    "lengths",
                    f"lengths must have one entry per example, shape ({x.shape[0]},), "
                    f"got shape {tuple(lengths.shape)}",
                )
            if int(lengths.min()) < 1 or int(lengths.max()) > x.shape[1]:
                raise invalid("lengths", f"lengths must lie in [1, T={x.shape[1]}], got {lengths.tolist()}")

    def _check_lags(self, x: torch.Tensor, lengths, lags) -> None:
        """The highway's input: ``lags`` (B, k, F) as given, or at least k steps in every example."""
        k = self.config.highway
        if lags is not None:
            if not k:
                raise invalid("lags", "lags feed the linear highway, and this model has none (highway=0)")
            if self.config.relative:
                raise invalid(
                    "lags",
                    "lags cannot be given to a relative model: its highway reads each window "
                    "relative to the window's own last value",
                )
            if not isinstance(lags, torch.Tensor) or tuple(lags.shape) != (x.shape[0], k, x.shape[2]):
                raise invalid(
                    "lags",
                    f"lags must be a tensor of shape (B, highway, F) = ({x.shape[0]}, {k}, "
                    f"{x.shape[2]}), got {tuple(getattr(lags, 'shape', ())) or type(lags).__name__}",
                )
        elif k:
            shortest = x.shape[1] if lengths is None else int(torch.as_tensor(lengths).min())  # lengths <= T
            if shortest < k:
                raise invalid(
                    "x",
                    f"the linear highway reads the last highway={k} steps, so every input needs at "
                    f"least {k} steps; got x of shape {tuple(x.shape)}"
                    + ("" if lengths is None else f" and lengths as short as {shortest}")
                    + " (or pass them as lags)",
                )

    def forward(
        self,
        x: torch.Tensor,
        lengths=None,
        return_states: bool = False,
        hx=None,
        distribution: bool = False,
        lags: torch.Tensor | None = None,
    ):
        """Forecast ``(B, K, O)`` from ``x`` (B, T, F); with ``return_states`` a :class:`ForwardResult`.

        ``hx`` is the state to start from: ``h_0`` (L*D, B, H), or ``(h_0, c_0)`` for an LSTM; by
        default zeros.  Passing a previous ``h_n`` (and ``c_n``) continues a sequence where it ended.
        ``distribution=True`` returns what :meth:`loss_fn` scores instead: a probabilistic head's
        parameters ``(B, K, O, P)``, or for "mse" the point forecast ``(B, K, O)`` itself.
        ``lags`` (B, k, F), for a model with a highway: the last k inputs it reads, when ``x`` holds
        fewer (streaming one step at a time from a carried ``hx``); by default the last k of ``x``.
        """
        self._check_input(x, lengths)
        self._check_lags(x, lengths, lags)
        B, T, _ = x.shape
        c = self.config
        x, level, scale = self.relative_inputs(x, lengths)  # level, scale (B, 1, O) or None
        if lengths is None:
            output, state = self.rnn(x, hx)  # (B, T, D*H), (L*D, B, H) or a pair for LSTM
        else:
            lengths = torch.as_tensor(lengths, dtype=torch.int64).cpu()
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            output, state = self.rnn(packed, hx)
            output, _ = pad_packed_sequence(output, batch_first=True, total_length=T)  # (B, T, D*H)
        h_n, c_n = state if isinstance(state, tuple) else (state, None)
        last = h_n[-c.directions :].transpose(0, 1).reshape(B, -1)  # (D, B, H) -> (B, D*H)
        shift = self._shift(
            x, lengths, lags, level if scale is None else None
        )  # (B, K, O), (B, 1, O) or None
        if self.distribution is None:
            prediction = params = self.head(last).view(B, c.horizon, c.outputs)  # (B, K*O) -> (B, K, O)
            if shift is not None:
                prediction = params = prediction + shift
            if scale is not None:  # the window's scaled change, back in the data's scale and level
                prediction = params = prediction * scale + level
        else:
            raw = self.head(last).view(B, c.horizon, c.outputs, -1)  # (B, K, O, P)
            if shift is not None:  # the first raw output is the location of both heads
                raw = raw + F.pad(shift[..., None], (0, raw.shape[-1] - 1))
            params = self.distribution.params(raw)  # (B, K, O, P)
            prediction = self.distribution.point(params)  # -> (B, K, O)
        if distribution:
            return params
        if return_states:
            return ForwardResult(prediction, output, h_n, c_n)
        return prediction

    @torch.no_grad()
    def linear_part(self, x: torch.Tensor) -> torch.Tensor:
        """The point forecast ``(B, K, O)`` of the model's linear part alone: :meth:`forward` with the
        recurrent branch's head output zeroed, so what is left is the highway's term on the last
        inputs and, for a relative model, the window's level (and own scale).  Without a highway or
        relative inputs that is zero.  Against ``forward`` it shows what the recurrent network adds."""
        self._check_input(x, None)
        self._check_lags(x, None, None)
        x, level, scale = self.relative_inputs(x)  # level, scale (B, 1, O) or None
        shift = self._shift(x, None, None, level if scale is None else None)  # (B, K, O), (B, 1, O) or None
        c = self.config
        out = torch.zeros(x.shape[0], c.horizon, c.outputs, dtype=x.dtype, device=x.device)
        if shift is not None:
            out = out + shift  # -> (B, K, O)
        if (
            scale is not None and level is not None and self.distribution is None
        ):  # forward rescales a point head's output only
            out = out * scale + level
        return out

    def _shift(self, x: torch.Tensor, lengths, lags, level) -> torch.Tensor | None:
        """What the head's location gets added: the highway's term (B, K, O) on ``x`` (already
        relative when ``config.relative``) and the relative ``level`` (B, 1, O); None for neither."""
        k = self.config.highway
        if self.highway is None:
            return level
        if lags is None and lengths is None:
            lags = x[:, -k:]  # (B, k, F)
        elif lags is None:  # each example's last k real steps
            ends = torch.as_tensor(lengths, dtype=torch.int64, device=x.device)
            steps = ends[:, None] - k + torch.arange(k, device=x.device)  # (B, k)
            lags = x[torch.arange(x.shape[0], device=x.device)[:, None], steps]
        term = self.highway(lags[..., list(self.config.target_positions)])  # (B, k, O) -> (B, K, O)
        return term if level is None else term + level

    def relative_inputs(
        self, x: torch.Tensor, lengths=None
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
        """With ``config.relative``: the targets of ``x`` minus each window's last value of them, that
        level (B, 1, O), and with ``config.window_scale`` the targets' changes divided by the window's
        scale (B, 1, O): the mean absolute change from one step to the next over the window's real
        steps, at least :data:`~tsrnn.base.config.WINDOW_SCALE_FLOOR` (else None).  Other inputs
        (covariates, known inputs) stay as they are: a promotion flag or a price means what it says,
        not its change since the window's end."""
        if not self.config.relative:
            return x, None, None
        targets = list(self.config.target_positions)
        B, T = x.shape[0], x.shape[1]
        if lengths is None:
            last = x[:, -1:, targets]  # (B, 1, O)
        else:
            ends = torch.as_tensor(lengths, dtype=torch.int64, device=x.device) - 1
            last = x[torch.arange(B, device=x.device), ends][:, None, targets]  # each one's last real step
        scale = None
        if self.config.window_scale:
            steps = (x[:, 1:, targets] - x[:, :-1, targets]).abs()  # (B, T-1, O)
            if lengths is None:
                mean = steps.mean(1, keepdim=True) if T > 1 else torch.zeros_like(last)
            else:  # the changes between real steps only
                real = (torch.arange(T - 1, device=x.device)[None, :] < ends[:, None]).to(x.dtype)  # (B, T-1)
                mean = (steps * real[..., None]).sum(1, keepdim=True) / ends.clamp_min(1).to(x.dtype)[
                    :, None, None
                ]
            scale = mean.clamp_min(WINDOW_SCALE_FLOOR)  # (B, 1, O)
        if len(targets) == x.shape[-1] and targets == list(range(x.shape[-1])):  # every input is a target
            return (
                ((x - last) if scale is None else (x - last) / scale),
                last,
                scale,
            )  # (B, T, F), (B, 1, O) x2
        shift = torch.zeros(B, 1, x.shape[-1], dtype=x.dtype, device=x.device)
        shift[..., targets] = last
        if scale is None:
            return x - shift, last, None
        divide = torch.ones(B, 1, x.shape[-1], dtype=x.dtype, device=x.device)
        divide[..., targets] = scale
        return (x - shift) / divide, last, scale

    def loss_fn(self, output: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        """The training loss of ``forward(x, distribution=True)`` against targets ``y`` (B, K, O).

        MSE for a point head; the Gaussian negative log-likelihood or the pinball loss otherwise.
        ``reduction`` ("mean", "sum" or "none") acts over the (B, K, O) points.
        """
        if self.distribution is None:
            return F.mse_loss(output, y, reduction=reduction)
        return self.distribution.loss(output, y, reduction)

    def n_parameters(self) -> int:
        """Trainable parameters, all layers and the head."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def layer_states(self, x: torch.Tensor) -> list[LayerState]:
        """Every stacked layer's hidden (and LSTM cell) state at every step for ``x`` (B, T, F).

        ``nn.RNN`` returns only the last layer's sequence, so this runs the stack one layer at a time
        with the stack's own parameters (shared, not copied): layer ``l`` reads layer ``l-1``'s output.
        The last layer's ``output`` equals :meth:`forward`'s, and the layers' ``h_n`` stack to its
        ``h_n``.  No dropout is applied between layers, as in eval mode.
        """
        from torch.func import functional_call

        self._check_input(x, None)
        c = self.config
        states, inp = [], self.relative_inputs(x)[0]  # (B, T, F) for layer 0, then (B, T, D*H)
        for k in range(c.num_layers):
            with torch.device("meta"):  # a parameter-less shell: no random init, no memory
                layer = _CELLS[c.cell](
                    inp.shape[-1], c.hidden_size, batch_first=True, bidirectional=c.bidirectional
                )
            params = {n: getattr(self.rnn, n.replace("_l0", f"_l{k}")) for n, _ in layer.named_parameters()}
            output, state = functional_call(layer, params, (inp,))  # (B, T, D*H), (D, B, H)
            h_n, c_n = state if isinstance(state, tuple) else (state, None)
            cell = None if c_n is None else _lstm_cells(inp, output, params, c.hidden_size)
            states.append(LayerState(output, h_n, cell, c_n))
            inp = output
        return states


def _lstm_cells(inp: torch.Tensor, output: torch.Tensor, params: dict, H: int) -> torch.Tensor:
    """The LSTM cell state at every step, recomputed from a layer's input and hidden states.

    Gates need the previous hidden state, which ``output`` holds, so they are computed for all
    steps at once; only the cell update ``c_t = f_t * c_{t-1} + i_t * g_t`` runs step by step.
    """
    cells = []
    for d, suffix in enumerate(["", "_reverse"][: output.shape[-1] // H]):
        h = output[..., d * H : (d + 1) * H]  # (B, T, H)
        zero = torch.zeros_like(h[:, :1])
        h_prev = torch.cat([zero, h[:, :-1]], 1) if d == 0 else torch.cat([h[:, 1:], zero], 1)
        gates = (
            inp @ params[f"weight_ih_l0{suffix}"].T
            + params[f"bias_ih_l0{suffix}"]
            + h_prev @ params[f"weight_hh_l0{suffix}"].T
            + params[f"bias_hh_l0{suffix}"]
        )  # (B, T, 4H)
        i, f, g, _ = gates.chunk(4, dim=-1)  # input, forget, candidate, output gates: (B, T, H) each
        i, f, g = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g)
        steps = range(h.shape[1]) if d == 0 else range(h.shape[1] - 1, -1, -1)
        c_t, seq = torch.zeros_like(h[:, 0]), {}
        for t in steps:
            c_t = f[:, t] * c_t + i[:, t] * g[:, t]  # (B, H)
            seq[t] = c_t
        cells.append(torch.stack([seq[t] for t in range(h.shape[1])], 1))  # (B, T, H)
    return torch.cat(cells, -1)  # (B, T, D*H)
