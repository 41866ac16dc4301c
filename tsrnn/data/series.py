"""Series from arrays, DataFrames and CSV files; validation; the standard scaler.

A series is always ``(T, F)``: time steps by features, float32, finite.  pandas is imported only
where a DataFrame comes in or goes out, so NumPy-only work does not load it.
"""

from __future__ import annotations

import gzip
import math
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..base import checks
from ..base.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Series",
    "as_series",
    "check_finite",
    "read_csv",
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
    session: object = None  # the sessions its steps lie in (tsrnn.data.sessions.Session), if any

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
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
_GROUPED = re.compile(r"\s*[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?\s*")  # 1,234,567.89 (and plain 12.5 beside it)
# 1.234.567,89 or 1 234 567,89 with a decimal comma: groups of three digits after each dot or space (a
# no-break space too, as French spreadsheets write them), and plain 12,5 beside them
_GROUPED_DOTS = re.compile("\\s*[+-]?(\\d{1,3}([. \u00a0\u202f]\\d{3})+|\\d+)(,\\d*)?\\s*")
_GROUP_MARKS = str.maketrans("", "", ". \u00a0\u202f")
_MISSING_MARKS = [
    ".",
    ":",
]  # a lone dot (FRED) or colon (Eurostat) marks a missing value, as NA and empty fields do
_FALLBACK_ENCODING = (
    "cp1252"  # files that are not UTF-8: Windows' Western European encoding (also reads Latin-1 text)
)
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*")


def _check_fields(
    frame: pd.DataFrame, path: str, decimal_comma: bool = False, grouped_commas: bool = True
) -> pd.DataFrame:
    """Refuse fields tsrnn cannot read sensibly, naming column and row: fields over :data:`MAX_FIELD`
    characters, numbers beyond float64, timestamps with mixed UTC offsets.  Columns of numbers that
    pandas kept as Python integers (beyond int64) come back as float64, and columns of numbers
    grouped by thousands as numbers: ``1,234.5`` where commas may group (``grouped_commas``, a comma
    file), ``1.234,5`` in a file of ``decimal_comma``."""
    import pandas as pd

    for name in frame.columns:
        if len(str(name)) > MAX_FIELD:
            raise DataError(
                f"data file {path!r} has a column name of {len(str(name))} characters; tsrnn reads "
                f"names and fields of at most {MAX_FIELD}"
            )
        column = frame[name]
        if column.dtype != object and not pd.api.types.is_string_dtype(column):
            continue
        present = column.dropna()
        rows = list(present.index)
        text = [v if isinstance(v, str) else str(v) if isinstance(v, int) else "" for v in present.tolist()]
        for row, v in zip(rows, text, strict=False):
            if len(v) > MAX_FIELD:
                raise DataError(
                    f"data file {path!r}, column {name!r}, row {row}: a field of {len(v)} characters; "
                    f"tsrnn reads fields of at most {MAX_FIELD}"
                )
        numbers = {
            row: float(v) for row, v in zip(rows, text, strict=False) if _NUMBER.fullmatch(v)
        }  # never raises: inf
        for row, v in numbers.items():
            if not math.isfinite(v):
                shown = text[rows.index(row)].strip()
                raise DataError(
                    f"data file {path!r}, column {name!r}, row {row}: the number {shown[:12]}... "
                    f"({len(shown)} characters) is beyond the range of float64 (about 1.8e308)"
                )
        if (
            len(numbers) < len(rows)
            and rows
            and grouped_commas
            and all(_GROUPED.fullmatch(v) for v in text)
            and any("," in v for v in text)
        ):  # 1,234.5: digits grouped by thousands, as spreadsheets write them
            numbers = {row: float(v.replace(",", "")) for row, v in zip(rows, text, strict=False)}
        if (
            rows
            and decimal_comma
            and all(_GROUPED_DOTS.fullmatch(v) for v in text)
            and any(_GROUPED_DOTS.fullmatch(v).group(2) for v in text)
        ):  # 1.234,5 (and 1.010, not 1.01) where
            numbers = {
                row: float(v.strip().translate(_GROUP_MARKS).replace(",", "."))
                for row, v in zip(rows, text, strict=False)
            }
        if numbers and len(numbers) == len(rows):
            frame[name] = pd.Series(numbers, dtype="float64").reindex(column.index)  # numbers kept as objects
        _check_offsets(rows, text, name, path)
    return frame


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


def read_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a data file (CSV, gzip-compressed CSV ``.csv.gz``, or Parquet ``.parquet``); errors name the file.

    Columns are separated by commas, or by semicolons or tabs when the header line has those and no
    comma; a semicolon or tab file may write decimal commas (``1,5``, and ``1.234,5`` or ``1 234,5`` grouped by
    thousands), as spreadsheets in many locales do, and a comma file numbers grouped by thousands in
    quotes (``"12,345.5"``).  Rows with no value at all (blank lines a spreadsheet leaves, ``,,``) are
    skipped; empty fields, ``NA`` and a lone ``.`` or ``:`` (as FRED and Eurostat write a missing
    value) are missing values.  A file that is not UTF-8 is read as Windows-1252 (Western European,
    Latin-1 included), as spreadsheets on Windows save it, or as UTF-16 when it starts with that
    byte-order mark (Excel's "Unicode text", tab-separated).
    Parquet needs pyarrow (``pip install 'tsrnn[parquet]'``).
    A file has at most :data:`MAX_COLUMNS` columns and its fields at most :data:`MAX_FIELD`
    characters; numbers beyond float64 and time columns with mixed UTC offsets are errors that name
    the column and row.
    """
    import pandas as pd

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise DataError(f"data file {path!r} does not exist or is not a file")
    if path.lower().endswith((".parquet", ".pq")):
        frame = _read_parquet(path)
        if frame.shape[0] == 0:
            raise DataError(f"data file {path!r} has no rows")
        return frame
    try:
        encoding = _encoding(path)
        header = _header(path, encoding)
        sep = _separator(header)
        columns = header.count(sep) + 1
        if columns > MAX_COLUMNS:
            raise DataError(f"data file {path!r} has {columns} columns; tsrnn reads at most {MAX_COLUMNS}")
        read = dict(sep=sep, na_values=_MISSING_MARKS, encoding=encoding)
        try:
            frame = pd.read_csv(path, **read)
        except UnicodeDecodeError:
            read["encoding"] = _FALLBACK_ENCODING
            frame = pd.read_csv(path, **read)
        decimal_comma = False
        if sep in (
            ";",
            "\t",
        ):  # decimal commas read as text the first time: keep the reading with more numbers
            commas = pd.read_csv(path, decimal=",", **read)
            if _decimal_comma_numbers(commas) > frame.select_dtypes("number").shape[1]:
                frame, decimal_comma = commas, True
    except pd.errors.EmptyDataError as err:
        raise DataError(
            f"data file {path!r} is empty; expected a header row and one row per time step"
        ) from err
    except ImportError as err:  # a compression pandas reads only with another package (.zst: zstandard)
        raise DataError(f"data file {path!r} needs a package that is not installed: {err}") from err
    except _unreadable() as err:  # also a corrupt .gz, .bz2, .xz, .zip or .tar: the decompressors' own errors
        raise DataError(f"data file {path!r} is not a readable CSV: {str(err)[:300]}") from err
    frame = frame.dropna(how="all")  # blank rows
    if frame.shape[0] == 0:
        raise DataError(f"data file {path!r} has a header but no rows")
    return _check_fields(frame, path, decimal_comma, grouped_commas=sep == ",")


def _decimal_comma_numbers(frame: pd.DataFrame) -> int:
    """How many columns of ``frame`` (read with decimal commas) hold numbers, grouped by thousands
    (``1.234,5``, ``1 234,5``) or not."""
    import pandas as pd

    count = 0
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column):
            count += 1
        elif column.dtype == object or pd.api.types.is_string_dtype(column):
            present = column.dropna()
            count += bool(len(present)) and all(
                isinstance(v, str) and _GROUPED_DOTS.fullmatch(v) for v in present
            )
    return count


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
