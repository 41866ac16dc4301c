"""The sine tutorial's shapes: (1, 20, 1) through a 2-layer RNN with hidden 10, then 3 features and hidden 15.

Run: python examples/sine_shapes.py
"""

import torch
from torch import nn

import tsrnn

torch.manual_seed(0)

# The tutorial by hand: one sequence of 20 steps, 1 feature.
x = tsrnn.to_batch(tsrnn.sine_wave(seq_length=20, n_features=1))  # (B, T, F) = (1, 20, 1)
rnn = nn.RNN(input_size=1, hidden_size=10, num_layers=2, batch_first=True)
output, h_n = rnn(x)
print(f"input {tuple(x.shape)} (B, T, F) -> nn.RNN(1, 10, num_layers=2, batch_first=True)")
print(f"  output {tuple(output.shape)} (B, T, H): the last layer's hidden state at every step")
print(f"  h_n    {tuple(h_n.shape)} (L, B, H): the final state of each layer; batch_first does not apply")

# The same through tsrnn, which names every dimension and counts the parameters per layer.
print()
print(tsrnn.describe_shapes(features=1, hidden=10, layers=2, seq=20, cell="rnn"))  # the tutorial's nn.RNN

# Three features and hidden 15: only F and H change.
print()
report = tsrnn.describe_shapes(features=3, hidden=15, layers=2, seq=20, cell="rnn")
print(
    f"features 3, hidden 15: input {report.shape('input')}, output {report.shape('rnn output')}, "
    f"h_n {report.shape('h_n')}, prediction {report.shape('prediction')}; "
    f"{report.total_parameters} parameters"
)
