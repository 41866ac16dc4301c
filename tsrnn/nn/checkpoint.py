"""Model files that are safe to share: ``model.safetensors`` + ``config.json``, written atomically.

Both files carry a SHA-256 checksum in ``config.json``: ``weights_sha256`` of the weights, and
``config_sha256`` of the config's own canonical JSON (sorted keys, no whitespace, without that
entry), so an edited file of either kind is refused; both stay plain files any tool can read.

Nothing here unpickles: weights are read by safetensors, settings by json.  A directory is written
in a hidden temporary sibling and renamed into place only when complete, so a crash never leaves a
directory that looks finished, and an existing non-empty directory is replaced only when asked.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import torch

from ..base.errors import CheckpointError
from ..base.outputs import check_replaceable, output_lock
from .model_format import FORMAT_VERSION
from .typed_json import read_json

__all__ = [
    "WEIGHTS_FILE",
    "CONFIG_FILE",
    "write_atomic",
    "run_directory",
    "save_model",
    "load_model",
    "read_header",
]

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
_PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".bin", ".ckpt")


def write_atomic(path: str | os.PathLike, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary open() would create it
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def run_directory(
    path: str | os.PathLike, overwrite: bool = False, work: str | os.PathLike | None = None
) -> Iterator[Path]:
    """Yield a temporary directory that becomes ``path`` when the block ends without error.

    Raises CheckpointError before any work when ``path`` may not be replaced: a non-empty
    directory without ``overwrite``, and even with it a directory holding files tsrnn did not write,
    the current or home directory, a mount point (see :func:`tsrnn.base.outputs.check_replaceable`).  While
    the block runs, ``path`` is locked against other tsrnn processes (:func:`tsrnn.base.outputs.output_lock`).
    On error ``path`` is left as it was and the temporary directory is removed, except a named ``work``
    directory (beside ``path``): that one is kept on any error, and its caller decides (a run keeps
    its training there, to be resumed).
    """
    shown, path = path, Path(os.path.abspath(path))  # ".." and "." resolved: the rename names a real entry
    check_replaceable(shown, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(path):
        with _replacing(path, shown, overwrite, work) as tmp:
            yield tmp


@contextlib.contextmanager
def _replacing(path: Path, shown, overwrite: bool, work) -> Iterator[Path]:
    if work is None:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=path.parent))
        os.chmod(tmp, 0o777 & ~_umask())
    else:
        tmp = Path(work)
        tmp.mkdir(parents=True, exist_ok=True)
    try:
        yield tmp
        check_replaceable(shown, overwrite)  # something may have appeared while we worked
        old = None
        if path.is_dir():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
            os.replace(path, old / "previous")
        try:
            os.replace(tmp, path)
        except BaseException:
            if old is not None:  # put the previous directory back before reporting the failure
                os.replace(old / "previous", path)
                old.rmdir()
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        if work is None:  # a named work directory is its caller's to keep or remove
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save_model(
    directory: str | os.PathLike,
    tensors: dict[str, torch.Tensor],
    config: dict[str, Any],
    weights_file: str = WEIGHTS_FILE,
    config_file: str = CONFIG_FILE,
) -> None:
    """Write ``tensors`` to ``model.safetensors`` and ``config`` (plus format and checksum) to ``config.json``.

    The config is written last, so a crash in between leaves a checksum mismatch, never a silent mix.
    """
    from safetensors.torch import save

    directory = Path(directory)
    payload = save({k: v.detach().to("cpu").contiguous() for k, v in tensors.items()})
    meta = dict(config, format_version=FORMAT_VERSION, weights_sha256=_sha256(payload))
    meta["config_sha256"] = _config_sha256(meta)
    write_atomic(directory / weights_file, payload)
    write_atomic(directory / config_file, _dumps(meta) + "\n")


def _dumps(value: Any, level: int = 0) -> str:
    """JSON with one object entry a line (sorted keys) and each array on one line: a model of many
    series keeps its columns (ids, seasons, ...) in a few lines rather than one line per number."""
    if isinstance(value, dict) and value:
        pad = "  " * (level + 1)
        entries = ",\n".join(
            f"{pad}{json.dumps(str(k))}: {_dumps(v, level + 1)}"
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        )
        return "{\n" + entries + "\n" + "  " * level + "}"
    return json.dumps(value, sort_keys=True)


def _config_sha256(meta: dict[str, Any]) -> str:
    """SHA-256 of the config's canonical JSON (sorted keys, no spaces), without its own checksum entry."""
    body = {k: v for k, v in meta.items() if k != "config_sha256"}
    return _sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=True).encode("utf-8"))


_DTYPES = {  # safetensors' dtype names -> torch's (those a model or training state holds)
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
_ALTERED = " (it was truncated or altered after saving); refusing to read it"
MAX_HEADER_BYTES = 64 * 2**20  # a safetensors header of 10,000 series' tensors is a few KiB


def read_header(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """The tensors a safetensors file holds, as meta tensors (dtype and shape, no data), from its header
    alone: the file must be exactly as long as its header says, so a file is never read whole before
    its shapes are checked.  CheckpointError otherwise."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(8)
        n = int.from_bytes(head, "little") if len(head) == 8 else -1
        if n < 2 or n > min(MAX_HEADER_BYTES, size - 8):
            raise CheckpointError(
                f"{str(path)!r} is not a valid safetensors file: it has no readable header{_ALTERED}"
            )
        try:
            header = json.loads(fh.read(n).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            header = None
    if not isinstance(header, dict):
        raise CheckpointError(
            f"{str(path)!r} is not a valid safetensors file: its header is not a JSON object{_ALTERED}"
        )
    tensors, end = {}, 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = _DTYPES[entry["dtype"]]
            shape = [int(d) for d in entry["shape"]]
            begin, stop = (int(o) for o in entry["data_offsets"])
            if any(d < 0 for d in shape) or not 0 <= begin <= stop:
                raise ValueError
        except (KeyError, TypeError, ValueError):
            raise CheckpointError(
                f"{str(path)!r} is not a valid safetensors file: tensor {str(name)[:60]!r} has no dtype, shape "
                f"and offsets tsrnn reads{_ALTERED}"
            ) from None
        numel = math.prod(shape)
        if stop - begin != numel * dtype.itemsize:
            raise CheckpointError(
                f"{str(path)!r} is not a valid safetensors file: tensor {str(name)[:60]!r} of shape "
                f"{tuple(shape)} does not span {stop - begin} bytes{_ALTERED}"
            )
        tensors[name] = torch.empty(shape, dtype=dtype, device="meta")
        end = max(end, stop)
    if size != 8 + n + end:
        raise CheckpointError(
            f"{str(path)!r} is {size} bytes, but its tensors end at byte {8 + n + end} (it was truncated or "
            f"extended after saving); refusing to read it"
        )
    return tensors


def _check_config_checksum(config: dict[str, Any], config_path: Path) -> int:
    """The format version of ``config``, after checking its checksum: every file that carries
    config_sha256 (format 3 and later) is checked whatever version it claims, and a file cannot claim an
    older format to skip the check (the layout of format 4 needs format 4)."""
    version = config.get("format_version")
    if type(version) is not int or version > FORMAT_VERSION or version < 1:
        newer = (
            " (a newer tsrnn may have written it)"
            if type(version) is int and version > FORMAT_VERSION
            else ""
        )
        raise CheckpointError(
            f"{str(config_path)!r} has format_version {version!r}; this tsrnn reads "
            f"formats 1 to {FORMAT_VERSION}{newer}"
        )
    if (version >= 3 or "config_sha256" in config) and config.get("config_sha256") != _config_sha256(config):
        raise CheckpointError(
            f"{str(config_path)!r} does not match its config_sha256 (it was edited or altered "
            f"after saving); refusing to load it"
        )
    if version < 4 and "series" in config:
        raise CheckpointError(
            f"{str(config_path)!r} claims format_version {version}, but holds 'series', which only format 4 "
            f"writes (it was edited after saving); refusing to load it"
        )
    return version


def load_model(
    directory: str | os.PathLike,
    weights_file: str = WEIGHTS_FILE,
    config_file: str = CONFIG_FILE,
    check: Callable[[dict[str, Any], dict[str, torch.Tensor]], None] | None = None,
) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Read and verify a directory written by :func:`save_model`; every problem is a CheckpointError.

    Before the weights are read, their header (:func:`read_header`) must match the file's size, and
    ``check(config, tensors)``, when given, sees the config and the weights as meta tensors (shapes and
    dtypes, no values): a file larger than its config implies is refused unread."""
    from safetensors import SafetensorError
    from safetensors.torch import load

    directory = Path(directory)
    if directory.is_file():
        head = directory.read_bytes()[:4]
        pickled = directory.suffix in _PICKLE_SUFFIXES or head[:1] == b"\x80" or head == b"PK\x03\x04"
        kind = (
            "a pickle (or torch.save) file, which tsrnn never loads because unpickling can run arbitrary code"
            if pickled
            else "a file"
        )
        raise CheckpointError(
            f"{str(directory)!r} is {kind}; expected a model directory holding "
            f"{weights_file} and {config_file}"
        )
    if not directory.is_dir():
        raise CheckpointError(f"model directory {str(directory)!r} does not exist")
    weights, config_path = directory / weights_file, directory / config_file
    if not weights.is_file():
        pickles = sorted(p.name for p in directory.iterdir() if p.suffix in _PICKLE_SUFFIXES)
        hint = (
            f"; found {pickles}, which tsrnn never loads because unpickling can run arbitrary code"
            if pickles
            else ""
        )
        raise CheckpointError(f"{str(weights)!r} is missing{hint}")
    if not config_path.is_file():
        raise CheckpointError(f"{str(config_path)!r} is missing")
    config = read_json(config_path)
    if not isinstance(config, dict):
        raise CheckpointError(f"{str(config_path)!r} must hold a JSON object, got {type(config).__name__}")
    _check_config_checksum(config, config_path)
    shapes = read_header(weights)
    if check is not None:
        check(config, shapes)
    payload = weights.read_bytes()
    expected = config.get("weights_sha256")
    if expected != _sha256(payload):
        raise CheckpointError(
            f"{str(weights)!r} does not match the checksum in {config_file} "
            f"(it was truncated or altered after saving); refusing to load it"
        )
    try:
        tensors = load(payload)
    except (SafetensorError, ValueError, RuntimeError) as err:
        raise CheckpointError(f"{str(weights)!r} is not a valid safetensors file: {err}") from err
    return tensors, config
