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
import json
import os
import re
import stat
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
            f"directory {str(path)!r} is not empty; pass overwrite=True to replace it, or choose another path"
        )
    foreign = _foreign(path)
    if foreign is not None:
        raise CheckpointError(
            f"refusing to replace {str(path)!r}: it holds {foreign!r}, which tsrnn did not "
            f"write and would be lost; overwrite=True replaces only an empty directory or one "
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
            raise CheckpointError(f"{str(clash[0])!r} exists; pass force=True to replace it")
        raise CheckpointError(
            f"{', '.join(p.name for p in clash)} already exist in {str(clash[0].parent)!r}; "
            f"pass force=True to replace them, or choose another directory"
        )
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)


_held: dict[str, int] = {}  # lock paths this process holds, with their nesting depth
_LOCK_TEXT = re.compile(
    rb"(tsrnn pid )?\d*\n?"
)  # what a lock file holds (tsrnn before 0.2 wrote the bare pid)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, which has no symbolic links to speak of here


def _lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock of open file ``fd`` without waiting; False when another process has it.
    filelock's primitive (flock on POSIX, LockFileEx on Windows), so a crashed process's lock is released
    with it.  The lock file itself stays tsrnn's to open (never through a link, never a user's file):
    ``filelock.FileLock`` would open it truncated and through links."""
    from filelock import lock_descriptor

    return lock_descriptor(fd, blocking=False)


def _open_lock(lock: Path, path: Path) -> int:
    """Open lock file ``lock``: created here, or one an earlier tsrnn process left.  Never through a link,
    and never a file tsrnn did not write (it is not truncated or changed: CheckpointError)."""
    binary = getattr(os, "O_BINARY", 0)
    try:
        return os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | binary, 0o644)
    except FileExistsError:
        pass
    refuse = (
        f"{str(lock)!r} exists and is not a lock tsrnn wrote ({{}}); tsrnn keeps it as it is and does not "
        f"write {str(path)!r}: move {lock.name!r} away, or choose another output path"
    )
    if os.path.islink(lock):  # also refused by O_NOFOLLOW below; this gives Windows the same rule
        raise CheckpointError(refuse.format("a symbolic link"))
    try:
        fd = os.open(lock, os.O_RDWR | _NOFOLLOW | binary)
    except FileNotFoundError:
        return -1  # its holder removed it meanwhile: try again
    except IsADirectoryError:
        raise CheckpointError(refuse.format("a directory")) from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise CheckpointError(refuse.format("a symbolic link")) from None
        raise
    info = os.fstat(fd)
    why = (
        "not a regular file"
        if not stat.S_ISREG(info.st_mode)
        else f"a file with {info.st_nlink} names (a hard link)"
        if info.st_nlink != 1
        else None
    )
    if why is None and (info.st_size > 64 or not _LOCK_TEXT.fullmatch(_read_all(fd))):
        why = "it holds something else"
    if why is not None:
        os.close(fd)
        raise CheckpointError(refuse.format(why))
    return fd


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 65)


def _holder(fd: int) -> str:
    digits = re.findall(rb"\d+", _read_all(fd))
    return digits[0].decode("ascii") if digits else "unknown"


@contextlib.contextmanager
def output_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold the exclusive lock of output ``path`` (a ``.NAME.lock`` file beside it) for the block.

    A second process that asks for the same output meanwhile gets a CheckpointError at once, so two
    processes never write one output.  The lock is re-entrant within a process, and the lock file is
    removed when the outermost block ends; a crashed process releases its lock with it.  The lock file
    is created exclusively and never opened through a link: an entry of that name which tsrnn did not
    write (a symbolic or hard link, a user's file) is refused and left as it is.
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
        fd = _open_lock(lock, path)
        if fd < 0:
            continue
        if not _try_lock(fd):
            holder = _holder(fd)
            os.close(fd)
            raise CheckpointError(
                f"another tsrnn process (pid {holder}) is writing {str(path)!r} now; wait for "
                f"it to finish, or choose another output path"
            )
        try:
            same = os.stat(lock, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        text = f"tsrnn pid {os.getpid()}\n".encode("ascii")
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, text)
        os.ftruncate(fd, len(text))  # a lock tsrnn wrote: the pid of a crashed holder, now ours
        _held[key] = 1
        yield
    finally:
        _held.pop(key, None)
        if os.name == "nt":  # Windows removes no open file
            os.close(fd)
        with contextlib.suppress(OSError):  # removed while still locked: a process that opened it
            os.unlink(lock)  # meanwhile finds another inode there and starts over
        if os.name != "nt":
            os.close(fd)
