"""The rule that settles a column read two ways: whether labels form a time axis, and why not
(tsrnn.data.regularity.calendar_fault); its use by the date reader is tested in test_reading.py."""

from __future__ import annotations

import pandas as pd
import pytest

from tsrnn.data.regularity import MOST_ABSENT, calendar_fault

MONTHS = pd.date_range("2018-01-01", periods=24, freq="MS")


@pytest.mark.parametrize(
    "labels",
    [
        MONTHS,
        MONTHS[::-1],  # any order: sorted first
        MONTHS.delete([3, 7, 8]),  # a few gaps, which a fill policy fills
        pd.date_range("2018-01-01", periods=12, freq="D"),
        pd.date_range("2018-01-31", periods=12, freq="ME"),
        pd.date_range("2018-01-01", periods=20, freq="W-MON"),
        pd.date_range("2018-01-01", periods=20, freq="B"),
        pd.date_range("2018-01-01", periods=48, freq="h"),
        MONTHS + pd.Timedelta(days=9),  # the 10th of every month, read with irregular='ignore'
        pd.date_range("2018-01-01", periods=8, freq="QS") + pd.Timedelta(days=14),  # every three months
        pd.Index(range(1995, 2006)),  # integer years
        pd.Index(range(0, 40, 5)),  # integer steps of 5
        pd.Index([1, 2, 3, 5, 6, 8, 11]),  # with gaps
        pd.DatetimeIndex(["2018-01-05", "2018-03-01"]),  # two labels: too few to tell
    ],
)
def test_labels_on_a_regular_calendar_are_a_time_axis(labels):
    assert calendar_fault(labels) is None


def test_a_session_calendar_is_a_time_axis():
    steps = pd.date_range("2020-01-06", periods=14 * 24 * 12, freq="5min")  # two weeks
    open_ = steps[(steps.hour >= 7) & (steps.hour < 21) & (steps.day_of_week < 5)]
    assert calendar_fault(open_) is None


def test_at_most_half_of_the_periods_may_be_absent():
    assert MOST_ABSENT == 0.5
    assert calendar_fault(MONTHS.delete(range(5, 17))) is None  # 12 of 24 months
    assert calendar_fault(MONTHS.delete(range(5, 18))) == (
        "not a regular calendar (2018-01-01 .. 2018-05-01, then 2019-07-01; 13 of its 24 monthly (MS) steps "
        "absent)"
    )
    assert calendar_fault(MONTHS[[0, 1, 2, 10, 11, 20, 21, 22, 23]]) == (
        "not a regular calendar (2018-01-01 .. 2018-03-01, then 2018-11-01; 15 of its 24 monthly (MS) steps "
        "absent)"
    )
    assert calendar_fault(MONTHS[[0, 5, 6, 18, 23]] + pd.Timedelta(days=2)) == (
        "not a regular calendar (2018-01-03, then 2018-06-03)"  # the 3rd of too few months: no calendar
    )


def test_days_of_two_januaries_are_no_time_axis_and_the_fault_shows_them():
    days = pd.date_range("2018-01-01", periods=12, freq="D").append(pd.date_range("2019-01-01", periods=12))
    assert calendar_fault(days[::-1]) == (
        "not a regular calendar (2018-01-01 .. 2018-01-12, then 2019-01-01; 353 of its 377 daily (D) steps "
        "absent)"
    )


def test_years_that_jump_a_century_are_no_time_axis():
    years = pd.Index([1900, 1901, 1902, 1903, 1904, 1905, 1995, 1996, 1997, 1998, 1999])
    assert calendar_fault(years) == (
        "not a regular calendar (1900 .. 1905, then 1995; 89 of its 100 integer (by 1) steps absent)"
    )


@pytest.mark.parametrize(
    "labels, fault",
    [
        (
            pd.DatetimeIndex(["2018-01-01", "2018-01-02", "2018-01-02", "2018-01-03"]),
            "no time axis: it repeats 2018-01-02",
        ),
        (
            pd.DatetimeIndex(["2018-01-01", "2018-01-02", "2018-01-05 03:00", "2018-01-09"]),
            "not a regular calendar (2018-01-01 .. 2018-01-02, then 2018-01-05 03:00:00)",
        ),
        (pd.Index([0, 10, 20, 25, 30, 40]), "not a regular calendar (0 .. 20, then 25)"),
    ],
)
def test_repeated_or_irregular_labels_are_no_time_axis(labels, fault):
    assert calendar_fault(labels) == fault
