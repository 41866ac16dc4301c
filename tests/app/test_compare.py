"""tsrnn.app.compare: one model per hidden size on the same data, scored on the same held-out span
(one-step RMSE beside the naive baseline, and a recursive forecast across the test span)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tsrnn
from tsrnn import DataError, InvalidParameterError
from tsrnn.app.compare import compare_hidden_sizes

TINY = dict(epochs=1, layers=1, window=8, seed=0)
SERIES = tsrnn.multi_sine(100, 2, noise=0.0, seed=0)


def rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


@pytest.fixture(scope="module")
def compared():
    rows: list[dict] = []
    result = compare_hidden_sizes(SERIES, (2, 4), test_fraction=0.2, callback=rows.append, **TINY)
    return result, rows


def test_every_size_is_scored_on_the_same_held_out_span(compared):
    result, rows = compared
    table = result.table
    assert list(table.columns) == [
        "hidden",
        "parameters",
        "epochs",
        "test_rmse",
        "naive_rmse",
        "forecast_rmse",
        "fit_seconds",
    ]
    assert table["hidden"].tolist() == [2, 4] and table["epochs"].tolist() == [1, 1]
    assert table["parameters"].iloc[0] < table["parameters"].iloc[1]
    assert result.test_start == 80 and result.actual.equals(SERIES)
    values = SERIES.to_numpy()
    assert table["naive_rmse"].tolist() == pytest.approx([rmse(values[80:], values[79:99])] * 2)
    assert [r["hidden"] for r in rows] == [2, 4] and rows[1]["test_rmse"] == table["test_rmse"].iloc[1]
    assert result.best() == int(table["hidden"].iloc[int(np.argmin(table["test_rmse"]))])


def test_each_recursive_forecast_covers_the_test_span_and_is_scored_on_it(compared):
    result, _ = compared
    for row in result.table.itertuples():
        forecast = result.forecasts[row.hidden]
        assert forecast.shape == (20, 2) and list(forecast.columns) == list(SERIES.columns)
        assert list(forecast.index) == list(SERIES.index[80:])
        assert row.forecast_rmse == pytest.approx(rmse(SERIES.iloc[80:], forecast))


def test_a_shorter_forecast_and_the_same_seed_give_the_same_one_step_scores(compared):
    result, _ = compared
    again = compare_hidden_sizes(SERIES, (2, 4), test_fraction=0.2, forecast_steps=5, **TINY)
    assert again.table["test_rmse"].tolist() == result.table["test_rmse"].tolist()
    assert all(f.shape == (5, 2) for f in again.forecasts.values())


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"hidden_sizes": (2, 2)},
            InvalidParameterError,
            r"hidden_sizes must hold .* no repeats, got \[2, 2\]",
        ),
        ({"hidden_sizes": ()}, InvalidParameterError, r"at least one size and no repeats, got \[\]"),
        (
            {"hidden_sizes": (2, 0)},
            InvalidParameterError,
            r"^hidden_sizes\[1\] must be an integer >= 1, got 0$",
        ),
        ({"hidden": 4}, InvalidParameterError, "^pass the sizes to compare as hidden_sizes, not hidden$"),
        (
            {"test_fraction": 1.0},
            InvalidParameterError,
            r"test_fraction must be a finite number in \(0.0, 1.0\)",
        ),
        ({"test_fraction": 0.001}, DataError, "^test_fraction=0.001 of 100 steps leaves no test step$"),
        ({"window": 90}, DataError, "series has 80 time steps; window=90 "),
    ],
)
def test_bad_arguments_are_refused_before_any_fit(kwargs, error, message):
    args = {"hidden_sizes": (2,), **TINY, **kwargs}
    with pytest.raises(error, match=message):
        compare_hidden_sizes(SERIES, **args)


def test_long_data_is_refused():
    long = pd.DataFrame({"unique_id": ["a"] * 50, "ds": range(50), "y": np.arange(50.0)})
    with pytest.raises(DataError, match="^compare reads one series, and long data .* holds several"):
        compare_hidden_sizes(long, (2,), **TINY)
