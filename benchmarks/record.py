"""Where every benchmark writes its result: ``benchmarks/results/<name>.md``, one file per script.

A script ``bench_<name>.py`` writes ``results/<name>.md`` (and, where it resumes or ``--keep``s
earlier results, their raw numbers in ``results/<name>.json`` beside it).  Markdown, because the
documentation site reads its tables from these files when it is built (``docs/hooks.py``), so the
pages show the files' own numbers, and because a reader (and a diff) sees the numbers as they are.

A run that prints its tables (:func:`recorded`) adds them to its file as a new dated section, with
the command, the versions and the machine, on top of the sections of earlier runs, which stay below:
the file is the script's history, each measurement with the command and the date that made it.
Files are written whole to a temporary file first, then moved into place.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import platform
import sys
import tempfile
from collections.abc import Iterator

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def result_path(name: str, ext: str = "md") -> str:
    """``benchmarks/results/<name>.<ext>``: the result file of ``bench_<name>.py``."""
    return os.path.join(RESULTS, f"{name}.{ext}")


def write(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, then a rename)."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".result-", suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)  # mkstemp makes it private
    os.replace(tmp, path)


def replace_section(path: str, section: str, heading: str) -> str:
    """The file at ``path`` with its section that starts with the top-level heading ``heading`` (up to
    the next "# " heading) replaced by ``section``, or ``section`` first if it has none."""
    if not os.path.exists(path):
        return section
    with open(path) as fh:
        lines = fh.read().splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(heading)]
    if not starts:
        return section.rstrip("\n") + "\n\n\n" + "\n".join(lines) + "\n"
    end = next((i for i in range(starts[0] + 1, len(lines)) if lines[i].startswith("# ")), len(lines))
    rest = lines[end:]
    return (
        "\n".join(lines[: starts[0]])
        + section.rstrip("\n")
        + "\n"
        + ("\n\n" + "\n".join(rest) + "\n" if rest else "")
    )


def package_versions() -> str:
    """The versions of python and of the packages a benchmark's numbers depend on."""
    from importlib import metadata

    found = [f"python {platform.python_version()}"]
    for package in ("tsrnn", "torch", "numpy", "pandas"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found.append(f"{package} {metadata.version(package)}")
    return ", ".join(found)


def add_run(
    path: str, title: str, body: str, argv: list[str] | None = None, versions: str | None = None
) -> str:
    """Put a run's ``body`` first in ``path`` under ``# title (date)``, with its command (``argv``, default
    the script's own), versions (default :func:`package_versions`) and machine; the sections of earlier runs
    stay below.  Returns the section."""
    now = datetime.datetime.now(datetime.timezone.utc)
    script = os.path.basename(sys.argv[0])
    command = " ".join(["python", f"benchmarks/{script}", *(sys.argv[1:] if argv is None else argv)])
    section = "\n".join(
        [
            f"# {title} ({now:%Y-%m-%d %H:%M} UTC)",
            "",
            f"Command: `{command}`",
            f"Versions: {versions or package_versions()}.",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores.",
            "",
            body.rstrip("\n"),
            "",
        ]
    )
    earlier = ""
    if os.path.exists(path):
        with open(path) as fh:
            earlier = fh.read()
    write(path, section + ("\n\n" + earlier if earlier else ""))
    return section


class _Tee(io.TextIOBase):
    def __init__(self, stream):
        self.stream, self.kept = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


@contextlib.contextmanager
def recorded(name: str, title: str, *, markdown: bool = True) -> Iterator[None]:
    """Print as usual, and add what was printed to ``results/<name>.md`` as a new dated run (in a
    ``text`` block unless it is ``markdown``).  Nothing is recorded if the run raises."""
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        yield
    body = tee.kept.getvalue()
    add_run(result_path(name), title, body if markdown else f"```text\n{body.rstrip()}\n```")
