"""Each series' own view of a panel model (tsrnn.estimator.views, ``series_model``) against the
batched passes over every series of long data: sample paths, hidden states, streaming and refit
backtests (estimator.origins), each series' result equal to its own through series_model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError, Forecaster
from tsrnn.data.long_layout import split_long

TINY = dict(window=8, hidden=6, layers=1, epochs=2, seed=0, horizon=2)
LENGTHS = (40, 55, 70)


@pytest.fixture(scope="module")
def long() -> pd.DataFrame:
    """Three hourly series of 40, 55 and 70 steps, ending 0, 3 and 6 hours apart (a ragged panel)."""
    rng = np.random.default_rng(0)
    parts = []
    for i, n in enumerate(LENGTHS):
        ds = pd.date_range(end=pd.Timestamp("2024-03-01") - pd.Timedelta(hours=3 * i), periods=n, freq="h")
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": f"s{i}",
                    "ds": ds,
                    "y": 5 * i + np.sin(np.arange(n) / 3) + rng.normal(0, 0.1, n),
                }
            )
        )
    return pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=2)  # rows in any order


@pytest.fixture(scope="module")
def frames(long) -> dict[str, pd.DataFrame]:
    return split_long(long)[0]


@pytest.fixture(scope="module")
def streams(long) -> Forecaster:
    return Forecaster(relative=False, **TINY).fit(long)  # absolute inputs: it can stream


@pytest.fixture(scope="module")
def gaussian(long) -> Forecaster:
    return Forecaster(loss="gaussian", **TINY).fit(long)


# -- sample paths ---------------------------------------------------------------------------------
def test_panel_sample_paths_are_every_series_in_one_seeded_draw(gaussian, long):
    paths = gaussian.sample_paths(2, samples=4000, seed=1)
    assert list(paths) == ["s0", "s1", "s2"] and all(p.shape == (4000, 2, 1) for p in paths.values())
    again = gaussian.sample_paths(2, samples=4000, seed=1)
    for uid in paths:
        np.testing.assert_array_equal(paths[uid], again[uid])
    assert not np.allclose(paths["s1"], gaussian.sample_paths(2, samples=4000, seed=2)["s1"])
    # within the head's steps each path is a draw from each series' own forecast distribution
    bands = gaussian.forecast(2)
    for uid, p in paths.items():
        mine = bands[bands["unique_id"] == uid]
        view = gaussian.series_model(uid).forecast(2)
        np.testing.assert_allclose(mine["tsrnn"].to_numpy(), view["tsrnn"].to_numpy(), rtol=1e-5, atol=1e-5)
        sd = (mine["tsrnn-q0.9"] - mine["tsrnn-q0.1"]).to_numpy() / 2.5631  # the Gaussian's 10-90% width
        assert np.all(np.abs(p[:, :, 0].mean(0) - mine["tsrnn"].to_numpy()) < 5 * sd / np.sqrt(4000))
        assert np.allclose(p[:, :, 0].std(0), sd, rtol=0.1)
    some = gaussian.sample_paths(5, data=long[long["unique_id"] != "s1"], samples=3)  # beyond the horizon
    assert list(some) == ["s0", "s2"] and some["s2"].shape == (3, 5, 1)


# -- hidden states --------------------------------------------------------------------------------
def test_panel_hidden_states_equal_each_series_own(gaussian, streams, long, frames):
    states = streams.hidden_states(long)  # every step of every series: three lengths, three passes
    assert list(states) == ["s0", "s1", "s2"]
    for uid, n in zip(states, LENGTHS, strict=False):
        assert [s.shape for s in states[uid]] == [(n, 6)]
        mine = streams.series_model(uid).hidden_states(frames[uid])
        np.testing.assert_allclose(states[uid][0], mine[0], rtol=1e-5, atol=1e-6)
    last = gaussian.hidden_states(
        long.sort_values("ds").groupby("unique_id").tail(8), cell=True
    )  # one window each
    for uid in last:
        assert last[uid][0].shape == (8, 6)
        mine = gaussian.series_model(uid).hidden_states(frames[uid].iloc[-8:], cell=True)
        np.testing.assert_allclose(last[uid][0], mine[0], rtol=1e-5, atol=1e-6)
    with pytest.raises(DataError, match="fitted on long data; expected the columns unique_id, ds, y"):
        streams.hidden_states(np.zeros((8, 1)))


# -- streaming ------------------------------------------------------------------------------------
def _newest(long: pd.DataFrame, k: int) -> pd.DataFrame:
    """The k-th newest row of each series (0: the last), shuffled."""
    ordered = long.sort_values("ds")
    back = ordered.groupby("unique_id").cumcount(ascending=False)
    return ordered[back == k].sample(frac=1.0, random_state=k)


def test_panel_streaming_steps_every_series_as_its_own_stream(streams, long, frames):
    ordered = long.sort_values("ds")
    history = ordered[ordered.groupby("unique_id").cumcount(ascending=False) >= 4]  # all but the last 4 steps
    state = streams.start(history)
    assert state.ids == ("s0", "s1", "s2") and state.hidden[0].shape == (1, 3, 6)
    assert state.lags.shape == (3, 8, 1)
    views = {uid: streams.series_model(uid) for uid in frames}
    alone = {uid: views[uid].start(frames[uid].iloc[:-4]) for uid in frames}
    for uid in frames:
        np.testing.assert_allclose(state.prediction[uid], alone[uid].prediction, rtol=1e-5, atol=1e-6)
    for k in (3, 2, 1, 0):
        new = _newest(long, k)
        # a long frame (rows in any order), or an array in the order of state.ids
        x_t = new if k % 2 else new.set_index("unique_id").loc[list(state.ids), ["y"]].to_numpy()
        y, state = streams.step(x_t, state)
        assert list(y) == ["s0", "s1", "s2"] and y["s2"].shape == (2, 1)
        for uid in frames:
            mine, alone[uid] = views[uid].step(frames[uid].iloc[-1 - k].to_numpy(), alone[uid])
            np.testing.assert_allclose(y[uid], mine, rtol=1e-5, atol=1e-6)
    # one stream of a subset of the series
    two = streams.start(history[history["unique_id"] != "s1"])
    assert two.ids == ("s0", "s2") and two.hidden[0].shape == (1, 2, 6)


def test_panel_streaming_refuses_a_step_without_every_series(streams, long):
    state = streams.start(long)
    new = _newest(long, 0)
    with pytest.raises(
        DataError, match=r"x_t lacks series \['s1'\]; step reads one new observation of every"
    ):
        streams.step(new[new["unique_id"] != "s1"], state)
    with pytest.raises(DataError, match=r"x_t names series \['zz'\] that this stream does not carry"):
        streams.step(pd.concat([new, new.iloc[:1].assign(unique_id="zz")]), state)
    with pytest.raises(DataError, match=r"more than one row for series \['s2'\]"):
        streams.step(pd.concat([new, new[new["unique_id"] == "s2"]]), state)
    with pytest.raises(DataError, match=r"array of shape \(S, F\) = \(3, 1\).*got shape \(2, 1\)"):
        streams.step(np.zeros((2, 1)), state)
    with pytest.raises(DataError, match=r"missing or infinite values for series \['s0'\]"):
        streams.step(np.array([np.nan, 1.0, 2.0]), state)
    with pytest.raises(DataError, match=r"series 's0' has 5 time steps; warmup=8 needs at least 8"):
        streams.start(long.sort_values("ds").groupby("unique_id").tail(5))


# -- refit backtests ------------------------------------------------------------------------------
def test_panel_refit_backtest_fits_the_panel_before_each_origin_time(streams, long):
    result = streams.backtest(long, start=0.8, stride=4, refit=True)
    plain = streams.backtest(long, start=0.8, stride=4)
    pd.testing.assert_index_equal(result.origin_labels, plain.origin_labels)
    np.testing.assert_array_equal(result.actual, plain.actual)
    np.testing.assert_array_equal(result.forecasts["naive"], plain.forecasts["naive"])  # the data alone
    # the model and the fitted baselines (the autoregression) come from the copies: out of sample
    assert not np.allclose(result.forecasts["model"], plain.forecasts["model"])
    assert not np.allclose(result.forecasts["linear_ar"], plain.forecasts["linear_ar"])
    assert result.in_sample is None and plain.in_sample.all()  # streams was fitted on all of long
    frame = result.frame()
    times = sorted(frame["origin"].unique())
    assert len(times) == 8  # 9 origins; s0 and s2 share one at 17:00: one global refit per time
    shared = pd.Timestamp("2024-02-29 17:00")
    assert sorted(frame.loc[frame["origin"] == shared, "unique_id"].unique()) == ["s0", "s2"]
    for t in (
        times[0],
        times[1],
        shared,
    ):  # each is one fit on the whole panel before t, forecasting its series
        fresh = Forecaster(relative=False, **TINY).fit(long[long["ds"] < t]).forecast(2)
        at = frame[frame["origin"] == t]
        for uid in at["unique_id"].unique():
            np.testing.assert_allclose(
                at.loc[at["unique_id"] == uid, "model"].to_numpy(),
                fresh.loc[fresh["unique_id"] == uid, "tsrnn"].to_numpy(),
                rtol=1e-5,
                atol=1e-5,
            )
    every_third = streams.backtest(long, start=0.8, stride=4, refit=3)  # refits at the 1st, 4th, 7th time
    first = frame.groupby("origin").ngroup().to_numpy().reshape(-1, 2)[:, 0] % 3 == 0
    np.testing.assert_allclose(
        every_third.forecasts["model"][first], result.forecasts["model"][first], rtol=1e-5
    )
    assert not np.allclose(every_third.forecasts["model"][~first], result.forecasts["model"][~first])


def test_panel_refit_backtest_keeps_each_origins_distribution_with_it(gaussian, long):
    result = gaussian.backtest(long, start=0.8, stride=4, refit=True)
    dist = result.distribution
    assert dist.quantiles.shape == (9, 2, 1, 3) and dist.mean.shape == (9, 2, 1)
    # origins of several series per refit come back in the origins' order, forecasts and quantiles alike
    np.testing.assert_allclose(dist.quantiles[..., 1], result.forecasts["model"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dist.mean, result.forecasts["model"], rtol=1e-5, atol=1e-5)
    assert list(result.calibration().index) == [1, 2]


def test_panel_refit_backtest_refuses_a_series_too_short_to_refit(streams, long):
    with pytest.raises(
        DataError,
        match=r"refit before the origin 2024-02-27 16:00:00: series 's1': series has 1 "
        r"time steps; window=8 \+ horizon=2 needs at least 10 training steps",
    ):
        streams.backtest(long, start=0.1, refit=30)
