"""tsrnn.data.date_parts: time written across columns, read as one time axis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError
from tsrnn.data.date_parts import clock_column, month_table, year_and_period

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def test_a_table_of_years_by_months_is_one_monthly_series_in_time_order():
    table = pd.DataFrame({"YEAR": [2001, 2000], **{m: [12.0 + i, float(i)] for i, m in enumerate(MONTHS)}})
    table.loc[0, "DEC"] = np.nan  # December 2001 not observed yet
    melted, index = month_table(table)
    assert melted["value"].tolist()[:3] == [0.0, 1.0, 2.0] and len(melted) == 23
    assert index.name == "YEAR month" and index[0] == pd.Timestamp("2000-01-01")
    assert index[-1] == pd.Timestamp("2001-11-01")
    assert month_table(pd.DataFrame({"YEAR": [2000], "JAN": [1.0]})) is None  # not twelve months
    with pytest.raises(DataError, match=r"make a table of years by months, but 'TOTAL'"):
        month_table(table.assign(TOTAL=1.0))


def test_years_beside_quarters_or_months_and_days_are_one_axis():
    names, index, form = year_and_period(
        pd.DataFrame({"Year": [2000] * 4, "Quarter": ["Q1", "Q2", "Q3", "Q4"], "v": [1.0, 2.0, 3.0, 4.0]})
    )
    assert names == ("Year", "Quarter") and form == "quarter" and index[1] == pd.Timestamp("2000-04-01")
    names, index, form = year_and_period(pd.DataFrame({"Jahr": [2020] * 2, "Monat": [2, 2], "Tag": [28, 29]}))
    assert names == ("Jahr", "Monat", "Tag") and form == "date" and index[1] == pd.Timestamp("2020-02-29")


def test_times_of_day_beside_dates_are_found():
    frame = pd.DataFrame({"Date": ["2020-01-01"] * 2, "Time": ["00:00", "12:30"], "v": [1.0, 2.0]})
    name, times = clock_column(frame, "Date")
    assert name == "Time" and list(times) == [pd.Timedelta(0), pd.Timedelta(hours=12, minutes=30)]
