"""fit(data, holdout=...): evaluate on each series' last steps, then refit on all of them; the CLI's
saved model is the library's."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import invoke

from tsrnn import DataError, Forecaster
from tsrnn.cli.options import Holdout
from tsrnn.data.files import read_csv
from tsrnn.estimator.holdout import check_holdout

TINY = dict(hidden=4, layers=1, epochs=4, seed=0)


def jumping(n: int = 96, jump: float = 20.0) -> pd.DataFrame:
    """Monthly values around 10 whose last 6 months jump to about 10 + ``jump``."""
    t = np.arange(n)
    y = 10 + np.sin(t * 2 * np.pi / 12) + np.where(t >= n - 6, jump, 0.0)
    return pd.DataFrame(
        {"month": pd.date_range("2015-01-01", periods=n, freq="MS").strftime("%Y-%m"), "y": y}
    )


def test_the_refit_reads_the_last_rows_and_forecasts_after_them():
    frame = jumping()
    model = Forecaster(window=12, **TINY).fit(frame, holdout=12)
    held = model.holdout_
    assert held.starts == {None: 84} and held.metrics["n_windows"] == 12
    chosen = held.model.history_.averaged  # the epochs the evaluated fit's validation averaged
    assert len(chosen) == 3 and held.epochs == max(chosen)
    assert len(model.history_.records) == held.epochs and model.history_.records[-1]["val_loss"] is None
    assert model.history_.averaged == sorted(chosen)  # the refit averages the same epochs' weights
    # the saved model continues the data's last month; the evaluated one stopped before the held-out year
    assert model.forecast(1)["ds"][0] == pd.Timestamp("2023-01-01")
    assert held.model.forecast(1)["ds"][0] == pd.Timestamp("2022-01-01")
    # the refit's scaler saw the jump; the evaluated fit's did not
    assert model.scaler_.mean_[0] > held.model.scaler_.mean_[0] + 1.0
    assert model.forecast(1)["tsrnn"][0] > 25 > held.model.forecast(1)["tsrnn"][0]


def test_holdout_zero_is_one_fit_on_everything_and_bad_holdouts_are_refused():
    frame = jumping()
    once = Forecaster(window=12, **TINY).fit(frame, holdout=0)
    assert not hasattr(once, "holdout_")
    pd.testing.assert_frame_equal(once.forecast(3), Forecaster(window=12, **TINY).fit(frame).forecast(3))
    zero = Forecaster(window=12, **TINY).fit(frame, holdout=0.0)  # 0.0 is 0 steps, as 0 is
    assert not hasattr(zero, "holdout_")
    pd.testing.assert_frame_equal(zero.forecast(3), once.forecast(3))
    with pytest.raises(ValueError, match=r"^holdout must be a finite number in \(0.0, 1.0\), got 1.5$"):
        Forecaster(**TINY).fit(frame, holdout=1.5)
    with pytest.raises(ValueError, match=r"^holdout must be a finite number in \(0.0, 1.0\), got -1.0$"):
        Forecaster(**TINY).fit(frame, holdout=-1.0)
    with pytest.raises(TypeError, match="holdout must be a fraction in"):
        Forecaster(**TINY).fit(frame, holdout="12")
    with pytest.raises(DataError, match="holdout=96 of 96 steps leaves no step to fit"):
        Forecaster(**TINY).fit(frame, holdout=96)


def test_a_long_panel_holds_out_each_series_own_last_steps():
    parts = [jumping(n, jump).assign(unique_id=u) for u, n, jump in [("a", 96, 0.0), ("b", 80, 5.0)]]
    long = pd.concat(parts).rename(columns={"month": "ds"})
    model = Forecaster(window=12, **TINY).fit(long, holdout=6)
    assert model.holdout_.starts == {"a": 90, "b": 74}
    assert set(model.holdout_.metrics["seasons"]) == {"a", "b"}
    first = model.forecast(2).groupby("unique_id")["ds"].first()
    assert list(first.dt.strftime("%Y-%m")) == ["2023-01", "2021-09"]  # each series' next month


def test_the_cli_saves_the_model_the_library_fits(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    jumping().to_csv("m.csv", index=False)
    args = ("--hidden", "4", "--layers", "1", "--epochs", "4", "--window", "12")
    fitted = invoke("fit", "--data", "m.csv", *args, "--out", "run")
    assert fitted.exit_code == 0, fitted.output
    assert (
        "held out" in fitted.output
        and "saved model: refit on all the data (steps 1-96, 2015-01 to 2022-12)" in (fitted.output)
    )
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["holdout"] == 0.2 and run["test_start"] == 77 and run["refit_epochs"] >= 1
    library = Forecaster(hidden=4, layers=1, epochs=4, window=12).fit(read_csv("m.csv"), holdout=0.2)
    saved = Forecaster.load("run")
    pd.testing.assert_frame_equal(saved.forecast(6), library.forecast(6))
    predicted = invoke("predict", "--model", "run", "--steps", "2")
    assert predicted.exit_code == 0 and "2023-01" in predicted.output and "2023-02" in predicted.output

    everything = invoke("fit", "--data", "m.csv", *args, "--holdout", "0", "--out", "all")
    assert everything.exit_code == 0, everything.output
    assert "none held out (holdout 0)" in everything.output and "test (" not in everything.output
    assert not (tmp_path / "all" / "metrics.json").exists()
    assert json.loads((tmp_path / "all" / "run.json").read_text())["test_start"] is None
    once = Forecaster(hidden=4, layers=1, epochs=4, window=12).fit(read_csv("m.csv"))
    pd.testing.assert_frame_equal(Forecaster.load("all").forecast(3), once.forecast(3))

    old = invoke("fit", "--data", "m.csv", *args, "--test-fraction", "0.25", "--out", "old")
    assert old.exit_code == 0 and "--test-fraction is deprecated: use --holdout 0.25" in old.output
    assert json.loads((tmp_path / "old" / "run.json").read_text())["test_start"] == 72
    bad = invoke("fit", "--data", "m.csv", "--holdout", "1.5")
    assert (
        bad.exit_code == 2
        and "expected a fraction strictly between 0 and 1 or a number of steps" in bad.output
    )


def test_zero_written_as_a_float_is_no_holdout():
    assert check_holdout(0.0) == 0 and type(check_holdout(np.float64(0.0))) is int
    assert check_holdout(0.25) == 0.25 and type(check_holdout(0.25)) is float
    convert = Holdout().convert
    assert [convert(text, None, None) for text in ("0", "0.0", "-0.0", "24", "0.25")] == [0, 0, 0, 24, 0.25]
    assert type(convert("0.0", None, None)) is int


def test_the_cli_reads_holdout_0_0_as_no_holdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    jumping().to_csv("m.csv", index=False)
    args = ("--hidden", "4", "--layers", "1", "--epochs", "1", "--window", "12")
    fitted = invoke("fit", "--data", "m.csv", *args, "--holdout", "0.0", "--out", "run")
    assert fitted.exit_code == 0, fitted.output
    assert "all 96 steps to fit" in fitted.output and "none held out (holdout 0)" in fitted.output
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert (
        run["holdout"] == 0 and run["test_start"] is None and not (tmp_path / "run" / "metrics.json").exists()
    )


def _long(frame: pd.DataFrame) -> pd.DataFrame:
    """Two series of ``frame``'s values: the second 5 higher."""
    ds = pd.to_datetime(frame["month"])
    return pd.concat(
        [
            pd.DataFrame({"unique_id": uid, "ds": ds, "y": frame["y"] + shift})
            for uid, shift in (("a", 0.0), ("b", 5.0))
        ]
    )


def test_a_panel_fitted_without_holdout_is_refit_on_every_step():
    panel = _long(jumping())
    model = Forecaster(window=12, **TINY).fit(panel)
    once = Forecaster(window=12, **TINY).fit(panel.groupby("unique_id").head(96))  # the same rows
    # the kept model trained on every step for the first fit's best epochs, no validation span
    records = model.history_.records
    assert records[-1]["val_loss"] is None and len(records) <= TINY["epochs"]
    assert not hasattr(model, "holdout_") and model.calibration_ is not None
    assert model.history_.val_mse is not None  # the network's share, from the fit that validated
    pd.testing.assert_frame_equal(model.forecast(2), once.forecast(2))  # deterministic
    # a single series is fitted once: its history keeps the validation span
    single = Forecaster(window=12, **TINY).fit(jumping())
    assert single.history_.records[-1]["val_loss"] is not None
    # without a validation span there is nothing to refit for
    none = Forecaster(window=12, val_fraction=0.0, **TINY).fit(panel)
    assert len(none.history_.records) == TINY["epochs"]
