"""`tsrnn fit` reads its data once, wide or long, and every later step (fit, evaluation, the
one-step forecasts, the figures) gets that panel; long data goes through the vectorised reader."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import invoke

import tsrnn.data.long_layout as long_layout
import tsrnn.data.wide_layout as wide_layout


@pytest.fixture
def reads(monkeypatch):
    """How often the data is read: wide (prepare_wide) and long (long_panel)."""
    calls = {"wide": 0, "long": 0}

    def counting(name, read):
        def run(*args, **kwargs):
            calls[name] += 1
            return read(*args, **kwargs)

        return run

    monkeypatch.setattr(wide_layout, "prepare_wide", counting("wide", wide_layout.prepare_wide))
    monkeypatch.setattr(long_layout, "long_panel", counting("long", long_layout.long_panel))
    return calls


def test_fit_reads_a_wide_file_once(tmp_path, reads):
    rng = np.random.default_rng(0)
    T = 120
    promo = (rng.random(T) < 0.3).astype(float)
    pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=T).strftime("%Y-%m-%d"),
            "y": 10 + 3 * promo + rng.normal(0, 0.3, T),
            "promo": promo,
        }
    ).to_csv(tmp_path / "sales.csv", index=False)
    args = ["--targets", "y", "--known", "promo", "--horizon", "3", "--window", "7", "--loss", "gaussian"]
    result = invoke(
        "fit", "--data", str(tmp_path / "sales.csv"), *args, "--epochs", "1", "--out", str(tmp_path / "run")
    )
    assert result.exit_code == 0, result.output
    assert reads == {"wide": 1, "long": 0}
    assert "120 steps x 2 features ['y', 'promo']; first 96 steps to fit" in result.output
    assert sorted(p.name for p in (tmp_path / "run").glob("*.png")) == [
        "forecast.png",
        "hidden.png",
        "loss.png",
    ]


def test_fit_reads_a_long_file_once_through_the_vectorised_reader(tmp_path, reads):
    rng = np.random.default_rng(0)
    days = pd.date_range("2020-01-01", periods=40)
    long = pd.DataFrame(
        {"unique_id": np.repeat(["a", "b", "c"], 40), "ds": np.tile(days, 3), "y": rng.normal(10, 1, 120)}
    )
    long = long.drop(index=[45]).iloc[::-1]  # series b misses 2020-01-06; rows in any order
    long.to_csv(tmp_path / "long.csv", index=False)
    result = invoke(
        "fit",
        "--data",
        str(tmp_path / "long.csv"),
        "--fill",
        "ffill",
        "--window",
        "5",
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.exit_code == 0, result.output
    assert reads == {"wide": 0, "long": 1}
    assert "3 series (long layout), 120 rows, columns ['y']" in result.output
    assert (
        "missing values: {'y': 1} (including calendar gaps in 1 series: b 2020-01-06), ffill: 1 filled"
        in (result.output)
    )
    assert (
        "time index: column 'ds', daily (D), 3 series of 40 steps each, from 2020-01-01 (the earliest start) "
        "to 2020-02-09 (the latest end)" in result.output
    )
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())["test"]
    assert (
        metrics["n_windows"] == 3 * 8 - 3 * 0
    )  # the last 20% of each series: 8 origins each, one step ahead


def test_fit_refuses_a_long_series_too_short_to_test(tmp_path):
    long = pd.DataFrame(
        {
            "unique_id": ["a"] * 30 + ["b"],
            "ds": list(pd.date_range("2020-01-01", periods=30)) + [pd.Timestamp("2020-01-01")],
            "y": np.arange(31.0),
        }
    )
    long.to_csv(tmp_path / "long.csv", index=False)
    result = invoke(
        "fit", "--data", str(tmp_path / "long.csv"), "--epochs", "1", "--out", str(tmp_path / "r")
    )
    assert result.exit_code == 2
    assert "series 'b': --holdout 0.2 of 1 steps leaves no step to test" in result.output
