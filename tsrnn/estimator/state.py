"""What a fitted model keeps per series, as arrays over the series of a panel.

:func:`prepare_panel` splits every series of a :class:`~tsrnn.data.panel.Panel` into its training and
validation spans, fits the scaling statistics of all series at once, scales the whole panel in one
broadcast, indexes the training and validation windows, and fits the baselines of all series at once.  The
result's :class:`PanelState` holds, for S series: the scaling statistics (S, F), the last window
of each series (S, W, F), the baselines, and where each series' time labels continue.  It reads
like a mapping from a series id to that series' state (``scaler_``, ``context_``,
``index_spec_``, ``baselines_``), which is what :meth:`Forecaster.series_model` views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..base.errors import DataError
from ..data.index_specs import index_spec
from ..data.known import lead_columns
from ..data.panel import Panel, panel_windows
from ..data.scaler import Scaler
from ..data.seasonal_drift import fit_drifting
from ..data.seasonal_indices import Seasonality, first_steps
from ..evaluation.baselines import Baselines, fit_many

__all__ = ["PanelState", "PreparedPanel", "prepare_panel", "panel_stats", "continuation_specs"]


def panel_stats(
    values: np.ndarray, codes: np.ndarray, use: np.ndarray, n_series: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (S, F), float32, of each series' rows where ``use`` is true
    (``codes``: each row's series), for every series at once: float64 sums in two passes (the mean,
    then the squared deviations from it); a constant column gets scale 1."""
    picked, x = codes[use], values[use]
    n = np.bincount(picked, minlength=n_series).astype(np.float64)[:, None]
    columns = range(values.shape[1])
    mean = np.stack([np.bincount(picked, weights=x[:, f], minlength=n_series) for f in columns], axis=1) / n
    dev = x - mean[picked]
    var = (
        np.stack([np.bincount(picked, weights=dev[:, f] ** 2, minlength=n_series) for f in columns], axis=1)
        / n
    )
    std = np.sqrt(var)
    return mean.astype(np.float32), np.where(std > 1e-12, std, 1.0).astype(np.float32)


class PanelState(Mapping[str | None, dict[str, Any]]):
    """Per-series state of a model fitted on several series, as arrays over the S series."""

    def __init__(
        self,
        ids: list[str | None],
        mean: np.ndarray | None,
        scale: np.ndarray | None,
        context: np.ndarray,
        baselines: list[Baselines],
        specs: list[dict],
        seasonality: Seasonality | None = None,
        last_step: np.ndarray | None = None,
    ) -> None:
        self.ids, self.mean, self.scale, self.context = list(ids), mean, scale, context
        self.baselines, self.specs = baselines, specs
        n, n_targets = len(self.ids), len(baselines[0].targets) if baselines else 1
        self.seasonality = Seasonality.none(n, n_targets) if seasonality is None else seasonality
        # (S,) calendar step number of each series' last step (tsrnn.data.calendar.step_numbers)
        self.last_step = np.zeros(n, np.int64) if last_step is None else np.asarray(last_step, dtype=np.int64)
        self._positions = {uid: i for i, uid in enumerate(self.ids)}

    def position(self, uid: str | None) -> int:
        if uid not in self._positions:
            shown = self.ids[:10] + (["..."] if len(self.ids) > 10 else [])
            raise DataError(f"unknown series {uid!r}; the model was fitted on {shown}")
        return self._positions[uid]

    def __getitem__(self, uid: str | None) -> dict[str, Any]:
        i = self.position(uid)
        scaler = None if self.mean is None or self.scale is None else Scaler(self.mean[i], self.scale[i])
        return {
            "scaler_": scaler,
            "context_": self.context[i],
            "index_spec_": self.specs[i],
            "baselines_": self.baselines[i],
        }

    def __iter__(self) -> Iterator[str | None]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, uid) -> bool:
        return uid in self._positions

    def take(self, i: int) -> PanelState:
        """The state of the series at position ``i`` alone, as a panel state of one."""
        pick = slice(i, i + 1)
        return PanelState(
            self.ids[pick],
            None if self.mean is None else self.mean[pick],
            None if self.scale is None else self.scale[pick],
            self.context[pick],
            self.baselines[pick],
            self.specs[pick],
            self.seasonality.take([i]),
            self.last_step[pick],
        )

    @classmethod
    def from_members(cls, members: Mapping[str | None, dict[str, Any]]) -> PanelState:
        """Stack per-series states (``scaler_``, ``context_``, ``index_spec_``, ``baselines_``)."""
        ids = list(members)
        scaled = members[ids[0]]["scaler_"] is not None
        mean = np.stack([members[u]["scaler_"].mean_ for u in ids]) if scaled else None
        scale = np.stack([members[u]["scaler_"].scale_ for u in ids]) if scaled else None
        return cls(
            ids,
            mean,
            scale,
            np.stack([members[u]["context_"] for u in ids]),
            [members[u]["baselines_"] for u in ids],
            [members[u]["index_spec_"] for u in ids],
        )

    def scale_rows(self, x: np.ndarray, rows: np.ndarray, columns=None) -> np.ndarray:
        """``x`` (N, ..., F) of series ``rows`` (N,) in scaled units (``columns``: F of them)."""
        if self.mean is None or self.scale is None:
            return x
        cols = slice(None) if columns is None else columns
        shape = (x.shape[0],) + (1,) * (x.ndim - 2) + (-1,)
        return (
            (x - self.mean[rows][:, cols].reshape(shape)) / self.scale[rows][:, cols].reshape(shape)
        ).astype(np.float32, copy=False)

    def unscale_rows(self, y: np.ndarray, rows: np.ndarray, columns) -> np.ndarray:
        """``y`` (N, ..., O) of series ``rows`` (N,) back in the data's units (``columns``: the O targets)."""
        if self.mean is None or self.scale is None:
            return y
        shape = (y.shape[0],) + (1,) * (y.ndim - 2) + (-1,)
        return (
            y * self.scale[rows][:, columns].reshape(shape) + self.mean[rows][:, columns].reshape(shape)
        ).astype(np.float32, copy=False)


@dataclass
class PreparedPanel:
    """A panel ready to train: its scaled values, window positions and per-series state."""

    scaled: np.ndarray  # (T_total, F) float32
    train_index: np.ndarray  # row positions of the training windows
    val_index: np.ndarray  # ... of the validation windows
    state: PanelState


def prepare_panel(
    panel: Panel,
    window: int,
    horizon: int,
    base_horizon: int,
    targets: list[int],
    scale: bool,
    validation_steps: Callable[[int], int],
    check_length: Callable[[int], tuple],
    season,
    specs: list[dict],
    known: Sequence[int] = (),
    deseason: int | None = None,
) -> PreparedPanel:
    """Split, scale and index every series of ``panel`` at once (see the module's docstring).

    ``validation_steps(T)`` gives a series' validation span, ``check_length(T)`` refuses a series too
    short to fit; ``horizon`` is the network's (the windows'), ``base_horizon`` the baselines'.
    ``known`` columns get a lead input each (:mod:`tsrnn.data.known`), scaled like its column; the
    scaled values are then (T_total, F + Fk), with 0 where a lead would reach past its series (no
    training or validation window reads those).  ``deseason``: the season m whose indices are fitted
    on each series' training span and taken out of its targets before scaling
    (:mod:`tsrnn.data.seasonal_indices`; where a series' season drifts, its indices come from its whole fit
    span and its steps lose the season of their own cycle, :func:`~tsrnn.data.seasonal_drift.fit_drifting`);
    the baselines read the values as they are.
    """
    lengths, starts = panel.lengths, panel.starts
    val_of = _validation_spans(panel, validation_steps, check_length)
    train_end = lengths - np.array([val_of[T] for T in lengths.tolist()], dtype=np.int64)
    raw = values = panel.values
    codes, within = panel.positions()  # each row's series and step within it
    first = first_steps(panel)
    steps = first[codes] + within  # each row's calendar step number
    seasonality, local = fit_drifting(
        values, codes, within, train_end, lengths, steps, deseason, targets, panel.n_series
    )  # local: a drifting season's indices along the fit span
    values = seasonality.remove_columns(values, targets, codes, steps, local)
    inputs = (
        values
        if not known
        else np.concatenate([values, lead_columns(values, list(known), horizon, lengths)], 1)
    )
    mean, std, scaled = _scaled(
        values, inputs, codes, within < train_end[codes], panel.n_series, known, scale
    )
    train_index = panel_windows(lengths, starts, window, horizon, end=train_end)
    has_val = train_end < lengths
    val_index = panel_windows(
        lengths[has_val], starts[has_val], window, horizon, first=train_end[has_val] - window
    )
    baselines = fit_many(raw, starts, train_end, window, base_horizon, targets, season, panel.season)
    return PreparedPanel(
        scaled,
        train_index,
        val_index,
        PanelState(
            panel.ids, mean, std, panel.tails(window), baselines, specs, seasonality, first + lengths - 1
        ),
    )


def _validation_spans(panel: Panel, validation_steps, check_length) -> dict[int, int]:
    """The validation span of each distinct series length, after refusing series too short to fit
    (before any work, naming the first such series)."""
    lengths = panel.lengths
    val_of = {T: validation_steps(T) for T in np.unique(lengths).tolist()}  # one per distinct length
    for T in val_of:
        try:
            check_length(T)
        except DataError as err:
            uid = panel.ids[int(np.flatnonzero(lengths == T)[0])]
            raise (err if uid is None else DataError(f"series {uid!r}: {err}")) from None
    return val_of


def _scaled(values, inputs, codes, in_train, n_series: int, known: Sequence[int], scale: bool):
    """Each series' mean and std over its training rows (``in_train``) per input column (None, None
    without ``scale``), and the inputs scaled by them (T_total, F + Fk), with 0 for a lead past its
    series' end (no window reads those)."""
    mean: np.ndarray | None
    std: np.ndarray | None
    if scale:
        columns = list(range(values.shape[1])) + list(known)
        mean, std = panel_stats(values, codes, in_train, n_series)
        mean, std = mean[:, columns], std[:, columns]
        scaled = ((inputs - mean[codes]) / std[codes]).astype(np.float32)
    else:
        mean = std = None
        scaled = inputs
    if known:
        scaled = np.where(np.isnan(scaled), np.float32(0), scaled)
    return mean, std, scaled


def continuation_specs(panel: Panel) -> list[dict]:
    """How each series' time labels continue (see :func:`tsrnn.data.index_specs.index_spec`), from the
    panel's grid, or a single series' own labels."""
    grid = panel.grid
    if grid is None and panel.index is not None:
        return [index_spec(panel.index, panel.freq, panel.form, panel.session)]
    if grid is None or panel.last is None:  # integer steps (a grid's panel knows its last steps)
        return [{"kind": "integer", "last": int(n) - 1, "step": 1, "name": None} for n in panel.lengths]
    lasts = grid.labels(panel.last)
    if grid.freq is None:
        return [{"kind": "integer", "last": int(v), "step": int(grid.step), "name": grid.name} for v in lasts]
    extra = {} if grid.session is None else {"session": grid.session.text}
    return [
        {
            "kind": "datetime",
            "last": t.isoformat(),
            "freq": grid.freq,
            "name": grid.name,
            "form": panel.form,
            **extra,
        }
        for t in lasts
    ]
