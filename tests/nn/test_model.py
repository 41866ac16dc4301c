"""tsrnn.nn.model: shapes, padding, input checks, parameter counts, the highway, the window scale and the
linear part (the configs are tested in tests/base/test_config.py)."""

from __future__ import annotations

import pytest
import torch

from tsrnn.app.shapes import format_shapes, trace_shapes
from tsrnn.base.config import ModelConfig
from tsrnn.data.generate import sine_wave, to_batch
from tsrnn.nn.model import ForwardResult, RNNForecaster

CHARS = "helo"  # one-hot positions of h, e, l, o


def one_hot(words: list[str]) -> torch.Tensor:
    """(B, T, 4) one-hot batch over the characters h, e, l, o."""
    index = torch.tensor([[CHARS.index(c) for c in w] for w in words])
    return torch.nn.functional.one_hot(index, num_classes=len(CHARS)).to(torch.float32)


def make_model(seed: int = 0, **kwargs) -> RNNForecaster:
    torch.manual_seed(seed)
    return RNNForecaster(ModelConfig(**kwargs)).eval()


# -- the tutorial shapes --------------------------------------------------------------------------------
def test_one_feature_sine_shapes():
    model = make_model(input_size=1, hidden_size=10, num_layers=2)
    x = to_batch(sine_wave(20, 1))  # (1, 20, 1)
    r = model(x, return_states=True)
    assert isinstance(r, ForwardResult)
    assert r.output.shape == (1, 20, 10)
    assert r.h_n.shape == (2, 1, 10)
    assert r.c_n is None
    assert r.prediction.shape == (1, 1, 1)


def test_three_feature_sine_shapes():
    model = make_model(input_size=3, hidden_size=15, num_layers=2)
    r = model(to_batch(sine_wave(20, 3)), return_states=True)
    assert r.output.shape == (1, 20, 15)
    assert r.h_n.shape == (2, 1, 15)
    assert r.prediction.shape == (1, 1, 3)  # output_size defaults to input_size


def test_hello_batch_shapes():
    x = one_hot(["hello", "eolll", "lleel"])
    assert x.shape == (3, 5, 4)
    assert x[0, 0].tolist() == [1.0, 0.0, 0.0, 0.0]  # 'h'
    assert x[1, 1].tolist() == [0.0, 0.0, 0.0, 1.0]  # 'o'
    model = make_model(input_size=4, hidden_size=2, num_layers=1)
    r = model(x, return_states=True)
    assert r.output.shape == (3, 5, 2)
    assert r.h_n.shape == (1, 3, 2)  # hidden state is never batch-first
    assert r.prediction.shape == (3, 1, 4)


def test_forward_without_states_returns_prediction_only():
    model = make_model(input_size=4, hidden_size=3)
    x = one_hot(["hello", "eolll"])
    pred = model(x)
    assert isinstance(pred, torch.Tensor)
    torch.testing.assert_close(pred, model(x, return_states=True).prediction)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_cell_state_only_for_lstm(cell):
    model = make_model(input_size=4, hidden_size=6, num_layers=3, cell=cell)
    r = model(one_hot(["hello", "eolll", "lleel"]), return_states=True)
    assert r.h_n.shape == (3, 3, 6)
    if cell == "lstm":
        assert r.c_n is not None and r.c_n.shape == r.h_n.shape
        assert not torch.equal(r.c_n, r.h_n)
    else:
        assert r.c_n is None


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_bidirectional_shapes(cell):
    model = make_model(input_size=4, hidden_size=5, num_layers=2, cell=cell, bidirectional=True)
    r = model(one_hot(["hello", "eolll", "lleel"]), return_states=True)
    assert r.output.shape == (3, 5, 10)  # (B, T, D*H)
    assert r.h_n.shape == (4, 3, 5)  # (L*D, B, H)
    assert r.prediction.shape == (3, 1, 4)
    # the last layer's forward state is the output at the last step, its backward state the output at step 0
    torch.testing.assert_close(r.h_n[-2], r.output[:, -1, :5])
    torch.testing.assert_close(r.h_n[-1], r.output[:, 0, 5:])


def test_multi_step_head_shape():
    model = make_model(input_size=3, hidden_size=7, horizon=4, output_size=2)
    r = model(torch.randn(6, 12, 3), return_states=True)
    assert r.prediction.shape == (6, 4, 2)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_head_reads_last_layer_final_state(bidirectional):
    model = make_model(
        input_size=3, hidden_size=4, num_layers=2, horizon=2, output_size=3, bidirectional=bidirectional
    )
    x = torch.randn(5, 9, 3)
    r = model(x, return_states=True)
    last = torch.cat([r.h_n[-2], r.h_n[-1]], dim=1) if bidirectional else r.h_n[-1]  # (B, D*H)
    torch.testing.assert_close(r.prediction, model.head(last).view(5, 2, 3))
    if not bidirectional:
        torch.testing.assert_close(r.h_n[-1], r.output[:, -1])


# -- padding ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padding_never_changes_a_result(cell, bidirectional):
    lengths = [5, 3, 4]
    x = one_hot(["hello", "eolll", "lleel"])
    generator = torch.Generator().manual_seed(1)
    for i, n in enumerate(lengths):
        x[i, n:] = torch.randn(5 - n, 4, generator=generator) * 100  # garbage in the padding
    model = make_model(
        input_size=4, hidden_size=3, num_layers=2, cell=cell, bidirectional=bidirectional, horizon=2
    )
    r = model(x, lengths=lengths, return_states=True)
    for i, n in enumerate(lengths):
        alone = model(x[i : i + 1, :n], return_states=True)  # the example by itself, unpadded
        torch.testing.assert_close(r.prediction[i : i + 1], alone.prediction, atol=1e-6, rtol=0)
        torch.testing.assert_close(r.h_n[:, i : i + 1], alone.h_n, atol=1e-6, rtol=0)
        torch.testing.assert_close(r.output[i : i + 1, :n], alone.output, atol=1e-6, rtol=0)
        if cell == "lstm":
            torch.testing.assert_close(r.c_n[:, i : i + 1], alone.c_n, atol=1e-6, rtol=0)
        assert torch.count_nonzero(r.output[i, n:]) == 0  # zero past the real length
    assert r.output.shape == (3, 5, 3 * (2 if bidirectional else 1))


def test_lengths_accept_a_tensor():
    model = make_model(input_size=4, hidden_size=3)
    x = one_hot(["hello", "eolll", "lleel"])
    torch.testing.assert_close(model(x, lengths=torch.tensor([5, 3, 4])), model(x, lengths=[5, 3, 4]))
    torch.testing.assert_close(model(x, lengths=[5, 5, 5]), model(x))


# -- input checks ----------------------------------------------------------------------------------------
def test_wrong_feature_count():
    model = make_model(input_size=3, hidden_size=4)
    with pytest.raises(ValueError, match=r"F = input_size = 3, got shape \(1, 20, 2\)"):
        model(torch.zeros(1, 20, 2))
    with pytest.raises(ValueError, match=r"input_size = 3, got shape \(20, 3\)"):
        model(torch.zeros(20, 3))


def test_input_checks():
    model = make_model(input_size=3, hidden_size=4)
    with pytest.raises(TypeError, match=r"x must be a torch\.Tensor of shape \(B, T, F\), got ndarray"):
        model(sine_wave(20, 3)[None])
    with pytest.raises(ValueError, match=r"x must have at least one time step, got shape \(2, 0, 3\)"):
        model(torch.zeros(2, 0, 3))


@pytest.mark.parametrize(
    "lengths, match",
    [
        ([5, 3], r"lengths must have one entry per example, shape \(3,\), got shape \(2,\)"),
        ([[5, 3, 4]], r"lengths must have one entry per example, shape \(3,\), got shape \(1, 3\)"),
        ([0, 3, 4], r"lengths must lie in \[1, T=5\], got \[0, 3, 4\]"),
        ([5, 6, 4], r"lengths must lie in \[1, T=5\], got \[5, 6, 4\]"),
    ],
)
def test_bad_lengths(lengths, match):
    model = make_model(input_size=4, hidden_size=3)
    with pytest.raises(ValueError, match=match):
        model(one_hot(["hello", "eolll", "lleel"]), lengths=lengths)


# -- dropout has an effect -------------------------------------------------------------------------------
def test_dropout_acts_in_training_only():
    model = make_model(input_size=3, hidden_size=16, num_layers=2, dropout=0.5)
    x = torch.randn(4, 10, 3)
    torch.testing.assert_close(model(x), model(x))  # eval: deterministic
    model.train()
    torch.manual_seed(1)
    a = model(x)
    b = model(x)
    assert not torch.allclose(a, b)


# -- parameter count -------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell, gates", [("rnn", 1), ("lstm", 4), ("gru", 3)])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_parameter_count_matches_formula(cell, gates, bidirectional):
    F, H, L, K, O = 3, 15, 2, 4, 2
    D = 2 if bidirectional else 1
    model = make_model(
        input_size=F,
        hidden_size=H,
        num_layers=L,
        cell=cell,
        bidirectional=bidirectional,
        horizon=K,
        output_size=O,
    )
    expected = 0
    for layer in range(L):
        n_in = F if layer == 0 else D * H
        expected += D * gates * (H * (n_in + H) + 2 * H)  # W_ih, W_hh, b_ih, b_hh per direction
    expected += (D * H) * (K * O) + K * O  # the linear head
    assert model.n_parameters() == expected


def test_rnn_parameter_count_by_hand():
    # 1 feature, 10 hidden, 2 layers, one step of one output: the tutorial model
    model = make_model(input_size=1, hidden_size=10, num_layers=2)
    layer0 = 10 * (1 + 10) + 2 * 10
    layer1 = 10 * (10 + 10) + 2 * 10
    head = 10 * 1 + 1
    assert model.n_parameters() == layer0 + layer1 + head == 361


# -- trace_shapes ---------------------------------------------------------------------------------------
def test_trace_shapes_reports_every_boundary():
    model = make_model(input_size=3, hidden_size=15, num_layers=2, cell="lstm", horizon=2)
    rows = trace_shapes(model, torch.randn(8, 20, 3))
    table = {r["name"]: (r["shape"], r["dims"]) for r in rows}
    assert table == {
        "input": ((8, 20, 3), "(B, T, F)"),
        "rnn output": ((8, 20, 15), "(B, T, D*H)"),
        "h_n": ((2, 8, 15), "(L*D, B, H)"),
        "c_n": ((2, 8, 15), "(L*D, B, H)"),
        "prediction": ((8, 2, 3), "(B, K, O)"),
    }
    text = format_shapes(rows)
    assert len(text.splitlines()) == 5
    assert "(2, 8, 15)" in text and "not batch-first" in text
    assert "c_n" not in {r["name"] for r in trace_shapes(make_model(input_size=3), torch.randn(1, 4, 3))}


# -- ModelConfig -----------------------------------------------------------------------------------------


# -- TrainConfig -----------------------------------------------------------------------------------------


# -- the linear highway ------------------------------------------------------------------------------------
def test_highway_adds_each_targets_own_lags():
    model = make_model(input_size=3, hidden_size=4, horizon=2, output_size=2, targets=(2, 0), highway=5)
    assert model.highway.weight.shape == (2, 2, 5) and model.highway.bias.shape == (2, 2)
    assert not model.highway.weight.any() and not model.highway.bias.any()  # starts as the network alone
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()
        model.highway.weight[0, :, -1] = 1.0  # step 1: each target's last value
        model.highway.weight[1, :, 0] = 2.0  # step 2: twice its value 5 steps back
        model.highway.bias[1] = torch.tensor([0.5, -0.5])
    x = torch.randn(4, 7, 3)
    y = model(x)
    torch.testing.assert_close(y[:, 0], x[:, -1, [2, 0]])
    torch.testing.assert_close(y[:, 1], 2 * x[:, -5, [2, 0]] + torch.tensor([0.5, -0.5]))
    assert (
        model.n_parameters()
        == make_model(input_size=3, hidden_size=4, horizon=2, output_size=2).n_parameters()
        + 2 * 2 * 5
        + 2 * 2
    )


@pytest.mark.parametrize("loss", ["mse", "gaussian", "quantile"])
def test_highway_with_padding_and_carried_state(loss):
    model = make_model(input_size=2, hidden_size=3, horizon=2, highway=3, loss=loss)
    with torch.no_grad():
        model.highway.weight.normal_()
        model.highway.bias.normal_()
    x = torch.randn(3, 6, 2)
    lengths = [6, 4, 5]
    padded = model(x, lengths=lengths, distribution=True)
    for i, n in enumerate(lengths):  # each example's own last 3 real steps feed the highway
        torch.testing.assert_close(
            padded[i : i + 1], model(x[i : i + 1, :n], distribution=True), atol=1e-6, rtol=0
        )
    # streaming: one new step from the carried state, with the last 3 inputs given as lags
    first = model(x[:, :5], return_states=True)
    step = model(x[:, 5:], hx=first.h_n, lags=x[:, 3:], distribution=True)
    torch.testing.assert_close(step, model(x, distribution=True), atol=1e-6, rtol=0)


def test_highway_shifts_only_the_location_of_a_distribution():
    model = make_model(input_size=1, hidden_size=3, horizon=1, highway=2, loss="gaussian")
    x = torch.randn(5, 4, 1)
    before = model(x, distribution=True)  # (B, K, O, 2): mean, scale
    with torch.no_grad():
        model.highway.bias.fill_(3.0)
    after = model(x, distribution=True)
    torch.testing.assert_close(after[..., 0], before[..., 0] + 3.0)
    torch.testing.assert_close(after[..., 1], before[..., 1])


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda m, x: m(x[:, :2]),
            r"the linear highway reads the last highway=3 steps, so every input needs at least 3 "
            r"steps; got x of shape \(2, 2, 2\)",
        ),
        (lambda m, x: m(x, lengths=[5, 2]), r"and lengths as short as 2"),
        (
            lambda m, x: m(x, lags=x[:, -2:]),
            r"lags must be a tensor of shape \(B, highway, F\) = \(2, 3, 2\), got \(2, 2, 2\)",
        ),
        (
            lambda m, x: make_model(input_size=2, hidden_size=3)(x, lags=x[:, -3:]),
            r"this model has none \(highway=0\)",
        ),
        (
            lambda m, x: make_model(input_size=2, hidden_size=3, highway=3, relative=True)(x, lags=x[:, -3:]),
            r"lags cannot be given to a relative model",
        ),
    ],
)
def test_highway_input_checks(call, match):
    model = make_model(input_size=2, hidden_size=3, highway=3)
    with pytest.raises(ValueError, match=match):
        call(model, torch.randn(2, 5, 2))


def test_highway_config():
    assert ModelConfig(input_size=3).highway == 0  # configs written before the highway load unchanged
    with pytest.raises(ValueError, match=r"highway must be an integer >= 0, got -1"):
        ModelConfig(input_size=3, highway=-1)
    assert ModelConfig.from_json(ModelConfig(input_size=3, highway=7).to_json()).highway == 7


# -- a window read in its own scale ---------------------------------------------------------------------------
def _scaled_model(**kw) -> RNNForecaster:
    torch.manual_seed(0)
    config = dict(
        input_size=2,
        hidden_size=6,
        horizon=3,
        output_size=1,
        targets=(0,),
        relative=True,
        highway=4,
        window_scale=True,
    )
    return RNNForecaster(ModelConfig(**{**config, **kw})).eval()


def test_window_scale_reads_each_window_in_its_own_scale():
    model = _scaled_model()
    torch.manual_seed(1)
    x = torch.randn(5, 8, 2)  # (B, T, F): target 0, a covariate 1
    inputs, level, scale = model.relative_inputs(x)
    expected = (x[:, 1:, :1] - x[:, :-1, :1]).abs().mean(1, keepdim=True).clamp_min(0.05)
    torch.testing.assert_close(scale, expected)
    torch.testing.assert_close(inputs[..., :1], (x[..., :1] - x[:, -1:, :1]) / expected)
    torch.testing.assert_close(inputs[..., 1:], x[..., 1:])  # the covariate as it is
    # the forecast's change from the last value grows with the window's changes: 10x wider swings, 10x the change
    wide = x.clone()
    wide[..., :1] = x[:, -1:, :1] + 10 * (x[..., :1] - x[:, -1:, :1])
    with torch.no_grad():
        torch.testing.assert_close(model(wide) - level, 10 * (model(x) - level), rtol=1e-4, atol=1e-5)
    flat = torch.zeros(1, 8, 2)  # a flat window: the floor keeps the scale finite
    assert model.relative_inputs(flat)[2].item() == pytest.approx(0.05) and torch.isfinite(model(flat)).all()


def test_window_scale_with_lengths_reads_only_the_real_steps():
    model = _scaled_model()
    torch.manual_seed(2)
    x = torch.randn(2, 8, 2)
    padded = torch.cat([x[:, :6], torch.full((2, 2, 2), 99.0)], dim=1)  # the last two steps are padding
    with torch.no_grad():
        torch.testing.assert_close(model(padded, lengths=[6, 6]), model(x[:, :6]))


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(relative=False), "needs relative=True and a point forecast"),
        (dict(loss="gaussian"), "needs relative=True and a point forecast"),
        (dict(window_scale="yes"), "window_scale must be True or False"),
    ],
)
def test_window_scale_needs_relative_point_forecasts(kw, message):
    with pytest.raises((ValueError, TypeError), match=message):
        _scaled_model(**kw)


# -- the linear part alone (the network's share in the fit report) ------------------------------------------
@pytest.mark.parametrize(
    "kw",
    [
        dict(highway=3),
        dict(highway=3, relative=True),
        dict(highway=3, relative=True, window_scale=True),
        dict(relative=True),  # no highway: the window's level alone
        dict(),  # neither: zero
    ],
)
def test_linear_part_is_the_forward_with_the_recurrent_branch_zeroed(kw):
    model = make_model(input_size=2, hidden_size=4, horizon=2, output_size=1, targets=(0,), **kw)
    with torch.no_grad():
        if model.highway is not None:
            model.highway.weight.normal_()
            model.highway.bias.normal_()
    x = torch.randn(5, 6, 2)
    with torch.no_grad():
        full = model(x)
    linear = model.linear_part(x)
    assert linear.shape == (5, 2, 1)
    assert not torch.allclose(full, linear)  # the recurrent branch adds something ...
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()
        torch.testing.assert_close(model(x), linear)  # ... and with it zeroed, forward is the linear part
    if not kw:
        assert not linear.any()
    if kw == dict(relative=True):
        torch.testing.assert_close(linear, x[:, -1:, :1].expand(5, 2, 1))  # the last value, every step


def test_linear_part_of_a_distribution_is_its_location_without_the_head():
    model = make_model(input_size=1, hidden_size=3, horizon=2, highway=2, loss="quantile", relative=True)
    x = torch.randn(4, 5, 1)
    with torch.no_grad():
        model.highway.bias.fill_(0.5)
    expected = x[:, -1:, :] + 0.5  # level + the highway's bias (its weights start at zero)
    torch.testing.assert_close(model.linear_part(x), expected.expand(4, 2, 1))
    with pytest.raises(ValueError, match=r"x must have shape \(B, T, F\) with F = input_size = 1"):
        model.linear_part(torch.randn(4, 5, 2))
