"""A model's ``config.json`` in the current format (:data:`FORMAT_VERSION`), as typed models.

One Struct per part of the file: :class:`ModelFile` holds the estimator's settings, the model
config, the features and targets, the fit's :class:`FitHistory`, the :class:`ReadingState` of its
data, the conformal :class:`CalibrationState` and the per-series :class:`SeriesState` (ids, index
columns, baseline columns, seasonal indices), each a JSON list of S entries beside tensors of S rows.
:func:`tsrnn.estimator.persistence.model_files` writes it and :func:`check_model_file` checks what
no type can say: lengths against ``series.ids``, the features and the targets; every tensor against
the config; the estimator's settings against the model config.  Older formats are read by
:mod:`tsrnn.nn.migrations`, which brings them to this one.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from msgspec import Struct

from ..base.errors import CheckpointError
from .typed_json import MAX_INT, Count, Name, Natural, NonNegative, Position, check_entries, decode, fail
from .weights import Tensors, check_weights

__all__ = [
    "FORMAT_VERSION",
    "ModelFile",
    "SeriesState",
    "IndexColumns",
    "BaselineColumns",
    "SeasonState",
    "FitHistory",
    "ReadingState",
    "CalibrationState",
    "Versions",
    "model_config",
    "check_model_file",
]

FORMAT_VERSION = 6  # 6: the reading settings only in ``reading``; 5: the conformal calibration (or null); 4: per-series state as arrays over the
# series; 3: config_sha256 covers config.json; 2: ModelConfig.highway (see tsrnn.nn.migrations)

Season = Natural | list[Natural | None] | None  # one for all targets, or one each (0 or null: none)
Fill = Literal[None, "ffill", "interpolate", "drop"]


class _Part(Struct, forbid_unknown_fields=True, omit_defaults=False):
    """A part of a model file: every field written, none unknown read."""


class IndexColumns(_Part):
    """Each series' time index by field (null where its kind has no such field)."""

    kind: list[Literal["integer", "datetime"]]
    last: list[Position | Name]  # an integer step, or an ISO timestamp
    step: list[Count | None]
    freq: list[Name | None]
    name: list[int | float | Name | None]
    form: list[Name | None]
    session: list[Name | None]  # where a series' steps lie in sessions (tsrnn.data.sessions)


class BaselineColumns(_Part):
    """The baselines' shared settings, then each series' seasons, their sources and MASE scales (S x O)."""

    window: Count
    horizon: Count
    targets: list[Natural]
    season: Season
    calendar_season: Natural | None
    seasons: list[list[Count | None]]
    season_sources: list[list[Name]]
    scale: list[list[NonNegative]]


class SeasonState(_Part):
    """Seasonal indices: m steps, each series' kinds per target, last calendar step, whether it drifts."""

    m: Natural
    kinds: list[list[Literal["multiplicative", "additive", "none"]]]
    last_step: list[Position]
    drifting: list[bool]


class SeriesState(_Part):
    """The per-series state: JSON columns of S entries beside the ``series.*`` tensors of S rows."""

    ids: list[Name | None]
    scaled: bool
    baselines: BaselineColumns
    index: IndexColumns
    season: SeasonState


class FitHistory(_Part):
    best_epoch: Natural | None
    stop_reason: Name
    averaged: list[Count]  # the epochs whose weights the model averages, best first
    batch_size: Count
    window: Count  # the window fit chose (the given one, or the automatic one)


class ReadingState(_Part):
    """How the fit read its data; new data is read the same way (:mod:`tsrnn.estimator.intake`)."""

    time_col: Name | None
    features: list[Name | int] | None
    fill: Fill
    irregular: Literal["error", "ignore"]
    freq: Name | None
    declared: bool
    file: dict[str, Any] | None = None  # the answers the data file left open (tsrnn.data.reading.Reading)


class CalibrationState(_Part):
    steps: Count  # K: tensor calibration.spread (K, O)
    scores: Count  # n: tensor calibration.scores (n, O)


class Versions(_Part):
    tsrnn: Name
    torch: Name


class ModelFile(_Part):
    """config.json of a model directory (``model.safetensors`` beside it)."""

    estimator: dict[str, Any]  # the Forecaster's parameters (checked by EstimatorSettings and the class)
    model: dict[str, Any]  # tsrnn.base.config.ModelConfig's fields
    features: list[Name]
    targets: list[Name]
    target_idx: list[Natural]
    series: SeriesState
    history: FitHistory
    reading: ReadingState  # how the fit read its data (formats before 6: from the estimator's settings)
    calibration: CalibrationState | None
    uncalibrated: Name | None  # why there is no calibration
    versions: Versions
    format_version: int = FORMAT_VERSION
    weights_sha256: str = ""
    config_sha256: str = ""


class EstimatorSettings(Struct):
    """The estimator's settings the file's checks read; every setting is checked by the estimator's
    own parameter table when the estimator is rebuilt (``expected_config``)."""

    window: Count | None
    horizon: Count
    known: Name | list[Name] | None = None


def model_config(where: str, value: Any):
    """The file's ``model`` as a :class:`~tsrnn.base.config.ModelConfig`, or one line saying why not."""
    from ..base.config import ModelConfig

    if not isinstance(value, dict):
        fail(where, "model", "a JSON object", value)
    try:
        return ModelConfig.from_dict(value)
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"{where!r}: field 'model' is not a valid model configuration: {err}") from None


def _names(where: str, values: list, field: str, length: int) -> list:
    """``length`` distinct names."""
    check_entries(where, field, values, length)
    if len(set(values)) != len(values):
        fail(where, field, "distinct names", values)
    return values


def check_model_file(file: ModelFile, tensors: dict, where: str, estimator: type, expected_config) -> None:
    """Check what no type says: ``file`` against its weights (meta tensors: shapes and dtypes only)
    and the estimator class that saved it (``estimator``, whose parameters the settings must name;
    ``expected_config(settings, input_size, target_idx, window)``, the model config they imply)."""
    model = model_config(where, file.model)
    settings = decode(file.estimator, EstimatorSettings, where, "estimator")
    known = [settings.known] if isinstance(settings.known, str) else settings.known or []
    F_in, O = model.input_size, model.outputs
    F = F_in - len(known)  # each known column adds one lead input
    if F < 1:
        fail(where, "estimator.known", f"fewer names than the model's {F_in} inputs", known)
    features = _names(where, file.features, "features", F)
    targets = _names(where, file.targets, "targets", O)
    check_entries(where, "target_idx", file.target_idx, O)
    for k, i in enumerate(file.target_idx):
        if i > F - 1:
            fail(where, f"target_idx[{k}]", f"an integer in [0, {F - 1}]", i)
    if [features[i] for i in file.target_idx] != targets or tuple(file.target_idx) != model.target_positions:
        expected = f"the positions of the targets {targets} among the features, as the model's"
        fail(where, "target_idx", f"{expected} {list(model.target_positions)}", file.target_idx)
    t = Tensors(tensors, where)
    check_weights(t, model)  # first: the weights file says what the model really is
    W = _window(where, file, settings, model, estimator, expected_config)
    if file.calibration is not None:
        t.shape("calibration.spread", (file.calibration.steps, O))
        t.shape("calibration.scores", (file.calibration.scores, O))
        t.positive("calibration.spread", "positive everywhere (the errors' spread per step)")
        t.positive("calibration.scores", "non-negative everywhere (absolute scaled errors)", strict=False)
    _reading(where, file.reading)
    _series(where, file.series, t, F, F_in, O, W, file.target_idx)
    extra = sorted(set(tensors) - t.seen)
    if extra:  # a weights file larger than its config implies
        more = f" and {len(extra) - 1} more" if len(extra) > 1 else ""
        raise CheckpointError(
            f"{where!r}: the weights file holds the tensor {extra[0][:60]!r}{more}, which this config "
            f"does not describe; refusing to load it"
        )


def _window(
    where: str, file: ModelFile, settings: EstimatorSettings, model, estimator, expected_config
) -> int:
    """Check the estimator's settings; they must rebuild the saved model.  Returns the window fit chose."""
    known = estimator().get_params()
    unknown = sorted(set(file.estimator) - set(known))
    if unknown:
        fail(
            where,
            f"estimator.{unknown[0]}",
            f"absent: tsrnn has no such estimator parameter (the parameters are {sorted(known)})",
        )
    W = file.history.window
    if settings.window is not None and W != settings.window:
        fail(where, "history.window", f"the estimator's window, {settings.window}", W)
    try:
        expected = expected_config(file.estimator, model.input_size, file.target_idx, W)
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"{where!r}: field 'estimator' holds an invalid setting: {err}") from None
    fit_decides = {"window_scale"} if file.estimator.get("window_scale") is None else set()  # chosen at fit
    for name in (fl.name for fl in dataclasses.fields(model)):
        if name not in fit_decides and getattr(expected, name) != getattr(model, name):
            fail(
                where,
                f"estimator (or model.{name})",
                f"consistent: the estimator's settings give model.{name} = {getattr(expected, name)!r}",
                getattr(model, name),
            )
    return W


def _series(where: str, series: SeriesState, t: Tensors, F: int, F_in: int, O: int, W: int, targets) -> None:
    """Every column of S entries and every ``series.*`` tensor of S rows, S the count of ``series.ids``."""
    ids, S = series.ids, len(series.ids)
    if ids != [None]:  # one series of wide data has the id null; long data, S distinct names
        if not ids or None in ids:
            fail(
                where,
                "series.ids",
                "a non-empty JSON array (one id per series, or [null] for one series)",
                ids,
            )
        _names(where, ids, "series.ids", S)

    def columns(part, at: str, keys) -> None:
        for key in keys:
            value = getattr(part, key)
            if len(value) != S:
                expected = f"a JSON array of {S} entries, one per series in 'series.ids'"
                fail(where, f"{at}.{key}", expected, detail=f", got {len(value)} entries")

    columns(series.index, "series.index", ("kind", "last", "step", "freq", "name", "form", "session"))
    _index(where, series.index)
    b = series.baselines
    if b.window != W:
        fail(where, "series.baselines.window", f"the estimator's window, {W}", b.window)
    if b.targets != list(targets):
        fail(where, "series.baselines.targets", f"the target positions {list(targets)}", b.targets)
    columns(b, "series.baselines", ("seasons", "season_sources", "scale"))
    for key in ("seasons", "season_sources", "scale"):
        for s, row in enumerate(getattr(b, key)):
            check_entries(where, f"series.baselines.{key}[{s}]", row, O)
    season = series.season
    columns(season, "series.season", ("kinds", "last_step", "drifting"))
    for i, row in enumerate(season.kinds):
        check_entries(where, f"series.season.kinds[{i}]", row, O)
    t.rows("series.context", (S, W, F))
    t.rows("series.linear_ar", (S, 1 + W * F, F))
    for key in ("season_mult", "season_add"):
        t.rows(f"series.{key}", (S, max(season.m, 1), O))
    t.positive("series.season_mult", "positive everywhere (seasonal factors)")
    if series.scaled:
        t.rows("series.mean", (S, F_in))
        t.rows("series.scale", (S, F_in))
        if not t.tensors["series.scale"].is_meta and not bool((t.tensors["series.scale"] > 0).all()):
            fail(where, "tensor series.scale", "positive everywhere", detail=", got a zero or negative scale")


def _index(where: str, index: IndexColumns) -> None:
    """Each series' index spec by its kind; dates are parsed at once per frequency."""
    dated: dict[str, list[int]] = {}
    for i, kind in enumerate(index.kind):
        last = index.last[i]
        if kind == "integer":
            if type(last) is not int:
                fail(where, f"series.index.last[{i}]", f"an integer in [{-MAX_INT}, {MAX_INT}]", last)
            if index.step[i] is None:
                fail(where, f"series.index.step[{i}]", "an integer in [1, 2147483648]", None)
        else:
            freq = index.freq[i]
            if not isinstance(last, str) or freq is None:
                bad = ("last", last) if not isinstance(last, str) else ("freq", freq)
                fail(
                    where,
                    f"series.index.{bad[0]}[{i}]",
                    "a string of at most 1000 printable characters",
                    bad[1],
                )
            dated.setdefault(freq, []).append(i)
        session = index.session[i]
        if session is not None:
            from ..data.sessions import Session

            try:
                Session.from_text(session)
            except (ValueError, TypeError):
                fail(
                    where, f"series.index.session[{i}]", "a session such as 'W/5min/84-251'", index.session[i]
                )
    if dated:
        _dates(where, index, dated)


def _dates(where: str, index: IndexColumns, dated: dict[str, list[int]]) -> None:
    import pandas as pd

    errors = (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime)
    for freq, rows in dated.items():
        try:  # all at once: the latest must continue on the calendar
            latest = pd.to_datetime(pd.Index([index.last[i] for i in rows]), format="ISO8601").max()
            pd.date_range(latest, periods=2, freq=freq)
            continue
        except errors:
            pass  # find the series, one at a time
        for i in rows:
            try:
                pd.date_range(pd.Timestamp(index.last[i]), periods=2, freq=freq)
            except errors as err:
                fail(
                    where,
                    f"series.index[{i}]",
                    "a timestamp and a frequency that pandas reads",
                    detail=f": {str(err)[:120]}",
                )


def _reading(where: str, reading: ReadingState) -> None:
    """The frequency and the file's reading options must be ones pandas and tsrnn read."""
    if reading.freq is not None:
        from pandas.tseries.frequencies import to_offset

        try:
            to_offset(reading.freq)
        except (TypeError, ValueError):
            fail(where, "reading.freq", "a pandas frequency", reading.freq)
    if reading.file is not None:
        from ..data.reading import Reading

        fields = sorted(Reading().__dataclass_fields__)
        unknown = sorted(set(reading.file) - set(fields))
        if unknown:
            fail(where, "reading.file", f"only {fields}", unknown)
        try:
            Reading(**reading.file)
        except (TypeError, ValueError) as err:
            fail(where, "reading.file", f"valid reading options ({err})", reading.file)
