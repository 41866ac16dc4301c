"""How big must the hidden state be?  Train the same sine with hidden sizes 2, 5, 10 and 15.

Every model gets the same data, seed and settings; only H changes.  Prints each size's parameter
count and test errors, and draws their forecasts on one figure with the error against H
(compare_hidden.png, written to docs/ by default).

Run: python examples/compare_hidden.py [--fast] [--out DIR]
"""

import argparse
import os
from pathlib import Path

import torch

import tsrnn
from tsrnn import plot

torch.set_num_threads(1)  # models this small train fastest on one thread

parser = argparse.ArgumentParser(description="Compare hidden sizes on one series.")
parser.add_argument(
    "--fast", action="store_true", help="a few epochs on a short series (also TSRNN_EXAMPLE_FAST=1)"
)
parser.add_argument(
    "--out",
    type=Path,
    default=None,
    help="directory for the figure [default: docs/; with --fast the current directory]",
)
args = parser.parse_args()
fast = args.fast or os.environ.get("TSRNN_EXAMPLE_FAST") == "1"
out = args.out or (Path.cwd() if fast else Path(__file__).resolve().parents[1] / "docs")
out.mkdir(parents=True, exist_ok=True)

length, epochs = (300, 2) if fast else (1000, 60)
df = tsrnn.multi_sine(length, n_features=1, periods=37, noise=0.05, seed=0)  # DataFrame (T, 1)
result = tsrnn.compare_hidden_sizes(
    df,
    hidden_sizes=[2, 5, 10, 15],
    layers=2,
    window=30,
    horizon=5,
    epochs=epochs,
    seed=0,
    forecast_steps=100,
    cell="rnn",  # the bare networks: a tanh RNN of each size, reading absolute values, no highway
    relative=False,
    highway=False,
)
table = result.table[["hidden", "parameters", "epochs", "test_rmse", "naive_rmse", "forecast_rmse"]]
print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
print(f"best hidden size by one-step test RMSE: {result.best()}")
plot.compare_hidden(result).savefig(out / "compare_hidden.png", dpi=100)
print(f"wrote {out / 'compare_hidden.png'}")
