"""tsrnn.data.fields: a text file's fields typed column by column, and a header row told from data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError
from tsrnn.data.fields import MAX_FIELD, header_is_data, typed_columns
from tsrnn.data.reading import Reading


def test_each_column_is_typed_from_its_text_and_the_ids_stay_as_written():
    text = pd.DataFrame(
        {
            "unique_id": ["01", "1e3", "NA"],
            "ds": ["2020-01-01", "2020-01-02", "2020-01-03"],
            "y": ["1,5", ".", "2,25"],
        },
        dtype=str,
    )
    typed = typed_columns(text, "x.csv", Reading(), ";", "unique_id")  # a semicolon file: decimal commas
    assert typed["unique_id"].tolist() == ["01", "1e3", "NA"] and typed["ds"].tolist()[0] == "2020-01-01"
    assert typed["y"].dtype == np.float64 and typed["y"].isna().tolist() == [False, True, False]
    assert typed["y"].iloc[[0, 2]].tolist() == [1.5, 2.25]
    with pytest.raises(DataError, match=rf"column 'y', row 2: a field of {MAX_FIELD + 1} characters"):
        typed_columns(pd.DataFrame({"y": ["a", "x" * (MAX_FIELD + 1)]}), "x.csv", Reading(), ",", None)


def test_a_header_row_of_a_date_over_dates_and_numbers_is_data():
    assert header_is_data(pd.DataFrame({"2020-01-01": ["2020-01-02"], "1.5": [2.0]}), Reading(), ",")
    assert not header_is_data(pd.DataFrame({"date": ["2020-01-02"], "y": [1.0]}), Reading(), ",")
    with pytest.raises(
        DataError, match=r"the first row \(1, 2\) reads as data, not column names; choose with header"
    ):
        header_is_data(pd.DataFrame({"1": [1.0], "2": [2.0]}), Reading(), ",")  # numbers alone: not certain
