"""Index specs: how a series' time labels continue (integer steps, or dates at a frequency written in
a form, inside sessions), as JSON a model file keeps, and the labels of the steps ahead."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["index_spec", "future_index", "future_labels"]


def _inferred_freq(index: pd.DatetimeIndex) -> str | None:
    """The frequency string of a date index (a calendar, tolerating gaps), or for an irregular one
    (accepted by the user) its most common step; None if it has neither."""
    import pandas as pd

    from .calendar import infer_freq

    offset = infer_freq(index)
    if offset is not None:
        return offset.freqstr
    step = index.to_series().diff().iloc[1:].mode()
    if step.empty or step.iloc[0] <= pd.Timedelta(0):
        return None
    return pd.tseries.frequencies.to_offset(step.iloc[0]).freqstr


def index_spec(
    index: pd.Index | range, freq: str | None = None, form: str | None = None, session=None
) -> dict:
    """A JSON-able description of how ``index`` continues: integer steps, or dates at a frequency
    (``freq``, else the index's own or inferred one) written in ``form``, inside ``session``
    (:class:`~tsrnn.data.sessions.Session`; its ``text``) when the steps lie in sessions."""
    if isinstance(index, range):
        ok = len(index) > 0 and index.step > 0
        return {
            "kind": "integer",
            "last": index[-1] if ok else len(index) - 1,
            "step": index.step if ok else 1,
            "name": None,
        }
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex) and len(index) > 0:
        freq = freq or (index.freqstr if index.freq is not None else _inferred_freq(index))
        if freq is not None:
            spec = {"kind": "datetime", "last": index[-1].isoformat(), "freq": freq, "name": index.name}
            spec["form"] = form
            if session is not None:
                spec["session"] = session.text
            return spec
    if pd.api.types.is_integer_dtype(index) and len(index) > 0:
        steps = np.diff(np.asarray(index, dtype=np.int64))
        uniq, counts = np.unique(steps, return_counts=True)
        step = int(uniq[np.argmax(counts)]) if len(steps) and (steps > 0).all() else 1
        return {"kind": "integer", "last": int(index[-1]), "step": step, "name": index.name}
    return {"kind": "integer", "last": len(index) - 1, "step": 1, "name": None}


def future_index(spec: dict, steps: int) -> pd.Index:
    """The ``steps`` index labels that follow an index described by :func:`index_spec`."""
    import pandas as pd

    if spec["kind"] == "datetime" and spec.get("session"):
        return _session_labels([spec], steps)
    if spec["kind"] == "datetime":
        dates = pd.date_range(pd.Timestamp(spec["last"]), periods=steps + 1, freq=spec["freq"])[1:]
        return dates.rename(spec.get("name"))
    start = spec["last"] + spec["step"]
    return pd.RangeIndex(start, start + steps * spec["step"], spec["step"], name=spec.get("name"))


def _session_labels(specs: list[dict], steps: int) -> pd.Index:
    """The ``steps`` steps of the sessions after each spec's last label, series after series."""
    import pandas as pd

    from .sessions import Session

    session = Session.from_text(specs[0]["session"])
    last = pd.DatetimeIndex([pd.Timestamp(sp["last"]) for sp in specs])
    ahead = session.positions(last)[0][:, None] + np.arange(1, steps + 1)
    return session.labels(ahead.ravel(), last.tz, specs[0].get("name"))


def future_labels(specs: list[dict], steps: int) -> pd.Index:
    """The ``steps`` labels after each of several indexes (described by :func:`index_spec`), series
    after series: one vectorised pass when they share a kind and a frequency."""
    import pandas as pd
    from pandas.tseries.frequencies import to_offset

    kinds = {(sp["kind"], sp.get("freq"), sp.get("step"), sp.get("session")) for sp in specs}
    ahead = np.arange(1, steps + 1)
    if len(kinds) == 1 and specs[0].get("session"):
        return _session_labels(specs, steps)
    if len(kinds) == 1 and specs[0]["kind"] == "integer":
        last = np.array([sp["last"] for sp in specs], dtype=np.int64)
        return pd.Index((last[:, None] + specs[0]["step"] * ahead).ravel())
    if len(kinds) == 1:
        from .calendar import Grid

        last = pd.DatetimeIndex([sp["last"] for sp in specs])
        grid = Grid.dates(last.min(), last.max(), to_offset(specs[0]["freq"]))  # labels() extends it ahead
        return grid.labels((grid.positions(last, strict=False)[:, None] + ahead).ravel())
    return pd.Index(np.concatenate([future_index(sp, steps).to_numpy() for sp in specs]))
