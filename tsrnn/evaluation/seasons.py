"""The season of a series from its autocorrelation, for one series or every series of a panel at once.

A straight-line trend is removed first (it would keep the autocorrelation positive at every lag);
the season is the lag of the highest autocorrelation peak after the first zero crossing, if that
peak is high enough (:func:`find_season`).  With a calendar (12 for months, 1 for years, ...), the
calendar's season stands unless the autocorrelation finds a clearly stronger one
(:func:`choose_season`).  :func:`panel_seasons` does this for every target of every series of a
panel with one batched FFT per distinct span length.
"""

from __future__ import annotations

import numpy as np

__all__ = ["choose_season", "find_season", "panel_seasons"]

_SEASON_SPAN = 1 << 17  # latest steps searched for a season: enough for any season it can report
_BLOCK = 1 << 17  # float64 numbers per batch of rows


def _detrended_acfs(X: np.ndarray, max_lag: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Autocorrelations (G, L+1), lags 0..L with L = min(n // 2, max_lag), of the G rows of ``X`` (G, n)
    after removing each row's least-squares straight line, in one batched FFT; and which rows
    have one (G,) bool: not those constant or straight, nor any when L < 2."""
    X = np.asarray(X, dtype=np.float64)
    G, n = X.shape
    if n == 0:
        return np.zeros((G, 1)), np.zeros(G, dtype=bool)
    size = np.maximum(1.0, np.abs(X).max(axis=1, initial=0.0))  # (G,)
    X = X - X.mean(axis=1, keepdims=True)
    if n >= 3:
        t = np.arange(n) - (n - 1) / 2
        X = X - (X @ t / (t @ t))[:, None] * t  # minus each row's slope times the centred steps
    max_lag = min(n // 2, max_lag or n // 2)
    ok = (np.abs(X).max(axis=1, initial=0.0) > 1e-9 * size) & (max_lag >= 2)
    if not ok.any():
        return np.zeros((G, max(max_lag, 0) + 1)), ok
    spectrum = np.fft.rfft(X, 2 * n, axis=1)  # (G, n + 1)
    acf = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, 2 * n, axis=1)[:, : max_lag + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok[:, None], acf / acf[:, :1], 0.0), ok


def _peak_seasons(acf: np.ndarray, ok: np.ndarray, min_corr: float = 0.3) -> np.ndarray:
    """Each row's season (G,) from its autocorrelation (G, L+1), 0 where none: the lag of the
    highest peak after the first zero crossing, if that peak reaches ``min_corr``."""
    G, L = acf.shape[0], acf.shape[1] - 1
    below = acf < 0
    lags = np.arange(L + 1)
    peak = np.zeros_like(below)
    if L >= 2:
        peak[:, 1:L] = (acf[:, 1:L] >= acf[:, : L - 1]) & (acf[:, 1:L] >= acf[:, 2:])
    peak &= (lags >= np.argmax(below, axis=1)[:, None]) & (below.any(axis=1) & ok)[:, None]
    best = np.argmax(np.where(peak, acf, -np.inf), axis=1)  # the first of equal peaks, the shortest lag
    return np.where(peak.any(axis=1) & (acf[np.arange(G), best] >= min_corr), best, 0)


def find_season(x: np.ndarray, max_lag: int | None = None, min_corr: float = 0.3) -> int | None:
    """The dominant season of a 1-D series from its autocorrelation, or None.

    A straight-line trend is removed first (a trend would otherwise keep the autocorrelation
    positive at every lag).  The season is the lag of the highest autocorrelation peak after the
    first zero crossing, if that peak exceeds ``min_corr``.
    """
    acf, ok = _detrended_acfs(np.asarray(x)[None, :], max_lag)
    return int(_peak_seasons(acf, ok, min_corr)[0]) or None


_STRONGER = 0.2  # autocorrelation by which a found season must beat the calendar's to replace it
_STRONG = 0.5  # ... and the least it must reach


def _choose_seasons(X: np.ndarray, calendar: int | None) -> tuple[np.ndarray, list[str]]:
    """:func:`choose_season` of every row of ``X`` (G, n) at once: seasons (G,), 0 for none, and sources."""
    acf, ok = _detrended_acfs(X)
    found = _peak_seasons(acf, ok)
    if calendar is None:
        return found, ["autocorrelation"] * X.shape[0]
    seasons = np.full(X.shape[0], calendar if calendar > 1 else 0)
    sources = ["calendar"] * X.shape[0]
    rows = np.flatnonzero((found > 0) & (found != calendar) & ((calendar == 1) | (found % calendar != 0)))
    at_found = acf[rows, found[rows]]
    at_calendar = acf[rows, calendar] if 1 < calendar < acf.shape[1] else np.zeros(rows.shape[0])
    wins = at_found >= np.maximum(_STRONG, at_calendar + _STRONGER)
    for r, a, c in zip(
        rows[wins].tolist(), at_found[wins].tolist(), at_calendar[wins].tolist(), strict=False
    ):
        seasons[r] = found[r]
        sources[r] = f"autocorrelation {a:.2f}, stronger than {c:.2f} at the calendar's {calendar}"
    return seasons, sources


def choose_season(x: np.ndarray, calendar: int | None) -> tuple[int | None, str]:
    """The season of a 1-D series and where it came from: the calendar's (``calendar``: 12 for
    months, 1 for years, ...), unless its autocorrelation finds a clearly stronger one; without a
    calendar, the autocorrelation's (:func:`find_season`).  Only the latest 2^17 steps are read."""
    seasons, sources = _choose_seasons(np.asarray(x)[None, -_SEASON_SPAN:], calendar)
    return int(seasons[0]) or None, sources[0]


def panel_seasons(
    values: np.ndarray, ends: np.ndarray, lengths: np.ndarray, targets: list[int], calendar: int | None
) -> tuple[np.ndarray, list[list[str]]]:
    """:func:`choose_season` of every target of every series (S, O) over the latest 2^17 steps of
    each span ``ends - lengths .. ends``: one batched FFT per distinct span length."""
    S, O = lengths.shape[0], len(targets)
    n = np.minimum(lengths, _SEASON_SPAN)
    seasons, sources = np.zeros((S, O), np.int64), [[""] * O for _ in range(S)]
    for length in np.unique(n).tolist():
        group = np.flatnonzero(n == length)
        per_block = max(1, _BLOCK // (max(length, 1) * O))
        for b in range(0, group.shape[0], per_block):
            rows = group[b : b + per_block]
            X = values[(ends[rows] - length)[:, None] + np.arange(length)][:, :, targets]  # (g, n, O)
            m, why = _choose_seasons(X.transpose(0, 2, 1).reshape(-1, length), calendar)  # g*O rows
            seasons[rows] = m.reshape(-1, O)
            for k, s in enumerate(rows.tolist()):
                sources[s] = why[k * O : (k + 1) * O]
    return seasons, sources
