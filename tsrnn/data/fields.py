"""The fields of a text data file, read as text and typed column by column: missing marks, numbers
(where one reading fits, :func:`tsrnn.data.numbers.read_numbers`), text, the id column as written;
and whether the header row is the first row of data."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from ..base.errors import DataError
from .reading import Reading, ReadingRefused, rows_said

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_FIELD", "typed_columns", "header_is_data", "check_no_header"]

MAX_FIELD = 1000  # characters of one CSV field (a number, a timestamp, a label) or column name
# missing values as files write them: pandas' own marks, and a lone dot (FRED) or colon (Eurostat)
_MISSING = frozenset(
    "|#N/A|#N/A N/A|#NA|-1.#IND|-1.#QNAN|-NaN|-nan|1.#IND|1.#QNAN|<NA>|N/A|NA|NULL|NaN|None|n/a|nan|null|.|:".split(
        "|"
    )
)
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*")


def _check_offsets(rows: list, text: list[str], name, path: str, said) -> None:
    """Refuse a column of timestamps that mixes UTC offsets (or offsets and none): tsrnn's own message,
    naming where each offset is first (``said``: a row's label in words, its line in the file)."""
    seen: dict[str, object] = {}
    for row, v in zip(rows, text, strict=False):
        match = _STAMP.fullmatch(v)
        if match is None:
            continue
        offset = (match.group(1) or "none").replace("Z", "+00:00")
        offset = offset if offset == "none" or ":" in offset else f"{offset[:3]}:{offset[3:]}"
        seen.setdefault(offset, row)
        if len(seen) > 1:
            (a, i), (b, j) = seen.items()
            shown = lambda o: "no offset" if o == "none" else f"offset {o}"  # noqa: E731
            why = "" if "none" in seen else ", as local time across a daylight-saving change does"
            raise DataError(
                f"data file {path!r}: time column {name!r} mixes UTC offsets ({shown(a)} at {said(i)}, "
                f"{shown(b)} at {said(j)}){why}; tsrnn reads one offset per time column: convert the "
                f"timestamps to UTC first"
            )


def typed_columns(frame: pd.DataFrame, path: str, reading: Reading, sep: str, id_col) -> pd.DataFrame:
    """Each column of text as missing values, numbers (where one reading fits) or text; the id column
    text exactly as written.  Refuses fields over :data:`MAX_FIELD` characters, numbers beyond float64
    and timestamps with mixed UTC offsets, naming column and row.  Each distinct text is read once."""
    import pandas as pd

    from .numbers import read_numbers

    fast = sep == "," and reading.decimal != "," and reading.thousands != "."
    out, numbers_text = {}, {}  # the text of each column of numbers, for the thousands mark's check
    for name in frame.columns:
        if len(name) > MAX_FIELD:
            raise DataError(
                f"data file {path!r} has a column name of {len(name)} characters; tsrnn reads "
                f"names and fields of at most {MAX_FIELD}"
            )
        raw = frame[name]
        if fast and name != id_col and _plain_numbers(raw.iloc[:100]):  # pandas' own parser, in C
            numbers = pd.to_numeric(raw.where(~raw.isin(_MISSING)), errors="coerce")
            if numbers.notna().sum() == (~raw.isin(_MISSING)).sum() and numbers.notna().any():
                out[name] = _finite(numbers, raw, path, name)
                numbers_text[name] = raw[numbers.notna()]
                continue
        codes, distinct = pd.factorize(raw)  # -1: missing; each distinct text read once (a long file's dates)
        text = pd.Series(distinct, dtype=object)
        stripped = text.str.strip()
        missing = (stripped == "") if name == id_col else stripped.isin(_MISSING)
        _check_lengths(frame, stripped, codes, name, path)
        keep = (codes >= 0) & ~missing.to_numpy()[np.maximum(codes, 0)]
        if name == id_col:
            out[name] = pd.Series(
                np.where(keep, text.to_numpy()[np.maximum(codes, 0)], None), index=frame.index
            )
            continue
        first = np.unique(codes, return_index=True)[1][np.unique(codes) >= 0]  # each text's first row
        present = pd.Series(stripped.to_numpy(), index=frame.index[first])[~missing.to_numpy()]
        numbers = read_numbers(present, reading, sep == ",", name) if len(present) else None
        if numbers is None:
            _check_offsets(
                list(present.index), present.tolist(), name, path, lambda r: rows_said(frame, [r])[0]
            )
            out[name] = pd.Series(
                np.where(keep, stripped.to_numpy()[np.maximum(codes, 0)], None), index=frame.index
            )
            continue
        values = np.full(len(text), np.nan)
        values[~missing.to_numpy()] = numbers.to_numpy(dtype=np.float64)
        column = pd.Series(values[np.maximum(codes, 0)], index=frame.index).where(keep)
        integers = numbers.dtype.kind == "i" and keep.all()
        out[name] = _finite(column.astype(np.int64) if integers else column, raw, path, name)
        numbers_text[name] = present
    if reading.thousands:
        _check_thousands(numbers_text, reading.thousands, path)
    return pd.DataFrame(out, index=frame.index)


def _check_thousands(columns: dict, mark: str, path: str) -> None:
    """Refuse a thousands mark that no number of the file writes while a column writes numbers of
    four digits or more without it (``--thousands .`` on ``1050``): the option does not fit the
    file.  Columns named like a time (years) are not asked to group their digits."""
    from .time_words import looks_like_time

    sign, marks = r"[+-]?", "[ \u00a0\u202f]" if mark == " " else re.escape(mark)
    grouped = rf"{sign}\d{{1,3}}({marks}\d{{3}})+([.,]\d*)?"
    if any(text.astype(str).str.strip().str.fullmatch(grouped).any() for text in columns.values()):
        return
    for name, text in columns.items():
        text = text.astype(str).str.strip()
        plain = text[text.str.fullmatch(rf"{sign}\d{{4,}}([.,]\d*)?")]
        if len(plain) and not looks_like_time(name):
            shown = ", ".join(plain.iloc[:3]) + (" ..." if len(plain) > 3 else "")
            raise ReadingRefused(
                f"data file {path!r}: thousands={mark!r} groups the digits of no number in the file, and "
                f"column {name!r} writes {shown} without it; leave the option out, or say that the file groups no digits with thousands=''"
            )


def _check_lengths(frame: pd.DataFrame, stripped: pd.Series, codes: np.ndarray, name, path: str) -> None:
    """Refuse a field over :data:`MAX_FIELD` characters (``stripped``: the column's distinct texts,
    ``codes``: each row's), naming its line."""
    long = stripped.str.len() > MAX_FIELD
    if long.any():
        row = int(np.flatnonzero(codes == int(np.argmax(long.to_numpy())))[0])
        raise DataError(
            f"data file {path!r}, column {name!r}, {rows_said(frame, [frame.index[row]])[0]}: a field of "
            f"{int(stripped.str.len().max())} characters; tsrnn reads fields of at most {MAX_FIELD}"
        )


def _plain_numbers(head: pd.Series) -> bool:
    """Whether the first values of a column are plain numbers (or missing), so the whole may be."""
    import pandas as pd

    given = head[~head.isin(_MISSING) & head.notna()]
    return bool(len(given)) and bool(pd.to_numeric(given, errors="coerce").notna().all())


def _finite(numbers: pd.Series, raw: pd.Series, path: str, name) -> pd.Series:
    """``numbers`` (float64 where they are beyond int64), refusing those beyond float64 that the file
    does not write as infinities."""
    if numbers.dtype == object:  # integers beyond int64
        numbers = numbers.astype(np.float64)
    infinite = ~np.isfinite(numbers.to_numpy(dtype=np.float64)) & numbers.notna().to_numpy()
    if infinite.any():
        rows = np.flatnonzero(infinite)
        said = raw.iloc[rows].str.contains("inf", case=False).to_numpy(dtype=bool)
        if not said.all():
            row = int(rows[np.argmin(said)])
            shown = str(raw.iloc[row]).strip()
            raise DataError(
                f"data file {path!r}, column {name!r}, {rows_said(raw, [raw.index[row]])[0]}: the number "
                f"{shown[:12]}... "
                f"({len(shown)} characters) is beyond the range of float64 (about 1.8e308)"
            )
    return numbers


def header_is_data(frame: pd.DataFrame, reading: Reading, sep: str) -> bool:
    """Whether the header row is the first row of data: True where each of its fields reads as the
    column below it (a number over numbers, a date over dates of its form) and one is a date;
    refused where every field is a number or a date but that is not certain."""
    import pandas as pd

    from .dates import parse_dates
    from .numbers import read_numbers

    names = pd.Series(list(frame.columns), dtype=object)
    if names.str.fullmatch(r"Unnamed: \d+.*").any():
        return False
    kinds = []
    for name in frame.columns:
        try:
            number = read_numbers(pd.Series([name.strip()]), reading, sep == ",")
        except DataError:
            number = pd.Series([0.0])
        column = frame[name].dropna()
        if number is not None:
            kinds.append("number" if pd.api.types.is_numeric_dtype(column) else "number over text")
            continue
        try:
            below = parse_dates(pd.Series([name, *column.iloc[:50]], dtype=object), reading)
        except DataError:
            below = None
        if below is not None and not pd.api.types.is_numeric_dtype(column):
            kinds.append("date")
        elif parse_dates(pd.Series([name, name], dtype=object), reading, strict=False) is not None:
            kinds.append("date over other")
        else:
            return False  # a name: a header
    if "date" in kinds and set(kinds) <= {"date", "number"}:
        return True
    raise DataError(
        f"the first row ({', '.join(frame.columns[:5])}{' ...' if len(frame.columns) > 5 else ''}) reads as "
        f"data, not column names; choose with header=False for a file without a header row, "
        f"or header=True where it names the columns"
    )


def check_no_header(frame: pd.DataFrame, reading: Reading, sep: str) -> None:
    """Refuse ``header=False`` on a file whose first row names its columns: a field of text over a
    column of numbers or dates (``date`` over ``2020-01-13``, ...), which no column can be read with."""
    import pandas as pd

    from .dates import parse_dates
    from .numbers import read_numbers

    if len(frame) < 3:
        return
    for name in frame.columns:
        column = frame[name]
        first, rest = column.iloc[0], column.iloc[1:51].dropna()
        if not isinstance(first, str) or not len(rest) or _reads(read_numbers, first, reading, sep == ","):
            continue
        below = "numbers" if pd.api.types.is_numeric_dtype(rest) else None
        if below is None and rest.map(lambda v: isinstance(v, str)).all():
            if _reads(parse_dates, first, reading) is False and _reads(parse_dates, rest, reading):
                below = "dates"
            elif _reads(read_numbers, rest.str.strip(), reading, sep == ","):
                below = "numbers"
        if below is not None:
            raise DataError(
                f"column {str(name)!r} cannot be read with header=False: its first field {first!r} is a "
                f"name over {below} ({', '.join(map(str, rest.iloc[:2]))}, ...), not a value; the file "
                f"reads with header=True"
            )


def _reads(reader, values, *args) -> bool:
    """Whether ``reader`` (read_numbers or parse_dates) reads ``values`` (a text or a column)."""
    import pandas as pd

    text = pd.Series([values] if isinstance(values, str) else list(values), dtype=object)
    try:
        return reader(text, *args) is not None
    except DataError:
        return False
