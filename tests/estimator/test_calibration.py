"""Conformal intervals of forecast(steps, level=...): calibrated by the fit on steps a copy never
read (the holdout's evaluated copy, without a third fit; or with holdout=0 a copy fitted for it),
per series and step ahead, near their nominal coverage out of sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn.base.errors import DataError, InvalidParameterError, TsrnnError
from tsrnn.estimator import calibration, fitting
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.estimator.intake import read

BOUNDS = ["tsrnn-lo-95", "tsrnn-lo-80", "tsrnn-hi-80", "tsrnn-hi-95"]


@pytest.fixture
def fits(monkeypatch):
    """The lengths of the panels every fit of the network trains on, in order."""
    seen: list[list[int]] = []
    real = fitting.fit_on_panel

    def spy(est, panel, *args, **kw):
        seen.append(panel.lengths.tolist())
        return real(est, panel, *args, **kw)

    monkeypatch.setattr(fitting, "fit_on_panel", spy)
    return seen


@pytest.mark.parametrize("holdout", [0.2, 0])
def test_intervals_widen_with_the_step_on_a_random_walk(holdout):
    walk = np.cumsum(np.random.default_rng(3).normal(size=600)) + 100
    model = Forecaster(horizon=6, epochs=6, hidden=8, seed=0).fit(walk, holdout=holdout)
    out = model.forecast(6, level=[80, 95])
    assert list(out.columns) == ["unique_id", "ds", "tsrnn", *BOUNDS]
    width = (out["tsrnn-hi-80"] - out["tsrnn-lo-80"]).to_numpy()
    # a walk's k-step error grows as sqrt(k): 2.4 times wider at step 6 than at step 1
    assert (np.diff(width) >= 0).all() and width[-1] > 1.6 * width[0], width
    assert (out["tsrnn-lo-95"] < out["tsrnn-lo-80"]).all() and (out["tsrnn-hi-80"] < out["tsrnn-hi-95"]).all()
    np.testing.assert_allclose(
        out["tsrnn-hi-80"] - out["tsrnn"], out["tsrnn"] - out["tsrnn-lo-80"], atol=2e-5
    )
    # rounded like the forecast: to the data's decimals (here at least three significant digits)
    assert (out[BOUNDS] == out[BOUNDS].round(5)).all().all()


def test_the_holdout_copy_calibrates_without_a_third_fit(fits):
    walk = np.cumsum(np.random.default_rng(4).normal(size=300)) + 50
    model = Forecaster(horizon=3, epochs=3, hidden=4, seed=0).fit(walk, holdout=60)
    assert fits == [[240], [300]]  # the evaluated copy and the refit: nothing more
    again = calibration.calibrate(model.holdout_.model, read(model, walk), np.array([60]))
    assert again is not None and model.calibration_ is not None
    np.testing.assert_array_equal(model.calibration_.scores, again.scores)
    # every origin of the 60 held-out steps, rolled up to 60 steps (step k has 60 - k + 1 residuals);
    # the scores are those of the horizon's 3 steps, the steps beyond give their spread only
    assert model.calibration_.steps == 60 and len(model.calibration_.scores) == 60 + 59 + 58
    fits.clear()
    alone = Forecaster(horizon=3, epochs=3, hidden=4, seed=0).fit(walk)  # holdout=0: one copy for it
    held = max(alone.validation_steps(300), 3)
    assert fits == [[300], [300 - held]] and alone.calibration_.steps == held


def test_no_residual_comes_from_a_step_the_copy_read():
    walk = np.cumsum(np.random.default_rng(5).normal(size=300)) + 50
    model = Forecaster(horizon=3, epochs=3, hidden=4, seed=0).fit(walk, holdout=60)
    changed = walk.copy()
    changed[240:] += np.linspace(0, 30, 60)  # only the held-out steps move
    moved = Forecaster(horizon=3, epochs=3, hidden=4, seed=0).fit(changed, holdout=60)
    copy, other = model.holdout_.model, moved.holdout_.model
    np.testing.assert_array_equal(copy.forecast(3)["tsrnn"], other.forecast(3)["tsrnn"])  # the same copy
    assert not np.array_equal(model.calibration_.scores, moved.calibration_.scores)  # scored on new steps


def _panel(n_series: int, length: int, seed: int) -> pd.DataFrame:
    """Seasons of 12 plus Gaussian noise of standard deviation 1, 2 or 3 by series: known noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    parts = []
    for s in range(n_series):
        noise = 1.0 + s % 3
        y = 50 + 10 * s + 5 * np.sin(2 * np.pi * (t + s) / 12) + noise * rng.normal(size=length)
        parts.append(pd.DataFrame({"unique_id": f"s{s}", "ds": t, "y": y}))
    return pd.concat(parts, ignore_index=True)


def test_coverage_on_known_gaussian_noise_is_near_nominal():
    data = _panel(12, 700, seed=5)
    fit_on = data[data["ds"] < 500]
    model = Forecaster(horizon=3, epochs=8, hidden=8, seed=0).fit(fit_on, holdout=0.2)
    assert model.calibration_.scores.shape[0] > 1000  # one calibration pooled over the panel
    inside: dict[int, list] = {80: [], 95: []}
    for origin in range(500, 697, 6):  # out of sample: 33 origins x 12 series x 3 steps
        out = model.forecast(3, data=data[data["ds"] < origin], level=[80, 95])
        out = out.merge(data, on=["unique_id", "ds"])
        assert len(out) == 36
        for level in inside:
            inside[level].append(
                (out[f"tsrnn-lo-{level}"] <= out["y"]) & (out["y"] <= out[f"tsrnn-hi-{level}"])
            )
    coverage = {level: float(np.mean(np.concatenate(v))) for level, v in inside.items()}
    assert abs(coverage[80] - 0.80) < 0.05 and abs(coverage[95] - 0.95) < 0.03, coverage
    # per series: the noisier series get the wider intervals (noise 1, 2, 3 by s % 3)
    out = model.forecast(1, level=[80]).set_index("unique_id")
    width = out["tsrnn-hi-80"] - out["tsrnn-lo-80"]
    assert width["s2"] > 1.5 * width["s1"] > 1.5 * width["s0"]


def test_refusals_say_why_and_what_to_do():
    model = Forecaster(horizon=2, window=4, epochs=1, hidden=2).fit(np.arange(7.0))
    # less its 2 validation steps, 5 steps are too short for the calibration's copy
    assert model.calibration_ is None
    with pytest.raises(
        TsrnnError,
        match=r"no conformal calibration for level=: its series were too short to hold out steps for a "
        r"calibration; refit it",
    ):
        model.forecast(2, level=[80])
    with pytest.raises(InvalidParameterError, match=r"each level must lie strictly between 0 and 100"):
        model.forecast(2, level=[120])
    walk = np.cumsum(np.random.default_rng(6).normal(size=200))
    short = Forecaster(horizon=2, epochs=2, hidden=4, seed=0).fit(walk, holdout=10)
    with pytest.raises(DataError, match=r"intervals are calibrated for 10 step\(s\) ahead"):
        short.forecast(11, level=[80])
    assert short.forecast(10, level=80).shape == (10, 5)
