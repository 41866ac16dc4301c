"""tsrnn.data.numbers: the table of written number forms, one test per form, and read_numbers, the loop
that reads a column with it under every convention allowed and refuses a column that reads two ways."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError
from tsrnn.data.numbers import CONVENTIONS, NUMBER_FORMS, read_numbers
from tsrnn.data.reading import AmbiguousData, Reading


# -- one test per form of the table ----------------------------------------------------------------
@pytest.mark.parametrize(
    "name, text, convention, value",
    [
        ("integer", "-42", (".", ""), -42.0),
        ("decimal point", "1.5e3", (".", ""), 1500.0),
        ("decimal comma", "1,25", (",", ""), 1.25),
        ("thousands comma", "12,345.67", (".", ","), 12345.67),
        ("thousands point", "1.234,5", (",", "."), 1234.5),
        ("thousands space, decimal comma", "1\u00a0234,5", (",", " "), 1234.5),
        ("thousands space, decimal point", "1 234.5", (".", " "), 1234.5),
        ("thousands apostrophe", "1'234.5", (".", "'"), 1234.5),
        ("infinity", "-inf", (".", ""), -np.inf),
    ],
)
def test_each_number_form_reads_its_text(name, text, convention, value):
    form = next(f for f in NUMBER_FORMS if f.name == name)
    column = pd.Series([text])
    assert form.matches(column).all() and form.reads_under(*convention)
    assert form.read(column)[0] == value
    others = [f.name for f in NUMBER_FORMS if f.matches(column).all() and f.reads_under(*convention)]
    assert others == [name]  # under its convention, one form reads it


@pytest.mark.parametrize(
    "values, comma_file, expected",
    [
        (["1.234,5", "12,5"], False, [1234.5, 12.5]),  # a decimal comma after grouped thousands: certain
        (["12,345.67", "3.5"], True, [12345.67, 3.5]),
        (["1,5", "2,25"], False, [1.5, 2.25]),  # 1,5 groups no thousands: decimal commas
        (["1.5", "2.25", "1.050"], False, [1.5, 2.25, 1.05]),  # 1.5 groups none: decimal points
        (["1.050", "2.100"], True, [1.05, 2.1]),  # a comma file writes no unquoted decimal comma
        (["1 234", "999"], False, [1234, 999]),
    ],
)
def test_numbers_that_read_one_way_are_read(values, comma_file, expected):
    np.testing.assert_array_equal(read_numbers(pd.Series(values), Reading(), comma_file), expected)


def test_numbers_that_read_two_ways_are_refused_unless_an_option_says():
    text = pd.Series(["950", "1.050", "1.100"])
    with pytest.raises(
        AmbiguousData,
        match=r"column 'Besucher' \('1.050', '1.100'\) reads 2 ways \(decimal '.': 1.05, 1.1; decimal ',', "
        r"thousands '.': 1050, 1100\); choose with decimal=',' or decimal='.' or thousands='.'",
    ):
        read_numbers(text, Reading(), name="Besucher")
    assert read_numbers(text, Reading(thousands=".")).tolist() == [950, 1050, 1100]
    assert read_numbers(text, Reading(decimal=",")).tolist() == [950, 1050, 1100]
    assert read_numbers(text, Reading(decimal=".")).tolist() == [950, 1.05, 1.1]
    assert read_numbers(pd.Series(["a", "1"]), Reading()) is None  # text: no numbers


# -- read_numbers ------------------------------------------------------------------------------------------
def test_every_convention_is_a_pair_of_different_marks():
    assert len(CONVENTIONS) == len(set(CONVENTIONS)) == 8
    assert all(decimal in (".", ",") and decimal != thousands for decimal, thousands in CONVENTIONS)
    assert {t for _, t in CONVENTIONS} == {"", ",", ".", " ", "'"}


def test_whole_numbers_stay_integers_and_the_index_is_kept():
    read = read_numbers(pd.Series(["1", "2", "-3"], index=[5, 6, 7]), Reading())
    assert read.dtype == np.int64 and read.tolist() == [1, 2, -3] and list(read.index) == [5, 6, 7]
    grouped = read_numbers(pd.Series(["1 234,5", "2"], index=[3, 4]), Reading())
    assert grouped.dtype == np.float64 and grouped.tolist() == [1234.5, 2.0] and list(grouped.index) == [3, 4]
    assert read_numbers(pd.Series(["inf", "-Infinity", "2.5"]), Reading()).tolist() == [np.inf, -np.inf, 2.5]


def test_an_empty_column_is_no_numbers_and_a_mark_the_options_exclude_is_refused():
    assert read_numbers(pd.Series([], dtype=object), Reading()) is None
    assert read_numbers(pd.Series(["x", "2"]), Reading(decimal=",")) is None  # text under any convention
    with pytest.raises(
        DataError,
        match=r"^column 'n' cannot be read with decimal=',': '1\.5' is no number with it; the column reads "
        r"with decimal='\.'$",
    ):
        read_numbers(pd.Series(["1.5", "2"]), Reading(decimal=","), name="n")  # 1.5 groups no thousands
    with pytest.raises(
        DataError,
        match=r"^column 'n' cannot be read with decimal='\.' and thousands='': '1,5' is no number with "
        r"them; the column reads with decimal=','$",
    ):
        read_numbers(pd.Series(["1,5", "2"]), Reading(decimal=".", thousands=""), name="n")


def test_a_comma_file_reads_a_decimal_comma_only_where_the_column_writes_a_comma():
    # 1.050 in a comma file: no unquoted decimal comma there, so the point is a decimal point
    assert read_numbers(pd.Series(["1.050", "2.100"]), Reading(), comma_file=True).tolist() == [1.05, 2.1]
    # a quoted 1,5 in the same file: the column writes a comma, so decimal commas are possible again
    assert read_numbers(pd.Series(["1,5", "2"]), Reading(), comma_file=True).tolist() == [1.5, 2.0]
    assert read_numbers(pd.Series(["1.050", "1,5"]), Reading(), comma_file=True).tolist() == [1050, 1.5]
    with pytest.raises(AmbiguousData, match=r"column 'n' \('1,050', '2,100'\) reads 2 ways"):
        read_numbers(pd.Series(["1,050", "2,100"]), Reading(), comma_file=True, name="n")
