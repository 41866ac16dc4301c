"""The honest baselines every model is measured against, fitted on the same training span.

For forecast origins ``t`` (the first forecast step) of a series ``s`` (T, F), each baseline gives
``(N, K, O)`` forecasts of the target columns for steps ``t .. t+K-1`` from the values before ``t``:

- ``naive``: the last value, ``s[t-1]``, for every step;
- ``seasonal_naive``: the value one season earlier, ``s[t + h - m * (h // m + 1)]``, with a season
  ``m`` per target (given, or found from the training span's autocorrelation by
  :mod:`tsrnn.evaluation.seasons`; naive where none);
- ``drift``: the last value plus the average change over the input window, ``h+1`` times;
- ``linear_ar``: a linear autoregression of every feature on the same input window (all features),
  fitted by least squares for one step and applied recursively for more.

:func:`fit_many` fits them on every series of a panel at once (:meth:`Baselines.fit` is it on a panel
of one) and :func:`forecast_many` applies them at every origin of every series at once.
"""

from __future__ import annotations

import numpy as np

from ..base.checks import invalid
from .seasons import panel_seasons

__all__ = [
    "BASELINES",
    "MAX_AR_INPUTS",
    "Baselines",
    "check_ar_size",
    "fit_many",
    "forecast_many",
    "from_columns",
    "to_columns",
]

BASELINES = ("naive", "seasonal_naive", "drift", "linear_ar")
_CHUNK = 4096  # origins per block when applying the autoregression; least windows per pass fitting it
_BLOCK = 1 << 17  # float64 numbers per block when fitting a panel (1 MiB: faster than larger blocks)
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

        raise DataError(
            f"a window of {window} steps x {n_features} features = {window * n_features} inputs per window, "
            f"beyond tsrnn's limit of {MAX_AR_INPUTS}: the linear-AR baseline fits "
            f"{1 + window * n_features} coefficients for each of the {n_features} features; use fewer "
            f"features or a shorter window"
        )


def _mase_scales(
    values: np.ndarray, ends: np.ndarray, lengths: np.ndarray, targets: list[int], seasons: np.ndarray
) -> np.ndarray:
    """MASE's scales (S, O): per series and target, the in-sample mean absolute error of the seasonal
    naive forecast (lag m, or 1 where none or the span is not longer than a season); 0 for a span
    of one step.  Differences in the values' precision, sums in float64 per series (bincount), over
    the panel's terms block by block."""
    S, O = seasons.shape
    scale = np.zeros((S, O))
    for j, col in enumerate(targets):
        m = np.where((seasons[:, j] > 0) & (lengths > seasons[:, j]), seasons[:, j], 1)
        terms = np.maximum(lengths - m, 0)  # (S,)
        offsets = np.cumsum(terms) - terms  # each series' first term
        for a in range(0, int(terms.sum()), _BLOCK):
            k = np.arange(a, min(a + _BLOCK, int(terms.sum())))
            codes = np.searchsorted(offsets, k, side="right") - 1  # the series of each term
            rows = (ends - lengths + m - offsets)[codes] + k
            diff = np.abs(values[rows, col] - values[rows - m[codes], col]).astype(np.float64)
            scale[:, j] += np.bincount(codes, weights=diff, minlength=S)
        scale[:, j] /= np.maximum(terms, 1)
    return scale


def _panel_ar(values: np.ndarray, ends: np.ndarray, lengths: np.ndarray, window: int) -> np.ndarray:
    """One-step least-squares autoregression coefficients (S, 1 + W*F, F) of every series on its latest
    2^18 windows (inputs ``[1, s[t-W:t] flattened]``, target ``s[t]``).  The normal equations are
    sums over each series' windows: series of like window counts are stacked (fewer windows padded
    with zero rows, which add nothing), batched matrix products accumulate them block by block, and
    one batched solve per block gives the coefficients (a tiny ridge keeps constant series solvable)."""
    S, F, W = lengths.shape[0], values.shape[1], window
    p = 1 + W * F
    first = (ends - lengths) + np.maximum(W, lengths - _AR_ORIGINS)  # each series' first origin row
    counts = np.maximum(ends - first, 0)
    coefs = np.zeros((S, p, F))  # no window: no coefficients
    if not counts.any():
        return coefs
    order = np.argsort(-counts, kind="stable")  # most windows first: a block pads to its first
    rows = np.lib.stride_tricks.sliding_window_view(
        values, W + 1, axis=0
    )  # (T_total-W, F, W+1): inputs, target
    m = F * (W + 1)  # a window's numbers, feature-major; then a 1 at position m
    q = np.arange(W * F)
    design = np.r_[m, (q % F) * (W + 1) + q // F]  # [1, input (w, f) in the coefficients' lag-major order]
    target = np.arange(F) * (W + 1) + W
    i = 0
    while i < S:
        most = int(counts[order[i]])
        step = max(1, min(most, max(_BLOCK // p, _CHUNK)))  # windows per series and pass: each pass adds
        # to the (F*(W+1) + 1)^2 products, so many inputs take at least _CHUNK windows at a time
        block = order[i : i + max(1, min(_BLOCK // (step * p), _BLOCK // (p * p)))]
        g = block.shape[0]
        products = np.zeros((g, m + 1, m + 1))  # sums of Z'Z over each series' windows
        for k in range(0, most, step):
            at = k + np.arange(min(step, most - k))
            use = at < counts[block][:, None]  # (g, n)
            origin = np.where(use, first[block][:, None] + at, W)  # (g, n) rows; W: any readable row
            Z = np.empty(origin.shape + (m + 1,))  # (g, n, F*(W+1) + 1), float64
            Z[..., :m] = rows[origin - W].reshape(origin.shape + (m,))
            Z[..., m] = 1.0
            Z *= use[..., None]  # padding windows: zero, they add nothing
            products += Z.transpose(0, 2, 1) @ Z
        gram = products[:, design][:, :, design]  # (g, p, p): [1, inputs]' [1, inputs]
        cross = products[:, design][:, :, target]  # (g, p, F): [1, inputs]' target
        ridge = 1e-8 * np.maximum(np.trace(gram, axis1=1, axis2=2) / p, 1.0)
        gram[:, np.arange(p), np.arange(p)] += ridge[:, None]
        coefs[block] = np.linalg.solve(gram, cross)
        i += g
    return coefs


def _fit_panel(
    values: np.ndarray, starts, lengths, window: int, targets: list[int], season, calendar: int | None
) -> tuple[list[list[int | None]], list[list[str]], np.ndarray, np.ndarray]:
    """Seasons and their sources (S lists of O), MASE scales (S, O) and autoregression coefficients
    (S, 1 + W*F, F) of the spans ``values[starts[s]:starts[s] + lengths[s]]``."""
    starts, lengths = np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    ends, O = starts + lengths, len(targets)
    if season is None:
        seasons, sources = panel_seasons(values, ends, lengths, targets, calendar)
    else:
        given = [season] * O if np.ndim(season) == 0 else list(season)
        if len(given) != O:
            raise invalid("season", f"season must be one integer or one per target ({O}), got {season!r}")
        row = [int(m) if m and int(m) > 1 else 0 for m in given]
        seasons = np.tile(np.array(row, dtype=np.int64), (lengths.shape[0], 1))
        sources = [["given"] * O for _ in range(lengths.shape[0])]
    for s, j in zip(*np.nonzero(seasons >= lengths[:, None]), strict=True):  # no step has a season back
        sources[s][j] = (
            f"the {sources[s][j]} season {seasons[s, j]} is not shorter than the {lengths[s]}-step span"
        )
        seasons[s, j] = 0
    scale = _mase_scales(values, ends, lengths, targets, seasons)
    ar = _panel_ar(values, ends, lengths, window)
    return [[m or None for m in row] for row in seasons.tolist()], sources, scale, ar


def fit_many(
    values: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    window: int,
    horizon: int,
    targets: list[int],
    season=None,
    calendar_season: int | None = None,
) -> list[Baselines]:
    """:meth:`Baselines.fit` of S series at once: the baselines of each training span
    ``values[starts[s]:starts[s] + lengths[s]]`` (``values`` (T_total, F), a panel's rows; ``starts``,
    ``lengths`` (S,)).  The seasons come from one batched FFT per distinct span length, the MASE
    scales from segment sums, the autoregressions from batched normal equations and solves; the
    result equals fitting each series alone (which is this function on a panel of one)."""
    values = np.asarray(values)  # float32 stays float32: sums accumulate in float64
    seasons, sources, scale, ar = _fit_panel(
        values, starts, lengths, window, targets, season, calendar_season
    )
    return _many(window, horizon, targets, season, calendar_season, seasons, sources, scale, ar)


def _many(
    window: int,
    horizon: int,
    targets: list[int],
    season,
    calendar_season: int | None,
    seasons: list,
    sources: list,
    scale: np.ndarray,
    ar: np.ndarray,
) -> list[Baselines]:
    """S fitted Baselines of the same settings from their states: seasons and sources (S lists of O),
    MASE scales (S, O), autoregression coefficients (S, 1 + W*F, F)."""
    fitted = []
    for s in range(len(seasons)):
        b = Baselines(window, horizon, targets, season, calendar_season)
        b.seasons_, b.season_sources_, b.scale_, b.ar_ = list(seasons[s]), list(sources[s]), scale[s], ar[s]
        fitted.append(b)
    return fitted


def to_columns(baselines: list[Baselines]) -> tuple[dict, np.ndarray]:
    """S Baselines fitted alike (one per series of a panel) as JSON columns and one array: the shared
    settings once; ``seasons``, ``season_sources`` and ``scale`` as lists of S (each a list of O);
    and the autoregression coefficients (S, 1 + W*F, F), float64."""
    b = baselines[0]
    columns = {
        "window": b.window,
        "horizon": b.horizon,
        "targets": b.targets,
        "season": b.season,
        "calendar_season": b.calendar_season,
        "seasons": [x.seasons_ for x in baselines],
        "season_sources": [x.season_sources_ for x in baselines],
        "scale": np.stack([x.scale_ for x in baselines]).tolist(),
    }
    return columns, np.stack([x.ar_ for x in baselines]).astype(np.float64, copy=False)


def from_columns(columns: dict, ar: np.ndarray) -> list[Baselines]:
    """The S Baselines that :func:`to_columns` wrote."""
    c = columns
    return _many(
        c["window"],
        c["horizon"],
        c["targets"],
        c["season"],
        c["calendar_season"],
        c["seasons"],
        c["season_sources"],
        np.asarray(c["scale"], dtype=np.float64),
        np.asarray(ar, dtype=np.float64),
    )


def forecast_many(
    baselines: list[Baselines], values: np.ndarray, origins: np.ndarray, owner: np.ndarray, horizon: int
) -> dict[str, np.ndarray]:
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
    coefs = (
        baselines[0].ar_ if len(baselines) == 1 else np.stack([b.ar_ for b in baselines])
    )  # (p, F) or (S, p, F)
    ar = (
        np.concatenate(
            [
                _ar_roll(
                    values,
                    origins[i : i + _CHUNK],
                    coefs if coefs.ndim == 2 else coefs[owner[i : i + _CHUNK]],
                    W,
                    targets,
                    K,
                )
                for i in range(0, origins.shape[0], _CHUNK)
            ]
        )
        if origins.shape[0]
        else np.zeros((0, K, len(targets)))
    )
    return {"naive": naive, "seasonal_naive": seasonal, "drift": drift, "linear_ar": ar}


def _ar_roll(
    values: np.ndarray, origins: np.ndarray, coefs: np.ndarray, W: int, targets: list[int], K: int
) -> np.ndarray:
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

    def __init__(
        self, window: int, horizon: int, targets: list[int], season=None, calendar_season: int | None = None
    ) -> None:
        self.window, self.horizon, self.targets = window, horizon, list(targets)
        self.season = season
        self.calendar_season = calendar_season
        self.seasons_: list[int | None] = []
        self.season_sources_: list[str] = []

    ar_: np.ndarray  # (1 + W*F, F) one-step least-squares coefficients, set by fit
    scale_: np.ndarray  # (O,) naive one-step in-sample MAE, for MASE, set by fit

    @property
    def context(self) -> int:
        """Steps every baseline needs before an origin: the window, and each season."""
        return max([self.window] + [m for m in self.seasons_ if m])

    def fit(self, values: np.ndarray) -> Baselines:
        """Fit on the training span ``values`` (T, F): :func:`fit_many` on a panel of one.  Long spans
        cost no more than their latest 2^17 steps (season) and 2^18 windows (autoregression)."""
        values = np.asarray(values)
        seasons, sources, scale, ar = _fit_panel(
            values, [0], [values.shape[0]], self.window, self.targets, self.season, self.calendar_season
        )
        self.seasons_, self.season_sources_, self.scale_, self.ar_ = seasons[0], sources[0], scale[0], ar[0]
        return self

    def forecast(
        self, values: np.ndarray, origins: np.ndarray, horizon: int | None = None
    ) -> dict[str, np.ndarray]:
        """Every baseline's (N, K, O) forecast for the given origins (each >= :attr:`context`);
        ``horizon`` defaults to the fitted one."""
        origins = np.asarray(origins, dtype=np.int64)
        return forecast_many(
            [self], values, origins, np.zeros(origins.shape[0], np.int64), horizon or self.horizon
        )

    def to_dict(self) -> dict:
        """JSON-able state, except the autoregression coefficients (saved as a tensor)."""
        return {
            "window": self.window,
            "horizon": self.horizon,
            "targets": self.targets,
            "season": self.season,
            "seasons": self.seasons_,
            "scale": self.scale_.tolist(),
            "calendar_season": self.calendar_season,
            "season_sources": self.season_sources_,
        }

    @classmethod
    def from_dict(cls, data: dict, ar: np.ndarray) -> Baselines:
        self = cls(
            data["window"], data["horizon"], data["targets"], data["season"], data.get("calendar_season")
        )
        self.seasons_ = list(data["seasons"])
        self.season_sources_ = list(data.get("season_sources", ["autocorrelation"] * len(self.seasons_)))
        self.scale_ = np.asarray(data["scale"], dtype=np.float64)
        self.ar_ = np.asarray(ar, dtype=np.float64)
        return self
