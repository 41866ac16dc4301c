"""describe_shapes / trace_shapes: a real forward pass, every tensor's shape with named dimensions."""

from __future__ import annotations

import json

import pytest
import torch

import tsrnn
from tsrnn.app.shapes import describe_shapes, format_shapes, trace_shapes
from tsrnn.nn.model import RNNForecaster

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def test_the_sine_tutorial_shapes():
    r = describe_shapes(features=1, hidden=10, layers=2, seq=20, cell="rnn")  # the tutorial's nn.RNN
    assert r.shape("input") == (1, 20, 1)
    assert r.shape("rnn output") == (1, 20, 10)
    assert r.shape("h_n") == (2, 1, 10)
    assert r.shape("layer 0 output") == (1, 20, 10)
    assert r.shape("head input") == (1, 10)
    assert r.shape("prediction") == (1, 1, 1)
    names = [row["name"] for row in r.tensors]
    assert "c_n" not in names


def test_three_features_and_hidden_15():
    r = tsrnn.describe_shapes(features=3, hidden=15, cell="rnn")
    assert r.shape("input") == (1, 20, 3)
    assert r.shape("rnn output") == (1, 20, 15) and r.shape("h_n") == (2, 1, 15)
    assert r.shape("prediction") == (1, 1, 3)
    assert r.total_parameters == 828  # the RNN and its head, as the model guide (docs/guide/model.md) says


def test_parameters_per_layer_of_the_tutorial():
    r = describe_shapes(features=1, hidden=10, layers=2, cell="rnn")
    counts = {p["layer"]: p["count"] for p in r.parameters}
    assert counts == {
        "rnn layer 0": 10 * 1 + 10 * 10 + 10 + 10,
        "rnn layer 1": 10 * 10 + 10 * 10 + 20,
        "head (linear)": 10 + 1,
    }
    assert r.total_parameters == 361
    assert r.parameters[0]["tensors"] == {
        "weight_ih": (10, 1),
        "weight_hh": (10, 10),
        "bias_ih": (10,),
        "bias_hh": (10,),
    }


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_every_cell_and_direction(cell, bidirectional):
    F, H, L, T, B, K = 3, 6, 3, 7, 4, 2
    D = 2 if bidirectional else 1
    r = describe_shapes(
        features=F, hidden=H, layers=L, seq=T, batch=B, cell=cell, bidirectional=bidirectional, horizon=K
    )
    assert r.shape("input") == (B, T, F)
    assert r.shape("layer 0 output") == r.shape("layer 1 output") == (B, T, D * H)
    assert r.shape("rnn output") == (B, T, D * H)
    assert r.shape("h_n") == (L * D, B, H)
    assert r.shape("head input") == (B, D * H)
    assert r.shape("prediction") == (B, K, F)
    if cell == "lstm":
        assert r.shape("c_n") == (L * D, B, H)
    else:
        with pytest.raises(KeyError, match="no tensor named 'c_n'"):
            r.shape("c_n")
    g = GATES[cell]
    expected = [g * H * (F + H + 2) * D] + [g * H * (D * H + H + 2) * D] * (L - 1) + [D * H * K * F + K * F]
    assert [p["count"] for p in r.parameters] == expected
    assert r.total_parameters == sum(expected)


def test_dimensions_are_named_with_their_sizes():
    r = describe_shapes(features=3, hidden=15, layers=2, seq=20, bidirectional=True)
    named = {row["name"]: row["named"] for row in r.tensors}
    assert named["input"] == "B=1, T=20, F=3"
    assert named["rnn output"] == "B=1, T=20, D*H=2*15"
    assert named["h_n"] == "L*D=2*2, B=1, H=15"
    dims = {row["name"]: row["dims"] for row in r.tensors}
    assert dims["h_n"] == "(L*D, B, H)" and dims["prediction"] == "(B, K, O)"


def test_the_batch_is_consecutive_sine_windows():
    r = describe_shapes(features=2, seq=5, batch=1)
    assert r.shape("input") == (1, 5, 2)
    # batch 1 is the tutorial's sine_wave itself; checked through a trace of the same input
    model = RNNForecaster(tsrnn.ModelConfig(input_size=2, hidden_size=4))
    x = tsrnn.to_batch(tsrnn.sine_wave(5, 2))
    assert trace_shapes(model, x)[0]["shape"] == (1, 5, 2)


def test_text_report_says_batch_first_does_not_apply_to_the_hidden_state():
    text = str(describe_shapes(features=1, hidden=10, layers=2, seq=20, cell="lstm"))
    assert "batch_first=True applies to the input and the RNN output only" in text
    assert "(L*D, B, H)" in text and "not batch-first" in text
    assert "(1, 20, 10)" in text and "(2, 1, 10)" in text
    assert "parameters: " in text and "lstm layer 1" in text
    assert "4 gates (input, forget, cell, output)" in text
    assert text.splitlines()[0].startswith("LSTM: 2 layers x 10 hidden, 1 direction")


def test_report_round_trips_through_json():
    d = json.loads(json.dumps(describe_shapes(cell="gru").to_dict()))
    rows = {row["name"]: row for row in d["tensors"]}
    assert rows["h_n"]["shape"] == [2, 1, 15]
    assert d["settings"]["cell"] == "gru" and d["total_parameters"] == sum(
        p["count"] for p in d["parameters"]
    )
    assert "batch_first" in d["note"]


def test_describe_shapes_leaves_the_global_random_state_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    describe_shapes(seed=123)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"hidden": 0}, ValueError, "hidden must be an integer >= 1, got 0"),
        ({"features": 2.5}, TypeError, "features must be an integer >= 1, got 2.5"),
        ({"seq": -1}, ValueError, "seq must be an integer >= 1, got -1"),
        ({"cell": "transformer"}, ValueError, "cell must be one of 'rnn', 'lstm', 'gru', got 'transformer'"),
        ({"bidirectional": "yes"}, TypeError, "bidirectional must be True or False, got 'yes'"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        describe_shapes(**kwargs)


def test_trace_shapes_without_per_layer_keeps_its_rows_and_table():
    model = RNNForecaster(tsrnn.ModelConfig(input_size=2, hidden_size=6, num_layers=2))
    rows = trace_shapes(model, torch.zeros(64, 10, 2))
    assert [r["name"] for r in rows] == ["input", "rnn output", "h_n", "prediction"]
    table = format_shapes(rows)
    assert "(64, 10, 2)" in table and "(2, 64, 6)" in table and "B=64" not in table
    named = format_shapes(rows, named=True, header=True)
    assert named.splitlines()[0].split() == ["tensor", "shape", "dims", "sizes", "meaning"]
    assert "L*D=2*1, B=64, H=6" in named
