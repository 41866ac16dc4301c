"""tsrnn.data.frames: what the wide and the long layout share: the layout test, refusals, numeric
columns and the fill policies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError, InvalidParameterError
from tsrnn.data.frames import check_frame, fill_missing, is_long, numeric_columns


@pytest.mark.parametrize(
    "fill, values, counted",
    [
        ("ffill", [[1.0, 1.0], [1.0, 2.0], [3.0, 2.0]], {"values_filled": 2}),
        ("interpolate", [[1.0, 1.0], [2.0, 2.0], [3.0, 2.0]], {"values_filled": 2}),
        ("drop", [[1.0, 1.0]], {"rows_dropped": 2}),
    ],
)
def test_each_fill_policy_fills_and_reports(fill, values, counted):
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, 2.0, np.nan]})
    clean, report = fill_missing(frame, fill, None, {})
    assert clean.to_numpy().tolist() == values
    assert report == {"fill": fill, "missing": {"a": 1, "b": 1}, "gaps": [], **counted}


def test_missing_values_are_refused_without_a_policy_and_never_filled_across_series():
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0]})
    with pytest.raises(
        DataError, match=r"column 'a' has 1 missing value\(s\), first at 1 .*choose a fill policy"
    ):
        fill_missing(frame, None, None, {})
    with pytest.raises(
        InvalidParameterError, match=r"fill must be one of 'ffill', 'interpolate', 'drop' or None"
    ):
        fill_missing(frame, "mean", None, {})
    two = pd.DataFrame({"y": [1.0, np.nan, np.nan, 4.0]})  # the second series' first value fills back
    assert fill_missing(two, "ffill", None, {}, groups=np.array([0, 0, 1, 1]))[0]["y"].tolist() == [
        1.0,
        1.0,
        4.0,
        4.0,
    ]


def test_columns_of_numbers_are_features_and_the_others_are_reported():
    numeric, left_out = numeric_columns(
        pd.DataFrame({"y": [1, 2], "name": ["x", "y"], "e": [None, None]}), None
    )
    assert list(numeric.columns) == ["y"] and numeric["y"].dtype == np.float64
    assert left_out == {"name": "x", "e": None}
    with pytest.raises(
        DataError, match=r"the data repeats the column name\(s\) a; give every column its own name"
    ):
        check_frame(pd.DataFrame([[1, 2]], columns=["a", "a"]))
    assert is_long(pd.DataFrame(columns=["unique_id", "ds", "y"])) and not is_long({"unique_id": 1})
