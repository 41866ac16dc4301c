"""tsrnn.data.dates: a column's dates read with the table of date forms (each form's own test is in
test_date_forms.py), a column that reads two ways refused with the option that decides, and forecast
labels written back in the form read."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError
from tsrnn.data.dates import (
    decimal_years,
    format_labels,
    integer_dates,
    labelled,
    parse_dates,
    read_dates,
    times_of_day,
)
from tsrnn.data.reading import AmbiguousData, Reading


# -- read_dates: the one loop over the table ------------------------------------------------------------
def test_text_that_no_form_reads_is_no_dates():
    assert read_dates(pd.Series(["x", "y"])) is None


def test_two_readings_are_refused_naming_both_and_the_option():
    text = pd.Series(["01/02/2020", "01/03/2020"])
    with pytest.raises(
        AmbiguousData,
        match=r"^column 'd' \('01/02/2020', '01/03/2020'\) reads 2 ways \(day first: 2020-02-01, "
        r"2020-03-01; month first: 2020-01-02, 2020-01-03\); choose with dayfirst=False or dayfirst=True$",
    ):
        read_dates(text, name="d")
    index, form, *_ = read_dates(text, Reading(dayfirst=True))
    assert list(index) == [pd.Timestamp("2020-02-01"), pd.Timestamp("2020-03-01")]
    assert form == "strftime:%d/%m/%Y"


def test_of_two_readings_the_one_alone_a_time_axis_is_read_with_the_decision_noted():
    text = pd.Series([f"{m:02d}/01/{y}" for y in (2018, 2019) for m in range(1, 13)])  # US months
    index, form, note, answers = read_dates(text, name="d")
    assert index[1] == pd.Timestamp("2018-02-01") and form == "strftime:%m/%d/%Y"
    assert answers == {"dayfirst": False}  # the decision as the option that picks it
    assert note == (
        "column 'd' read month first: day first is not a regular calendar (2018-01-01 .. 2018-01-12, then "
        "2019-01-01; 353 of its 377 daily (D) steps absent)"
    )
    assert read_dates(text, Reading(dayfirst=False)).note is None  # the user's answer: nothing decided
    assert read_dates(text.iloc[:12], Reading(dayfirst=False)).note is None
    with pytest.raises(AmbiguousData, match=r"reads 2 ways"):
        read_dates(text.iloc[:12], name="d")  # one year: twelve months, or twelve days


def test_a_year_whose_two_digits_only_one_century_places_in_the_past_is_read():
    index, form, *_ = read_dates(pd.Series([f"13/{m:02d}/{y}" for y in (65, 70, 72) for m in (1, 2)]))
    assert index[0] == pd.Timestamp("1965-01-13") and index[-1] == pd.Timestamp("1972-02-13")


def test_a_value_of_a_strict_form_that_is_no_date_is_named_unless_not_strict():
    text = pd.Series(["2020-02-30", "2020-03-01"])
    with pytest.raises(
        DataError, match=r"^column 'd' writes dates as ISO date, but '2020-02-30' \(row 1\) is no such date"
    ):
        read_dates(text, name="d")
    assert read_dates(text, strict=False) is None


# -- parse_dates: a column of any dtype -----------------------------------------------------------------
def test_datetimes_and_periods_are_taken_as_they_are():
    index, form, *_ = parse_dates(pd.Series(pd.date_range("2020-01-01", periods=3, freq="MS")))
    assert index[2] == pd.Timestamp("2020-03-01") and form == "date"
    index, form, *_ = parse_dates(pd.Series(pd.period_range("2020Q1", periods=3, freq="Q")))
    assert list(index) == list(pd.to_datetime(["2020-01-01", "2020-04-01", "2020-07-01"]))
    assert form == "period:QE-DEC"
    assert parse_dates(pd.Series([201801, 201802]))[1] == "strftime:%Y%m"  # integers: integer_dates


def test_text_labels_keep_their_rows_missing_values_and_repeats():
    index, form, *_ = parse_dates(pd.Series(["2020-01-01", None, "2020-01-03", "2020-01-01"]))
    assert form == "date" and index.isna().tolist() == [False, True, False, False]
    assert index[0] == index[3] == pd.Timestamp("2020-01-01") and index[2] == pd.Timestamp("2020-01-03")


@pytest.mark.parametrize(
    "values",
    [["Jan", "Feb"], ["00:00", "01:00"], ["a", "b"], [1.5, 2.5], [True, False]],
    ids=["month names", "times of day", "words", "floats", "booleans"],
)
def test_columns_that_are_no_time_axis_alone_are_none(values):
    assert parse_dates(pd.Series(values)) is None


def test_mixed_utc_offsets_are_refused_with_tsrnn_s_own_advice():
    column = pd.Series(["2024-03-30 12:00:00+01:00", "2024-03-31 12:00:00+02:00"], name="ts")
    with pytest.raises(
        DataError, match=r"^time column 'ts' mixes time zones .* convert the timestamps to UTC"
    ):
        parse_dates(column)


# -- times of day, integers, decimal years ---------------------------------------------------------------
def test_times_of_day_are_offsets_from_midnight():
    offsets = times_of_day(pd.Series(["00:00", "9:30", "23:59"]))
    assert list(offsets) == [pd.Timedelta(0), pd.Timedelta("9h30min"), pd.Timedelta("23h59min")]
    with_seconds = times_of_day(pd.Series(["00:00:30", "12:00:00.5"]))
    assert list(with_seconds) == [pd.Timedelta("30s"), pd.Timedelta("12h0.5s")]
    mixed = times_of_day(pd.Series(["00:00", "23:59:59", "1:30"]))  # seconds written on some rows only
    assert list(mixed) == [pd.Timedelta(0), pd.Timedelta("23:59:59"), pd.Timedelta("1h30min")]
    assert times_of_day(pd.Series(["00:00", "noon"])) is None
    assert times_of_day(pd.Series(["00:00", None])) is None
    assert times_of_day(pd.Series([1, 2])) is None


def test_integer_dates_read_year_months_and_refuse_an_epoch_without_its_unit():
    index, form, *_ = integer_dates(pd.Series([201801, 201802], name="m"))
    assert list(index) == list(pd.to_datetime(["2018-01-01", "2018-02-01"])) and form == "strftime:%Y%m"
    repeats = pd.Series([201801, 201802, 201801])
    assert integer_dates(repeats) is None and integer_dates(pd.Series([201801])) is None
    assert list(integer_dates(repeats, repeated=True)[0]) == list(
        pd.to_datetime(["2018-01-01", "2018-02-01", "2018-01-01"])
    )
    seconds = pd.Series([1577836800, 1577923200], name="timestamp")
    with pytest.raises(DataError, match=r"^column 'timestamp' holds the integers 1577836800, 1577923200"):
        integer_dates(seconds)
    index, form, *_ = integer_dates(seconds, reading=Reading(epoch="s"))
    assert index[1] == pd.Timestamp("2020-01-02") and index.name == "timestamp" and form == "epoch:s"


@pytest.mark.parametrize("name", ["timestamp", "UnixTS", "createdTs", "epoch_ms", "DateTime"])
def test_integers_in_a_column_named_as_timestamps_ask_for_their_unit(name):
    # the column's name split into words as the time-column finder splits it (time_words.name_words)
    seconds = pd.Series(1577836800 + 86400 * np.arange(3), name=name)
    with pytest.raises(DataError, match=rf"column '{name}' holds the integers 1577836800, 1577923200"):
        integer_dates(seconds)
    assert integer_dates(seconds.rename("visitors")) is None  # plain numbers
    assert integer_dates(seconds, reading=Reading(epoch="s")).timestamps[1] == pd.Timestamp("2020-01-02")


def test_decimal_years_written_back_read_again_and_other_floats_do_not():
    written = format_labels(pd.date_range("1949-01-01", periods=24, freq="MS"), "decimal:12").astype(float)
    assert decimal_years(pd.Series(written, name="time"))[1] == "decimal:12"
    index, form, *_ = decimal_years(pd.Series([1959.0, 1959.25, 1959.5, 1959.75], name="q"))
    assert form == "decimal:4" and index.name == "q" and index[1] == pd.Timestamp("1959-04-01")
    assert decimal_years(pd.Series([1000.25, 1000.5, 1000.75, 1001.0])) is None  # beyond pandas dates
    assert decimal_years(pd.Series(np.arange(1800, 1810, 0.5))) is None  # half steps: not months
    assert decimal_years(pd.Series([1990.0, 1991.0])) is None  # whole years: integer years elsewhere
    assert (
        decimal_years(pd.Series([1990, 1991])) is None and decimal_years(pd.Series([1990.5, np.nan])) is None
    )


# -- writing labels back ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "form, written",
    [
        ("epoch:s", [631152000, 654739200]),
        ("epoch:ms", [631152000000, 654739200000]),
        ("year.quarter", [1990.1, 1990.4]),
        ("quarter-first: ", ["Q1 1990", "Q4 1990"]),
        ("fiscal:/", ["1990/91", "1990/91"]),
        ("decimal:12", [1990.0, 1990.75]),
        ("month", ["1990-01", "1990-10"]),
        ("quarter", ["1990Q1", "1990Q4"]),
        ("quarter-dash", ["1990-Q1", "1990-Q4"]),
        ("quarter-space", ["1990 Q1", "1990 Q4"]),
        ("period:M", ["1990-01", "1990-10"]),
        ("date", ["1990-01-01", "1990-10-01"]),
        ("strftime:%d/%m/%Y", ["01/01/1990", "01/10/1990"]),
        ("timestamp", ["1990-01-01T00:00:00", "1990-10-01T00:00:00"]),  # any other form: ISO
    ],
)
def test_format_labels_writes_each_form_and_keeps_the_name(form, written):
    labels = format_labels(pd.DatetimeIndex(["1990-01-01", "1990-10-01"], name="t"), form)
    assert list(labels) == written and labels.name == "t"


def test_labels_without_a_form_or_dates_stay_as_they_are():
    steps = pd.Index([1, 2])
    assert format_labels(steps, "date") is steps
    stamps = pd.DatetimeIndex(["2020-01-01 12:30"])
    assert format_labels(stamps, None) is stamps


def test_labelled_writes_the_index_ds_and_cutoff_in_the_frame_s_form():
    frame = pd.DataFrame(
        {
            "ds": pd.to_datetime(["2020-01-01", "2020-02-01"]),
            "cutoff": pd.to_datetime(["2019-12-01"] * 2),
            "y": [1.0, 2.0],
        },
        index=pd.DatetimeIndex(["2021-03-01", "2021-04-01"]),
    )
    assert labelled(frame) is frame  # no form recorded: nothing to write
    frame.attrs["tsrnn.form"] = "month"
    out = labelled(frame)
    assert list(out.index) == ["2021-03", "2021-04"]
    assert out["ds"].tolist() == ["2020-01", "2020-02"] and out["cutoff"].tolist() == ["2019-12"] * 2
    assert out["y"].tolist() == [1.0, 2.0]
    assert frame["ds"].dtype.kind == "M" and isinstance(frame.index, pd.DatetimeIndex)  # a copy
