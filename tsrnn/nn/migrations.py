"""Every older format of a model's ``config.json``, brought to the current one (:mod:`tsrnn.nn.model_format`).

The formats tsrnn has written, and the migration from each to the next:

- **1 -> 2** (:func:`v1_to_v2`): format 1 had no linear highway (``model.highway`` 0, the estimator's
  ``highway`` False) and no ``history.batch_size`` (format 1 trained in batches of 64 unless told).
- **2 -> 3** (:func:`v2_to_v3`): format 3 added ``config_sha256``, checked before any migration; the
  layout is the same.
- **3 -> 4** (:func:`v3_to_v4`): formats 1 to 3 kept the per-series state per series: one series at
  the top level (``scaler``, ``index``, ``baselines``; tensors ``context`` and ``baselines.linear_ar``),
  long data under ``members`` (one entry and two tensors per series).  Format 4 keeps it as arrays over
  the series (``series``; tensors ``series.*`` of one row per series) with seasonal indices; files
  before it have none (``deseason`` False).  Files from before the automatic window keep the window
  given (``history.window`` then is the estimator's).
- **4 -> 5** (:func:`v4_to_v5`): format 5 added the conformal calibration (null here, and why in
  ``uncalibrated``: a forecast with ``level`` asks for a refit).  Format 4 also grew without a version
  bump; its files may lack ``series.index.session`` (no sessions), ``series.season.drifting`` (no
  season drifts), ``history.averaged`` (none), ``reading`` (read new data with the estimator's
  settings) and ``model.window_scale`` (False).
- **5 -> 6** (:func:`v5_to_v6`): the estimator no longer holds reading settings: ``time_col``,
  ``features``, ``fill``, ``irregular`` and ``freq`` leave ``estimator``, and a file without a
  ``reading`` gets one made of them (the frequency, where none was declared, the first series').

Each migration reads the older file's own fields (a refusal names them as the file spells them) and
returns the next format's; the current format's Structs then check the result.  Nothing is unpickled.
"""

from __future__ import annotations

import copy
import os
from typing import Any, Literal

import torch
from msgspec import Struct

from .model_format import ModelFile, Season, model_config
from .typed_json import (
    Count,
    Finite,
    Name,
    Natural,
    NonNegative,
    Position,
    Positive,
    check_entries,
    decode,
    fail,
)
from .weights import Tensors

__all__ = ["upgrade", "v1_to_v2", "v2_to_v3", "v3_to_v4", "v4_to_v5", "v5_to_v6"]

READ_SETTINGS = ("time_col", "features", "fill", "irregular", "freq")  # the estimator's, before format 6


class _Old(Struct, kw_only=True):
    """A part of an older format: its fields typed; fields tsrnn no longer reads are ignored."""


class LegacyScaler(_Old):
    mean: list[Finite]
    scale: list[Positive]


class LegacyIndex(_Old):
    kind: Literal["integer", "datetime"]
    last: Position | Name
    step: Count | None = None
    freq: Name | None = None
    name: int | float | Name | None = None
    form: Name | None = None


class LegacyBaselines(_Old):
    window: Count
    horizon: Count
    targets: list[Natural]
    season: Season
    seasons: list[Count | None]
    scale: list[NonNegative]
    calendar_season: Natural | None = None
    season_sources: list[Name] | None = None  # files before it: found by the autocorrelation


class LegacySeries(_Old):
    """One series' state in formats 1 to 3 (the file's top level, or an entry of ``members``)."""

    scaler: LegacyScaler | None
    index: LegacyIndex
    baselines: LegacyBaselines


def v1_to_v2(raw: dict) -> dict:
    """Format 1 -> 2: no highway; batches of 64 unless the estimator said otherwise."""
    raw = copy.deepcopy(raw)
    if isinstance(raw.get("model"), dict):
        raw["model"].setdefault("highway", 0)
    if isinstance(raw.get("estimator"), dict):
        raw["estimator"].setdefault("highway", False)
        batch = raw["estimator"].get("batch_size")
        if isinstance(raw.get("history"), dict):
            raw["history"].setdefault("batch_size", batch if type(batch) is int else 64)
    return raw


def v2_to_v3(raw: dict) -> dict:
    """Format 2 -> 3: the same layout; format 3 added config_sha256 (checked before migrating)."""
    return raw


def v3_to_v4(raw: dict, tensors: dict, where: str) -> tuple[dict, dict]:
    """Format 3 -> 4: the per-series state of the single-series or ``members`` layout as columns over
    the series and tensors of one row per series; no seasonal indices."""
    raw = copy.deepcopy(raw)
    model = model_config(where, raw.get("model"))
    estimator: dict = raw["estimator"] if isinstance(raw.get("estimator"), dict) else {}
    history: dict = raw["history"] if isinstance(raw.get("history"), dict) else {}
    window = history.get("window", estimator.get("window"))  # before the automatic window: the given one
    if type(window) is not int or window < 1:
        fail(where, "history.window", "an integer in [1, 2147483648]", window)
    history.setdefault("window", window)
    known = estimator.get("known")
    known = [known] if isinstance(known, str) else known if isinstance(known, list) else []
    F_in, O = model.input_size, model.outputs
    parts: dict[str | None, tuple[LegacySeries, str]]
    if "members" in raw:
        members = decode(raw["members"], dict[str, Any], where, "members")
        if not members:
            fail(where, "members", "a non-empty JSON object (one entry per series)", members)
        decode(list(members), list[Name], where, "members (a series id)")
        parts = {
            u: (decode(m, LegacySeries, where, f"members.{u}"), f"members.{u}.") for u, m in members.items()
        }
    else:
        parts = {None: (decode(raw, LegacySeries, where), "")}
    sizes = (F_in, F_in - len(known), O, window)
    series, new = _columns(parts, tensors, where, model.target_positions, sizes)
    old = {f"{p}{key}" for _, p in parts.values() for key in ("context", "baselines.linear_ar")}
    tensors = {k: v for k, v in tensors.items() if k not in old}
    for key in ("members", "scaler", "index", "baselines"):
        raw.pop(key, None)
    estimator.setdefault("deseason", False)  # no seasonal indices before format 4
    raw["series"] = series  # format_version: the one written, until v4_to_v5
    return raw, {**tensors, **new}


def _columns(parts: dict, tensors: dict, where: str, targets: tuple, sizes: tuple) -> tuple[dict, dict]:
    """The ``series`` entry and the ``series.*`` tensors of format 4 from each series' older state."""
    F_in, F, O, W = sizes
    t = Tensors(tensors, where)
    scaled = {m.scaler is not None for m, _ in parts.values()}
    for m, prefix in parts.values():
        at = prefix.rstrip(".") + "." if prefix else ""
        if m.scaler is not None:
            for key in ("mean", "scale"):
                check_entries(where, f"{at}scaler.{key}", getattr(m.scaler, key), F_in)
        elif len(scaled) > 1:
            fail(where, f"{at}scaler", "scaled as the other series are", None)
        b = m.baselines
        if b.window != W:
            fail(where, f"{at}baselines.window", f"the estimator's window, {W}", b.window)
        if tuple(b.targets) != targets:
            fail(where, f"{at}baselines.targets", f"the target positions {list(targets)}", b.targets)
        for key in ("seasons", "scale", "season_sources"):
            if getattr(b, key) is not None:
                check_entries(where, f"{at}baselines.{key}", getattr(b, key), O)
        t.shape(f"{prefix}context", (W, F))
        t.shape(f"{prefix}baselines.linear_ar", (1 + W * F, F))
    members = [m for m, _ in parts.values()]
    first, S = members[0].baselines, len(members)
    index = {
        k: [getattr(m.index, k) for m in members] for k in ("kind", "last", "step", "freq", "name", "form")
    }
    series = {
        "ids": list(parts),
        "scaled": scaled == {True},
        "index": {**index, "session": [None] * S},
        "baselines": {
            **{k: getattr(first, k) for k in ("window", "horizon", "targets", "season", "calendar_season")},
            "seasons": [m.baselines.seasons for m in members],
            "season_sources": [m.baselines.season_sources or ["autocorrelation"] * O for m in members],
            "scale": [m.baselines.scale for m in members],
        },
        "season": {"m": 0, "kinds": [["none"] * O] * S, "last_step": [0] * S, "drifting": [False] * S},
    }
    new = {
        "series.context": torch.stack([tensors[f"{p}context"] for _, p in parts.values()]),  # (S, W, F)
        "series.linear_ar": torch.stack([tensors[f"{p}baselines.linear_ar"] for _, p in parts.values()]),
        "series.season_mult": torch.ones(S, 1, O),  # (S, 1, O): no season
        "series.season_add": torch.zeros(S, 1, O),
    }
    if series["scaled"]:  # (S, F_in), in the float64 the JSON held
        new["series.mean"] = torch.tensor([m.scaler.mean for m in members], dtype=torch.float64)
        new["series.scale"] = torch.tensor([m.scaler.scale for m in members], dtype=torch.float64)
    return series, new


def v4_to_v5(raw: dict) -> dict:
    """Format 4 -> 5: no calibration (and why); the fields format 4 grew without a bump, filled in."""
    raw = copy.deepcopy(raw)
    series = raw.get("series")
    ids = series.get("ids") if isinstance(series, dict) else None
    S = len(ids) if isinstance(ids, list) else 0
    if isinstance(series, dict) and isinstance(series.get("index"), dict):
        series["index"].setdefault("session", [None] * S)
    if isinstance(series, dict) and isinstance(series.get("season"), dict):
        series["season"].setdefault("drifting", [False] * S)
    if isinstance(raw.get("history"), dict):
        raw["history"].setdefault("averaged", [])
        if isinstance(raw.get("estimator"), dict):  # before the automatic window: the window given
            raw["history"].setdefault("window", raw["estimator"].get("window"))
    if isinstance(raw.get("model"), dict):
        raw["model"].setdefault("window_scale", False)
    raw.setdefault("reading", None)
    version = raw.get("format_version")
    raw.update(calibration=None, format_version=5)
    raw["uncalibrated"] = (
        f"its model file is format {version}, written before tsrnn calibrated intervals (format 5)"
    )
    return raw


def v5_to_v6(raw: dict) -> dict:
    """Format 5 -> 6: the reading settings leave the estimator's; ``reading`` made of them where the
    file kept none."""
    raw = copy.deepcopy(raw)
    estimator = raw.get("estimator")
    settings = {k: estimator.pop(k, None) for k in READ_SETTINGS} if isinstance(estimator, dict) else {}
    if raw.get("reading") is None:
        index = (raw.get("series") or {}).get("index") if isinstance(raw.get("series"), dict) else None
        freqs = index.get("freq") if isinstance(index, dict) else None
        first = freqs[0] if isinstance(freqs, list) and freqs else None
        features = settings.get("features")
        raw["reading"] = {
            "time_col": settings.get("time_col"),
            "features": [features] if isinstance(features, str) else features,
            "fill": settings.get("fill"),
            "irregular": settings.get("irregular") or "error",
            "freq": settings.get("freq") or first,
            "declared": settings.get("freq") is not None,
            "file": None,
        }
    raw["format_version"] = 6
    return raw


def upgrade(raw: dict, tensors: dict, where: str | os.PathLike) -> tuple[ModelFile, dict]:
    """``raw`` (a parsed config.json of any format, its version and checksum already checked) and its
    tensors, in the current format."""
    where = os.fspath(where)
    version = raw["format_version"]
    if version < 2:
        raw = v1_to_v2(raw)
    if version < 3:
        raw = v2_to_v3(raw)
    if version < 4:
        raw, tensors = v3_to_v4(raw, tensors, where)
    if version < 5:
        raw = v4_to_v5(raw)
    if version < 6:
        raw = v5_to_v6(raw)
    return decode(raw, ModelFile, where), tensors
