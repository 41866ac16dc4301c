"""Training speed: tsrnn's loop against a minimal hand-written PyTorch loop, same job, one run.

The job (as in the peer benchmark): a 3-feature sine (periods 50, 37, 23, random phases, noise
sigma 0.1, numpy seed 0), 4000 steps, the first 3200 to train, window 20, horizon 1, a 2-layer tanh
RNN of hidden 15 with a linear head, Adam lr 1e-3, batch 64, 30 epochs, 2 threads, model seed 0.
tsrnn runs the same recipe (no scaling, no validation split, no clipping); a second tsrnn line adds
its default gradient clipping.  Each contender runs ``--repeats`` times, alternating; the best time
counts.

    python benchmarks/bench_train.py [--repeats 3] [--epochs 30]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

import tsrnn

N, N_TRAIN, WINDOW, HIDDEN, LAYERS, LR, BATCH = 4000, 3200, 20, 15, 2, 1e-3, 64
NOISE_FLOOR = 0.1 ** 2


def data() -> np.ndarray:
    frame = tsrnn.multi_sine(N, 3, periods=(50, 37, 23), noise=0.1, seed=0)
    return frame.to_numpy().copy()  # (4000, 3), writable


def hand_written(series: np.ndarray, epochs: int, seed: int) -> tuple[float, float]:
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(3, HIDDEN, num_layers=LAYERS, batch_first=True)
            self.head = nn.Linear(HIDDEN, 3)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[:, -1, :])

    torch.manual_seed(seed)
    start = time.perf_counter()
    s = torch.from_numpy(series)
    w = s[:N_TRAIN].unfold(0, WINDOW + 1, 1).permute(0, 2, 1).contiguous()
    X, Y = w[:, :WINDOW], w[:, WINDOW]
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    n = X.shape[0]
    for _ in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = F.mse_loss(model(X[idx]), Y[idx])
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.inference_mode():
        wt = s[N_TRAIN - WINDOW:].unfold(0, WINDOW + 1, 1).permute(0, 2, 1)
        mse = float(F.mse_loss(model(wt[:, :WINDOW]), wt[:, WINDOW]))
    return seconds, mse


def with_tsrnn(series: np.ndarray, epochs: int, seed: int, clip_norm: float | None) -> tuple[float, float]:
    model = tsrnn.Forecaster(hidden=HIDDEN, layers=LAYERS, cell="rnn", window=WINDOW, horizon=1,
                             epochs=epochs, batch_size=BATCH, lr=LR, val_fraction=0.0, patience=None,
                             clip_norm=clip_norm, seed=seed, scale=False, highway=False)
    start = time.perf_counter()
    model.fit(series[:N_TRAIN], progress=False)
    seconds = time.perf_counter() - start
    pred = model.predict(series[N_TRAIN - WINDOW:])[:-1, 0]  # (800, 3)
    mse = float(np.mean((pred - series[N_TRAIN:]) ** 2))
    return seconds, mse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(2)
    series = data()
    contenders = {
        "hand-written loop": lambda: hand_written(series, args.epochs, args.seed),
        "tsrnn (same recipe)": lambda: with_tsrnn(series, args.epochs, args.seed, None),
        "tsrnn (+ clip_norm 1.0)": lambda: with_tsrnn(series, args.epochs, args.seed, 1.0),
    }
    best: dict[str, tuple[float, float]] = {}
    worst: dict[str, float] = {}
    for _ in range(args.repeats):
        for name, run in contenders.items():
            seconds, mse = run()
            worst[name] = max(worst.get(name, 0.0), seconds)
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, mse)
    base = best["hand-written loop"][0]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.epochs} epochs, "
          f"best of {args.repeats} (spread = slowest / best - 1: the machine's noise)")
    print(f"{'contender':<26}{'train s':>9}{'ratio':>8}{'spread':>8}{'test MSE / 0.01':>17}")
    for name, (seconds, mse) in best.items():
        print(f"{name:<26}{seconds:>9.3f}{seconds / base:>8.3f}{worst[name] / seconds - 1:>8.0%}"
              f"{mse / NOISE_FLOOR:>17.3f}")


if __name__ == "__main__":
    main()
