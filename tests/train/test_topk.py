"""tsrnn.train.topk: the epochs with the lowest validation losses, their weights and their mean."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from tsrnn.train.topk import TopK, clone_weights


def _model(value: float) -> nn.Module:
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(value)
        model.bias.fill_(-value)
    return model


def test_the_lowest_scores_are_kept_best_first_and_a_tie_keeps_the_earlier_epoch():
    top = TopK(2)
    for epoch, score in enumerate([0.5, 0.3, 0.4, 0.3, 0.9], start=1):
        top.offer(score, epoch, _model(float(epoch)))
    assert top.epochs == [2, 4]
    assert [score for score, _, _ in top.kept] == [0.3, 0.3]


def test_the_weights_are_the_mean_of_the_kept_epochs():
    top = TopK(3)
    for epoch in (1, 2, 3):
        top.offer(float(epoch), epoch, _model(float(epoch)))
    averaged = top.weights()
    assert averaged["weight"].item() == 2.0 and averaged["bias"].item() == -2.0


def test_kept_weights_are_copies_that_later_steps_do_not_change():
    model = _model(1.0)
    top = TopK(1)
    top.offer(0.1, 1, model)
    with torch.no_grad():
        model.weight.fill_(7.0)
    assert top.weights()["weight"].item() == 1.0
    copy = clone_weights(model.state_dict())
    assert copy["weight"].data_ptr() != model.weight.data_ptr()


def test_named_epochs_are_kept_whatever_their_score():
    top = TopK(2)
    for epoch in (2, 4, 5):
        top.add(10.0 * epoch, epoch, _model(float(epoch)))
    assert top.epochs == [2, 4, 5]
    assert top.weights()["weight"].item() == pytest.approx((2 + 4 + 5) / 3)
