"""A reading option that the data contradicts is refused with one line (the column, the option, the
values it leaves unread, the option that reads them); an option that does not apply is accepted."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import invoke, one_line_error

import tsrnn
from tsrnn import DataError

DAYS = pd.date_range("2020-01-13", periods=12, freq="D")


def _file(tmp_path, dates: str, values: list[str], sep: str = ",", name: str = "value") -> str:
    rows = "".join(f"{d}{sep}{v}\n" for d, v in zip(DAYS.strftime(dates), values, strict=True))
    path = tmp_path / "data.csv"
    path.write_text(f"date{sep}{name}\n{rows}")
    return str(path)


COUNTS = [str(100 + i) for i in range(12)]


@pytest.mark.parametrize(
    "dates, dayfirst, message",
    [
        (
            "%m/%d/%Y",
            True,
            "column 'date' cannot be read with dayfirst=True: '01/13/2020', '01/14/2020', '01/15/2020' ... are "
            "no dates with it; the column reads with dayfirst=False",
        ),
        (
            "%d/%m/%Y",
            False,
            "column 'date' cannot be read with dayfirst=False: '13/01/2020', '14/01/2020', '15/01/2020' ... are "
            "no dates with it; the column reads with dayfirst=True",
        ),
    ],
)
def test_a_date_order_the_column_contradicts_is_refused(tmp_path, dates, dayfirst, message):
    path = _file(tmp_path, dates, COUNTS)
    with pytest.raises(DataError, match=f"^{message.replace('.', '[.]')}$"):
        tsrnn.read(path, dayfirst=dayfirst)
    frame = tsrnn.read(path, dayfirst=not dayfirst).to_frame()  # the order that fits reads it
    assert list(frame.index) == list(DAYS)


def test_only_the_dates_the_order_leaves_unread_are_shown(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("date,value\n01/12/2020,1\n01/13/2020,2\n01/14/2020,3\n")
    with pytest.raises(
        DataError, match=r"^column 'date' cannot be read with dayfirst=True: '01/13/2020', '01/14/2020' are"
    ):
        tsrnn.read(path, dayfirst=True)


def test_an_option_that_does_not_apply_is_accepted(tmp_path):
    path = _file(tmp_path, "%Y-%m-%d", COUNTS)  # ISO dates, numbers below a thousand without a decimal
    for options in (
        {"dayfirst": True},
        {"dayfirst": False},
        {"decimal": ","},
        {"thousands": "."},
        {"century": 1900},
    ):
        frame = tsrnn.read(path, **options).to_frame()
        assert list(frame.index) == list(DAYS) and frame["value"].tolist() == [100.0 + i for i in range(12)]


@pytest.mark.parametrize(
    "values, sep, options, message",
    [
        (
            [f"{100 + i}.25" for i in range(12)],
            ";",
            {"decimal": ","},
            "column 'value' cannot be read with decimal=',': '100.25', '101.25', '102.25' ... are no numbers with "
            "it; the column reads with decimal='.'",
        ),
        (
            [f"{100 + i}.25" for i in range(12)],
            ",",
            {"decimal": ","},
            "column 'value' cannot be read with decimal=',': '100.25', '101.25', '102.25' ... are no numbers with "
            "it; the column reads with decimal='.'",
        ),
        (
            [f"{100 + i},5" for i in range(12)],
            ";",
            {"decimal": "."},
            "column 'value' cannot be read with decimal='.': '100,5', '101,5', '102,5' ... are no numbers with "
            "it; the column reads with decimal=','",
        ),
        (
            [f"1.{100 + i},5" for i in range(12)],
            ";",
            {"thousands": ","},
            "column 'value' cannot be read with thousands=',': '1.100,5', '1.101,5', '1.102,5' ... are no numbers "
            "with it; the column reads with decimal=',' or thousands='.'",
        ),
        (
            [f"1.{100 + i},5" for i in range(12)],
            ";",
            {"thousands": ""},
            "column 'value' cannot be read with thousands='': '1.100,5', '1.101,5', '1.102,5' ... are no numbers "
            "with it; the column reads with decimal=',' or thousands='.'",
        ),
        (
            [f"{100 + i}.25" for i in range(12)],
            ";",
            {"thousands": "."},
            "column 'value' cannot be read with thousands='.': '100.25', '101.25', '102.25' ... are no numbers "
            "with it; the column reads with decimal='.'",
        ),
        (
            [str(950 + 20 * i) for i in range(12)],
            ",",
            {"thousands": "."},
            "thousands='.' groups the digits of no number in the file, and column 'value' writes 1010, 1030, 1050 "
            "... without it; leave the option out, or say that the file groups no digits with thousands=''",
        ),
    ],
)
def test_a_number_option_the_column_contradicts_is_refused(tmp_path, values, sep, options, message):
    path = _file(tmp_path, "%Y-%m-%d", values, sep)
    with pytest.raises(DataError) as err:
        tsrnn.read(path, **options)
    assert str(err.value).endswith(message)


def test_a_thousands_mark_the_file_uses_reads_its_numbers(tmp_path):
    # a comma file grouping thousands with points: 1.050 is 1050 with thousands='.' (it was read as 1.05)
    path = _file(tmp_path, "%Y-%m-%d", ["1.050", "1.100", "950"] * 4)
    assert tsrnn.read(path, thousands=".").to_frame()["value"].tolist()[:3] == [1050.0, 1100.0, 950.0]
    # a year column is not asked to group its digits
    path = tmp_path / "years.csv"
    path.write_text("year;visitors\n" + "".join(f"{2000 + i};{i + 1}.{i:03d}\n" for i in range(12)))
    assert tsrnn.read(path, thousands=".").to_frame()["visitors"].tolist()[:2] == [1000.0, 2001.0]


def test_no_header_on_a_file_whose_first_row_names_the_columns_is_refused(tmp_path):
    path = _file(tmp_path, "%Y-%m-%d", COUNTS)
    with pytest.raises(
        DataError,
        match=r"^column '0' cannot be read with header=False: its first field 'date' is a name over dates "
        r"\(2020-01-13, 2020-01-14, \.\.\.\), not a value; the file reads with header=True$",
    ):
        tsrnn.read(path, header=None)
    headless = tmp_path / "headless.csv"
    headless.write_text("".join(open(path).readlines()[1:]))
    assert tsrnn.read(headless, header=None).to_frame().shape == (12, 1)  # a file without one reads


def test_the_command_line_names_its_flags(tmp_path):
    fit = ("fit", "--epochs", "1", "--hidden", "4", "--out", tmp_path / "run")
    one_line_error(
        invoke(*fit, "--data", _file(tmp_path, "%m/%d/%Y", COUNTS), "--dayfirst"),
        "column 'date' cannot be read with --dayfirst: '01/13/2020', '01/14/2020', '01/15/2020' ... are no "
        "dates with it; the column reads with --monthfirst",
    )
    one_line_error(
        invoke(
            *fit,
            "--data",
            _file(tmp_path, "%Y-%m-%d", [f"{100 + i}.25" for i in range(12)]),
            "--decimal",
            ",",
        ),
        "column 'value' cannot be read with --decimal ,: '100.25', '101.25', '102.25' ... are no numbers with it; "
        "the column reads with --decimal .",
    )
    one_line_error(
        invoke(
            *fit,
            "--data",
            _file(tmp_path, "%Y-%m-%d", [str(950 + 20 * i) for i in range(12)]),
            "--thousands",
            ".",
        ),
        "--thousands . groups the digits of no number in the file, and column 'value' writes 1010, 1030, 1050 ... "
        "without it; leave the option out, or say that the file groups no digits with --thousands none",
    )
    assert not (tmp_path / "run").exists()
