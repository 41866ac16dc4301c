"""One-hot "h, e, l, o" through nn.RNN, nn.LSTM and nn.GRU: the shapes, and packing variable lengths.

Run: python examples/hello_shapes.py
"""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import tsrnn

torch.manual_seed(0)
CHARS = ["h", "e", "l", "o"]
EYE = torch.eye(len(CHARS))


def one_hot(word: str) -> torch.Tensor:
    return torch.stack([EYE[CHARS.index(c)] for c in word])  # (T, 4)


words = ["hello", "eolll", "lleel"]
x = torch.stack([one_hot(w) for w in words])  # (B, T, F) = (3, 5, 4)
print(
    f"'h' -> {EYE[0].int().tolist()}, 'e' -> {EYE[1].int().tolist()}, "
    f"'l' -> {EYE[2].int().tolist()}, 'o' -> {EYE[3].int().tolist()}"
)
print(f"batch {words}: input {tuple(x.shape)}  (B=3 words, T=5 characters, F=4 one-hot)")

# batch_first=True shapes the input and the output as (B, T, ...); the states stay (L*D, B, H).
for name, cls in (("RNN", nn.RNN), ("LSTM", nn.LSTM), ("GRU", nn.GRU)):
    cell = cls(input_size=4, hidden_size=2, batch_first=True)
    output, state = cell(x)  # (3, 5, 2); h_n (1, 3, 2)
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    extra = f", c_n {tuple(c_n.shape)}" if c_n is not None else ""
    n_params = sum(p.numel() for p in cell.parameters())
    same = torch.allclose(output[:, -1], h_n[0])  # the last step's output is the final hidden state
    print(
        f"{name:<4} hidden 2: output {tuple(output.shape)}, h_n {tuple(h_n.shape)}{extra}; "
        f"{n_params} parameters; output[:, -1] == h_n[0]: {same}"
    )

# Variable lengths: "hello", "eol", "llee" padded to 5 steps, then packed.
lengths = [5, 3, 4]
short = ["hello", "eol", "llee"]
rnn = nn.RNN(input_size=4, hidden_size=2, batch_first=True)
padded = torch.full((3, 5, 4), 9.0)  # padding with junk on purpose: packing must ignore it
for i, w in enumerate(short):
    padded[i, : len(w)] = one_hot(w)
packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
out_packed, h_packed = rnn(packed)
out, out_lengths = pad_packed_sequence(out_packed, batch_first=True)  # (3, 5, 2), zeros past each length
print(
    f"lengths {lengths}: padded input {tuple(padded.shape)} -> packed output {tuple(out.shape)}, "
    f"h_n {tuple(h_packed.shape)}"
)
worst = 0.0
for i, w in enumerate(short):
    alone_out, alone_h = rnn(one_hot(w)[None])  # the word alone, no padding: (1, len, 2)
    worst = max(
        worst,
        (out[i, : len(w)] - alone_out[0]).abs().max().item(),
        (h_packed[:, i] - alone_h[:, 0]).abs().max().item(),
    )
print(f"packed vs each word alone: largest difference {worst:.1e} (padding does not change results)")
_, h_unpacked = rnn(padded)
print(
    f"without packing, h_n of 'eol' differs by {(h_unpacked[0, 1] - h_packed[0, 1]).abs().max().item():.3f} "
    f"(the RNN read the padding)"
)

net = tsrnn.RNNForecaster(tsrnn.ModelConfig(input_size=4, hidden_size=2, num_layers=1, output_size=4))
with torch.no_grad():
    y = net(padded, lengths=lengths)  # tsrnn packs for you
    y_alone = net(one_hot("eol")[None])
print(
    f"tsrnn.RNNForecaster(x, lengths={lengths}) -> {tuple(y.shape)} (B, K, O); 'eol' padded == alone: "
    f"{torch.allclose(y[1], y_alone[0], atol=1e-6)}"
)
