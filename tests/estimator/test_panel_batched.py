"""The rest of the panel core: sample paths, hidden states, streaming and refit backtests of every
series of long data in batched passes, each series' result equal to its own through series_model."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError, Forecaster
from tsrnn.data.frames import split_long

TINY = dict(window=8, hidden=6, layers=1, epochs=2, seed=0, horizon=2)
LENGTHS = (40, 55, 70)


@pytest.fixture(scope="module")
def long() -> pd.DataFrame:
    """Three hourly series of 40, 55 and 70 steps, ending 0, 3 and 6 hours apart (a ragged panel)."""
    rng = np.random.default_rng(0)
    parts = []
    for i, n in enumerate(LENGTHS):
        ds = pd.date_range(end=pd.Timestamp("2024-03-01") - pd.Timedelta(hours=3 * i), periods=n, freq="h")
        parts.append(pd.DataFrame({"unique_id": f"s{i}", "ds": ds,
                                   "y": 5 * i + np.sin(np.arange(n) / 3) + rng.normal(0, 0.1, n)}))
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
        np.testing.assert_allclose(mine["y"].to_numpy(), view["y"].to_numpy(), rtol=1e-5, atol=1e-5)
        sd = (mine["y_q0.9"] - mine["y_q0.1"]).to_numpy() / 2.5631  # the Gaussian's 10-90% width
        assert np.all(np.abs(p[:, :, 0].mean(0) - mine["y"].to_numpy()) < 5 * sd / np.sqrt(4000))
        assert np.allclose(p[:, :, 0].std(0), sd, rtol=0.1)
    some = gaussian.sample_paths(5, data=long[long["unique_id"] != "s1"], samples=3)  # beyond the horizon
    assert list(some) == ["s0", "s2"] and some["s2"].shape == (3, 5, 1)


# -- hidden states --------------------------------------------------------------------------------
def test_panel_hidden_states_equal_each_series_own(gaussian, streams, long, frames):
    states = streams.hidden_states(long)  # every step of every series: three lengths, three passes
    assert list(states) == ["s0", "s1", "s2"]
    for uid, n in zip(states, LENGTHS):
        assert [s.shape for s in states[uid]] == [(n, 6)]
        mine = streams.series_model(uid).hidden_states(frames[uid])
        np.testing.assert_allclose(states[uid][0], mine[0], rtol=1e-5, atol=1e-6)
    last = gaussian.hidden_states(long.sort_values("ds").groupby("unique_id").tail(8), cell=True)  # one window each
    for uid in last:
        assert last[uid][0].shape == (8, 6)
        mine = gaussian.series_model(uid).hidden_states(frames[uid].iloc[-8:], cell=True)
        np.testing.assert_allclose(last[uid][0], mine[0], rtol=1e-5, atol=1e-6)
    with pytest.raises(DataError, match="fitted on long data; expected the columns unique_id, ds, y"):
        streams.hidden_states(np.zeros((8, 1)))
