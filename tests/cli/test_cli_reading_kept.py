"""A model remembers how its data file was read: new files given to predict, evaluate and backtest
are read with the same answers (decimal, thousands, dayfirst, ...) unless the command gives its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import invoke, one_line_error

from tsrnn import Forecaster


def _visitors(path) -> None:
    """A semicolon file whose counts are all written d.ddd: 1.05 or 1050 reads either way."""
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    counts = 1000 + (np.arange(60) * 7) % 300
    lines = ["Datum;Besucher"] + [
        f"{d:%Y-%m-%d};{c // 1000}.{c % 1000:03d}" for d, c in zip(days, counts, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")


def test_new_data_is_read_as_the_fit_read_its_file(tmp_path):
    _visitors(tmp_path / "v.csv")
    fit = ("fit", "--data", str(tmp_path / "v.csv"), "--hidden", "4", "--epochs", "2", "--holdout", "0")
    refused = invoke(*fit, "--out", str(tmp_path / "r0"))
    assert refused.exit_code == 2 and "--thousands ." in refused.output  # the file reads two ways
    assert invoke(*fit, "--thousands", ".", "--out", str(tmp_path / "run")).exit_code == 0
    model = Forecaster.load(tmp_path / "run")
    assert model.reading_["file"] == {"thousands": "."}  # kept in the model file's config
    predict = ("predict", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "v.csv"), "--steps", "3")
    kept = invoke(*predict, "--out", str(tmp_path / "kept.csv"))
    assert kept.exit_code == 0, kept.output
    given = invoke(*predict, "--thousands", ".", "--out", str(tmp_path / "given.csv"))
    assert given.exit_code == 0, given.output
    forecast = pd.read_csv(tmp_path / "kept.csv")
    assert (tmp_path / "kept.csv").read_text() == (tmp_path / "given.csv").read_text()
    assert list(forecast["ds"]) == ["2020-03-01", "2020-03-02", "2020-03-03"]
    assert forecast["tsrnn"].between(500, 2000).all()  # counts near 1,000, not near 1
    scored = invoke(
        "evaluate", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "v.csv"), "--in-sample"
    )
    assert scored.exit_code == 0, scored.output
    other = invoke(*predict, "--decimal", ".")  # the command's own answer wins: 1.05 ...
    assert other.exit_code == 0, other.output
    assert float(other.output.split()[-1]) < 50


def _shops(path) -> None:
    """A long file whose columns are named as a shop keeps them: date, store, sales; ids 01, 1 and NA."""
    days = pd.date_range("2020-01-01", periods=40, freq="D").strftime("%Y-%m-%d")
    rows = [(d, sid, 100 + i + 5 * k) for k, sid in enumerate(["01", "1", "NA"]) for i, d in enumerate(days)]
    pd.DataFrame(rows, columns=["date", "store", "sales"]).to_csv(path, index=False)


def test_long_files_name_their_columns_with_id_time_and_target_flags(tmp_path):
    _shops(tmp_path / "shops.csv")
    fit = ("fit", "--data", str(tmp_path / "shops.csv"), "--hidden", "4", "--epochs", "2", "--holdout", "0")
    refused = invoke(*fit, "--out", str(tmp_path / "r0"))
    assert refused.exit_code == 2 and "read it as long data with --id-col" in refused.output
    roles = ("--id-col", "store", "--time-col", "date", "--target-col", "sales")
    assert invoke(*fit, *roles, "--out", str(tmp_path / "run")).exit_code == 0
    model = Forecaster.load(tmp_path / "run")
    assert model.state_.ids == ["01", "1", "NA"]  # ids as written: 01 and 1 apart, NA an id
    assert model.reading_["file"] == {"columns": {"store": "unique_id", "date": "ds", "sales": "y"}}
    out = tmp_path / "f.csv"
    predicted = invoke(
        "predict", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "shops.csv"), "--out", str(out)
    )
    assert predicted.exit_code == 0, predicted.output  # the new file is read with the fit's column roles
    forecast = pd.read_csv(out, dtype={"unique_id": str}, keep_default_na=False)
    assert list(forecast["unique_id"]) == ["01", "1", "NA"] and set(forecast["ds"]) == {"2020-02-10"}
    wrong = invoke(*fit, "--id-col", "shop", "--target-col", "sales", "--out", str(tmp_path / "r1"))
    assert wrong.exit_code == 2 and "has no column 'shop' (named for unique_id)" in wrong.output
    alone = invoke(*fit, "--target-col", "sales", "--out", str(tmp_path / "r2"))
    assert (
        alone.exit_code == 2 and "--target-col names a column of long data and needs --id-col" in alone.output
    )


def test_predict_plot_reads_the_run_s_file_with_the_fit_s_options(tmp_path):
    _visitors(tmp_path / "v.csv")
    fit = ("fit", "--data", str(tmp_path / "v.csv"), "--hidden", "4", "--epochs", "1", "--thousands", ".")
    assert invoke(*fit, "--out", str(tmp_path / "run")).exit_code == 0
    result = invoke(
        "predict", "--model", str(tmp_path / "run"), "--steps", "2", "--plot", str(tmp_path / "f.png")
    )
    assert result.exit_code == 0, result.output  # the history drawn is the run's file, read as fit read it
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG" and "last window only" not in result.output


def _us_months(path, n: int) -> None:
    """US month/day/year dates of the first of ``n`` months from January 2018."""
    months = pd.date_range("2018-01-01", periods=n, freq="MS")
    values = 100 + np.arange(n) + 10 * np.sin(np.arange(n) * np.pi / 6)
    path.write_text(
        "date,value\n" + "".join(f"{d:%m/%d/%Y},{v:.1f}\n" for d, v in zip(months, values, strict=True))
    )


def test_an_ambiguous_date_column_is_refused_in_flags_then_fits_and_forecasts(tmp_path):
    # twelve months of 2018: 01/02/2018 is also the 1st of February, and twelve days are a calendar too
    _us_months(tmp_path / "m.csv", 12)
    fit = (
        "fit",
        "--data",
        str(tmp_path / "m.csv"),
        "--hidden",
        "4",
        "--epochs",
        "2",
        "--window",
        "4",
        "--quiet",
    )
    line = one_line_error(invoke(*fit, "--out", str(tmp_path / "r0")), "reads 2 ways")
    assert line.endswith("choose with --monthfirst or --dayfirst")  # flags, not the library's tsrnn.read
    assert invoke(*fit, "--monthfirst", "--out", str(tmp_path / "run")).exit_code == 0
    predicted = invoke("predict", "--model", str(tmp_path / "run"), "--steps", "2")
    assert predicted.exit_code == 0, predicted.output
    assert [row.split()[1] for row in predicted.output.splitlines()[1:]] == ["01/01/2019", "02/01/2019"]


def test_dates_that_only_month_first_makes_a_calendar_fit_without_a_flag_and_say_why(tmp_path):
    # 24 months: read day first they would be the 1st to the 12th of January 2018, then of January 2019
    _us_months(tmp_path / "m.csv", 24)
    fit = (
        "fit",
        "--data",
        str(tmp_path / "m.csv"),
        "--hidden",
        "4",
        "--epochs",
        "2",
        "--out",
        str(tmp_path / "run"),
    )
    fitted = invoke(*fit)
    assert fitted.exit_code == 0, fitted.output
    assert (
        "; column 'date' read month first: day first is not a regular calendar (2018-01-01 .. 2018-01-12, "
        "then 2019-01-01; 353 of its 377 daily (D) steps absent)" in fitted.output
    )
    predicted = invoke("predict", "--model", str(tmp_path / "run"), "--steps", "2")
    assert predicted.exit_code == 0, predicted.output
    assert [row.split()[1] for row in predicted.output.splitlines()[1:]] == ["01/01/2020", "02/01/2020"]
    # the reading decided is kept as an answer: a later file of twelve months, which alone reads both
    # ways, is read month first as the fit's file was, not refused
    assert Forecaster.load(tmp_path / "run").reading_["file"] == {"dayfirst": False}
    _us_months(tmp_path / "later.csv", 12)
    later = invoke(
        "predict", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "later.csv"), "--steps", "1"
    )
    assert later.exit_code == 0, later.output
    assert [row.split()[1] for row in later.output.splitlines()[1:]] == ["01/01/2019"]
