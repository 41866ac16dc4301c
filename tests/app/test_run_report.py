"""tsrnn.app.run_report: the text of a training run's report (the data's layout and time axis, the
model and its training, the held-out test beside the baselines, the saved model, the intervals)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from conftest import invoke

import tsrnn
from tsrnn.app.run_report import (
    describe_layout,
    evaluated_model,
    first_series,
    intervals_note,
    metrics_table,
    network_share_note,
    report_fit,
    report_test,
    saved_model_note,
    time_axis_note,
)
from tsrnn.estimator.holdout import test_starts as held_out_starts
from tsrnn.estimator.intake import read
from tsrnn.train.history import History

TINY = dict(hidden=4, layers=1, epochs=1, window=6, seed=0)
MONTHS = pd.date_range("2015-01-01", periods=72, freq="MS")


def monthly_sales() -> pd.DataFrame:
    y = 10 + np.sin(np.arange(72) * 2 * np.pi / 12) + np.random.default_rng(0).normal(0, 0.1, 72)
    return pd.DataFrame({"month": MONTHS, "sales": y})


@pytest.fixture(scope="module")
def held_out():
    """A model fitted with its last 25% held out: (estimator, panel, starts)."""
    est = tsrnn.Forecaster(**TINY)
    panel = read(est, monthly_sales())
    starts = held_out_starts(est, panel, 0.25)
    return est.fit(panel, holdout=0.25, progress=False), panel, starts


# -- the metrics table -------------------------------------------------------------------------------------
def scores(rmse: float, mase: float | None = 1.0) -> dict:
    return {"rmse": rmse, "mae": rmse / 2, "mase": mase, "smape": 12.5}


def test_the_metrics_table_keeps_its_columns_apart_whatever_the_magnitudes():
    metrics = {
        "model": scores(0.123456),
        "naive": scores(17827.554),
        "seasonal_naive": scores(1234567.0, None),
        "drift": scores(float("inf")),
        "linear_ar": scores(2.0),
        "best_baseline": "linear_ar",
        "skill": {"rmse": 0.5, "mae": -0.25},
    }
    lines = metrics_table(metrics).splitlines()
    assert [line.split() for line in lines[:5]] == [
        ["RMSE", "MAE", "MASE", "sMAPE", "%"],
        ["model", "0.1235", "0.0617", "1.0000", "12.500"],  # at most four decimals and five digits
        ["naive", "(last", "value)", "17828", "8913.8", "1.0000", "12.500"],
        ["seasonal", "naive", "1.235e+06", "617284", "n/a", "12.500"],  # no MASE: n/a
        ["drift", "inf", "inf", "1.0000", "12.500"],
    ]
    assert lines[5].endswith("  <- best baseline") and lines[5].lstrip().startswith("linear AR (window)")
    assert len({len(line) for line in lines[:5]}) == 1  # right-aligned columns of equal width
    assert lines[6] == "  skill vs best baseline (1 - model / baseline): RMSE 0.5000, MAE -0.2500"
    assert len(lines) == 7  # no calibration line for a point forecast


def test_a_probabilistic_model_s_table_adds_its_calibration():
    metrics = {k: scores(1.0) for k in ("model", "naive", "seasonal_naive", "drift", "linear_ar")}
    calibration = {"coverage_80": 0.75, "coverage_50": None, "pinball": 0.12345, "crps": 0.5}
    metrics.update(best_baseline="naive", skill={"rmse": 0.0, "mae": 0.0}, calibration=calibration)
    assert metrics_table(metrics).splitlines()[-1] == (
        "  calibration: 80% interval covers 0.750; pinball loss 0.1235, CRPS 0.5000"
    )


# -- notes ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "val, linear, words",
    [
        (0.5, 1.0, "the network takes off 50% of its linear part's error"),
        (1.2, 1.0, "the network adds 20% to its linear part's error"),
    ],
)
def test_the_share_note_states_what_the_network_adds(val, linear, words):
    note = network_share_note(History(val_mse=val, linear_val_mse=linear))
    assert note.startswith(f"\n  network's share: validation MSE {val:.4g} (scaled) against {linear:.4g} ")
    assert note.endswith(words)


def test_the_share_note_is_empty_without_both_errors_and_says_when_the_linear_part_is_exact():
    assert network_share_note(History()) == network_share_note(History(val_mse=0.5)) == ""
    assert network_share_note(History(val_mse=0.0, linear_val_mse=0.0)).endswith(
        "its linear part alone is exact"
    )


@pytest.mark.parametrize(
    "report, words",
    [
        ({}, "time index: none (rows in file order, integer steps)"),
        (
            {"row_numbers": ["Unnamed: 0"], "text_columns": {"note": None, "kind": "a"}},
            "time index: none (rows in file order, integer steps); column 'Unnamed: 0' left out (row numbers, "
            "as DataFrame.to_csv or R writes them); columns 'note', 'kind' left out (text, such as no value, "
            "'a': only numbers are features)",
        ),
        (
            {"time_form": "month", "time_col": "month", "freq": "MS", "season": 12},
            "time index: column 'month', monthly (MS), 2015-01 to 2020-12; season 12 (from the frequency)",
        ),
        (
            {"time_form": "date", "freq": "D", "season": None},
            "time index: the DataFrame's index, daily (D), 2015-01-01 to 2020-12-01; season found from the "
            "autocorrelation",
        ),
        ({"time_form": "year", "season": 1}, "time index: the DataFrame's index, integer years, "),
    ],
)
def test_the_time_axis_note_names_the_column_its_form_span_and_season(report, words):
    assert time_axis_note(report, MONTHS).startswith(words)


# -- the data, the fit, the test -----------------------------------------------------------------------
def test_the_first_series_is_shown_of_long_data_by_its_labels():
    ds = np.tile(pd.date_range("2020-01-01", periods=40, freq="D"), 2)
    long = pd.DataFrame({"unique_id": np.repeat(["b", "a"], 40), "ds": ds, "y": np.arange(80.0)})
    est = tsrnn.Forecaster(**TINY)
    panel = read(est, long)
    shown, frame = first_series(panel)
    assert shown.ids == ["a"] and frame.shape == (40, 1) and frame["y"].iloc[0] == 40.0  # 'a' sorts first
    assert frame.index[1] == pd.Timestamp("2020-01-02")
    layout = describe_layout(est, panel, held_out_starts(est, panel, 5), 5)
    assert layout.startswith(
        "2 series (long layout), 80 rows, columns ['y']; one global model fits all but the last 5 steps of "
        "each series, the rest tests, then all of it is refit; report and figures show series 'a'\n"
        "  time index: column 'ds', daily (D), 2 series of 40 steps each, from 2020-01-01 (the earliest start) "
        "to 2020-02-09 (the latest end)"
    )
    gaps = {"a": ["2020-01-05"], "b": [f"2020-01-0{d}" for d in range(1, 6)]}
    filled = {"fill": "ffill", "missing": {"y": 6}, "values_filled": 6, "series_with_gaps": 2, "gaps": gaps}
    note = describe_layout(
        est, replace(panel, report={**panel.report, **filled}), held_out_starts(est, panel, 5), 5
    )
    assert note.endswith(
        "\n  missing values: {'y': 6} (including calendar gaps in 2 series: a 2020-01-05, b 2020-01-01, "
        "b 2020-01-02, b 2020-01-03, b 2020-01-04 ...), ffill: 6 filled"
    )


def test_the_layout_of_one_series_says_its_split_and_what_was_filled(held_out):
    est, panel, starts = held_out
    layout = describe_layout(est, panel, starts, 0.25).splitlines()
    assert layout[0].startswith("72 steps x 1 features ['sales']; first 54 steps to fit (")
    assert layout[0].endswith("), last 18 held out to test, then all 72 refit")
    assert layout[1] == (
        "  time index: column 'month', monthly (MS), 2015-01-01 to 2020-12-01; season 12 (from the frequency)"
    )
    gaps = [f"2016-0{m}-01" for m in range(1, 8)]
    filled = {"fill": "interpolate", "missing": {"sales": 7}, "values_filled": 7, "gaps": gaps}
    note = describe_layout(est, replace(panel, report={**panel.report, **filled}), starts, 0.25)
    assert note.endswith(
        "\n  missing values: {'sales': 7} (including 7 calendar gap(s): 2016-01-01, 2016-02-01, 2016-03-01, "
        "2016-04-01, 2016-05-01 and 2 more), interpolate: 7 filled"
    )


def test_the_fit_report_states_the_model_its_shapes_and_training(held_out):
    est, panel, starts = held_out
    said: list[str] = []
    shapes = report_fit(est, panel, starts, said.append)
    model, training = said
    assert model.startswith("model: LSTM, 1 layer(s) x 4 hidden, ")
    assert f"{evaluated_model(est).model_.n_parameters()} parameters\n" in model
    assert [s["name"] for s in shapes][:2] == ["input", "rnn output"] and shapes[0]["shape"][1:] == (6, 1)
    assert "shapes of one training batch:\n  input " in model
    assert training.startswith("training: 1 epochs in ") and "best epoch 1: train loss " in training


def test_the_test_report_scores_the_held_out_steps_and_names_the_saved_model(held_out):
    est, panel, starts = held_out
    assert evaluated_model(est) is est.holdout_.model
    said: list[str] = []
    metrics, predicted = report_test(est, panel, starts, said.append)
    test, saved = said
    assert test.startswith(
        "test (steps 55-72, 2019-07-01 to 2020-12-01, held out): 18 origins x 1 step(s) ahead"
    )
    assert metrics_table(metrics) in test and metrics["n_windows"] == 18
    assert (
        predicted.shape == (18, 1)
        and list(predicted.columns) == ["sales"]
        and predicted.index[0] == MONTHS[54]
    )
    note = saved_model_note(est, panel)
    assert note.startswith("refit on all the data (steps 1-72, 2015-01-01 to 2020-12-01) for 1 epochs, ")
    assert saved.startswith(f"saved model: {note} (train loss ")
    assert intervals_note(est).startswith(
        "conformal, calibrated on the evaluated model's forecasts of the held-out steps: "
    )


def test_without_a_held_out_span_there_is_no_test():
    est = tsrnn.Forecaster(**TINY)
    panel = read(est, monthly_sales())
    est.fit(panel, progress=False)
    said: list[str] = []
    assert report_test(est, panel, panel.lengths.copy(), said.append) == (None, None)
    assert said == [
        "saved model: fitted on all the data (steps 1-72, 2015-01-01 to 2020-12-01), nothing held out; "
        "'tsrnn predict' forecasts from the step after its end"
    ]
    assert evaluated_model(est) is est
    assert intervals_note(est).startswith("conformal, calibrated on a copy fitted without each series' last ")
    layout = describe_layout(est, panel, panel.lengths.copy(), 0)
    assert layout.startswith("72 steps x 1 features ['sales']; all 72 steps to fit (")
    assert layout.splitlines()[0].endswith("none held out (holdout 0)")


# -- a panel's report spans every series (tsrnn fit) -----------------------------------------------------


def _long(tmp_path) -> str:
    """Three monthly series: 'a' 2015-01 (40 months), 'b' 2016-06 (30), 'c' 2014-03 (50)."""
    parts = []
    for uid, start, n in [("a", "2015-01", 40), ("b", "2016-06", 30), ("c", "2014-03", 50)]:
        ds = pd.date_range(start, periods=n, freq="MS").strftime("%Y-%m")
        parts.append(pd.DataFrame({"unique_id": uid, "ds": ds, "y": 100 + np.arange(n) % 12}))
    pd.concat(parts).to_csv(tmp_path / "long.csv", index=False)
    return str(tmp_path / "long.csv")


def test_the_report_of_a_panel_spans_every_series(tmp_path):
    data = _long(tmp_path)
    fast = ("--epochs", "1", "--hidden", "4", "--window", "6")
    result = invoke("fit", "--data", data, *fast, "--holdout", "6", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2] == (
        "  time index: column 'ds', monthly (MS), 3 series of 30 to 50 steps, from 2014-03 (the earliest "
        "start) to 2018-11 (the latest end); season 12 (from the frequency)"
    )  # c starts first, b ends last (2016-06 + 29 months)
    test = next(line for line in lines if line.startswith("test ("))
    # the held-out steps: 2017-11 .. 2018-04 of a, 2018-06 .. 2018-11 of b, 2017-11 .. 2018-04 of c
    assert test.startswith(
        "test (the last 6 steps of each of the 3 series, 2017-11 to 2018-11, held out): 18 "
    )
    saved = next(line for line in lines if line.startswith("saved model: "))
    assert saved.startswith(
        "saved model: refit on all the data (3 series of 30 to 50 steps, 2014-03 to 2018-11) "
    )

    once = invoke("fit", "--data", data, *fast, "--holdout", "0", "--out", tmp_path / "all")
    assert once.exit_code == 0, once.output
    assert (
        "saved model: fitted on all the data (3 series of 30 to 50 steps, 2014-03 to 2018-11), nothing held out"
        in once.output
    )


def test_the_report_of_one_series_keeps_its_own_span(tmp_path):
    ds = pd.date_range("2015-01", periods=40, freq="MS").strftime("%Y-%m")
    pd.DataFrame({"month": ds, "y": 100 + np.arange(40) % 12}).to_csv(tmp_path / "m.csv", index=False)
    result = invoke(
        "fit", "--data", tmp_path / "m.csv", "--epochs", "1", "--hidden", "4", "--out", tmp_path / "r"
    )
    assert result.exit_code == 0, result.output
    assert (
        "  time index: column 'month', monthly (MS), 2015-01 to 2018-04; season 12 (from the frequency)\n"
        in (result.output)
    )
    assert "test (steps 33-40, 2017-09 to 2018-04, held out)" in result.output
