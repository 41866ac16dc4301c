"""Future-known covariates: a series whose target depends on a known input is forecast better with it,
and the known values of the forecast steps are required, checked and used."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import invoke

from tsrnn import DataError, Forecaster, TsrnnError
from tsrnn.data.known import lead_columns


def promotions(T: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    promo = (rng.random(T) < 0.2).astype(float)  # set in advance, so known on the forecast days
    t = np.arange(T)
    y = 10 + 2 * np.sin(2 * np.pi * t / 7) + 4 * promo + rng.normal(0, 0.3, T)
    return pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=T, freq="D").strftime("%Y-%m-%d"),
            "y": y,
            "promo": promo,
        }
    )


SETTINGS = dict(window=14, horizon=7, targets=["y"], epochs=25, seed=0, hidden=12)


def test_a_known_input_makes_the_forecast_better():
    df = promotions()
    without = Forecaster(**SETTINGS).fit(df.iloc[:500]).evaluate(df, start=500)
    model = Forecaster(known=["promo"], **SETTINGS).fit(df.iloc[:500])
    with_known = model.evaluate(df, start=500)
    assert with_known["n_windows"] == without["n_windows"] == 94
    assert with_known["model"]["mae"] < 0.5 * without["model"]["mae"]
    assert with_known["model"]["mae"] < with_known["seasonal_naive"]["mae"]
    future = df.iloc[500:507][["promo"]]
    out = model.forecast(7, data=df.iloc[:500], future=future)
    spikes = future["promo"].to_numpy() == 1
    assert (
        out["tsrnn"].to_numpy()[spikes].mean() > out["tsrnn"].to_numpy()[~spikes].mean() + 2
    )  # it reads the promotions


def test_future_values_are_required_and_checked(tmp_path):
    df = promotions(300)
    model = Forecaster(known="promo", **dict(SETTINGS, epochs=2)).fit(df)
    with pytest.raises(
        DataError, match=r"reads the known input\(s\) \['promo'\] over its 7 forecast steps; pass"
    ):
        model.forecast(3)
    with pytest.raises(DataError, match=r"future has 3 step\(s\).*at least 7"):
        model.forecast(3, future=pd.DataFrame({"promo": [0, 1, 0]}))
    with pytest.raises(DataError, match=r"future lacks the known column\(s\) \['promo'\]"):
        model.forecast(3, future=pd.DataFrame({"price": np.zeros(7)}))
    with pytest.raises(DataError, match=r"missing or infinite known values"):
        model.forecast(3, future=pd.DataFrame({"promo": [0, 1, np.nan, 0, 0, 0, 0]}))
    with pytest.raises(DataError, match=r"read the known input\(s\) \['promo'\] beyond the end of the data"):
        model.predict(df)
    assert model.predict(df, future=np.zeros((7, 1))).shape == (300 - 14 + 1, 7, 1)
    with pytest.raises(TsrnnError, match=r"streaming"):
        model.start(df)
    model.save(tmp_path / "m")
    again = Forecaster.load(tmp_path / "m")
    future = pd.DataFrame({"promo": [1, 0, 0, 0, 0, 0, 1]})
    pd.testing.assert_frame_equal(again.forecast(7, future=future), model.forecast(7, future=future))
    with pytest.raises(DataError, match=r"future= gives the values of known inputs"):
        Forecaster(**dict(SETTINGS, epochs=1)).fit(df).forecast(2, future=future)


def test_known_columns_must_be_non_target_inputs():
    df = promotions(200)
    with pytest.raises(DataError, match=r"known column\(s\) \['y'\] are also targets"):
        Forecaster(known=["y"], **dict(SETTINGS, epochs=1)).fit(df)
    with pytest.raises(DataError, match=r"known column\(s\) \['holiday'\] are not input features"):
        Forecaster(known=["holiday"], **dict(SETTINGS, epochs=1)).fit(df)
    with pytest.raises(DataError, match=r"need strategy='direct'"):
        Forecaster(known=["promo"], strategy="recursive", **dict(SETTINGS, epochs=1, targets=None)).fit(df)


def test_leads_stay_inside_their_series():
    values = np.arange(10, dtype=np.float32).reshape(10, 1) * [1, 10]
    lead = lead_columns(
        values, [1], 2, lengths=np.array([6, 4]), future=np.array([[[-1], [-2]], [[-3], [-4]]])
    )
    assert lead[:, 0].tolist() == [20, 30, 40, 50, -1, -2, 80, 90, -3, -4]


def test_long_data_with_a_known_input():
    parts = []
    for i, uid in enumerate(["a", "b", "c"]):
        df = promotions(200, seed=i).rename(columns={"date": "ds"})
        df["y"] += 5 * i
        parts.append(df.assign(unique_id=uid))
    long = pd.concat(parts, ignore_index=True)
    model = Forecaster(known=["promo"], **dict(SETTINGS, targets=None, epochs=3)).fit(long)
    future = pd.concat([pd.DataFrame({"unique_id": uid, "promo": np.r_[1, np.zeros(6)]}) for uid in "abc"])
    out = model.forecast(7, future=future)
    assert list(out.columns) == ["unique_id", "ds", "tsrnn"] and len(out) == 21
    np.testing.assert_allclose(
        out[out.unique_id == "b"]["tsrnn"].to_numpy(),
        model.series_model("b").forecast(7, future=np.r_[1, np.zeros(6)][:, None])["tsrnn"],
        rtol=1e-5,
        atol=1e-5,
    )
    with pytest.raises(DataError, match=r"future has no rows for series 'c'"):
        model.forecast(7, future=future[future.unique_id != "c"])
    assert model.evaluate(long)["n_windows"] > 0


def test_cli_known_and_future(tmp_path):
    df = promotions(300)
    df.to_csv(tmp_path / "sales.csv", index=False)
    result = invoke(
        "fit",
        "--data",
        str(tmp_path / "sales.csv"),
        "--targets",
        "y",
        "--known",
        "promo",
        "--window",
        "14",
        "--horizon",
        "7",
        "--epochs",
        "2",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.exit_code == 0, result.output
    assert (
        "known inputs: ['promo'], read over the 7 forecast steps (one lead input each: F = 3)"
        in result.output
    )
    pd.DataFrame({"promo": [0, 1, 0, 0, 0, 0, 1]}).to_csv(tmp_path / "future.csv", index=False)
    result = invoke(
        "predict",
        "--model",
        str(tmp_path / "run"),
        "--data",
        str(tmp_path / "sales.csv"),
        "--future",
        str(tmp_path / "future.csv"),
        "--out",
        str(tmp_path / "f.csv"),
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "f.csv").read_text().splitlines()[1].startswith("y,2020-10-27,")
    steps = pd.date_range("2020-10-27", periods=7).strftime("%m/%d/%Y")  # US dates, rows in reverse
    dated = pd.DataFrame({"date": steps, "promo": [0, 1, 0, 0, 0, 0, 1]}).iloc[::-1]
    dated.to_csv(tmp_path / "dated.csv", index=False)
    args = ("predict", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "sales.csv"))
    result = invoke(*args, "--future", str(tmp_path / "dated.csv"), "--out", str(tmp_path / "g.csv"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g.csv").read_text() == (tmp_path / "f.csv").read_text()  # matched by date
    dated.iloc[1:].to_csv(tmp_path / "short.csv", index=False)  # no row for 2020-11-02
    result = invoke(*args, "--future", str(tmp_path / "short.csv"))
    assert result.exit_code == 2
    assert "future lacks the known values at the forecast step(s) 2020-11-02 (it has" in result.output
    result = invoke("predict", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "sales.csv"))
    assert result.exit_code == 2 and "pass their future values" in result.output
