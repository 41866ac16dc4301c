"""tsrnn.data.index_specs: how an index continues."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tsrnn.data.index_specs import future_index, index_spec


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
