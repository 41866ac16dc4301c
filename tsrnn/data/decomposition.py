"""The classical decomposition's arithmetic over a panel's rows, every series of a block at once: the
90% autocorrelation test at lag m, the centred moving average's detrended values, indices normalised
over the season, the seasonal strength, variances per series, and blocks of whole series that keep
the temporaries bounded.  Rows are sorted by series: ``codes`` (T,) gives each row's series and
``within`` (T,) its step within the series."""

from __future__ import annotations

import numpy as np

__all__ = ["CRITICAL", "autocorrelation_test", "detrend", "centre", "variance", "explains", "blocks"]

CRITICAL = 1.645  # the one-sided 95% (two-sided 90%) normal quantile of the M4 benchmarks' test
_BLOCK_ROWS = 1 << 19  # panel rows per block of series when fitting indices (about 50 MiB of temporaries)


def autocorrelation_test(
    x: np.ndarray, codes: np.ndarray, within: np.ndarray, use: np.ndarray, m: int, n_series: int
) -> np.ndarray:
    """(S,) whether each series' span (``use``: its first rows, rows sorted by series) passes the 90%
    autocorrelation test at lag ``m``.  The demeaned spans are laid end to end with ``m`` zeros
    after each, so a product of steps k <= m apart never pairs two series; each lag is then one
    product over the whole panel and one sum per series."""
    picked = codes[use]
    n = np.bincount(picked, minlength=n_series)
    mean = np.bincount(picked, weights=x[use], minlength=n_series) / np.maximum(n, 1)
    seg = np.concatenate([[0], np.cumsum(n + m)[:-1]])  # where each series' span starts, gaps included
    d = np.zeros(int((n + m).sum()))
    d[seg[picked] + within[use]] = x[use] - mean[picked]
    r = np.stack(
        [
            np.add.reduceat(d[: d.shape[0] - k] * d[k:], seg) if k else np.add.reduceat(d * d, seg)
            for k in range(m + 1)
        ]
    )  # (m + 1, S); every segment holds its m zeros, so none is empty
    with np.errstate(all="ignore"):
        r = r[1:] / r[0]
        bound = CRITICAL * np.sqrt((1 + 2 * (r[:-1] ** 2).sum(axis=0)) / n)
        return (n > m) & np.isfinite(r[-1]) & (np.abs(r[-1]) > bound)


def centre(idx: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """Indices ``idx`` (S, ..., m) normalised over the season (the last axis): to mean 1 where
    ``ratio`` (S,) (multiplicative), to mean 0 elsewhere (additive)."""
    with np.errstate(all="ignore"):
        mean = idx.mean(axis=-1, keepdims=True)
        return np.where(ratio.reshape((-1,) + (1,) * (idx.ndim - 1)), idx / mean, idx - mean)


def variance(v: np.ndarray, s: np.ndarray, n_series: int) -> np.ndarray:
    """(S,) the variance of the values ``v`` of each series (``s``: each value's series)."""
    with np.errstate(all="ignore"):
        n = np.bincount(s, minlength=n_series)
        mean = np.bincount(s, weights=v, minlength=n_series) / n
        return np.bincount(s, weights=(v - mean[s]) ** 2, minlength=n_series) / n


def explains(
    detrended: np.ndarray,
    s: np.ndarray,
    key: np.ndarray,
    centred: np.ndarray,
    ratio: np.ndarray,
    n_series: int,
) -> np.ndarray:
    """(S,) whether each series' indices ``centred`` (S, m) explain some of its detrended values'
    variance: the remainder (``detrended / index``, or ``- index``) varies less than the detrended
    values, over the whole span (Wang, Smith and Hyndman's seasonal strength above 0)."""
    at = centred.reshape(-1)[key]
    with np.errstate(all="ignore"):
        rest = np.where(ratio[s], detrended / at, detrended - at)
    return variance(rest, s, n_series) < variance(detrended, s, n_series)


def blocks(codes: np.ndarray, n_series: int):
    """Blocks of whole series of about :data:`_BLOCK_ROWS` rows (rows sorted by series), so that
    temporaries stay bounded: ``(first, last, rows)``, series ``first:last`` on the rows ``rows``."""
    starts = np.searchsorted(codes, np.arange(n_series + 1))
    first = 0
    while first < n_series:
        last = max(first + 1, int(np.searchsorted(starts, starts[first] + _BLOCK_ROWS, side="right")) - 1)
        last = min(last, n_series)
        yield first, last, slice(int(starts[first]), int(starts[last]))
        first = last


def detrend(
    x: np.ndarray, codes: np.ndarray, within: np.ndarray, train_end: np.ndarray, m: int, n_series: int
):
    """The centred moving average's detrended training values of one column ``x`` of a block: the rows
    ``r`` whose trend window lies in their series' training span, their series ``s``, the values
    (``x / trend`` where ``ratio[s]``: every training value of the series positive, else ``x - trend``)
    and ``ratio`` (S,)."""
    half = m // 2
    use = within < train_end[codes]
    lowest = np.full(n_series, np.inf)
    np.fmin.at(lowest, codes[use], x[use])  # a missing value is not the lowest
    ratio = lowest > 0  # every training value positive: multiplicative
    r = np.flatnonzero(use & (within >= half) & (within + half < train_end[codes]))
    missing = np.isnan(x)
    c = np.concatenate(
        [[0.0], np.cumsum(np.where(missing, 0.0, x))]
    )  # a missing value spoils its own windows only
    gaps = np.concatenate([[0], np.cumsum(missing)])
    total = c[r + half + 1] - c[r - half]
    if m % 2 == 0:  # 2 x m moving average: half weight at both ends
        total = total - 0.5 * (x[r - half] + x[r + half])
    trend = np.where(gaps[r + half + 1] > gaps[r - half], np.nan, total / m)
    s = codes[r]
    with np.errstate(all="ignore"):
        detrended = np.where(ratio[s], x[r] / trend, x[r] - trend)
    return r, s, detrended, ratio
