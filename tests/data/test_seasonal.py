"""Seasonal indices: calendar step numbers, the autocorrelation test, and classical indices for every
series of a panel at once (tsrnn.data.seasonal)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PATTERN, monthly

from tsrnn.data.calendar import step_numbers
from tsrnn.data.frames import long_panel
from tsrnn.data.seasonal import first_steps, fit_drifting, fit_seasonality


@pytest.mark.parametrize(
    "freq, start, first",
    [
        ("MS", "1970-01-01", 0),
        ("MS", "1969-12-01", -1),
        ("ME", "1970-03-31", 2),
        ("QS", "1971-01-01", 4),
        ("QE-DEC", "1970-06-30", 1),
        ("YS", "2000-01-01", 30),
        ("W-SUN", "1970-01-04", 0),
        ("D", "1970-01-08", 7),
        ("B", "1970-01-02", 1),
        ("h", "1970-01-02 03:00", 27),
        ("30min", "1970-01-01 01:30", 3),
    ],
)
def test_step_numbers_count_periods_from_1970_so_seasons_line_up(freq, start, first):
    labels = pd.date_range(start, periods=30, freq=freq)
    numbers = step_numbers(labels, freq)
    assert numbers[0] == first
    np.testing.assert_array_equal(np.diff(numbers), 1)  # consecutive periods, whatever their length in days


def test_step_numbers_of_integers_and_the_month_of_the_year():
    np.testing.assert_array_equal(step_numbers(pd.Index([1700, 1701, 1702])), [1700, 1701, 1702])
    np.testing.assert_array_equal(step_numbers(pd.Index([10, 15, 20]), step=5), [2, 3, 4])
    months = pd.date_range("1949-01-01", periods=36, freq="MS")
    np.testing.assert_array_equal(np.mod(step_numbers(months, "MS"), 12), months.month - 1)
    assert step_numbers(months, None) is None


def _panel(frames: dict[str, pd.DataFrame]):
    long = pd.concat([f.rename_axis("ds").reset_index().assign(unique_id=u) for u, f in frames.items()])
    return long_panel(long, None, None, "error", None)


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
    panel = _panel(frames)
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
        alone = _fit(_panel({uid: frames[uid]}), 12)
        np.testing.assert_allclose(alone.mult[0], seasons.mult[at[uid]], rtol=1e-6)
        np.testing.assert_allclose(alone.add[0], seasons.add[at[uid]], atol=1e-5)


def test_indices_read_only_the_training_span():
    frame = monthly(120)
    panel = _panel({"a": frame})
    changed = frame.copy()
    changed.iloc[96:] *= 3  # beyond the training span
    a, b = _fit(panel, 12, np.array([96])), _fit(_panel({"a": changed}), 12, np.array([96]))
    np.testing.assert_array_equal(a.mult, b.mult)


def test_remove_then_restore_is_the_identity():
    seasons = _fit(_panel({"a": monthly(60)}), 12)
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
    panel = _panel({"a": frame})
    codes, within = np.zeros(120, np.int64), np.arange(120)
    steps = first_steps(panel)[codes] + within
    weighted = fit_seasonality(panel.values, codes, within, np.array([120]), steps, 12, [0], 1)
    equal = fit_seasonality(panel.values, codes, within, np.array([120]), steps, 12, [0], 1, halflife=None)
    now = late / late.mean()
    assert np.abs(weighted.mult[0, :, 0] - now).max() < 0.5 * np.abs(equal.mult[0, :, 0] - now).max()
    assert weighted.mult[0, 11, 0] > weighted.mult[0, 0, 0]  # December's peak is the season now


def test_blocks_of_series_give_the_indices_of_one_pass(monkeypatch):
    import tsrnn.data.seasonal as seasonal

    frames = {f"s{i}": monthly(60 + 7 * i, "2000-01-01", seed=i) for i in range(6)}
    panel = _panel(frames)
    whole = _fit(panel, 12)
    monkeypatch.setattr(seasonal, "_BLOCK_ROWS", 150)  # two series or fewer a block
    blocks = _fit(panel, 12)
    np.testing.assert_array_equal(blocks.mult, whole.mult)
    np.testing.assert_array_equal(blocks.add, whole.add)
    assert blocks.kinds == whole.kinds and len(blocks.kinds) == 6


def test_step_numbers_of_time_zone_aware_days_follow_the_local_calendar():
    for freq, start, n in [("D", "2024-03-30", 3), ("W-THU", "2024-03-28", 2), ("B", "2024-03-28", 3)]:
        labels = pd.date_range(
            start, periods=n, freq=freq, tz="Europe/London"
        )  # across the change to summer time
        np.testing.assert_array_equal(np.diff(step_numbers(labels, freq)), 1)
    hours = pd.date_range("2024-03-31", periods=4, freq="h", tz="Europe/London")
    np.testing.assert_array_equal(np.diff(step_numbers(hours, "h")), 1)  # hours in absolute time
    months = pd.date_range("2024-01-01", periods=3, freq="BMS")  # business month starts count as months
    np.testing.assert_array_equal(step_numbers(months, "BMS"), [648, 649, 650])
    assert step_numbers(pd.date_range("2024-01-01", periods=3, freq="C"), "C") is None


def test_a_calendar_without_step_numbers_gets_no_indices():
    from tsrnn import Forecaster

    values = monthly(240)["y"].to_numpy()
    frame = pd.DataFrame({"y": values[:96]}, index=pd.date_range("2020-01-01", periods=96, freq="SMS"))
    model = Forecaster(horizon=3, season=12, hidden=4, layers=1, epochs=1, freq="SMS").fit(
        frame, progress=False
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


def _drifting(n=120, start="1990-01-01"):
    """Monthly values whose peak moves from January (first half) to December (second half)."""
    dates = pd.date_range(start, periods=n, freq="MS")
    early, late = np.r_[1.3, np.ones(11)], np.r_[np.ones(11), 1.3]
    shape = np.where((np.arange(n) < n // 2)[:, None], early, late)[np.arange(n), dates.month - 1]
    return pd.DataFrame(
        {"y": 100 * shape / np.where(np.arange(n) < n // 2, early.mean(), late.mean())}, index=dates
    )


def _local(panel, m, train_end):
    codes, within = panel.positions()
    steps = first_steps(panel)[codes] + within
    seasons, local = fit_drifting(
        panel.values, codes, within, train_end, panel.lengths, steps, m, [0], panel.n_series
    )
    return seasons, local, codes, steps


def test_a_drifting_season_is_taken_out_of_each_step_as_it_was_then():
    panel = _panel({"drift": _drifting(), "steady": monthly(120, "1990-01-01")})
    train_end = np.array([108, 108])
    seasons, local, codes, steps = _local(panel, 12, train_end)
    assert local is not None and seasons.drifting.tolist() == [i == "drift" for i in panel.ids]
    assert "1 series' season drifts (its indices read the validation span too" in seasons.describe()
    mult, add = local
    drift = codes == panel.ids.index("drift")
    rows = np.flatnonzero(drift)
    january = rows[np.mod(steps[rows], 12) == 0]
    december = rows[np.mod(steps[rows], 12) == 11]
    assert mult[january[0], 0] > 1.15 and mult[december[0], 0] < 1.05  # early: January's peak
    assert mult[january[-1], 0] < 1.05 and mult[december[-1], 0] > 1.15  # late: December's
    np.testing.assert_allclose(np.mean(mult[rows[:12], 0]), 1.0, atol=1e-5)  # a cycle's indices average 1
    # a steady season has none (NaN: the fitted indices); a multiplicative one shifts by nothing
    assert np.isnan(mult[~drift]).all() and np.isnan(add[~drift]).all() and np.all(add[drift] == 0)
    # the drifting series' fitted indices read the whole fit span, validation included; the steady one's not
    alone = fit_seasonality(panel.values, codes, within_of(panel), np.array([120, 108]), steps, 12, [0], 2)
    np.testing.assert_array_equal(seasons.mult, alone.mult)
    # the inputs lose the season of their own cycle: the early years come out flat
    y = panel.values[rows[:48], 0]
    local_out = seasons.remove(
        y[:, None], codes[rows[:48]], steps[rows[:48]], (mult[rows[:48]], add[rows[:48]])
    )
    fitted_out = seasons.remove(y[:, None], codes[rows[:48]], steps[rows[:48]])
    assert local_out.std() < 0.5 * fitted_out.std()
    # NaN rows read the fitted indices
    steady = np.flatnonzero(~drift)
    np.testing.assert_array_equal(
        seasons.remove(panel.values[steady, :1], codes[steady], steps[steady], (mult[steady], add[steady])),
        seasons.remove(panel.values[steady, :1], codes[steady], steps[steady]),
    )


def within_of(panel):
    return panel.positions()[1]


def test_a_steady_season_has_no_local_indices_and_additive_drift_is_followed():
    panel = _panel({"steady": monthly(120, "1990-01-01")})
    assert _local(panel, 12, np.array([108]))[1] is None
    frame = _drifting() - 100  # crosses zero: additive indices
    seasons, local, codes, steps = _local(_panel({"a": frame}), 12, np.array([108]))
    mult, add = local
    assert seasons.kinds == [["additive"]] and np.all(mult == 1)
    assert add[np.flatnonzero(np.mod(steps, 12) == 0)[0], 0] > 15  # January's peak in the first years
    assert add[np.flatnonzero(np.mod(steps, 12) == 11)[-1], 0] > 15  # December's in the last


def test_local_indices_in_blocks_equal_one_pass(monkeypatch):
    import tsrnn.data.seasonal as seasonal

    frames = {f"s{i}": _drifting(96 + 12 * i) for i in range(4)} | {"steady": monthly(100, "1995-03-01")}
    panel = _panel(frames)
    train_end = panel.lengths - 6
    whole = _local(panel, 12, train_end)
    monkeypatch.setattr(seasonal, "_BLOCK_ROWS", 150)
    blocks = _local(panel, 12, train_end)
    np.testing.assert_array_equal(blocks[1][0], whole[1][0])
    np.testing.assert_array_equal(blocks[1][1], whole[1][1])
    np.testing.assert_array_equal(blocks[0].mult, whole[0].mult)


def test_a_random_walk_gets_no_indices_though_its_autocorrelation_passes_the_test():
    from tsrnn.data.seasonal import _autocorrelation_test

    rng = np.random.default_rng(3)
    days = pd.bdate_range("2001-01-01", periods=600)
    walk = pd.DataFrame({"price": 400 + np.cumsum(rng.normal(0, 4, 600))}, index=days)
    weekly = pd.DataFrame(
        {"price": walk["price"].to_numpy() * np.tile([1.1, 0.95, 0.98, 1.0, 0.97], 120)}, index=days
    )
    panel = _panel({"walk": walk, "weekly": weekly})
    codes, within = panel.positions()
    x = panel.values[:, 0].astype(np.float64)
    assert _autocorrelation_test(
        x, codes, within, np.ones_like(codes, bool), 5, 2
    ).all()  # both pass the test
    seasons = _fit(panel, 5)
    kinds = dict(zip(panel.ids, [k[0] for k in seasons.kinds], strict=False))
    assert kinds == {"walk": "none", "weekly": "multiplicative"}
    assert np.all(seasons.mult[panel.ids.index("walk")] == 1)


def test_of_two_targets_only_the_drifting_one_reads_the_validation_span():
    drift = _drifting()["y"].to_numpy()
    steady = monthly(120, "1990-01-01")["y"].to_numpy().copy()
    steady[-12:] *= np.r_[1.2, np.ones(11)]  # the validation year differs a little
    values = np.c_[drift, steady].astype(np.float32)
    codes, within = np.zeros(120, np.int64), np.arange(120)
    steps = (20 * 12 + within).astype(np.int64)  # 1990-01 on
    train_end, lengths = np.array([108]), np.array([120])
    both, local = fit_drifting(values, codes, within, train_end, lengths, steps, 12, [0, 1], 1)
    alone = fit_seasonality(
        values, codes, within, train_end, steps, 12, [1], 1
    )  # the steady target, training span
    np.testing.assert_array_equal(both.mult[0, :, 1], alone.mult[0, :, 0])
    assert np.isnan(local[0][:, 1]).all() and not np.isnan(local[0][:108, 0]).any()
    whole = fit_seasonality(values, codes, within, lengths, steps, 12, [0], 1)  # the drifting one, whole span
    np.testing.assert_array_equal(both.mult[0, :, 0], whole.mult[0, :, 0])
    assert both.drifting.tolist() == [True]


def test_a_drifting_target_without_a_season_on_the_whole_span_is_not_reported_as_drifting():
    rng = np.random.default_rng(5)
    y0 = _drifting()["y"].to_numpy().copy()
    y0[-30:] = 100 * np.exp(rng.normal(0, 1.5, 30))  # a wild validation span: no season over the whole span
    values = np.c_[y0, monthly(120, "1990-01-01")["y"].to_numpy()].astype(np.float32)
    codes, within = np.zeros(120, np.int64), np.arange(120)
    steps = (20 * 12 + within).astype(np.int64)
    seasons, local = fit_drifting(
        values, codes, within, np.array([90]), np.array([120]), steps, 12, [0, 1], 1
    )
    assert seasons.kinds == [["none", "multiplicative"]]
    assert (local is None or np.isnan(local[0]).all()) and seasons.drifting.tolist() == [False]
    assert "drifts" not in seasons.describe()


def test_a_missing_value_spoils_only_its_own_series():
    frames = {"a": monthly(120, "1990-01-01", seed=1), "b": _drifting()}
    panel = _panel(frames)
    codes, within = panel.positions()
    steps = first_steps(panel)[codes] + within
    clean = fit_drifting(panel.values, codes, within, panel.lengths - 12, panel.lengths, steps, 12, [0], 2)[0]
    values = panel.values.copy()
    values[np.flatnonzero(codes == panel.ids.index("a"))[-3], 0] = np.nan  # in a's validation span
    spoiled = fit_drifting(values, codes, within, panel.lengths - 12, panel.lengths, steps, 12, [0], 2)[0]
    b = panel.ids.index("b")
    assert spoiled.kinds[b] == clean.kinds[b] == ["multiplicative"] and spoiled.drifting[b]
    np.testing.assert_array_equal(spoiled.mult[b], clean.mult[b])
