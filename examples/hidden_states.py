"""Look inside a trained RNN: every layer's hidden state at every step of one input window.

Trains a 2-layer RNN on a noisy sine, then takes one 40-step window and shows the hidden state h_t of
each layer as a heatmap under the input (hidden.png) and as one line per unit (hidden_lines.png),
written to docs/ by default.

Run: python examples/hidden_states.py [--fast] [--out DIR]
"""

import argparse
import os
from pathlib import Path

import numpy as np
import torch

import tsrnn
from tsrnn import plot

torch.set_num_threads(1)  # a model this small trains fastest on one thread

parser = argparse.ArgumentParser(description="Draw the hidden states of a trained RNN.")
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

length, epochs, W = (300, 3, 40) if fast else (1200, 60, 40)
df = tsrnn.multi_sine(length, n_features=1, periods=40, noise=0.05, seed=0)  # DataFrame (T, 1)
model = tsrnn.Forecaster(hidden=8, layers=2, window=W, epochs=epochs, seed=0).fit(df, progress=False)
print(
    f"fitted {model.cell.upper()} with {model.layers} layers x {model.hidden} hidden on {df.shape}: "
    f"{len(model.history_.records)} epochs"
)

window = df.iloc[-W:]  # (W, F) in the data's units
states = model.hidden_states(window)  # one (T, H) array per layer
for k, s in enumerate(states):
    print(f"layer {k}: hidden states {s.shape} (T steps, H units), range {s.min():+.2f} .. {s.max():+.2f}")

# The per-layer states agree with what the stacked nn.RNN returns: its output and h_n.
x = torch.from_numpy(model.scaler_.transform(window.to_numpy()))[None]  # (1, T, F) scaled as in fit
with torch.no_grad():
    r = model.model_(x, return_states=True)
same_output = np.allclose(states[-1], r.output[0].numpy(), atol=1e-6)
same_h_n = all(np.allclose(s[-1], r.h_n[k, 0].numpy(), atol=1e-6) for k, s in enumerate(states))
print(f"last layer == nn.RNN output: {same_output}; each layer's last step == h_n: {same_h_n}")

title = f"Hidden state of each layer of a trained RNN over one {W}-step window of a sine"
plot.hidden_heatmap(states, inputs=window, title=title).savefig(out / "hidden.png", dpi=100)
plot.hidden_lines(states, title=f"Each hidden unit over the same {W}-step window").savefig(
    out / "hidden_lines.png", dpi=100
)
print(f"wrote {out / 'hidden.png'} and {out / 'hidden_lines.png'}")
