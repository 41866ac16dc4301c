"""Cross-validation out of sample: the long frame, its cutoffs, and no window scored by a copy that
saw its steps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn.base.errors import DataError, InvalidParameterError
from tsrnn.estimator import fitting
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.evaluation.cv_scores import cv_metrics

SMALL = dict(horizon=3, epochs=2, hidden=4, layers=1, seed=0)
COLUMNS = ["unique_id", "ds", "cutoff", "y", "tsrnn", "naive", "seasonal_naive", "drift", "linear_ar"]


def _long(length: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    when = pd.date_range("2015-01-01", periods=length, freq="MS")
    return pd.concat(
        [
            pd.DataFrame(
                {"unique_id": uid, "ds": when, "y": np.round(level + np.cumsum(rng.normal(size=length)), 2)}
            )
            for uid, level in (("a", 20.0), ("b", 200.0))
        ],
        ignore_index=True,
    )


def test_the_frame_has_one_row_per_series_window_and_step_with_its_cutoff():
    data = _long()
    cv = Forecaster(**SMALL).cross_validation(data, h=3, n_windows=2, step=2, refit=False)
    assert list(cv.columns) == COLUMNS and len(cv) == 2 * 2 * 3
    a = cv[cv["unique_id"] == "a"]
    assert list(a["cutoff"].unique()) == [pd.Timestamp("2019-07-01"), pd.Timestamp("2019-09-01")]
    assert list(a["cutoff"]) == [pd.Timestamp("2019-07-01")] * 3 + [pd.Timestamp("2019-09-01")] * 3
    assert list(a["ds"][:3]) == list(pd.date_range("2019-08-01", periods=3, freq="MS"))
    assert a["ds"].iloc[-1] == data["ds"].max()  # the last window ends with the data
    truth = data.set_index(["unique_id", "ds"])["y"]
    # y: the data's own values, in its precision (two decimals), not float32's noise
    np.testing.assert_array_equal(cv["y"], truth.loc[list(zip(cv["unique_id"], cv["ds"], strict=True))])
    # naive: the last value at the cutoff
    np.testing.assert_array_equal(
        cv["naive"], truth.loc[list(zip(cv["unique_id"], cv["cutoff"], strict=True))]
    )
    assert set(cv.attrs["tsrnn.mase_scale"]) == {"a", "b"} and cv.attrs["tsrnn.form"] == "date"


@pytest.mark.parametrize("refit", [True, False, 2])
def test_no_window_is_forecast_by_a_copy_that_saw_its_steps(refit):
    y = 10 + np.cumsum(np.random.default_rng(1).normal(size=80))
    base = Forecaster(**SMALL).cross_validation(y, h=3, n_windows=3, refit=refit)
    assert list(base["unique_id"].unique()) == ["f0"] and list(base["cutoff"].unique()) == [76, 73, 70][::-1]
    for cut in (70, 73, 76):  # a change at and after a window's first step moves none of its forecasts
        changed = y.copy()
        changed[cut + 1 :] += 50.0
        moved = Forecaster(**SMALL).cross_validation(changed, h=3, n_windows=3, refit=refit)
        rows = base["cutoff"] == cut
        for column in COLUMNS[4:]:
            np.testing.assert_array_equal(base.loc[rows, column], moved.loc[rows, column], err_msg=column)
        assert not np.allclose(base.loc[rows, "y"], moved.loc[rows, "y"])
    # the second window reads a change at its cutoff (step 73) as an input
    changed = y.copy()
    changed[73:] += 50.0
    moved = Forecaster(**SMALL).cross_validation(changed, h=3, n_windows=3, refit=refit)
    second = base["cutoff"] == 73
    assert not np.allclose(base.loc[second, "tsrnn"], moved.loc[second, "tsrnn"])


def test_refit_true_fits_on_the_steps_up_to_each_cutoff(monkeypatch):
    y = 10 + np.cumsum(np.random.default_rng(2).normal(size=80))
    lengths = []
    real = fitting.fit_on_panel

    def spy(est, panel, *args, **kw):
        lengths.append(panel.lengths.tolist())
        return real(est, panel, *args, **kw)

    monkeypatch.setattr(fitting, "fit_on_panel", spy)
    cv = Forecaster(**SMALL).cross_validation(y, h=3, n_windows=2, refit=True)
    assert lengths == [[74], [77]]  # one copy per window, on the steps before its cutoff + 1
    monkeypatch.setattr(fitting, "fit_on_panel", real)
    alone = Forecaster(**SMALL).fit(y[:77], progress=False).forecast(3)  # data up to the last cutoff
    np.testing.assert_allclose(cv["tsrnn"].to_numpy()[-3:], alone["tsrnn"].to_numpy(), atol=1e-2)


def test_refused_windows_name_the_series_and_the_parameters():
    with pytest.raises(
        DataError, match=r"series 'a' has 60 steps: n_windows=30 window\(s\) of h=3 steps, step=3 apart"
    ):
        Forecaster(**SMALL).cross_validation(_long(), h=3, n_windows=30)
    with pytest.raises(InvalidParameterError, match=r"n_windows must be an integer >= 1, got 0"):
        Forecaster(**SMALL).cross_validation(_long(), h=3, n_windows=0)


def test_the_frame_scores_per_series_and_overall():
    cv = Forecaster(**SMALL).cross_validation(_long(), h=3, n_windows=2, refit=False)
    per = cv_metrics(cv)
    b = cv[cv["unique_id"] == "b"]
    assert per.loc[("b", "mae"), "tsrnn"] == pytest.approx(np.mean(np.abs(b["y"] - b["tsrnn"])))
    scale = cv.attrs["tsrnn.mase_scale"]["b"]
    assert per.loc[("b", "mase"), "naive"] == pytest.approx(np.mean(np.abs(b["y"] - b["naive"])) / scale)
