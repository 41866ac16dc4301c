"""The JSON files tsrnn reads back, read within limits and decoded into typed models (msgspec Structs).

:func:`read_json` parses a file of at most :data:`MAX_JSON_BYTES` and :data:`MAX_DEPTH` levels;
:func:`decode` turns the parsed value into a Struct (every field's type and range, no field missing,
none unknown) or refuses it in one :class:`~tsrnn.base.errors.CheckpointError` naming the file, the
field, what was expected and what was given, so a file altered by hand or by an attacker never fails
deep inside torch or pandas.  The types below carry the ranges; :func:`fail` words the refusals of the
checks no type can say (lengths against other fields, tensors' shapes).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import msgspec
from msgspec import Meta
from msgspec import inspect as mi

from ..base.errors import CheckpointError

__all__ = [
    "MAX_JSON_BYTES",
    "MAX_DEPTH",
    "MAX_NAME",
    "MAX_INT",
    "Count",
    "Natural",
    "Position",
    "Finite",
    "NonNegative",
    "Positive",
    "Name",
    "read_json",
    "decode",
    "fail",
    "check_entries",
    "show",
]

MAX_JSON_BYTES = 64 * 2**20  # config.json of 10,000 features is about 1 MiB
MAX_DEPTH = 16  # tsrnn's files nest 5 levels at most
MAX_NAME = 1000  # characters of a name (a feature, a reason)
MAX_INT = 2**62
_FLOAT = sys.float_info.max  # the largest finite float: a bound that refuses inf (NaN fails any bound)
_SHOWN = 60  # characters of a bad value shown in a message

Count = Annotated[int, Meta(ge=1, le=2**31)]  # epochs, steps, sizes
Natural = Annotated[int, Meta(ge=0, le=2**31)]  # seasons (0: none), positions
Position = Annotated[int, Meta(ge=-MAX_INT, le=MAX_INT)]  # a step number on a calendar
Finite = Annotated[float, Meta(ge=-_FLOAT, le=_FLOAT)]
NonNegative = Annotated[float, Meta(ge=0.0, le=_FLOAT)]
Positive = Annotated[float, Meta(gt=0.0, le=_FLOAT)]
# printable: no control characters, line or paragraph separators, or bidirectional overrides
Name = Annotated[
    str, Meta(max_length=MAX_NAME, pattern="^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$")
]

S = TypeVar("S")


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({type(value).__name__})"


def fail(where: str | os.PathLike, field: str, expected: str, value: Any = ..., detail: str = "") -> NoReturn:
    """Refuse ``field`` of file ``where``: it must be ``expected``, and ``value`` (if given) it is not."""
    got = "" if value is ... else f", got {show(value)}"
    raise CheckpointError(f"{os.fspath(where)!r}: field {field!r} must be {expected}{got}{detail}")


def check_entries(where: str | os.PathLike, field: str, values: list, n: int) -> None:
    """Refuse ``field`` of file ``where`` unless its array ``values`` holds ``n`` entries."""
    if len(values) != n:
        fail(where, field, f"a JSON array of {n} entries", detail=f", got {len(values)} entries")


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
        value = json.loads(path.read_bytes().decode("utf-8"))  # NaN reads (a diverged epoch's loss)
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


def decode(raw: Any, kind: type[S], where: str | os.PathLike, at: str = "") -> S:
    """``raw`` (parsed JSON) as the Struct ``kind``, or one CheckpointError naming the field (``at``:
    where ``raw`` lies in the file, a dotted path)."""
    try:
        return msgspec.convert(raw, kind, strict=True)
    except msgspec.ValidationError as err:
        message, _, path = str(err).partition(" - at `$")
        parts = re.findall(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]", path.rstrip("`"))
        keys: list[str | int] = [name if name else int(i) if i.isdigit() else "..." for name, i in parts]
        field = _dotted([*filter(None, at.split(".")), *keys])
        if message.startswith("Object missing required field"):
            name = message.split("`")[1]
            raise CheckpointError(
                f"{os.fspath(where)!r}: field {_dotted([field, name])!r} is missing"
            ) from None
        if message.startswith("Object contains unknown field"):
            name = message.split("`")[1]
            fail(where, _dotted([field, name]), "absent: tsrnn writes no such field there")
        if message.startswith("Expected `object`") and not keys and not at:  # the whole file
            raise CheckpointError(
                f"{os.fspath(where)!r} must hold a JSON object, got {type(raw).__name__}"
            ) from None
        info, value = _walk(mi.type_info(kind), keys, raw)
        fail(where, field or "(the file)", _describe(info), value)


def _dotted(keys: list) -> str:
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) or key == "..." else (f".{key}" if text else str(key))
    return text


def _walk(info: mi.Type, keys: list, raw: Any) -> tuple[mi.Type | str, Any]:
    """The type and the value at path ``keys`` of ``raw`` (the value ``...`` where it cannot be found)."""
    value = raw
    for key in keys:
        branch = _branch(info, value, key)
        if isinstance(branch, str):  # a tag, described
            return branch, value.get(key, ...) if isinstance(value, dict) else ...
        info = branch
        if isinstance(info, mi.StructType):
            info = next((f.type for f in info.fields if f.encode_name == key), mi.AnyType())
        elif isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
            info = info.item_type
        elif isinstance(info, mi.DictType):
            info = info.value_type
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            value = ...
    return info, value


def _branch(info: mi.Type, value: Any, key: Any) -> mi.Type | str:
    """The member of a union that a JSON array or object follows (a tagged Struct: by its tag; the
    tag itself: the tags allowed)."""
    if not isinstance(info, mi.UnionType):
        return info
    tagged = [t for t in info.types if isinstance(t, mi.StructType) and t.tag_field is not None]
    if tagged and key == tagged[0].tag_field:  # the tags in the union's order
        shown = [repr(t.tag) for t in tagged]
        return f"{', '.join(shown[:-1])} or {shown[-1]}"
    if tagged and isinstance(value, dict):
        return next((t for t in tagged if t.tag == value.get(t.tag_field)), tagged[0])
    container = (mi.ListType, mi.VarTupleType) if isinstance(value, list) else (mi.StructType, mi.DictType)
    return next((t for t in info.types if isinstance(t, container)), info)


def _describe(info: mi.Type | str) -> str:
    """What a value of type ``info`` must be, in words."""
    if isinstance(info, str):
        return info
    if isinstance(info, mi.UnionType):
        null = any(isinstance(t, mi.NoneType) for t in info.types)
        choices = [t for t in info.types if isinstance(t, mi.LiteralType)]
        if len(choices) == len(info.types) - null:
            return f"one of {[None] * null + [v for t in choices for v in t.values]}"
        words = [_describe(t) for t in info.types if not isinstance(t, mi.NoneType)]
        return " or ".join(words) + (" or null" if null else "")
    if isinstance(info, mi.IntType):
        return f"an integer in [{info.ge}, {info.le}]"
    if isinstance(info, mi.FloatType):
        bound = "> 0" if info.gt is not None else f">= {info.ge}" if info.ge not in (None, -_FLOAT) else ""
        return f"a finite number {bound}".rstrip()
    if isinstance(info, mi.StrType):
        return f"a string of at most {info.max_length or MAX_NAME} printable characters"
    if isinstance(info, mi.BoolType):
        return "true or false"
    if isinstance(info, mi.LiteralType):
        values = list(info.values)
        return " or ".join(map(repr, values)) if len(values) == 2 else f"one of {values}"
    if isinstance(info, (mi.ListType, mi.VarTupleType)):
        return "a JSON array"
    if isinstance(info, (mi.StructType, mi.DictType, mi.DataclassType)):
        return "a JSON object"
    return "a value tsrnn writes"
