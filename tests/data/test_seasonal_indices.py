"""tsrnn.data.seasonal_indices: the autocorrelation test and classical indices for every series of a
panel at once, removed and restored at calendar positions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PATTERN, monthly, panel_of

from tsrnn.data.seasonal_indices import first_steps, fit_seasonality


def _fit(panel, m, train_end=None):
    codes = np.repeat(np.arange(panel.n_series), panel.lengths)
    within = np.arange(panel.values.shape[0]) - panel.starts[codes]
    steps = first_steps(panel)[codes] + within
    end = panel.lengths if train_end is None else train_end
    return fit_seasonality(panel.values, codes, within, end, steps, m, [0], panel.n_series)


def test_indices_of_every_series_at_once_recover_each_kind_of_season():
    rng = np.random.default_rng(1)
    dates = pd.date_range("2001-03-01", periods=96, freq="MS")
    frames = {
        "mult": monthly(120, "2000-01-01"),
        "add": pd.DataFrame(
            {"y": 5 * np.sin(2 * np.pi * (dates.month - 1) / 12) + rng.normal(0, 0.2, 96)}, index=dates
        ),  # crosses zero: additive
        "flat": pd.DataFrame({"y": 50 + rng.normal(0, 1, 96)}, index=dates),
        "short": monthly(20, "2005-05-01"),  # under two seasons
    }
    panel = panel_of(frames)
    seasons = _fit(panel, 12)
    kinds = dict(zip(panel.ids, [k[0] for k in seasons.kinds], strict=False))
    assert kinds == {"mult": "multiplicative", "add": "additive", "flat": "none", "short": "none"}
    at = {u: i for i, u in enumerate(panel.ids)}
    # positions are months of the year (step numbers mod 12 count from January 1970)
    np.testing.assert_allclose(seasons.mult[at["mult"], :, 0], PATTERN, atol=0.02)
    np.testing.assert_allclose(seasons.mult[at["mult"], :, 0].mean(), 1.0, atol=1e-6)
    np.testing.assert_allclose(
        seasons.add[at["add"], :, 0], 5 * np.sin(2 * np.pi * np.arange(12) / 12), atol=0.3
    )
    assert np.all(seasons.mult[at["add"]] == 1) and np.all(seasons.add[at["mult"]] == 0)
    assert np.all(seasons.mult[at["flat"]] == 1) and np.all(seasons.add[at["flat"]] == 0)
    # the same indices as each series fitted alone
    for uid in ("mult", "add"):
        alone = _fit(panel_of({uid: frames[uid]}), 12)
        np.testing.assert_allclose(alone.mult[0], seasons.mult[at[uid]], rtol=1e-6)
        np.testing.assert_allclose(alone.add[0], seasons.add[at[uid]], atol=1e-5)


def test_indices_read_only_the_training_span():
    frame = monthly(120)
    panel = panel_of({"a": frame})
    changed = frame.copy()
    changed.iloc[96:] *= 3  # beyond the training span
    a, b = _fit(panel, 12, np.array([96])), _fit(panel_of({"a": changed}), 12, np.array([96]))
    np.testing.assert_array_equal(a.mult, b.mult)


def test_remove_then_restore_is_the_identity():
    seasons = _fit(panel_of({"a": monthly(60)}), 12)
    y = np.linspace(50, 60, 24, dtype=np.float32)[:, None]
    steps = np.arange(5, 29)
    out = seasons.remove(y, np.zeros(24, np.int64), steps)
    back = seasons.restore(out.reshape(1, 24, 1), np.zeros(1, np.int64), steps[None])
    np.testing.assert_allclose(back[0], y, rtol=1e-6)


def test_recent_seasons_weigh_more_so_a_drifting_season_is_read_as_it_is_now():
    dates = pd.date_range("1990-01-01", periods=120, freq="MS")
    early, late = np.r_[1.3, np.ones(11)], np.r_[np.ones(11), 1.3]  # the peak moves from January to December
    shape = np.where((np.arange(120) < 60)[:, None], early, late)[np.arange(120), dates.month - 1]
    frame = pd.DataFrame(
        {"y": 100 * shape / np.where(np.arange(120) < 60, early.mean(), late.mean())}, index=dates
    )
    panel = panel_of({"a": frame})
    codes, within = np.zeros(120, np.int64), np.arange(120)
    steps = first_steps(panel)[codes] + within
    weighted = fit_seasonality(panel.values, codes, within, np.array([120]), steps, 12, [0], 1)
    equal = fit_seasonality(panel.values, codes, within, np.array([120]), steps, 12, [0], 1, halflife=None)
    now = late / late.mean()
    assert np.abs(weighted.mult[0, :, 0] - now).max() < 0.5 * np.abs(equal.mult[0, :, 0] - now).max()
    assert weighted.mult[0, 11, 0] > weighted.mult[0, 0, 0]  # December's peak is the season now


def test_blocks_of_series_give_the_indices_of_one_pass(monkeypatch):
    import tsrnn.data.decomposition as decomposition

    frames = {f"s{i}": monthly(60 + 7 * i, "2000-01-01", seed=i) for i in range(6)}
    panel = panel_of(frames)
    whole = _fit(panel, 12)
    monkeypatch.setattr(decomposition, "_BLOCK_ROWS", 150)  # two series or fewer a block
    blocks = _fit(panel, 12)
    np.testing.assert_array_equal(blocks.mult, whole.mult)
    np.testing.assert_array_equal(blocks.add, whole.add)
    assert blocks.kinds == whole.kinds and len(blocks.kinds) == 6


def test_a_calendar_without_step_numbers_gets_no_indices():
    from tsrnn import Forecaster, read

    values = monthly(240)["y"].to_numpy()
    frame = pd.DataFrame({"y": values[:96]}, index=pd.date_range("2020-01-01", periods=96, freq="SMS"))
    model = Forecaster(horizon=3, season=12, hidden=4, layers=1, epochs=1).fit(
        read(frame, freq="SMS"), progress=False
    )
    assert model.seasonality_.m == 0  # semi-month starts: later data could not line up with the fit


@pytest.mark.skipif(
    int(pd.__version__.split(".")[0]) < 3,
    reason="pandas 2 reads 'D' as 24 hours and refuses "
    "local midnights across a change of summer time as off the calendar",
)
def test_time_zone_aware_days_line_up_across_summer_time():
    from tsrnn import Forecaster

    values = monthly(240)["y"].to_numpy()
    tz = pd.DataFrame(
        {"y": values}, index=pd.date_range("2019-01-01", periods=240, freq="D", tz="Europe/London")
    )
    model = Forecaster(horizon=3, season=12, hidden=4, layers=1, epochs=1).fit(tz, progress=False)
    assert model.seasonality_.active
    W = model.window_  # a slice that starts in summer time reads the same calendar positions as the whole
    np.testing.assert_allclose(
        model.predict(tz.iloc[160 : 160 + W + 1]), model.predict(tz)[160:162], rtol=1e-5
    )


def test_a_random_walk_gets_no_indices_though_its_autocorrelation_passes_the_test():
    from tsrnn.data.decomposition import autocorrelation_test

    rng = np.random.default_rng(3)
    days = pd.bdate_range("2001-01-01", periods=600)
    walk = pd.DataFrame({"price": 400 + np.cumsum(rng.normal(0, 4, 600))}, index=days)
    weekly = pd.DataFrame(
        {"price": walk["price"].to_numpy() * np.tile([1.1, 0.95, 0.98, 1.0, 0.97], 120)}, index=days
    )
    panel = panel_of({"walk": walk, "weekly": weekly})
    codes, within = panel.positions()
    x = panel.values[:, 0].astype(np.float64)
    assert autocorrelation_test(x, codes, within, np.ones_like(codes, bool), 5, 2).all()  # both pass the test
    seasons = _fit(panel, 5)
    kinds = dict(zip(panel.ids, [k[0] for k in seasons.kinds], strict=False))
    assert kinds == {"walk": "none", "weekly": "multiplicative"}
    assert np.all(seasons.mult[panel.ids.index("walk")] == 1)
