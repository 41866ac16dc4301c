"""tsrnn.data.long_layout: long data as one panel, sorted once, gaps reindexed, filled or refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError
from tsrnn.data.long_layout import long_panel


def ragged() -> pd.DataFrame:
    """Series 'b' (rows first, March to July 2020, May absent) and 'a' (January to June 2020)."""
    a = pd.DataFrame(
        {"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=6, freq="MS"), "y": np.arange(6.0)}
    )
    b = pd.DataFrame(
        {"unique_id": "b", "ds": pd.date_range("2020-03-01", periods=5, freq="MS"), "y": 10 + np.arange(5.0)}
    )
    return pd.concat([b.drop(index=[2]), a])


def test_series_are_sorted_by_id_and_a_gap_becomes_a_filled_step():
    panel = long_panel(ragged(), fill="interpolate")
    assert panel.ids == ["a", "b"] and panel.starts.tolist() == [0, 6] and panel.lengths.tolist() == [6, 5]
    assert panel.last.tolist() == [5, 6]  # grid positions from January 2020: June, July
    assert panel.values[:, 0].tolist() == [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14]
    report = panel.report
    assert report["gaps"] == {"b": ["2020-05-01"]} and report["series_with_gaps"] == 1
    assert report["values_filled"] == 1 and report["freq"] == "MS" and report["season"] == 12


def test_dropping_a_gap_keeps_each_series_complete_rows():
    panel = long_panel(ragged(), fill="drop")
    assert (
        panel.starts.tolist() == [0, 6] and panel.lengths.tolist() == [6, 4] and panel.last.tolist() == [5, 6]
    )
    assert panel.values[6:, 0].tolist() == [10, 11, 13, 14]


def test_gaps_and_repeated_steps_are_refused_naming_the_series():
    with pytest.raises(
        DataError,
        match=r"series 'b': the series misses 1 period\(s\) of its monthly \(MS\) calendar: 2020-05-01",
    ):
        long_panel(ragged())
    with pytest.raises(DataError, match=r"series 'b': the time index repeats timestamps: 2020-03-01"):
        long_panel(pd.concat([ragged(), ragged().iloc[:1]]))
