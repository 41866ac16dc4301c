"""tsrnn.data.seasonal_drift: a drifting season refitted on the whole fit span and taken out of the
training inputs cycle by cycle."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import monthly, panel_of

from tsrnn.data.seasonal_drift import fit_drifting
from tsrnn.data.seasonal_indices import first_steps, fit_seasonality


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
    panel = panel_of({"drift": _drifting(), "steady": monthly(120, "1990-01-01")})
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
    panel = panel_of({"steady": monthly(120, "1990-01-01")})
    assert _local(panel, 12, np.array([108]))[1] is None
    frame = _drifting() - 100  # crosses zero: additive indices
    seasons, local, codes, steps = _local(panel_of({"a": frame}), 12, np.array([108]))
    mult, add = local
    assert seasons.kinds == [["additive"]] and np.all(mult == 1)
    assert add[np.flatnonzero(np.mod(steps, 12) == 0)[0], 0] > 15  # January's peak in the first years
    assert add[np.flatnonzero(np.mod(steps, 12) == 11)[-1], 0] > 15  # December's in the last


def test_local_indices_in_blocks_equal_one_pass(monkeypatch):
    import tsrnn.data.decomposition as decomposition

    frames = {f"s{i}": _drifting(96 + 12 * i) for i in range(4)} | {"steady": monthly(100, "1995-03-01")}
    panel = panel_of(frames)
    train_end = panel.lengths - 6
    whole = _local(panel, 12, train_end)
    monkeypatch.setattr(decomposition, "_BLOCK_ROWS", 150)
    blocks = _local(panel, 12, train_end)
    np.testing.assert_array_equal(blocks[1][0], whole[1][0])
    np.testing.assert_array_equal(blocks[1][1], whole[1][1])
    np.testing.assert_array_equal(blocks[0].mult, whole[0].mult)


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
    panel = panel_of(frames)
    codes, within = panel.positions()
    steps = first_steps(panel)[codes] + within
    clean = fit_drifting(panel.values, codes, within, panel.lengths - 12, panel.lengths, steps, 12, [0], 2)[0]
    values = panel.values.copy()
    values[np.flatnonzero(codes == panel.ids.index("a"))[-3], 0] = np.nan  # in a's validation span
    spoiled = fit_drifting(values, codes, within, panel.lengths - 12, panel.lengths, steps, 12, [0], 2)[0]
    b = panel.ids.index("b")
    assert spoiled.kinds[b] == clean.kinds[b] == ["multiplicative"] and spoiled.drifting[b]
    np.testing.assert_array_equal(spoiled.mult[b], clean.mult[b])
