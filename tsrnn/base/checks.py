"""Argument checks shared by the public boundaries: each names the argument, the expectation and the value,
and raises :class:`~tsrnn.base.errors.InvalidParameterError` (a ValueError and a TypeError)."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from numbers import Integral, Real

from .errors import InvalidParameterError


def is_pandas(value: object, *kinds: str) -> bool:
    """Whether ``value`` is one of pandas' ``kinds`` (``"DataFrame"``, ``"Series"``), without importing
    pandas: when nothing has imported it, ``value`` cannot be a pandas object, and NumPy-only work
    never pays for pandas' import (about 30 MiB and a quarter second)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, tuple(getattr(pd, kind) for kind in kinds))


def invalid(name: str, message: str) -> InvalidParameterError:
    """The error for parameter ``name`` (``quantiles[2]`` is parameter ``quantiles``)."""
    return InvalidParameterError(message, parameter=name.split("[", 1)[0])


def positive_int(name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise invalid(name, f"{name} must be an integer >= {minimum}, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise invalid(name, f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def real(
    name: str,
    value: object,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float within the given bounds, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise invalid(name, f"{name} must be a number, got {value!r} ({type(value).__name__})")
    v = float(value)
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    span = f"{lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
    bad = (
        not math.isfinite(v)
        or (low is not None and (v < low or (low_open and v == low)))
        or (high is not None and (v > high or (high_open and v == high)))
    )
    if bad:
        where = "" if low is None and high is None else f" in {span}"
        raise invalid(name, f"{name} must be a finite number{where}, got {value!r}")
    return v


def choice(name: str, value: object, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``options``, else raise naming ``name``."""
    if value not in options:
        raise invalid(name, f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return str(value)


def per_feature(name: str, value: object, n: int, default: Sequence[float]) -> list[float]:
    """Broadcast a scalar or check a sequence of length ``n`` (one value per feature)."""
    if value is None:
        return [float(v) for v in default]
    if isinstance(value, Real) and not isinstance(value, bool):
        return [real(name, value)] * n
    try:
        values = list(value)  # type: ignore[call-overload]
    except TypeError:
        raise invalid(name, f"{name} must be a number or a sequence of {n} numbers, got {value!r}") from None
    if len(values) != n:
        raise invalid(
            name,
            f"{name} must have one value per feature (n_features={n}), got {len(values)} values: {values!r}",
        )
    return [real(f"{name}[{i}]", v) for i, v in enumerate(values)]
