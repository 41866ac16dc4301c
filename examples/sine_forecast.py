"""Forecast a two-feature noisy sine with a stacked RNN and draw the forecasts against the truth.

The model reads 40 steps and predicts the next 10 at once; from each origin in the test span it
forecasts 25 steps (recursively past its horizon of 10), using only the data before that origin.
Writes forecast.png and loss.png (to docs/ by default).

Run: python examples/sine_forecast.py [--fast] [--out DIR]
"""

import argparse
import os
from pathlib import Path

import pandas as pd
import torch

import tsrnn
from tsrnn import plot

torch.set_num_threads(1)  # a model this small trains fastest on one thread

parser = argparse.ArgumentParser(description="Forecast a noisy sine and draw the forecasts.")
parser.add_argument(
    "--fast", action="store_true", help="a few epochs on a short series (also TSRNN_EXAMPLE_FAST=1)"
)
parser.add_argument(
    "--out",
    type=Path,
    default=None,
    help="directory for the figures [default: docs/; with --fast the current directory]",
)
args = parser.parse_args()
fast = args.fast or os.environ.get("TSRNN_EXAMPLE_FAST") == "1"
out = args.out or (Path.cwd() if fast else Path(__file__).resolve().parents[1] / "docs")
out.mkdir(parents=True, exist_ok=True)

length, epochs = (400, 3) if fast else (1500, 60)
df = tsrnn.multi_sine(length, n_features=2, noise=0.05, seed=0)  # DataFrame (T, 2)
test_start = int(length * 0.8)
model = tsrnn.Forecaster(hidden=16, layers=2, window=40, horizon=10, epochs=epochs, seed=0)
model.fit(df[:test_start], progress=False)
h = model.history_
print(f"series {df.shape}; fit on the first {test_start} steps: {len(h.records)} epochs, best {h.best_epoch}")

scores = model.evaluate(df, start=test_start)  # every test origin, 10 steps ahead
print(
    f"test RMSE, 10 steps ahead: model {scores['model']['rmse']:.4f}, "
    f"naive last value {scores['naive']['rmse']:.4f}"
)

every = 25
origins = list(range(test_start, length, every))
# each a long frame (unique_id, ds, tsrnn) from the data before o, turned to (25, 2): a column per series
parts = [
    model.forecast(every, data=df.iloc[:o]).pivot(index="ds", columns="unique_id", values="tsrnn")[df.columns]
    for o in origins
]
predicted = pd.concat(parts).iloc[: length - test_start]
print(
    f"{len(origins)} origins every {every} steps: forecasts {predicted.shape} "
    f"(RMSE {tsrnn.rmse(df.iloc[test_start:].to_numpy(), predicted.to_numpy()):.4f})"
)

shown = max(0, test_start - 200)
fig = plot.forecast(
    df.iloc[shown:],
    predicted,
    split=test_start,
    label=f"{every}-step forecasts",
    train_span=(shown, test_start - 1),
    origins=origins,
    title=f"RNN ({model.layers} x {model.hidden} hidden): {every}-step forecasts from each "
    f"origin vs the actual series",
)
fig.savefig(out / "forecast.png", dpi=100)
plot.loss(h.to_frame(), best_epoch=h.best_epoch).savefig(out / "loss.png", dpi=100)
print(f"wrote {out / 'forecast.png'} and {out / 'loss.png'}")
