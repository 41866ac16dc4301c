"""The words that name a time column, in English, German, French, Italian, Spanish and Dutch (year,
month, quarter, day, date, time, ...), and a column name's words (``fiscalYear``: fiscal and year),
as :mod:`tsrnn.data.time_axis` and :mod:`tsrnn.data.date_parts` read column names."""

from __future__ import annotations

import re

__all__ = [
    "TIME_WORDS",
    "DATE_WORDS",
    "YEAR_WORDS",
    "MONTH_WORDS",
    "QUARTER_WORDS",
    "DAY_WORDS",
    "name_words",
    "looks_like_time",
    "integer_form",
]

# an integer column named with one of these words holds the time (years, steps): YEAR, fiscal_year, ds, t
TIME_WORDS = {
    "year",
    "years",
    "yr",
    "date",
    "time",
    "period",
    "ds",
    "t",
    "step",
    "steps",
    "timestep",
    "index",
    "idx",
    "month",
    "yearmonth",
    "yyyymm",
    "jahr",
    "datum",
    "zeit",
    "periode",
    "annee",
    "année",
    "mois",
    "anno",
    "año",
    "fecha",
    "periodo",
    "jaar",
    "tijd",
    "quarter",
    "qtr",
    "week",
    "timestamp",
    "epoch",
    "unix",
    "unixtime",
}  # and in German, French, Italian, Spanish, Dutch
DATE_WORDS = {"date", "datetime", "timestamp", "ds"}  # a text column named so must hold dates
YEAR_WORDS = {"year", "years", "yr", "jahr", "annee", "année", "anno", "año", "jaar"}
MONTH_WORDS = {"month", "months", "mon", "monat", "mois", "mese", "mes", "maand"}
QUARTER_WORDS = {"quarter", "qtr", "q", "quartal", "trimestre", "kwartaal"}
DAY_WORDS = {"day", "days", "dom", "tag", "jour", "giorno", "dia", "día", "dag"}


def name_words(name) -> set[str]:
    """The words of a column name, lower case: ``fiscalYear`` -> {"fiscal", "year"}, ``sale_date`` ->
    {"sale", "date"}, ``YEAR`` -> {"year"}, ``Année`` -> {"année"}."""
    return {word.lower() for word in _WORD.findall(str(name))}


_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_WORD = re.compile(f"[{_UPPER}]?[{_LOWER}]+|[{_UPPER}]+(?![{_LOWER}])")  # camelCase, snake_case, UPPER


def looks_like_time(name) -> bool:
    return bool(name_words(name) & TIME_WORDS) or str(name).strip().lower() in TIME_WORDS


def integer_form(name) -> str:
    return "year" if "year" in str(name).lower() or name_words(name) & YEAR_WORDS else "integer"
