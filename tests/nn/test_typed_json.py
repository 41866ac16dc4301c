"""tsrnn.nn.typed_json: parsed JSON decoded into typed models, every refusal one line naming file and field."""

from __future__ import annotations

import math
from typing import Literal

import pytest
from msgspec import Struct

from tsrnn.base.errors import CheckpointError
from tsrnn.nn.typed_json import Count, Name, NonNegative, decode, read_json


class Part(Struct, forbid_unknown_fields=True):
    kind: Literal["integer", "datetime"]
    steps: list[Count | None]
    scale: NonNegative
    name: Name | None = None


class File(Struct, forbid_unknown_fields=True):
    part: Part
    flag: bool = False


GOOD = {"part": {"kind": "integer", "steps": [1, None], "scale": 0.5}}


def test_a_file_in_its_format_decodes_to_its_structs():
    file = decode(GOOD, File, "f.json")
    assert file.part.steps == [1, None] and file.part.scale == 0.5 and file.flag is False


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r["part"].pop("kind"), "field 'part.kind' is missing"),
        (
            lambda r: r["part"].update(extra=1),
            "field 'part.extra' must be absent: tsrnn writes no such field",
        ),
        (
            lambda r: r["part"]["steps"].__setitem__(1, 0),
            "field 'part.steps[1]' must be an integer in [1, 2147483648] or null, got 0",
        ),
        (
            lambda r: r["part"].update(kind="calendar"),
            "field 'part.kind' must be 'datetime' or 'integer', got 'calendar'",
        ),
        (
            lambda r: r["part"].update(scale=math.inf),
            "field 'part.scale' must be a finite number >= 0.0, got inf",
        ),
        (
            lambda r: r["part"].update(scale=math.nan),
            "field 'part.scale' must be a finite number >= 0.0, got nan",
        ),
        (
            lambda r: r["part"].update(name="a\x1b[2J"),
            "field 'part.name' must be a string of at most 1000 printable characters or null",
        ),
        (lambda r: r.update(flag="yes"), "field 'flag' must be true or false, got 'yes'"),
        (lambda r: r.update(part=[1]), "field 'part' must be a JSON object, got [1]"),
    ],
)
def test_each_refusal_names_the_field_what_was_expected_and_what_was_given(change, message):
    raw = {"part": dict(GOOD["part"], steps=[1, None])}
    change(raw)
    with pytest.raises(CheckpointError) as caught:
        decode(raw, File, "dir/f.json")
    text = str(caught.value)
    assert text.startswith("'dir/f.json': ") and message in text and "\n" not in text


def test_a_file_that_is_no_object_says_so():
    with pytest.raises(CheckpointError, match=r"^'f\.json' must hold a JSON object, got list$"):
        decode([1, 2], File, "f.json")


def test_read_json_refuses_deep_nesting_and_large_files(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 40 + "]" * 40)
    with pytest.raises(CheckpointError, match="nests deeper than 16 levels"):
        read_json(tmp_path / "deep.json")
    (tmp_path / "big.json").write_text("[" + "0," * 100 + "0]")
    with pytest.raises(CheckpointError, match=r"is 203 bytes; tsrnn reads JSON files of at most 100 bytes"):
        read_json(tmp_path / "big.json", limit=100)
