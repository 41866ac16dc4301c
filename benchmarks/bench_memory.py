"""Memory of fitting a long series: does it stay a small multiple of the series' own size?

Fits a 5,000,000-step single-feature noisy sine (float32: 20 MB) with window 100 and horizon 1 on a
small budget (hidden 4, 1 layer, 1 epoch, batch 4096, the other Forecaster defaults: scaling, a 10%
validation span, clipping, the baselines), in a subprocess, and reports its peak RSS beside the
RSS after import, the series' size and what copying every window (N x W x F x 4 bytes, about 2 GB)
would cost.  A warm-up fit of a short series first loads what torch loads lazily (the optimizer
and its helpers, some 100 MiB), so the peak above it belongs to the data.  The fit is split by
stage (``as_series``, ``Scaler.fit``, scaling, ``make_windows``, ``train``, ``fit_many`` (the baselines) ...;
the RSS high-water mark is reset before each, via /proc/self/clear_refs), and a second subprocess
fits again under tracemalloc to split the numpy allocations by line of tsrnn code, so a copy shows
up with the line that makes it.  One torch thread: on a 2-core machine shared with other work, one
thread is the faster choice for this tiny network.

    python benchmarks/bench_memory.py [--length 5000000] [--window 100] [--no-lines]

What it prints is added to benchmarks/results/memory.md as a new dated run (earlier runs stay below).
"""

from __future__ import annotations

import argparse
import json
import linecache
import os
import subprocess
import sys
import time

import record

MiB = 2**20


def status_mib(key: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_series(length: int, period: int = 50, noise: float = 0.1):
    """(T,) float32 noisy sine, built in chunks so that no float64 copy of the whole exists."""
    import numpy as np

    x, rng = np.empty(length, dtype=np.float32), np.random.default_rng(0)
    for i in range(0, length, 1 << 20):
        t = np.arange(i, min(length, i + (1 << 20)))
        x[i : i + t.size] = np.sin(2 * np.pi * (t % period) / period) + rng.normal(0.0, noise, t.size)
    return x


class Stages:
    """Wrap library functions: seconds, RSS before, peak RSS above it (HWM reset on entry), retained."""

    def __init__(self) -> None:
        self.open: list[dict] = []  # stages now running, outermost first
        self.rows: list[dict] = []
        self.peak = 0.0  # the process's peak over every reset

    def _fold(self) -> float:
        hwm = status_mib("VmHWM")
        self.peak = max(self.peak, hwm)
        for s in self.open:
            s["peak"] = max(s["peak"], hwm)
        return hwm

    def wrap(self, owner, attr: str, label: str) -> None:
        fn = getattr(owner, attr, None)
        if fn is None:
            return

        def wrapper(*args, **kwargs):
            self._fold()
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")  # reset the high-water mark to the current RSS
            row = {"stage": label, "depth": len(self.open), "before": status_mib("VmRSS"), "peak": 0.0}
            self.rows.append(row)
            self.open.append(row)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                row["seconds"] = time.perf_counter() - t0
                self._fold()
                self.open.pop()
                row["after"] = status_mib("VmRSS")

        setattr(
            owner,
            attr,
            staticmethod(wrapper) if isinstance(owner.__dict__.get(attr), staticmethod) else wrapper,
        )


class LinePeaks:
    """Per line of code under ``root``: peak traced memory (numpy, Python) above the line's start,
    callees included, and what the line left allocated.  torch's own allocations are not traced."""

    def __init__(self, root: str) -> None:
        self.root, self.open, self.stats = root, [], {}

    def _fold(self) -> int:
        import tracemalloc

        current, peak = tracemalloc.get_traced_memory()
        for rec in self.open:
            rec[2] = max(rec[2], peak)
        tracemalloc.reset_peak()
        return current

    def global_trace(self, frame, event, arg):
        return self.local_trace if frame.f_code.co_filename.startswith(self.root) else None

    def local_trace(self, frame, event, arg):
        if event in ("line", "return"):
            current = self._fold()
            if self.open and self.open[-1][0] is frame:
                _, key, peak, base = self.open.pop()
                s = self.stats.setdefault(key, [0, 0])
                s[0], s[1] = max(s[0], peak - base), max(s[1], current - base)
            if event == "line":
                self.open.append([frame, (frame.f_code.co_filename, frame.f_lineno), current, current])
        return self.local_trace


def worker(args) -> dict:
    t0 = time.perf_counter()
    import torch

    import tsrnn
    from tsrnn.data import scaler as data
    from tsrnn.estimator import fitting, intake, rollout, state
    from tsrnn.evaluation import baselines
    from tsrnn.train import epochs as train_epochs

    torch.set_num_threads(args.threads)
    out = {"import_s": time.perf_counter() - t0, "rss_import": status_mib("VmRSS")}
    model = tsrnn.Forecaster(
        hidden=args.hidden,
        layers=1,
        window=args.window,
        horizon=1,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=0,
    )
    model.fit(make_series(50 * args.window), progress=False)  # warm-up: torch's lazy imports, one-time
    out["rss_warm"] = status_mib("VmRSS")
    x = make_series(args.length)
    out.update(series_mib=x.nbytes / MiB, rss_series=status_mib("VmRSS"))
    stages = lines = None
    if args.worker == "stages":
        stages = Stages()
        for owner, attr, label in [
            (intake, "as_series", "as_series (validate)"),
            (data.Scaler, "fit", "Scaler.fit"),
            (rollout, "scaled", "rollout.scaled (scale + to tensor)"),
            (data.Scaler, "transform", "Scaler.transform"),
            (fitting, "make_windows", "make_windows"),
            (fitting, "train", "train (all epochs)"),
            (train_epochs, "_val_loss", "validation loss"),
            (state, "fit_many", "baselines (fit_many)"),
            (baselines, "panel_seasons", "seasons (batched FFT)"),
            (baselines, "_panel_ar", "linear AR (normal equations)"),
        ]:
            stages.wrap(owner, attr, label)
    else:
        import tracemalloc

        lines = LinePeaks(os.path.dirname(tsrnn.__file__))
        tracemalloc.start()
        sys.settrace(lines.global_trace)
    t0 = time.perf_counter()
    model.fit(x, progress=False)
    out["fit_s"] = time.perf_counter() - t0
    sys.settrace(None)
    out["n_windows"] = args.length - args.window
    out["epochs"] = len(model.history_.records)
    if stages is not None:  # the resets spoil ru_maxrss; the peak is the highest mark before any reset
        out["peak"] = max(stages.peak, status_mib("VmHWM"))
        out["stages"] = stages.rows
    else:
        top = sorted(lines.stats.items(), key=lambda kv: -kv[1][0])[: args.top]
        out["lines"] = [
            {
                "where": f"{os.path.basename(f)}:{n}",
                "code": linecache.getline(f, n).strip(),
                "peak": p / MiB,
                "retained": r / MiB,
            }
            for (f, n), (p, r) in top
        ]
    return out


def run(args, mode: str) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", mode] + [
        f"--{k.replace('_', '-')}={getattr(args, k)}"
        for k in ("length", "window", "hidden", "epochs", "batch_size", "threads", "top")
    ]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [line for line in p.stdout.splitlines() if line.startswith("RESULT ")]
    if p.returncode or not lines:
        raise SystemExit(f"{mode} worker failed (rc {p.returncode}):\n{p.stderr[-4000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0] + " Results: benchmarks/results/memory.md."
    )
    parser.add_argument("--worker", choices=["stages", "lines"], help=argparse.SUPPRESS)
    parser.add_argument("--length", type=int, default=5_000_000)
    parser.add_argument("--window", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--top", type=int, default=12, help="lines of tsrnn code to list")
    parser.add_argument("--no-lines", action="store_true", help="skip the second fit, under tracemalloc")
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(worker(args)), flush=True)
        return
    with record.recorded("memory", "Memory of fitting a long series", markdown=False):
        report(args)


def report(args) -> None:
    r = run(args, "stages")
    series, fit_peak = r["series_mib"], r["peak"] - r["rss_series"]
    naive = r["n_windows"] * args.window * 4 / MiB
    print(
        f"Fit of a {args.length:,}-step, 1-feature float32 series: window {args.window}, horizon 1, "
        f"hidden {args.hidden}, 1 layer, epochs {args.epochs}, batch {args.batch_size}, otherwise "
        f"Forecaster defaults; torch threads {args.threads}.\n"
    )
    rows = [
        ("series itself", series),
        ("N x W windows if copied (N = T - W)", naive),
        ("RSS after import (numpy, torch, tsrnn)", r["rss_import"]),
        ("RSS after a warm-up fit of 50 x W steps", r["rss_warm"]),
        ("RSS with the series built", r["rss_series"]),
        ("peak RSS during the fit", r["peak"]),
        ("peak above the series-built RSS", fit_peak),
    ]
    print(f"| {'quantity':<40} | {'MiB':>9} | {'x series':>8} |\n|{'-' * 42}|{'-' * 11}|{'-' * 10}|")
    for name, mib in rows:
        print(f"| {name:<40} | {mib:>9.1f} | {mib / series:>8.1f} |")
    print(
        f"\nfit: {r['fit_s']:.1f} s, {r['epochs']} epoch(s), {r['n_windows']:,} windows; import {r['import_s']:.2f} s"
    )
    print(
        "\nBy stage, MiB of RSS (high-water mark reset on entry); nested stages are indented and count "
        "inside their parent:\n"
    )
    print(f"| {'stage':<44} | {'seconds':>8} | {'RSS before':>10} | {'peak above':>10} | {'retained':>8} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 12}|{'-' * 12}|{'-' * 10}|")
    for s in r["stages"]:
        name = "  " * s["depth"] + s["stage"]
        print(
            f"| {name:<44} | {s['seconds']:>8.2f} | {s['before']:>10.0f} | {s['peak'] - s['before']:>10.1f} "
            f"| {s['after'] - s['before']:>8.1f} |"
        )
    if args.no_lines:
        return
    t = run(args, "lines")
    print(
        f"\nBy line of tsrnn code (a second fit under tracemalloc, {t['fit_s']:.0f} s: numpy and Python "
        "allocations, callees included; torch's own are not traced), MiB:\n"
    )
    print(f"| {'line':<20} | {'peak above':>10} | {'retained':>8} | code")
    print(f"|{'-' * 22}|{'-' * 12}|{'-' * 10}|{'-' * 40}")
    for ln in t["lines"]:
        print(f"| {ln['where']:<20} | {ln['peak']:>10.1f} | {ln['retained']:>8.1f} | {ln['code'][:100]}")


if __name__ == "__main__":
    main()
