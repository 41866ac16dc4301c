"""Which general default changes help tsrnn on bench_real's series: an experiment, not the benchmark.

Every variant is one rule on (m, h, training length n) applied to every case alike; no per-series
tuning.  The library is unchanged: each variant only passes Forecaster parameters.  The classical
methods and tsrnn's current defaults are read from bench_real's JSON (``--anchors``), so their
numbers are those of the results/real.md run; each variant's tsrnn runs here, on the same cases and split.

Every variant starts from "val": the current defaults with val_fraction = max(0.1, h / n), the
smallest change that lets every case fit (the defaults refuse where 10% of n is under h).  The
``lib*`` variants start instead from the library's own defaults (deseason on, validation span left
to the library), each changing one thing; ``name_s1``, ``name_s2`` are its seed 1 and 2 draws.  A fit
(case, parameters, seed) is made once per command and reused by every variant that needs it, so
ensembles of variants named in the same command cost no refit (their time is their members' sum).

    python benchmarks/bench_real_variants.py [--variants val w2m rel ...] [--cases ...] [--quick]
                                             [--holdout]   (other real series, HOLDOUT: a generalisation check)
                                             [--show lib ...]   (stored variants reported beside them)
                                             [--summary lib lib_gru ...]   (means over seeds 0, 1, 2)

Results: the report goes first in benchmarks/results/real_variants.md (the earlier runs' reports stay
below it, with their commands and dates); every variant's results, the held-out series' anchors and
the commands are kept in benchmarks/results/real_variants.json, so a variant run again replaces its
own and ``--variants --show ...`` or ``--variants --summary ...`` rewrite a report without fitting.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402

import bench_real as br  # noqa: E402  (sets the thread variables before numpy loads)
import numpy as np  # noqa: E402
import record  # noqa: E402


def _val(case, n):  # validation span of at least one horizon
    return max(0.1, case.h / n + 1e-9)


def _cap(case, n, share=0.5):
    """The longest window allowed: ``share`` of the steps left for training windows after the
    validation span and one horizon, so that short series keep enough windows."""
    train_end = n - int(round(n * _val(case, n)))
    return max(2, int(share * (train_end - case.h)))


def window_rule(case, n, mult_m=2, mult_h=1):
    """W = max(mult_m * m, mult_h * h, 4), capped by :func:`_cap`."""
    return int(min(max(mult_m * case.m, mult_h * case.h, 4), _cap(case, n)))


def rules(window=None, val=_val, seeds=(0,), **fixed):
    """A variant: parameters from (case, n); ``window`` and ``val`` callables (case, n) -> W, val_fraction
    (``val=None`` leaves val_fraction to the library: 10% of the steps but at least h)."""

    def params(case, n):
        out = {"season": case.m, **fixed}
        if val is not None:
            out["val_fraction"] = val(case, n)
        if window is not None:
            out["window"] = window(case, n)
        return out

    return [(params, tuple(seeds))]


def select(*variants):
    """A choice: every candidate is fitted, and the one with the lowest validation loss forecasts.
    The validation targets are the same steps whatever the window, and losses are in the same
    scaled units, so the losses compare."""
    return [("select", [member for v in variants for member in v])]


def mix(*variants):
    """An ensemble: the members of several variants, their forecasts averaged."""
    return [member for v in variants for member in v]


# ---- transforms of the targets before Forecaster, undone on the forecasts (one series at a time) ----
def seasonality_test(y: np.ndarray, m: int) -> bool:
    """The classical 90% autocorrelation test at lag m of the M4 benchmarks (Theta, ES-RNN's
    deseasonalisation): seasonal when |r_m| > 1.645 * sqrt((1 + 2 * sum_{k<m} r_k^2) / n), r the
    sample autocorrelations of y (M4's code squares all but r_1, a slip; here every r_k is squared)."""
    n = len(y)
    x = np.asarray(y, dtype=np.float64) - np.mean(y)
    denom = float(x @ x)
    if m <= 1 or n <= m or denom == 0.0:
        return False
    r = np.array([float(x[:-k] @ x[k:]) / denom for k in range(1, m + 1)])
    return bool(abs(r[-1]) > 1.645 * math.sqrt((1 + 2 * float(np.sum(r[:-1] ** 2))) / n))


def seasonal_indices(y: np.ndarray, m: int, multiplicative: bool) -> np.ndarray:
    """(m,) classical-decomposition seasonal indices of y by position t mod m (t = 0 at y's start):
    the trend is the centred moving average (2 x m for even m, m for odd m), the detrended values
    y / trend (or y - trend) are averaged per position, and the indices normalised to mean 1 (or 0).
    Needs len(y) >= 2m, so every position has at least one detrended value."""
    w = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.convolve(y, w, mode="valid")
    t = np.arange(len(trend)) + (len(w) - 1) // 2
    detrended = y[t] / trend if multiplicative else y[t] - trend
    idx = np.array([detrended[t % m == p].mean() for p in range(m)])
    return idx / idx.mean() if multiplicative else idx - idx.mean()


def _per_series(case, fit):
    """A copy of ``case`` whose series' targets are transformed over the training part (the test part
    becomes NaN: nothing after the split is seen), and each series' inverse, from ``fit(y_train) ->
    (forward, inverse, label)``: forward(y_train) -> transformed y_train, inverse(forecast) -> units."""
    series, inverses, labels = {}, {}, []
    for uid, v in case.series.items():
        v = np.array(v, dtype=np.float64)
        y = v if v.ndim == 1 else v[:, 0]
        n = len(y) - case.h
        forward, inverse, label = fit(y[:n], n)
        new = np.full(len(y), np.nan)
        new[:n] = forward(y[:n])
        if v.ndim == 1:
            v = new
        else:
            v[:, 0] = new
        series[uid], inverses[uid] = v, inverse
        labels.append(label)
    counts = {k: labels.count(k) for k in dict.fromkeys(labels)}
    note = ", ".join(f"{k}" + (f" ({c} series)" if len(case.series) > 1 else "") for k, c in counts.items())
    return br.Case(case.name, case.freq, series, case.covariates, case.note), inverses, note


def deseasonalise(case, min_cycles=2, test=True, additive=False):
    """ES-RNN / M4-Theta style: where m > 1, the training part holds >= ``min_cycles`` * m steps and
    (with ``test``) :func:`seasonality_test` passes, divide out multiplicative classical seasonal
    indices (subtract additive ones when the training part has a value <= 0, or with ``additive``); multiply (add) them
    back over the forecast steps.  Otherwise the series is left as it is."""
    m, h = case.m, case.h

    def fit(y, n):
        identity = (lambda x: x, lambda f: f)
        if m <= 1 or n < min_cycles * m:
            return (*identity, "not deseasonalised (short or m=1)")
        if test and not seasonality_test(y, m):
            return (*identity, "not deseasonalised (test: not seasonal)")
        mult = bool(np.min(y) > 0) and not additive
        idx = seasonal_indices(y, m, mult)
        s_train, s_future = idx[np.arange(n) % m], idx[np.arange(n, n + h) % m]
        if mult:
            return (lambda x: x / s_train, lambda f: np.asarray(f) * s_future, "multiplicative indices")
        return (lambda x: x - s_train, lambda f: np.asarray(f) + s_future, "additive indices")

    return _per_series(case, fit)


def deseasonalise_local(case, halflife=2.0, only_drift=False):
    """Time-varying classical indices: the season as it was around each training step (a two-sided
    kernel over the same positions of other seasons, half weight ``halflife`` seasons away) divides
    that step (subtracts, where a value <= 0), and the season as it is at the end (the one-sided
    kernel, as the library's indices) goes back on the forecast.  Test and minimum length as
    :func:`deseasonalise`; run with the library's own indices off (deseason=False)."""
    m, h = case.m, case.h

    def fit(y, n):
        identity = (lambda x: x, lambda f: f)
        if m <= 1 or n < 2 * m or not seasonality_test(y, m):
            return (*identity, "not deseasonalised")
        mult = bool(np.min(y) > 0)
        w = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
        trend = np.convolve(y, w, mode="valid")
        t = np.arange(len(trend)) + (len(w) - 1) // 2
        det = y[t] / trend if mult else y[t] - trend
        if only_drift:  # the season of the first half against that of the second: leave a steady one
            half = t < t[len(t) // 2]
            a = np.array([det[half & (t % m == p)].mean() for p in range(m)])
            b = np.array([det[~half & (t % m == p)].mean() for p in range(m)])
            spread = 1.0 if mult else max(float(np.std(y)), 1e-12)
            if np.nanmax(np.abs(a - b)) / spread < 0.1:
                return (*identity, "steady season: the library's indices")

        def indices_at(u, one_sided=False):  # (m,) the season around step u
            dist = np.abs(t - u) if not one_sided else (n - 1 - t)
            weight = 0.5 ** (dist / (halflife * m))
            idx = np.array(
                [np.sum(weight[t % m == p] * det[t % m == p]) / np.sum(weight[t % m == p]) for p in range(m)]
            )
            return idx / idx.mean() if mult else idx - idx.mean()

        local = np.array([indices_at(u)[u % m] for u in range(n)])
        end = indices_at(n - 1, one_sided=True)
        future = end[np.arange(n, n + h) % m]
        if mult:
            return (lambda x: x / local, lambda f: np.asarray(f) * future, "local multiplicative")
        return (lambda x: x - local, lambda f: np.asarray(f) + future, "local additive")

    return _per_series(case, fit)


def log_transform(case):
    """log y where the training part is positive throughout (exp back); else unchanged."""

    def fit(y, n):
        if np.min(y) > 0:
            return (np.log, lambda f: np.exp(np.asarray(f)), "log")
        return (lambda x: x, lambda f: f, "not logged (values <= 0)")

    return _per_series(case, fit)


TRANSFORMS = {
    "deseason": deseasonalise,
    "deseason_local": deseasonalise_local,
    "deseason_drift": lambda c: deseasonalise_local(c, only_drift=True),
    "deseason_notest": lambda c: deseasonalise(c, test=False),
    "deseason_3m": lambda c: deseasonalise(c, min_cycles=3),
    "log": log_transform,
    "log_deseason": lambda c: _chain(c, log_transform, lambda c2: deseasonalise(c2, additive=True)),
}


def _chain(case, *transforms):
    """Transforms applied in order (each on the previous one's output), undone in reverse."""
    inverses, notes = [], []
    for tf in transforms:
        case, inv, note = tf(case)
        inverses.append(inv)
        notes.append(note)

    def undo(uid):
        def inverse(f):
            for inv in reversed(inverses):
                f = inv[uid](f)
            return f

        return inverse

    return case, {uid: undo(uid) for uid in case.series}, "; ".join(notes)


_FITS: dict = {}  # (case, parameters, seed) -> (forecasts, note, seconds): this run's fits, reused by ensembles


def member_forecasts(case, params, seeds, quick, losses=None):
    """bench_real's tsrnn forecasts of one member, averaged over ``seeds``.  A fit (case, parameters,
    seed) made earlier in this run is reused, not refitted (fits are reproducible from the seed), so
    an ensemble of variants already run costs nothing more here; its time is still counted (see
    :func:`fit_seconds`)."""
    if losses is not None or quick:
        return _member_forecasts(case, params, seeds, quick, losses)
    key = (case.name, repr(sorted(params(case, case.length - case.h).items())))
    runs = []
    for seed in seeds:
        if (*key, seed) not in _FITS:
            t0 = time.perf_counter()
            forecasts, note = _member_forecasts(case, params, (seed,), quick)
            _FITS[(*key, seed)] = (forecasts, note, time.perf_counter() - t0)
        runs.append(_FITS[(*key, seed)])
    return {uid: np.mean([f[uid] for f, _, _ in runs], axis=0) for uid in runs[0][0]}, runs[0][1]


def fit_seconds(case, members) -> float:
    """Seconds of the fits behind ``members`` on ``case`` (each fit timed when it was made)."""
    total = 0.0
    for params, seeds in members:
        for p, sd in seeds if params == "select" else [(params, seeds)]:
            key = (case.name, repr(sorted(p(case, case.length - case.h).items())))
            total += sum(_FITS[(*key, s)][2] for s in sd if (*key, s) in _FITS)
    return total


def _member_forecasts(case, params, seeds, quick, losses=None):
    """bench_real's tsrnn forecasts of one member; a "transform" parameter (a name in TRANSFORMS)
    transforms the targets first and undoes it on the forecasts."""
    name = params(case, case.length - case.h).get("transform")
    if name is None:
        return br.tsrnn_forecasts(case, params, seeds=seeds, quick=quick, losses=losses)
    inner = lambda c, n: {k: v for k, v in params(c, n).items() if k != "transform"}  # noqa: E731
    new_case, inverses, note = TRANSFORMS[name](case)
    forecasts, fc_note = br.tsrnn_forecasts(new_case, inner, seeds=seeds, quick=quick, losses=losses)
    return {uid: inverses[uid](f) for uid, f in forecasts.items()}, "; ".join(x for x in (note, fc_note) if x)


W2M = window_rule
W3M = lambda c, n: window_rule(c, n, mult_m=3, mult_h=1)  # noqa: E731
W2H = lambda c, n: window_rule(c, n, mult_m=1, mult_h=2)  # noqa: E731
W1M = lambda c, n: window_rule(c, n, mult_m=1, mult_h=1)  # noqa: E731
W2M_CAP3 = lambda c, n: int(min(max(2 * c.m, c.h, 4), _cap(c, n, share=1 / 3)))  # noqa: E731
W20F = lambda c, n: int(min(max(2 * c.m, c.h, 20), _cap(c, n)))  # noqa: E731  (today's 20 as a floor)
VAL_H = lambda c, n: c.h / n + 1e-9  # noqa: E731  (exactly one horizon, however long the series)
VAL_2H = lambda c, n: max(0.1, 2 * c.h / n + 1e-9)  # noqa: E731

VARIANTS = {
    "val": ("defaults, val span >= h (the reference)", rules()),
    "w20cap": ("window 20 capped at half the training span", rules(window=lambda c, n: min(20, _cap(c, n)))),
    "w2m": ("window = max(2m, h, 4), capped", rules(window=W2M)),
    "w3m": ("window = max(3m, h, 4), capped", rules(window=W3M)),
    "w2h": ("window = max(m, 2h, 4), capped", rules(window=W2H)),
    "rel": ("relative=True", rules(relative=True)),
    "lstm": ("cell='lstm'", rules(cell="lstm")),
    "gru": ("cell='gru'", rules(cell="gru")),
    "pat20": ("patience=20, epochs=120", rules(patience=20, epochs=120)),
    "pat5": ("patience=5", rules(patience=5)),
    "nohw": ("highway=False", rules(highway=False)),
    "ens3": ("3 seeds averaged", rules(seeds=(0, 1, 2))),
    "noval": ("no validation: val_fraction=0, all 60 epochs", rules(val_fraction=0.0)),
    "w2m_rel": ("window max(2m,h,4) + relative", rules(window=W2M, relative=True)),
    "w2m_rel_gru": ("window max(2m,h,4) + relative + gru", rules(window=W2M, relative=True, cell="gru")),
    "w2m_rel_ens3": (
        "window max(2m,h,4) + relative + 3 seeds",
        rules(window=W2M, relative=True, seeds=(0, 1, 2)),
    ),
    "w2m_rel_noval": (
        "window max(2m,h,4) + relative + no validation",
        rules(window=W2M, relative=True, val_fraction=0.0),
    ),
    "w3m_rel": ("window max(3m,h,4) + relative", rules(window=W3M, relative=True)),
    "w2h_rel": ("window max(m,2h,4) + relative", rules(window=W2H, relative=True)),
    "w2m_rel_lstm": ("window max(2m,h,4) + relative + lstm", rules(window=W2M, relative=True, cell="lstm")),
    "w2m_rel_l1": ("window max(2m,h,4) + relative + layers=1", rules(window=W2M, relative=True, layers=1)),
    "w2m_rel_h32": ("window max(2m,h,4) + relative + hidden=32", rules(window=W2M, relative=True, hidden=32)),
    "w2m_rel_pat20": (
        "window max(2m,h,4) + relative + patience=20, epochs=120",
        rules(window=W2M, relative=True, patience=20, epochs=120),
    ),
    "w2m_rel_pat5": (
        "window max(2m,h,4) + relative + patience=5",
        rules(window=W2M, relative=True, patience=5),
    ),
    "w2m_rel_lr3": ("window max(2m,h,4) + relative + lr=3e-3", rules(window=W2M, relative=True, lr=3e-3)),
    "wmix_rel": (
        "3 members averaged: windows max(m,h,4), max(2m,h,4), max(3m,h,4) + relative",
        mix(
            rules(window=W1M, relative=True),
            rules(window=W2M, relative=True),
            rules(window=W3M, relative=True),
        ),
    ),
    "wmix_rel_ens2": (
        "6 members averaged: those 3 windows x seeds 0, 1 + relative",
        mix(
            rules(window=W1M, relative=True, seeds=(0, 1)),
            rules(window=W2M, relative=True, seeds=(0, 1)),
            rules(window=W3M, relative=True, seeds=(0, 1)),
        ),
    ),
    "w2m_rel_cells": (
        "3 members averaged: rnn, gru, lstm; window max(2m,h,4) + relative",
        mix(
            rules(window=W2M, relative=True),
            rules(window=W2M, relative=True, cell="gru"),
            rules(window=W2M, relative=True, cell="lstm"),
        ),
    ),
    "wmix_rel_lstm": (
        "3 members averaged: windows max(m,h,4), max(2m,h,4), max(3m,h,4) + relative + lstm",
        mix(
            rules(window=W1M, relative=True, cell="lstm"),
            rules(window=W2M, relative=True, cell="lstm"),
            rules(window=W3M, relative=True, cell="lstm"),
        ),
    ),
    "w2m_rel_lstm_ens3": (
        "window max(2m,h,4) + relative + lstm + 3 seeds",
        rules(window=W2M, relative=True, cell="lstm", seeds=(0, 1, 2)),
    ),
    "w3m_rel_lstm": ("window max(3m,h,4) + relative + lstm", rules(window=W3M, relative=True, cell="lstm")),
    "w2m_rel_lstm_pat20": (
        "window max(2m,h,4) + relative + lstm + patience=20, epochs=120",
        rules(window=W2M, relative=True, cell="lstm", patience=20, epochs=120),
    ),
    "w2m_rel_lstm_lr3e2": (
        "window max(2m,h,4) + relative + lstm + lr=3e-2",
        rules(window=W2M, relative=True, cell="lstm", lr=3e-2),
    ),
    "w2m_rel_lstm_l1": (
        "window max(2m,h,4) + relative + lstm + layers=1",
        rules(window=W2M, relative=True, cell="lstm", layers=1),
    ),
    "w2m_rel_lstm_h32": (
        "window max(2m,h,4) + relative + lstm + hidden=32",
        rules(window=W2M, relative=True, cell="lstm", hidden=32),
    ),
    "w2m_rel_lstm_drop": (
        "window max(2m,h,4) + relative + lstm + dropout=0.1",
        rules(window=W2M, relative=True, cell="lstm", dropout=0.1),
    ),
    "w2m_rel_lstm_valh": (
        "window max(2m,h,4) + relative + lstm + val span = h",
        rules(window=W2M, val=VAL_H, relative=True, cell="lstm"),
    ),
    "w2m_rel_lstm_val2h": (
        "window max(2m,h,4) + relative + lstm + val span >= 2h",
        rules(window=W2M, val=VAL_2H, relative=True, cell="lstm"),
    ),
    "w2m_rel_lstm_h8": (
        "window max(2m,h,4) + relative + lstm + hidden=8",
        rules(window=W2M, relative=True, cell="lstm", hidden=8),
    ),
    "w2m_rel_lstm_cap3": (
        "window max(2m,h,4) capped at 1/3 + relative + lstm",
        rules(window=W2M_CAP3, relative=True, cell="lstm"),
    ),
    "auto_rel_lstm": (
        "window max(2m,h,4) + lstm; relative or not, whichever validates better (2 fits)",
        select(rules(window=W2M, relative=True, cell="lstm"), rules(window=W2M, cell="lstm")),
    ),
    "auto3": (
        "best on validation of: the defaults (window 20, capped), window max(2m,h,4) + lstm, and that + relative",
        select(
            rules(window=lambda c, n: min(20, _cap(c, n))),
            rules(window=W2M, cell="lstm"),
            rules(window=W2M, relative=True, cell="lstm"),
        ),
    ),
    "w20f_rel_lstm": (
        "window max(2m,h,20), capped + relative + lstm",
        rules(window=W20F, relative=True, cell="lstm"),
    ),
    "w20f_lstm": ("window max(2m,h,20), capped + lstm (absolute inputs)", rules(window=W20F, cell="lstm")),
    "w2m_lstm": ("window max(2m,h,4) + lstm (absolute inputs)", rules(window=W2M, cell="lstm")),
    "phase": (
        "the defaults + the season's phase (sin, cos) as known inputs, single series",
        rules(phase=True),
    ),
    "ra_mix": (
        "2 members averaged: relative and absolute inputs; window max(2m,h,4) + lstm",
        mix(rules(window=W2M, relative=True, cell="lstm"), rules(window=W2M, relative=False, cell="lstm")),
    ),
    "w2m_rel_nohw": (
        "window max(2m,h,4) + relative + highway=False",
        rules(window=W2M, relative=True, highway=False),
    ),
    # General techniques for seasonal series, on top of the shipped defaults (library defaults, val span >= h):
    "defaults": (
        "the shipped defaults (lstm, relative, automatic window max(2m,h,4) capped, val span >= h)",
        rules(),
    ),
    "deseason": (
        "the defaults on deseasonalised targets: classical multiplicative (additive if a value <= 0) "
        "seasonal indices from the training part, where m > 1, n >= 2m and the 90% ACF test at lag m "
        "passes; indices put back on the forecast",
        rules(transform="deseason"),
    ),
    "deseason_notest": (
        "deseason without the ACF test (every m > 1 series with n >= 2m)",
        rules(transform="deseason_notest"),
    ),
    "slag": (
        "the defaults + the seasonal lag y[t - L], L = m ceil(h/m), as a known input",
        rules(seasonal_lag=True),
    ),
    "l1": (
        "the defaults with an L1 loss: loss='quantile', quantiles=(0.5,) (pinball at the median)",
        rules(loss="quantile", quantiles=(0.5,)),
    ),
    "log": ("the defaults on log targets where the training part is positive", rules(transform="log")),
    "log_deseason": (
        "log targets (where positive), then deseason (additive indices on the logs)",
        rules(transform="log_deseason"),
    ),
    "deseason_mix": (
        "2 members averaged: the defaults and deseason (2 fits)",
        mix(rules(), rules(transform="deseason")),
    ),
    "deseason_3m": ("deseason where n >= 3m only (and the ACF test)", rules(transform="deseason_3m")),
}


def lib_window(mult_m):
    """The library's automatic window with ``mult_m`` seasons instead of 2: ``min(max(mult_m * m, h, 4),
    (n_fit - h) // 2)`` (at least 2), n_fit the steps before the library's own validation span
    (10% but at least h; none where the rest cannot hold a window and a horizon)."""

    def window(case, n):
        n_val = max(int(round(n * 0.1)), case.h)
        n_fit = n - n_val if n - n_val >= 2 + case.h else n
        return int(min(max(mult_m * case.m, case.h, 4), max(2, (n_fit - case.h) // 2)))

    return window


# On top of the seasonal indices (library defaults since deseason=True; val=None leaves the library's
# own validation span): each variant differs from "lib" in one respect.  Ensembles of variants run in
# the same command reuse their fits (member_forecasts), their time is the sum of their members'.
LIB = dict(val=None)
VARIANTS.update(
    {
        "lib": (
            "the library's defaults as shipped when the variant ran: Forecaster(horizon=h, season=m) (deseason "
            "on, lstm, relative, val span 10% but >= h; window max(2m,h,4) capped until 2026-12-03 08:50 UTC, "
            "max(m,h,4) capped since, where the indices are on)",
            rules(**LIB),
        ),
        "lib_ens3": ("3 seeds averaged (seeds s, s+1, s+2)", rules(**LIB, seeds=(0, 1, 2))),
        "lib_gru": ("cell='gru'", rules(**LIB, cell="gru")),
        "lib_lstm_gru": ("2 members averaged: lstm and gru", mix(rules(**LIB), rules(**LIB, cell="gru"))),
        "lib_nodes": ("deseason=False", rules(**LIB, deseason=False)),
        "lib_des_mix": (
            "2 members averaged: deseason on and off",
            mix(rules(**LIB), rules(**LIB, deseason=False)),
        ),
        "lib_w3m": ("window max(3m,h,4), capped as the library caps", rules(**LIB, window=lib_window(3))),
        "lib_abs": (
            "relative=False (absolute inputs; the season is taken out)",
            rules(**LIB, relative=False),
        ),
        "lib_h32l1": ("hidden=32, layers=1", rules(**LIB, hidden=32, layers=1)),
        "lib_pat20": ("epochs=120, patience=20", rules(**LIB, epochs=120, patience=20)),
        "lib_w1m": ("window max(m,h,4), capped as the library caps", rules(**LIB, window=lib_window(1))),
        "lib_refit": (
            "after early stopping, a fresh fit on every step (no validation span) for the best epoch "
            "count, the same window",
            rules(**LIB, refit_all=True),
        ),
        "lib_local": (
            "the library's indices off, time-varying indices instead (the season around each training "
            "step divides it; the season at the end goes back on the forecast)",
            rules(**LIB, deseason=False, transform="deseason_local", window=lib_window(1)),
        ),
        "lib_drift": (
            "time-varying indices where the season drifts (first and second half of the training part "
            "differ by 0.1 or more), the library's indices elsewhere",
            rules(**LIB, transform="deseason_drift", window=lib_window(1)),
        ),
        "lib_phase": (
            "the season's phase (sin, cos of the step's place in it) as known inputs, beside the indices",
            rules(**LIB, phase=True),
        ),
        "lib_w1m_refit": (
            "window max(m,h,4) and the refit on every step",
            rules(**LIB, window=lib_window(1), refit_all=True),
        ),
        "lib_noval": (
            "no validation span (val_fraction=0): 60 epochs on every step, the last weights",
            rules(**LIB, val_fraction=0.0),
        ),
        "lib_noval_e20": ("no validation span, 20 epochs", rules(**LIB, val_fraction=0.0, epochs=20)),
        "lib_arcomb": (
            "the network's forecast averaged with its own linear-AR baseline's (fitted on the same "
            "window, no extra training)",
            rules(**LIB, combine="linear_ar"),
        ),
        "lib_wmix": (
            "3 members averaged, N-BEATS's multi-lookback ensemble: windows max(m,h,4), max(2m,h,4), "
            "max(3m,h,4)",
            mix(rules(**LIB, window=lib_window(1)), rules(**LIB), rules(**LIB, window=lib_window(3))),
        ),
        "lib_avg1": (
            "average_best=1: the best epoch's weights alone (the defaults before 2026-12-03 evening)",
            rules(**LIB, average_best=1),
        ),
        "lib_avg5": (
            "average_best=5: the weights of the five best epochs averaged",
            rules(**LIB, average_best=5),
        ),
        "lib_avg10": (
            "average_best=10: the weights of the ten best epochs averaged",
            rules(**LIB, average_best=10),
        ),
    }
)
for _name in (
    "lib",
    "lib_ens3",
    "lib_gru",
    "lib_lstm_gru",
    "lib_nodes",
    "lib_des_mix",
    "lib_w3m",
    "lib_abs",
    "lib_h32l1",
    "lib_pat20",
    "lib_w1m",
    "lib_wmix",
    "lib_refit",
    "lib_w1m_refit",
    "lib_phase",
    "lib_local",
    "lib_drift",
    "lib_noval",
    "lib_noval_e20",
    "lib_arcomb",
    "lib_avg1",
    "lib_avg5",
    "lib_avg10",
):
    for _seed in (
        (1, 2) if _name not in ("lib", "lib_w1m", "lib_refit", "lib_w1m_refit") else (1, 2, 3, 4, 5)
    ):  # close calls: 6 seeds
        _label, _members = VARIANTS[_name]
        VARIANTS[f"{_name}_s{_seed}"] = (
            f"{_label}; seed {_seed}",
            [(params, tuple(sd + _seed for sd in seeds)) for params, seeds in _members],
        )

# Second and third draws (seeds 1, 2; one fit each, not averaged) of the seasonal techniques: the seed
# noise on these cases is several hundredths of the gmean, so a technique is judged on its mean over seeds.
for _name in (
    "defaults",
    "deseason",
    "deseason_notest",
    "deseason_3m",
    "slag",
    "l1",
    "log",
    "log_deseason",
    "deseason_mix",
):
    for _seed in (1, 2):
        _label, _members = VARIANTS[_name]
        VARIANTS.setdefault(
            f"{_name}_s{_seed}",
            (
                f"{_label}; seed {_seed}",
                [(params, tuple(sd + _seed for sd in seeds)) for params, seeds in _members],
            ),
        )


MAIN_CASES = dict(br.CASES)  # bench_real's 33 cases

# Other real series, none in bench_real's list: a check that a rule chosen there generalises.
HOLDOUT = {
    "AirPassengers": br._single("datasets", "AirPassengers", "monthly"),
    "UKgas": br._single("datasets", "UKgas", "quarterly"),
    "nottem": br._single("datasets", "nottem", "monthly"),
    "lynx": br._single("datasets", "lynx", "yearly"),
    "Nile": br._single("datasets", "Nile", "yearly"),
    "USAccDeaths": br._single("datasets", "USAccDeaths", "monthly"),
    "a10": br._single("fpp2", "a10", "monthly"),
    "h02": br._single("fpp2", "h02", "monthly"),
    "ausbeer": br._single("fpp2", "ausbeer", "quarterly"),
    "elecequip": br._single("fpp2", "elecequip", "monthly"),
    "usmelec": br._single("fpp2", "usmelec", "monthly"),
    "qauselec": br._single("fpp2", "qauselec", "quarterly"),
    "guinearice": br._single("fpp2", "guinearice", "yearly"),
    "visnights": br._wide("fpp2", "visnights", "quarterly"),
    "elecdaily": br._single("fpp2", "elecdaily", "daily", "Demand", ("WorkDay", "Temperature")),
    "wineind": br._single("forecast", "wineind", "monthly"),
    "woolyrnq": br._single("forecast", "woolyrnq", "quarterly"),
    "gas": br._single("forecast", "gas", "monthly"),
    "us_gasoline": br._single("fpp3", "us_gasoline", "weekly", "Barrels"),
}


def run_variant(name, cases, quick, log) -> dict:
    members = VARIANTS[name][1]
    out = {}
    for case in cases:
        t0 = time.perf_counter()
        try:
            runs = []
            for params, seeds in members:
                if params == "select":
                    fits = []
                    for p, sd in seeds:
                        losses = []
                        fits.append((member_forecasts(case, p, sd, quick, losses=losses), np.mean(losses)))
                    best = int(np.argmin([loss for _, loss in fits]))
                    runs.append(fits[best][0])
                    chosen = (
                        f"chose candidate {best} of {len(fits)} (val losses "
                        + ", ".join(f"{loss:.4g}" for _, loss in fits)
                        + ")"
                    )
                else:
                    runs.append(member_forecasts(case, params, seeds, quick))
                    chosen = ""
            forecasts = {uid: np.mean([f[uid] for f, _ in runs], axis=0) for uid in runs[0][0]}
            note = "; ".join(x for x in (runs[0][1], chosen) if x)
            r = {"status": "ok", "note": note, **br.score(case, forecasts)}
        except Exception as err:
            r = {"status": "failed", "error": f"{type(err).__name__}: {err}".splitlines()[0]}
        r["seconds"] = max(time.perf_counter() - t0, fit_seconds(case, members))
        flat = [m for params, seeds in members for m in (seeds if params == "select" else [(params, seeds)])]
        r["params"] = [
            {k: v for k, v in params(case, case.length - case.h).items() if k != "season"}
            for params, _ in flat
        ]
        out[case.name] = r
        log(
            f"[{name}] {case.name}: "
            + (f"MASE {r['mase']:.3f}" if r["status"] == "ok" else r["error"][:80])
            + f" ({r['seconds']:.1f} s)"
        )
    return out


def table(results, cases, names) -> list[str]:
    """One row per variant (and anchor): gmean MASE ratio per group, wins over AutoETS, time."""
    groups = br.groups(cases)
    cols = [
        g
        for g in ("overall", "monthly", "quarterly", "yearly", "weekly", "daily", "business-daily", "other")
        if g in groups
    ]
    head = [
        "method",
        *[f"{g} ({len(groups[g])})" for g in cols],
        "/ best anchor (overall)",
        "better than AutoETS",
        "median MASE",
        "total s",
        "max s, 1 series <= 1000 steps",
        "ran on",
    ]
    rows = []
    for name in names:
        s = br.summary(results, cases, name)
        if not s["n"]:
            continue
        ok = [c for c in cases if results[c.name].get(name, {}).get("status") == "ok"]
        anchor, a = br.best_anchor(results, cases, ok)
        per = [br._fmt(br.summary(results, groups[g], name).get("gmean", math.nan)) for g in cols]
        single = [results[c.name][name]["seconds"] for c in ok if len(c.series) == 1 and c.length <= 1000]
        rows.append(
            (
                s["gmean"],
                [
                    f"`{name}` {VARIANTS[name][0]}" if name in VARIANTS else br.LABELS.get(name, name),
                    *per,
                    f"{s['gmean'] / a:.3f} ({anchor})",
                    f"{s['beats_ets']}/{s['n_ets']}",
                    br._fmt(s["median_mase"]),
                    f"{s['seconds']:.0f}",
                    br._fmt(max(single, default=math.nan), 1),
                    f"{s['n']}/{s['of']}",
                ],
            )
        )
    rows.sort(key=lambda r: r[0])
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(r) + " |" for _, r in rows
    ]


SEEDS_OF = "a technique's three fits: ``name``, ``name_s1``, ``name_s2`` (seeds 0, 1, 2)"


def _figures(results, names, freq_of):
    """Per seed (one name each): overall and monthly/quarterly gmean, wins over AutoETS, seconds;
    None if a name has no result."""
    out = []
    for name in names:
        cases = [c for c in results if results[c].get(name, {}).get("status") == "ok"]
        if not cases:
            return None
        ratio = {c: results[c][name]["mase"] / results[c]["snaive"]["mase"] for c in cases}
        g = {"overall": br.gmean(ratio.values())}
        for grp in ("monthly", "quarterly"):
            g[grp] = br.gmean([ratio[c] for c in cases if freq_of[c] == grp])
        g["wins"] = sum(results[c][name]["mase"] < results[c]["AutoETS"]["mase"] for c in cases)
        g["n"] = len(cases)
        g["seconds"] = sum(results[c][name]["seconds"] for c in cases)
        out.append(g)
    return out


def _with_variants(anchors, variants, cases):
    """``anchors`` ({case: {method: result}}) on ``cases`` with every stored variant's results added."""
    results = {c: dict(anchors[c]) for c in cases if c in anchors}
    for name, per_case in variants.items():
        for case_name, r in per_case.items():
            if case_name in results:
                results[case_name][name] = r
    return results


def _spread(fs, key="overall"):
    mean = sum(f[key] for f in fs) / len(fs)
    return f"{mean:.3f} ({min(f[key] for f in fs):.3f}-{max(f[key] for f in fs):.3f})"


def summary(anchors, store, techniques) -> list[str]:
    """Each technique's figures as the mean over its three seeds, on the 33 cases and the held-out
    series, beside the first technique's (the reference) and the classical methods."""
    loaded = {name: load() for name, load in {**MAIN_CASES, **HOLDOUT}.items()}
    freq_of = {case.name: case.freq for case in loaded.values()}
    names = {key: [loaded[n].name for n in reg] for key, reg in (("main", MAIN_CASES), ("holdout", HOLDOUT))}
    main_res = _with_variants(anchors, store["variants"], names["main"])
    hold_res = _with_variants(store["holdout_anchors"], store["variants"], names["holdout"])
    ref = techniques[0]
    rows, base = [], None
    for t in techniques:
        seeds = [t, f"{t}_s1", f"{t}_s2"]
        fm, fh = _figures(main_res, seeds, freq_of), _figures(hold_res, seeds, freq_of)
        if fm is None or fh is None:
            continue
        base = base or (fm, fh)

        def mean(fs, k):
            return sum(f[k] for f in fs) / len(fs)

        rows.append(
            [
                f"`{t}`",
                _spread(fm),
                f"{mean(fm, 'monthly'):.3f}",
                f"{mean(fm, 'quarterly'):.3f}",
                _spread(fh),
                f"{mean(fh, 'monthly'):.3f}",
                f"{mean(fh, 'quarterly'):.3f}",
                " / ".join(f"{f['overall'] / b['overall']:.2f}" for f, b in zip(fm, base[0], strict=False)),
                " / ".join(f"{f['overall'] / b['overall']:.2f}" for f, b in zip(fh, base[1], strict=False)),
                f"{mean(fm, 'wins'):.1f}/{fm[0]['n']}",
                f"{mean(fh, 'wins'):.1f}/{fh[0]['n']}",
                f"{mean(fm, 'seconds') / mean(base[0], 'seconds'):.2f}x",
                f"{mean(fh, 'seconds') / mean(base[1], 'seconds'):.2f}x",
            ]
        )
    for anchor in br.ANCHORS:
        fm, fh = _figures(main_res, [anchor], freq_of)[0], _figures(hold_res, [anchor], freq_of)[0]
        wins = ("-", "-") if anchor == "AutoETS" else (f"{fm['wins']}/{fm['n']}", f"{fh['wins']}/{fh['n']}")
        rows.append(
            [anchor, *(f"{f[k]:.3f}" for f in (fm, fh) for k in ("overall", "monthly", "quarterly")), "", ""]
            + [*wins, "", ""]
        )
    head = [
        "technique",
        "33 cases: gmean, mean of seeds 0-2 (range)",
        "monthly (9)",
        "quarterly (10)",
        "holdout (19): gmean (range)",
        "holdout monthly (9)",
        "holdout quarterly (5)",
        f"33 cases / {ref}, seed by seed",
        f"holdout / {ref}, seed by seed",
        "better than AutoETS (33), mean",
        "better than AutoETS (holdout), mean",
        f"time / {ref} (33)",
        f"time / {ref} (holdout)",
    ]
    return [
        "## Summary over seeds 0, 1, 2",
        "",
        f"Each technique is {SEEDS_OF}. Figures: geometric mean over cases of MASE / seasonal-naive MASE, "
        "lower is better; each technique's figure is the mean over its three seeds (one fit each), the range "
        "in brackets; 'seed by seed' divides each seed's overall figure by the reference's with the same seed.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def report(results, cases, names) -> list[str]:
    """The table of the variants ``names`` beside the anchors, their rules and the per-case ratios."""
    lines = [
        __doc__.split("\n\n")[1].replace("\n", " "),
        "",
        "Figures: geometric mean over cases of MASE / seasonal-naive MASE (lower is better), per group; "
        "'/ best anchor': overall figure over that of the best of AutoETS, AutoARIMA, AutoTheta on the "
        "same cases. Targets: <= 0.80 and <= 0.85 x best anchor; better than AutoETS on >= 2/3 of cases; "
        "< 10 s for one series up to 1,000 steps. Seconds: fit + forecast, all seeds of a variant.",
        "",
        *table(results, cases, names),
        "",
        "## Variants",
        "",
    ]
    lines += [f"- `{v}`: {VARIANTS[v][0]}" for v in names if v in VARIANTS]
    lines += ["", "## Per case (MASE ratio to seasonal naive)", ""]
    shown = [n for n in names if any(results.get(c.name, {}).get(n, {}).get("status") == "ok" for c in cases)]
    lines += ["| case | m | h | n | " + " | ".join(shown) + " |", "|" + "---|" * (4 + len(shown))]
    for c in cases:
        base = results[c.name]["snaive"]["mase"]
        cells = [
            br._fmt(results[c.name][n]["mase"] / base)
            if results[c.name].get(n, {}).get("status") == "ok"
            else "x"
            for n in shown
        ]
        lines.append(f"| {c.name} | {c.m} | {c.h} | {c.length} | " + " | ".join(cells) + " |")
    return lines


def _save(path, store) -> None:
    record.write(path, json.dumps(store))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] + " Results: benchmarks/results/real_variants.md."
    )
    parser.add_argument(
        "--variants",
        nargs="*",
        choices=list(VARIANTS),
        default=list(VARIANTS),
        help="variants to run and report (default: all); given no name, none runs",
    )
    parser.add_argument("--cases", nargs="+", choices=list(MAIN_CASES) + list(HOLDOUT))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="run on HOLDOUT's series instead (their anchors are computed first, into --store)",
    )
    parser.add_argument(
        "--show", nargs="+", default=[], choices=list(VARIANTS), help="also report these stored variants"
    )
    parser.add_argument(
        "--summary",
        nargs="+",
        choices=list(VARIANTS),
        metavar="TECHNIQUE",
        help=f"report each TECHNIQUE as the mean over {SEEDS_OF}, on the 33 cases and the held-out "
        "series, beside the first one's",
    )
    parser.add_argument(
        "--anchors",
        default=os.path.join(br.HERE, "results", "real.json"),
        help="bench_real's JSON on the 33 cases (default benchmarks/results/real.json)",
    )
    parser.add_argument(
        "--store",
        default=record.result_path("real_variants", "json"),
        help="default benchmarks/results/real_variants.json: every variant's results, kept between runs "
        "(a variant run again replaces its own on the cases it ran), the held-out series' anchors and the "
        "commands",
    )
    parser.add_argument(
        "--out",
        default=record.result_path("real_variants"),
        help="default benchmarks/results/real_variants.md: the report goes first, earlier runs' stay below",
    )
    args = parser.parse_args(argv)
    if not (args.variants or args.show or args.summary):
        parser.error("nothing to report: name --variants, --show or --summary")
    store = {"holdout_anchors": {}, "variants": {}, "commands": []}
    if os.path.exists(args.store):
        with open(args.store) as fh:
            store.update(json.load(fh))
    with open(args.anchors) as fh:
        anchors = json.load(fh)
    import torch

    torch.set_num_threads(1)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    argv = argv if argv is not None else sys.argv[1:]
    cases, _ = br.load_cases(args.cases, HOLDOUT if args.holdout else MAIN_CASES)
    if args.holdout:
        missing = [c for c in cases if c.name not in store["holdout_anchors"]]
        if missing:
            methods = ["snaive", *br.ANCHORS, "tsrnn", "tsrnn_val"]
            store["holdout_anchors"].update(br.run_all(missing, methods, args.quick, 0, log=log))
            _save(args.store, store)
    if args.variants:
        br.warm_up(br.METHODS["tsrnn"], args.quick, 0)
        now = datetime.datetime.now(datetime.timezone.utc)
        store["commands"].append(
            f"python benchmarks/bench_real_variants.py {' '.join(argv)} ({now:%Y-%m-%d %H:%M} UTC)"
        )
    for name in args.variants:
        store["variants"].setdefault(name, {}).update(run_variant(name, cases, args.quick, log))
        _save(args.store, store)
    lines = []
    named = [v for v in VARIANTS if v in args.variants or v in args.show]
    if named:
        results = _with_variants(
            store["holdout_anchors"] if args.holdout else anchors, store["variants"], [c.name for c in cases]
        )
        lines += report(results, cases, list(br.ANCHORS) + ["tsrnn", "tsrnn_val"] + named)
    if args.summary:
        lines += ([""] if lines else []) + summary(anchors, store, args.summary)
    where = "the held-out series" if args.holdout else "bench_real's cases"
    section = record.add_run(
        args.out,
        f"tsrnn default-change experiment on {where}" + (" (quick)" if args.quick else ""),
        "\n".join(lines),
        argv,
        versions=br.versions(),
    )
    print(section)


if __name__ == "__main__":
    main()
