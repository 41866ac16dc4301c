"""cv_metrics: every metric of every model column of a cross-validation frame, per series and overall."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn.base.errors import DataError
from tsrnn.evaluation.cv_scores import cv_metrics


@pytest.fixture
def frame() -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "unique_id": ["a", "a", "b", "b"],
            "ds": [3, 4, 3, 4],
            "cutoff": [2, 2, 2, 2],
            "y": [10.0, 12.0, 100.0, 100.0],
            "tsrnn": [11.0, 12.0, 90.0, 104.0],
            "naive": [9.0, 9.0, 100.0, 100.0],
        }
    )
    out.attrs["tsrnn.mase_scale"] = {"a": 2.0, "b": 10.0}
    return out


def test_per_series_values(frame):
    per = cv_metrics(frame)
    assert per.index.names == ["unique_id", "metric"] and list(per.columns) == ["tsrnn", "naive"]
    assert per.loc[("a", "mae"), "tsrnn"] == pytest.approx(0.5)
    assert per.loc[("a", "mae"), "naive"] == pytest.approx(2.0)
    assert per.loc[("b", "rmse"), "tsrnn"] == pytest.approx(np.sqrt((100 + 16) / 2))
    assert per.loc[("b", "mape"), "tsrnn"] == pytest.approx(7.0)
    assert per.loc[("a", "mase"), "naive"] == pytest.approx(1.0)  # MAE 2 over the scale 2
    assert per.loc[("b", "mase"), "tsrnn"] == pytest.approx(0.7)


def test_overall_pools_every_row_and_mase_scales_each_series(frame):
    overall = cv_metrics(frame, per_series=False)
    assert list(overall.index) == ["mae", "rmse", "mape", "smape", "mase"]
    assert overall.loc["mae", "tsrnn"] == pytest.approx((1 + 0 + 10 + 4) / 4)
    assert overall.loc["mase", "tsrnn"] == pytest.approx((0.5 + 0 + 1.0 + 0.4) / 4)


def test_scales_given_again_after_a_merge_and_none_without(frame):
    merged = pd.concat([frame])  # pandas may drop attrs
    merged.attrs = {}
    assert "mase" not in cv_metrics(merged, per_series=False).index
    again = cv_metrics(merged, per_series=False, mase_scale={"a": 2.0, "b": 10.0})
    assert again.loc["mase", "naive"] == pytest.approx((0.5 + 1.5 + 0 + 0) / 4)


def test_a_frame_that_is_no_cross_validation_is_refused(frame):
    with pytest.raises(DataError, match=r"this one lacks \['cutoff'\]"):
        cv_metrics(frame.drop(columns="cutoff"))
    with pytest.raises(DataError, match=r"no model column beside unique_id, ds, cutoff, y"):
        cv_metrics(frame[["unique_id", "ds", "cutoff", "y"]])
