"""tsrnn.data.series: series from arrays and DataFrames, checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn.base.errors import DataError
from tsrnn.data.series import as_series


def test_as_series_from_arrays_and_frames():
    s = as_series(np.arange(5))
    assert s.values.shape == (5, 1) and s.values.dtype == np.float32
    assert s.columns == ["f0"] and s.length == 5 and s.n_features == 1
    df = pd.DataFrame({"a": [1.0, 2.0], "name": ["x", "y"], "b": [3, 4]})
    s = as_series(df)
    assert s.columns == ["a", "b"]  # numeric columns only
    np.testing.assert_array_equal(s.values, [[1.0, 3.0], [2.0, 4.0]])
    assert s.values.flags.writeable and s.values.flags.c_contiguous
    assert as_series(pd.Series([1.0, 2.0], name="load")).columns == ["load"]


@pytest.mark.parametrize(
    "data, match",
    [
        (np.zeros((2, 2, 2)), r"expected a series of shape \(T,\) or \(T, F\), got shape \(2, 2, 2\)"),
        (np.zeros((0, 2)), r"expected a series with at least one time step, got 0 rows"),
        (pd.DataFrame({"s": ["a", "b"]}), r"expected at least one numeric column, got columns \['s'\]"),
        ([["a", "b"]], r"expected a numeric array of shape \(T, F\) or a DataFrame, got list"),
    ],
)
def test_as_series_rejects(data, match):
    with pytest.raises(DataError, match=match):
        as_series(data)


def test_non_finite_value_names_the_date():
    df = pd.DataFrame({"x": [1.0, np.inf, 3.0]}, index=pd.date_range("2024-01-01", periods=3, freq="D"))
    with pytest.raises(
        DataError, match=r"non-finite value \(inf\) at row 1 \(2024-01-02 00:00:00\), column 'x'"
    ):
        as_series(df)


@pytest.mark.parametrize(
    "values, shown",
    [
        (
            np.array([[np.inf], [-np.inf]], dtype=np.float32),
            r"\(inf\) at row 0",
        ),  # their sum is NaN: no warning
        (np.array([[1.0], [np.nan]], dtype=np.float16), r"\(nan\) at row 1"),
    ],
)
def test_non_finite_values_are_named_without_warnings(values, shown):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match=shown):
            as_series(values)
        s = as_series(np.array([[3e38], [3e38]], dtype=np.float32))  # huge but finite: accepted
    assert s.values.max() == np.float32(3e38)
