"""Data files: CSV, gzip-compressed CSV and Parquet read once (every field as text, then typed by
:mod:`tsrnn.data.fields`); :func:`tsrnn.data.dataset.read` makes a dataset of what they hold."""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..base.errors import DataError
from .fields import check_no_header, header_is_data, typed_columns
from .reading import LINES, Reading, with_reading

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_COLUMNS", "read_csv"]

MAX_COLUMNS = 100_000  # columns of one CSV file
_FALLBACK_ENCODING = (
    "cp1252"  # files that are not UTF-8: Windows' Western European encoding (also reads Latin-1 text)
)


def _encoding(path: str) -> str | None:
    """ "utf-16" for a file that starts with a UTF-16 byte-order mark (Excel's "Unicode text"), else None."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        return "utf-16" if fh.read(2) in (b"\xff\xfe", b"\xfe\xff") else None


def _header(path: str, encoding: str | None = None) -> str:
    """The first line of a (possibly gzip-compressed) text file."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rt", encoding=encoding or "utf-8", errors="replace") as fh:
        return fh.readline()


def _separator(header: str) -> str:
    """``;`` or a tab when the header line holds one of them and no comma, else ``,``."""
    if "," not in header:
        for sep in (";", "\t"):
            if sep in header:
                return sep
    return ","


def _read_parquet(path: str) -> pd.DataFrame:
    import pandas as pd

    try:
        import pyarrow  # noqa: F401  (pandas' Parquet engine)
    except ImportError as err:
        raise DataError(
            f"reading the Parquet file {path!r} needs pyarrow, which is not installed; "
            f"install it with: pip install 'tsrnn[parquet]'"
        ) from err
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise DataError(f"data file {path!r} is not a readable Parquet file: {err}") from err


def _unreadable() -> tuple[type[BaseException], ...]:
    """What reading a damaged file raises: pandas' parser, the codecs, the decompressors of .gz, .bz2 (an
    OSError), .xz, .zip and .tar files."""
    import lzma
    import tarfile
    import zipfile
    import zlib

    import pandas as pd

    return (
        pd.errors.ParserError,
        UnicodeError,
        ValueError,
        OSError,
        EOFError,
        zlib.error,
        lzma.LZMAError,
        zipfile.BadZipFile,
        tarfile.TarError,
    )


def read_csv(
    path: str | os.PathLike, reading: Reading | None = None, id_col: str | None = "unique_id"
) -> pd.DataFrame:
    """Read a data file (CSV, gzip-compressed CSV ``.csv.gz``, or Parquet ``.parquet``); errors name the file.

    Columns are separated by commas, or by semicolons or tabs when the header line has those and no
    comma.  Every field is read as the text it is, and a column becomes numbers only where its
    text allows one reading (:func:`tsrnn.data.numbers.read_numbers`): ``1,5`` and ``2,25`` in a
    semicolon file are decimal commas, ``1.234,5`` and ``12,345.67`` group thousands, but a column
    of ``1.050`` in a semicolon file (1.05 or 1050) is refused until ``reading`` gives its decimal
    or thousands mark.  The id column ``id_col`` of long data stays text exactly as written
    (``01``, ``1e3`` and ``NA`` are ids).  A first row of numbers and dates is data (read with
    columns named 0, 1, ...) where its fields read as the columns below them, with at least one
    date, and refused otherwise until ``reading.header`` says.  Rows with more fields than the
    header names (thousands written with unquoted commas) are refused.  Rows with no value at all
    are skipped; empty fields, ``NA`` and a lone ``.`` or ``:`` (as FRED and Eurostat write a missing
    value) are missing values.  A file that is not UTF-8 is read as Windows-1252 (Western European,
    Latin-1 included), or as UTF-16 when it starts with that byte-order mark (Excel's "Unicode
    text").  Parquet needs pyarrow (``pip install 'tsrnn[parquet]'``).  A file has at most
    :data:`MAX_COLUMNS` columns and its fields at most :data:`~tsrnn.data.fields.MAX_FIELD`
    characters; numbers beyond float64 and time columns with mixed UTC offsets are errors that name
    the column and row.  The frame carries ``reading`` for the time-axis finder
    (``attrs["tsrnn.reading"]``).
    """
    reading = reading or Reading()
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise DataError(f"data file {path!r} does not exist or is not a file")
    if path.lower().endswith((".parquet", ".pq")):
        frame = _read_parquet(path)
        if frame.shape[0] == 0:
            raise DataError(f"data file {path!r} has no rows")
        return with_reading(_roles(frame, path, reading), reading)
    frame, sep = _text_frame(path, reading)
    frame.columns = [str(c) for c in frame.columns]
    frame.attrs = {**frame.attrs, LINES: _lines(frame, 1 if reading.header is False else 2)}
    lines = frame.attrs[LINES]
    ids = next((name for name, role in (reading.columns or {}).items() if role == "unique_id"), id_col)
    frame = typed_columns(frame, path, reading, sep, ids)  # errors name the file's own columns
    frame = _roles(frame, path, reading)
    frame.attrs = {**frame.attrs, LINES: lines}  # messages name a row by its line in the file
    frame = frame.dropna(how="all")  # blank rows
    if frame.shape[0] == 0:
        raise DataError(f"data file {path!r} has a header but no rows")
    if reading.header is None and header_is_data(frame, reading, sep):
        return read_csv(path, replace(reading, header=False), id_col)
    if reading.header is False:
        check_no_header(frame, reading, sep)
    return with_reading(frame, reading)


def _text_frame(path: str, reading: Reading) -> tuple[pd.DataFrame, str]:
    """Every field of a CSV file as text, and the column separator; errors name the file."""
    import pandas as pd

    try:
        encoding = _encoding(path)
        header = _header(path, encoding)
        sep = _separator(header)
        columns = header.count(sep) + 1
        if columns > MAX_COLUMNS:
            raise DataError(f"data file {path!r} has {columns} columns; tsrnn reads at most {MAX_COLUMNS}")
        read: dict[str, Any] = dict(
            sep=sep, dtype=str, keep_default_na=False, encoding=encoding, skip_blank_lines=False
        )  # blank lines kept (then dropped as rows of no value), so each row's position gives its line
        if reading.header is False:
            read["header"] = None
        try:
            frame = pd.read_csv(path, **read)
        except UnicodeDecodeError:
            read["encoding"] = _FALLBACK_ENCODING
            frame = pd.read_csv(path, **read)
    except pd.errors.EmptyDataError as err:
        raise DataError(
            f"data file {path!r} is empty; expected a header row and one row per time step"
        ) from err
    except pd.errors.ParserError as err:
        raise DataError(
            f"data file {path!r} is not a readable CSV: {_fields_message(str(err), sep)}"
        ) from err
    except ImportError as err:  # a compression pandas reads only with another package (.zst: zstandard)
        raise DataError(f"data file {path!r} needs a package that is not installed: {err}") from err
    except _unreadable() as err:  # also a corrupt .gz, .bz2, .xz, .zip or .tar: the decompressors' own errors
        raise DataError(f"data file {path!r} is not a readable CSV: {str(err)[:300]}") from err
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took the first fields for an index
        raise DataError(
            f"data file {path!r}: rows have more fields than the header names ({len(frame.columns)}: "
            f"{', '.join(map(str, frame.columns))}); {_GROUPING_HINT}"
        )
    return frame, sep


def _lines(frame: pd.DataFrame, first: int) -> dict:
    """Where the rows of a text file's ``frame`` (every field as text, blank lines kept) are in the
    file: the line of the row at position 0, and after which positions quoted fields that span
    several lines push the next rows down, by how many lines in all (see
    :func:`~tsrnn.data.reading.rows_said`)."""
    import numpy as np

    spans = np.zeros(len(frame), dtype=np.int64)
    for name in frame.columns:
        column = frame[name]
        if column.str.contains("\n", regex=False).any():
            spans += column.str.count("\n").fillna(0).to_numpy(dtype=np.int64)
    after = np.flatnonzero(spans)
    return {"first": first, "after": after.tolist(), "extra": np.cumsum(spans[after]).tolist()}


def _roles(frame: pd.DataFrame, path: str, reading: Reading) -> pd.DataFrame:
    """The columns ``reading.columns`` names renamed to their long-layout roles (unique_id, ds, y)."""
    if not reading.columns:
        return frame
    missing = [n for n, role in reading.columns.items() if n not in frame.columns and role != "y"]
    if missing:
        raise DataError(
            f"data file {path!r} has no column {missing[0]!r} (named for "
            f"{reading.columns[missing[0]]}); its columns are {list(map(str, frame.columns))[:20]}"
        )
    taken = [c for c in reading.columns.values() if c in frame.columns and c not in reading.columns]
    if taken:
        raise DataError(
            f"data file {path!r} already has a column {taken[0]!r}; name it as the {taken[0]} column, or "
            f"rename it"
        )
    return frame.rename(columns=reading.columns)  # a file of future values has no target column


_GROUPING_HINT = (
    "a number written with a thousands separator that is also the column separator (1,234 in a "
    'comma file) must be quoted ("1,234") or written without it'
)


def _fields_message(message: str, sep: str) -> str:
    """pandas' complaint about a row of too many fields, with what usually causes it."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found is None:
        return message
    names, line, seen = found.groups()
    return f"line {line} has {seen} fields where the header names {names}" + (
        f"; {_GROUPING_HINT}" if sep == "," else ""
    )
