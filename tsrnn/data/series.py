"""Series from arrays, DataFrames and CSV files; validation; the standard scaler.

A series is always ``(T, F)``: time steps by features, float32, finite.  pandas is imported only
where a DataFrame comes in or goes out, so NumPy-only work does not load it.
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..base import checks
from ..base.errors import DataError
from .reading import EpochUnit, Reading, with_reading

if TYPE_CHECKING:
    import pandas as pd

    from .sessions import Session

__all__ = [
    "Series",
    "as_series",
    "check_finite",
    "read_csv",
    "read",
    "Scaler",
    "index_spec",
    "future_index",
    "future_labels",
]


@dataclass(frozen=True)
class Series:
    """A validated series: ``values`` (T, F) float32, a name per column and the time index (a
    DataFrame's index, or ``range(T)`` for an array); for a calendar, its frequency (``"MS"``), the
    form its labels were written in (``"month"``, see :mod:`tsrnn.data.calendar`) and its usual season."""

    values: np.ndarray
    columns: list[str]
    index: pd.Index | range
    freq: str | None = None
    form: str | None = None
    season: int | None = None
    session: Session | None = None  # the sessions its steps lie in (tsrnn.data.sessions.Session), if any

    @property
    def length(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.values.shape[1])


def check_finite(values: np.ndarray, columns=None, index=None) -> None:
    """Raise DataError naming the first NaN or infinite value's row and column."""
    finite = np.isfinite(values)  # a mask beats a float64 sum up to large series, and never warns
    if finite.all():
        return
    row, col = (int(i) for i in np.argwhere(~finite)[0])
    label = columns[col] if columns is not None else col
    at = f"row {row}" if index is None or index[row] == row else f"row {row} ({index[row]})"
    raise DataError(
        f"series has a non-finite value ({values[row, col]}) at {at}, column {label!r}; "
        f"{int((~finite).sum())} such values in all. Fill or drop them before fitting."
    )


def as_series(data) -> Series:
    """Read an ndarray ``(T,)`` / ``(T, F)`` or a DataFrame (its numeric columns) as a checked series."""
    if isinstance(data, Series):
        return data
    if checks.is_pandas(data, "Series"):
        data = data.to_frame()
    if checks.is_pandas(data, "DataFrame"):
        numeric = data.select_dtypes(include="number")
        if numeric.shape[1] == 0:
            raise DataError(
                f"expected at least one numeric column, got columns {list(data.columns)} "
                f"of types {[str(t) for t in data.dtypes]}"
            )
        values = numeric.to_numpy(dtype=np.float32)
        columns, index = [str(c) for c in numeric.columns], numeric.index
        time = {k: data.attrs.get(f"tsrnn.{k}") for k in ("freq", "form", "season")}
        if data.attrs.get("tsrnn.session"):
            from .sessions import Session

            time["session"] = Session.from_text(data.attrs["tsrnn.session"])
    else:
        try:
            values = np.asarray(data, dtype=np.float32)
        except (TypeError, ValueError) as err:
            raise DataError(
                f"expected a numeric array of shape (T, F) or a DataFrame, got {type(data).__name__}: {err}"
            ) from err
        if values.ndim == 1:
            values = values[:, None]  # (T,) -> (T, 1)
        if values.ndim != 2:
            raise DataError(f"expected a series of shape (T,) or (T, F), got shape {values.shape}")
        columns, index = [f"f{k}" for k in range(values.shape[1])], range(values.shape[0])
        time = {}
    if values.shape[0] == 0:
        raise DataError("expected a series with at least one time step, got 0 rows")
    check_finite(values, columns, index)
    values = values if values.flags.writeable else values.copy()  # pandas may hand out read-only views
    return Series(np.ascontiguousarray(values), columns, index, **time)


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


MAX_FIELD = 1000  # characters of one CSV field (a number, a timestamp, a label) or column name
MAX_COLUMNS = 100_000  # columns of one CSV file
# missing values as files write them: pandas' own marks, and a lone dot (FRED) or colon (Eurostat)
_MISSING = frozenset(
    "|#N/A|#N/A N/A|#NA|-1.#IND|-1.#QNAN|-NaN|-nan|1.#IND|1.#QNAN|<NA>|N/A|NA|NULL|NaN|None|n/a|nan|null|.|:".split(
        "|"
    )
)
_FALLBACK_ENCODING = (
    "cp1252"  # files that are not UTF-8: Windows' Western European encoding (also reads Latin-1 text)
)
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*")


def _check_offsets(rows: list, text: list[str], name, path: str) -> None:
    """Refuse a column of timestamps that mixes UTC offsets (or offsets and none): tsrnn's own message."""
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
                f"data file {path!r}: time column {name!r} mixes UTC offsets ({shown(a)} at row {i}, "
                f"{shown(b)} at row {j}){why}; tsrnn reads one offset per time column: convert the "
                f"timestamps to UTC first"
            )


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
    :data:`MAX_COLUMNS` columns and its fields at most :data:`MAX_FIELD` characters; numbers beyond
    float64 and time columns with mixed UTC offsets are errors that name the column and row.  The
    frame carries ``reading`` for the time-axis finder (``attrs["tsrnn.reading"]``).
    """
    import pandas as pd

    reading = reading or Reading()
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise DataError(f"data file {path!r} does not exist or is not a file")
    if path.lower().endswith((".parquet", ".pq")):
        frame = _read_parquet(path)
        if frame.shape[0] == 0:
            raise DataError(f"data file {path!r} has no rows")
        return with_reading(_roles(frame, path, reading), reading)
    try:
        encoding = _encoding(path)
        header = _header(path, encoding)
        sep = _separator(header)
        columns = header.count(sep) + 1
        if columns > MAX_COLUMNS:
            raise DataError(f"data file {path!r} has {columns} columns; tsrnn reads at most {MAX_COLUMNS}")
        read: dict[str, Any] = dict(sep=sep, dtype=str, keep_default_na=False, encoding=encoding)
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
    frame.columns = [str(c) for c in frame.columns]
    frame = _roles(frame, path, reading)
    frame = _typed(frame, path, reading, sep, id_col)
    frame = frame.dropna(how="all")  # blank rows
    if frame.shape[0] == 0:
        raise DataError(f"data file {path!r} has a header but no rows")
    if reading.header is None and _data_header(frame, reading, sep):
        return read_csv(path, replace(reading, header=False), id_col)
    return with_reading(frame, reading)


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


def read(
    source,
    *,
    time_col: str | None = None,
    id_col: str | None = None,
    target_col: str | None = None,
    freq: str | None = None,
    dayfirst: bool | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    header="infer",
    century: int | None = None,
    year: int | None = None,
    epoch: EpochUnit | None = None,
    fill: str | None = None,
    irregular: str = "error",
) -> tuple[pd.DataFrame, dict]:
    """Read a series from a file or a DataFrame once, and say how it was read.

    ``source`` is a path (CSV, ``.csv.gz``, Parquet) or a DataFrame.  With ``id_col`` (or columns
    ``unique_id``, ``ds``, ``y``) it is long data: ``id_col``, ``time_col`` and ``target_col`` are
    renamed ``unique_id``, ``ds`` and ``y``, and the frame comes back as read (ids as text, exactly
    as written), checked by :func:`tsrnn.data.frames.long_panel`; else it is wide data, returned
    clean by :func:`tsrnn.data.frames.prepare_wide` (indexed by its time axis).  Either frame is
    ready for :meth:`tsrnn.Forecaster.fit` and carries the reading.  Where the text reads two ways
    it is refused with the option that picks one: ``dayfirst``, ``decimal`` (``"."`` or ``","``),
    ``thousands`` (``","``, ``"."``, ``" "``, ``"'"`` or ``""``), ``header`` (``"infer"``; None: no
    header row, as pandas says it; 0: the first row names the columns), ``century`` (two-digit years
    fall in the hundred years from it), ``year`` (of the first of dates written without one),
    ``epoch`` (the unit of integer timestamps).  ``freq``, ``fill`` and ``irregular`` are those of
    :func:`~tsrnn.data.frames.prepare_wide`.  Returns the frame and the report of what was decided:
    the layout, the time column, its form and frequency, gaps, fills, the columns left out, and the
    options given (``reading``).
    """
    import pandas as pd

    from .frames import LONG_ID, LONG_TARGET, LONG_TIME, is_long, long_panel, prepare_wide

    if not (header == "infer" or header is None or header in (0, True, False)):
        raise ValueError(f"header must be 'infer', None (no header row) or 0, got {header!r}")
    reading = Reading(
        dayfirst=dayfirst,
        decimal=decimal,
        thousands=thousands,
        header=None if header == "infer" else header is not None and header is not False,
        century=century,
        year=year,
        epoch=epoch,
    )
    if isinstance(source, pd.DataFrame):
        frame = with_reading(source.copy(deep=False), reading)
    elif isinstance(source, (str, os.PathLike)):
        frame = read_csv(source, reading, id_col=id_col or LONG_ID)
    else:
        raise TypeError(f"source must be a path or a DataFrame, got {type(source).__name__}")
    names = {id_col: LONG_ID, time_col: LONG_TIME, target_col: LONG_TARGET}
    if id_col is not None:
        missing = [c for c in names if c is not None and c not in frame.columns]
        if missing:
            raise DataError(f"column(s) {missing} not found; columns are {list(frame.columns)}")
        frame = frame.rename(columns={k: v for k, v in names.items() if k is not None})
    if is_long(frame):
        panel = long_panel(frame, None, fill, irregular, freq)
        return frame, {
            "layout": "long",
            "series": len(panel.ids),
            **panel.report,
            "reading": reading.to_dict(),
        }
    clean, report = prepare_wide(frame, time_col, None, fill, irregular, freq)
    return clean, {"layout": "wide", **report, "reading": reading.to_dict()}


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


def _typed(frame: pd.DataFrame, path: str, reading: Reading, sep: str, id_col) -> pd.DataFrame:
    """Each column of text as missing values, numbers (where one reading fits) or text; the id column
    text exactly as written.  Refuses fields over :data:`MAX_FIELD` characters, numbers beyond float64
    and timestamps with mixed UTC offsets, naming column and row.  Each distinct text is read once."""
    import pandas as pd

    from .numbers import read_numbers

    fast = sep == "," and reading.decimal != "," and reading.thousands != "."
    out = {}
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
                continue
        codes, distinct = pd.factorize(raw)  # -1: missing; each distinct text read once (a long file's dates)
        text = pd.Series(distinct, dtype=object)
        stripped = text.str.strip()
        missing = (stripped == "") if name == id_col else stripped.isin(_MISSING)
        long = stripped.str.len() > MAX_FIELD
        if long.any():
            row = int(np.flatnonzero(codes == int(np.argmax(long.to_numpy())))[0])
            raise DataError(
                f"data file {path!r}, column {name!r}, row {row}: a field of {int(stripped.str.len().max())} "
                f"characters; tsrnn reads fields of at most {MAX_FIELD}"
            )
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
            _check_offsets(list(present.index), present.tolist(), name, path)
            out[name] = pd.Series(
                np.where(keep, stripped.to_numpy()[np.maximum(codes, 0)], None), index=frame.index
            )
            continue
        values = np.full(len(text), np.nan)
        values[~missing.to_numpy()] = numbers.to_numpy(dtype=np.float64)
        column = pd.Series(values[np.maximum(codes, 0)], index=frame.index).where(keep)
        integers = numbers.dtype.kind == "i" and keep.all()
        out[name] = _finite(column.astype(np.int64) if integers else column, raw, path, name)
    return pd.DataFrame(out, index=frame.index)


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
                f"data file {path!r}, column {name!r}, row {row}: the number {shown[:12]}... "
                f"({len(shown)} characters) is beyond the range of float64 (about 1.8e308)"
            )
    return numbers


def _data_header(frame: pd.DataFrame, reading: Reading, sep: str) -> bool:
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


class Scaler:
    """Standard scaler per column: ``(x - mean) / scale``; constant columns get scale 1.

    Fit it on the training span only, so no statistic of the future leaks into training.
    """

    def __init__(self, mean: np.ndarray | None = None, scale: np.ndarray | None = None) -> None:
        self.mean_ = None if mean is None else np.asarray(mean, dtype=np.float32)
        self.scale_ = None if scale is None else np.asarray(scale, dtype=np.float32)

    def fit(self, values: np.ndarray) -> Scaler:
        values = np.asarray(values)
        std = values.std(axis=0, dtype=np.float64)  # float64 sums, without a float64 copy
        self.mean_ = values.mean(axis=0, dtype=np.float64).astype(np.float32)
        self.scale_ = np.where(std > 1e-12, std, 1.0).astype(np.float32)
        return self

    def _stats(self, columns) -> tuple[np.ndarray, np.ndarray]:
        if self.mean_ is None or self.scale_ is None:
            raise DataError("this Scaler is not fitted yet; call 'fit' first")
        if columns is None:
            return self.mean_, self.scale_
        return self.mean_[columns], self.scale_[columns]

    def transform(self, values: np.ndarray, columns=None) -> np.ndarray:
        mean, scale = self._stats(columns)
        return ((np.asarray(values, dtype=np.float32) - mean) / scale).astype(np.float32, copy=False)

    def inverse_transform(self, values: np.ndarray, columns=None) -> np.ndarray:
        mean, scale = self._stats(columns)
        return (np.asarray(values, dtype=np.float32) * scale + mean).astype(np.float32, copy=False)

    def to_dict(self) -> dict[str, list[float]]:
        mean, scale = self._stats(None)
        return {"mean": mean.tolist(), "scale": scale.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> Scaler:
        return cls(np.asarray(data["mean"]), np.asarray(data["scale"]))


def _inferred_freq(index: pd.DatetimeIndex) -> str | None:
    """The frequency string of a date index (a calendar, tolerating gaps), or for an irregular one
    (accepted by the user) its most common step; None if it has neither."""
    import pandas as pd

    from .calendar import infer_freq

    offset = infer_freq(index)
    if offset is not None:
        return offset.freqstr
    step = index.to_series().diff().iloc[1:].mode()
    if step.empty or step.iloc[0] <= pd.Timedelta(0):
        return None
    return pd.tseries.frequencies.to_offset(step.iloc[0]).freqstr


def index_spec(
    index: pd.Index | range, freq: str | None = None, form: str | None = None, session=None
) -> dict:
    """A JSON-able description of how ``index`` continues: integer steps, or dates at a frequency
    (``freq``, else the index's own or inferred one) written in ``form``, inside ``session``
    (:class:`~tsrnn.data.sessions.Session`; its ``text``) when the steps lie in sessions."""
    if isinstance(index, range):
        ok = len(index) > 0 and index.step > 0
        return {
            "kind": "integer",
            "last": index[-1] if ok else len(index) - 1,
            "step": index.step if ok else 1,
            "name": None,
        }
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex) and len(index) > 0:
        freq = freq or (index.freqstr if index.freq is not None else _inferred_freq(index))
        if freq is not None:
            spec = {"kind": "datetime", "last": index[-1].isoformat(), "freq": freq, "name": index.name}
            spec["form"] = form
            if session is not None:
                spec["session"] = session.text
            return spec
    if pd.api.types.is_integer_dtype(index) and len(index) > 0:
        steps = np.diff(np.asarray(index, dtype=np.int64))
        uniq, counts = np.unique(steps, return_counts=True)
        step = int(uniq[np.argmax(counts)]) if len(steps) and (steps > 0).all() else 1
        return {"kind": "integer", "last": int(index[-1]), "step": step, "name": index.name}
    return {"kind": "integer", "last": len(index) - 1, "step": 1, "name": None}


def future_index(spec: dict, steps: int) -> pd.Index:
    """The ``steps`` index labels that follow an index described by :func:`index_spec`."""
    import pandas as pd

    if spec["kind"] == "datetime" and spec.get("session"):
        return _session_labels([spec], steps)
    if spec["kind"] == "datetime":
        dates = pd.date_range(pd.Timestamp(spec["last"]), periods=steps + 1, freq=spec["freq"])[1:]
        return dates.rename(spec.get("name"))
    start = spec["last"] + spec["step"]
    return pd.RangeIndex(start, start + steps * spec["step"], spec["step"], name=spec.get("name"))


def _session_labels(specs: list[dict], steps: int) -> pd.Index:
    """The ``steps`` steps of the sessions after each spec's last label, series after series."""
    import pandas as pd

    from .sessions import Session

    session = Session.from_text(specs[0]["session"])
    last = pd.DatetimeIndex([pd.Timestamp(sp["last"]) for sp in specs])
    ahead = session.positions(last)[0][:, None] + np.arange(1, steps + 1)
    return session.labels(ahead.ravel(), last.tz, specs[0].get("name"))


def future_labels(specs: list[dict], steps: int) -> pd.Index:
    """The ``steps`` labels after each of several indexes (described by :func:`index_spec`), series
    after series: one vectorised pass when they share a kind and a frequency."""
    import pandas as pd
    from pandas.tseries.frequencies import to_offset

    kinds = {(sp["kind"], sp.get("freq"), sp.get("step"), sp.get("session")) for sp in specs}
    ahead = np.arange(1, steps + 1)
    if len(kinds) == 1 and specs[0].get("session"):
        return _session_labels(specs, steps)
    if len(kinds) == 1 and specs[0]["kind"] == "integer":
        last = np.array([sp["last"] for sp in specs], dtype=np.int64)
        return pd.Index((last[:, None] + specs[0]["step"] * ahead).ravel())
    if len(kinds) == 1:
        from .calendar import Grid

        last = pd.DatetimeIndex([sp["last"] for sp in specs])
        grid = Grid.dates(last.min(), last.max(), to_offset(specs[0]["freq"]))  # labels() extends it ahead
        return grid.labels((grid.positions(last, strict=False)[:, None] + ahead).ravel())
    return pd.Index(np.concatenate([future_index(sp, steps).to_numpy() for sp in specs]))
