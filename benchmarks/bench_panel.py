"""Panel scale: one global model over S hourly series of 300 steps, in long layout.

For each S (a fresh process each, so peak memory is that run's own) it times:
  - fit, whole: ``Forecaster(window=24, hidden=16, epochs=1, patience=None).fit(df)``
  - of which the epoch: the training loop's own seconds (history)
  - outside training: the rest of fit (reading the long frame, scaling, windows, baselines)
  - forecast: ``forecast(12)`` of every series
  - evaluate: ``evaluate(df, start=288)``, a 12-step evaluation of every series (its last 12 steps)
and the peak RSS against the panel's float32 bytes (also above the RSS once the input frame is built:
the user's DataFrame is not tsrnn's memory).  torch's one-time optimizer import is paid before the
clock starts, as any training loop pays it.

    python benchmarks/bench_panel.py --series 1000 10000 100000
    python benchmarks/bench_panel.py --series 1000 --neuralforecast   # with the bench extra

``--cli R`` times the command line instead: ``tsrnn fit --data long.csv --window 1 --quiet`` (the
defaults otherwise: 60 epochs, a 20% holdout, the refit, the calibration, the figures) on S series of R
rows each (integer steps, values drawn from a seeded generator) written to a CSV file: the whole
command in its own process, and by phase (startup and imports; reading the file into one panel; the
evaluated fit; the holdout's scoring; the refit; the calibration; the report; writing the run
directory), the phases timed by wrappers around the functions that do them in that same process.
``--window 1`` because the automatic window (at least 2, for inputs read relative to the window's last
value) needs 3 training steps, which a series of 3 rows less its held-out step does not have.

    python benchmarks/bench_panel.py --cli 3 --series 10000 100000

What it prints is added to benchmarks/results/panel.md as a new dated run (earlier runs stay below).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import record

STEPS, WINDOW, HIDDEN, HORIZON = 300, 24, 16, 12


def panel(S: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    t = np.arange(STEPS)
    phase = rng.uniform(0, 2 * np.pi, (S, 1))
    level = rng.uniform(5, 50, (S, 1))
    y = level + 3 * np.sin(2 * np.pi * t / 24 + phase) + rng.normal(0, 0.3, (S, STEPS))
    ds = pd.date_range("2024-01-01", periods=STEPS, freq="h")
    return pd.DataFrame(
        {
            "unique_id": np.repeat([f"s{i:06d}" for i in range(S)], STEPS),
            "ds": np.tile(ds, S),
            "y": y.ravel().astype(np.float32),
        }
    )


def one(S: int, evaluate: bool) -> dict:
    import torch

    import tsrnn

    torch.set_num_threads(1)
    torch.optim.Adam(
        [torch.zeros(1, requires_grad=True)]
    )  # torch's one-time optimizer import (~3 s), not ours
    df = panel(S)
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the job, with the model it had then (an RNN on absolute inputs), so before and after compare
    model = tsrnn.Forecaster(
        window=WINDOW, hidden=HIDDEN, horizon=HORIZON, epochs=1, patience=None, cell="rnn", relative=False
    )
    start = time.perf_counter()
    model.fit(df)
    fit = time.perf_counter() - start
    epoch = sum(r["seconds"] for r in model.history_.records)
    start = time.perf_counter()
    model.forecast(HORIZON)
    forecast = time.perf_counter() - start
    ev = None
    if evaluate:
        start = time.perf_counter()
        model.evaluate(df, start=STEPS - HORIZON)  # the last 12 steps of every series, one origin each
        ev = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "series": S,
        "rows": S * STEPS,
        "fit": fit,
        "epoch": epoch,
        "outside": fit - epoch,
        "forecast": forecast,
        "evaluate": ev,
        "peak_mib": peak,
        "frame_mib": rss_data,
        "above_frame_mib": peak - rss_data,
        "panel_mib": S * STEPS * 4 / 2**20,
    }


def neuralforecast_one(S: int) -> dict:
    from neuralforecast import NeuralForecast
    from neuralforecast.models import RNN

    df = panel(S)
    start = time.perf_counter()
    nf = NeuralForecast(
        models=[
            RNN(
                h=HORIZON,
                input_size=WINDOW,
                encoder_hidden_size=HIDDEN,
                max_steps=100,
                enable_progress_bar=False,
                logger=False,
            )
        ],
        freq="h",
    )
    nf.fit(df)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    nf.predict()
    return {
        "series": S,
        "fit": fit,
        "forecast": time.perf_counter() - start,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


PHASES = {  # phase: (module, attribute) of the function that does it, within one `tsrnn fit` run
    "read": [("tsrnn.app.training_run", "_load_data"), ("tsrnn.app.training_run", "_panel")],
    "fit": [("tsrnn.estimator.fitting", "fit")],  # twice with a holdout: the evaluated fit, the refit
    "holdout scoring": [("tsrnn.estimator.forecaster", "Forecaster.evaluate")],
    "calibration": [("tsrnn.estimator.calibration", "calibrate")],
    "report": [("tsrnn.app.training_run", "report_fit")],
    "writing the run": [("tsrnn.app.training_run", "_write_results")],
}


def phases_one(args: list[str]) -> dict:
    """Run ``tsrnn fit`` with ``args`` in this process, each phase's functions wrapped by a timer:
    {phase: [seconds of each call]}, and the command's seconds."""
    import functools
    import importlib

    from tsrnn.cli import group

    seconds: dict[str, list[float]] = {}

    def timed(name, fn):
        @functools.wraps(fn)
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                seconds.setdefault(name, []).append(time.perf_counter() - t)

        return wrapper

    for name, places in PHASES.items():
        for module, attr in places:
            owner = importlib.import_module(module)
            *path, leaf = attr.split(".")
            for part in path:
                owner = getattr(owner, part)
            setattr(owner, leaf, timed(name, getattr(owner, leaf)))
    t = time.perf_counter()
    code = group.cli.main(["fit", *args], prog_name="tsrnn", standalone_mode=False)
    seconds["command"] = [time.perf_counter() - t]
    if code:
        raise SystemExit(f"tsrnn fit {' '.join(args)} exited with {code}")
    return seconds


def cli_one(S: int, rows: int, folder: str) -> dict:
    """``tsrnn fit --data`` on S series of ``rows`` rows: the whole command and its phases."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    path = os.path.join(folder, f"long-{S}x{rows}.csv")
    pd.DataFrame(
        {
            "unique_id": np.repeat([f"s{i:06d}" for i in range(S)], rows),
            "ds": np.tile(np.arange(rows), S),  # integer steps: no season asks for history
            "y": rng.normal(10, 1, S * rows).round(4),
        }
    ).to_csv(path, index=False)
    args = ["--data", path, "--window", "1", "--quiet", "--force", "--out", os.path.join(folder, f"run-{S}")]
    cmd = [sys.executable, __file__, "--_phases", json.dumps(args)]
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
    whole = time.perf_counter() - start
    if out.returncode:
        raise SystemExit(f"tsrnn fit failed on {S} series:\n{out.stderr[-2000:]}")
    seconds = json.loads(out.stdout.strip().splitlines()[-1])
    with open(os.path.join(folder, f"run-{S}", "run.json")) as fh:
        run = json.load(fh)
    with open(os.path.join(folder, f"run-{S}", "history.csv")) as fh:
        epochs = len(fh.read().strip().splitlines()) - 1
    with open(os.path.join(folder, f"run-{S}", "config.json")) as fh:
        batch = json.load(fh)["history"]["batch_size"]  # the saved model's: the refit's
    return {
        "series": S,
        "rows": S * rows,
        "whole": whole,
        "seconds": seconds,
        "refit_epochs": run.get("refit_epochs"),
        "evaluated_epochs": epochs,
        "batch": batch,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--no-evaluate", action="store_true", help="skip the evaluation (it is the slowest part)"
    )
    parser.add_argument("--neuralforecast", action="store_true", help="also time neuralforecast's RNN")
    parser.add_argument(
        "--cli", type=int, default=None, metavar="R", help="time 'tsrnn fit --data' on series of R rows"
    )
    parser.add_argument("--_one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--_nf", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--_phases", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._phases is not None:
        print(json.dumps(phases_one(json.loads(args._phases))))
        return
    if args._one is not None:
        print(json.dumps(neuralforecast_one(args._one) if args._nf else one(args._one, not args.no_evaluate)))
        return
    if args.cli is not None:
        with record.recorded("panel", "Long data through the command line"):
            cli_table(args)
        return
    with record.recorded("panel", "Panel scale"):
        scale_table(args)


def cli_table(args) -> None:
    """The whole ``tsrnn fit --data`` command and its phases, per number of series."""
    import tempfile

    print(
        "| series | rows | whole command s | read s | evaluated fit s | holdout scoring s | refit s "
        "| calibration s | report s | writing the run s | the rest (imports, checks) s | the process around it s "
        "| epochs (evaluated, refit) | refit's batch |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for S in args.series:
            r = cli_one(S, args.cli, folder)
            print(json.dumps(r), file=sys.stderr)
            sec = {k: sum(v) for k, v in r["seconds"].items()}
            fits = r["seconds"].get("fit", []) + [0.0, 0.0]
            cells = [sec.get("read", 0.0), fits[0], sec.get("holdout scoring", 0.0), fits[1]]
            cells += [sec.get(n, 0.0) for n in ("calibration", "report", "writing the run")]
            cells += [sec["command"] - sum(cells), r["whole"] - sec["command"]]
            print(
                f"| {S:,} | {r['rows']:,} | {r['whole']:.1f} | "
                + " | ".join(f"{c:.1f}" for c in cells)
                + f" | {r['evaluated_epochs']}, {r['refit_epochs']} | {r['batch']:,} |"
            )


def scale_table(args) -> None:
    """Fit, forecast and evaluate one global model per number of series, each in its own process."""
    rows = []
    for S in args.series:
        for nf in [False, True] if args.neuralforecast else [False]:
            cmd = (
                [sys.executable, __file__, "--_one", str(S)]
                + (["--no-evaluate"] if args.no_evaluate else [])
                + (["--_nf"] if nf else [])
            )
            out = subprocess.run(
                cmd, capture_output=True, text=True, env=dict(os.environ, PYTHONWARNINGS="ignore")
            )
            if out.returncode:
                print(
                    f"S={S}{' neuralforecast' if nf else ''} failed:\n{out.stderr[-2000:]}", file=sys.stderr
                )
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            r["who"] = "neuralforecast RNN" if nf else "tsrnn"
            rows.append(r)
            print(json.dumps(r), file=sys.stderr)
    print(
        "| contender | series | rows | fit, whole s | epoch s | outside training s | forecast all s | evaluate all s "
        "| peak RSS MiB | of which above the input frame | 3x panel + 300 MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:

        def f(k, r=r):
            return "" if r.get(k) is None else f"{r[k]:.2f}"

        limit = f"{3 * r['panel_mib'] + 300:.0f}" if "panel_mib" in r else ""
        print(
            f"| {r['who']} | {r['series']:,} | {r.get('rows', r['series'] * STEPS):,} | {f('fit')} | {f('epoch')} | "
            f"{f('outside')} | {f('forecast')} | {f('evaluate')} | {r['peak_mib']:.0f} | "
            f"{r.get('above_frame_mib', 0):.0f} | {limit} |"
        )


if __name__ == "__main__":
    main()
