"""Numbers as files write them: one table of written forms, and the loop that reads a column with it.

Each entry of :data:`NUMBER_FORMS` is one way of writing a number (its pattern), the marks it
implies (the decimal mark, and the mark grouping thousands if it groups them) and how it reads.
A *convention* is a file's pair of marks (decimal point and thousands comma, decimal comma and
thousands point, ...).  :func:`read_numbers` reads a column under every convention the options and
the file allow; when all that read every value agree, the column is numbers, and when two give
different numbers (``1.050``: 1.05 or 1050) it is refused with the option that decides.  Numbers are
written back as plain floats (``1050.0``), never in the file's marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .reading import Reading, ReadingRefused, ambiguous

__all__ = ["NumberForm", "NUMBER_FORMS", "CONVENTIONS", "read_numbers"]

_SPACES = " \u00a0\u202f"  # a space, a no-break space and a narrow one (French spreadsheets)


@dataclass(frozen=True)
class NumberForm:
    """One written form of a number: ``pattern`` (matched whole, after stripping), the decimal mark it
    implies (None: either) and its thousands mark (None: it groups no digits, so any convention
    reads it); ``read`` turns matching text into floats."""

    name: str
    pattern: str
    decimal: str | None
    thousands: str | None

    def matches(self, text: pd.Series) -> np.ndarray:
        return text.str.fullmatch(self.pattern, flags=re.IGNORECASE).to_numpy(dtype=bool)

    def read(self, text: pd.Series) -> np.ndarray:
        plain = text
        if self.thousands == " ":
            plain = plain.str.replace(f"[{_SPACES}]", "", regex=True)
        elif self.thousands is not None:
            plain = plain.str.replace(self.thousands, "", regex=False)
        if self.decimal == ",":
            plain = plain.str.replace(",", ".", regex=False)
        return pd.to_numeric(plain, errors="coerce").to_numpy(dtype=np.float64)

    def reads_under(self, decimal: str, thousands: str) -> bool:
        return self.decimal in (None, decimal) and self.thousands in (None, thousands)


_S = "[+-]?"
NUMBER_FORMS: tuple[NumberForm, ...] = (
    NumberForm("integer", rf"{_S}\d+", None, None),
    NumberForm("decimal point", rf"{_S}(\d+\.\d*|\.\d+)(e[+-]?\d+)?|{_S}\d+e[+-]?\d+", ".", None),
    NumberForm("decimal comma", rf"{_S}(\d+,\d*|,\d+)", ",", None),
    NumberForm("thousands comma", rf"{_S}\d{{1,3}}(,\d{{3}})+(\.\d*)?", ".", ","),
    NumberForm("thousands point", rf"{_S}\d{{1,3}}(\.\d{{3}})+(,\d*)?", ",", "."),
    NumberForm("thousands space, decimal comma", rf"{_S}\d{{1,3}}([{_SPACES}]\d{{3}})+(,\d*)?", ",", " "),
    NumberForm("thousands space, decimal point", rf"{_S}\d{{1,3}}([{_SPACES}]\d{{3}})+(\.\d*)?", ".", " "),
    NumberForm("thousands apostrophe", rf"{_S}\d{{1,3}}('\d{{3}})+(\.\d*)?", ".", "'"),
    NumberForm("infinity", rf"{_S}inf(inity)?", None, None),
)
# every pair of marks a file may use: (decimal, thousands); "" groups no digits
CONVENTIONS: tuple[tuple[str, str], ...] = tuple(
    (d, t) for d in (".", ",") for t in ("", ",", ".", " ", "'") if t != d
)


def _describe(convention: tuple[str, str]) -> str:
    d, t = convention
    mark = {" ": "a space", "'": "an apostrophe"}.get(t, repr(t))
    return f"decimal {d!r}" + (f", thousands {mark}" if t else "")


def _options(conventions: list[tuple[str, str]]) -> str:
    shown = [f"decimal={d!r}" for d in sorted({c[0] for c in conventions})]
    marks = sorted({c[1] for c in conventions if c[1]})
    shown += [f"thousands={t!r}" for t in marks]
    return " or ".join(shown)


def read_numbers(text: pd.Series, reading: Reading, comma_file: bool = False, name=None) -> pd.Series | None:
    """The column ``text`` (strings, stripped, no missing values) as numbers, or None when some
    value is no number under any convention allowed.  ``reading.decimal`` / ``reading.thousands``
    narrow the conventions; in a comma-separated file (``comma_file``) a decimal comma is possible only
    in a column that writes a comma (a quoted field).  Two conventions that read every value to
    different numbers are an :class:`~tsrnn.data.reading.AmbiguousData` naming column ``name``."""
    if not len(text):
        return None
    conventions = _conventions(text, reading, comma_file)
    fast = _fast(text, conventions)
    if fast is not None:
        return fast
    matched = {form.name: form.matches(text) for form in NUMBER_FORMS}
    distinct = _readings(text, matched, conventions)
    if not distinct:
        if reading.decimal is not None or reading.thousands is not None:
            _refuse_contradicted(text, matched, reading, comma_file, name)
        return None
    if len(distinct) > 1:
        differ = ~np.isclose(distinct[0][1], distinct[1][1], rtol=0, atol=0, equal_nan=True)
        rows = np.flatnonzero(differ)[:3]
        raise ambiguous(
            name,
            f"({', '.join(repr(v) for v in text.iloc[rows])})",
            [(_describe(c), [_number(x) for x in v[rows]]) for c, v in distinct],
            _options([c for c, _ in distinct]),
        )
    values = distinct[0][1]
    if matched["integer"].all():
        return pd.Series(values.astype(np.int64), index=text.index)
    return pd.Series(values, index=text.index)


def _conventions(text: pd.Series, reading: Reading, comma_file: bool) -> list[tuple[str, str]]:
    """The conventions ``reading`` allows; in a comma-separated file a decimal comma only where the
    column writes a comma (a quoted field), unless the options leave nothing else (thousands='.')."""
    given = [c for c in CONVENTIONS if reading.decimal in (None, c[0]) and reading.thousands in (None, c[1])]
    if comma_file and reading.decimal is None and not text.str.contains(",").any():
        return [c for c in given if c[0] != ","] or given
    return given


def _readings(
    text: pd.Series, matched: dict[str, np.ndarray], conventions: list[tuple[str, str]]
) -> list[tuple[tuple[str, str], np.ndarray]]:
    """The distinct readings of every value of ``text`` under ``conventions``, each with the first
    convention that gives it (none where no convention reads every value)."""
    distinct: list[tuple[tuple[str, str], np.ndarray]] = []
    for convention in conventions:
        values = np.full(len(text), np.nan)
        for form in NUMBER_FORMS:  # the one loop over the table
            where = matched[form.name] & np.isnan(values)
            if form.reads_under(*convention) and where.any():
                values[where] = form.read(text[where])
        if not np.isnan(values).any() and not any(np.array_equal(values, v) for _, v in distinct):
            distinct.append((convention, values))
    return distinct


def _refuse_contradicted(
    text: pd.Series, matched: dict[str, np.ndarray], reading: Reading, comma_file: bool, name
) -> None:
    """Refuse a column of numbers that the options ``reading.decimal`` / ``reading.thousands`` cannot
    read (``100.25`` with decimal=','), naming the options, the values they leave unread and the
    options that read them; a column that reads under no convention is text, and passes."""
    fitting = _readings(text, matched, _conventions(text, Reading(), comma_file))
    if not fitting:
        return
    given = _conventions(text, reading, comma_file)
    readable = np.zeros(len(text), dtype=bool)
    for form in NUMBER_FORMS:
        if any(form.reads_under(*c) for c in given):
            readable |= matched[form.name]
    unread = text[~readable]
    options = " and ".join(
        f"{k}={v!r}"
        for k, v in (("decimal", reading.decimal), ("thousands", reading.thousands))
        if v is not None
    )
    raise ReadingRefused(
        f"column {str(name)!r} cannot be read with {options}: {_examples([repr(v) for v in unread])} "
        f"{'is no number' if len(unread) == 1 else 'are no numbers'} with {'it' if ' and ' not in options else 'them'}"
        f"; the column reads with {_options([c for c, _ in fitting])}"
    )


def _examples(values: list[str]) -> str:
    return ", ".join(values[:3]) + (" ..." if len(values) > 3 else "")


def _fast(text: pd.Series, conventions: list) -> pd.Series | None:
    """The common case without the table: every value written with a decimal point (or none) and
    no other convention allowed that reads them differently; None where the table must decide."""
    if not any(c[0] == "." for c in conventions):
        return None
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.isna().any() or not text.str.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?", case=False).all():
        return None
    if any(c[0] == "," for c in conventions) and text.str.contains(".", regex=False).any():
        return None  # 1.050 could group thousands: the table decides
    return numbers


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))
