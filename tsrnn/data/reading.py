"""What a file leaves open, and the user's answers: the reading options and the one refusal.

A file is read automatically where its text allows one reading only.  Where two readings fit (a
day-first or a month-first date, a decimal point or a thousands separator, the century of a
two-digit year, a header row or none, ...), tsrnn stops with one line (:func:`ambiguous`) that names
the column, shows both readings with example values and names the option that picks one.  The
options are the fields of :class:`Reading`; every reader (``read_csv``, the time-axis finder, the
command line's ``--dayfirst``, ``--decimal``, ...) takes the same object.  A reading travels with
the frame read from a file in ``frame.attrs["tsrnn.reading"]`` (:func:`reading_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Literal

from ..base.errors import DataError

__all__ = [
    "Reading",
    "AmbiguousData",
    "ReadingRefused",
    "ambiguous",
    "named",
    "reading_of",
    "with_reading",
    "EPOCH_UNITS",
    "FILLS",
    "IRREGULAR",
    "LINES",
    "rows_said",
    "positional_index",
]

EPOCH_UNITS = ("s", "ms", "us", "ns")
FILLS = (
    "ffill",
    "interpolate",
    "drop",
)  # what to do with missing values and calendar gaps (None: refuse them)
IRREGULAR = ("error", "ignore")  # a time axis on no regular calendar: refused, or read as consecutive steps
# attrs key of a frame read from a text file: where its rows are in the file (see rows_said)
LINES = "tsrnn.lines"
EpochUnit = Literal["s", "ms", "us", "ns"]
_DECIMALS = (".", ",")
_THOUSANDS = (",", ".", " ", "'", "")


class ReadingRefused(DataError):
    """Data refused until an option of its reading says how to read it (a fill policy, a frequency,
    the time column, ...).

    ``choice`` is that message alone; ``where`` (appended to it) says where a caller gives the
    option: the estimator names ``tsrnn.read``, the command line prints ``choice`` in its flags."""

    def __init__(self, choice: str, where: str = "") -> None:
        super().__init__(choice + where)
        self.choice = choice


class AmbiguousData(ReadingRefused):
    """A column reads two ways; the message names the option that picks one."""


@dataclass(frozen=True)
class Reading:
    """The answers to what a file leaves open; None leaves a question to the reader, which decides
    where only one reading fits and refuses otherwise.

    dayfirst : bool, optional
        ``01/02/2020`` is the 1st of February (True) or the 2nd of January (False).
    decimal : {".", ","}, optional
        The decimal mark of the file's numbers.
    thousands : {",", ".", " ", "'", ""}, optional
        The mark grouping their digits by thousands ("" for none).
    header : bool, optional
        Whether the first row names the columns (False: it is data; the columns are named 0, 1, ...).
    century : int, optional
        Two-digit years are read into the hundred years from this one (1900: 65 is 1965; 1950: 05
        is 2005).
    year : int, optional
        The year of the first of dates written without one (``1-Jul``); the year grows each time
        the dates turn back.
    epoch : {"s", "ms", "us", "ns"}, optional
        Integer timestamps count these units since 1970-01-01 UTC.
    columns : dict, optional
        The file's columns that play the long layout's roles, ``{"store": "unique_id", "date": "ds",
        "sales": "y"}``: renamed so as they are read (the id column stays text), so a long file need
        not name its columns ``unique_id, ds, y``.  The command line's ``--id-col``, ``--time-col``
        and ``--target-col``.
    """

    dayfirst: bool | None = None
    decimal: str | None = None
    thousands: str | None = None
    header: bool | None = None
    century: int | None = None
    year: int | None = None
    epoch: EpochUnit | None = None
    columns: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if self.decimal is not None and self.decimal not in _DECIMALS:
            raise ValueError(f"decimal must be '.' or ',', got {self.decimal!r}")
        if self.thousands is not None and self.thousands not in _THOUSANDS:
            raise ValueError(f"thousands must be one of {list(_THOUSANDS)}, got {self.thousands!r}")
        if self.decimal is not None and self.decimal == self.thousands:
            raise ValueError(f"decimal and thousands must differ, got {self.decimal!r} for both")
        if self.epoch is not None and self.epoch not in EPOCH_UNITS:
            raise ValueError(f"epoch must be one of {list(EPOCH_UNITS)}, got {self.epoch!r}")
        for name in ("century", "year"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{name} must be an integer year, got {value!r}")
        if self.century is not None and not 1678 <= self.century <= 2162:
            raise ValueError(f"century must be a year from 1678 to 2162, got {self.century}")
        if self.columns is not None:
            roles = ("unique_id", "ds", "y")
            if not isinstance(self.columns, dict) or not all(
                isinstance(k, str) and v in roles for k, v in self.columns.items()
            ):
                raise ValueError(f"columns must map column names to {list(roles)}, got {self.columns!r}")
            if (
                len(set(self.columns.values())) != len(self.columns)
                or "unique_id" not in self.columns.values()
            ):
                raise ValueError(f"columns must name the id column and each role once, got {self.columns!r}")

    def to_dict(self) -> dict:
        """The options given (None left out), as JSON."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict | None) -> Reading:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


def reading_of(frame) -> Reading:
    """The reading a frame was read with (``attrs["tsrnn.reading"]``), or the default one."""
    given = getattr(frame, "attrs", {}).get("tsrnn.reading")
    return given if isinstance(given, Reading) else Reading.from_dict(given)


def with_reading(frame, reading: Reading | None):
    """``frame`` carrying ``reading`` for the readers after it (a copy's attrs, never the caller's)."""
    if reading is not None and reading != Reading():
        frame.attrs = {**frame.attrs, "tsrnn.reading": reading.to_dict()}
    return frame


def ambiguous(column, what: str, readings: Sequence[tuple[str, object]], options: str) -> AmbiguousData:
    """The refusal of a column that reads two (or more) ways: ``readings`` pairs each reading's
    description with its example values; ``options`` names what picks one."""
    shown = "; ".join(f"{desc}: {_examples(values)}" for desc, values in readings)
    return AmbiguousData(
        f"column {str(column)!r} {what} reads {len(readings)} ways ({shown}); choose with {options}"
    )


def named(err: DataError, before: str, after: str = "") -> DataError:
    """``err`` with words around its message (``series 'a': ...``), of its own kind: a refusal that an
    option of the reading lifts stays one (:class:`ReadingRefused`, :class:`AmbiguousData`)."""
    if isinstance(err, ReadingRefused):
        return type(err)(before + err.choice + after)
    return DataError(before + str(err) + after)


def _examples(values) -> str:
    values = list(values)
    return ", ".join(str(v) for v in values[:3]) + (" ..." if len(values) > 3 else "")


def rows_said(frame, labels) -> list[str]:
    """Where the rows ``labels`` of ``frame`` are, for a message: ``line 7`` of the text file the
    frame was read from (the header counted, 1-based; ``attrs["tsrnn.lines"]``: ``first``, the line
    of the row at position 0, and ``after`` / ``extra``, the lines that quoted fields spanning
    several lines add after those positions), else ``row 4`` (1-based) of a frame with the default
    index, else the labels themselves (dates, a named index)."""
    import numpy as np

    attrs = getattr(frame, "attrs", {})
    lines = attrs.get(LINES)
    index = getattr(frame, "index", None)
    labels = list(labels)
    integers = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in labels)
    if lines is not None and integers:
        at = np.asarray(labels, dtype=np.int64)
        after, extra = np.asarray(lines["after"], np.int64), np.asarray(lines["extra"], np.int64)
        k = np.searchsorted(after, at, side="left")
        add = np.where(k > 0, extra[np.maximum(k - 1, 0)], 0) if len(after) else 0
        return [f"line {n}" for n in (at + int(lines["first"]) + add).tolist()]
    default = attrs.get("tsrnn.positional", positional_index(index))
    if integers and default:
        return [f"row {int(v) + 1}" for v in labels]
    return [str(v) for v in labels]


def positional_index(index) -> bool:
    """Whether ``index`` is pandas' default one, 0, 1, ..., unnamed: its labels are positions."""
    return (
        index is not None
        and type(index).__name__ == "RangeIndex"
        and index.start == 0
        and index.step == 1
        and index.name is None
    )
