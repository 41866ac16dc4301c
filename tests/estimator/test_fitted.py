"""The one frozen fitted state (tsrnn.estimator.fitted): ``fit`` and ``load`` build a ``Fitted``
whole; the fitted attributes are read-only views of it; no method but ``fit`` replaces it, and a
fit that fails leaves the earlier one in place."""

from __future__ import annotations

import copy
import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import tsrnn
from tests.conftest import monthly
from tsrnn import DataError, Forecaster
from tsrnn.estimator.fitted import FIELDS, Fitted
from tsrnn.estimator.views import FittedViews

TINY = dict(window=12, hidden=4, layers=1, epochs=2, seed=0, horizon=3)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return monthly(72)


@pytest.fixture(scope="module")
def fitted(data) -> Forecaster:
    return Forecaster(**TINY).fit(data, holdout=6)


def _snapshot(est: Forecaster) -> tuple:
    """The fitted state, its fields, and copies of the network's weights and the series' arrays."""
    f = est.fitted_
    weights = {k: v.clone().numpy() for k, v in f.model.state_dict().items()}
    s = f.state
    arrays = {"context": s.context, "mean": s.mean, "scale": s.scale, "mult": s.seasonality.mult}
    weights.update({k: np.array(v, copy=True) for k, v in arrays.items()})
    return f, {k: v for k, v in vars(f).items() if k != "model"}, weights


def test_fit_builds_one_frozen_state_that_the_attributes_show(fitted):
    f = fitted.fitted_
    assert isinstance(f, Fitted)
    assert (f.features, f.target_idx, f.known_idx, f.window, f.long) == (("y",), (0,), (), 12, False)
    assert fitted.feature_names_in_ == ["y"] and fitted.target_names_ == ["y"] and fitted.window_ == 12
    assert fitted.model_ is f.model and fitted.state_ is f.state and fitted.n_features_in_ == 1
    assert fitted.reading_["freq"] == "MS" and fitted.data_report_["freq"] == "MS"
    assert fitted.holdout_.starts == {None: 66} and fitted.calibration_ is f.calibration is not None
    views = {name for name, v in vars(FittedViews).items() if type(v).__name__ == "_View"}
    assert views == set(FIELDS)  # every fitted attribute is a view of the state, and every view is one
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.window = 3  # type: ignore[misc]


def test_a_fitted_attribute_cannot_be_assigned_and_what_it_shows_is_a_copy(fitted):
    with pytest.raises(
        AttributeError, match=r"^window_ is part of the fitted state, which only fit and load set"
    ):
        fitted.window_ = 3
    with pytest.raises(AttributeError, match=r"^model_ is part of the fitted state"):
        fitted.model_ = None
    with pytest.raises(AttributeError, match=r"^state_ is part of the fitted state"):
        del fitted.state_
    fitted.reading_["freq"] = "D"
    fitted.feature_names_in_.append("x")
    fitted.data_report_.clear()
    assert fitted.reading_["freq"] == "MS" and fitted.feature_names_in_ == ["y"] and fitted.data_report_


def test_no_method_but_fit_changes_the_state(fitted, data, tmp_path):
    before, fields, weights = _snapshot(fitted)
    fitted.predict(data)
    fitted.forecast(4, level=[80])
    fitted.backtest(data, start=50)
    fitted.evaluate(data, start=50)
    fitted.cross_validation(data, h=3, n_windows=2)
    fitted.hidden_states(data)
    fitted.save(tmp_path / "m")
    plt.close(fitted.plot(data, fitted.forecast(4)))
    after, fields_after, weights_after = _snapshot(fitted)
    assert after is before and fields_after == fields
    assert all(np.array_equal(weights[k], weights_after[k]) for k in weights)


def test_a_failed_refit_leaves_the_earlier_state(data):
    est = Forecaster(**TINY).fit(data)
    before, expected = est.fitted_, est.forecast(3)
    with pytest.raises(DataError, match="series has 10 time steps"):
        est.fit(data.iloc[:10])
    assert est.fitted_ is before
    pd.testing.assert_frame_equal(est.forecast(3), expected)


def test_load_builds_the_state_fit_built(fitted, tmp_path):
    fitted.save(tmp_path / "m")
    loaded = Forecaster.load(tmp_path / "m")
    a, b = fitted.fitted_, loaded.fitted_
    same = ("long", "features", "target_idx", "known_idx", "window", "batch_size", "reading", "uncalibrated")
    assert {k: getattr(b, k) for k in same} == {k: getattr(a, k) for k in same}
    np.testing.assert_array_equal(b.calibration.scores, a.calibration.scores)
    assert b.history.best_epoch == a.history.best_epoch and not b.model.training
    # what load cannot know is absent, and says why
    assert b.report is None and b.holdout is None
    with pytest.raises(AttributeError, match=r"^data_report_ is not set: a loaded model keeps how its data"):
        _ = loaded.data_report_
    assert not hasattr(loaded, "holdout_")
    pd.testing.assert_frame_equal(loaded.forecast(3), fitted.forecast(3))


def test_an_unfitted_estimator_has_no_fitted_attribute():
    est = Forecaster()
    for name in FIELDS:
        assert not hasattr(est, name), name
    with pytest.raises(tsrnn.NotFittedError, match="is not fitted yet"):
        _ = est.window_


def test_a_series_view_shares_the_network_and_leaves_the_panel_model(tmp_path):
    frames = [
        pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2020-01-01", periods=40, freq="D"), "y": y})
        for uid, y in (("a", np.sin(np.arange(40) / 3)), ("b", 2 + np.cos(np.arange(40) / 4)))
    ]
    panel = Forecaster(window=8, hidden=4, layers=1, epochs=1, seed=0, horizon=2).fit(pd.concat(frames))
    state = panel.fitted_
    view = panel.series_model("b")
    assert view.model_ is panel.model_ and not view.long_ and list(view.state_) == ["b"]
    assert panel.fitted_ is state and panel.long_ and list(panel.state_) == ["a", "b"]
    clone = copy.copy(panel)
    assert clone.fitted_ is state
