"""The command line on a dated CSV file, end to end: time column, picked columns, one-line refusals,
output permissions and folders, plots of such runs, resume, compare, accepted irregular dates."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pandas as pd
import pytest
from conftest import invoke

import tsrnn
from tsrnn import Forecaster, multi_sine

FAST = ["--epochs", "1", "--hidden", "4", "--window", "8", "--quiet"]


@pytest.fixture()
def dated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frame = multi_sine(300, 3, noise=0.05, seed=4)
    frame.columns = ["a", "b", "c"]
    frame.insert(0, "date", pd.date_range("2024-01-01", periods=300, freq="D").strftime("%Y-%m-%d"))
    frame.to_csv("dated.csv", index=False)
    return tmp_path


def test_time_col_run_completes_and_forecasts_carry_dates(dated):
    assert invoke("fit", "--data", "dated.csv", "--time-col", "date", *FAST, "--out", "run").exit_code == 0
    assert (dated / "run" / "hidden.png").is_file()
    result = invoke("predict", "--model", "run", "--data", "dated.csv", "--steps", "2", "--out", "f.csv")
    assert result.exit_code == 0, result.output
    written = pd.read_csv(dated / "f.csv")
    assert list(written.columns) == ["unique_id", "ds", "tsrnn"]
    assert list(written["ds"][:2]) == ["2024-10-27", "2024-10-28"]  # after the file's last day, in its form


def test_refit_backtest_keeps_the_picked_columns(dated):
    assert (
        invoke(
            "fit", "--data", "dated.csv", "--features", "b,c", "--targets", "b", *FAST, "--out", "cov"
        ).exit_code
        == 0
    )
    plain = invoke(
        "backtest", "--model", "cov", "--data", "dated.csv", "--start", "250", "--stride", "20", "--in-sample"
    )  # the saved model was refit on all of dated.csv
    refit = invoke(
        "backtest",
        "--model",
        "cov",
        "--data",
        "dated.csv",
        "--start",
        "250",
        "--stride",
        "20",
        "--refit",
        "1",
    )
    assert plain.exit_code == 0 and refit.exit_code == 0, refit.output
    naive = lambda out: [line.split()[2] for line in out.splitlines() if line.strip().startswith("1 ")]  # noqa: E731
    assert naive(plain.output) == naive(refit.output)  # the same target column is scored


@pytest.mark.parametrize(
    "args, message",
    [
        (["fit", "--lr", "11"], "Invalid value for '--lr'"),
        (["fit", "--lr", "nan"], "lr must be a finite number"),
        (["fit", "--noise", "nan"], "noise must be a finite number"),
        (["generate", "--trend", "inf", "--out", "g.csv"], "trend must be a finite number, got inf"),
        (["fit", "--data", "dated.csv", "--features", "a,b,a"], "features must not repeat a column"),
        (
            ["fit", "--data", "dated.csv", "--time-col", "a"],
            "time column 'a' holds numbers that are neither dates nor distinct integer steps",
        ),
    ],
)
def test_refusals_are_one_line(dated, args, message):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output


def test_start_must_be_finite(dated):
    assert invoke("fit", "--data", "dated.csv", *FAST, "--out", "run").exit_code == 0
    result = invoke("evaluate", "--model", "run", "--data", "dated.csv", "--start", "nan")
    assert result.exit_code == 2 and "expected a step position or a fraction" in result.output


def test_outputs_follow_the_umask_and_folders_are_made(dated):
    previous = os.umask(0o022)
    try:
        assert invoke("generate", "--length", "50", "--out", "new/dir/g.csv").exit_code == 0
        assert invoke("fit", "--data", "dated.csv", *FAST, "--out", "run").exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(dated / "new" / "dir" / "g.csv").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(dated / "run" / "model.safetensors").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(dated / "run").st_mode) == 0o755


def test_plot_redraws_a_run_fitted_with_fill_and_features(dated):
    frame = pd.read_csv("dated.csv")
    frame.loc[[10, 11], "a"] = np.nan
    frame.to_csv("gaps.csv", index=False)
    assert (
        invoke(
            "fit", "--data", "gaps.csv", "--fill", "interpolate", "--features", "a,b", *FAST, "--out", "run"
        ).exit_code
        == 0
    )
    result = invoke("plot", "run", "--out", "figs")
    assert result.exit_code == 0, result.output
    assert (
        dated / "figs" / "hidden.png"
    ).is_file() and "skipped forecast.png: the saved model was refit" in (result.output)
    run = json.loads((dated / "run" / "run.json").read_text())
    del run["refit_epochs"]  # as a run from before the refit wrote it: the data is re-read, filled, picked
    (dated / "run" / "run.json").write_text(json.dumps(run))
    assert invoke("plot", "run", "--out", "figs2").exit_code == 0
    assert (dated / "figs2" / "forecast.png").is_file()


def _long_run() -> None:
    """Two hourly series of 150 steps as long.csv, and a run of them fitted into ``run``."""
    long = pd.DataFrame(
        {
            "unique_id": np.repeat(["x", "y"], 150),
            "ds": np.tile(pd.date_range("2024-01-01", periods=150, freq="h"), 2),
            "y": np.r_[np.sin(np.arange(150) / 4), np.cos(np.arange(150) / 6)],
        }
    )
    long.to_csv("long.csv", index=False)
    assert invoke("fit", "--data", "long.csv", *FAST, "--out", "run").exit_code == 0


def test_plot_of_a_long_run_explains_instead_of_crashing(dated):
    _long_run()
    result = invoke("plot", "run", "--out", "figs")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    out = invoke("predict", "--model", "run", "--steps", "1", "--out", "f.csv")
    assert out.exit_code == 0 and list(pd.read_csv(dated / "f.csv").columns) == ["unique_id", "ds", "tsrnn"]


def test_resume_of_a_finished_run_says_so(dated):
    assert invoke("fit", "--data", "dated.csv", *FAST, "--out", "run").exit_code == 0
    result = invoke("fit", "--resume", "run")
    assert result.exit_code == 2 and "is already complete; nothing to resume" in result.output


def test_irregular_dates_accepted_keep_dates_in_forecasts():
    days = pd.date_range("2024-01-01", periods=120, freq="D").delete([30, 31])
    frame = pd.DataFrame({"when": days, "v": np.sin(np.arange(118) / 3)})
    model = Forecaster(window=10, hidden=4, epochs=1).fit(tsrnn.read(frame, irregular="ignore"))
    assert str(model.forecast(1)["ds"][0].date()) == "2024-04-30"


def test_compare_reads_a_dated_csv_as_fit_does_and_refuses_long_data(dated):
    frame = pd.read_csv("dated.csv")
    frame["site"] = "north"  # a label column: not a feature
    frame.to_csv("labelled.csv", index=False)
    result = invoke("compare", "--hidden", "2", "3", "--epochs", "1", "--data", "labelled.csv", "--out", "c")
    assert result.exit_code == 0, result.output
    assert "on 300 steps x 3 feature(s)" in result.output
    long = pd.DataFrame(
        {
            "unique_id": np.repeat(["x", "y"], 60),
            "ds": np.tile(pd.date_range("2024-01-01", periods=60, freq="h"), 2),
            "y": np.arange(120.0),
        }
    )
    long.to_csv("long.csv", index=False)
    refused = invoke("compare", "--hidden", "2", "--data", "long.csv", "--out", "c2")
    assert refused.exit_code == 2 and "compare reads one series" in refused.output


def test_fit_reports_and_switches_the_seasonal_indices(tmp_path):
    dates = pd.date_range("1949-01-01", periods=96, freq="MS")
    season = 1 + 0.3 * np.sin(2 * np.pi * (dates.month - 1) / 12)  # strong and multiplicative
    pd.DataFrame({"y": (100 + 0.8 * np.arange(96)) * season}, index=dates.rename("month")).to_csv(
        tmp_path / "m.csv"
    )
    on = invoke(
        "fit",
        "--data",
        str(tmp_path / "m.csv"),
        "--hidden",
        "4",
        "--epochs",
        "2",
        "--out",
        str(tmp_path / "on"),
    )
    assert on.exit_code == 0, on.output
    assert "seasonal indices (m=12): multiplicative indices" in on.output
    off = invoke(
        "fit",
        "--data",
        str(tmp_path / "m.csv"),
        "--hidden",
        "4",
        "--epochs",
        "2",
        "--no-deseason",
        "--out",
        str(tmp_path / "off"),
    )
    assert off.exit_code == 0, off.output
    assert "no seasonal indices" in off.output
    assert json.loads((tmp_path / "off" / "config.json").read_text())["estimator"]["deseason"] is False


def test_refit_backtest_of_long_data_refits_the_global_model(dated):
    _long_run()
    args = ["backtest", "--model", "run", "--data", "long.csv", "--start", "130", "--stride", "8"]
    plain = invoke(*args, "--in-sample", "--out", "plain.csv")  # the run's model was refit on long.csv
    refit = invoke(*args, "--refit", "2", "--out", "refit.csv")
    assert plain.exit_code == 0 and refit.exit_code == 0, refit.output
    assert "6 origins from step 130, stride 8" in refit.output  # 130, 138, 146 of each series
    ours, theirs = pd.read_csv(dated / "refit.csv"), pd.read_csv(dated / "plain.csv")
    assert list(ours["unique_id"].unique()) == ["x", "y"]
    pd.testing.assert_series_equal(ours["naive"], theirs["naive"])
    assert not np.allclose(ours["model"], theirs["model"])


def test_long_files_leave_text_columns_out_and_name_a_series_too_short(tmp_path):
    months = pd.date_range("2020-01-01", periods=30, freq="MS").strftime("%Y-%m-%d")
    long = pd.DataFrame(
        {
            "unique_id": np.repeat(["a", "b"], 30),
            "ds": np.tile(months, 2),
            "y": np.sin(np.arange(60) / 3.0),
            "region": np.repeat(["North", "South"], 30),
        }
    )
    long.to_csv(tmp_path / "long.csv", index=False)
    out = invoke(
        "fit", "--data", tmp_path / "long.csv", "--hidden", "4", "--epochs", "1", "--out", tmp_path / "run"
    )
    assert out.exit_code == 0, out.output
    assert "columns ['y']" in out.output and "column 'region' left out (text, such as 'North'" in out.output
    model = Forecaster(hidden=4, epochs=1).fit(long)
    assert model.feature_names_in_ == ["y"] and model.data_report_["text_columns"] == {"region": "North"}
    short = pd.concat(
        [long, pd.DataFrame({"unique_id": ["c"], "ds": [months[0]], "y": [1.0], "region": ["X"]})]
    )
    short.to_csv(tmp_path / "short.csv", index=False)
    out = invoke(
        "fit", "--data", tmp_path / "short.csv", "--hidden", "4", "--epochs", "1", "--out", tmp_path / "r2"
    )
    assert out.exit_code != 0 and "series 'c': --holdout 0.2 of 1 steps leaves no step to test" in out.output
