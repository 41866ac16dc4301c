"""Next-character prediction on one long sentence: a 2-layer stacked RNN, a linear layer, cross-entropy, Adam.

Every window of 10 characters is one training example; the target is the same window shifted by one
character.  The predicted sentence is printed as it converges.

Run: python examples/char_rnn.py            (TSRNN_EXAMPLE_FAST=1 or --fast: a few epochs only)
"""

import os
import sys

import torch
from torch import nn

FAST = os.environ.get("TSRNN_EXAMPLE_FAST") == "1" or "--fast" in sys.argv[1:]
EPOCHS = 15 if FAST else 120
SEQ = 10  # T, characters per window

sentence = (
    "if you want to build a ship, don't drum up people together to collect wood and don't "
    "assign them tasks and work, but rather teach them to long for the endless immensity of the sea."
)
chars = sorted(set(sentence))
index = {c: i for i, c in enumerate(chars)}
C = len(chars)  # one-hot width: F = O = C

ids = torch.tensor([index[c] for c in sentence])
windows = ids.unfold(0, SEQ + 1, 1)  # (N, T + 1): each window and its next character
x = nn.functional.one_hot(windows[:, :-1], C).float()  # (N, T, C)
y = windows[:, 1:]  # (N, T): the character after each step


class CharRNN(nn.Module):
    def __init__(self, n_chars: int, hidden: int, layers: int = 2) -> None:
        super().__init__()
        self.rnn = nn.RNN(n_chars, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, n_chars)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (N, T, H)
        return self.head(out)  # (N, T, C) logits for the next character


torch.set_num_threads(1)  # a model this small trains fastest on one thread
torch.manual_seed(0)
model = CharRNN(C, hidden=64)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
print(
    f"{len(sentence)} characters, {C} distinct; x {tuple(x.shape)} (N windows, T={SEQ}, C one-hot), "
    f"y {tuple(y.shape)}; {sum(p.numel() for p in model.parameters())} parameters"
)
print(f"target:            {sentence[1:]}")


def decode(logits: torch.Tensor) -> str:
    best = logits.argmax(-1)  # (N, T)
    # the first window's predictions, then the last prediction of every later window
    return "".join(chars[i] for i in best[0].tolist() + best[1:, -1].tolist())


first = None
for epoch in range(1, EPOCHS + 1):
    logits = model(x)
    loss = loss_fn(logits.reshape(-1, C), y.reshape(-1))  # (N*T, C) vs (N*T,)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    first = loss.item() if first is None else first
    if epoch == 1 or epoch % (5 if FAST else 20) == 0 or epoch == EPOCHS:
        print(f"epoch {epoch:>3} loss {loss.item():.3f}: {decode(logits.detach())}")

with torch.no_grad():
    predicted = decode(model(x))
accuracy = sum(p == t for p, t in zip(predicted, sentence[1:], strict=False)) / (len(sentence) - 1)
print(f"loss fell from {first:.3f} to {loss.item():.3f}; next-character accuracy {accuracy:.1%}")
