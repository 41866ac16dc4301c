"""tsrnn.data.date_forms: the table of date forms, one test per form, read by
tsrnn.data.dates.read_dates and written back by format_labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn.data.date_forms import DATE_FORMS
from tsrnn.data.dates import format_labels, read_dates
from tsrnn.data.reading import Reading


# -- dates: one test per form of the table ---------------------------------------------------------------
@pytest.mark.parametrize(
    "name, values, reading, first, second, form",
    [
        ("ISO date", ["2020-01-31", "2020-02-29"], {}, "2020-01-31", "2020-02-29", "date"),
        ("year/month/day", ["2020/01/31", "2020/02/29"], {}, "2020-01-31", "2020-02-29", "strftime:%Y/%m/%d"),
        ("day first", ["31.01.2020", "29.02.2020"], {}, "2020-01-31", "2020-02-29", "strftime:%d.%m.%Y"),
        ("month first", ["01/31/2020", "02/29/2020"], {}, "2020-01-31", "2020-02-29", "strftime:%m/%d/%Y"),
        ("day first", ["31/01/99", "28/02/99"], {}, "1999-01-31", "1999-02-28", "strftime:%d/%m/%y"),
        ("year-month", ["1949-01", "1949-02"], {}, "1949-01-01", "1949-02-01", "month"),
        ("fiscal year", ["1990/91", "1991/92"], {}, "1990-01-01", "1991-01-01", "fiscal:/"),
        ("quarter", ["1990Q1", "1990Q2"], {}, "1990-01-01", "1990-04-01", "quarter"),
        ("quarter", ["1990-Q4", "1991-Q1"], {}, "1990-10-01", "1991-01-01", "quarter-dash"),
        ("quarter first", ["Q1 1990", "Q2 1990"], {}, "1990-01-01", "1990-04-01", "quarter-first: "),
        ("ISO week", ["2018-W52", "2019-W01"], {}, "2018-12-24", "2018-12-31", "strftime:%G-W%V"),
        ("year M month", ["2018M01", "2018M02"], {}, "2018-01-01", "2018-02-01", "strftime:%YM%m"),
        ("year and month name", ["1949 Jan", "1949 Feb"], {}, "1949-01-01", "1949-02-01", "strftime:%Y %b"),
        (
            "month name and year",
            ["January 2018", "February 2018"],
            {},
            "2018-01-01",
            "2018-02-01",
            "strftime:%B %Y",
        ),
        ("month name and year", ["Jan-65", "Feb-65"], {}, "1965-01-01", "1965-02-01", "strftime:%b-%y"),
        (
            "day, month name, year",
            ["05-Jan-2020", "06-Jan-2020"],
            {},
            "2020-01-05",
            "2020-01-06",
            "strftime:%d-%b-%Y",
        ),
        (
            "month name, day, year",
            ["Jan 5, 2020", "Jan 6, 2020"],
            {},
            "2020-01-05",
            "2020-01-06",
            "strftime:%b %d, %Y",
        ),
        (
            "day and month name, no year",
            ["31-Dec", "1-Jan"],
            {"year": 2019},
            "2019-12-31",
            "2020-01-01",
            "strftime:%d-%b",
        ),
    ],
)
def test_each_date_form_reads_its_text_and_writes_it_back(name, values, reading, first, second, form):
    assert any(f.name == name for f in DATE_FORMS)
    index, found, note, _ = read_dates(pd.Series(values), Reading(**reading))
    assert list(index) == [pd.Timestamp(first), pd.Timestamp(second)] and found == form and note is None
    written = list(format_labels(index, found))
    again = read_dates(pd.Series(written), Reading(**reading))[0]
    assert again.equals(index)  # what is written back reads back


@pytest.mark.parametrize(
    "kind, values, reading, first, form",
    [
        ("integer", [201801, 201802], {}, "2018-01-01", "strftime:%Y%m"),
        ("integer", [20180131, 20180201], {}, "2018-01-31", "strftime:%Y%m%d"),
        ("epoch", [1577836800, 1577923200], {"epoch": "s"}, "2020-01-01", "epoch:s"),
        ("float", [1949.0, 1949.083, 1949.167], {}, "1949-01-01", "decimal:12"),
        ("float", [1959.0, 1959.25, 1959.5], {}, "1959-01-01", "decimal:4"),
        ("float", [1990.1, 1990.2, 1990.3], {}, "1990-01-01", "year.quarter"),
    ],
)
def test_each_numeric_date_form_reads_its_numbers(kind, values, reading, first, form):
    index, found, *_ = read_dates(pd.Series(values), Reading(**reading), kind=kind)
    assert index[0] == pd.Timestamp(first) and found == form
    assert np.allclose(np.asarray(format_labels(index, found), dtype=float), values, atol=5e-4)
