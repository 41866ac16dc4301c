"""Sample paths, hidden states and streaming of a panel: one batched call over every series against a
loop of per-series calls through ``series_model`` (what long data needed before they were batched).

One global model (a Gaussian-head RNN on absolute inputs, window 24, hidden 16, horizon 12, one
epoch) over S hourly series of 300 steps (the panel of ``bench_panel.py``); one torch thread.  Times:

  sample paths   ``sample_paths(24, samples=...)`` of every series (beyond the horizon: recursive)
  hidden states  ``hidden_states`` of every series' last window (a long frame of W rows per series)
  stream step    one ``step`` of every series after ``start`` (median of 5 steps)

    python benchmarks/bench_panel_batched.py [--series 1000] [--samples 100]

What it prints is added to benchmarks/results/panel_batched.md as a new dated run (earlier runs stay
below).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import record
import torch
from bench_panel import HIDDEN, HORIZON, WINDOW, panel

import tsrnn


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    torch.set_num_threads(1)
    df = panel(args.series)
    model = tsrnn.Forecaster(
        window=WINDOW,
        hidden=HIDDEN,
        horizon=HORIZON,
        epochs=1,
        patience=None,
        cell="rnn",
        relative=False,
        loss="gaussian",
    ).fit(df)
    ids = list(model.state_)
    views = {uid: model.series_model(uid) for uid in ids}
    frames = {uid: part.drop(columns="unique_id").set_index("ds") for uid, part in df.groupby("unique_id")}
    last = df.groupby("unique_id").tail(WINDOW)
    rows = {}
    rows["sample paths"] = (
        timed(lambda: model.sample_paths(24, samples=args.samples)),
        timed(lambda: [views[u].sample_paths(24, samples=args.samples) for u in ids]),
    )
    rows["hidden states"] = (
        timed(lambda: model.hidden_states(last)),
        timed(lambda: [views[u].hidden_states(frames[u].iloc[-WINDOW:]) for u in ids]),
    )
    history = df.groupby("unique_id").head(300 - 5)
    state = model.start(history)
    alone = {u: views[u].start(frames[u].iloc[:-5]) for u in ids}
    batched, looped = [], []
    for k in range(5, 0, -1):
        new = df.groupby("unique_id").nth(300 - k)
        x = new.set_index("unique_id").loc[ids, ["y"]].to_numpy()
        start = time.perf_counter()
        _, state = model.step(x, state)
        batched.append(time.perf_counter() - start)
        start = time.perf_counter()
        for i, u in enumerate(ids):
            _, alone[u] = views[u].step(x[i], alone[u])
        looped.append(time.perf_counter() - start)
    rows["stream step"] = (statistics.median(batched), statistics.median(looped))
    same = max(float(np.abs(state.prediction[u] - alone[u].prediction).max()) for u in ids)
    print(
        f"S = {args.series} series of 300 steps, {args.samples} sample paths; streamed forecasts batched vs "
        f"alone differ by at most {same:.2e}"
    )
    print("| method | batched s | per-series loop s | speed-up |")
    print("|---|---|---|---|")
    for name, (one, loop) in rows.items():
        print(f"| {name} | {one:.4f} | {loop:.3f} | {loop / one:.0f}x |")


if __name__ == "__main__":
    with record.recorded("panel_batched", "Panel: batched paths, hidden states and streaming"):
        main()
