"""Fit with a held-out span, then refit on everything: what ``tsrnn fit`` does and
``Forecaster.fit(data, holdout=...)`` does alike, so both give the same model.

1. Each series' last ``holdout`` steps (a fraction of its steps, or a number of them) are held out;
   a copy of the estimator fits the steps before them (its own validation span picks the best
   epoch) and is scored on the held-out steps beside the baselines.
2. The estimator then fits *all* the steps, the held-out ones included, with the same settings and
   window, for the evaluated fit's best epoch count and no validation span, so the model it keeps
   has read the data up to its last timestamp and forecasts from there.

3. The conformal intervals (``forecast(steps, level=...)``) are calibrated on the forecasts of the
   evaluated copy from every origin of the held-out steps, which it never read: no fit more
   (:mod:`tsrnn.estimator.calibration`).

The data is read once (:func:`tsrnn.estimator.intake.read`); both fits, the scoring and the
calibration take that panel.  ``holdout=0`` skips step 1: one fit on all the data, then a copy
fitted on each series less its last validation span calibrates the intervals (one fit more); for a
panel (long data) step 2 follows that fit as it follows the evaluated one, so the model kept has
read every series' last steps (a single series keeps its one fit).
"""

from __future__ import annotations

import dataclasses
import numbers
import os
from pathlib import Path

import numpy as np

from ..base import checks
from ..base.errors import DataError
from ..data.panel import Panel
from . import calibration, fitting
from .fitted import Fitted, Holdout
from .intake import read

__all__ = ["check_holdout", "test_starts", "first_origin", "fit_with_holdout"]


def check_holdout(holdout: object) -> float | int:
    """A fraction in (0, 1) or a number of steps >= 0 (0: no held-out span; 0.0 too, a share of
    nothing and no step alike)."""
    if isinstance(holdout, bool) or not isinstance(holdout, numbers.Real):
        raise checks.invalid(
            "holdout", f"holdout must be a fraction in (0, 1) or a number of steps >= 0, got {holdout!r}"
        )
    if isinstance(holdout, numbers.Integral):
        return checks.positive_int("holdout", int(holdout), minimum=0)
    if holdout == 0:
        return 0
    return checks.real("holdout", float(holdout), 0.0, 1.0, low_open=True, high_open=True)


def test_starts(est, panel: Panel, holdout: float | int) -> np.ndarray:
    """Each series' first held-out position (S,); a series left without a step to fit or to test,
    or too short for the estimator's window, is refused by name before any work."""
    lengths = panel.lengths
    single = panel.ids[0] is None
    if isinstance(holdout, float):  # a single series holds out its last round(T * h) steps
        kept = lengths - np.round(lengths * holdout) if single else np.round(lengths * (1 - holdout))
        starts = kept.astype(np.int64)
    else:
        starts = lengths - holdout
    for bad, what in ((starts >= lengths, "to test"), (starts < 1, "to fit")):
        if bad.any():
            s = int(np.flatnonzero(bad)[0])
            name = "" if single else f"series {panel.ids[s]!r}: "
            raise DataError(f"{name}holdout={holdout} of {int(lengths[s])} steps leaves no step {what}")
    for n in np.unique(starts).tolist():  # one check per distinct length, naming the first series of it
        try:
            est.check_length(n)
        except DataError as err:
            uid = panel.ids[int(np.flatnonzero(starts == n)[0])]
            raise (err if single else DataError(f"series {uid!r}: {err}")) from None
    return starts


def first_origin(panel: Panel, starts: np.ndarray, holdout: float | int) -> int | float:
    """The first origin :meth:`Forecaster.evaluate` scores from: a single series' first held-out
    step; for a panel the share of each series before its held-out steps, or minus their number."""
    if panel.ids[0] is None:
        return int(starts[0])
    return 1 - holdout if isinstance(holdout, float) else -int(holdout)


def fit_with_holdout(est, data, holdout, progress=None, checkpoint_dir=None, resume: bool = False):
    """See :meth:`Forecaster.fit` with ``holdout``: evaluate on each series' last steps, then refit
    ``est`` on all of ``data`` for as many epochs, averaging the weights of the same epochs, as the
    evaluated fit's validation chose (its ``history_.averaged``; ``average_best``)."""
    holdout = check_holdout(holdout)
    panel = read(est, data)  # the one reading: the fits, the scoring and the calibration take it
    ckpt = None if checkpoint_dir is None else Path(os.fspath(checkpoint_dir))
    if holdout == 0:
        fitting.fit(est, panel, progress, checkpoint_dir, resume)
        conformal = calibration.by_copy(est, panel)
        kept = fitting.kept_model(est, panel, progress, ckpt, resume)  # a panel: refit on every step
        est.fitted_ = _calibrated(kept.fitted_, conformal)
        return est
    starts = test_starts(est, panel, holdout)
    evaluated = type(est)(**est.get_params())
    fitting.fit(evaluated, panel.take(stop=starts), progress, ckpt, fitting.resumable(resume, ckpt))
    metrics = evaluated.evaluate(panel, start=first_origin(panel, starts, holdout))
    refit = fitting.refit_all(est, evaluated, panel, progress, ckpt, resume)
    held = Holdout(evaluated, dict(zip(panel.ids, starts.tolist(), strict=True)), metrics, refit.epochs)
    conformal = calibration.calibrate(evaluated, panel, panel.lengths - starts)  # no fit more
    est.fitted_ = dataclasses.replace(_calibrated(refit.fitted_, conformal), holdout=held)
    return est


def _calibrated(fitted: Fitted, conformal) -> Fitted:
    """``fitted`` with the conformal calibration of its intervals, or why it has none."""
    why = None if conformal is not None else calibration.TOO_SHORT
    return dataclasses.replace(fitted, calibration=conformal, uncalibrated=why)
