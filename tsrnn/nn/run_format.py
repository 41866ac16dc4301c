"""A run directory's ``run.json`` and ``history.csv``, as ``tsrnn plot`` reads them back.

``run.json`` records what ``tsrnn fit`` ran: :class:`RunFile` types the parts that are read back (the
series' length, the first held-out step, and where the data came from: :class:`Generated`,
:class:`CsvFile` or :class:`InMemory`, tagged by ``kind``); the rest is a report.  ``history.csv``
holds one row per epoch.  Every refusal is one CheckpointError naming the file and the field.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from msgspec import Meta, Struct

from ..base.config import MAX_GENERATED_VALUES  # what tsrnn plot may regenerate
from ..base.errors import CheckpointError
from .typed_json import MAX_JSON_BYTES, NonNegative, decode, fail

__all__ = ["Generated", "CsvFile", "InMemory", "RunFile", "check_run", "read_history"]

Generable = Annotated[int, Meta(ge=1, le=MAX_GENERATED_VALUES)]


class Generated(Struct, tag_field="kind", tag="generated", kw_only=True):
    """The tutorial's multi-sine, regenerated from its seed."""

    generator: str = "multi_sine"
    length: Generable
    features: Generable
    noise: NonNegative
    seed: Annotated[int, Meta(ge=0, le=2**32 - 1)]


class CsvFile(Struct, tag_field="kind", tag="csv"):
    """A data file, read again only while its SHA-256 is unchanged."""

    path: Annotated[str, Meta(max_length=4096, pattern="^[^\x00]*$")]
    sha256: Annotated[str, Meta(min_length=64, max_length=64, pattern="^[0-9a-f]*$")]


class InMemory(Struct, tag_field="kind", tag="memory"):
    """Data given as an array or a frame: nothing to read again."""


class RunFile(Struct, kw_only=True):
    """The parts of ``run.json`` that are read back (the others are a report for people)."""

    steps: Generable | None = None
    test_start: int | None = None
    data: Generated | CsvFile | InMemory | None = None


def check_run(run: Any, where: str | os.PathLike, window: int) -> dict:
    """Check a parsed run.json (``window``: the model's); returns it."""
    file = decode(run, RunFile, where)
    if file.test_start is not None:
        if file.steps is None:
            fail(where, "test_start", "absent when run.json has no steps", file.test_start)
        if not window <= file.test_start <= file.steps - 1:
            field = "test_start (between the window and the last step)"
            fail(where, field, f"an integer in [{window}, {file.steps - 1}]", file.test_start)
    data = file.data
    if isinstance(data, Generated):
        if data.length * data.features > MAX_GENERATED_VALUES:
            fail(where, "data.length", f"such that length x features <= {MAX_GENERATED_VALUES}", data.length)
        if file.steps is not None and data.length != file.steps:
            fail(where, "data.length", f"the run's steps, {file.steps}", data.length)
    return run


def read_history(path: str | os.PathLike):
    """Read and check a run's history.csv (epoch, train_loss, val_loss[, seconds]) as a DataFrame."""
    import numpy as np
    import pandas as pd

    where = os.fspath(path)
    size = Path(path).stat().st_size
    if size > MAX_JSON_BYTES:
        raise CheckpointError(
            f"{where!r} is {size} bytes; tsrnn reads history files of at most {MAX_JSON_BYTES}"
        )
    try:
        history = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as err:
        raise CheckpointError(f"{where!r} is not a readable CSV: {str(err)[:200]}") from None
    for column in ("epoch", "train_loss", "val_loss"):
        if column not in history.columns:
            raise CheckpointError(
                f"{where!r}: column {column!r} is missing (columns: {list(history.columns)[:10]})"
            )
        if not pd.api.types.is_numeric_dtype(history[column]) or pd.api.types.is_bool_dtype(history[column]):
            fail(where, f"column {column}", "numeric", detail=f", got {history[column].dtype}")
    epochs = history["epoch"].to_numpy(dtype=float)
    whole = np.isfinite(epochs) & (epochs >= 1) & (epochs == np.round(epochs)) & (epochs <= 2**31)
    if not np.all(whole):
        fail(where, "column epoch", "whole numbers from 1")
    if not np.all(np.isfinite(history["train_loss"].to_numpy(dtype=float))):
        fail(where, "column train_loss", "finite numbers")
    return history
