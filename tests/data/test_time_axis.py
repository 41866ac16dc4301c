"""tsrnn.data.time_axis: finding a frame's time column, one test per rule of TIME_COLUMN_RULES."""

from __future__ import annotations

import pandas as pd
import pytest

from tsrnn import DataError
from tsrnn.data.reading import Reading
from tsrnn.data.time_axis import TIME_COLUMN_RULES, find_time_axis
from tsrnn.data.wide_layout import prepare_wide


@pytest.mark.parametrize(
    "rule, frame, found",
    [
        (
            "a column of dates",
            pd.DataFrame({"year": [1990, 1991, 1992], "when": ["2020-01-01", "2020-01-02", "2020-01-03"]}),
            "when",  # dates come before years
        ),
        (
            "numbers in a column named like a time",
            pd.DataFrame({"v": [5, 6, 7], "Jahr": [1990, 1991, 1992]}),
            "Jahr",
        ),
        (
            "the index column to_csv writes",
            pd.DataFrame({"Unnamed: 0": [0, 1, 2], "v": [5.0, 6, 7]}),
            "Unnamed: 0",
        ),
    ],
)
def test_each_time_column_rule_finds_its_column(rule, frame, found):
    predicate = dict(TIME_COLUMN_RULES)[rule]
    assert predicate(frame, found, Reading()) and find_time_axis(frame)[1].column == found


@pytest.mark.parametrize(
    "rule, frame, message",
    [
        (
            "a column of dates but for a few values",
            pd.DataFrame({"Month": [f"2020-{m:02d}-01" for m in range(1, 12)] + ["Total"], "v": range(12)}),
            r"time column 'Month' has values that are not dates: 'Total' \(row 12\); remove the rows",
        ),
        (
            "a column named as dates",
            pd.DataFrame({"date": ["soon", "later", "never"], "v": [1, 2, 3]}),
            r"time column 'date' has values that are not dates: 'soon' \(row 1\), 'later' \(row 2\)",
        ),
    ],
)
def test_each_time_column_rule_that_refuses_names_the_rows(rule, frame, message):
    name = frame.columns[0]
    with pytest.raises(DataError, match=message):
        dict(TIME_COLUMN_RULES)[rule](frame, name, Reading())
    with pytest.raises(DataError, match=message):
        prepare_wide(frame)


def test_find_time_axis_refuses_what_is_not_time():
    frame = pd.DataFrame({"when": ["2020-01-01", "soon", "2020-01-03"], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(
        DataError, match=r"time column 'when' has values that are not dates: 'soon' \(row 2\)"
    ):
        find_time_axis(frame, "when")
    frame = pd.DataFrame({"x": [0.5, 0.25, 0.125], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match=r"neither dates nor distinct integer steps"):
        find_time_axis(frame, "x")
