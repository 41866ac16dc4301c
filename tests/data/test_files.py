"""tsrnn.data.files: reading CSV, gzip and Parquet data files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn.base.errors import DataError
from tsrnn.data.files import read_csv
from tsrnn.data.reading import AmbiguousData, Reading


def test_read_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    pd.testing.assert_frame_equal(read_csv(path), pd.DataFrame({"a": [1, 3], "b": [2, 4]}))
    with pytest.raises(DataError, match=r"data file '.*missing\.csv' does not exist or is not a file"):
        read_csv(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DataError, match=r"is empty; expected a header row"):
        read_csv(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("a,b\n")
    with pytest.raises(DataError, match=r"has a header but no rows"):
        read_csv(tmp_path / "header.csv")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a;b\n1,5;2\n2,5;3\n", {"a": [1.5, 2.5], "b": [2, 3]}),  # semicolons and decimal commas
        ("a;b\n1.5;2\n2.5;3\n", {"a": [1.5, 2.5], "b": [2, 3]}),  # semicolons and decimal points
        ("a\tb\n1.5\t2\n2.5\t3\n", {"a": [1.5, 2.5], "b": [2, 3]}),
        ("day;x\n2024-01-01;1,5\n2024-01-02;2,5\n", {"day": ["2024-01-01", "2024-01-02"], "x": [1.5, 2.5]}),
        # a German spreadsheet: thousands grouped by dots beside decimal commas
        (
            "Datum;Umsatz;Kosten\n31.01.2015;11.200,00;37,33\n28.02.2015;9.850,5;1.204,1\n",
            {"Datum": ["31.01.2015", "28.02.2015"], "Umsatz": [11200.0, 9850.5], "Kosten": [37.33, 1204.1]},
        ),
        (
            "a;b\n1.234;2\n2.5;3\n",
            {"a": [1.234, 2.5], "b": [2, 3]},
        ),  # no decimal comma: dots are decimal points
        (
            "Datum;Kurs\n2020-01-01;1,25\n2020-01-02;1,375\n",  # 1,25: no thousands group
            {"Datum": ["2020-01-01", "2020-01-02"], "Kurs": [1.25, 1.375]},
        ),
        (
            "date\tv\n2020-01-01\t1,5\n2020-01-02\t2\n",
            {"date": ["2020-01-01", "2020-01-02"], "v": [1.5, 2.0]},
        ),
        (
            "date;ventes\n2020-01-01;1 234,5\n2020-01-02;12\u00a0345\n2020-01-03;999,25\n",  # French: spaces group
            {"date": ["2020-01-01", "2020-01-02", "2020-01-03"], "ventes": [1234.5, 12345.0, 999.25]},
        ),
    ],
)
def test_read_csv_finds_semicolons_and_tabs(tmp_path, text, expected):
    path = tmp_path / "s.csv"
    path.write_text(text)
    frame = read_csv(path)
    assert list(frame.columns) == list(expected)
    for column, values in expected.items():
        assert frame[column].tolist() == values


def test_read_csv_skips_blank_rows_and_reads_missing_marks_and_windows_encodings(tmp_path):
    path = tmp_path / "blank.csv"  # the empty rows a spreadsheet leaves between blocks and at the end
    path.write_text("Date,Sales\n2020-01-01,1\n,\n2020-01-02,2\n\n2020-01-03,3\n,\n,\n")
    frame = read_csv(path)
    assert frame["Date"].tolist() == ["2020-01-01", "2020-01-02", "2020-01-03"] and frame[
        "Sales"
    ].tolist() == [1, 2, 3]
    fred = tmp_path / "fred.csv"  # FRED writes a missing value as a lone dot, Eurostat as a colon
    fred.write_text("DATE,UNRATE,EU\n2016-08-01,4.9,3\n2016-09-01,.,:\n2016-10-01,4.9,4\n")
    frame = read_csv(fred)
    assert frame["UNRATE"].isna().tolist() == [False, True, False] and frame["UNRATE"].dtype == np.float64
    assert frame["EU"].isna().tolist() == [False, True, False]
    unicode = tmp_path / "unicode.txt"  # Excel's "Unicode text": UTF-16 with its byte-order mark, tabs
    unicode.write_bytes("Datum\tTempérature\n2020-01-01\t1,5\n2020-01-02\t2,5\n".encode("utf-16"))
    assert read_csv(unicode).to_dict("list") == {
        "Datum": ["2020-01-01", "2020-01-02"],
        "Température": [1.5, 2.5],
    }
    latin = tmp_path / "latin.csv"  # saved by a Windows spreadsheet: cp1252, not UTF-8
    latin.write_bytes("Datum;Température °C\n2020-01-01;1,5\n2020-01-02;2,5\n".encode("cp1252"))
    assert list(read_csv(latin).columns) == ["Datum", "Température °C"]
    assert read_csv(latin)["Température °C"].tolist() == [1.5, 2.5]


def test_a_long_file_s_columns_are_named_as_the_file_names_them_until_read(tmp_path):
    path = tmp_path / "long.csv"
    rows = "".join(f"{uid};{d:02d}.01.2020;1.{d:03d}\n" for uid in ("01", "1") for d in range(1, 13))
    path.write_text("store;date;sales\n" + rows)
    roles = {"store": "unique_id", "date": "ds", "sales": "y"}
    with pytest.raises(AmbiguousData, match=r"^column 'sales' \('1.001', '1.002', '1.003'\) reads 2 ways"):
        read_csv(path, Reading(columns=roles))  # the file's name, not the role it is renamed to
    frame = read_csv(path, Reading(thousands=".", columns=roles))
    assert list(frame.columns) == ["unique_id", "ds", "y"]
    assert frame["unique_id"].tolist()[:1] + frame["unique_id"].tolist()[-1:] == ["01", "1"]  # ids as text
    assert frame["y"].tolist()[:2] == [1001, 1002]
