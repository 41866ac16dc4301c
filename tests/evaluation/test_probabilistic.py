"""Probabilistic heads, their losses, Monte-Carlo paths, units, calibration and model files."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import wide
from torch.nn import functional as F

import tsrnn
from tsrnn import DataError, Forecaster, ModelConfig, RNNForecaster, TsrnnError, multi_sine
from tsrnn.data.windows import make_windows
from tsrnn.estimator import rollout
from tsrnn.evaluation.probabilistic import (
    crps_gaussian,
    crps_samples,
    intervals,
    sample_paths,
)
from tsrnn.nn.heads import SCALE_FLOOR, gaussian_nll, pinball
from tsrnn.train.loop import train

LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


def make(loss: str, **kw) -> RNNForecaster:
    return RNNForecaster(ModelConfig(input_size=3, hidden_size=6, num_layers=2, loss=loss, **kw)).eval()


@pytest.fixture(scope="module")
def noisy() -> pd.DataFrame:
    return multi_sine(3000, 2, noise=0.2, seed=0)


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return multi_sine(400, 2, noise=0.2, seed=0)


@pytest.fixture(scope="module")
def fitted(small) -> dict[str, Forecaster]:
    common = dict(hidden=8, layers=1, window=10, epochs=3, seed=0)
    return {
        "gaussian": Forecaster(loss="gaussian", horizon=2, **common).fit(small[:320], progress=False),
        "quantile": Forecaster(loss="quantile", quantiles=LEVELS, horizon=2, **common).fit(
            small[:320], progress=False
        ),
        "recursive": Forecaster(loss="gaussian", strategy="recursive", horizon=3, samples=40, **common).fit(
            small[:320], progress=False
        ),
    }


# -- config -----------------------------------------------------------------------------------------------
def test_config_defaults_and_json_round_trip():
    assert ModelConfig(input_size=2).loss == "mse" and ModelConfig(input_size=2).quantiles is None
    assert ModelConfig(input_size=2, loss="gaussian").quantiles == (0.1, 0.5, 0.9)
    c = ModelConfig(
        input_size=2, loss="quantile", quantiles=[0.2, 0.5, 0.8]
    )  # a list (as JSON gives) is kept as a tuple
    assert c.quantiles == (0.2, 0.5, 0.8)
    assert ModelConfig.from_json(c.to_json()) == c and ModelConfig.from_dict(c.to_dict()) == c


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            {"loss": "laplace"},
            ValueError,
            r"loss must be one of 'mse', 'gaussian', 'quantile', got 'laplace'",
        ),
        (
            {"quantiles": (0.5,)},
            ValueError,
            r"quantiles are used with loss='gaussian' or 'quantile', not loss='mse'",
        ),
        ({"loss": "quantile", "quantiles": ()}, ValueError, r"quantiles must hold at least one level"),
        ({"loss": "quantile", "quantiles": (0.9, 0.1)}, ValueError, r"sorted and unique, got \[0\.9, 0\.1\]"),
        ({"loss": "quantile", "quantiles": (0.5, 0.5)}, ValueError, r"sorted and unique"),
        (
            {"loss": "quantile", "quantiles": (0.0, 0.5)},
            ValueError,
            r"quantiles\[0\] must be a finite number in \(0\.0, 1\.0\)",
        ),
        (
            {"loss": "gaussian", "quantiles": (0.5, 1.0)},
            ValueError,
            r"quantiles\[1\] must be a finite number",
        ),
        ({"loss": "quantile", "quantiles": 0.5}, TypeError, r"quantiles must be a sequence of levels"),
    ],
)
def test_config_checks(kwargs, error, match):
    with pytest.raises(error, match=match):
        ModelConfig(input_size=2, **kwargs)


def test_forecaster_checks_its_parameters_at_fit(small):
    with pytest.raises(ValueError, match="samples must be an integer >= 1, got 0"):
        Forecaster(loss="gaussian", samples=0, epochs=1).fit(small)
    with pytest.raises(ValueError, match="not loss='mse'"):
        Forecaster(quantiles=(0.1, 0.9), epochs=1).fit(small)


# -- heads --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss, P", [("mse", 1), ("gaussian", 2), ("quantile", 5)])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_head_shapes(loss, P, cell):
    net = RNNForecaster(
        ModelConfig(
            input_size=3,
            hidden_size=6,
            cell=cell,
            horizon=4,
            output_size=2,
            loss=loss,
            quantiles=LEVELS if loss == "quantile" else None,
        )
    ).eval()
    x = torch.randn(5, 7, 3)
    assert net.head.out_features == 4 * 2 * P  # K * O * P
    assert net(x).shape == (5, 4, 2)  # the point forecast for every loss
    assert net(x, return_states=True).prediction.shape == (5, 4, 2)
    params = net(x, distribution=True)
    assert params.shape == ((5, 4, 2) if loss == "mse" else (5, 4, 2, P))
    lengths = torch.tensor([7, 3, 5, 1, 7])
    assert net(x, lengths=lengths, distribution=True).shape == params.shape


@pytest.mark.parametrize("seed", range(5))
def test_quantiles_never_cross_and_scales_stay_positive_under_random_weights(seed):
    torch.manual_seed(seed)
    q, g = make("quantile", quantiles=LEVELS), make("gaussian")
    for net in (q, g):
        with torch.no_grad():
            for p in net.parameters():
                p.normal_(0.0, 5.0)  # wild weights: big, mixed-sign raw outputs
    x = torch.randn(64, 9, 3) * 3
    quantiles = q(x, distribution=True)  # (B, K, O, Q)
    assert (quantiles.diff(dim=-1) >= 0).all()
    assert (g(x, distribution=True)[..., 1] >= SCALE_FLOOR).all()


def test_point_forecast_is_the_mean_or_the_median():
    torch.manual_seed(0)
    x = torch.randn(4, 6, 3)
    g = make("gaussian")
    assert torch.equal(g(x), g(x, distribution=True)[..., 0])
    q = make("quantile", quantiles=(0.1, 0.5, 0.9))
    assert torch.equal(q(x), q(x, distribution=True)[..., 1])
    between = make("quantile", quantiles=(0.1, 0.4, 0.6, 0.9))  # no 0.5 level: halfway between 0.4 and 0.6
    params = between(x, distribution=True)
    torch.testing.assert_close(between(x), (params[..., 1] + params[..., 2]) / 2)


def test_losses_on_hand_computed_cases():
    # pinball, levels 0.1 / 0.5 / 0.9, y = 2.5 against 1, 2, 3: 0.1*1.5, 0.5*0.5, 0.1*0.5 -> mean 0.15
    q, y = torch.tensor([[1.0, 2.0, 3.0]]), torch.tensor([2.5])
    assert pinball(q, y, (0.1, 0.5, 0.9)).item() == pytest.approx(0.15)
    assert pinball(q, y, (0.1, 0.5, 0.9), reduction="none").shape == (1,)
    # Gaussian NLL of y = 1 under N(0, 2^2): log 2 + 1/8 + log(2 pi) / 2
    nll = gaussian_nll(torch.tensor([0.0]), torch.tensor([2.0]), torch.tensor([1.0]))
    assert nll.item() == pytest.approx(math.log(2) + 0.125 + 0.5 * math.log(2 * math.pi), rel=1e-6)
    # the model's loss_fn: MSE exactly as F.mse_loss, and the heads' losses through their parameters
    torch.manual_seed(0)
    x, y = torch.randn(8, 5, 3), torch.randn(8, 1, 3)
    m = make("mse")
    assert torch.equal(m.loss_fn(m(x, distribution=True), y), F.mse_loss(m(x), y))
    g = make("gaussian")
    p = g(x, distribution=True)
    torch.testing.assert_close(g.loss_fn(p, y), gaussian_nll(p[..., 0], p[..., 1], y))
    torch.testing.assert_close(g.loss_fn(p, y, reduction="sum"), g.loss_fn(p, y) * y.numel())


def test_crps_on_hand_computed_cases():
    # samples 0 and 2 at y = 1: E|X - y| = 1, E|X - X'| = (0 + 2 + 2 + 0) / 4 = 1 -> 1 - 1/2
    assert crps_samples(np.array([0.0, 2.0]), np.array(1.0)) == pytest.approx(0.5)
    assert crps_gaussian(0.0, 1.0, 0.0) == pytest.approx(2 / math.sqrt(2 * math.pi) - 1 / math.sqrt(math.pi))
    draws = np.random.default_rng(0).normal(
        0.3, 2.0, size=(20000, 1)
    )  # many samples approach the closed form
    assert crps_samples(draws, np.array([1.0]))[0] == pytest.approx(crps_gaussian(0.3, 2.0, 1.0), rel=0.02)
    assert intervals((0.05, 0.1, 0.5, 0.9, 0.95)) == [(0, 4, 0.9), (1, 3, 0.8)]


def test_mse_training_is_exactly_the_plain_mse_loop():
    """A model without loss_fn is trained by F.mse_loss on model(x): the point head must match it bit for bit."""

    class Plain(torch.nn.Module):  # the same network, seen without its loss_fn
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(x)

    torch.manual_seed(0)
    X, Y = torch.randn(100, 8, 3), torch.randn(100, 1, 3)
    a = make("mse")
    b = Plain(make("mse"))
    b.inner.load_state_dict(a.state_dict())
    cfg = tsrnn.TrainConfig(epochs=3, batch_size=16, seed=1)
    ha, hb = train(a, X, Y, cfg, val_index=torch.arange(20)), train(b, X, Y, cfg, val_index=torch.arange(20))
    assert ha.train_loss == hb.train_loss and ha.val_loss == hb.val_loss
    assert all(
        torch.equal(p, q)
        for p, q in zip(a.state_dict().values(), b.inner.state_dict().values(), strict=False)
    )


# -- the estimator -----------------------------------------------------------------------------------------
def test_forecast_has_a_column_per_target_and_level(fitted, small):
    f = fitted["quantile"].forecast(2)  # one row per target and step, one column per level
    levels = ["tsrnn-q0.05", "tsrnn-q0.25", "tsrnn-q0.5", "tsrnn-q0.75", "tsrnn-q0.95"]
    assert list(f.columns) == ["unique_id", "ds", "tsrnn", *levels]
    assert list(f["unique_id"]) == ["f0", "f0", "f1", "f1"]
    assert (np.diff(f[levels].to_numpy(), axis=1) >= 0).all()
    np.testing.assert_allclose(f["tsrnn"], f["tsrnn-q0.5"])  # the point forecast is the median
    g = fitted["gaussian"].forecast(5)  # 2 from the head, 3 more from sample paths
    assert g.shape == (2 * 5, 3 + 3) and fitted["gaussian"].quantile_levels_ == (0.1, 0.5, 0.9)
    assert (g["tsrnn-q0.1"] <= g["tsrnn-q0.5"]).all() and (g["tsrnn-q0.5"] <= g["tsrnn-q0.9"]).all()


def test_point_models_are_unchanged(small):
    m = Forecaster(hidden=6, layers=1, window=10, epochs=2, seed=0).fit(small[:320], progress=False)
    assert list(m.forecast(3).columns) == ["unique_id", "ds", "tsrnn"] and m.quantile_levels_ is None
    result = m.backtest(small, start=330, stride=5)
    assert result.distribution is None and "calibration" not in result.overall()
    assert not any("_q" in c for c in result.frame().columns)
    with pytest.raises(TsrnnError, match="calibration needs a probabilistic model"):
        result.calibration()
    with pytest.raises(TsrnnError, match="predict_quantiles needs a probabilistic model"):
        m.predict_quantiles(small)


def test_gaussian_quantiles_are_in_the_data_units(fitted, small):
    """mean and scale come back as ``scale * value + mean`` and ``scale * sd``."""
    m = fitted["gaussian"]
    X = rollout.scaled(m, m.context_)[None]  # (1, W, F)
    with torch.inference_mode():
        p = m.model_(X, distribution=True)[0].numpy()  # (K, O, 2) scaled
    mean = p[..., 0] * m.scaler_.scale_ + m.scaler_.mean_
    sd = p[..., 1] * m.scaler_.scale_
    f = m.forecast(2)
    np.testing.assert_allclose(wide(f), mean, rtol=1e-5)
    np.testing.assert_allclose(wide(f, "tsrnn-q0.9"), mean + 1.2815516 * sd, rtol=1e-4)
    np.testing.assert_allclose(wide(f, "tsrnn-q0.1"), mean - 1.2815516 * sd, rtol=1e-4)


def test_rescaled_data_gives_rescaled_intervals(small):
    common = dict(hidden=6, layers=1, window=10, epochs=2, seed=0, loss="quantile")
    a = Forecaster(**common).fit(small[:320], progress=False).forecast(3)
    b = Forecaster(**common).fit(small[:320] * 1000.0 + 50.0, progress=False).forecast(3)
    numbers = ["tsrnn", "tsrnn-q0.1", "tsrnn-q0.5", "tsrnn-q0.9"]
    np.testing.assert_allclose(b[numbers], a[numbers] * 1000.0 + 50.0, rtol=2e-3, atol=1.0)


def test_sample_paths_are_seeded_and_vectorised(fitted, monkeypatch):
    m = fitted["recursive"]  # horizon 1 network: every step is one batched forward pass
    same = m.sample_paths(6, samples=50, seed=3)
    assert same.shape == (50, 6, 2)
    np.testing.assert_array_equal(same, m.sample_paths(6, samples=50, seed=3))
    assert not np.allclose(same, m.sample_paths(6, samples=50, seed=4))
    assert same.std(axis=0).min() > 0  # paths differ from each other
    batches = []
    forward = RNNForecaster.forward

    def spy(self, x, *args, **kwargs):
        batches.append(tuple(x.shape))
        return forward(self, x, *args, **kwargs)

    monkeypatch.setattr(RNNForecaster, "forward", spy)
    m.sample_paths(6, samples=50, seed=3)
    assert batches == [(50, 10, 2)] * 6  # one (samples * N, W, F) batch per step, not a loop per sample


def test_recursive_quantiles_come_from_the_head_then_the_paths(fitted, small):
    m = fitted["recursive"]
    q = m.predict_quantiles(small[300:], steps=6)  # (N, K, O, Q)
    assert q.shape == (100 - 10 + 1, 6, 2, 3)
    assert (np.diff(q, axis=-1) >= 0).all()
    X, _ = make_windows(rollout.scaled(m, small[300:].to_numpy()), 10, 0)  # (N, W, F) scaled
    with torch.inference_mode():
        p = m.model_(X, distribution=True)  # (N, 1, O, 2): the head gives step 1 itself
    np.testing.assert_allclose(q[:, 0, :, 1], rollout.unscale(m, p[..., 0])[:, 0], rtol=1e-5)
    paths = rollout.unscale(
        m, sample_paths(m.model_, X, 6, 40, m.seed, m.target_idx_)
    )  # (S, N, K, O), seeded
    expected = np.moveaxis(np.quantile(paths[:, :, 1:], (0.1, 0.5, 0.9), axis=0), 0, -1)
    np.testing.assert_allclose(q[:, 1:], expected, rtol=1e-4, atol=1e-5)  # later steps: the paths' quantiles
    result = m.backtest(small, start=330, stride=5, horizon=4)
    assert result.distribution.samples.shape[0] == 40  # the Forecaster's samples
    assert result.calibration()["crps"].notna().all()


def test_sample_paths_refuse_bad_requests(fitted, small):
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        fitted["gaussian"].sample_paths(0)
    covariate = Forecaster(hidden=4, layers=1, window=10, epochs=1, loss="gaussian", targets=["f0"])
    covariate.fit(small[:320], progress=False)
    with pytest.raises(DataError, match="beyond the network's horizon of 1"):
        covariate.sample_paths(3)
    assert covariate.forecast(1).shape == (1, 3 + 3)  # f0 and its three quantiles


def test_backtest_reports_calibration(fitted, small):
    result = fitted["quantile"].backtest(small, start=330, stride=5)
    table = result.calibration()
    assert list(table.columns) == ["coverage_90", "coverage_50", "pinball", "crps"]
    assert list(table.index) == [1, 2] and table["crps"].isna().all()  # a quantile head's own steps
    overall = result.overall()
    assert {"model", "naive", "skill", "n_windows"} <= set(overall)  # existing keys stay
    assert set(overall["calibration"]) >= {"levels", "coverage_90", "coverage_50", "pinball", "per_target"}
    frame = result.frame()
    assert {"model_q0.05", "model_q0.95"} <= set(frame.columns) and len(frame) == len(result.origins) * 2 * 2
    assert "calibration" in fitted["gaussian"].evaluate(small, start=330)


@pytest.mark.parametrize("loss", ["gaussian", "quantile"])
def test_the_80_percent_interval_covers_80_percent_of_noisy_sine(noisy, loss):
    # The noise is N(0, 0.2^2): the ideal forecast's 80% interval is the sine +- 1.28 * 0.2.  Measured
    # with seeds 0-4: coverage 0.78-0.84 per step; pinball 0.055-0.066 (ideal 0.05).
    m = Forecaster(hidden=12, layers=1, window=20, horizon=2, epochs=8, lr=1e-2, seed=0, loss=loss)
    result = m.fit(noisy[:2400], progress=False).backtest(noisy, start=2400)
    table = result.calibration()
    assert table["coverage_80"].between(0.72, 0.88).all(), table
    ideal = 0.2 * (2 * math.exp(-(1.2815516**2) / 2) + 1) / math.sqrt(2 * math.pi) / 3  # sd * mean phi(z)
    assert (table["pinball"] < 1.5 * ideal).all(), table


def test_monte_carlo_intervals_are_calibrated_too(noisy):
    m = Forecaster(
        hidden=12,
        layers=1,
        window=20,
        horizon=3,
        strategy="recursive",
        epochs=8,
        lr=1e-2,
        seed=0,
        loss="gaussian",
        samples=100,
    )
    table = m.fit(noisy[:2400], progress=False).backtest(noisy, start=2400, stride=2).calibration()
    assert table["coverage_80"].between(0.72, 0.88).all(), table  # steps 2 and 3 from sample paths


# -- model files --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["quantile", "recursive"])
def test_save_and_load_restore_the_head(fitted, small, tmp_path, name):
    m = fitted[name]
    m.save(tmp_path / name)
    again = Forecaster.load(tmp_path / name)
    assert again.model_.config == m.model_.config and again.model_.config.loss == m.loss
    assert again.get_params()["loss"] == m.loss and again.get_params()["samples"] == m.samples
    assert again.get_params()["quantiles"] == (None if m.quantiles is None else list(m.quantiles))
    pd.testing.assert_frame_equal(again.forecast(5), m.forecast(5))
    np.testing.assert_array_equal(again.predict_quantiles(small[300:]), m.predict_quantiles(small[300:]))
    np.testing.assert_array_equal(again.sample_paths(4, seed=1), m.sample_paths(4, seed=1))


def test_plot_draws_a_band_per_central_interval(fitted, small):
    from matplotlib.collections import PolyCollection

    f = fitted["quantile"].forecast(8)
    fig = fitted["quantile"].plot(small[280:320], f)
    bands = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert [b.get_label() for b in bands] == ["90% interval", "50% interval"]
    assert bands[0].get_alpha() < bands[1].get_alpha()  # the inner band is darker
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "90% interval" in legend and "50% interval" in legend


def test_loss_plot_goes_linear_for_a_negative_likelihood():
    from tsrnn import plot

    history = pd.DataFrame(
        {"epoch": [1, 2, 3], "train_loss": [0.4, -0.3, -0.6], "val_loss": [0.3, -0.2, -0.5]}
    )
    fig = plot.loss(history, ylabel="Gaussian NLL loss (scaled units)")
    assert fig.axes[0].get_yscale() == "linear" and fig.axes[0].get_ylabel().startswith("Gaussian NLL")
    assert (
        plot.loss(history.assign(train_loss=[3.0, 2.0, 1.0], val_loss=[3.0, 2.0, 1.5])).axes[0].get_yscale()
        == "log"
    )
