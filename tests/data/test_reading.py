"""Reading files: one test per refusal of a column that reads two ways (through the library and through
``tsrnn fit --data``) and per layout a file may have; the table of number forms is tested in
test_numbers.py, the date forms' in test_date_forms.py."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error

from tsrnn import DataError, Forecaster
from tsrnn.data.dates import format_labels, labelled
from tsrnn.data.files import read_csv
from tsrnn.data.long_layout import long_panel
from tsrnn.data.reading import AmbiguousData, Reading, with_reading
from tsrnn.data.wide_layout import prepare_wide

TINY = dict(window=4, hidden=4, layers=1, epochs=1, patience=None, val_fraction=0.0)
FIT = ("--hidden", "4", "--epochs", "1", "--window", "4", "--horizon", "1")


def csv(tmp_path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def rows(template: str, values: list[str], sep: str = ",") -> str:
    """A file of the header ``template`` and one row per day of 2020 from January 13 for ``values``."""
    days = pd.date_range("2020-01-13", periods=len(values), freq="D")
    return template + "".join(f"{d:%Y-%m-%d}{sep}{v}\n" for d, v in zip(days, values, strict=False))


THOUSANDS = ["950", "1.050", "1.100", "1.000", "975", "1.025", "990", "1.010"]


@pytest.mark.parametrize(
    "text, message, option, values",
    [
        (  # a German visitor count: 1.050 is a thousand and fifty, or one and five hundredths
            rows("Datum;Besucher\n", THOUSANDS, ";"),
            r"column 'Besucher' \('1.050', '1.100', '1.000'\) reads 2 ways",
            ["--thousands", "."],
            [950, 1050, 1100, 1000, 975, 1025, 990, 1010],
        ),
        (  # a US tab file with thousands commas
            rows("date\tvisits\n", [v.replace(".", ",") for v in THOUSANDS], "\t"),
            r"column 'visits' \('1,050', '1,100', '1,000'\) reads 2 ways",
            ["--thousands", ","],
            [950, 1050, 1100, 1000, 975, 1025, 990, 1010],
        ),
        (  # the same quoted in a comma file
            rows("date,visits\n", [f'"{v.replace(".", ",")}"' for v in THOUSANDS]),
            r"column 'visits' \('1,050', '1,100', '1,000'\) reads 2 ways",
            ["--decimal", "."],
            [950, 1050, 1100, 1000, 975, 1025, 990, 1010],
        ),
        (  # 13.234 beside decimal commas: thousands points, or decimal points in a mixed file
            rows(
                "Datum;Gewicht;Preis\n",
                [f"{v};1,5" for v in ("13.234", "14.500", "12.001", "13.100") * 2],
                ";",
            ),
            r"column 'Gewicht' \('13.234', '14.500', '12.001'\) reads 2 ways .*thousands='\.'",
            ["--decimal", ","],
            [13234, 14500, 12001, 13100] * 2,
        ),
    ],
)
def test_separators_that_read_two_ways_are_refused_and_read_with_the_option(
    tmp_path, text, message, option, values
):
    path = csv(tmp_path, text)
    with pytest.raises(AmbiguousData, match=message):
        read_csv(path)
    refused = invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run")
    one_line_error(refused, "reads 2 ways")
    assert f"{option[0]} {option[1]}" in refused.output  # the library's decimal=',' as the flag --decimal ,
    key = {"--thousands": "thousands", "--decimal": "decimal"}[option[0]]
    frame = read_csv(path, Reading(**{key: option[1]}))
    assert frame.iloc[:, 1].tolist() == values
    result = invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run", *option, "-q")
    assert result.exit_code == 0, result.output


def test_unquoted_thousands_that_shift_the_columns_are_refused(tmp_path):
    for text in (
        "date,value\n2020-01-01,1,234\n2020-01-02,1,300\n",
        "date,value\n2020-01-01,1,234\n2020-01-02,300\n",
    ):
        path = csv(tmp_path, text)
        with pytest.raises(
            DataError, match=r"rows have more fields than the header names \(2: date, value\); "
        ):
            read_csv(path)
        one_line_error(
            invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run"), 'must be quoted ("1,234")'
        )
    path = csv(tmp_path, "date,value\n2020-01-01,300\n2020-01-02,1,234\n")
    with pytest.raises(DataError, match=r"line 3 has 3 fields where the header names 2; a number written"):
        read_csv(path)


def test_numbers_pandas_would_parse_are_checked_too(tmp_path):
    # pandas reads 1.050 in a semicolon file as 1.05 without a word; every column goes through the table
    path = csv(tmp_path, "a;b\n1.050;1\n2.000;2\n")
    with pytest.raises(AmbiguousData, match=r"column 'a'"):
        read_csv(path)
    assert read_csv(path, Reading(decimal=".")).dtypes.tolist() == [np.float64, np.int64]


def time_file(tmp_path, column: str, labels, n: int | None = None) -> str:
    n = len(labels)
    values = 10 + np.sin(np.arange(n))
    lines = [f"{column},y"] + [f"{t},{v:.3f}" for t, v in zip(labels, values, strict=False)]
    return csv(tmp_path, "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "labels, message, option, first, second",
    [
        (  # UK months of one year: day first, or the first twelve days of January
            [f"01/{m:02d}/2020" for m in range(1, 13)],
            r"column 'date' \('01/02/2020', '01/03/2020', '01/04/2020'\) reads 2 ways \(day first: 2020-02-01",
            ["--dayfirst"],
            "2020-01-01",
            "2020-02-01",
        ),
        (  # German months of one year
            [f"01.{m:02d}.2020" for m in range(1, 13)],
            r"choose with dayfirst=False or dayfirst=True",
            ["--dayfirst"],
            "2020-01-01",
            "2020-02-01",
        ),
        (  # four German days, which month first reads as four months
            [f"{d:02d}.01.2020" for d in range(1, 9)],
            r"month first: 2020-02-01, 2020-03-01, 2020-04-01",
            ["--dayfirst"],
            "2020-01-01",
            "2020-01-02",
        ),
        (  # US months of one year with two-digit years, read either way day or month first
            [f"{m:02d}/01/65" for m in range(1, 13)],
            r"reads 2 ways .*dayfirst=True",
            ["--monthfirst"],
            "1965-01-01",
            "1965-02-01",
        ),
        (  # two-digit years that 19xx and 20xx both place in the past
            [
                f"{m}-{y}"
                for y in range(15, 19)
                for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
            ],
            r"century=1900: 1915-01-01.*century=2000: 2015-01-01.*choose with century=1900 or century=2000",
            ["--century", "2000"],
            "2015-01-01",
            "2015-02-01",
        ),
        (  # a spreadsheet's dates without a year
            [f"{d.day}-{d:%b}" for d in pd.date_range("2019-07-01", "2020-06-30")],
            r"column 'date' holds dates without a year \(1-Jul, 2-Jul, 3-Jul \.\.\.\), which no calendar places; "
            r"give the year of the first with year=,",
            ["--year", "2019"],
            "2019-07-01",
            "2019-07-02",
        ),
    ],
)
def test_dates_that_read_two_ways_are_refused_and_read_with_the_option(
    tmp_path, labels, message, option, first, second
):
    path = time_file(tmp_path, "date", labels)
    with pytest.raises(DataError, match=message):
        prepare_wide(read_csv(path))
    one_line_error(invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run"), option[0])  # in flags
    key = {"--dayfirst": ("dayfirst", True), "--monthfirst": ("dayfirst", False)}.get(option[0])
    reading = Reading(**dict([key])) if key else Reading(**{option[0][2:]: int(option[1])})
    clean, _ = prepare_wide(read_csv(path, reading))
    assert clean.index[0] == pd.Timestamp(first) and clean.index[1] == pd.Timestamp(second)
    result = invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run", *option, "-q")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "labels, first, second, note",
    [
        (  # US months of two years: day first would be the 1st to the 12th of two Januaries
            [f"{m:02d}/01/{y}" for y in (2018, 2019) for m in range(1, 13)],
            "2018-01-01",
            "2018-02-01",
            "column 'date' read month first: day first is not a regular calendar (2018-01-01 .. 2018-01-12, "
            "then 2019-01-01; 353 of its 377 daily (D) steps absent)",
        ),
        (  # UK months of two years: month first would be those days
            [f"01/{m:02d}/{y}" for y in (2018, 2019) for m in range(1, 13)],
            "2018-01-01",
            "2018-02-01",
            "column 'date' read day first: month first is not a regular calendar (2018-01-01 .. 2018-01-12, "
            "then 2019-01-01; 353 of its 377 daily (D) steps absent)",
        ),
        (  # German months of two years
            [f"01.{m:02d}.{y}" for y in (2020, 2021) for m in range(1, 13)],
            "2020-01-01",
            "2020-02-01",
            "column 'date' read day first: month first is not a regular calendar (2020-01-01 .. 2020-01-12, ",
        ),
        (  # two-digit years across pandas' 1969 pivot: month first, in the only century in the past
            [f"{m:02d}/01/{y}" for y in range(65, 73) for m in range(1, 13)],
            "1965-01-01",
            "1965-02-01",
            "column 'date' read month first: day first is not a regular calendar (1965-01-01 .. 1965-01-12, "
            "then 1966-01-01; ",
        ),
        (  # two-digit years across 2000: read in 1900-1905 the months would jump to 1995
            [f"{d:%b-%y}" for d in pd.date_range("1995-01-01", "2005-12-01", freq="MS")],
            "1995-01-01",
            "1995-02-01",
            "column 'date' read month name and year, century=1950: month name and year, century=1900 is not a "
            "regular calendar (1900-01-01 .. 1905-12-01, then 1995-01-01; 1068 of its 1200 monthly (MS) steps "
            "absent)",
        ),
    ],
)
def test_dates_that_only_one_reading_makes_a_time_axis_are_read_and_reported(
    tmp_path, labels, first, second, note
):
    path = time_file(tmp_path, "date", labels)
    clean, report = prepare_wide(read_csv(path))
    assert report["freq"] == "MS" and len(clean) == len(labels)
    assert clean.index[0] == pd.Timestamp(first) and clean.index[1] == pd.Timestamp(second)
    assert report["decisions"][0].startswith(note) and len(report["decisions"]) == 1
    written = list(labelled(Forecaster(**TINY).fit(clean).forecast(1))["ds"])
    assert written == list(
        format_labels(pd.DatetimeIndex([clean.index[-1] + pd.offsets.MonthBegin()]), report["time_form"])
    )
    # long data: the time labels of every series together decide, and the panel's report says so
    rows = [f"{sid},{t},{v:.1f}" for sid in ("a", "b") for v, t in enumerate(labels)]
    panel = long_panel(read_csv(csv(tmp_path, "unique_id,ds,y\n" + "\n".join(rows) + "\n", "long.csv")))
    assert panel.report["decisions"][0].startswith(note.replace("'date'", "'ds'"))
    assert panel.grid.labels([0, 1]).tolist() == [pd.Timestamp(first), pd.Timestamp(second)]


def test_one_invalid_week_is_an_error_naming_its_row(tmp_path):
    weeks = [f"2018-W{w:02d}" for w in range(1, 54)]  # 2018 has 52 ISO weeks
    path = time_file(tmp_path, "week", weeks)
    message = r"column 'week' writes dates as ISO week, but '2018-W53' \(line 54\) is no such date"
    with pytest.raises(DataError, match=message):
        prepare_wide(read_csv(path))
    one_line_error(invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run"), "'2018-W53' (line 54)")


def test_an_integer_epoch_column_is_refused_or_read_with_its_unit(tmp_path):
    seconds = 1577836800 + 86400 * np.arange(30)
    path = time_file(tmp_path, "timestamp", seconds)
    message = (
        r"column 'timestamp' holds the integers 1577836800, 1577923200 \.\.\., which may count s since 1970"
    )
    with pytest.raises(DataError, match=message):
        prepare_wide(read_csv(path))
    one_line_error(invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run"), "--epoch-unit s")
    clean, report = prepare_wide(read_csv(path, Reading(epoch="s")))
    assert report["freq"] == "D" and clean.index[0] == pd.Timestamp("2020-01-01")
    assert list(labelled(Forecaster(**TINY).fit(clean).forecast(1))["ds"]) == [1577836800 + 86400 * 30]


def test_r_decimal_years_with_three_decimals_and_year_dot_quarters_are_read(tmp_path):
    months = np.round(1949 + np.arange(36) / 12, 3)  # 1949.083: R's time() written with 3 decimals
    clean, report = prepare_wide(read_csv(time_file(tmp_path, "time", [f"{v:.3f}" for v in months])))
    assert report["freq"] == "MS" and report["time_form"] == "decimal:12" and len(clean) == 36
    quarters = [f"{y}.{q}" for y in range(1990, 1996) for q in range(1, 5)]
    clean, report = prepare_wide(read_csv(time_file(tmp_path, "quarter", quarters)))
    assert report["freq"] == "QS-JAN" and clean.index[1] == pd.Timestamp("1990-04-01")
    assert list(labelled(Forecaster(**TINY).fit(clean).forecast(2))["ds"]) == [1996.1, 1996.2]


def test_year_month_and_day_columns_make_one_daily_axis(tmp_path):
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    lines = ["Year,Month,Day,y"] + [f"{d.year},{d.month},{d.day},{i % 7}" for i, d in enumerate(days)]
    clean, report = prepare_wide(read_csv(csv(tmp_path, "\n".join(lines) + "\n")))
    assert (
        report["freq"] == "D"
        and list(clean.columns) == ["y"]
        and clean.index[31] == pd.Timestamp("2020-02-01")
    )


def test_a_year_by_month_table_is_one_monthly_series(tmp_path):
    months = ",".join(
        m.title()
        for m in ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    )
    rows = [f"{y}," + ",".join(str(y - 1990 + m / 10) for m in range(12)) for y in (1990, 1991, 1992)]
    rows[-1] = rows[-1].rsplit(",", 3)[0] + ",,,"  # the last three months not observed yet
    path = csv(tmp_path, f"YEAR,{months}\n" + "\n".join(rows) + "\n")
    clean, report = prepare_wide(read_csv(path))
    assert report["freq"] == "MS" and list(clean.columns) == ["value"] and len(clean) == 33
    assert clean.index[13] == pd.Timestamp("1991-02-01") and clean["value"].iloc[13] == pytest.approx(1.1)
    assert invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run", "-q").exit_code == 0
    other = csv(
        tmp_path, f"YEAR,{months},ANNUAL\n" + "\n".join(r + ",1" for r in rows[:2]) + "\n", "other.csv"
    )
    message = r"columns 'YEAR' and 'Jan' \.\.\. 'Dec' make a table of years by months, but 'ANNUAL'"
    with pytest.raises(DataError, match=message):
        prepare_wide(read_csv(other))


def test_a_file_without_a_header_is_read_where_certain_and_refused_otherwise(tmp_path):
    days = pd.date_range("2020-01-01", periods=20, freq="D").strftime("%Y-%m-%d")
    path = csv(tmp_path, "".join(f"{d},{i % 5}\n" for i, d in enumerate(days)))
    frame = read_csv(path)
    assert list(frame.columns) == ["0", "1"] and len(frame) == 20  # the first row is data, not names
    clean, report = prepare_wide(frame)
    assert report["time_col"] == "0" and clean.index[0] == pd.Timestamp("2020-01-01")
    numbers = csv(tmp_path, "".join(f"{i},{2 * i}\n" for i in range(1, 21)), "numbers.csv")
    message = r"the first row \(1, 2\) reads as data, not column names; choose with header=False"
    with pytest.raises(DataError, match=message):
        read_csv(numbers)
    one_line_error(invoke("fit", "--data", numbers, *FIT, "--out", tmp_path / "run"), "--no-header")
    assert len(read_csv(numbers, Reading(header=False))) == 20
    assert list(read_csv(numbers, Reading(header=True)).columns) == ["1", "2"]


# -- ids -------------------------------------------------------------------------------------------------
def test_long_ids_are_text_exactly_as_written(tmp_path):
    ids = ["1", "01", "1e3", "1000", "001", "NA"]
    days = pd.date_range("2020-01-01", periods=12, freq="D").strftime("%Y-%m-%d")
    lines = ["unique_id,ds,y"] + [
        f"{u},{d},{k + i % 3}" for k, u in enumerate(ids) for i, d in enumerate(days)
    ]
    path = csv(tmp_path, "\n".join(lines) + "\n")
    frame = read_csv(path)
    assert frame["unique_id"].tolist()[::12] == ids and frame["unique_id"].notna().all()
    panel = long_panel(frame)
    assert sorted(panel.ids) == sorted(ids)  # six series: 1 and 01, 1e3 and 1000 are not merged
    out = tmp_path / "pred.csv"
    assert invoke("fit", "--data", path, *FIT, "--out", tmp_path / "run", "-q").exit_code == 0
    result = invoke("predict", "--model", tmp_path / "run", "--data", path, "--steps", "1", "--out", out)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert sorted(written["unique_id"]) == sorted(ids)  # 001 is written back as 001, NA as NA


def test_reading_options_are_checked():
    with pytest.raises(ValueError, match="decimal and thousands must differ"):
        Reading(decimal=",", thousands=",")
    with pytest.raises(ValueError, match="epoch must be one of"):
        Reading(epoch="days")
    frame = with_reading(pd.DataFrame({"a": [1]}), Reading(dayfirst=True))
    assert frame.attrs["tsrnn.reading"] == {"dayfirst": True}
    one_line_error(invoke("fit", "--dayfirst"), "--dayfirst describe --data and need it")


def test_month_and_year_written_mm_yyyy_are_a_monthly_axis_written_back_so(tmp_path):
    months = pd.period_range("2010-01", periods=30, freq="M").strftime("%m/%Y")
    clean, report = prepare_wide(read_csv(time_file(tmp_path, "Month", list(months))))
    assert report["freq"] == "MS" and report["time_form"] == "strftime:%m/%Y" and len(clean) == 30
    assert list(labelled(Forecaster(**TINY).fit(clean).forecast(2))["ds"]) == ["07/2012", "08/2012"]
    with pytest.raises(DataError, match="13/2010"):  # no thirteenth month: an error naming the value
        prepare_wide(read_csv(time_file(tmp_path, "Month", ["12/2009", "13/2010", "01/2011"])))


def test_two_digit_years_that_wrap_into_the_next_century_are_read_in_order(tmp_path):
    yy = [f"{y % 100:02d}" for y in range(1961, 2009)]  # 61 ... 99, 00 ... 08
    clean, report = prepare_wide(read_csv(time_file(tmp_path, "yr", yy)))
    assert report["time_form"] == "year" and clean.index[0] == 1961 and clean.index[-1] == 2008
    assert not clean.index.has_duplicates and clean.index.is_monotonic_increasing
    with_century = prepare_wide(read_csv(time_file(tmp_path, "yr", yy[:10]), Reading(century=2000)))[0]
    assert list(with_century.index[:2]) == [2061, 2062]  # the option decides
    counts = prepare_wide(read_csv(time_file(tmp_path, "year", [str(i) for i in range(1, 31)])))[0]
    assert counts.index[0] == 1 and counts.index[-1] == 30  # years counted from 1, no wrap: steps


def test_iso_date_times_are_written_back_in_the_file_s_layout(tmp_path):
    hours = pd.date_range("2022-01-09", periods=48, freq="h")
    for fmt, first in (("%Y-%m-%d %H:%M", "2022-01-11 00:00"), ("%Y-%m-%dT%H:%M:%S", "2022-01-11T00:00:00")):
        clean, report = prepare_wide(read_csv(time_file(tmp_path, "time", list(hours.strftime(fmt)))))
        assert report["time_form"] == f"strftime:{fmt}"
        assert labelled(Forecaster(**TINY).fit(clean).forecast(1))["ds"][0] == first


def _wide(dates, values) -> pd.DataFrame:
    return pd.DataFrame({"date": dates, "y": [float(v) for v in values]})


_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
# data the data layer refuses until an option of its reading says how, and the line it says
REFUSED_UNTIL_AN_OPTION = [
    (
        _wide(["2020-01-01 00:00", "2020-01-01 07:13", "2020-01-02 03:00", "2020-01-05 00:01"], range(4)),
        {},
        "the time index has no regular frequency: its steps range from 0 days 07:13:00 to 2 days 21:01:00 "
        "and match no pandas calendar (months, quarters, years, weeks, business days or a fixed step); "
        "declare it with freq=, resample the data, or accept it with irregular='ignore'",
    ),
    (
        _wide(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01"], [1, "nan", 3, 4]),
        {},
        "column 'y' has 1 missing value(s), first at 2020-02-01 (missing per column: {'y': 1}); "
        "choose a fill policy: fill='ffill', fill='interpolate' or fill='drop'",
    ),
    (
        _wide(["2020-01-01", "2020-02-01", "2020-04-01", "2020-05-01", "2020-06-01"], range(5)),
        {},
        "the series misses 1 period(s) of its monthly (MS) calendar: 2020-03-01; choose a fill policy: "
        "fill='ffill', fill='interpolate' or fill='drop' to fill them, or add them to the data",
    ),
    (
        pd.DataFrame({"year": [2000, 2002, 2004, 2005, 2008, 2010], "y": np.arange(6.0)}),
        {},
        "the integer time index 'year' is irregular: most steps are 2, but not at 2005; make it regular, "
        "or accept it with irregular='ignore'",
    ),
    (
        pd.DataFrame(
            {
                "unique_id": ["a"] * 4 + ["b"] * 4,
                "ds": [
                    *pd.date_range("2020-01-01", periods=4, freq="MS"),
                    *pd.date_range("2020-01-01", periods=4, freq="QS"),
                ],
                "y": np.arange(8.0),
            }
        ),
        {},
        "the series of long data must share one frequency, but 'b' step by 3 periods of the monthly (MS) "
        "calendar of 'a'; declare it with freq= or resample the odd series",
    ),
    (
        pd.DataFrame(
            {"unique_id": ["a"] * 3 + ["b"] * 3, "ds": [1, 2, 3] * 2, "y": [1, 2, 3] + [np.nan] * 3}
        ),
        {"fill": "drop"},
        "series 'b' have no rows left after fill='drop'",
    ),
    (
        pd.DataFrame({"YEAR": [2000, 2001], **{m: [1.0, 2.0] for m in _MONTHS}, "note": [1.0, 2.0]}),
        {},
        "columns 'YEAR' and 'JAN' ... 'DEC' make a table of years by months, but 'note'; keep the year and "
        "the twelve months alone to read one monthly series, or name the time column with time_col='YEAR' "
        "to read each month as a yearly feature",
    ),
    (
        _wide([f"2020-01-{d:02d}" for d in range(1, 11)] + ["Total"], range(11)),
        {},
        "time column 'date' has values that are not dates: 'Total' (row 11); remove the rows that are not "
        "time steps (totals, notes), or name the time column with time_col=",
    ),
    (
        _wide(["a", "b", "c"], range(3)),
        {},
        "time column 'date' has values that are not dates: 'a' (row 1), 'b' (row 2), 'c' (row 3); name the "
        "time column with time_col=, or time_col='none' to read rows in file order",
    ),
    (
        pd.DataFrame({"t": [1.5, 1.5, 2.5], "y": [1.0, 2, 3]}),
        {"time_col": "t"},
        "time column 't' holds numbers that are neither dates nor distinct integer steps (such as years); "
        "name a column of dates or integers, or time_col='none' to read rows in file order",
    ),
    (
        pd.DataFrame({"timestamp": [1600000000, 1600003600, 1600007200], "y": [1.0, 2, 3]}),
        {},
        "column 'timestamp' holds the integers 1600000000, 1600003600 ..., which may count s since 1970 "
        "(2020-09-13 12:26:40, 2020-09-13 13:26:40 ...) or be plain numbers; read them as timestamps with "
        "epoch='s', or as a feature with time_col= naming another column",
    ),
    (
        _wide(["01/13/2020", "01/14/2020", "01/15/2020"], range(3)),
        {"dayfirst": True},
        "column 'date' cannot be read with dayfirst=True: '01/13/2020', '01/14/2020', '01/15/2020' are no "
        "dates with it; the column reads with dayfirst=False",
    ),
]


@pytest.mark.parametrize(("data", "options", "line"), REFUSED_UNTIL_AN_OPTION)
def test_the_data_layer_refuses_what_a_reading_option_lifts_as_reading_refused(data, options, line):
    import tsrnn
    from tsrnn.data.reading import ReadingRefused

    with pytest.raises(ReadingRefused, match=f"^{re.escape(line)}$") as refused:
        tsrnn.read(data, **options)
    assert refused.value.choice == line  # nothing appended where the data layer raised it
    if not options:  # the estimator says where the option is given
        with pytest.raises(ReadingRefused, match=f"^{re.escape(line)}: an option of tsrnn.read, so read"):
            Forecaster(**TINY).fit(data, progress=False)


def test_reading_options_the_file_contradicts_are_reading_refused(tmp_path):
    import tsrnn
    from tsrnn.data.reading import ReadingRefused

    path = csv(tmp_path, "date,y\n2020-01-01,100.25\n2020-01-02,101.5\n2020-01-03,102.75\n")
    with pytest.raises(ReadingRefused, match=r"^column 'y' cannot be read with decimal=',': '100.25', "):
        tsrnn.read(path, decimal=",")
    path = csv(tmp_path, "date,y\n2020-01-01,1050\n2020-01-02,1100\n2020-01-03,1200\n", "thousands.csv")
    with pytest.raises(ReadingRefused, match=r": thousands='\.' groups the digits of no number in the file"):
        tsrnn.read(path, thousands=".")
    with pytest.raises(ReadingRefused, match=r"^column 'date' holds dates without a year \(1-Jul, 2-Jul"):
        tsrnn.read(_wide(["1-Jul", "2-Jul", "3-Jul"], range(3)))


def test_a_refusal_no_reading_option_lifts_stays_a_data_error():
    import tsrnn
    from tsrnn.data.reading import ReadingRefused

    with pytest.raises(
        DataError, match=r"^time column 'date' has values that are not dates: 'x' \(row 1\)$"
    ) as err:
        tsrnn.read(_wide(["x", "2020-01-02", "2020-01-03"], range(3)), time_col="date")
    assert not isinstance(err.value, ReadingRefused)


def test_a_refusal_named_after_its_series_keeps_its_kind():
    from tsrnn.data.reading import ReadingRefused, named

    wrapped = named(ReadingRefused("declare it with freq="), "series 'a': ", " (2 series)")
    assert (
        type(wrapped) is ReadingRefused
        and wrapped.choice == str(wrapped) == "series 'a': declare it with freq= (2 series)"
    )
    assert type(named(AmbiguousData("reads 2 ways"), "series 'a': ")) is AmbiguousData
    plain = named(DataError("too short"), "series 'a': ")
    assert type(plain) is DataError and str(plain) == "series 'a': too short"
