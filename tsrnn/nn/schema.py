"""The schema of the files tsrnn reads back: a model's ``config.json``, a run's ``run.json`` and ``history.csv``.

A model directory is checked before anything is built from it: every field's type and range, every
array's length against the features, targets and weights, the nesting depth and the file size.
Every failure is a :class:`~tsrnn.base.errors.CheckpointError` naming the file and the field, so a file
altered by hand or by an attacker is refused in one line instead of failing deep inside torch or
pandas.  pandas and torch are imported only by the checks that need them.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from pathlib import Path
from typing import Any, Literal, NoReturn, overload

from ..base.config import MAX_GENERATED_VALUES  # what tsrnn plot may regenerate
from ..base.errors import CheckpointError

__all__ = [
    "MAX_JSON_BYTES",
    "MAX_DEPTH",
    "MAX_GENERATED_VALUES",
    "read_json",
    "check_model_config",
    "check_run",
    "read_history",
]

MAX_JSON_BYTES = 64 * 2**20  # config.json of 10,000 features is about 1 MiB
MAX_DEPTH = 16  # tsrnn's files nest 5 levels at most
_MAX_NAME = 1000  # characters of a feature name
_MAX_INT = 2**62
_SHOWN = 60  # characters of a bad value shown in a message


class _Fields:
    """Checks of one file's fields; each failure names the file and the dotted field path."""

    def __init__(self, where: str | os.PathLike) -> None:
        self.where = os.fspath(where)
        self.seen: set[str] = set()  # the tensors the config describes, as they are checked

    def fail(self, field: str, expected: str, value: Any = ..., detail: str = "") -> NoReturn:
        got = "" if value is ... else f", got {_show(value)}"
        raise CheckpointError(f"{self.where!r}: field {field!r} must be {expected}{got}{detail}")

    def get(self, obj: dict, key: str, field: str) -> Any:
        if key not in obj:
            raise CheckpointError(f"{self.where!r}: field {field!r} is missing")
        return obj[key]

    def object(self, value: Any, field: str) -> dict:
        if not isinstance(value, dict):
            self.fail(field, "a JSON object", value)
        return value

    @overload
    def integer(
        self, value: Any, field: str, low: int = 0, high: int = _MAX_INT, none: Literal[False] = False
    ) -> int: ...
    @overload
    def integer(
        self, value: Any, field: str, low: int = 0, high: int = _MAX_INT, *, none: bool
    ) -> int | None: ...
    def integer(
        self, value: Any, field: str, low: int = 0, high: int = _MAX_INT, none: bool = False
    ) -> int | None:
        if none and value is None:
            return None
        if type(value) is not int or not low <= value <= high:
            self.fail(field, f"an integer in [{low}, {high}]" + (" or null" if none else ""), value)
        return value

    def number(self, value: Any, field: str, low: float = -math.inf, positive: bool = False) -> float:
        if (
            type(value) not in (int, float)
            or not math.isfinite(value)
            or value < low
            or (positive and value <= 0)
        ):
            bound = "> 0" if positive else f">= {low}" if low > -math.inf else ""
            self.fail(field, f"a finite number {bound}".rstrip(), value)
        return float(value)

    @overload
    def string(self, value: Any, field: str, none: Literal[False] = False) -> str: ...
    @overload
    def string(self, value: Any, field: str, none: bool) -> str | None: ...
    def string(self, value: Any, field: str, none: bool = False) -> str | None:
        if none and value is None:
            return None
        if not isinstance(value, str) or len(value) > _MAX_NAME or not value.isprintable():
            self.fail(
                field,
                f"a string of at most {_MAX_NAME} printable characters" + (" or null" if none else ""),
                value,
            )
        return value

    def flag(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            self.fail(field, "true or false", value)
        return value

    def array(self, value: Any, field: str, length: int | None = None) -> list:
        if not isinstance(value, list):
            self.fail(field, "a JSON array" + ("" if length is None else f" of {length} entries"), value)
        if length is not None and len(value) != length:
            self.fail(field, f"a JSON array of {length} entries", detail=f", got {len(value)} entries")
        return value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({type(value).__name__})"


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                stack.extend(
                    (v, depth + 1)
                    for v in (node.values() if isinstance(node, dict) else node)
                    if isinstance(v, (dict, list))
                )  # scalars add no depth
    return deepest


def read_json(path: str | os.PathLike, limit: int = MAX_JSON_BYTES) -> Any:
    """Parse the JSON file ``path``: at most ``limit`` bytes and :data:`MAX_DEPTH` levels, else CheckpointError."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise CheckpointError(
                f"{str(path)!r} is {size} bytes; tsrnn reads JSON files of at most {limit} bytes"
            )
        value = json.loads(path.read_bytes().decode("utf-8"))
    except RecursionError:
        value = None
        deep = True
    except (UnicodeDecodeError, ValueError) as err:  # JSONDecodeError, and numbers of over 4300 digits
        raise CheckpointError(f"{str(path)!r} is not valid JSON: {str(err)[:200]}") from None
    else:
        deep = _depth(value) > MAX_DEPTH
    if deep:
        raise CheckpointError(
            f"{str(path)!r} nests deeper than {MAX_DEPTH} levels; tsrnn never writes such a file"
        )
    return value


# -- config.json of a model ---------------------------------------------------------------------------------
def _names(f: _Fields, value: Any, field: str, length: int) -> list[str]:
    names = [f.string(v, f"{field}[{i}]") for i, v in enumerate(f.array(value, field, length))]
    if len(set(names)) != len(names):
        f.fail(field, "distinct names", value)
    return names


def _shape(f: _Fields, tensors: dict, key: str, shape: tuple[int, ...], finite: bool = True) -> None:
    import torch

    if key not in tensors:
        raise CheckpointError(f"{f.where!r}: the weights file lacks the tensor {key!r}")
    f.seen.add(key)
    t = tensors[key]
    if tuple(t.shape) != shape or not t.is_floating_point():
        f.fail(
            f"tensor {key}",
            f"floating point of shape {shape}",
            detail=f", got {str(t.dtype).replace('torch.', '')} of shape {tuple(t.shape)}",
        )
    if finite and not t.is_meta and not bool(torch.isfinite(t).all()):  # meta: shapes only, values unread
        f.fail(f"tensor {key}", "finite everywhere", detail=", got NaN or infinite values")


def _index(f: _Fields, spec: Any, field: str) -> None:
    spec = f.object(spec, field)
    kind = f.get(spec, "kind", f"{field}.kind")
    name = spec.get("name")
    if not (name is None or type(name) in (int, float) or isinstance(name, str) and len(name) <= _MAX_NAME):
        f.fail(f"{field}.name", "null, a number or a string", name)
    if kind == "integer":
        f.integer(f.get(spec, "last", f"{field}.last"), f"{field}.last", -_MAX_INT)
        f.integer(f.get(spec, "step", f"{field}.step"), f"{field}.step", 1, 2**31)
        return
    if kind != "datetime":
        f.fail(f"{field}.kind", "'integer' or 'datetime'", kind)
    import pandas as pd

    last = f.string(f.get(spec, "last", f"{field}.last"), f"{field}.last")
    freq = f.string(f.get(spec, "freq", f"{field}.freq"), f"{field}.freq")
    try:
        pd.date_range(pd.Timestamp(last), periods=2, freq=freq)
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime) as err:
        f.fail(f"{field}", "a timestamp and a frequency that pandas reads", detail=f": {str(err)[:120]}")


def _member(f: _Fields, m: dict, prefix: str, tensors: dict, shape: dict) -> None:
    """The per-series part of formats before 4: scaler, index, baselines and their tensors (``prefix`` as
    in the weights file)."""
    F, O, W = shape["F"], shape["O"], shape["W"]
    field = prefix.rstrip(".")
    at = (field + ".") if field else ""
    scaler = f.get(m, "scaler", f"{at}scaler")
    if scaler is not None:
        scaler = f.object(scaler, f"{at}scaler")
        for key in ("mean", "scale"):
            values = f.array(f.get(scaler, key, f"{at}scaler.{key}"), f"{at}scaler.{key}", shape["F_in"])
            for i, v in enumerate(values):
                f.number(v, f"{at}scaler.{key}[{i}]", positive=key == "scale")
    _index(f, f.get(m, "index", f"{at}index"), f"{at}index")
    b = _baseline_settings(f, f.get(m, "baselines", f"{at}baselines"), f"{at}baselines", shape)
    for i, m_ in enumerate(
        f.array(f.get(b, "seasons", f"{at}baselines.seasons"), f"{at}baselines.seasons", O)
    ):
        f.integer(m_, f"{at}baselines.seasons[{i}]", 1, 2**31, none=True)
    for i, v in enumerate(f.array(f.get(b, "scale", f"{at}baselines.scale"), f"{at}baselines.scale", O)):
        f.number(v, f"{at}baselines.scale[{i}]", low=0.0)
    _shape(f, tensors, f"{prefix}context", (W, F))
    _shape(f, tensors, f"{prefix}baselines.linear_ar", (1 + W * F, F))


def _baseline_settings(f: _Fields, b: Any, field: str, shape: dict) -> dict:
    """The settings every series' baselines share: window, horizon, targets, season."""
    b = f.object(b, field)
    if f.integer(f.get(b, "window", f"{field}.window"), f"{field}.window", 1) != shape["W"]:
        f.fail(f"{field}.window", f"the estimator's window, {shape['W']}", b["window"])
    f.integer(f.get(b, "horizon", f"{field}.horizon"), f"{field}.horizon", 1, 2**31)
    if f.get(b, "targets", f"{field}.targets") != shape["target_idx"]:
        f.fail(f"{field}.targets", f"the target positions {shape['target_idx']}", b["targets"])
    _season(f, f.get(b, "season", f"{field}.season"), f"{field}.season")
    return b


def _panel(f: _Fields, series: Any, tensors: dict, shape: dict) -> None:
    """Format 4's per-series state: JSON columns of S entries (ids, index fields, seasons, season sources,
    MASE scales) and tensors of S rows, every one checked against the count of ``series.ids``."""
    F, O, W = shape["F"], shape["O"], shape["W"]
    series = f.object(series, "series")
    ids = f.array(f.get(series, "ids", "series.ids"), "series.ids")
    S = len(ids)
    if ids != [None]:  # one series of wide data has the id null; long data, S distinct names
        if not ids:
            f.fail("series.ids", "a non-empty JSON array (one id per series, or [null] for one series)", ids)
        _names(f, ids, "series.ids", S)

    def column(obj: dict, key: str, field: str) -> list:
        value = f.get(obj, key, field)
        if not isinstance(value, list) or len(value) != S:
            f.fail(
                field,
                f"a JSON array of {S} entries, one per series in 'series.ids'",
                detail=f", got {len(value)} entries" if isinstance(value, list) else f", got {_show(value)}",
            )
        return value

    index = f.object(f.get(series, "index", "series.index"), "series.index")
    _index_columns(
        f,
        {
            key: column(index, key, f"series.index.{key}")
            for key in ("kind", "last", "step", "freq", "name", "form")
        },
    )
    if index.get("session") is not None:  # optional: files before sessions lack it
        from ..data.sessions import Session

        for i, text in enumerate(column(index, "session", "series.index.session")):
            if text is None:
                continue
            try:
                Session.from_text(f.string(text, f"series.index.session[{i}]"))
            except (ValueError, TypeError):
                f.fail(f"series.index.session[{i}]", "a session such as 'W/5min/84-251'", text)
    b = _baseline_settings(f, f.get(series, "baselines", "series.baselines"), "series.baselines", shape)
    f.integer(
        f.get(b, "calendar_season", "series.baselines.calendar_season"),
        "series.baselines.calendar_season",
        0,
        2**31,
        none=True,
    )
    for key, check in (
        ("seasons", lambda v, at: f.integer(v, at, 1, 2**31, none=True)),
        ("season_sources", f.string),
        ("scale", lambda v, at: f.number(v, at, low=0.0)),
    ):
        field = f"series.baselines.{key}"
        for s, row in enumerate(column(b, key, field)):
            for j, v in enumerate(f.array(row, f"{field}[{s}]", O)):
                check(v, f"{field}[{s}][{j}]")
    _rows(f, tensors, "series.context", (S, W, F))
    _rows(f, tensors, "series.linear_ar", (S, 1 + W * F, F))
    _seasonality(f, f.get(series, "season", "series.season"), tensors, S, O)
    if f.flag(f.get(series, "scaled", "series.scaled"), "series.scaled"):
        _rows(f, tensors, "series.mean", (S, shape["F_in"]))
        _rows(f, tensors, "series.scale", (S, shape["F_in"]))
        if not tensors["series.scale"].is_meta and not bool((tensors["series.scale"] > 0).all()):
            f.fail("tensor series.scale", "positive everywhere", detail=", got a zero or negative scale")


def _rows(f: _Fields, tensors: dict, key: str, shape: tuple[int, ...]) -> None:
    """A tensor of one row per series (``shape[0]``, the count of ``series.ids``), then its whole shape."""
    t = tensors.get(key)
    if t is not None and (t.dim() == 0 or t.shape[0] != shape[0]):
        f.fail(
            f"tensor {key}",
            f"a tensor of {shape[0]} rows, one per series in 'series.ids'",
            detail=f", got shape {tuple(t.shape)}",
        )
    _shape(f, tensors, key, shape)


def _index_columns(f: _Fields, columns: dict[str, list]) -> None:
    """Each series' index spec, by field (see :func:`_index`); dates are parsed at once per frequency."""
    dated: dict[str, list[int]] = {}
    for i, kind in enumerate(columns["kind"]):

        def at(key, i=i):
            return f"series.index.{key}[{i}]"

        name = columns["name"][i]
        if not (
            name is None or type(name) in (int, float) or isinstance(name, str) and len(name) <= _MAX_NAME
        ):
            f.fail(at("name"), "null, a number or a string", name)
        if kind == "integer":
            f.integer(columns["last"][i], at("last"), -_MAX_INT)
            f.integer(columns["step"][i], at("step"), 1, 2**31)
        elif kind == "datetime":
            f.string(columns["last"][i], at("last"))
            dated.setdefault(f.string(columns["freq"][i], at("freq")), []).append(i)
            f.string(columns["form"][i], at("form"), none=True)
        else:
            f.fail(at("kind"), "'integer' or 'datetime'", kind)
    if not dated:
        return
    import pandas as pd

    for freq, rows in dated.items():
        try:  # all at once: the latest must continue on the calendar
            latest = pd.to_datetime(pd.Index([columns["last"][i] for i in rows]), format="ISO8601").max()
            pd.date_range(latest, periods=2, freq=freq)
            continue
        except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
            pass  # find the series, one at a time
        for i in rows:
            _index(f, {"kind": "datetime", "last": columns["last"][i], "freq": freq}, f"series.index[{i}]")


def _season(f: _Fields, season: Any, field: str) -> None:
    """None, a season in steps, or one per target (0 or null: none for that target)."""
    for i, s in enumerate(season if isinstance(season, list) else [season]):
        f.integer(s, field + (f"[{i}]" if isinstance(season, list) else ""), 0, 2**31, none=True)


def _reading(f: _Fields, reading: Any) -> None:
    """How the fit read its data (optional; files before it lack it): time column, features, fill
    policy, irregular, frequency and whether it was declared."""
    reading = f.object(reading, "reading")
    for key in ("time_col", "features", "fill", "irregular", "freq", "declared"):  # what data_panel reads
        f.get(reading, key, f"reading.{key}")
    f.string(reading.get("time_col"), "reading.time_col", none=True)
    features = reading.get("features")
    if features is not None:
        for i, v in enumerate(f.array(features, "reading.features")):
            if not (isinstance(v, str) or type(v) is int):
                f.fail(f"reading.features[{i}]", "a column name or position", v)
    if reading.get("fill") not in (None, "ffill", "interpolate", "drop"):
        f.fail("reading.fill", "one of [None, 'ffill', 'interpolate', 'drop']", reading.get("fill"))
    if reading.get("irregular", "error") not in ("error", "ignore"):
        f.fail("reading.irregular", "one of ['error', 'ignore']", reading.get("irregular"))
    freq = f.string(reading.get("freq"), "reading.freq", none=True)
    if freq is not None:
        from pandas.tseries.frequencies import to_offset

        try:
            to_offset(freq)
        except (TypeError, ValueError):
            f.fail("reading.freq", "a pandas frequency", freq)
    f.flag(reading.get("declared", False), "reading.declared")
    given = reading.get("file")
    if given is not None:  # the answers the data file left open (Reading's fields)
        from ..data.reading import Reading

        f.object(given, "reading.file")
        unknown = sorted(set(given) - set(Reading().__dataclass_fields__))
        if unknown:
            f.fail("reading.file", f"only {sorted(Reading().__dataclass_fields__)}", unknown)
        try:
            Reading(**given)
        except (TypeError, ValueError) as err:
            f.fail("reading.file", f"valid reading options ({err})", given)


def _calibration(f: _Fields, calibration: Any, tensors: dict, O: int) -> None:
    """Format 5's conformal calibration: null, or the steps K and score count n of the tensors
    ``calibration.spread`` (K, O), positive, and ``calibration.scores`` (n, O), non-negative."""
    if calibration is None:
        return
    calibration = f.object(calibration, "calibration")
    K = f.integer(f.get(calibration, "steps", "calibration.steps"), "calibration.steps", 1, 2**31)
    n = f.integer(f.get(calibration, "scores", "calibration.scores"), "calibration.scores", 1, 2**31)
    _shape(f, tensors, "calibration.spread", (K, O))
    _shape(f, tensors, "calibration.scores", (n, O))
    spread, scores = tensors["calibration.spread"], tensors["calibration.scores"]
    if not spread.is_meta and not bool((spread > 0).all()):  # meta: shapes only, values unread
        f.fail("tensor calibration.spread", "positive everywhere (the errors' spread per step)")
    if not scores.is_meta and not bool((scores >= 0).all()):
        f.fail("tensor calibration.scores", "non-negative everywhere (absolute scaled errors)")


def check_model_config(
    config: dict, tensors: dict, where: str | os.PathLike, estimator: type, expected_config
) -> None:
    """Check a model's config.json (already parsed, a dict) against its weights; CheckpointError on any fault.

    ``estimator`` is the class that saved it (:class:`~tsrnn.estimator.forecaster.Forecaster`), whose
    parameters the settings must name; ``expected_config(settings, input_size, target_idx, window)``
    is the model configuration those settings imply (:mod:`tsrnn.estimator.planning`), which must
    equal the saved one.  The per-series state is checked in its layout: format 4's ``series`` (JSON
    columns and tensors of S rows, all S the count of ``series.ids``), or before it ``members`` (long
    data) or the single-series fields at the top level.  Every tensor must be one the config describes
    and finite.  ``tensors`` may be meta tensors (from the weights file's header, before its data is
    read): then only their names, shapes and dtypes are checked."""
    from ..base.config import ModelConfig

    f = _Fields(where)
    for key in ("estimator", "model", "features", "targets", "target_idx", "history"):
        f.get(config, key, key)
    if config.get("reading") is not None:
        _reading(f, config["reading"])
    try:
        model = ModelConfig.from_dict(f.object(config["model"], "model"))
    except (TypeError, ValueError) as err:
        raise CheckpointError(
            f"{f.where!r}: field 'model' is not a valid model configuration: {err}"
        ) from None
    est = f.object(config["estimator"], "estimator")
    known = est.get("known")
    known = [known] if isinstance(known, str) else known
    if known is not None:
        for i, name in enumerate(f.array(known, "estimator.known")):
            f.string(name, f"estimator.known[{i}]")
    F_in, O = model.input_size, model.outputs
    F = F_in - len(known or [])  # each known column adds one lead input
    if F < 1:
        f.fail("estimator.known", f"fewer names than the model's {F_in} inputs", known)
    features = _names(f, config["features"], "features", F)
    targets = _names(f, config["targets"], "targets", O)
    target_idx = [
        f.integer(i, f"target_idx[{k}]", 0, F - 1)
        for k, i in enumerate(f.array(config["target_idx"], "target_idx", O))
    ]
    if [features[i] for i in target_idx] != targets or tuple(target_idx) != model.target_positions:
        f.fail(
            "target_idx",
            f"the positions of the targets {targets} among the features, as the model's "
            f"{list(model.target_positions)}",
            target_idx,
        )
    _weights(f, model, tensors)  # first: the weights file says what the model really is
    W = _estimator(
        f, est, model, target_idx, estimator, expected_config, f.object(config["history"], "history")
    )
    history = f.object(config["history"], "history")
    f.integer(f.get(history, "best_epoch", "history.best_epoch"), "history.best_epoch", 0, 2**31, none=True)
    f.string(f.get(history, "stop_reason", "history.stop_reason"), "history.stop_reason")
    if "batch_size" in history:
        f.integer(history["batch_size"], "history.batch_size", 1, 2**31)
    for i, epoch in enumerate(f.array(history.get("averaged", []), "history.averaged")):
        f.integer(epoch, f"history.averaged[{i}]", 1, 2**31)
    shape = {"F": F, "F_in": F_in, "O": O, "W": W, "target_idx": target_idx}
    if config.get("format_version", 0) >= 5:  # format 5: the conformal calibration, or null and why not
        _calibration(f, f.get(config, "calibration", "calibration"), tensors, O)
        f.string(config.get("uncalibrated"), "uncalibrated", none=True)
    if "series" in config or config.get("format_version", 0) >= 4:  # format 4: arrays over the series
        _panel(f, f.get(config, "series", "series"), tensors, shape)
    elif "members" in config:  # long data, before format 4
        members = f.object(config["members"], "members")
        if not members:
            f.fail("members", "a non-empty JSON object (one entry per series)", members)
        for uid, m in members.items():
            f.string(uid, "members (a series id)")
            _member(f, f.object(m, f"members.{uid}"), f"members.{uid}.", tensors, shape)
    else:
        _member(f, config, "", tensors, shape)
    extra = sorted(set(tensors) - f.seen)
    if extra:  # a weights file larger than its config implies
        raise CheckpointError(
            f"{f.where!r}: the weights file holds the tensor {extra[0][:_SHOWN]!r}"
            + (f" and {len(extra) - 1} more" if len(extra) > 1 else "")
            + ", which this config does not describe; refusing to load it"
        )


_KINDS = ("multiplicative", "additive", "none")


def _seasonality(f: _Fields, seasons: Any, tensors: dict, S: int, O: int) -> None:
    """Format 4's seasonal indices: m, each series' kinds, last calendar step and (optional) whether its
    season drifts, the (S, m, O) tensors."""
    seasons = f.object(seasons, "series.season")
    m = f.integer(f.get(seasons, "m", "series.season.m"), "series.season.m", 0, 2**20)
    for i, row in enumerate(
        f.array(f.get(seasons, "kinds", "series.season.kinds"), "series.season.kinds", S)
    ):
        for j, kind in enumerate(f.array(row, f"series.season.kinds[{i}]", O)):
            if kind not in _KINDS:
                f.fail(f"series.season.kinds[{i}][{j}]", f"one of {list(_KINDS)}", kind)
    for i, v in enumerate(
        f.array(f.get(seasons, "last_step", "series.season.last_step"), "series.season.last_step", S)
    ):
        f.integer(v, f"series.season.last_step[{i}]", -_MAX_INT)
    if "drifting" in seasons:  # written since the drifting-season rule; older format-4 files lack it
        for i, v in enumerate(f.array(seasons["drifting"], "series.season.drifting", S)):
            f.flag(v, f"series.season.drifting[{i}]")
    for key in ("season_mult", "season_add"):
        _rows(f, tensors, f"series.{key}", (S, max(m, 1), O))
    mult = tensors["series.season_mult"]
    if not mult.is_meta and not bool((mult > 0).all()):
        f.fail("tensor series.season_mult", "positive everywhere (seasonal factors)")


def _estimator(
    f: _Fields, est: dict, model, target_idx: list[int], estimator: type, expected_config, history: dict
) -> int:
    """Check the estimator's settings; they must rebuild the saved model.  Returns the window (the
    given one, or for the automatic window the one fit chose, kept in the history)."""
    known = estimator().get_params()
    unknown = sorted(set(est) - set(known))
    if unknown:
        f.fail(
            f"estimator.{unknown[0]}", f"absent: Forecaster has no such parameter (it has {sorted(known)})"
        )
    W = f.integer(f.get(est, "window", "estimator.window"), "estimator.window", 1, 2**31, none=True)
    if W is None or "window" in history:  # the automatic window: the one fit chose is in the history
        chosen = f.integer(f.get(history, "window", "history.window"), "history.window", 1, 2**31)
        if W is not None and chosen != W:
            f.fail("history.window", f"the estimator's window, {W}", chosen)
        W = chosen
    f.integer(f.get(est, "horizon", "estimator.horizon"), "estimator.horizon", 1, 2**31)
    f.integer(est.get("samples", 1), "estimator.samples", 1, 2**31)
    f.integer(est.get("batch_size"), "estimator.batch_size", 1, 2**31, none=True)
    f.integer(est.get("threads"), "estimator.threads", 1, 2**16, none=True)
    for key in ("scale", "bidirectional", "relative", "highway", "deseason"):
        if key in est:
            f.flag(est[key], f"estimator.{key}")
    choices = {
        "device": ("cpu", "cuda", "auto"),
        "irregular": ("error", "ignore"),
        "fill": (None, "ffill", "interpolate", "drop"),
    }
    for key, options in choices.items():
        if key in est and est[key] not in options:
            f.fail(f"estimator.{key}", f"one of {list(options)}", est[key])
    f.string(est.get("time_col"), "estimator.time_col", none=True)
    f.string(est.get("freq"), "estimator.freq", none=True)
    _season(f, est.get("season"), "estimator.season")
    for key in ("features", "targets"):
        value = est.get(key)
        if value is not None:
            for i, v in enumerate(f.array(value, f"estimator.{key}")):
                if not (isinstance(v, str) or type(v) is int):
                    f.fail(f"estimator.{key}[{i}]", "a column name or position", v)
    try:
        expected = expected_config(est, model.input_size, target_idx, W)
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"{f.where!r}: field 'estimator' holds an invalid setting: {err}") from None
    fit_decides = (
        {"window_scale"} if est.get("window_scale") is None else set()
    )  # chosen from the data at fit
    for name in (fl.name for fl in dataclasses.fields(model)):
        if name not in fit_decides and getattr(expected, name) != getattr(model, name):
            f.fail(
                f"estimator (or model.{name})",
                f"consistent: the estimator's settings give model.{name} = {getattr(expected, name)!r}",
                getattr(model, name),
            )
    return W


def _weights(f: _Fields, model, tensors: dict) -> None:
    """The network's tensors must have exactly the shapes the config implies (checked before building it)."""
    import torch

    from .model import RNNForecaster

    layers = sum(1 for k in tensors if k.startswith("model.rnn.weight_hh_l") and not k.endswith("_reverse"))
    if layers != model.num_layers:
        f.fail("model.num_layers", f"the {layers} layer(s) in the weights file", model.num_layers)
    first = tensors.get("model.rnn.weight_ih_l0")
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[model.cell]
    if first is None or tuple(first.shape) != (gates * model.hidden_size, model.input_size):
        f.fail(
            "model",
            f"consistent with the weights: model.rnn.weight_ih_l0 of shape "
            f"({gates * model.hidden_size}, {model.input_size})",
            detail=f", got {None if first is None else tuple(first.shape)}",
        )
    with torch.device("meta"):  # the shapes the config implies, without allocating them
        expected = {f"model.{k}": tuple(v.shape) for k, v in RNNForecaster(model).state_dict().items()}
    present = {k: tuple(v.shape) for k, v in tensors.items() if k.startswith("model.")}
    odd = sorted(k for k, v in tensors.items() if k.startswith("model.") and not v.is_floating_point())
    if odd:
        f.fail("model", "consistent with the weights", detail=f": tensor {odd[0]!r} is not floating point")
    for key in sorted(set(expected) | set(present)):
        if expected.get(key) != present.get(key):
            f.fail(
                "model",
                "consistent with the weights",
                detail=f": tensor {key!r} should have shape "
                f"{expected.get(key)} by the config, the weights file has {present.get(key)}",
            )
    f.seen.update(present)
    for key in sorted(present):  # a NaN weight forecasts NaN: refused on load, not at the first forecast
        t = tensors[key]
        if not t.is_meta and not bool(torch.isfinite(t).all()):
            f.fail(f"tensor {key}", "finite everywhere", detail=", got NaN or infinite values")


# -- run.json and history.csv of a run ----------------------------------------------------------------------
def check_run(run: Any, where: str | os.PathLike, window: int) -> dict:
    """Check a parsed run.json (``window``: the model's); returns it."""
    f = _Fields(where)
    if not isinstance(run, dict):
        raise CheckpointError(f"{f.where!r} must hold a JSON object, got {type(run).__name__}")
    steps = f.integer(run.get("steps"), "steps", 1, MAX_GENERATED_VALUES, none=True)
    start = run.get("test_start")
    if start is not None:
        if steps is None:
            f.fail("test_start", "absent when run.json has no steps", start)
        f.integer(start, "test_start (between the window and the last step)", window, steps - 1)
    spec = run.get("data")
    if spec is None:
        return run
    spec = f.object(spec, "data")
    kind = f.get(spec, "kind", "data.kind")
    if kind == "generated":
        length = f.integer(f.get(spec, "length", "data.length"), "data.length", 1, MAX_GENERATED_VALUES)
        feats = f.integer(f.get(spec, "features", "data.features"), "data.features", 1, MAX_GENERATED_VALUES)
        if length * feats > MAX_GENERATED_VALUES:
            f.fail("data.length", f"such that length x features <= {MAX_GENERATED_VALUES}", length)
        if steps is not None and length != steps:
            f.fail("data.length", f"the run's steps, {steps}", length)
        f.number(f.get(spec, "noise", "data.noise"), "data.noise", low=0.0)
        f.integer(f.get(spec, "seed", "data.seed"), "data.seed", 0, 2**32 - 1)
    elif kind == "csv":
        path = f.get(spec, "path", "data.path")
        if not isinstance(path, str) or len(path) > 4096 or "\0" in path:
            f.fail("data.path", "a file path", path)
        sha = f.get(spec, "sha256", "data.sha256")
        if not isinstance(sha, str) or len(sha) != 64:
            f.fail("data.sha256", "a SHA-256 digest (64 hexadecimal digits)", sha)
    elif kind != "memory":
        f.fail("data.kind", "'generated', 'csv' or 'memory'", kind)
    return run


def read_history(path: str | os.PathLike):
    """Read and check a run's history.csv (epoch, train_loss, val_loss[, seconds]) as a DataFrame."""
    import numpy as np
    import pandas as pd

    f = _Fields(path)
    size = Path(path).stat().st_size
    if size > MAX_JSON_BYTES:
        raise CheckpointError(
            f"{f.where!r} is {size} bytes; tsrnn reads history files of at most {MAX_JSON_BYTES}"
        )
    try:
        history = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as err:
        raise CheckpointError(f"{f.where!r} is not a readable CSV: {str(err)[:200]}") from None
    for column in ("epoch", "train_loss", "val_loss"):
        if column not in history.columns:
            raise CheckpointError(
                f"{f.where!r}: column {column!r} is missing (columns: {list(history.columns)[:10]})"
            )
        if not pd.api.types.is_numeric_dtype(history[column]) or pd.api.types.is_bool_dtype(history[column]):
            f.fail(f"column {column}", "numeric", detail=f", got {history[column].dtype}")
    epochs = history["epoch"].to_numpy(dtype=float)
    if (
        not np.all(np.isfinite(epochs))
        or not np.all(epochs >= 1)
        or not np.all(epochs == np.round(epochs))
        or not np.all(epochs <= 2**31)
    ):
        f.fail("column epoch", "whole numbers from 1")
    if not np.all(np.isfinite(history["train_loss"].to_numpy(dtype=float))):
        f.fail("column train_loss", "finite numbers")
    return history
