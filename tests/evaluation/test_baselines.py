"""Baselines: of one series on a known case, their season argument, and those of a whole panel at once
(fit_many) equal to the per-series fit they replace."""

from __future__ import annotations

import numpy as np
import pytest

from tsrnn.evaluation.baselines import Baselines, fit_many
from tsrnn.evaluation.seasons import choose_season


# -- the per-series fit as it was before the batched one (np.polyfit, normal equations per series) -----------
def reference_acf(x, max_lag=None):
    x = np.asarray(x, dtype=np.float64)
    size, n = max(1.0, float(np.abs(x).max(initial=0.0))), x.shape[0]
    x = x - np.polyval(np.polyfit(np.arange(n), x, 1), np.arange(n)) if n >= 3 else x - x.mean()
    max_lag = min(n // 2, max_lag or n // 2)
    if max_lag < 2 or np.abs(x).max(initial=0.0) <= 1e-9 * size:
        return None
    spectrum = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(spectrum * np.conj(spectrum))[: max_lag + 1]
    return acf / acf[0]


def reference_season(x, calendar):
    acf = reference_acf(x)
    found = None
    if acf is not None and (acf < 0).any():
        lags = np.arange(np.nonzero(acf < 0)[0][0], acf.shape[0] - 1)
        peaks = lags[(acf[lags] >= acf[lags - 1]) & (acf[lags] >= acf[lags + 1])]
        if peaks.size and acf[peaks].max() >= 0.3:
            found = int(peaks[np.argmax(acf[peaks])])
    if calendar is None:
        return found, "autocorrelation"
    if found is not None and found != calendar and (calendar == 1 or found % calendar != 0):
        at_calendar = acf[calendar] if 1 < calendar < acf.shape[0] else 0.0
        if acf[found] >= max(0.5, at_calendar + 0.2):
            return found, (
                f"autocorrelation {acf[found]:.2f}, stronger than {at_calendar:.2f} "
                f"at the calendar's {calendar}"
            )
    return (calendar if calendar > 1 else None), "calendar"


def reference_fit(values, window, targets, season=None, calendar=None):
    """seasons, sources, MASE scales (O,), AR coefficients (1 + W*F, F) of one training span (T, F)."""
    if season is None:
        chosen = [reference_season(values[:, j], calendar) for j in targets]
        seasons, sources = [m for m, _ in chosen], [why for _, why in chosen]
    else:
        given = [season] * len(targets) if np.isscalar(season) else list(season)
        seasons, sources = [int(m) if m and int(m) > 1 else None for m in given], ["given"] * len(targets)
    T = values.shape[0]
    for k, m in enumerate(seasons):  # no step of the span has a season back: no season
        if m is not None and m >= T:
            seasons[k], sources[k] = (
                None,
                f"the {sources[k]} season {m} is not shorter than the {T}-step span",
            )
    scale = []
    for j, m in zip(targets, seasons, strict=False):
        x, m = values[:, j], m or 1
        m = m if x.shape[0] > m else 1
        scale.append(float(np.abs(x[m:] - x[:-m]).mean(dtype=np.float64)) if x.shape[0] > m else 0.0)
    T, F = values.shape
    p = 1 + window * F
    gram, cross = np.zeros((p, p)), np.zeros((p, F))
    for t in range(window, T):
        a = np.r_[1.0, values[t - window : t].astype(np.float64).ravel()]
        gram += np.outer(a, a)
        cross += np.outer(a, values[t])
    ar = np.linalg.solve(gram + 1e-8 * max(np.trace(gram) / p, 1.0) * np.eye(p), cross)
    return seasons, sources, np.array(scale), ar


def ragged_panel(rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Series of two features: seasons 7, 12 and 24, noise, constant, a line, too short for a season."""
    pieces = []
    for length, period in [
        (140, 7),
        (97, 12),
        (300, 24),
        (97, 12),
        (60, None),
        (55, 0),
        (9, 24),
        (31, 5),
        (200, 16),
    ]:
        t = np.arange(length)
        if period is None:
            y = np.full(length, 3.5)  # constant
        elif period == 0:
            y = 0.25 * t + rng.normal(0, 1e-3, length)  # a straight line, a little noise
        else:
            y = 10 + np.sin(2 * np.pi * t / period) + 0.1 * rng.normal(size=length)
        other = np.cos(2 * np.pi * t / 10) + 0.2 * rng.normal(size=length)
        pieces.append(np.stack([y, other], axis=1).astype(np.float32))
    lengths = np.array([p.shape[0] for p in pieces])
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    return np.concatenate(pieces), starts, lengths


@pytest.mark.parametrize(
    "targets, season, calendar",
    [
        ([0, 1], None, None),  # seasons from the autocorrelation
        ([0], None, 12),  # the calendar's, unless a clearly stronger one is found
        ([1], None, 1),  # a yearly calendar: no season of its own
        ([0, 1], [12, None], None),  # given seasons
        ([0, 1], 5, 4),
    ],
)
def test_fit_many_equals_the_per_series_fit(targets, season, calendar):
    values, starts, lengths = ragged_panel(np.random.default_rng(0))
    train = lengths - 5  # a training span shorter than each series, as prepare_panel gives
    window = 4
    fitted = fit_many(values, starts, train, window, 3, targets, season, calendar)
    assert len(fitted) == len(starts)
    found = set()
    for s, b in enumerate(fitted):
        span = values[starts[s] : starts[s] + train[s]]
        seasons, sources, scale, ar = reference_fit(span, window, targets, season, calendar)
        assert b.seasons_ == seasons and b.season_sources_ == sources, s
        np.testing.assert_allclose(b.scale_, scale, rtol=1e-9, atol=1e-12)
        assert b.ar_.shape == (1 + window * 2, 2)
        span64 = span.astype(np.float64)  # compare what the coefficients do: near-collinear inputs
        design = np.array(
            [np.r_[1.0, span64[t - window : t].ravel()] for t in range(window, train[s])]
        ).reshape(-1, ar.shape[0])
        np.testing.assert_allclose(design @ b.ar_, design @ ar, rtol=1e-6, atol=1e-6 * np.abs(span).max())
        if s in (0, 1, 2, 8):  # noisy seasonal series: well-conditioned, so the coefficients themselves agree
            np.testing.assert_allclose(b.ar_, ar, rtol=1e-7, atol=1e-9)
        one = Baselines(window, 3, targets, season, calendar).fit(span)
        assert one.seasons_ == b.seasons_ and one.season_sources_ == b.season_sources_
        np.testing.assert_allclose(one.ar_, b.ar_, rtol=1e-9, atol=1e-12)
        found.update(m for m in b.seasons_ if m)
    if season is None and calendar is None:
        assert {7, 10, 12, 24} <= found  # the panel's seasons were found, each in its own series
        assert (
            fitted[4].seasons_ == [None, 10] and fitted[4].scale_[0] == 0.0
        )  # constant: no season, no error
        assert fitted[6].seasons_[0] is None  # 4 steps: too short for any season


def test_a_season_longer_than_the_span_scales_by_the_naive_error():
    values = np.arange(10, dtype=np.float32)[:, None] ** 2
    (b,) = fit_many(values, np.array([0]), np.array([10]), 2, 1, [0], season=12)
    assert b.seasons_ == [None] and b.season_sources_ == [
        "the given season 12 is not shorter than the 10-step span"
    ]
    assert b.scale_[0] == pytest.approx(np.abs(np.diff(values[:, 0])).mean())  # lag 1: 12 > 10 steps


def test_fit_many_of_series_without_a_window_of_data():
    values = np.arange(12, dtype=np.float32).reshape(6, 2)
    short, longer = fit_many(values, np.array([0, 2]), np.array([2, 4]), 3, 1, [0])
    np.testing.assert_array_equal(short.ar_, 0.0)  # no window: no coefficients
    assert short.seasons_ == [None] and short.scale_[0] == 2.0
    assert np.abs(longer.ar_).max() > 0


def test_choose_season_prefers_the_calendar_unless_clearly_beaten():
    t = np.arange(240)
    daily_week = np.sin(2 * np.pi * t / 7)
    assert choose_season(daily_week, 7) == (7, "calendar")
    m, why = choose_season(daily_week, 12)
    assert m == 7 and why.startswith("autocorrelation 0.9") and why.endswith("at the calendar's 12")
    assert choose_season(np.ones(50), None) == (None, "autocorrelation")


def test_baselines_on_a_known_series():
    t = np.arange(200, dtype=float)
    values = np.stack([np.sin(2 * np.pi * t / 10), 0.5 * t], axis=1)  # a season of 10, a straight line
    b = Baselines(window=5, horizon=3, targets=[0, 1]).fit(values[:150])
    assert b.seasons_[0] == 10 and b.context >= 10
    origins = np.array([160, 170])
    f = b.forecast(values, origins)
    truth = values[origins[:, None] + np.arange(3)]
    np.testing.assert_allclose(
        f["seasonal_naive"][:, :, 0], truth[:, :, 0], atol=1e-9
    )  # exact one season back
    np.testing.assert_allclose(f["drift"][:, :, 1], truth[:, :, 1], atol=1e-9)  # a line continues exactly
    np.testing.assert_allclose(f["naive"][:, :, 1], np.repeat(values[origins - 1, 1:2], 3, axis=1))
    np.testing.assert_allclose(f["linear_ar"], truth, atol=1e-4)  # both are exact linear recurrences
    x = values[:150, 0]  # MASE's scale: the in-sample seasonal naive error (lag 10), else the naive one
    np.testing.assert_allclose(b.scale_, [np.abs(x[10:] - x[:-10]).mean(), 0.5], atol=1e-12)


def test_baselines_season_argument_is_checked():
    with pytest.raises(ValueError, match="season must be one integer or one per target"):
        Baselines(5, 1, [0, 1], season=[4, 5, 6]).fit(np.zeros((50, 2)))
