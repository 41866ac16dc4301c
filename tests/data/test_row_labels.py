"""tsrnn.data.row_labels: the row-label columns to_csv and R write, never features nor time."""

from __future__ import annotations

import pandas as pd

from tsrnn.data.row_labels import is_index_column, row_number_columns


def test_leading_index_columns_of_consecutive_integers_are_row_labels():
    frame = pd.DataFrame({"Unnamed: 0": [0, 1, 2], "Unnamed: 0.1": [0, 1, 2], "y": [1.0, 2.0, 3.0]})
    assert row_number_columns(frame) == ["Unnamed: 0", "Unnamed: 0.1"]  # a file written twice
    assert row_number_columns(frame, keep=["Unnamed: 0"]) == []  # a chosen feature stays one
    assert row_number_columns(frame[["y"]]) == []  # a column alone is no row label


def test_repeated_labels_of_concatenated_tables_count_and_others_do_not():
    assert row_number_columns(pd.DataFrame({"rownames": [1, 2, 3, 1, 2], "y": range(5)})) == ["rownames"]
    assert (
        row_number_columns(pd.DataFrame({"rownames": [1, 2, 2], "y": range(3)})) == []
    )  # 2 more often than 1
    assert row_number_columns(pd.DataFrame({"id": [0, 1, 2], "y": range(3)})) == []  # not named as an index
    assert is_index_column("") and is_index_column("row.names") and not is_index_column("id")
