"""A Forecaster with seasonal indices (deseason=True, the default): the season comes out of the
network's inputs and goes back onto its forecasts at the right calendar positions, for one series or
a panel, through predict, forecast, backtest and model files."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from conftest import monthly, wide, write_config
from safetensors.torch import load_file, save

from tsrnn import Forecaster
from tsrnn.base.errors import CheckpointError

TINY = dict(hidden=6, layers=1, epochs=3, patience=None, seed=0)


def test_a_forecaster_puts_the_season_back_on_the_calendar():
    frame = monthly(144)
    model = Forecaster(horizon=12, **TINY).fit(frame, progress=False)
    assert model.seasonality_.kinds == [["multiplicative"]]
    assert "multiplicative" in model.seasonality_.describe()
    forecast = model.forecast(12)
    assert list(forecast["ds"][:2]) == [pd.Timestamp("1961-01-01"), pd.Timestamp("1961-02-01")]
    # predicting from any later slice reads the same calendar positions as the fit
    W = model.window_
    whole = model.predict(frame)
    tail = model.predict(frame.iloc[-W - 3 :])
    np.testing.assert_allclose(tail, whole[-4:], rtol=1e-5)
    np.testing.assert_allclose(whole[-1], wide(forecast).to_numpy(), rtol=1e-5)
    # the network's output carries the season: July above November, as in the data
    values = forecast["tsrnn"].to_numpy()
    assert values[6] > values[10] * 1.3
    off = Forecaster(horizon=12, deseason=False, **TINY).fit(frame, progress=False)
    assert off.seasonality_.m == 0 and off.seasonality_.describe() == "no seasonal indices"


def test_no_season_for_integer_steps_unless_given_and_none_without_a_season():
    values = monthly(120)["y"].to_numpy()
    assert Forecaster(horizon=6, **TINY).fit(values, progress=False).seasonality_.m == 0
    given = Forecaster(horizon=6, season=12, **TINY).fit(values, progress=False)
    assert given.seasonality_.m == 12 and given.seasonality_.kinds == [["multiplicative"]]
    yearly = pd.DataFrame({"y": values[:60]}, index=pd.date_range("1900", periods=60, freq="YS"))
    assert Forecaster(horizon=6, **TINY).fit(yearly, progress=False).seasonality_.m == 0
    with pytest.raises(TypeError, match="deseason must be True or False, got 'yes'"):
        Forecaster(deseason="yes", **TINY).fit(values, progress=False)


def test_a_long_panel_gets_indices_per_series_and_backtests_line_up(tmp_path):
    frames = {"a": monthly(120, "2000-01-01", seed=1), "b": monthly(100, "2002-07-01", seed=2) * 3}
    long = pd.concat([f.rename_axis("ds").reset_index().assign(unique_id=u) for u, f in frames.items()])
    model = Forecaster(horizon=6, **TINY).fit(long, progress=False)
    assert model.seasonality_.kinds == [["multiplicative"], ["multiplicative"]]
    np.testing.assert_allclose(model.seasonality_.mult[0, :, 0], model.seasonality_.mult[1, :, 0], atol=0.03)
    forecast = model.forecast(6)
    view = model.series_model("b").forecast(6)
    np.testing.assert_allclose(
        forecast[forecast["unique_id"] == "b"]["tsrnn"].to_numpy(), view["tsrnn"].to_numpy(), rtol=1e-5
    )
    result = model.backtest(long, start=0.8)
    alone = model.series_model("b").backtest(frames["b"], start=0.8)
    b = result.forecasts["model"][result.origin_labels.get_level_values(0) == "b"]
    np.testing.assert_allclose(b, alone.forecasts["model"], rtol=1e-5)
    model.save(tmp_path / "m")
    loaded = Forecaster.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.forecast(6)["tsrnn"].to_numpy(), forecast["tsrnn"].to_numpy())
    assert loaded.seasonality_.kinds == model.seasonality_.kinds


def test_model_files_check_the_indices(tmp_path):
    from safetensors.numpy import load_file, save_file

    model = Forecaster(horizon=6, **TINY).fit(monthly(96), progress=False)
    model.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    season = config["series"]["season"]
    assert (
        season["m"] == 12 and season["kinds"] == [["multiplicative"]] and season["last_step"] == [-252 + 95]
    )
    tensors = load_file(tmp_path / "m" / "model.safetensors")
    assert tensors["series.season_mult"].shape == (1, 12, 1)
    tensors["series.season_mult"][0, 3, 0] = -1.0
    save_file(tensors, tmp_path / "m" / "model.safetensors")
    # consistent checksums: what is tested is the schema's check of the values
    config["weights_sha256"] = hashlib.sha256((tmp_path / "m" / "model.safetensors").read_bytes()).hexdigest()
    write_config(tmp_path / "m", config)
    with pytest.raises(CheckpointError, match="series.season_mult.*positive"):
        Forecaster.load(tmp_path / "m")


def test_streaming_reads_each_new_step_at_its_calendar_position():
    frame = monthly(120)
    model = Forecaster(horizon=3, relative=False, **TINY).fit(frame.iloc[:100], progress=False)
    assert model.seasonality_.kinds == [["multiplicative"]]
    W = model.window_
    state = model.start(frame.iloc[:100])
    np.testing.assert_allclose(state.prediction, model.predict(frame.iloc[100 - W : 100])[-1], rtol=1e-5)
    for t in range(100, 104):  # each step equals reading the longer history in one go
        prediction, state = model.step(frame.iloc[t].to_numpy(), state)
        again = model.start(frame.iloc[: t + 1], warmup=W + t + 1 - 100)
        np.testing.assert_allclose(prediction, again.prediction, rtol=1e-4)


@pytest.mark.parametrize("loss", ["gaussian", "quantile"])
def test_quantiles_and_paths_carry_the_season(loss):
    frame = monthly(120)
    model = Forecaster(horizon=6, loss=loss, **TINY).fit(frame, progress=False)
    assert model.seasonality_.kinds == [["multiplicative"]]
    forecast = model.forecast(9)  # past the head's 6 steps: sample paths
    q = forecast[["tsrnn-q0.1", "tsrnn-q0.5", "tsrnn-q0.9"]].to_numpy()
    assert np.all(np.diff(q, axis=1) >= 0)
    paths = model.sample_paths(9)  # the same draws (samples and seed) the forecast took past the head
    np.testing.assert_allclose(np.median(paths[:, 6:, 0], axis=0), q[6:, 1], rtol=1e-5)
    # July's median sits well above March's, as the season does (PATTERN: 1.3 against 1.0)
    assert forecast["ds"][6].month == 7 and forecast["ds"][2].month == 3
    assert q[6, 1] > 1.15 * q[2, 1]
    quantiles = model.predict_quantiles(frame.iloc[-model.window_ :])
    np.testing.assert_allclose(quantiles[-1, :, 0], q[:6], rtol=1e-5)


def test_the_automatic_window_reads_one_season_where_the_indices_take_it_out():
    frame = monthly(144)
    assert Forecaster(horizon=6, **TINY).fit(frame, progress=False).window_ == 12  # max(m, h, 4)
    assert (
        Forecaster(horizon=6, deseason=False, **TINY).fit(frame, progress=False).window_ == 24
    )  # max(2m, h, 4)
    values = frame["y"].to_numpy()  # integer steps: a season only the autocorrelation finds (12) stays in
    model = Forecaster(horizon=6, **TINY).fit(values, progress=False)
    assert model.seasonality_.m == 0 and model.window_ == 24


def _drifting_months(n=144):
    """Monthly values whose peak moves from January (first half) to July (second half)."""
    dates = pd.date_range("1990-01-01", periods=n, freq="MS")
    early, late = np.r_[1.4, np.ones(11)], np.r_[np.ones(6), 1.4, np.ones(5)]
    shape = np.where((np.arange(n) < n // 2)[:, None], early, late)[np.arange(n), dates.month - 1]
    noise = np.random.default_rng(0).normal(0, 0.01, n)
    return pd.DataFrame({"y": 100 * shape * (1 + noise)}, index=dates)


def test_a_drifting_season_is_reported_read_to_the_end_and_kept_in_model_files(tmp_path):
    frame = _drifting_months()
    model = Forecaster(horizon=6, **TINY).fit(frame, progress=False)
    seasons = model.seasonality_
    assert seasons.drifting.tolist() == [True] and "the season drifts" in seasons.describe()
    assert seasons.mult[0, 6, 0] > 1.2 and seasons.mult[0, 0, 0] < 1.1  # July's peak now, not January's
    steady = Forecaster(horizon=6, **TINY).fit(monthly(144), progress=False).seasonality_
    assert steady.drifting.tolist() == [False] and "drifts" not in steady.describe()
    model.save(tmp_path / "m")
    loaded = Forecaster.load(tmp_path / "m")
    assert loaded.seasonality_.drifting.tolist() == [True]
    np.testing.assert_array_equal(
        loaded.forecast(6)["tsrnn"].to_numpy(), model.forecast(6)["tsrnn"].to_numpy()
    )
    # a file written before the rule (format 4, without calibration) has no list: no series drifts
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    del config["series"]["season"]["drifting"]
    tensors = load_file(tmp_path / "m" / "model.safetensors")
    payload = save({k: v for k, v in tensors.items() if not k.startswith("calibration.")})
    (tmp_path / "m" / "model.safetensors").write_bytes(payload)
    old = {k: v for k, v in config.items() if k not in ("calibration", "uncalibrated")}
    old.update(format_version=4, weights_sha256=hashlib.sha256(payload).hexdigest())
    write_config(tmp_path / "m", old)
    assert Forecaster.load(tmp_path / "m").seasonality_.drifting.tolist() == [False]
    # and a wrong entry is refused by name
    payload = save(tensors)
    (tmp_path / "m" / "model.safetensors").write_bytes(payload)
    config["weights_sha256"] = hashlib.sha256(payload).hexdigest()
    config["series"]["season"]["drifting"] = ["yes"]
    write_config(tmp_path / "m", config)
    with pytest.raises(CheckpointError, match=r"series.season.drifting\[0\].*true or false"):
        Forecaster.load(tmp_path / "m")
