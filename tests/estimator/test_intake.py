"""One fitted state: data given to a fitted model is read as the fit read its data and checked
against it (frequency, calendar, columns, ids), and no method changes the fitted estimator; known
future values are matched to the forecast steps by their time (and id)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import tsrnn
from tsrnn import DataError, Forecaster
from tsrnn.estimator.intake import future_of

TINY = dict(hidden=4, layers=1, window=6, epochs=1, seed=0, cell="rnn", relative=False, deseason=False)


def dated(freq: str, periods: int = 60, start: str = "2018-01-01", seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"date": pd.date_range(start, periods=periods, freq=freq), "y": rng.normal(10, 1, periods)}
    )


@pytest.fixture(scope="module")
def monthly():
    return Forecaster(**TINY).fit(dated("MS"))


def test_methods_never_change_the_fitted_estimator(monthly):
    before = copy.deepcopy((monthly.data_report_, monthly.reading_, monthly.get_params()))
    context = monthly.state_.context.copy()
    other = dated("MS", 40, "2019-01-01").assign(region="North")  # a text column, left out and reported
    monthly.predict(other)
    monthly.forecast(3, data=other)
    monthly.evaluate(other)
    monthly.backtest(other, start=0.8)
    assert (monthly.data_report_, monthly.reading_, monthly.get_params()) == before
    assert monthly.data_report_["text_columns"] == {}  # the fit's report, not the last data's
    np.testing.assert_array_equal(monthly.state_.context, context)


def test_the_fitted_reading_is_reused_on_new_data():
    frame = dated("D", 80)
    frame.loc[5, "y"] = np.nan
    model = Forecaster(**TINY).fit(tsrnn.read(frame, fill="ffill"))
    assert model.reading_ == {
        "time_col": "date",
        "features": None,
        "fill": "ffill",
        "irregular": "error",
        "freq": "D",
        "declared": False,
        "file": None,  # a frame given in memory: no reading options of a file
    }
    new = dated("D", 30, "2018-03-22")
    new.loc[3, "y"] = np.nan
    filled = new.assign(y=new["y"].ffill())
    pd.testing.assert_frame_equal(model.forecast(2, data=new), model.forecast(2, data=filled))


def test_data_of_another_frequency_is_refused(monthly):
    with pytest.raises(DataError, match=r"^data is daily \(D\), but the model was fitted on monthly \(MS\)"):
        monthly.forecast(2, data=dated("D", 40, "2023-01-01"))
    daily = Forecaster(**TINY).fit(dated("D", 80))
    with pytest.raises(DataError, match=r"^data is monthly \(MS\), but the model was fitted on daily \(D\)"):
        daily.predict(dated("MS", 30))  # month starts lie on the daily calendar, 29 gaps apart
    quarterly = Forecaster(**TINY).fit(dated("QS", 40))  # QS-JAN; data from April is on the same calendar
    assert list(quarterly.forecast(1, data=dated("QS-APR", 20, "2020-04-01"))["ds"]) == [
        pd.Timestamp("2025-04-01")
    ]


def test_a_calendar_that_does_not_continue_the_fitted_one_is_refused():
    hourly = Forecaster(**TINY).fit(dated("h", 80))
    half_past = dated("h", 30, "2018-02-01 00:30")
    with pytest.raises(
        DataError, match=r"^data's steps \(2018-02-01 00:30:00, \.\.\.\) fall between the steps"
    ):
        hourly.predict(half_past)
    on_the_hour = dated("h", 30, "2018-02-01 00:00")
    assert hourly.forecast(1, data=on_the_hour)["ds"][0] == pd.Timestamp("2018-02-02 06:00")
    years = pd.DataFrame({"year": np.arange(1900, 1960), "y": np.arange(60.0)})
    yearly = Forecaster(**TINY).fit(years)
    with pytest.raises(
        DataError, match=r"^data steps by 2 from 1960, but the model was fitted on integer steps of 1"
    ):
        yearly.predict(pd.DataFrame({"year": np.arange(1960, 2000, 2), "y": np.arange(20.0)}))


def test_other_columns_and_unknown_series_are_refused(monthly):
    with pytest.raises(
        DataError,
        match=r"^data has 2 features \['y', 'z'\], but the model was fitted on 1 features \['y'\]",
    ):
        monthly.predict(dated("MS", 30).assign(z=1.0))
    long = pd.DataFrame(
        {"unique_id": np.repeat(["a", "b"], 30), "ds": np.tile(pd.date_range("2020-01-01", periods=30), 2)}
    ).assign(y=np.arange(60.0))
    model = Forecaster(**TINY).fit(long)
    with pytest.raises(DataError, match=r"^series \['c'\] were not in the data the model was fitted on"):
        model.predict(long.assign(unique_id=np.repeat(["a", "c"], 30)))
    with pytest.raises(
        DataError, match=r"^data is weekly \(W-WED\), but the model was fitted on daily \(D\)"
    ):
        model.predict(long.assign(ds=np.tile(pd.date_range("2020-01-01", periods=30, freq="W-WED"), 2)))


def test_a_loaded_model_reads_new_data_as_the_fitted_one(monthly, tmp_path):
    monthly.save(tmp_path / "m")
    loaded = Forecaster.load(tmp_path / "m")
    assert loaded.reading_ == monthly.reading_
    with pytest.raises(DataError, match=r"^data is daily \(D\), but the model was fitted on monthly"):
        loaded.forecast(2, data=dated("D", 40))


# -- known future values by time ------------------------------------------------------------------
K = 4


@pytest.fixture(scope="module")
def promo():
    """A daily series with a known promo, ending 2020-12-28: its forecast steps are 12-29 .. 01-01."""
    rng = np.random.default_rng(1)
    T = 120
    days = pd.date_range("2020-08-31", periods=T, freq="D")
    p = (rng.random(T) < 0.3).astype(float)
    frame = pd.DataFrame(
        {"date": days.strftime("%Y-%m-%d"), "y": 10 + 4 * p + rng.normal(0, 0.3, T), "promo": p}
    )
    model = Forecaster(targets=["y"], known=["promo"], horizon=K, **TINY).fit(frame)
    return model, frame


STEPS = pd.date_range("2020-12-29", periods=K, freq="D")  # the forecast steps
TRUTH = [1.0, 0.0, 0.0, 2.0]  # promo at those steps


def read(model, future) -> list[float]:
    """The known values the model reads over its forecast steps."""
    return future_of(model, future, model.state_.ids, model.state_.specs)[0, :, 0].tolist()


def test_future_rows_are_matched_to_the_forecast_steps_by_time(promo):
    model, _ = promo
    ordered = pd.DataFrame({"date": STEPS.strftime("%Y-%m-%d"), "promo": TRUTH})
    assert read(model, ordered) == TRUTH
    assert read(model, ordered.iloc[::-1]) == TRUTH  # reverse order
    us = pd.DataFrame({"date": STEPS.strftime("%m/%d/%Y"), "promo": TRUTH}).sort_values("date")
    assert us["date"].tolist()[0] == "01/01/2021"  # sorted as text: January first
    assert read(model, us) == TRUTH
    early = pd.DataFrame(
        {"date": pd.date_range("2020-12-27", periods=K + 2).strftime("%Y-%m-%d"), "promo": [5.0, 5.0, *TRUTH]}
    )
    assert read(model, early) == TRUTH  # two days early: the rows of the forecast steps
    indexed = pd.DataFrame({"promo": TRUTH[::-1]}, index=STEPS[::-1])  # dates as the index
    assert read(model, indexed) == TRUTH
    a = model.forecast(K, future=ordered)
    b = model.forecast(K, future=ordered.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)


def test_missing_or_misaligned_future_steps_are_refused_by_name(promo):
    model, _ = promo
    year_off = pd.DataFrame({"date": (STEPS - pd.DateOffset(years=1)).strftime("%Y-%m-%d"), "promo": TRUTH})
    with pytest.raises(
        DataError,
        match=r"^future lacks the known values at the forecast step\(s\) 2020-12-29, 2020-12-30, 2020-12-31, "
        r"2021-01-01 \(it has 2019-12-29 to 2020-01-01\); give one row for each of the 4 steps after the data: "
        r"2020-12-29 to 2021-01-01$",
    ):
        model.forecast(K, future=year_off)
    short = pd.DataFrame({"date": STEPS[:2].strftime("%Y-%m-%d"), "promo": TRUTH[:2]})
    with pytest.raises(
        DataError, match=r"^future lacks the known values at the forecast step\(s\) 2020-12-31, 2021-01-01 \("
    ):
        model.forecast(K, future=short)
    twice = pd.DataFrame({"date": [*STEPS.strftime("%Y-%m-%d"), "2020-12-30"], "promo": [*TRUTH, 3.0]})
    with pytest.raises(DataError, match=r"^future repeats the time\(s\) 2020-12-30; give one row per step"):
        model.forecast(K, future=twice)


def test_futures_without_times_are_read_by_position(promo):
    model, _ = promo
    assert read(model, np.array(TRUTH)) == TRUTH  # an array: its first K rows, in order
    assert read(model, pd.DataFrame({"promo": TRUTH + [9.0]})) == TRUTH  # a frame without a time column
    with pytest.raises(DataError, match=r"^future has 2 step\(s\) of the known input\(s\) \['promo'\]"):
        model.forecast(K, future=np.array(TRUTH[:2]))


def test_forecasting_from_given_data_matches_the_steps_after_it(promo):
    model, frame = promo
    head = frame.iloc[:100]  # ends 2020-12-08
    after = pd.DataFrame(
        {"date": pd.date_range("2020-12-09", periods=K).strftime("%Y-%m-%d"), "promo": TRUTH}
    )
    fc = model.forecast(K, data=head, future=after.iloc[::-1])
    pd.testing.assert_frame_equal(fc, model.forecast(K, data=head, future=np.array(TRUTH)))
    with pytest.raises(
        DataError, match=r"^future lacks the known values at the forecast step\(s\) 2020-12-09, "
    ):
        model.forecast(
            K, data=head, future=pd.DataFrame({"date": STEPS.strftime("%Y-%m-%d"), "promo": TRUTH})
        )


def test_long_futures_are_matched_by_id_and_time():
    rng = np.random.default_rng(2)
    T = 60
    days = pd.date_range("2021-01-01", periods=T)
    long = pd.DataFrame(
        {
            "unique_id": np.repeat(["a", "b"], T),
            "ds": np.tile(days, 2),
            "y": rng.normal(10, 1, 2 * T),
            "promo": (rng.random(2 * T) < 0.3).astype(float),
        }
    )
    model = Forecaster(known=["promo"], horizon=K, **TINY).fit(long)
    steps = pd.date_range("2021-03-02", periods=K)
    future = pd.DataFrame(
        {"unique_id": np.repeat(["a", "b"], K), "ds": np.tile(steps, 2), "promo": [1.0, 0, 0, 2, 3, 0, 0, 4]}
    ).sample(frac=1.0, random_state=0)  # shuffled rows
    values = future_of(model, future, model.state_.ids, model.state_.specs)[:, :, 0]
    assert values.tolist() == [[1.0, 0, 0, 2], [3, 0, 0, 4]]
    with pytest.raises(
        DataError, match=r"^series 'b': future lacks the known values at the forecast step\(s\) 2021-03-05 \("
    ):
        model.forecast(K, future=future[~((future["unique_id"] == "b") & (future["ds"] == steps[-1]))])
    with pytest.raises(DataError, match=r"^future has no rows for series 'b'"):
        model.forecast(K, future=future[future["unique_id"] == "a"])


def test_a_frame_that_reads_two_ways_names_tsrnn_read_whose_frame_fits(tmp_path):
    import tsrnn

    frame = pd.DataFrame(
        {"date": ["01/02/2020", "02/02/2020", "03/02/2020", "04/02/2020"], "y": [1.0, 2, 3, 4]}
    )
    with pytest.raises(
        tsrnn.AmbiguousData,
        match=r"choose with dayfirst=False or dayfirst=True: an option of tsrnn.read, so read the data with "
        r"tsrnn.read\(data, \.\.\.\) and pass the dataset it returns$",
    ):
        Forecaster(epochs=1).fit(frame)
    data = tsrnn.read(frame, dayfirst=True)  # what the message says: it then fits
    assert data.time_axis is not None
    assert list(data.time_axis.index.strftime("%Y-%m-%d")) == [
        "2020-02-01",
        "2020-02-02",
        "2020-02-03",
        "2020-02-04",
    ]
    assert data.report["reading"] == {"dayfirst": True}
    assert Forecaster(epochs=1, window=2, hidden=4).fit(data).forecast(1)["ds"].tolist() == [
        pd.Timestamp("2020-02-05")
    ]


def test_a_file_name_is_refused_with_tsrnn_read(tmp_path, monthly):
    path = tmp_path / "sales.csv"
    for call in (lambda: Forecaster(epochs=1).fit(str(path)), lambda: monthly.predict(path)):
        with pytest.raises(DataError, match=r"not a file name: got '.*sales.csv'; read it with tsrnn.read"):
            call()
    assert not path.exists()  # nothing read, nothing written


def test_a_reading_the_fit_decided_reads_new_data_the_same_way():
    # two years of US dates read month first (day first is no calendar); twelve months alone read both ways
    months = pd.date_range("2018-01-01", periods=24, freq="MS")
    frame = pd.DataFrame({"date": months.strftime("%m/%d/%Y"), "y": np.sin(np.arange(24.0))})
    model = Forecaster(**TINY).fit(tsrnn.read(frame))
    assert model.reading_["file"] == {"dayfirst": False}
    assert model.data_report_["decided"] == {"dayfirst": False}
    with pytest.raises(tsrnn.AmbiguousData, match="reads 2 ways"):
        tsrnn.read(frame.iloc[12:])  # on its own, refused
    assert list(model.forecast(1, data=frame.iloc[12:])["ds"]) == [pd.Timestamp("2020-01-01")]
