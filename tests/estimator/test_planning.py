"""What the parameters imply for a fit (tsrnn.estimator.planning): the length a series needs, the
validation span, the threads a fit runs on, and the window scale chosen with the seasonal indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import wide

from tsrnn.base.errors import DataError
from tsrnn.data.generate import multi_sine
from tsrnn.estimator.forecaster import Forecaster

TINY = dict(hidden=8, layers=1, window=10, seed=0, cell="rnn", relative=False)


def test_too_short_data_raises():
    short = multi_sine(25, 2, noise=0.0, seed=0)
    with pytest.raises(
        DataError,
        match=r"series has 25 time steps, 20 of them for training after 5 to "
        r"validate; window=20 \+ horizon=1 needs at least 21 training steps",
    ):
        Forecaster(window=20, val_fraction=0.2, epochs=1).fit(short)
    with pytest.raises(
        DataError, match=r"series has 20 time steps; window=20 \+ horizon=1 needs at least 21"
    ):
        Forecaster(window=20, epochs=1).fit(short[:20])  # too short to validate, and too short to train
    with pytest.raises(
        DataError, match=r"the validation span has 2 steps, fewer than horizon=3.*val_fraction=None"
    ):
        Forecaster(window=5, horizon=3, val_fraction=0.02, epochs=1).fit(multi_sine(100, 1, seed=0))


def test_the_default_validation_span_adapts_to_the_horizon_and_the_length():
    monthly = multi_sine(144, 1, noise=0.1, seed=0)  # 12 years of months, 18 months ahead: refused before
    f = Forecaster(horizon=18, epochs=2, **TINY)
    assert (
        f.validation_steps(144) == 18 and f.describe_validation(144) == "last 18 steps validate (horizon=18)"
    )
    assert f.fit(monthly).history_.records[-1]["val_loss"] is not None
    assert f.validation_steps(1000) == 100 and f.describe_validation(1000) == "last 100 steps validate (10%)"
    short = Forecaster(horizon=12, epochs=2, **TINY)  # 6 years of months, 12 ahead: no room to validate
    assert short.validation_steps(30) == 0 and short.describe_validation(30).startswith(
        "no validation: 30 steps"
    )
    fitted = short.fit(multi_sine(30, 1, seed=0))
    assert fitted.history_.records[-1]["val_loss"] is None and len(fitted.history_.records) == 2
    assert Forecaster(val_fraction=0.25, **TINY).validation_steps(100) == 25


def test_fit_restores_the_thread_setting_and_its_warm_up_changes_nothing():
    df = multi_sine(300, 2, noise=0.1, seed=0)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        one = Forecaster(hidden=4, layers=1, epochs=2, window=10).fit(
            df, progress=False
        )  # 1 thread, back to 2
        assert torch.get_num_threads() == 2
        torch.set_num_threads(1)
        same = Forecaster(hidden=4, layers=1, epochs=2, window=10).fit(
            df, progress=False
        )  # 1 thread, no switch
    finally:
        torch.set_num_threads(before)
    assert not one.model_.training
    for key, value in one.model_.state_dict().items():  # the inference pass neither trains nor draws
        assert torch.equal(value, same.model_.state_dict()[key]), key


def _monthly_growth(n: int = 96) -> pd.DataFrame:
    t = np.arange(n)
    y = np.exp(t / 60) * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) + 0.01 * np.random.default_rng(
        0
    ).standard_normal(n)
    return pd.DataFrame({"y": y}, index=pd.date_range("2000-01-01", periods=n, freq="MS"))


def test_window_scale_is_chosen_with_the_seasonal_indices(tmp_path):
    monthly = _monthly_growth()
    small = dict(hidden=4, epochs=2, horizon=3)
    fitted = Forecaster(**small).fit(monthly)
    assert fitted.seasonality_.active and fitted.model_.config.window_scale
    assert not Forecaster(**small, deseason=False).fit(monthly).model_.config.window_scale
    assert not Forecaster(**small).fit(multi_sine(300, 1, seed=0)).model_.config.window_scale  # no season
    assert not Forecaster(**small, loss="gaussian").fit(monthly).model_.config.window_scale
    assert not Forecaster(**small, window_scale=False).fit(monthly).model_.config.window_scale
    with_covariate = monthly.assign(
        price=np.linspace(1.0, 2.0, len(monthly))
    )  # a covariate's effect is in units
    assert not Forecaster(**small, targets=["y"]).fit(with_covariate).model_.config.window_scale
    with pytest.raises(ValueError, match="window_scale scales each window's changes .* loss='gaussian'"):
        Forecaster(**small, window_scale=True, loss="gaussian").fit(monthly)
    fitted.save(tmp_path / "m")
    loaded = Forecaster.load(tmp_path / "m")
    assert loaded.model_.config.window_scale and loaded.window_scale is None
    pd.testing.assert_frame_equal(wide(loaded.forecast(3)), wide(fitted.forecast(3)))
