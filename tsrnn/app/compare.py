"""Train the same data with several hidden sizes and compare their forecasts and test errors.

Every model sees the same training span, seed and settings; only H changes.  The last
``test_fraction`` of the series is held out and scored two ways: one-step forecasts from every test
window (beside the naive last-value baseline), and one recursive forecast from the end of the
training span across the test span, which shows how well each size has learnt the dynamics.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base import checks
from ..base.errors import DataError
from ..data.dataset import Dataset, as_panel
from ..data.frames import is_long
from ..data.series import Series
from ..estimator.forecaster import Forecaster
from ..estimator.inference import FORECAST_COLUMN
from ..evaluation.metrics import rmse

__all__ = ["HiddenComparison", "compare_hidden_sizes"]


@dataclass
class HiddenComparison:
    """What :func:`compare_hidden_sizes` found.

    Attributes
    ----------
    table : DataFrame, one row per hidden size
        ``hidden``, ``parameters``, ``epochs`` (trained), ``test_rmse`` (one-step, in the data's
        units), ``naive_rmse`` (last-value baseline on the same steps), ``forecast_rmse`` (the
        recursive forecast across the test span) and ``fit_seconds``.
    forecasts : dict hidden size -> DataFrame (S, O)
        Each model's recursive forecast of the first S test steps, indexed like ``actual``.
    actual : DataFrame (T, F)
        The whole series.
    test_start : int
        Position of the first test step in ``actual``.
    """

    table: pd.DataFrame
    forecasts: dict[int, pd.DataFrame]
    actual: pd.DataFrame
    test_start: int

    def best(self) -> int:
        """The hidden size with the lowest one-step test RMSE."""
        return int(self.table["hidden"].iloc[int(np.nanargmin(self.table["test_rmse"].to_numpy()))])


def compare_hidden_sizes(
    data,
    hidden_sizes: Sequence[int] = (2, 5, 10, 15),
    test_fraction: float = 0.2,
    forecast_steps: int | None = None,
    callback: Callable[[dict], None] | None = None,
    **params,
) -> HiddenComparison:
    """Fit one :class:`Forecaster` per hidden size on the same data and score each on a held-out span.

    Parameters
    ----------
    data : array (T,) / (T, F) or DataFrame
        The series, in time order.
    hidden_sizes : sequence of int
        The values of H to try, each at least 1, without repeats.
    test_fraction : float in (0, 1)
        Share of the series, at its end, held out for testing.
    forecast_steps : int, optional
        Length S of each recursive forecast; default the whole test span (only the network's horizon
        when some features are not targets, since a longer forecast would need their future values).
    callback : callable, optional
        Called with each table row (a dict) as soon as that size is trained, e.g. to report progress.
    **params
        Further :class:`Forecaster` parameters (``layers``, ``cell``, ``window``, ``epochs``,
        ``seed``, ...), the same for every size, with the estimator's defaults (those ``tsrnn fit``
        trains).  The linear highway forecasts much of a series for every size alike: pass
        ``highway=False`` to compare the networks alone.

    Returns
    -------
    HiddenComparison
    """
    sizes = _sizes(hidden_sizes, params)
    test_fraction = checks.real("test_fraction", test_fraction, 0.0, 1.0, low_open=True, high_open=True)
    s = _one_series(data)
    actual = pd.DataFrame(s.values, index=s.index, columns=s.columns)
    T = s.length
    test_start = T - int(round(T * test_fraction))
    if test_start >= T:
        raise DataError(f"test_fraction={test_fraction} of {T} steps leaves no test step")
    probe = Forecaster(**params)
    probe.check_length(test_start)
    if probe.window is not None and test_start < probe.window + 1:
        raise DataError(f"the training span has {test_start} steps, fewer than window={probe.window} + 1")
    train = actual.iloc[:test_start]
    rows, forecasts = [], {}
    for h in sizes:
        start = time.perf_counter()
        est = Forecaster(hidden=h, **params).fit(train, progress=False)
        seconds = time.perf_counter() - start
        row, forecasts[h] = _scored(est, actual, test_start, forecast_steps)
        row["fit_seconds"] = seconds
        rows.append(row)
        if callback is not None:
            callback(row)
    return HiddenComparison(pd.DataFrame(rows), forecasts, actual, test_start)


def _sizes(hidden_sizes: Sequence[int], params: dict) -> list[int]:
    """The hidden sizes to compare, checked: at least one, each at least 1, no repeats."""
    sizes = [checks.positive_int(f"hidden_sizes[{i}]", h) for i, h in enumerate(hidden_sizes)]
    if not sizes or len(set(sizes)) != len(sizes):
        raise checks.invalid(
            "hidden_sizes",
            f"hidden_sizes must hold at least one size and no repeats, got {list(hidden_sizes)}",
        )
    if "hidden" in params:
        raise checks.invalid("hidden", "pass the sizes to compare as hidden_sizes, not hidden")
    return sizes


def _one_series(data) -> Series:
    """``data`` as one series, read as ``fit`` reads it (a :class:`~tsrnn.data.dataset.Dataset` as it
    is); long data (several series) is refused."""
    if is_long(data) or (isinstance(data, Dataset) and data.layout == "long"):
        raise DataError(
            "compare reads one series, and long data (unique_id, ds, y) holds several: "
            "pass the rows of one series"
        )
    panel = as_panel(data)
    return Series(panel.values, list(panel.columns), panel.labels(0), panel.freq, panel.form, panel.season)


def _scored(
    est: Forecaster, actual: pd.DataFrame, test_start: int, forecast_steps: int | None
) -> tuple[dict, pd.DataFrame]:
    """A fitted size's row of the table (without its fit time) and its recursive forecast (S, O)."""
    T = len(actual)
    values = actual.to_numpy()
    targets, W = est.target_idx_, est.window_
    truth = values[test_start:, targets]  # (S_test, O)
    # (S_test, O): row i reads the W steps before test_start + i and forecasts that step
    one_step = est.predict(actual.iloc[test_start - W : T - 1])[:, 0, :]
    naive = values[test_start - 1 : T - 1, targets]
    all_targets = sorted(targets) == list(range(actual.shape[1]))
    steps = min(forecast_steps or (T - test_start), T - test_start)
    steps = steps if all_targets else min(steps, est.horizon)
    long = est.forecast(steps)  # recursive from the end of the training span, a row per target and step
    future = pd.DataFrame(
        long[FORECAST_COLUMN].to_numpy().reshape(len(targets), steps).T,  # (steps, O)
        index=actual.index[test_start : test_start + steps],
        columns=est.target_names_,
    )
    row = {
        "hidden": est.hidden,
        "parameters": est.model_.n_parameters(),
        "epochs": len(est.history_.records),
        "test_rmse": rmse(truth, one_step),
        "naive_rmse": rmse(truth, naive),
        "forecast_rmse": rmse(truth[:steps], future.to_numpy()),
    }
    return row, future
