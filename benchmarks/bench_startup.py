"""Start-up time of the command line and of ``import tsrnn``, and proof that neither loads torch.

Times ``tsrnn --help``, ``tsrnn fit --help`` and ``python -c "import tsrnn"`` as subprocesses (best
and median of ``--repeats``, commands alternating), beside two references: the bare interpreter
(``python -c pass``) and ``python -c "import torch"`` (what loading torch would add).  Then runs each
command once more with ``PYTHONPROFILEIMPORTTIME=1`` and lists which heavy modules it imported:
torch, numpy, pandas and matplotlib must all be absent.  Exits with status 1 if torch is loaded.

    python benchmarks/bench_startup.py [--repeats 5]

What it prints is added to benchmarks/results/startup.md as a new dated run (earlier runs stay below).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

import record

HEAVY = ("torch", "numpy", "pandas", "matplotlib", "click", "tqdm", "safetensors")


def tsrnn_script() -> str:
    """The console script beside this interpreter (not a pyenv shim, which adds its own start-up)."""
    beside = os.path.join(os.path.dirname(sys.executable), "tsrnn")
    return beside if os.path.exists(beside) else shutil.which("tsrnn") or "tsrnn"


def commands() -> dict[str, tuple[list[str], bool]]:
    """label -> (argv, checked for torch)."""
    py, script = sys.executable, tsrnn_script()
    return {
        "tsrnn --help": ([script, "--help"], True),
        "tsrnn fit --help": ([script, "fit", "--help"], True),
        'python -c "import tsrnn"': ([py, "-c", "import tsrnn"], True),
        "ref: python -c pass": ([py, "-c", "pass"], False),
        'ref: python -c "import torch"': ([py, "-c", "import torch"], False),
    }


def timed(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def imported(argv: list[str]) -> tuple[set[str], int, float]:
    """Top-level packages the command imported, how many modules in all, and their total seconds."""
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    p = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    names, total_us = set(), 0
    for line in p.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            _, cumulative, name = line[len("import time:") :].split("|")
            names.add(name.strip())
            if not name.startswith("  "):  # a top-level import: its cumulative time counts once
                total_us += int(cumulative)
    return {n.split(".")[0] for n in names}, len(names), total_us / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0] + " Results: benchmarks/results/startup.md."
    )
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cmds = commands()
    times: dict[str, list[float]] = {label: [] for label in cmds}
    for _ in range(args.repeats):  # alternate, so load changes hit every command alike
        for label, (argv, _) in cmds.items():
            times[label].append(timed(argv))
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, best and median of {args.repeats}; "
        f"script {tsrnn_script()}\n"
    )
    print(
        f"| {'command':<30} | {'best s':>7} | {'median s':>8} | {'modules':>7} | {'import s':>8} | heavy modules loaded"
    )
    print(f"|{'-' * 32}|{'-' * 9}|{'-' * 10}|{'-' * 9}|{'-' * 10}|{'-' * 22}")
    torch_loaded = []
    for label, (argv, checked) in cmds.items():
        packages, n_modules, import_s = imported(argv)
        heavy = [h for h in HEAVY if h in packages]
        if checked and "torch" in packages:
            torch_loaded.append(label)
        print(
            f"| {label:<30} | {min(times[label]):>7.3f} | {statistics.median(times[label]):>8.3f} | "
            f"{n_modules:>7} | {import_s:>8.3f} | {', '.join(heavy) or '-'}"
        )
    print(
        "\nmodules / import s: from PYTHONPROFILEIMPORTTIME (one run; import s sums top-level imports, "
        "site included)."
    )
    if torch_loaded:
        print(f"FAIL: torch is imported by {', '.join(torch_loaded)}")
        sys.exit(1)
    print("OK: torch is not imported by tsrnn --help, tsrnn fit --help or import tsrnn.")


if __name__ == "__main__":
    with record.recorded("startup", "Start-up of the command line and of import tsrnn", markdown=False):
        main()
