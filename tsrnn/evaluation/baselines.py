"""The honest baselines every model is measured against, fitted on the same training span.

For forecast origins ``t`` (the first forecast step) of a series ``s`` (T, F), each baseline gives
``(N, K, O)`` forecasts of the target columns for steps ``t .. t+K-1`` from the values before ``t``:

- ``naive``: the last value, ``s[t-1]``, for every step;
- ``seasonal_naive``: the value one season earlier, ``s[t + h - m * (h // m + 1)]``, with a season
  ``m`` per target (given, or found from the training span's autocorrelation; naive where none);
- ``drift``: the last value plus the average change over the input window, ``h+1`` times;
- ``linear_ar``: a linear autoregression of every feature on the same input window (all features),
  fitted by least squares for one step and applied recursively for more.
"""
from __future__ import annotations

import numpy as np

__all__ = ["BASELINES", "MAX_AR_INPUTS", "Baselines", "check_ar_size", "choose_season", "find_season", "forecast_many"]

BASELINES = ("naive", "seasonal_naive", "drift", "linear_ar")
_CHUNK = 4096  # windows per block when fitting or applying the autoregression
_SEASON_SPAN = 1 << 17  # latest steps searched for a season: enough for any season it can report
_AR_ORIGINS = 1 << 18  # latest windows the autoregression is fitted on: more changes nothing but time


MAX_AR_INPUTS = 10_000  # window x features: the autoregression's normal equations are (1 + W*F)^2 numbers


def check_ar_size(window: int, n_features: int) -> None:
    """Refuse a window and feature count whose linear autoregression would not fit in memory.

    The autoregression has ``1 + W*F`` coefficients per feature: its normal equations take
    ``(1 + W*F)^2`` float64 numbers (800 MB at the limit, 20 GB for 10,000 features and a window of 5,
    where LAPACK's 32-bit indices also overflow and crash the process).
    """
    if window * n_features > MAX_AR_INPUTS:
        from ..base.errors import DataError

        raise DataError(f"window={window} x {n_features} features = {window * n_features} inputs per window, "
                        f"beyond tsrnn's limit of {MAX_AR_INPUTS}: the linear-AR baseline fits "
                        f"{1 + window * n_features} coefficients for each of the {n_features} features; use fewer "
                        f"features (--features a,b,...) or a shorter --window")


def _detrended_acf(x: np.ndarray, max_lag: int | None = None) -> np.ndarray | None:
    """Autocorrelation of a 1-D series after removing a straight-line trend (lags 0..max_lag), or
    None for a constant or straight series."""
    x = np.asarray(x, dtype=np.float64)
    size = max(1.0, float(np.abs(x).max(initial=0.0)))
    n = x.shape[0]
    if n >= 3:
        t = np.arange(n)
        x = x - np.polyval(np.polyfit(t, x, 1), t)
    else:
        x = x - x.mean()
    max_lag = min(n // 2, max_lag or n // 2)
    if max_lag < 2 or np.abs(x).max(initial=0.0) <= 1e-9 * size:  # constant, or a straight line
        return None
    spectrum = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(spectrum * np.conj(spectrum))[: max_lag + 1]
    return acf / acf[0]


def find_season(x: np.ndarray, max_lag: int | None = None, min_corr: float = 0.3) -> int | None:
    """The dominant season of a 1-D series from its autocorrelation, or None.

    A straight-line trend is removed first (a trend would otherwise keep the autocorrelation
    positive at every lag).  The season is the lag of the highest autocorrelation peak after the
    first zero crossing, if that peak exceeds ``min_corr``.
    """
    acf = _detrended_acf(x, max_lag)
    if acf is None:
        return None
    max_lag = acf.shape[0] - 1
    below = np.nonzero(acf < 0)[0]
    if below.size == 0:
        return None
    lags = np.arange(below[0], max_lag)  # candidates after the first zero crossing
    peaks = lags[(acf[lags] >= acf[lags - 1]) & (acf[lags] >= acf[lags + 1])] if lags.size else lags
    if peaks.size == 0:
        return None
    best = int(peaks[np.argmax(acf[peaks])])
    return best if acf[best] >= min_corr else None


_STRONGER = 0.2  # autocorrelation by which a found season must beat the calendar's to replace it
_STRONG = 0.5  # ... and the least it must reach


def choose_season(x: np.ndarray, calendar: int | None) -> tuple[int | None, str]:
    """The season of a 1-D series and where it came from: the calendar's (``calendar``: 12 for
    months, 1 for years, ...), unless its autocorrelation finds a clearly stronger one; without a
    calendar, the autocorrelation's (:func:`find_season`)."""
    found = find_season(x[-_SEASON_SPAN:])
    if calendar is None:
        return found, "autocorrelation"
    if found is not None and found != calendar and (calendar == 1 or found % calendar != 0):
        acf = _detrended_acf(x[-_SEASON_SPAN:], max(found, calendar))
        at_calendar = acf[calendar] if calendar > 1 and acf is not None and calendar < acf.shape[0] else 0.0
        if acf is not None and acf[found] >= max(_STRONG, at_calendar + _STRONGER):
            return found, (f"autocorrelation {acf[found]:.2f}, stronger than {at_calendar:.2f} at the "
                           f"calendar's {calendar}")
    return (calendar if calendar > 1 else None), "calendar"


def _mase_scale(x: np.ndarray, m: int) -> float:
    """MASE's scale: the in-sample mean absolute error of the seasonal naive forecast (lag ``m``),
    or of the naive one where the span is shorter than a season."""
    m = m if x.shape[0] > m else 1
    return float(np.abs(x[m:] - x[:-m]).mean(dtype=np.float64)) if x.shape[0] > m else 0.0


def forecast_many(baselines: list["Baselines"], values: np.ndarray, origins: np.ndarray, owner: np.ndarray,
                  horizon: int) -> dict[str, np.ndarray]:
    """Every baseline's (N, K, O) forecast at ``origins`` (rows of ``values``, a panel's values),
    origin ``i`` by ``baselines[owner[i]]`` (one fitted per series, all with the same window and
    targets), for all origins at once: the seasonal lags and the autoregression's coefficients
    are gathered per origin."""
    first_b = baselines[0]
    values = np.asarray(values, dtype=np.float64)
    targets, W, K = first_b.targets, first_b.window, horizon
    h = np.arange(K)
    last = values[origins - 1][:, targets]  # (N, O)
    naive = np.repeat(last[:, None, :], K, axis=1)  # (N, K, O)
    seasonal = naive.copy()
    seasons = np.array([[m or 0 for m in b.seasons_] for b in baselines], dtype=np.int64)[owner]  # (N, O)
    for j, col in enumerate(targets):
        m = seasons[:, j]
        has = m > 0
        if has.any():
            mm = m[has][:, None]
            seasonal[has, :, j] = values[origins[has, None] + h - mm * (h // mm + 1), col]
    start = values[origins - W][:, targets]
    slope = (last - start) / max(W - 1, 1)  # (N, O)
    drift = last[:, None, :] + (h + 1)[None, :, None] * slope[:, None, :]
    coefs = baselines[0].ar_ if len(baselines) == 1 else np.stack([b.ar_ for b in baselines])  # (p, F) or (S, p, F)
    ar = np.concatenate([_ar_roll(values, origins[i:i + _CHUNK], coefs if coefs.ndim == 2 else coefs[owner[i:i + _CHUNK]],
                                  W, targets, K) for i in range(0, origins.shape[0], _CHUNK)]) if origins.shape[0] else \
        np.zeros((0, K, len(targets)))
    return {"naive": naive, "seasonal_naive": seasonal, "drift": drift, "linear_ar": ar}


def _ar_roll(values: np.ndarray, origins: np.ndarray, coefs: np.ndarray, W: int, targets: list[int],
             K: int) -> np.ndarray:
    """Recursive autoregression forecasts (n, K, O) with coefficients (p, F), or (n, p, F) one set per
    origin: each step's forecast joins the window."""
    window = values[origins[:, None] + np.arange(-W, 0)]  # (n, W, F)
    steps = []
    for _ in range(K):
        design = np.concatenate([np.ones((window.shape[0], 1)), window.reshape(window.shape[0], -1)], axis=1)
        nxt = design @ coefs if coefs.ndim == 2 else np.einsum("np,npf->nf", design, coefs)  # (n, F)
        steps.append(nxt[:, targets])
        window = np.concatenate([window[:, 1:], nxt[:, None, :]], axis=1)
    return np.stack(steps, axis=1)


class Baselines:
    """Baselines fitted on a training span; apply them to any series with :meth:`forecast`.

    Parameters
    ----------
    window, horizon : int
        W and K, as the model's.
    targets : list of int
        Positions of the O target columns.
    season : int, sequence of int, or None
        Season per target for the seasonal naive forecast and the MASE scale; None takes the
        calendar's season, or finds it from the data in :meth:`fit` (see :func:`choose_season`).
    calendar_season : int, optional
        The usual season of the data's frequency (12 for months, 1 for years: none).
    """

    def __init__(self, window: int, horizon: int, targets: list[int], season=None,
                 calendar_season: int | None = None) -> None:
        self.window, self.horizon, self.targets = window, horizon, list(targets)
        self.season = season
        self.calendar_season = calendar_season
        self.seasons_: list[int | None] = []
        self.season_sources_: list[str] = []
        self.ar_: np.ndarray | None = None  # (1 + W*F, F) one-step least-squares coefficients
        self.scale_: np.ndarray | None = None  # (O,) naive one-step in-sample MAE, for MASE

    @property
    def context(self) -> int:
        """Steps every baseline needs before an origin: the window, and each season."""
        return max([self.window] + [m for m in self.seasons_ if m])

    def fit(self, values: np.ndarray) -> "Baselines":
        """Fit on the training span ``values`` (T, F); long spans cost no more than their latest
        2^17 steps (season) and 2^18 windows (autoregression)."""
        values = np.asarray(values)  # float32 stays float32: sums below accumulate in float64
        O = len(self.targets)
        if self.season is None:
            chosen = [choose_season(values[:, j], self.calendar_season) for j in self.targets]
            self.seasons_ = [m for m, _ in chosen]
            self.season_sources_ = [source for _, source in chosen]
        else:
            seasons = [self.season] * O if np.isscalar(self.season) else list(self.season)
            if len(seasons) != O:
                raise ValueError(f"season must be one integer or one per target ({O}), got {self.season!r}")
            self.seasons_ = [int(m) if m and int(m) > 1 else None for m in seasons]
            self.season_sources_ = ["given"] * O
        self.scale_ = np.array([_mase_scale(values[:, j], m or 1) for j, m in zip(self.targets, self.seasons_)])
        self.ar_ = self._fit_ar(values)
        return self

    def _design(self, values: np.ndarray, origins: np.ndarray) -> np.ndarray:
        """``[1, s[t-W:t] flattened]`` for each origin: (n, 1 + W*F)."""
        offsets = np.arange(-self.window, 0)
        lagged = values[origins[:, None] + offsets].astype(np.float64)  # (n, W, F)
        return np.concatenate([np.ones((origins.shape[0], 1)), lagged.reshape(origins.shape[0], -1)], axis=1)

    def _fit_ar(self, values: np.ndarray) -> np.ndarray:
        first = max(self.window, values.shape[0] - _AR_ORIGINS)
        p = 1 + self.window * values.shape[1]
        gram, cross = np.zeros((p, p)), np.zeros((p, values.shape[1]))
        for i in range(first, values.shape[0], _CHUNK):  # normal equations, one block at a time
            o = np.arange(i, min(i + _CHUNK, values.shape[0]))
            A = self._design(values, o)
            gram += A.T @ A
            cross += A.T @ values[o]
        ridge = 1e-8 * max(np.trace(gram) / p, 1.0)
        return np.linalg.solve(gram + ridge * np.eye(p), cross)

    def forecast(self, values: np.ndarray, origins: np.ndarray, horizon: int | None = None) -> dict[str, np.ndarray]:
        """Every baseline's (N, K, O) forecast for the given origins (each >= :attr:`context`);
        ``horizon`` defaults to the fitted one."""
        origins = np.asarray(origins, dtype=np.int64)
        return forecast_many([self], values, origins, np.zeros(origins.shape[0], np.int64), horizon or self.horizon)

    def to_dict(self) -> dict:
        """JSON-able state, except the autoregression coefficients (saved as a tensor)."""
        return {"window": self.window, "horizon": self.horizon, "targets": self.targets,
                "season": self.season, "seasons": self.seasons_, "scale": self.scale_.tolist(),
                "calendar_season": self.calendar_season, "season_sources": self.season_sources_}

    @classmethod
    def from_dict(cls, data: dict, ar: np.ndarray) -> "Baselines":
        self = cls(data["window"], data["horizon"], data["targets"], data["season"], data.get("calendar_season"))
        self.seasons_ = list(data["seasons"])
        self.season_sources_ = list(data.get("season_sources", ["autocorrelation"] * len(self.seasons_)))
        self.scale_ = np.asarray(data["scale"], dtype=np.float64)
        self.ar_ = np.asarray(ar, dtype=np.float64)
        return self
