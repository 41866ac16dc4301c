"""Refusals name a row of a file by its line (the header counted, 1-based), and a row of a frame as
'row N' (1-based): not pandas' 0-based position."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error

import tsrnn
from tsrnn import DataError
from tsrnn.data.reading import LINES, rows_said

MONTHS = pd.date_range("2015-01-01", periods=24, freq="MS").strftime("%Y-%m-%d").tolist()


def _wide(tmp_path, dates=MONTHS, values=None, extra="") -> str:
    values = values or [str(400 + i) for i in range(len(dates))]
    path = tmp_path / "data.csv"
    path.write_text(
        "date,value\n" + "".join(f"{d},{v}\n" for d, v in zip(dates, values, strict=True)) + extra
    )
    return str(path)


def test_rows_said_counts_the_header_blank_lines_and_quoted_line_breaks():
    frame = pd.DataFrame({"a": range(6)})
    frame.attrs[LINES] = {"first": 2, "after": [2], "extra": [3]}  # row 2 spans four lines
    assert rows_said(frame, [0, 2, 3, 5]) == ["line 2", "line 4", "line 8", "line 10"]
    assert rows_said(pd.DataFrame({"a": range(3)}), [0, 2]) == ["row 1", "row 3"]  # a frame: 1-based
    dated = pd.DataFrame({"a": range(2)}, index=pd.to_datetime(["2020-01-01", "2020-01-02"]))
    assert rows_said(dated, dated.index[1:]) == ["2020-01-02 00:00:00"]  # its own labels


def test_a_file_names_the_line_of_a_bad_value_after_blank_lines_and_a_quoted_line_break(tmp_path):
    path = tmp_path / "notes.csv"
    rows = [f"{m},{400 + i},ok" for i, m in enumerate(MONTHS)]
    rows[3] = f'{MONTHS[3]},403,"two\nlines"'  # the record on lines 5-6
    rows[8] = f"{MONTHS[8]},oops,ok"  # data row 8: line 2 + 8 + 1 blank line + 1 line break = 12
    text = "date,value,note\n" + "\n".join(rows[:5]) + "\n\n" + "\n".join(rows[5:]) + "\n"
    path.write_text(text)
    assert text.splitlines()[11].startswith(f"{MONTHS[8]},oops")  # line 12 of the file
    with pytest.raises(
        DataError, match=r"^column 'value' has text where numbers are expected: 'oops' at line 12$"
    ):
        tsrnn.read(path, time_col="none")


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d, v: (d[:7] + [d[6]] + d[8:], v),  # data rows 6 and 7: lines 8 and 9
            "the time index repeats timestamps: 2015-07-01 (line 8 and line 9); each step must appear once",
        ),
        (
            lambda d, v: (d[:3] + [""] + d[4:], v),
            "the time (column 'date') is missing at line 5; give every row its time",
        ),
        (
            lambda d, v: (d[:3] + ["2015-13-45"] + d[4:], v),
            "column 'date' writes dates as ISO date, but '2015-13-45' (line 5) is no such date",
        ),
        (
            lambda d, v: (d, v[:6] + ["1e400"] + v[7:]),
            "column 'value', line 8: the number 1e400... (5 characters) is beyond the range of float64",
        ),
    ],
)
def test_a_wide_file_names_lines(tmp_path, change, message):
    dates, values = change(list(MONTHS), [str(400 + i) for i in range(24)])
    path = _wide(tmp_path, dates, values)
    one_line_error(invoke("fit", "--data", path, "--epochs", "1", "--hidden", "4"), message)


def test_a_long_file_names_lines_and_a_frame_its_rows(tmp_path):
    rows = [("a" if i < 12 else "b", MONTHS[i % 12], 100 + i) for i in range(24)]
    long = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    missing = long.assign(unique_id=np.where(long.index == 14, None, long["unique_id"]))
    missing.to_csv(tmp_path / "ids.csv", index=False)
    with pytest.raises(DataError, match=r"^column 'unique_id' has missing ids at line 16$"):
        tsrnn.read(tmp_path / "ids.csv", id_col="unique_id")
    with pytest.raises(DataError, match=r"^column 'unique_id' has missing ids at row 15$"):
        tsrnn.read(missing)  # a frame: its 15th row
    repeated = long.assign(ds=np.where(long.index == 15, MONTHS[2], long["ds"]))  # b's rows 14, 15
    repeated.to_csv(tmp_path / "dup.csv", index=False)
    with pytest.raises(
        DataError,
        match=r"^series 'b': the time index repeats timestamps: 2015-03-01 \(line 16 and line 17\); ",
    ):
        tsrnn.read(tmp_path / "dup.csv")
    text = long.astype({"y": object})
    text.loc[16, "y"] = "oops"
    text.to_csv(tmp_path / "text.csv", index=False)
    with pytest.raises(
        DataError, match=r"^column 'y' has text where numbers are expected: 'oops' at line 18$"
    ):
        tsrnn.read(tmp_path / "text.csv")
