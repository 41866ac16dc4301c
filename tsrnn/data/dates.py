"""Time labels as files write them: reading a column's dates with the table of date forms
(:data:`tsrnn.data.date_forms.DATE_FORMS`), and writing forecast labels back in the form read.

:func:`read_dates` tries every entry of the table; where the entries that read every value give
the same timestamps, that is the reading.  Where two give different ones (``01/02/2020`` day first
or month first, ``01/01/65`` in 1965 or 2065), the one whose timestamps form a time axis is the
reading where only one does (:func:`~tsrnn.data.regularity.calendar_fault`: ``01/01/2018`` ...
``12/01/2019`` are 24 months, not the 1st to the 12th of two Januaries), with the decision and its
evidence in :attr:`Dates.note`; else the column is refused with the option that picks one
(:class:`~tsrnn.data.reading.Reading`), never decided by a tie-break.  A form an option must
complete (a year for ``1-Jul``, the unit of epoch integers) is refused until it is given.  Which
column holds the time, and the calendar it lies on, are :mod:`tsrnn.data.time_axis`'s and
:mod:`tsrnn.data.calendar`'s business.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from typing import NamedTuple, NoReturn

import numpy as np
import pandas as pd

from ..base.errors import DataError
from .date_forms import DATE_FORMS, Candidate, DateForm, OpenForm, clock, date_form
from .reading import AmbiguousData, Reading, ReadingRefused, ambiguous, positional_index, rows_said
from .regularity import calendar_fault
from .time_words import name_words

__all__ = [
    "Dates",
    "read_dates",
    "parse_dates",
    "times_of_day",
    "integer_dates",
    "decimal_years",
    "format_labels",
    "labelled",
]

_WORD_RE = re.compile(r"^\s*[A-Za-z]+\.?\s*$")  # Jan, January, Monday: names without a year
_TIME_OF_DAY_RE = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$")  # 00:00, 23:59:59
_EPOCH_WORDS = {"timestamp", "epoch", "unix", "unixtime", "ts", "time", "datetime"}


class Dates(NamedTuple):
    """A column read as dates: the timestamps, the form that writes them back, and the decision
    the reading made between two readings of its text, with its evidence (None where the text
    reads one way)."""

    timestamps: pd.DatetimeIndex
    form: str
    note: str | None = None
    answers: dict | None = None  # that decision as the options that pick it ({"dayfirst": False})


def _flag(option: str, answer) -> str:
    return f"{option}={answer!r}"


def read_dates(
    text: pd.Series, reading: Reading | None = None, kind: str = "text", name=None, strict: bool = True
) -> Dates | None:
    """The values (``kind`` "text": stripped strings; "integer", "float", "epoch": numbers; none
    missing) as timestamps in the one form of :data:`DATE_FORMS` that reads them all, and that form;
    None when no form does.  Of forms that read them differently, the one whose timestamps alone
    form a time axis is read (:func:`_one_time_axis`); else they are refused with the option that
    picks one (:func:`~tsrnn.data.reading.ambiguous`); with ``strict``, values written in a strict
    form but no date in it (``2018-W53``, ``2020-02-30``) are an error naming their rows."""
    reading = reading or Reading()
    candidates, broken = _candidates(text, reading, kind, name)
    if not candidates:
        _refuse_contradicted(text, reading, kind, name)
        if broken is not None and strict:
            _refuse_broken(text, name, *broken)
        return None
    distinct: list[tuple[DateForm, Candidate]] = []
    for form, candidate in candidates:
        if not any(candidate[1].equals(c[1]) for _, c in distinct):
            distinct.append((form, candidate))
    if len(distinct) == 1:
        return Dates(distinct[0][1][1], distinct[0][1][2])
    return _one_time_axis(text, name, distinct)


def _one_time_axis(text: pd.Series, name, distinct: list[tuple[DateForm, Candidate]]) -> Dates:
    """Of readings that differ, the one whose timestamps form a time axis where the others do not
    (:func:`~tsrnn.data.regularity.calendar_fault`), noted with why each other is none; refused with
    the readings that do (all, where none does) otherwise."""
    faults = [calendar_fault(candidate[1]) for _, candidate in distinct]
    kept = [d for d, fault in zip(distinct, faults, strict=True) if fault is None]
    if len(kept) != 1:
        raise _two_readings(text, name, kept if len(kept) > 1 else distinct)
    open_ = _open(distinct)
    form, (_, index, written) = kept[0]
    why = "; ".join(
        f"{_described(f, c, open_)} is {fault}"
        for (f, c), fault in zip(distinct, faults, strict=True)
        if fault
    )
    answers = {k: v for k, v in kept[0][1][0].items() if k in open_}
    note = f"column {str(name)!r} read {_described(form, kept[0][1], open_)}: {why}"
    return Dates(index, written, note, answers)


def _open(distinct: list[tuple[DateForm, Candidate]]) -> set[str]:
    """The options whose answers differ between the readings."""
    return {k for _, c in distinct for k in c[0] if len({str(d[0].get(k)) for _, d in distinct}) > 1}


def _described(form: DateForm, candidate: Candidate, open_: set[str]) -> str:
    """A reading in words: its form's name (``month first``) and its answers to ``open_`` but
    ``dayfirst``, which the name says (``month name and year, century=2000``)."""
    return ", ".join(
        [form.name] + [f"{k}={v!r}" for k, v in candidate[0].items() if k in open_ and k != "dayfirst"]
    )


def _candidates(
    text: pd.Series, reading: Reading, kind: str, name
) -> tuple[list[tuple[DateForm, Candidate]], tuple[DateForm, pd.DatetimeIndex] | None]:
    """Every form of :data:`~tsrnn.data.date_forms.DATE_FORMS` of ``kind`` that reads every value, each
    with its reading, in the table's order; and the first strict form whose pattern every value
    matches though some are no dates in it (None if none), with its timestamps."""
    candidates: list[tuple[DateForm, Candidate]] = []
    broken: tuple[DateForm, pd.DatetimeIndex] | None = None
    source: pd.Series | np.ndarray = text if kind == "text" else text.to_numpy()  # what form.read reads
    for form in DATE_FORMS:  # the one loop over the table
        if form.kind != kind:
            continue
        if (
            form.option
            and form.answer is not None
            and getattr(reading, form.option) not in (None, form.answer)
        ):
            continue  # the user chose another
        parts = None
        if kind == "text" and form.pattern is not None:  # a text form's pattern, never None
            if not text.str.fullmatch(form.pattern).all():
                continue
            groups = re.compile(form.pattern).groups
            parts = text.str.extract(f"^(?:{form.pattern})$") if groups else pd.DataFrame(index=text.index)
        try:
            read = form.read(source, parts, reading)
        except OpenForm as err:
            raise ReadingRefused(f"column {str(name)!r} holds {err}") from None
        for candidate in read:
            if candidate[1].isna().any():
                if form.strict and broken is None:
                    broken = (form, candidate[1])
                continue
            candidates.append((form, candidate))
    return candidates, broken


def _refuse_contradicted(text: pd.Series, reading: Reading, kind: str, name) -> None:
    """Refuse a column that an option given cannot read, though the forms that option rules out
    read it (``dayfirst=True`` on ``01/13/2020``): one line naming the column, the option, the
    values and the answer that reads them.  An option that picks none of the column's forms (an
    ISO date under ``dayfirst=True``) does not apply, and passes."""
    for option in sorted(
        {f.option for f in DATE_FORMS if f.kind == kind and f.answer is not None and f.option}
    ):
        given = getattr(reading, option)
        if given is None:
            continue
        others, _ = _candidates(text, replace(reading, **{option: None}), kind, name)
        fits = sorted({str(c[0].get(option, form.answer)) for form, c in others if form.option == option})
        if fits:
            unread = _unread(text, reading, kind, option, given)
            shown = ", ".join(repr(str(v)) for v in unread.iloc[:3]) + (" ..." if len(unread) > 3 else "")
            answers = " or ".join(f"{option}={v}" for v in fits)
            raise ReadingRefused(
                f"column {str(name)!r} cannot be read with {_flag(option, given)}: {shown} "
                f"{'is no date' if len(unread) == 1 else 'are no dates'} with it; the column reads with {answers}"
            )


def _unread(text: pd.Series, reading: Reading, kind: str, option: str, given) -> pd.Series:
    """The values that the form ``option=given`` picks leaves without a date (``01/13/2020`` day
    first); all of them where its pattern does not fit the column."""
    for form in DATE_FORMS:
        if form.kind != kind or form.option != option or form.answer != given or form.pattern is None:
            continue
        if kind == "text" and text.str.fullmatch(form.pattern).all():
            parts = text.str.extract(f"^(?:{form.pattern})$")
            for candidate in form.read(text, parts, reading):
                return text[np.asarray(candidate[1].isna())]
    return text


def _refuse_broken(text: pd.Series, name, form: DateForm, dates: pd.DatetimeIndex) -> NoReturn:
    """Refuse values written in a strict form that are no dates in it, naming their rows."""
    bad = text[np.asarray(dates.isna())]
    raise DataError(
        f"column {str(name)!r} writes dates as {form.name}, but "
        f"{', '.join(f'{v!r} ({i})' for i, v in zip(rows_said(text, bad.index[:5]), bad.iloc[:5], strict=True))} "
        f"{'is no such date' if len(bad) == 1 else 'are no such dates'}; correct or remove them"
    )


def _two_readings(text: pd.Series, name, distinct: list[tuple[DateForm, Candidate]]) -> AmbiguousData:
    """The refusal of a column that forms read differently: the first rows where the first two
    readings differ, every reading of them, and the options that pick one."""
    first, second = distinct[0][1][1], distinct[1][1][1]
    rows = np.flatnonzero(first.to_numpy() != second.to_numpy())[:3]
    open_ = _open(distinct)
    shown = [
        (
            _described(form, c, open_),
            [str(t.date()) if t == t.normalize() else str(t) for t in c[1][rows]],
        )
        for form, c in distinct
    ]
    options = sorted({_flag(k, v) for _, c in distinct for k, v in c[0].items() if k in open_})
    return ambiguous(
        name,
        f"({', '.join(repr(str(v)) for v in text.iloc[rows])})",
        shown,
        " or ".join(options) or "time_col= or freq=",
    )


def parse_dates(column: pd.Series, reading: Reading | None = None, strict: bool = True) -> Dates | None:
    """The column as timestamps and their form, when every non-empty value is a date; else None
    (refusals as :func:`read_dates`)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        index = pd.DatetimeIndex(column)
        return Dates(index, date_form(index))
    if isinstance(column.dtype, pd.PeriodDtype):
        return Dates(pd.PeriodIndex(column).to_timestamp(), f"period:{column.dtype.freq.freqstr}")
    if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return integer_dates(column, reading=reading)
    if column.dtype != object and not pd.api.types.is_string_dtype(column):
        return None
    codes, distinct = pd.factorize(column)  # each distinct label read once (a long file's dates)
    if not len(distinct) or not all(isinstance(v, str) for v in distinct):
        return None
    text = pd.Series(distinct, dtype=object).str.strip()
    if text.str.match(_TIME_OF_DAY_RE).all() or text.str.match(_WORD_RE).all():
        return None  # 00:00 or Jan without a date: not a time axis alone
    given = codes >= 0
    rows = np.flatnonzero(given)[np.unique(codes[given], return_index=True)[1]]
    text.index = column.index[rows]  # each label's first row, for messages (rows_said)
    text.attrs = {**column.attrs, "tsrnn.positional": positional_index(column.index)}
    try:
        found = read_dates(text, reading, name=column.name, strict=strict)
    except ValueError as err:  # pandas refuses mixed offsets with advice a command-line user cannot act on
        if isinstance(err, DataError) or not any(
            w in str(err).lower() for w in ("timezone", "offset", "tz-aware")
        ):
            raise
        raise DataError(
            f"time column {column.name!r} mixes time zones (UTC offsets), as local time across a "
            f"daylight-saving change does; tsrnn reads one offset per time column: convert the "
            f"timestamps to UTC first"
        ) from None
    if found is None:
        return None
    dates = found.timestamps[np.maximum(codes, 0)]
    return found._replace(timestamps=dates if given.all() else dates.where(given))


def times_of_day(column: pd.Series) -> pd.TimedeltaIndex | None:
    """A column of times of day (``00:00``, ``23:59:59``), as a file that writes the date and the time
    in two columns holds them: offsets from midnight; None unless every value is one."""
    if column.dtype != object and not pd.api.types.is_string_dtype(column):
        return None
    if (
        column.isna().any()
        or not all(isinstance(v, str) for v in column)
        or not column.str.match(_TIME_OF_DAY_RE).all()
    ):
        return None
    return pd.TimedeltaIndex(pd.to_timedelta(clock(column.str.strip())[0], unit="ns"))


def integer_dates(column: pd.Series, repeated: bool = False, reading: Reading | None = None) -> Dates | None:
    """Integers written as year and month, ``201801``, or as year, month and day, ``20180131``, or
    counting time since 1970 (``epoch``, read with ``reading.epoch`` only and refused, named like a
    timestamp, without it): the dates and the form that writes them back; None unless every value is
    one, two or more distinct ones, and no value repeats (``repeated=True``: values may repeat, as a
    long panel's ``ds`` does across its series)."""
    values = column.to_numpy(dtype=np.int64)
    distinct = np.unique(values)
    if len(distinct) < 2 or (not repeated and len(distinct) != len(values)):
        return None
    reading = reading or Reading()
    named = name_words(column.name) & _EPOCH_WORDS
    found = None
    if reading.epoch is not None or named:
        found = read_dates(pd.Series(distinct), reading, kind="epoch", name=column.name)
    if found is None:
        found = read_dates(pd.Series(distinct), reading, kind="integer", name=column.name, strict=False)
    if found is None:
        return None
    return found._replace(
        timestamps=pd.DatetimeIndex(found.timestamps[np.searchsorted(distinct, values)], name=column.name)
    )


def decimal_years(column: pd.Series, reading: Reading | None = None) -> Dates | None:
    """Months or quarters written as decimal years, as R's ``time()`` of a monthly or quarterly series
    gives them (``1949.0``, ``1949.0833`` or ``1949.083``, ... or ``1959.25``: read to the nearest
    twelfth or quarter where the decimals written leave one), or quarters written ``1990.1`` ...
    ``1990.4``: their starts and the form that writes them back (``"decimal:12"``, ``"decimal:4"``,
    ``"year.quarter"``); None unless every value is a year pandas dates hold (1678-2261), not all
    whole years, and most steps between the distinct values are one period.  Two such readings
    are refused with the option that picks one."""
    if not pd.api.types.is_float_dtype(column):
        return None
    values = column.to_numpy(dtype=np.float64)
    if (
        len(values) < 2
        or not np.isfinite(values).all()
        or values.min() <= pd.Timestamp.min.year
        or values.max() >= pd.Timestamp.max.year
    ):
        return None
    found = read_dates(pd.Series(values), reading, kind="float", name=column.name, strict=False)
    if found is None:
        return None
    months = found.timestamps.year * 12 + found.timestamps.month
    gaps = np.diff(np.unique(months))
    step = 1 if found.form == "decimal:12" else 3  # quarters that are also twelfths read as quarters
    if len(gaps) == 0 or np.bincount(gaps).argmax() != step:  # not a monthly (quarterly) series
        return None
    return found._replace(timestamps=found.timestamps.rename(column.name))


def format_labels(index: pd.Index, form: str | None) -> pd.Index:
    """Time labels written as the input wrote them (``1961-01``, ``1961Q1``, ISO dates, integers)."""
    if not isinstance(index, pd.DatetimeIndex) or form is None:
        return index
    if form.startswith("epoch:"):  # integers since 1970
        unit = form[len("epoch:") :]
        return pd.Index(
            index.as_unit("ns").asi8 // {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit], name=index.name
        )
    if form == "year.quarter":  # 1990.1 for the first quarter of 1990
        return pd.Index(np.round(index.year + ((index.month - 1) // 3 + 1) / 10, 1), name=index.name)
    if form.startswith("quarter-first:"):  # Q1 1990
        sep = form[len("quarter-first:") :]
        return pd.Index([f"Q{(t.month - 1) // 3 + 1}{sep}{t.year}" for t in index], name=index.name)
    if form.startswith("fiscal:"):  # 1990/91
        years = index.year
        return pd.Index([f"{y}{form[len('fiscal:') :]}{(y + 1) % 100:02d}" for y in years], name=index.name)
    if form.startswith("decimal:"):  # R's time(): 1961.0833 for February 1961
        step = 12 // int(form[len("decimal:") :])
        return pd.Index(np.round(index.year + (index.month - 1) // step * step / 12, 4), name=index.name)
    if form == "month":
        return pd.Index(index.strftime("%Y-%m"), name=index.name)
    if form in ("quarter", "quarter-dash", "quarter-space"):
        text = index.to_period("Q").astype(str)
        mark = {"quarter": "Q", "quarter-dash": "-Q", "quarter-space": " Q"}[form]
        return pd.Index(text.str.replace("Q", mark), name=index.name)
    if form.startswith("period:"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.Index(index.to_period(form[len("period:") :]).astype(str), name=index.name)
    if form == "date":
        return pd.Index(index.strftime("%Y-%m-%d"), name=index.name)
    if form.startswith("strftime:"):
        return pd.Index(index.strftime(form[len("strftime:") :]), name=index.name)
    return pd.Index(index.map(lambda t: t.isoformat()), name=index.name)


def labelled(frame: pd.DataFrame, time_column: str = "ds") -> pd.DataFrame:
    """``frame`` with its time labels (the index, or a ``time_column`` of dates, a
    cross-validation frame's ``cutoff`` and a backtest's ``origin``) written in the form recorded
    in ``frame.attrs["tsrnn.form"]``, ready for ``to_csv``."""
    form = frame.attrs.get("tsrnn.form")
    if form is None:
        return frame
    out = frame.copy()
    if isinstance(out.index, pd.DatetimeIndex):
        out.index = format_labels(out.index, form)
    for column in (time_column, "cutoff", "origin"):  # cross-validation's cutoffs, backtests' origins
        if column in out.columns and pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = format_labels(pd.DatetimeIndex(out[column]), form).to_numpy()
    return out
