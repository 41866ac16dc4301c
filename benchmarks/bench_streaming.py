"""Per-step latency of streaming inference (carry the recurrent state) against re-running the window.

Fits a small Forecaster (3-feature noisy sine, hidden 15, 2 layers, a few epochs) for window 20
and for window 200, then feeds ``--steps`` new observations one at a time and times, per step and
interleaved (every contender sees each step before the next step comes):

  Forecaster.step            ``y, state = model.step(x_t, state)`` after one ``model.start(history)``
  Forecaster.forecast(1)     ``model.forecast(1, data=last_window_df)``: the last W rows as a DataFrame
  Forecaster.predict         ``model.predict(last_window_array)``: the same, ndarray in and out
  module, window             ``model.model_(x)``, x the scaled last window as a (1, W, F) tensor
  module, 1 step + state     ``model.model_(x_t, hx=h, return_states=True)``, x_t (1, 1, F)
  torch RNN+Linear, window   the bare nn.RNN and head of the same module over (1, W, F)
  torch RNN+Linear, 1 step   the bare nn.RNN and head over (1, 1, F) with the carried h

so the library's overhead (validation, scaling, frames) separates from the RNN's own cost.  One
torch thread (the fastest for single-sample latency).  Also checks that ``start(history)``'s
forecast equals ``predict`` on the last window, and reports how far the streamed forecasts (whose
state has read the whole stream) drift from the windowed ones (which read only W steps).

    python benchmarks/bench_streaming.py [--steps 2000] [--windows 20 200] [--epochs 3]

What it prints is added to benchmarks/results/streaming.md as a new dated run (earlier runs stay below).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import record
import torch

import tsrnn
from tsrnn.estimator import rollout

F_, HIDDEN, LAYERS = 3, 15, 2


def contenders(model: tsrnn.Forecaster, frame: pd.DataFrame, start: int, W: int) -> dict:
    """name -> callable(t) that forecasts the step after t from what is known up to t."""
    net = model.model_
    values = frame.to_numpy()
    scaled = rollout.scaled(model, values)  # (T, F) tensor, as the library scales
    state = {"stream": model.start(frame.iloc[:start]), "h_module": None, "h_raw": None}
    with torch.inference_mode():  # carried states of the module contenders, after the same warm-up
        state["h_module"] = net(scaled[start - W : start][None], return_states=True).h_n
        state["h_raw"] = net.rnn(scaled[start - W : start][None])[1]

    def step(t):
        y, state["stream"] = model.step(values[t], state["stream"])
        return y

    def module_step(t):
        with torch.inference_mode():
            r = net(scaled[t : t + 1][None], hx=state["h_module"], return_states=True)
        state["h_module"] = r.h_n
        return r.prediction

    def raw_window(t):
        with torch.inference_mode():
            _, h = net.rnn(scaled[t - W + 1 : t + 1][None])
            return net.head(h[-1])

    def raw_step(t):
        with torch.inference_mode():
            _, state["h_raw"] = net.rnn(scaled[t : t + 1][None], state["h_raw"])
            return net.head(state["h_raw"][-1])

    def module_window(t):
        with torch.inference_mode():
            return net(scaled[t - W + 1 : t + 1][None])

    return {
        "Forecaster.step": step,
        "Forecaster.forecast(1, data=df)": lambda t: model.forecast(1, data=frame.iloc[t - W + 1 : t + 1]),
        "Forecaster.predict(window array)": lambda t: model.predict(values[t - W + 1 : t + 1]),
        "module, window (1, W, F)": module_window,
        "module, 1 step + state": module_step,
        "torch RNN+Linear, window": raw_window,
        "torch RNN+Linear, 1 step + h": raw_step,
    }


def bench(W: int, steps: int, epochs: int) -> tuple[dict, dict]:
    n_fit = max(2000, 10 * W)
    frame = tsrnn.multi_sine(n_fit + steps, F_, noise=0.1, seed=0)
    model = tsrnn.Forecaster(hidden=HIDDEN, layers=LAYERS, window=W, horizon=1, epochs=epochs, seed=0)
    model.fit(frame.iloc[:n_fit], progress=False)
    runs = contenders(model, frame, n_fit, W)
    times = {name: np.empty(steps) for name in runs}
    outputs = {name: [] for name in ("Forecaster.step", "Forecaster.predict(window array)")}
    for i, t in enumerate(range(n_fit, n_fit + steps)):  # interleaved: each step, every contender once
        for name, fn in runs.items():
            t0 = time.perf_counter_ns()
            y = fn(t)
            times[name][i] = (time.perf_counter_ns() - t0) / 1e3
            if name in outputs:
                outputs[name].append(np.asarray(y).reshape(-1))
    streamed, windowed = (np.array(outputs[k]) for k in outputs)
    values = frame.to_numpy()
    at_start = model.start(values[:n_fit]).prediction - model.predict(values[n_fit - W : n_fit])[-1]
    check = {
        "first": float(np.abs(at_start).max()),
        "max": float(np.abs(streamed - windowed).max()),
        "rms": float(np.sqrt(np.mean((streamed - windowed) ** 2))),
    }
    return times, check


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0] + " Results: benchmarks/results/streaming.md."
    )
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--windows", type=int, nargs="+", default=[20, 200])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); {args.steps} steps per contender, "
        f"interleaved; F={F_}, hidden {HIDDEN}, {LAYERS} layers; microseconds per step\n"
    )
    for W in args.windows:
        times, check = bench(W, args.steps, args.epochs)
        base = np.median(times["Forecaster.step"])
        print(f"window W={W}:")
        print(f"| {'contender':<34} | {'median us':>9} | {'p90 us':>8} | {'x step':>6} |")
        print(f"|{'-' * 36}|{'-' * 11}|{'-' * 10}|{'-' * 8}|")
        for name, us in times.items():
            print(
                f"| {name:<34} | {np.median(us):>9.1f} | {np.percentile(us, 90):>8.1f} | "
                f"{np.median(us) / base:>6.2f} |"
            )
        print(
            f"start(history).prediction vs predict(last window): max |diff| {check['first']:.2g}; streamed vs "
            f"windowed forecasts over {args.steps} steps (data units): max |diff| {check['max']:.3g}, "
            f"rms {check['rms']:.3g}\n"
        )


if __name__ == "__main__":
    with record.recorded("streaming", "Per-step latency of streaming", markdown=False):
        main()
