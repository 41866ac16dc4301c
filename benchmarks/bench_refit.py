"""The refit after a holdout, measured: fit(train, holdout=h) on every single series of bench_real.py
(the last h steps of each held back and scored by MASE against the training span's seasonal naive
scale), seeds 0, 1 and 2, two ways: "before", the refit trains for the evaluated fit's best epoch
count and keeps its last weights; "now", it trains up to the last of the epochs the evaluated fit
averaged (average_best) and averages the same epochs' weights.  Run with the bench extra:

    OMP_NUM_THREADS=1 python benchmarks/bench_refit.py

What it prints is added to benchmarks/results/refit.md as a new dated run (earlier runs stay below);
the figures of 2026-12-07 are there.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_real as B
import record

from tsrnn import Forecaster
from tsrnn.estimator import holdout as H


def old_refit():
    # before: refit for best_epoch epochs, the last epoch's weights
    def patched(est, data, holdout, progress=None, checkpoint_dir=None, resume=False):
        holdout = H.check_holdout(holdout)
        panel = H.read(est, data)
        starts = H.test_starts(est, panel, holdout)
        evaluated = type(est)(**est.get_params())
        H.fitting.fit(evaluated, panel.take(stop=starts), progress, None, False)
        history = evaluated.history_
        epochs = history.best_epoch or len(history.records)
        refit = type(est)(**est.get_params()).set_params(
            epochs=epochs, val_fraction=0.0, window=evaluated.window_
        )
        H.fitting.fit(refit, panel, progress, None, False)
        est.__dict__.update(
            {k: v for k, v in vars(refit).items() if k.endswith("_") and not k.startswith("_")}
        )
        return est

    return patched


def main() -> None:
    """Score the refit both ways on every single series of bench_real, seeds 0, 1 and 2."""
    argparse.ArgumentParser(
        description="The refit after a holdout, before and now. Results: benchmarks/results/refit.md."
    ).parse_args()
    new = H.fit_with_holdout
    rows = []
    for name, load in B.CASES.items():
        case = load()
        if len(case.series) != 1 or case.covariates:
            continue
        y = np.asarray(next(iter(case.series.values())), float)
        h, m = case.h, case.m
        train, test = y[:-h], y[-h:]
        scale = (
            np.mean(np.abs(train[m:] - train[:-m]))
            if m > 1 and len(train) > m
            else np.mean(np.abs(np.diff(train)))
        )
        res = {}
        for label, fn in (("before", old_refit()), ("now", new)):
            errs = []
            for seed in (0, 1, 2):
                H.fit_with_holdout = fn
                fc = Forecaster(horizon=h, seed=seed, season=m if m > 1 else None).fit(
                    train, holdout=h, progress=False
                )
                f = fc.forecast(h)["tsrnn"].to_numpy()
                errs.append(np.mean(np.abs(f - test)) / scale)
            res[label] = np.mean(errs)
        H.fit_with_holdout = new
        rows.append((name, res["before"], res["now"]))
        print(f"{name:32s} before {res['before']:.3f} now {res['now']:.3f}", flush=True)
    r = np.array([(b, n) for _, b, n in rows])
    print(
        f"gmean MASE before {np.exp(np.log(r[:, 0]).mean()):.3f} now {np.exp(np.log(r[:, 1]).mean()):.3f}; now better on {(r[:, 1] < r[:, 0]).sum()} of {len(r)}"
    )


if __name__ == "__main__":
    with record.recorded("refit", "The refit after a holdout, before and now", markdown=False):
        main()
