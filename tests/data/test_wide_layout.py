"""tsrnn.data.wide_layout: one series as people keep it, cleaned by prepare_wide."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError, InvalidParameterError
from tsrnn.data.wide_layout import prepare_wide


def months_with_a_gap() -> pd.DataFrame:
    """Six months written ``2020-01``, March absent, rows in reverse, and a column of text."""
    frame = pd.DataFrame(
        {
            "month": pd.date_range("2020-01-01", periods=6, freq="MS").strftime("%Y-%m"),
            "sales": np.arange(6.0),
            "note": list("abcdef"),
        }
    )
    return frame.drop(index=[2]).iloc[::-1]


def test_a_frame_is_sorted_on_its_calendar_and_its_gap_filled_and_reported():
    clean, report = prepare_wide(months_with_a_gap(), fill="ffill")
    assert clean.index[2] == pd.Timestamp("2020-03-01") and clean["sales"].tolist() == [0, 1, 1, 3, 4, 5]
    assert (
        report["gaps"] == ["2020-03"]
        and report["values_filled"] == 1
        and report["text_columns"] == {"note": "a"}
    )
    assert (report["time_col"], report["time_form"], report["freq"], report["season"]) == (
        "month",
        "month",
        "MS",
        12,
    )
    assert clean.attrs["tsrnn.form"] == "month" and clean.attrs["tsrnn.freq"] == "MS"


def test_a_gap_without_a_fill_policy_and_a_bad_irregular_are_refused():
    with pytest.raises(
        DataError, match=r"the series misses 1 period\(s\) of its monthly \(MS\) calendar: 2020-03;"
    ):
        prepare_wide(months_with_a_gap())
    with pytest.raises(InvalidParameterError, match=r"irregular must be 'error' or 'ignore', got 'maybe'"):
        prepare_wide(months_with_a_gap(), irregular="maybe")
