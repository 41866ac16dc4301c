"""tsrnn.data.time_words: the words that name a time column, in six languages."""

from __future__ import annotations

import pytest

from tsrnn.data.time_words import integer_form, looks_like_time, name_words


@pytest.mark.parametrize(
    "name, words",
    [
        ("fiscalYear", {"fiscal", "year"}),
        ("sale_date", {"sale", "date"}),
        ("YEAR", {"year"}),
        ("Année", {"année"}),
    ],
)
def test_a_column_name_splits_into_its_words(name, words):
    assert name_words(name) == words


def test_names_like_a_time_in_other_languages_and_years_among_them():
    assert looks_like_time("Jahr") and looks_like_time("t") and looks_like_time("Sale Date")
    assert not looks_like_time("sales")
    assert integer_form("fiscal_year") == integer_form("Année") == "year"  # integers named so are years
    assert integer_form("step") == "integer"
