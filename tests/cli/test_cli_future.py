"""fit then predict forecasts the steps after the file's last timestamp, with a figure, for every
kind of file: monthly, quarterly, yearly, daily and a long panel."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import invoke

import tsrnn

PNG = b"\x89PNG\r\n\x1a\n"
FAST = ("--hidden", "4", "--layers", "1", "--epochs", "2")


def _values(n: int, season: int, seed: int = 0) -> np.ndarray:
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0, 0.5, n)
    return (100 + 0.5 * t + 10 * np.sin(t * 2 * np.pi / season) + noise).round(1)


FILES = {  # name -> (frame, the first forecast label as the file writes it, the second)
    "monthly": (
        pd.DataFrame({"month": pd.date_range("2015-01", periods=72, freq="MS").strftime("%Y-%m")}).assign(
            passengers=_values(72, 12)
        ),
        "2021-01",
        "2021-02",
    ),
    "quarterly": (
        pd.DataFrame({"quarter": pd.period_range("2000Q1", periods=60, freq="Q").astype(str)}).assign(
            gdp=_values(60, 4)
        ),
        "2015Q1",
        "2015Q2",
    ),
    "yearly": (
        pd.DataFrame({"year": np.arange(1950, 2020)}).assign(sunspots=_values(70, 11)),
        "2020",
        "2021",
    ),
    "daily": (
        pd.DataFrame(
            {"date": pd.date_range("2024-01-01", periods=120, freq="D").strftime("%Y-%m-%d")}
        ).assign(load=_values(120, 7)),
        "2024-04-30",
        "2024-05-01",
    ),
    "long": (
        pd.concat(
            [
                pd.DataFrame(
                    {
                        "unique_id": uid,
                        "ds": pd.date_range(start, periods=n, freq="MS").strftime("%Y-%m-%d"),
                        "y": _values(n, 12, seed),
                    }
                )
                for seed, (uid, start, n) in enumerate(
                    [("north", "2015-01-01", 72), ("south", "2016-01-01", 60)]
                )
            ]
        ),
        "2021-01-01",
        "2021-02-01",
    ),
}


@pytest.mark.parametrize("name", list(FILES))
def test_fit_then_predict_forecasts_after_the_last_timestamp(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    frame, first, second = FILES[name]
    frame.to_csv("data.csv", index=False)
    fitted = invoke("fit", "--data", "data.csv", *FAST, "--out", "run")
    assert fitted.exit_code == 0, fitted.output
    assert "saved model: refit on all the data" in fitted.output
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["saved_model"].startswith("refit on all the data") and run["tsrnn"] == tsrnn.__version__
    assert run["holdout"] == 0.2 and 1 <= run["refit_epochs"] <= 2 and run["test_start"] < run["steps"]
    result = invoke("predict", "--model", "run", "--steps", "3", "--out", "f.csv", "--plot", "f.png")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "f.png").read_bytes()[:8] == PNG and "wrote f.png" in result.output
    out = pd.read_csv("f.csv", dtype={"ds": str})
    assert list(out.columns) == ["unique_id", "ds", "tsrnn"]
    ids = ["north", "south"] if name == "long" else [frame.columns[1]]
    assert list(out["unique_id"].unique()) == ids and len(out) == 3 * len(ids)
    assert list(out["ds"][:2]) == [first, second]  # the step after the file's last, in the file's form
    assert first in result.output  # the screen writes the dates as the file does
    if name == "long":  # the south series ends in 2020-12 as well, north's steps are its own
        assert list(out.loc[out.unique_id == "south", "ds"][:1]) == ["2021-01-01"]
    decimals = out["tsrnn"].map(lambda v: len(f"{v}".split(".")[1]) if "." in f"{v}" else 0)
    assert decimals.max() <= 1  # the data's own precision: one decimal, no float32 noise


def test_predict_help_says_where_the_forecast_starts():
    text = " ".join(invoke("predict", "--help").output.split())
    assert "Forecast the --steps N steps after the data's last timestamp" in text
    assert "a monthly FILE ending 2020-12 is forecast from 2021-01 on" in text


def test_a_year_of_months_fits_then_forecasts_the_next_months(tmp_path, monkeypatch):
    """A file shorter than its calendar's season plus a step: no seasonal-naive baseline can read a
    season back, so the held-out test compares with the others instead of failing after training."""
    monkeypatch.chdir(tmp_path)
    months = pd.period_range("2020-01", periods=12, freq="M").strftime("%Y-%m")
    pd.DataFrame({"month": months, "sales": _values(12, 12)}).to_csv("year.csv", index=False)
    fitted = invoke("fit", "--data", "year.csv", *FAST, "--out", "run")
    assert fitted.exit_code == 0, fitted.output
    assert "sales: none (the calendar season 12 is not shorter than the 9-step span)" in fitted.output
    result = invoke("predict", "--model", "run", "--steps", "2", "--out", "f.csv")
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv("f.csv", dtype={"ds": str})["ds"]) == ["2021-01", "2021-02"]
