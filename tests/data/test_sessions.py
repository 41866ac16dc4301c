"""Session calendars: data observed only in the same hours of every day or week (business hours,
trading days) is a sequence of sessions, reported, and forecasts continue at the next sessions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tsrnn
from tsrnn import DataError, Forecaster
from tsrnn.app.run_report import time_axis_note
from tsrnn.data.sessions import Session, find_session

FIVE = 5 * 60 * 10**9
HOUR = 3600 * 10**9
TINY = dict(hidden=4, layers=1, window=12, epochs=1, horizon=3, seed=0)


def call_centre(days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """5-minute steps from 07:00 to 20:55 on each of ``days``."""
    return pd.DatetimeIndex(
        np.concatenate(
            [
                pd.date_range(d + pd.Timedelta(hours=7), d + pd.Timedelta(hours=20, minutes=55), freq="5min")
                for d in days
            ]
        )
    )


def calls(ts: pd.DatetimeIndex, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    minute = (ts.hour * 60 + ts.minute - 420) / 840
    return pd.DataFrame({"time": ts, "calls": 20 + 10 * np.sin(np.pi * minute) + rng.normal(0, 1, len(ts))})


WEEKDAYS = call_centre(pd.bdate_range("2024-01-01", periods=15))  # Mon 2024-01-01 .. Fri 2024-01-19


def test_a_weekly_pattern_of_absent_steps_is_a_session():
    session = find_session(WEEKDAYS, FIVE)
    assert session.describe() == "Mon-Fri 07:00-21:00"
    assert session.text == "W/5min/84-251,372-539,660-827,948-1115,1236-1403"
    assert session.season() == 168 and session.n == 840  # 14 hours of 12 steps a day; 5 days a week
    pos, off = session.positions(WEEKDAYS)
    assert not off.any() and (np.diff(pos) == 1).all()  # the sessions' steps follow one another
    after = session.labels(pos[-1] + np.arange(1, 3))
    assert list(after) == [pd.Timestamp("2024-01-22 07:00"), pd.Timestamp("2024-01-22 07:05")]
    assert Session.from_text(session.text).text == session.text


def test_daily_hours_and_data_without_a_pattern():
    hours = pd.date_range("2024-01-01", periods=24 * 20, freq="h")
    shop = hours[(hours.hour >= 9) & (hours.hour < 17)]  # every day, weekends too
    assert find_session(shop, HOUR).describe() == "every day 09:00-17:00"
    assert find_session(shop, HOUR).season() == 8
    scattered = hours.delete([5, 50, 300])  # a few absent hours: gaps, not sessions
    assert find_session(scattered, HOUR) is None
    assert find_session(WEEKDAYS[: 12 * 14 * 1], FIVE) is None  # one day: no pattern to repeat


def test_business_hours_are_read_as_sessions_and_forecast_at_the_next_ones():
    model = Forecaster(**TINY).fit(calls(WEEKDAYS))
    report = model.data_report_
    assert (report["freq"], report["session"], report["season"]) == ("5min", "Mon-Fri 07:00-21:00", 168)
    assert "gaps" not in report  # no overnight steps to fill
    fc = model.forecast(3)
    assert list(fc["ds"]) == list(
        pd.date_range("2024-01-22 07:00", periods=3, freq="5min")
    )  # Friday 20:55 ->
    assert model.seasonality_.m == 168  # the day's profile, by step of the session day
    note = time_axis_note(report, WEEKDAYS)
    assert (
        "5-minute (5min) in sessions (Mon-Fri 07:00-21:00), 2024-01-01T07:00:00 to 2024-01-19T20:55:00; "
        "season 168 (a session day's steps)" in note
    )


def test_an_absent_step_inside_the_sessions_is_a_gap():
    frame = calls(WEEKDAYS).drop(index=[2 * 168 + 36])  # Wednesday 2024-01-03 10:00
    with pytest.raises(
        DataError,
        match=r"^the series misses 1 period\(s\) of its 5-minute \(5min\) calendar: 2024-01-03T10:00:00; ",
    ):
        Forecaster(**TINY).fit(frame)
    filled = Forecaster(**TINY).fit(tsrnn.read(frame, fill="interpolate"))
    assert filled.data_report_["gaps"] == ["2024-01-03T10:00:00"]


def test_sessions_survive_saving_and_new_data_on_other_sessions_is_refused(tmp_path):
    model = Forecaster(**TINY).fit(calls(WEEKDAYS))
    model.save(tmp_path / "m")
    loaded = Forecaster.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.forecast(3), model.forecast(3))
    later = calls(call_centre(pd.bdate_range("2024-02-05", periods=10)), seed=1)  # to Friday 2024-02-16
    assert loaded.forecast(1, data=later)["ds"][0] == pd.Timestamp("2024-02-19 07:00")
    every_day = calls(call_centre(pd.date_range("2024-02-05", periods=14)), seed=1)
    with pytest.raises(
        DataError,
        match=r"^data's steps lie on the sessions every day 07:00-21:00, but the model was fitted on data "
        r"on the sessions Mon-Fri 07:00-21:00; give it data on that calendar",
    ):
        loaded.predict(every_day)


def test_long_data_in_sessions():
    frames = []
    for uid, seed in (("a", 0), ("b", 1)):
        frames.append(
            calls(WEEKDAYS, seed).rename(columns={"time": "ds", "calls": "y"}).assign(unique_id=uid)
        )
    long = pd.concat(frames, ignore_index=True)
    model = Forecaster(**TINY).fit(long)
    assert model.data_report_["session"] == "Mon-Fri 07:00-21:00"
    fc = model.forecast(2)
    assert fc["ds"].tolist() == [pd.Timestamp("2024-01-22 07:00"), pd.Timestamp("2024-01-22 07:05")] * 2


def test_business_days_continue_after_the_weekend():
    days = pd.bdate_range("2024-01-01", periods=60)
    frame = pd.DataFrame({"date": days, "y": np.sin(np.arange(60) / 3) + 5})
    model = Forecaster(hidden=4, layers=1, window=10, epochs=1).fit(frame)
    assert (model.data_report_["freq"], model.data_report_["season"]) == ("B", 5)
    assert days[-1] == pd.Timestamp("2024-03-22")  # a Friday
    assert list(model.forecast(2)["ds"]) == [pd.Timestamp("2024-03-25"), pd.Timestamp("2024-03-26")]
