"""tsrnn.data.series: reading series, the train-span scaler, and how an index continues."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tsrnn.base.errors import DataError
from tsrnn.data.series import Scaler, as_series, future_index, index_spec, read_csv


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


def test_scaler_standardises_and_inverts():
    values = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, 4.0], [5.0, 5.0, 9.0]], dtype=np.float32)
    sc = Scaler().fit(values)
    np.testing.assert_allclose(sc.mean_, values.mean(axis=0))
    np.testing.assert_allclose(
        sc.scale_, [values[:, 0].std(), 1.0, values[:, 2].std()], rtol=1e-6
    )  # constant -> 1
    z = sc.transform(values)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(z[:, 1], 0.0)
    np.testing.assert_allclose(sc.inverse_transform(z), values, rtol=1e-6)
    # a column subset: the targets' statistics only
    np.testing.assert_allclose(
        sc.inverse_transform(z[:, [2, 0]], columns=[2, 0]), values[:, [2, 0]], rtol=1e-6
    )
    back = Scaler.from_dict(json.loads(json.dumps(sc.to_dict())))
    np.testing.assert_array_equal(back.mean_, sc.mean_)
    np.testing.assert_array_equal(back.scale_, sc.scale_)


def test_unfitted_scaler():
    with pytest.raises(DataError, match=r"this Scaler is not fitted yet; call 'fit' first"):
        Scaler().transform(np.zeros((2, 2)))


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


@pytest.mark.parametrize(
    "index, steps, expected",
    [
        (pd.RangeIndex(10, name="t"), 3, pd.RangeIndex(10, 13, name="t")),
        (pd.RangeIndex(0, 50, 10), 2, pd.RangeIndex(50, 70, 10)),
        (pd.Index([3, 7]), 2, pd.RangeIndex(11, 19, 4)),
        (
            range(5, 10),
            2,
            pd.RangeIndex(10, 12),
        ),  # an array's series carries range(T); slices keep their start
        (range(0, 20, 5), 1, pd.RangeIndex(20, 21)),
        (pd.Index(["a", "b", "c"]), 2, pd.RangeIndex(3, 5)),  # labels that cannot continue: step numbers
        (
            pd.date_range("2024-01-31", periods=3, freq="ME"),
            2,
            pd.date_range("2024-04-30", periods=2, freq="ME"),
        ),
        (
            pd.date_range("2024-01-01 22:00", periods=5, freq="h"),
            3,
            pd.date_range("2024-01-02 03:00", periods=3, freq="h"),
        ),
    ],
)
def test_index_continues(index, steps, expected):
    spec = index_spec(index)
    assert json.loads(json.dumps(spec)) == spec  # stored in config.json
    pd.testing.assert_index_equal(future_index(spec, steps), expected)
