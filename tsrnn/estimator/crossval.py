"""Cross-validation out of sample: windows of ``h`` steps at the end of every series, each forecast
by a copy of the estimator fitted only on the steps before its cutoff, returned as the long frame
``unique_id, ds, cutoff, y, tsrnn`` and a column per baseline.

The copies come from the refit backtests (:func:`tsrnn.estimator.origins.rolling`): one global
fit per refit time on every series' steps before it (``Panel.take``), each forecasting its windows
of every series in one batched pass; the baselines are the copies' own, so nothing in a row reads
``y`` at or after its cutoff.  The frame is scored by :func:`tsrnn.evaluation.cv_scores.cv_metrics`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..base import checks
from ..base.errors import DataError
from ..data.panel import Panel
from ..data.precision import round_to
from ..evaluation.baselines import BASELINES
from .inference import FORECAST_COLUMN
from .intake import fit_panel
from .origins import rolling

if TYPE_CHECKING:
    import pandas as pd

    from ..evaluation.backtest import BacktestResult

__all__ = ["cross_validation", "cutoff_positions"]


def cutoff_positions(lengths: np.ndarray, h: int, n_windows: int, step: int) -> np.ndarray:
    """(S, n_windows) each series' window origins (the first step forecast), the last window
    ending with the series, the others ``step`` steps apart before it."""
    return np.asarray(lengths, np.int64)[:, None] - h - step * np.arange(n_windows - 1, -1, -1)


def cross_validation(
    est, data, h: int, n_windows: int = 1, step: int | None = None, refit: bool | int = True
) -> pd.DataFrame:
    """See :meth:`Forecaster.cross_validation`."""
    h = checks.positive_int("h", h)
    n_windows = checks.positive_int("n_windows", n_windows)
    step = h if step is None else checks.positive_int("step", step)
    if not isinstance(refit, bool):
        refit = checks.positive_int("refit", refit)
    template = type(est)(**est.get_params())  # reads the data as fit would; ``est`` is left as it is
    panel, _, (reading, _report) = fit_panel(template, data)
    long = panel.ids[0] is not None
    origins = cutoff_positions(panel.lengths, h, n_windows, step)
    short = origins[:, 0] < 1
    if short.any():
        s = int(np.flatnonzero(short)[0])
        who = "the series" if not long else f"series {panel.ids[s]!r}"
        raise DataError(
            f"{who} has {int(panel.lengths[s])} steps: n_windows={n_windows} window(s) of h={h} steps, "
            f"step={step} apart, leave no step before the first cutoff; ask for fewer windows, a "
            f"smaller step or h"
        )
    local, owner = origins.ravel(), np.repeat(np.arange(panel.n_series), n_windows)
    every = 1 if refit is True else local.size + 1 if refit is False else int(refit)  # False: one fit
    result = rolling(template, panel, local, owner, h, every, est.window, long, reading)
    forecasts = {FORECAST_COLUMN: result.forecasts["model"], **{b: result.forecasts[b] for b in BASELINES}}
    return _long_frame(panel, local, owner, n_windows, result, forecasts)


def _labels(panel: Panel, owner: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The time labels of steps ``positions`` (within each series ``owner``), as an array."""
    if panel.last is None:  # a single series' own labels
        return panel.labels(0)[positions].to_numpy()
    at = (panel.last - panel.lengths + 1)[owner] + positions
    return at if panel.grid is None else panel.grid.labels(at).to_numpy()


def _long_frame(
    panel: Panel,
    local: np.ndarray,
    owner: np.ndarray,
    n_windows: int,
    result: BacktestResult,
    forecasts: dict[str, np.ndarray],
) -> pd.DataFrame:
    """``unique_id, ds, cutoff, y`` and a column per forecast (each (N, K, O), N = S * n_windows
    windows series after series) from the windows' ``result``: one row per series, target, window
    and step, in that order, in the data's precision (``result.places``: each series' decimals
    before its first cutoff); MASE scales of each series' first window in ``attrs``."""
    import pandas as pd

    actual, targets, mase_scale = result.actual, result.targets, result.mase_scale
    N, K, O = actual.shape
    S = N // n_windows
    assert result.places is not None  # rolling() reads them
    places = result.places.reshape(S, n_windows, 1, O)

    def rows(a: np.ndarray) -> np.ndarray:  # (N, K, O) -> (S, O, windows, K), flat
        a = a.reshape(S, n_windows, K, O)
        return np.moveaxis(round_to(a, places), 3, 1).reshape(-1)

    steps = local[:, None] + np.arange(K)  # (N, K)
    ds = _labels(panel, np.repeat(owner, K), steps.ravel()).reshape(S, 1, n_windows * K)
    cutoff = np.repeat(_labels(panel, owner, local - 1), K).reshape(S, 1, n_windows * K)
    names = _ids(panel, targets)  # (S * O,) series after series
    columns = {
        "unique_id": np.repeat(np.asarray(names, dtype=object), n_windows * K),
        "ds": np.broadcast_to(ds, (S, O, n_windows * K)).reshape(-1),
        "cutoff": np.broadcast_to(cutoff, (S, O, n_windows * K)).reshape(-1),
        "y": rows(actual),
    }
    columns.update({name: rows(f) for name, f in forecasts.items()})
    frame = pd.DataFrame(columns)
    frame.attrs["tsrnn.form"] = panel.form  # how the dates are written to CSV
    first = mase_scale[::n_windows, 0, :].reshape(-1)  # (S * O,): each series' first window's
    frame.attrs["tsrnn.mase_scale"] = {uid: float(v) for uid, v in zip(names, first.tolist(), strict=True)}
    return frame


def _ids(panel: Panel, targets: list[str]) -> list:
    """The ``unique_id`` of each (series, target) pair, as :meth:`Forecaster.forecast` names them:
    a wide series' targets by their column names, long data's series by their ids (``id/target``
    with several targets)."""
    if panel.ids[0] is None:
        return [str(t) for t in targets]
    if len(targets) == 1:
        return list(panel.ids)
    return [f"{uid}/{t}" for uid in panel.ids for t in targets]
