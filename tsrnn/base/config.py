"""Frozen configuration dataclasses: one per concern, checked on creation, round-tripped through JSON.

Symbols: B batch, T time steps in a window, F input features, H hidden size, D directions,
L layers, K horizon, O output targets.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, TypeVar

from . import checks
from .errors import InvalidParameterError

__all__ = [
    "CELLS",
    "LOSSES",
    "WINDOW_SCALE_FLOOR",
    "DEFAULT_LEVELS",
    "MAX_LAYERS",
    "MAX_PARAMETERS",
    "MAX_GENERATED_VALUES",
    "ModelConfig",
    "TrainConfig",
    "check_levels",
    "auto_batch_size",
    "auto_epochs",
    "EPOCH_STEPS",
    "EPOCH_WINDOWS",
]

CELLS = ("rnn", "lstm", "gru")
LOSSES = ("mse", "gaussian", "quantile")  # the heads of tsrnn.nn.heads
WINDOW_SCALE_FLOOR = 0.05  # window_scale: the least scale of a window's changes (scaled units), so a flat window is not blown up
DEFAULT_LEVELS = (0.1, 0.5, 0.9)  # quantile levels of a probabilistic head when none are given
# Limits a real model stays far below; they refuse, before anything is allocated, what would only hang.
MAX_LAYERS = 64  # stacked recurrent layers: each is one more pass over every window, and deeper stacks
# of recurrent layers do not train (the largest published RNN forecasters stack a handful)
MAX_PARAMETERS = 50_000_000  # 200 MB of float32 weights, held about seven times over while training
# (gradients, Adam's two moments, the best epochs' weights and the checkpoint)
MAX_GENERATED_VALUES = 10**8  # length x features of a generated series: 800 MB of float64 at the limit
_GATES = {"rnn": 1, "gru": 3, "lstm": 4}

_C = TypeVar("_C", bound="_JsonConfig")


class _JsonConfig:
    """JSON round trip shared by the configs; unknown keys are an error, not silently dropped."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls: type[_C], data: dict[str, Any]) -> _C:
        known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidParameterError(
                f"{cls.__name__} got unknown fields {unknown}; expected some of {sorted(known)}"
            )
        return cls(**data)

    @classmethod
    def from_json(cls: type[_C], text: str) -> _C:
        return cls.from_dict(json.loads(text))


def check_levels(name: str, levels, loss: str) -> tuple[float, ...] | None:
    """Quantile levels for ``loss``: a sorted tuple strictly inside (0, 1), or None for "mse".

    ``None`` means :data:`DEFAULT_LEVELS` for the probabilistic losses.  Raises naming ``name``.
    """
    if loss == "mse":
        if levels is not None:
            raise checks.invalid(
                name,
                f"{name} are used with loss='gaussian' or 'quantile', not loss='mse'; got {name}={levels!r}",
            )
        return None
    if levels is None:
        return DEFAULT_LEVELS
    if isinstance(levels, (str, bytes)) or not hasattr(levels, "__iter__"):
        raise checks.invalid(name, f"{name} must be a sequence of levels in (0, 1), got {levels!r}")
    values = tuple(
        checks.real(f"{name}[{i}]", v, 0.0, 1.0, low_open=True, high_open=True) for i, v in enumerate(levels)
    )
    if not values:
        raise checks.invalid(
            name, f"{name} must hold at least one level in (0, 1) for loss={loss!r}, got none"
        )
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise checks.invalid(name, f"{name} must be sorted and unique, got {list(values)}")
    return values


@dataclass(frozen=True)
class ModelConfig(_JsonConfig):
    """Everything needed to rebuild an :class:`~tsrnn.nn.model.RNNForecaster`.

    Its defaults describe the bare recurrent network of the tutorial (a tanh ``nn.RNN`` reading
    absolute inputs, no highway), for building one by hand; what ``Forecaster`` and every
    command train is decided by the estimator's parameter table (:mod:`tsrnn.estimator.parameters`:
    an LSTM, relative inputs, the highway), which fills in every field.

    Parameters
    ----------
    input_size : int
        F, features per time step of the input.
    hidden_size : int
        H, units in each recurrent layer (per direction).
    num_layers : int
        L, stacked recurrent layers.
    cell : {"rnn", "lstm", "gru"}
        Recurrent cell; "rnn" is the tanh Elman RNN.
    dropout : float
        Dropout between stacked layers, in [0, 1); needs ``num_layers >= 2`` to have any effect.
    bidirectional : bool
        Run a second, backward direction (D = 2).
    horizon : int
        K, future steps the head predicts at once.
    output_size : int or None
        O, target series predicted per step; ``None`` means ``input_size``.
    loss : {"mse", "gaussian", "quantile"}
        The head and its training loss: a point forecast by mean squared error; a Gaussian mean and
        scale by negative log-likelihood; or quantiles (never crossing) by pinball loss.  See
        :mod:`tsrnn.nn.heads`.
    quantiles : tuple of float or None
        Levels strictly inside (0, 1), sorted and unique: the quantile head's outputs, or the
        Gaussian's reported quantiles; ``None`` means (0.1, 0.5, 0.9) for those losses, and must stay
        ``None`` for "mse".
    relative : bool
        Read each window's targets relative to their last observed value, and forecast the change
        from it (the level is added back to the outputs); other inputs stay as they are.  Lets a
        network trained on one range of values forecast a series that trends out of it.
    window_scale : bool
        With ``relative`` and a point head ("mse"): each window's relative targets are also divided by
        their own scale, the mean absolute change from one step to the next within the window (at
        least :data:`WINDOW_SCALE_FLOOR` in the scaled units), and the forecast change is multiplied
        back, as RevIN normalises each instance.  A series whose swings grow with its level (growth
        under a multiplicative season) then reads alike at every level.
    targets : tuple of int or None
        Input positions of the O outputs (needed by ``relative`` and ``highway``); ``None`` means the
        first O inputs.
    highway : int
        A linear autoregressive "highway" beside the network, as in LSTNet: each forecast step of each
        target adds a learned linear combination of that target's own last ``highway`` inputs (and a
        bias) to the head's output; initialised at zero, so training starts from the network alone.
        It captures the linear part of the dynamics at once, leaving the recurrent network the
        rest.  Inputs must then have at least ``highway`` steps.  0 (the default here) means none.
    """

    input_size: int
    hidden_size: int = 15
    num_layers: int = 2
    cell: str = "rnn"
    dropout: float = 0.0
    bidirectional: bool = False
    horizon: int = 1
    output_size: int | None = None
    loss: str = "mse"
    quantiles: tuple[float, ...] | None = None
    relative: bool = False
    targets: tuple[int, ...] | None = None
    highway: int = 0
    window_scale: bool = False

    def __post_init__(self) -> None:
        checks.positive_int("input_size", self.input_size)
        checks.positive_int("hidden_size", self.hidden_size)
        checks.positive_int("num_layers", self.num_layers)
        checks.choice("cell", self.cell, CELLS)
        checks.real("dropout", self.dropout, 0.0, 1.0, high_open=True)
        if self.dropout > 0 and self.num_layers == 1:
            raise checks.invalid(
                "dropout",
                f"dropout acts between stacked layers and needs num_layers >= 2, "
                f"got dropout={self.dropout} with num_layers=1",
            )
        if not isinstance(self.bidirectional, bool):
            raise checks.invalid(
                "bidirectional", f"bidirectional must be True or False, got {self.bidirectional!r}"
            )
        checks.positive_int("horizon", self.horizon)
        outputs = checks.positive_int("output_size", self.outputs)
        object.__setattr__(self, "output_size", outputs)
        checks.choice("loss", self.loss, LOSSES)
        object.__setattr__(self, "quantiles", check_levels("quantiles", self.quantiles, self.loss))
        if not isinstance(self.relative, bool):
            raise checks.invalid("relative", f"relative must be True or False, got {self.relative!r}")
        targets = tuple(range(outputs)) if self.targets is None else tuple(self.targets)
        if len(targets) != outputs or not all(0 <= t < self.input_size for t in targets):
            raise checks.invalid(
                "targets",
                f"targets must hold output_size={outputs} input positions in "
                f"[0, {self.input_size}), got {self.targets!r}",
            )
        object.__setattr__(self, "targets", targets)
        checks.positive_int("highway", self.highway, minimum=0)
        if not isinstance(self.window_scale, bool):
            raise checks.invalid(
                "window_scale", f"window_scale must be True or False, got {self.window_scale!r}"
            )
        if self.window_scale and (not self.relative or self.loss != "mse"):
            raise checks.invalid(
                "window_scale",
                f"window_scale scales each window's changes from its last value, so it needs "
                f"relative=True and a point forecast (loss='mse'); got relative={self.relative}, "
                f"loss={self.loss!r}",
            )
        if self.num_layers > MAX_LAYERS:
            raise checks.invalid(
                "num_layers",
                f"num_layers must be at most {MAX_LAYERS}, got {self.num_layers}: each layer is one more pass "
                f"over every window, and deeper stacks of recurrent layers do not train",
            )
        n = self.n_parameters
        if n > MAX_PARAMETERS:
            raise checks.invalid(
                "hidden_size",
                f"hidden_size={self.hidden_size}, num_layers={self.num_layers}, input_size={self.input_size}, "
                f"horizon={self.horizon} and output_size={self.output_size} make a network of {n} parameters, "
                f"beyond tsrnn's limit of {MAX_PARAMETERS} ({MAX_PARAMETERS * 4 // 2**20} MiB of weights, "
                f"held about seven times over to train); use a smaller hidden size or horizon, fewer layers or features",
            )

    @property
    def directions(self) -> int:
        """D: 2 for a bidirectional RNN, else 1."""
        return 2 if self.bidirectional else 1

    @property
    def n_parameters(self) -> int:
        """Trainable parameters of the network this config builds, counted without building it: the
        recurrent layers (gates x H x (inputs + H + 2 biases) per direction), the head and the highway."""
        g, H, D, L = _GATES[self.cell], self.hidden_size, self.directions, self.num_layers
        K, O = self.horizon, self.outputs
        rnn = D * g * H * (self.input_size + H + 2) + (L - 1) * D * g * H * (D * H + H + 2)
        per_step = 1 if self.loss == "mse" else 2 if self.loss == "gaussian" else len(self.quantiles or ())
        head = (D * H + 1) * K * O * per_step
        highway = K * O * (self.highway + 1) if self.highway else 0
        return rnn + head + highway

    @property
    def outputs(self) -> int:
        """O: ``output_size`` as resolved on creation (``input_size`` where it was given as None)."""
        return self.input_size if self.output_size is None else self.output_size

    @property
    def target_positions(self) -> tuple[int, ...]:
        """``targets`` as resolved on creation: the input positions of the O outputs."""
        return tuple(range(self.outputs)) if self.targets is None else self.targets


EPOCH_STEPS = 64  # the most optimizer steps of an epoch in batches chosen automatically
EPOCH_WINDOWS = 256 * EPOCH_STEPS  # 16,384 windows: up to them, the automatic batch is 256 or fewer


def auto_batch_size(n_windows: int) -> int:
    """The default batch for ``n_windows`` training windows: 256, or fewer (down to 16) so that an
    epoch still takes at least 8 optimizer steps on a short series, or more beyond
    :data:`EPOCH_WINDOWS` (16,384) windows so that an epoch takes at most :data:`EPOCH_STEPS` (64)
    steps: a panel of 100,000 series makes as many updates per epoch as one of 16,384 windows."""
    return max(16, min(256, -(-n_windows // 8)), -(-n_windows // EPOCH_STEPS))


def auto_epochs(epochs: int, n_windows: int) -> int:
    """The epochs a fit in automatic batches runs at most on ``n_windows`` training windows: ``epochs``,
    or beyond :data:`EPOCH_WINDOWS` (16,384) windows as many as read ``epochs x 16,384`` windows in
    all, ``ceil(epochs * 16,384 / n_windows)`` (at least 1): the training of a larger panel reads no
    more windows than that of a panel of 16,384, in larger batches (:func:`auto_batch_size`)."""
    return max(1, min(epochs, -(-epochs * EPOCH_WINDOWS // max(1, n_windows))))


def auto_window(season: int | None, horizon: int, train_steps: int, cycles: int = 2) -> int:
    """The default window: ``cycles`` seasons, at least the horizon and 4 steps, ``max(cycles * m, K,
    4)``; but at most half of what the shortest series leaves for training windows after one
    horizon, ``(train_steps - K) // 2`` (at least 2), so that a short series keeps enough windows.

    Measured on real series (``docs/findings.md``): two seasons of context let the
    network see the season it must continue (a window of 20 on a monthly series saw less than
    two); once seasonal indices take the season out of the inputs, one season does as well or
    better, in less time."""
    wanted = max(cycles * (season or 1), horizon, 4)
    return int(min(wanted, max(2, (train_steps - horizon) // 2)))


@dataclass(frozen=True)
class TrainConfig(_JsonConfig):
    """How a model is trained.

    Parameters
    ----------
    epochs : int
        Maximum passes over the training windows.
    batch_size : int
        Windows per optimizer step.
    lr : float
        Adam learning rate.
    val_fraction : float or None
        Share of the training span, taken from its end, whose windows validate (0 disables validation
        and early stopping; None lets the estimator adapt it to the horizon and the length).
    patience : int or None
        Epochs without a better validation loss before stopping; ``None`` never stops early.
    clip_norm : float or None
        Maximum global gradient norm; ``None`` disables clipping.
    lr_patience : int or None
        Epochs without a better validation loss before the learning rate is halved; ``None`` keeps
        it constant.
    seed : int
        Seeds the weights, the shuffling and dropout: the same seed gives the same losses on CPU.
    average_best : int
        With validation, the weights of this many epochs with the lowest validation losses are
        averaged into the trained model (1 keeps the best epoch's alone).  An average of nearby
        points on the loss surface forecasts better than any one of them when the validation span
        is short and its loss noisy (``docs/findings.md``).  Without validation the last
        epoch's weights stand, unless ``average_epochs`` names the epochs to average.
    average_epochs : tuple of int or None
        Without validation, average the weights of these epochs (a refit on all the data repeats
        the choice ``average_best`` made on the evaluated fit's validation span); train for at least
        the last of them.
    """

    epochs: int = 60
    batch_size: int = 256
    lr: float = 1e-2
    val_fraction: float | None = None
    patience: int | None = 10
    clip_norm: float | None = 1.0
    lr_patience: int | None = 3
    seed: int = 0
    average_best: int = 3
    average_epochs: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        checks.positive_int("epochs", self.epochs)
        checks.positive_int("average_best", self.average_best)
        checks.positive_int("batch_size", self.batch_size)
        checks.real("lr", self.lr, 0.0, 10.0, low_open=True)
        if self.val_fraction is not None:
            checks.real("val_fraction", self.val_fraction, 0.0, 1.0, high_open=True)
        if self.patience is not None:
            checks.positive_int("patience", self.patience)
        if self.clip_norm is not None:
            checks.real("clip_norm", self.clip_norm, 0.0, None, low_open=True)
        if self.lr_patience is not None:
            checks.positive_int("lr_patience", self.lr_patience)
        checks.positive_int("seed", self.seed, minimum=0)
        if self.average_epochs is not None:
            epochs = tuple(checks.positive_int("average_epochs[]", e) for e in self.average_epochs)
            if not epochs or max(epochs) > self.epochs:
                raise checks.invalid(
                    "average_epochs",
                    f"average_epochs must name epochs from 1 to epochs={self.epochs}, got {self.average_epochs!r}",
                )
            object.__setattr__(self, "average_epochs", tuple(sorted(set(epochs))))
