"""Fit with a held-out span, then refit on everything: what ``tsrnn fit`` does and
``Forecaster.fit(data, holdout=...)`` does alike, so both give the same model.

1. Each series' last ``holdout`` steps (a fraction of its steps, or a number of them) are held out;
   a copy of the estimator fits the steps before them (its own validation span picks the best
   epoch) and is scored on the held-out steps beside the baselines.
2. The estimator then fits *all* the steps, the held-out ones included, with the same settings and
   window, for the evaluated fit's best epoch count and no validation span, so the model it keeps
   has read the data up to its last timestamp and forecasts from there.

``holdout=0`` skips step 1: one fit on all the data, as ``Forecaster.fit`` always did.
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass
from pathlib import Path

from ..base import checks
from ..base.errors import DataError
from ..data.series import as_series
from . import fitting

__all__ = ["Holdout", "check_holdout", "clean_parts", "test_starts", "split", "fit_with_holdout"]

REFIT_CHECKPOINT = "refit"  # the refit's per-epoch state, inside the evaluated fit's checkpoint directory
STATE_FILE = "training.json"  # train.loop.STATE_CONFIG: a checkpoint directory holds a complete epoch


@dataclass
class Holdout:
    """What the held-out evaluation found (``Forecaster.holdout_``).

    model   : the Forecaster fitted on the steps before the held-out ones (the one evaluated)
    starts  : {unique_id (None for one series): position of its first held-out step}
    metrics : :meth:`Forecaster.evaluate` of ``model`` on the held-out steps
    epochs  : the refit's epochs (the evaluated fit's best epoch, or all its epochs without validation)
    """

    model: object
    starts: dict
    metrics: dict
    epochs: int


def check_holdout(holdout) -> float | int:
    """A fraction in (0, 1) or a number of steps >= 0 (0: no held-out span)."""
    if isinstance(holdout, bool) or not isinstance(holdout, numbers.Real):
        raise TypeError(f"holdout must be a fraction in (0, 1) or a number of steps >= 0, got {holdout!r}")
    if isinstance(holdout, numbers.Integral):
        return checks.positive_int("holdout", int(holdout), minimum=0)
    return checks.real("holdout", float(holdout), 0.0, 1.0, low_open=True, high_open=True)


def clean_parts(est, data) -> tuple[dict, dict]:
    """The data as clean wide frames: {None: frame} for one series, {unique_id: frame} for long data,
    and each one's data report."""
    import pandas as pd

    from ..data.frames import is_long, prepare_wide, split_long

    if is_long(data):
        return split_long(data, est.features, est.fill, est.irregular, est.freq)
    if checks.is_pandas(data, "Series"):
        data = data.to_frame(name="y" if data.name is None else str(data.name))
    if checks.is_pandas(data, "DataFrame"):
        clean, report = prepare_wide(data, est.time_col, est.features, est.fill, est.irregular, est.freq)
        return {None: clean}, {None: report}
    s = as_series(data)
    return {None: pd.DataFrame(s.values, index=s.index, columns=s.columns)}, {None: {}}


def test_starts(est, parts: dict, holdout) -> dict:
    """Each series' first held-out position; short series are refused by name before any work."""
    starts = {}
    for uid, part in parts.items():
        T = len(part)
        if isinstance(holdout, float):
            starts[uid] = T - int(round(T * holdout)) if uid is None else int(round(T * (1 - holdout)))
        else:
            starts[uid] = T - holdout
        name = "" if uid is None else f"series {uid!r}: "
        if starts[uid] >= T:
            raise DataError(f"{name}holdout={holdout} of {T} steps leaves no step to test")
        if starts[uid] < 1:
            raise DataError(f"{name}holdout={holdout} of {T} steps leaves no step to fit")
        try:
            est.check_length(starts[uid])
        except DataError as err:
            raise (err if uid is None else DataError(f"{name}{err}")) from None
    return starts


def split(parts: dict, starts: dict, holdout):
    """(the steps before the held-out ones, the data to evaluate on, the first origin to score)."""
    import pandas as pd

    from ..data.frames import LONG_ID, LONG_TIME

    if None in parts:
        frame, start = parts[None], starts[None]
        return frame.iloc[:start], frame, start
    before = pd.concat(
        [
            p.iloc[: starts[u]].rename_axis(LONG_TIME).reset_index().assign(**{LONG_ID: u})
            for u, p in parts.items()
        ],
        ignore_index=True,
    )
    whole = pd.concat(
        [p.rename_axis(LONG_TIME).reset_index().assign(**{LONG_ID: u}) for u, p in parts.items()],
        ignore_index=True,
    )
    return before, whole, (1 - holdout if isinstance(holdout, float) else -holdout)


def _resumable(resume: bool, directory: Path | None) -> bool:
    return resume and directory is not None and (directory / STATE_FILE).is_file()


def fit_with_holdout(est, data, holdout, progress=None, checkpoint_dir=None, resume: bool = False):
    """See :meth:`Forecaster.fit` with ``holdout``: evaluate on each series' last steps, then refit
    ``est`` on all of ``data`` for the evaluated fit's best epoch count."""
    holdout = check_holdout(holdout)
    if holdout == 0:
        return fitting.fit(est, data, progress, checkpoint_dir, resume)
    parts, _ = clean_parts(est, data)
    starts = test_starts(est, parts, holdout)
    before, whole, start = split(parts, starts, holdout)
    ckpt = None if checkpoint_dir is None else Path(os.fspath(checkpoint_dir))
    evaluated = type(est)(**est.get_params())
    fitting.fit(evaluated, before, progress, ckpt, _resumable(resume, ckpt))
    metrics = evaluated.evaluate(whole, start=start)
    history = evaluated.history_
    epochs = history.best_epoch or len(history.records)
    refit = type(est)(**est.get_params()).set_params(
        epochs=epochs, val_fraction=0.0, window=evaluated.window_
    )
    again = None if ckpt is None else ckpt / REFIT_CHECKPOINT
    fitting.fit(refit, data, progress, again, _resumable(resume, again))
    est.__dict__.update({k: v for k, v in vars(refit).items() if k.endswith("_") and not k.startswith("_")})
    est.holdout_ = Holdout(evaluated, starts, metrics, epochs)
    return est
