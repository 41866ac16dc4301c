"""Training speed: tsrnn's loop against a minimal hand-written PyTorch loop, same job, one run.

The job (as in the peer benchmark): a 3-feature sine (periods 50, 37, 23, random phases, noise
sigma 0.1, numpy seed 0), 4000 steps, the first 3200 to train, window 20, horizon 1, a 2-layer tanh
RNN of hidden 15 with a linear head, Adam lr 1e-3, batch 64, 30 epochs, 2 threads, model seed 0.
tsrnn runs the same recipe (no scaling, no validation split, no clipping); a second tsrnn line adds
its default gradient clipping.  Each contender runs ``--repeats`` times, alternating; the best time
counts.  The data and both loops are bench_peers.py's, so the two benchmarks time the same code.

    python benchmarks/bench_train.py [--repeats 3] [--epochs 30]

What it prints is added to benchmarks/results/train.md as a new dated run (earlier runs stay below).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import record
import torch
from bench_peers import N_TEST, N_TRAIN, NOISE_FLOOR, fit_lean, fit_tsrnn, plain_series  # the same job


def timed(fit, series: np.ndarray) -> tuple[float, float]:
    """Seconds ``fit()`` takes (window building and the loop) and its test MSE over the 800 targets."""
    start = time.perf_counter()
    predict, _ = fit()
    seconds = time.perf_counter() - start
    pred = np.asarray(predict(), dtype=np.float64).reshape(N_TEST, -1)
    return seconds, float(np.mean((pred - series[N_TRAIN:]) ** 2))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0] + " Results: benchmarks/results/train.md."
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(2)
    series = plain_series()
    contenders = {
        "hand-written loop": lambda: fit_lean(series, args.seed, args.epochs),
        "tsrnn (same recipe)": lambda: fit_tsrnn(series, args.seed, False, args.epochs),
        "tsrnn (+ clip_norm 1.0)": lambda: fit_tsrnn(series, args.seed, False, args.epochs, clip_norm=1.0),
    }
    best: dict[str, tuple[float, float]] = {}
    worst: dict[str, float] = {}
    for _ in range(args.repeats):
        for name, run in contenders.items():
            seconds, mse = timed(run, series)
            worst[name] = max(worst.get(name, 0.0), seconds)
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, mse)
    base = best["hand-written loop"][0]
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.epochs} epochs, "
        f"best of {args.repeats} (spread = slowest / best - 1: the machine's noise)"
    )
    print(f"{'contender':<26}{'train s':>9}{'ratio':>8}{'spread':>8}{'test MSE / 0.01':>17}")
    for name, (seconds, mse) in best.items():
        print(
            f"{name:<26}{seconds:>9.3f}{seconds / base:>8.3f}{worst[name] / seconds - 1:>8.0%}"
            f"{mse / NOISE_FLOOR:>17.3f}"
        )


if __name__ == "__main__":
    with record.recorded("train", "Training speed against a hand-written loop", markdown=False):
        main()
