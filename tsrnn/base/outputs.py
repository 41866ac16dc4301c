"""Where tsrnn may write: the ``--force`` rule, one output at a time, and single output files.

``--force`` (``overwrite=True``) replaces only what tsrnn wrote.  A directory may be replaced when it
is empty, or when it holds a tsrnn run or model (its ``config.json`` carries tsrnn's
``format_version`` and ``weights_sha256``) or a ``tsrnn compare`` result (``compare.csv`` with its
header) and no file tsrnn does not write there.  The current directory and its ancestors, the home
directory, a mount point and ``/`` are never replaced, with or without ``--force``.  An existing
output file is replaced only with ``--force``, always by an atomic rename.

Every command that writes uses these checks, so the rule is the same everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import CheckpointError

__all__ = [
    "MODEL_FILES",
    "RUN_FILES",
    "COMPARE_FILES",
    "check_replaceable",
    "check_output_files",
    "output_lock",
]

MODEL_FILES = frozenset({"config.json", "model.safetensors"})  # Forecaster.save
RUN_FILES = MODEL_FILES | {
    "history.csv",
    "metrics.json",
    "run.json",
    "forecast.png",
    "loss.png",
    "hidden.png",
    "hidden_lines.png",
}  # tsrnn fit, and tsrnn plot into the run
COMPARE_FILES = frozenset({"compare.csv", "compare.png"})  # tsrnn compare
_COMPARE_HEADER = "hidden,parameters,"
_MARKER_LIMIT = 64 * 2**20  # bytes of a config.json read to recognise a tsrnn directory


def _protected(path: Path) -> str | None:
    """Why ``path`` must never be replaced, or None."""
    real = path.resolve()
    cwd = Path.cwd().resolve()
    if real == Path(real.anchor):
        return "it is the root directory"
    if real == cwd or real in cwd.parents:
        return "it is the current directory" if real == cwd else "it holds the current directory"
    if real == Path.home().resolve():
        return "it is the home directory"
    if os.path.ismount(real):
        return "it is a mount point"
    return None


def _is_tsrnn_model(config: Path) -> bool:
    """Whether ``config`` is a config.json that tsrnn's Forecaster.save (or tsrnn fit) wrote."""
    try:
        if not config.is_file() or config.stat().st_size > _MARKER_LIMIT:
            return False
        meta = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return (
        isinstance(meta, dict)
        and type(meta.get("format_version")) is int
        and isinstance(meta.get("weights_sha256"), str)
        and isinstance(meta.get("model"), dict)
    )


def _is_tsrnn_compare(table: Path) -> bool:
    try:
        with open(table, encoding="utf-8", errors="replace") as fh:
            return fh.readline(len(_COMPARE_HEADER)) == _COMPARE_HEADER
    except OSError:
        return False


def _foreign(path: Path) -> str | None:
    """The first entry of directory ``path`` that tsrnn did not write there (sorted), or None."""
    names = sorted(os.listdir(path))
    if _is_tsrnn_model(path / "config.json"):
        allowed = RUN_FILES
    elif _is_tsrnn_compare(path / "compare.csv"):
        allowed = COMPARE_FILES
    else:
        allowed = frozenset()
    for name in names:
        if name not in allowed or not (path / name).is_file() or (path / name).is_symlink():
            return name
    return None


def check_replaceable(path: str | os.PathLike, overwrite: bool) -> None:
    """Raise CheckpointError unless directory ``path`` may be written (and, if it exists, replaced).

    ``path`` may be missing, or an empty directory; with ``overwrite`` also a directory that holds
    nothing but a tsrnn run, model or comparison.  See the module docstring for the whole rule.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise CheckpointError(f"{str(path)!r} exists and is not a directory; choose another path")
    if not path.exists():
        return
    why = _protected(path)
    if why is not None:
        raise CheckpointError(
            f"refusing to write to {str(path)!r}: {why}, which tsrnn never replaces; "
            f"choose a new directory, e.g. {str(path / 'run')!r}"
        )
    if not any(path.iterdir()):
        return
    if not overwrite:
        raise CheckpointError(
            f"directory {str(path)!r} is not empty; pass overwrite=True (--force on the "
            f"command line) to replace it, or choose another path"
        )
    foreign = _foreign(path)
    if foreign is not None:
        raise CheckpointError(
            f"refusing to replace {str(path)!r}: it holds {foreign!r}, which tsrnn did not "
            f"write and would be lost; --force replaces only an empty directory or one "
            f"holding nothing but a tsrnn run or model. Move that file, or choose another path"
        )


def check_output_files(paths, force: bool) -> None:
    """Refuse, before any work, to replace existing files among ``paths`` without ``force``.

    ``paths`` is one path (None: nothing to write) or several; the parents of the files are created.
    """
    paths = (
        []
        if paths is None
        else [Path(paths)]
        if isinstance(paths, (str, os.PathLike))
        else list(map(Path, paths))
    )
    for path in paths:
        if path.is_dir():
            raise CheckpointError(f"{str(path)!r} is a directory; expected the path of a file to write")
    clash = [p for p in paths if p.exists()]
    if clash and not force:
        if len(paths) == 1:
            raise CheckpointError(f"{str(clash[0])!r} exists; pass --force to replace it")
        raise CheckpointError(
            f"{', '.join(p.name for p in clash)} already exist in {str(clash[0].parent)!r}; "
            f"pass --force (force=True) to replace them, or choose another directory"
        )
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)


_held: dict[str, int] = {}  # lock paths this process holds, with their nesting depth


def _lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


@contextlib.contextmanager
def output_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold the exclusive lock of output ``path`` (a ``.NAME.lock`` file beside it) for the block.

    A second process that asks for the same output meanwhile gets a CheckpointError at once, so two
    runs never write one directory.  The lock is re-entrant within a process, and the lock file is
    removed when the outermost block ends; a crashed process releases its lock with it.
    """
    path = Path(os.path.abspath(path))
    lock = _lock_path(path)
    key = os.fspath(lock)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    while True:  # the file may be unlinked by its holder between our open and our lock: retry
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise CheckpointError(
                f"another tsrnn process (pid {holder}) is writing {str(path)!r} now; wait for "
                f"it to finish, or choose another output path"
            ) from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held[key] = 1
        yield
    finally:
        _held.pop(key, None)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
        os.close(fd)
