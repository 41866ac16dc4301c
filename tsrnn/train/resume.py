"""Resume: the training state saved after every epoch and read back, so an interrupted fit continues
where it stopped and ends with the same weights as one never interrupted.

A checkpoint directory holds ``training-EPOCH.safetensors`` (the weights, the best epochs' weights,
Adam's moments, the random generators' states) and ``training.json`` (counters, history, learning-rate
schedule), written by :func:`tsrnn.nn.checkpoint.save_model`: atomically, with checksums, no pickle.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import torch

from .history import History

__all__ = ["STATE_CONFIG", "TrainState"]

STATE_CONFIG = "training.json"  # written last: it names the weights file of its epoch


@dataclass
class TrainState:
    """Everything needed to continue training exactly where it stopped, after ``epoch`` epochs."""

    epoch: int
    best: float
    stale: int
    history: History
    model: dict[str, torch.Tensor]
    best_model: dict[str, torch.Tensor]
    optimizer: dict
    generator: torch.Tensor
    rng: torch.Tensor
    scheduler: dict | None = None
    # the runners-up of ``average_best``: (score, epoch, weights) after the best, best first
    runners_up: list[tuple[float, int, dict[str, torch.Tensor]]] = field(default_factory=list)

    def save(self, directory: str | os.PathLike, extra: dict | None = None) -> None:
        """Write ``training.safetensors`` + ``training.json`` to ``directory`` (atomically, no pickle)."""
        from ..nn.checkpoint import save_model

        tensors = {f"model.{k}": v for k, v in self.model.items()}
        tensors.update({f"best.{k}": v for k, v in self.best_model.items()})
        for i, (_, _, runner) in enumerate(self.runners_up):
            tensors.update({f"runner{i}.{k}": v for k, v in runner.items()})
        for pid, entry in self.optimizer["state"].items():
            tensors.update({f"optim.{pid}.{k}": torch.as_tensor(v) for k, v in entry.items()})
        tensors["rng.generator"], tensors["rng.global"] = self.generator, self.rng
        meta = {
            "epoch": self.epoch,
            "best": self.best if math.isfinite(self.best) else None,
            "stale": self.stale,
            "param_groups": self.optimizer["param_groups"],
            "scheduler": self.scheduler,
            "history": {
                "records": self.history.records,
                "best_epoch": self.history.best_epoch,
                "stop_reason": self.history.stop_reason,
                "averaged": self.history.averaged,
            },
            "runners_up": [[score, epoch] for score, epoch, _ in self.runners_up],
            "extra": extra or {},
        }
        # Each epoch's weights go to a file of their own; training.json, renamed into place last,
        # names them. An interruption at any moment leaves the previous epoch's pair intact.
        os.makedirs(directory, exist_ok=True)
        weights = f"training-{self.epoch:06d}.safetensors"
        save_model(directory, tensors, dict(meta, weights_file=weights), weights, STATE_CONFIG)
        for old in os.listdir(directory):
            if old.startswith("training-") and old.endswith(".safetensors") and old != weights:
                os.unlink(os.path.join(directory, old))

    @classmethod
    def load(cls, directory: str | os.PathLike) -> tuple[TrainState, dict]:
        """Read a state written by :meth:`save`; returns it and the ``extra`` dict saved with it."""
        from ..base.errors import CheckpointError
        from ..nn.checkpoint import load_model
        from ..nn.typed_json import read_json

        path = os.path.join(directory, STATE_CONFIG)
        try:
            weights = read_json(path)["weights_file"]
            if not isinstance(weights, str) or os.path.basename(weights) != weights:
                raise TypeError(f"weights_file must be a file name, got {weights!r}")
        except (OSError, KeyError, TypeError) as err:
            raise CheckpointError(f"{path!r} is missing or does not name its weights file: {err}") from err
        tensors, meta = load_model(directory, weights, STATE_CONFIG)
        part = lambda prefix: {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}  # noqa: E731
        optim_state: dict = {}
        for key, value in part("optim.").items():
            pid, name = key.split(".", 1)
            optim_state.setdefault(int(pid), {})[name] = value
        history = History(
            records=meta["history"]["records"],
            best_epoch=meta["history"]["best_epoch"],
            stop_reason=meta["history"].get("stop_reason", "finished"),
            averaged=meta["history"].get("averaged", []),
        )
        best = math.inf if meta["best"] is None else meta["best"]
        runners_up = [
            (score, epoch, part(f"runner{i}.")) for i, (score, epoch) in enumerate(meta.get("runners_up", []))
        ]
        state = cls(
            meta["epoch"],
            best,
            meta["stale"],
            history,
            part("model."),
            part("best."),
            {"state": optim_state, "param_groups": meta["param_groups"]},
            tensors["rng.generator"],
            tensors["rng.global"],
            meta.get("scheduler"),
            runners_up,
        )
        return state, meta.get("extra", {})
