"""tsrnn.estimator.forecaster's training: reproducibility, learning, early stopping, scaling, predict,
forecast, evaluate and the scikit-learn contract."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import wide
from torch import nn
from torch.nn import functional as F

from tsrnn.base.errors import DataError, NotFittedError, TsrnnError
from tsrnn.data.generate import multi_sine
from tsrnn.data.windows import make_windows
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.evaluation.metrics import rmse
from tsrnn.train.forward import predict_windows

WINDOW = 10  # the window of the shared ``fitted`` fixture (conftest.py)
TINY = dict(
    hidden=8, layers=1, window=WINDOW, seed=0, cell="rnn", relative=False
)  # training mechanics, small


def final_val_loss(f: Forecaster, data) -> float:
    """Validation MSE (scaled units) of the model as it is now, on the windows fit() validated on."""
    values = np.asarray(data, dtype=np.float32).reshape(len(data), -1)
    train_end = len(values) - f.validation_steps(len(values))
    scaled = f.scaler_.transform(values)
    X, Y = make_windows(torch.from_numpy(scaled), f.window, f.horizon, f.target_idx_)
    val = slice(train_end - f.window, None)
    return float(F.mse_loss(predict_windows(f.model_, X[val]), Y[val]))


# -- reproducibility ---------------------------------------------------------------------------------------
def test_same_seed_gives_identical_losses_and_predictions(fit_frame):
    a = Forecaster(epochs=3, **TINY).fit(fit_frame)
    b = Forecaster(epochs=3, **TINY).fit(fit_frame)
    assert a.history_.train_loss == b.history_.train_loss  # bit-identical on CPU
    assert a.history_.val_loss == b.history_.val_loss
    np.testing.assert_array_equal(a.predict(fit_frame), b.predict(fit_frame))
    for (name, p), (_, q) in zip(a.model_.state_dict().items(), b.model_.state_dict().items(), strict=False):
        assert torch.equal(p, q), name


def test_different_seeds_differ(fit_frame):
    a = Forecaster(epochs=2, **TINY).fit(fit_frame)
    b = Forecaster(epochs=2, **{**TINY, "seed": 1}).fit(fit_frame)
    assert a.history_.train_loss != b.history_.train_loss
    assert not np.allclose(a.predict(fit_frame), b.predict(fit_frame))


def test_fit_returns_self_and_sets_learned_attributes(fit_frame):
    f = Forecaster(epochs=1, **TINY)
    assert not hasattr(f, "model_")  # __init__ only stores parameters
    assert f.fit(fit_frame) is f
    assert f.n_features_in_ == 2
    assert f.feature_names_in_ == ["f0", "f1"]
    assert f.target_names_ == ["f0", "f1"]
    assert f.model_.config.input_size == 2 and f.model_.config.output_size == 2
    assert not f.model_.training  # left in eval mode
    np.testing.assert_array_equal(f.context_, fit_frame.to_numpy()[-WINDOW:])


# -- learning ---------------------------------------------------------------------------------------------------
def test_learns_a_noiseless_sine_far_better_than_naive():
    df = multi_sine(600, 1, noise=0.0, seed=0)
    f = Forecaster(window=20, hidden=16, layers=1, epochs=30, lr=1e-2, seed=0).fit(df.iloc[:480])
    result = f.evaluate(df, start=480)  # the held-out last 120 steps
    assert result["n_windows"] == 120
    model, naive = result["model"]["rmse"], result["naive"]["rmse"]
    assert naive == pytest.approx(0.0897, abs=1e-3)
    assert model < 0.5 * naive
    assert model < 0.02  # measured about 0.004
    assert f.history_.train_loss[-1] < f.history_.train_loss[0] / 10


# -- early stopping and divergence ----------------------------------------------------------------------------
def test_restores_the_best_epoch_weights():
    df = multi_sine(300, 2, noise=0.3, seed=0)
    f = Forecaster(lr=0.05, patience=None, epochs=12, average_best=1, **TINY).fit(df)
    h = f.history_
    assert len(h.records) == 12 and h.stop_reason == "finished"
    val = h.val_loss
    assert h.best_epoch == 1 + int(np.argmin(val)) and h.averaged == [h.best_epoch]
    assert h.best_epoch < 12, "this setting should peak before the last epoch"
    assert final_val_loss(f, df) == pytest.approx(val[h.best_epoch - 1], rel=1e-5)
    assert final_val_loss(f, df) != pytest.approx(val[-1], rel=1e-3)


def test_patience_stops_early():
    df = multi_sine(300, 2, noise=0.3, seed=0)
    f = Forecaster(lr=0.05, patience=2, epochs=40, average_best=1, **TINY).fit(df)
    h = f.history_
    assert len(h.records) < 40
    assert len(h.records) == h.best_epoch + 2
    assert h.stop_reason.startswith("early stop")
    assert h.stop_reason == "early stop: no better validation loss for 2 epochs"
    assert final_val_loss(f, df) == pytest.approx(min(h.val_loss), rel=1e-5)


def test_without_validation_patience_never_stops(fit_frame):
    f = Forecaster(val_fraction=0.0, patience=1, epochs=4, lr=0.05, **TINY).fit(fit_frame)
    h = f.history_
    assert len(h.records) == 4 and h.stop_reason == "finished"
    assert h.val_loss == [None] * 4
    assert h.best_epoch == 1 + int(np.argmin(h.train_loss))


def test_history_records_and_frame(fitted):
    assert fitted.window == WINDOW
    h = fitted.history_
    assert [r["epoch"] for r in h.records] == [1, 2, 3, 4, 5]
    assert all(r["seconds"] >= 0 and math.isfinite(r["train_loss"]) for r in h.records)
    frame = h.to_frame()
    assert list(frame.columns) == ["epoch", "train_loss", "val_loss", "seconds"]
    assert frame["train_loss"].tolist() == h.train_loss
    assert 1 <= h.best_epoch <= 5


def test_huge_learning_rate_diverges_and_keeps_finite_weights(fit_frame):
    # unscaled values of 1e25 overflow the float32 squared error to inf in the first epoch
    f = Forecaster(epochs=3, scale=False, clip_norm=None, **TINY).fit(fit_frame * 1e25)
    h = f.history_
    assert h.stop_reason.startswith("diverged"), h.stop_reason
    assert "in epoch 1; try a lower learning rate than lr=0.01" in h.stop_reason
    assert len(h.records) == 1
    # "keeps the best weights so far": the model must not be left with NaN weights
    for name, p in f.model_.state_dict().items():
        assert torch.isfinite(p).all(), f"{name} is not finite after divergence"
    assert np.isfinite(f.predict(fit_frame)).all()


# -- scaling ------------------------------------------------------------------------------------------------------
def test_scaler_sees_the_training_span_only():
    df = multi_sine(200, 2, noise=0.0, seed=0)
    df.iloc[160:] += 100.0  # a very different level in the validation span
    f = Forecaster(epochs=1, val_fraction=0.2, **TINY).fit(df)
    head = df.to_numpy(dtype=np.float64)[:160]
    np.testing.assert_allclose(f.scaler_.mean_, head.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(f.scaler_.scale_, head.std(axis=0), rtol=1e-5)
    assert np.all(np.abs(f.scaler_.mean_) < 1.0)  # the +100 span did not leak in


def test_scale_false_keeps_raw_units(fit_frame):
    f = Forecaster(epochs=1, scale=False, **TINY).fit(fit_frame)
    assert f.scaler_ is None
    X, _ = make_windows(torch.from_numpy(fit_frame.to_numpy().copy()), WINDOW, 0)
    np.testing.assert_allclose(f.predict(fit_frame), predict_windows(f.model_, X).numpy(), atol=1e-6)


# -- predict -----------------------------------------------------------------------------------------------------
def test_predict_shape_and_user_units(fitted, fit_frame):
    pred = fitted.predict(fit_frame)
    assert pred.shape == (300 - WINDOW + 1, 1, 2)  # (T - W + 1, K, O)
    values = fit_frame.to_numpy()
    scaled = (values - fitted.scaler_.mean_) / fitted.scaler_.scale_
    X, _ = make_windows(torch.from_numpy(scaled.astype(np.float32)), WINDOW, 0)
    expected = predict_windows(fitted.model_, X).numpy() * fitted.scaler_.scale_ + fitted.scaler_.mean_
    np.testing.assert_allclose(pred, expected, rtol=1e-5, atol=1e-5)


def test_predict_is_in_the_data_units_after_an_offset():
    base = multi_sine(300, 2, noise=0.0, seed=0)
    df = base * 3.0 + np.array([1000.0, -50.0], dtype=np.float32)
    f = Forecaster(epochs=5, lr=1e-2, **TINY).fit(df)
    pred = f.predict(df)[:, 0, :]  # (N, O)
    actual = df.to_numpy()[WINDOW:]  # step i + W for each row but the last
    assert np.abs(pred[:-1] - actual).mean(axis=0).max() < 3.0  # the level is right: ~1000 and ~-50
    np.testing.assert_allclose(pred.mean(axis=0), [1000.0, -50.0], atol=3.0)


def test_predict_accepts_arrays_and_1d(fitted, fit_frame):
    np.testing.assert_allclose(fitted.predict(fit_frame.to_numpy()), fitted.predict(fit_frame), atol=1e-6)
    one = Forecaster(epochs=1, **TINY).fit(fit_frame["f0"].to_numpy())  # (T,) is one feature
    assert one.feature_names_in_ == ["f0"]
    assert one.predict(fit_frame["f0"].to_numpy()).shape == (291, 1, 1)
    assert list(wide(one.forecast(2)).index) == [300, 301]


def test_predict_needs_a_full_window(fitted, fit_frame):
    assert fitted.predict(fit_frame.iloc[:WINDOW]).shape == (1, 1, 2)
    with pytest.raises(DataError, match=r"data has 9 time steps; predict needs at least window=10"):
        fitted.predict(fit_frame.iloc[:9])


# -- forecast -----------------------------------------------------------------------------------------------------
def test_forecast_continues_the_range_index(fitted):
    long = fitted.forecast(3)  # one long frame: a row per target and step
    assert list(long.columns) == ["unique_id", "ds", "tsrnn"]
    assert list(long["unique_id"]) == ["f0"] * 3 + ["f1"] * 3
    assert list(long["ds"]) == [300, 301, 302] * 2
    assert long["tsrnn"].dtype == np.float64
    fc = wide(long)
    assert fc.shape == (3, 2) and list(fc.columns) == ["f0", "f1"]


def test_forecast_first_step_is_predicts_last_row(fitted, fit_frame):
    np.testing.assert_allclose(
        wide(fitted.forecast(1)).to_numpy()[0], fitted.predict(fit_frame)[-1, 0], atol=1e-5
    )


def test_forecast_beyond_the_horizon_is_recursive(fitted, fit_frame):
    fc = wide(fitted.forecast(5))
    assert fc.shape == (5, 2)
    np.testing.assert_allclose(fc.to_numpy()[:2], wide(fitted.forecast(2)).to_numpy(), atol=1e-6)
    grown = pd.concat([fit_frame, fc.iloc[:1]])  # feed the first forecast back as an observation
    np.testing.assert_allclose(
        wide(fitted.forecast(1, data=grown)).to_numpy()[0], fc.to_numpy()[1], atol=1e-4
    )
    grown = pd.concat([fit_frame, fc.iloc[:3]])
    np.testing.assert_allclose(wide(fitted.forecast(2, data=grown)).to_numpy(), fc.to_numpy()[3:], atol=1e-4)


def test_forecast_with_multi_step_horizon(fit_frame):
    f = Forecaster(epochs=2, horizon=3, **TINY).fit(fit_frame)
    assert f.predict(fit_frame).shape == (291, 3, 2)
    fc = wide(f.forecast(7))
    assert fc.shape == (7, 2)
    np.testing.assert_allclose(fc.to_numpy()[:3], f.predict(fit_frame)[-1], atol=1e-5)
    np.testing.assert_allclose(wide(f.forecast(2)).to_numpy(), fc.to_numpy()[:2], atol=1e-6)
    grown = pd.concat([fit_frame, fc.iloc[:3]])
    np.testing.assert_allclose(fc.to_numpy()[3:6], f.predict(grown)[-1], atol=1e-4)


def test_forecast_with_horizon_longer_than_the_window(fit_frame):
    f = Forecaster(epochs=1, hidden=8, layers=1, window=3, horizon=5, seed=0).fit(fit_frame)
    fc = wide(f.forecast(12))
    assert fc.shape == (12, 2)
    np.testing.assert_allclose(fc.to_numpy()[:5], f.predict(fit_frame)[-1], atol=1e-5)
    grown = pd.concat([fit_frame, fc.iloc[:5]])  # the next input window is the last 3 forecasts
    np.testing.assert_allclose(fc.to_numpy()[5:10], f.predict(grown)[-1], atol=1e-4)


def test_forecast_from_given_data_uses_its_dates(fitted, fit_frame):
    daily = fit_frame.set_axis(pd.date_range("2024-01-01", periods=300, freq="D"))
    fc = wide(fitted.forecast(4, data=daily))
    expected = pd.date_range(daily.index[-1] + pd.Timedelta(days=1), periods=4, freq="D")
    assert list(fc.index) == list(expected)
    np.testing.assert_allclose(fc.to_numpy(), wide(fitted.forecast(4)).to_numpy(), atol=1e-6)  # same values

    # a regular index without a stored freq is inferred
    hourly = fit_frame.set_axis(pd.DatetimeIndex(list(pd.date_range("2024-03-01", periods=300, freq="h"))))
    assert hourly.index.freq is None
    fc = wide(fitted.forecast(2, data=hourly))
    assert list(fc.index) == [pd.Timestamp("2024-03-13 12:00"), pd.Timestamp("2024-03-13 13:00")]


def test_forecast_continues_an_integer_index_by_its_step(fitted, fit_frame):
    stepped = fit_frame.set_axis(pd.RangeIndex(0, 1500, 5))
    assert list(wide(fitted.forecast(3, data=stepped)).index) == [1500, 1505, 1510]


def test_fit_on_dates_forecasts_dates(fit_frame):
    daily = fit_frame.set_axis(pd.date_range("2023-05-01", periods=300, freq="D"))
    f = Forecaster(epochs=1, **TINY).fit(daily)
    fc = wide(f.forecast(2))
    assert list(fc.index) == [pd.Timestamp("2024-02-25"), pd.Timestamp("2024-02-26")]


@pytest.mark.parametrize("steps", [0, -1, 1.5, True, "3"])
def test_forecast_rejects_bad_steps(fitted, steps):
    with pytest.raises(ValueError, match=r"steps must be an integer >= 1, got "):
        fitted.forecast(steps)


def test_forecast_needs_a_full_window(fitted, fit_frame):
    with pytest.raises(DataError, match=r"data has 9 time steps; forecasting needs at least window=10"):
        fitted.forecast(1, data=fit_frame.iloc[:9])


# -- targets ---------------------------------------------------------------------------------------------------
def test_target_subset(fit_frame):
    f = Forecaster(epochs=2, horizon=2, targets=["f1"], **TINY).fit(fit_frame)
    assert f.target_names_ == ["f1"]
    assert f.model_.config.input_size == 2 and f.model_.config.output_size == 1
    assert f.predict(fit_frame).shape == (291, 2, 1)
    fc = wide(f.forecast(2))
    assert list(fc.columns) == ["f1"]
    assert fc.shape == (2, 1)
    np.testing.assert_allclose(fc.to_numpy(), f.predict(fit_frame)[-1], atol=1e-5)
    np.testing.assert_allclose(wide(f.forecast(1)).to_numpy(), fc.to_numpy()[:1], atol=1e-6)
    with pytest.raises(
        DataError,
        match=r"a forecast of 3 steps.* horizon.*2.* is recursive and would need "
        r"future values of the non-target features \['f0'\]; "
        r"forecast at most 2 steps",
    ):
        wide(f.forecast(3))
    result = f.evaluate(fit_frame, start=200)
    assert list(result["model"]["per_target"]) == ["f1"]
    assert result["n_windows"] == 100 - 2 + 1


def test_reordered_targets_feed_back_into_the_right_columns(fit_frame):
    f = Forecaster(epochs=2, targets=["f1", "f0"], **TINY).fit(fit_frame)
    fc = wide(f.forecast(2))
    assert list(fc.columns) == ["f1", "f0"]
    grown = pd.concat([fit_frame, fc.iloc[:1][["f0", "f1"]]])
    np.testing.assert_allclose(wide(f.forecast(1, data=grown)).to_numpy()[0], fc.to_numpy()[1], atol=1e-4)


def test_unknown_target(fit_frame):
    with pytest.raises(DataError, match=r"target 'f7' is not a column; columns are \['f0', 'f1'\]"):
        Forecaster(epochs=1, targets=["f7"], **TINY).fit(fit_frame)


# -- evaluate -------------------------------------------------------------------------------------------------------
def test_evaluate_scores_model_and_naive(fitted, fit_frame):
    data = fit_frame.iloc[200:]
    result = fitted.evaluate(fit_frame, start=200 + WINDOW)
    assert result["n_windows"] == 90
    _, Y = make_windows(data.to_numpy(), WINDOW, 1)
    model_pred = fitted.predict(data)[:90]
    naive_pred = data.to_numpy()[WINDOW - 1 : WINDOW - 1 + 90, None, :]  # the last input of each window
    assert result["model"]["rmse"] == pytest.approx(rmse(Y, model_pred), rel=1e-6)
    assert result["naive"]["rmse"] == pytest.approx(rmse(Y, naive_pred), rel=1e-6)
    assert result["naive"]["mae"] == pytest.approx(np.abs(Y - naive_pred).mean(), rel=1e-6)
    assert set(result["model"]["per_target"]) == {"f0", "f1"}
    assert result["model"]["per_target"]["f1"]["rmse"] == pytest.approx(rmse(Y[..., 1], model_pred[..., 1]))


# -- the estimator contract --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "method, args",
    [
        ("predict", (np.zeros((30, 2)),)),
        ("forecast", (3,)),
        ("evaluate", (np.zeros((30, 2)),)),
        ("save", ("unused-dir",)),
    ],
)
def test_use_before_fit_raises_not_fitted(method, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotFittedError, match=r"This Forecaster instance is not fitted yet\. Call 'fit'"):
        getattr(Forecaster(), method)(*args)
    assert not (tmp_path / "unused-dir").exists()
    assert issubclass(NotFittedError, AttributeError) and issubclass(NotFittedError, TsrnnError)


@pytest.mark.parametrize("method", ["predict", "evaluate", "forecast"])
def test_other_feature_count_raises(fitted, method):
    data = multi_sine(60, 3, noise=0.0, seed=0)
    call = (
        (lambda: wide(fitted.forecast(1, data=data)))
        if method == "forecast"
        else (lambda: getattr(fitted, method)(data))
    )
    with pytest.raises(
        DataError,
        match=r"data has 3 features \['f0', 'f1', 'f2'\], but the model "
        r"was fitted on 2 features \['f0', 'f1'\]",
    ):
        call()


def test_non_finite_data_raises(fitted, fit_frame):
    bad = fit_frame.copy()
    bad.iloc[17, 1] = np.nan
    with pytest.raises(
        DataError,
        match=r"column 'f1' has 1 missing value\(s\), first at 17 .*fill='ffill'.*: an option of tsrnn.read, so "
        r"read the data with tsrnn.read\(data, \.\.\.\) and pass the dataset it returns$",
    ):
        Forecaster(epochs=1, **TINY).fit(bad)
    with pytest.raises(DataError, match=r"column 'f1' has 1 missing value\(s\), first at 17"):
        fitted.predict(bad)
    with pytest.raises(DataError, match=r"non-finite value \(nan\) at row 17, column 'f1'"):
        fitted.predict(bad.to_numpy())  # arrays are checked as they are
    bad.iloc[17, 1] = np.inf
    with pytest.raises(DataError, match=r"column 'f1' has an infinite value at 17"):
        Forecaster(epochs=1, **TINY).fit(bad)


def test_get_and_set_params():
    f = Forecaster(hidden=8, cell="gru")
    params = f.get_params()
    assert list(params) == list(inspect.signature(Forecaster).parameters)  # every constructor parameter
    assert {
        "hidden",
        "layers",
        "cell",
        "window",
        "horizon",
        "dropout",
        "bidirectional",
        "epochs",
        "batch_size",
        "lr",
        "val_fraction",
        "patience",
        "clip_norm",
        "seed",
        "targets",
        "scale",
    } <= set(params)
    assert params["hidden"] == 8 and params["cell"] == "gru" and params["window"] is None  # automatic
    assert Forecaster(**params).get_params() == params
    assert f.set_params(hidden=4, epochs=2) is f
    assert f.hidden == 4 and f.get_params()["epochs"] == 2
    assert repr(f) == "Forecaster(hidden=4, cell='gru', epochs=2)"
    with pytest.raises(ValueError, match=r"invalid parameter 'colour' for Forecaster; valid ones are \["):
        f.set_params(colour="red")


def test_set_params_take_effect_on_the_next_fit(fit_frame):
    f = Forecaster(epochs=1, **TINY).fit(fit_frame)
    f.set_params(hidden=4, cell="lstm", layers=2, dropout=0.1, bidirectional=True, horizon=2).fit(fit_frame)
    c = f.model_.config
    assert (c.hidden_size, c.cell, c.num_layers, c.dropout, c.bidirectional, c.horizon) == (
        4,
        "lstm",
        2,
        0.1,
        True,
        2,
    )
    assert isinstance(f.model_.rnn, nn.LSTM) and f.model_.rnn.dropout == 0.1
    assert f.predict(fit_frame).shape == (291, 2, 2)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"hidden": 0}, ValueError, r"hidden must be an integer >= 1, got 0"),  # the parameter table's check
        ({"cell": "xyz"}, ValueError, r"cell must be one of 'rnn', 'lstm', 'gru', got 'xyz'"),
        ({"lr": -1.0}, ValueError, r"lr must be a finite number in \(0\.0, 10\.0\], got -1\.0"),
        ({"window": 0}, ValueError, r"window must be an integer >= 1, got 0"),
        ({"dropout": 0.2, "layers": 1}, ValueError, r"needs num_layers >= 2"),
    ],
)
def test_parameters_are_checked_at_fit_not_init(fit_frame, params, error, match):
    f = Forecaster(**params)  # __init__ only stores
    assert f.get_params()[next(iter(params))] == next(iter(params.values()))
    with pytest.raises(error, match=match):
        f.fit(fit_frame)
    assert not hasattr(f, "model_")


def test_numpy_work_does_not_import_pandas():
    """Fitting, predicting, forecasting values and saving with arrays leaves pandas unloaded (it
    costs ~30 MiB and a quarter second); a DataFrame afterwards still works and gives the same forecasts."""
    import subprocess
    import sys

    probe = (
        "import sys, tempfile, numpy as np, tsrnn\n"
        "x = np.sin(np.arange(300, dtype=np.float32) / 7)[:, None] * np.ones(2, np.float32)\n"
        "f = tsrnn.Forecaster(hidden=4, layers=1, window=8, epochs=2, seed=0).fit(x, progress=False)\n"
        "p = f.predict(x)\n"
        "f.save(tempfile.mkdtemp() + '/m')\n"
        "print('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS', p.shape)\n"
        "import pandas as pd\n"
        "print(bool(np.array_equal(f.predict(pd.DataFrame(x, columns=['f0', 'f1'])), p)), "
        "f.forecast(2)['ds'].unique().tolist())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["NO-PANDAS (293, 1, 2)", "True [300, 301]"]


def test_defaults_beat_the_linear_autoregression_on_the_default_job():
    """The default model (LSTM + linear highway, relative, automatic window) on `tsrnn fit --features 3
    --hidden 15`'s data: measured test RMSE 0.1022 against the linear AR's 0.1055 and the naive 0.1974."""
    df = multi_sine(2000, 3, noise=0.1, seed=0)
    f = Forecaster(seed=0).fit(df.iloc[:1600], progress=False)
    scores = f.evaluate(df, start=1600)
    model, ar, naive = (scores[m]["rmse"] for m in ("model", "linear_ar", "naive"))
    assert model < ar < 0.6 * naive
    # the window: two cycles of the shortest season the autocorrelation finds (23); 1394 windows / 8 steps
    assert f.window_ == 46 and f.model_.config.highway == 46 and f.batch_size_ == 175


def test_highway_is_a_switch():
    df = multi_sine(300, 2, noise=0.1, seed=0)
    plain = Forecaster(hidden=4, layers=1, epochs=1, highway=False).fit(df, progress=False)
    assert plain.model_.highway is None and plain.model_.config.highway == 0
    on = Forecaster(hidden=4, layers=1, epochs=1, highway=np.True_).fit(df, progress=False)
    assert on.model_.config.highway == on.window_ > 0  # the highway reads the whole (automatic) window
    with pytest.raises(TypeError, match="highway must be True or False, got 'yes'"):
        Forecaster(highway="yes").fit(df)
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        Forecaster(batch_size=0).fit(df)


def test_predict_refuses_values_that_overflow_once_scaled():
    df = multi_sine(300, 2, noise=0.1, seed=0) * 1e-3  # a spread of about 1e-3
    f = Forecaster(hidden=4, layers=1, epochs=1, window=10).fit(df, progress=False)
    data = df.to_numpy().copy()
    data[50, 1] = 3e38  # finite in float32, but not once divided by the small training scale
    with pytest.raises(
        DataError, match=r"data value 3e\+38 at row 50, column 'f1' overflows float32 when scaled"
    ):
        f.predict(data)
