"""Forecasts in the data's own precision, not float32's noise."""

from __future__ import annotations

import numpy as np

from tsrnn.data.precision import decimals, round_to


def test_decimals_read_back_from_float32():
    values = np.array([[448.4, 112.0], [390.1, 118.0], [432.0, 135.0]], dtype=np.float32)  # (T, O)
    assert decimals(values, axis=0).tolist() == [1, 0]
    counts = np.array([[0.0], [3.0], [5.0], [1.0]], dtype=np.float32)
    assert decimals(counts, axis=0).tolist() == [2]  # at least three significant digits of a level ~2
    fine = np.array([[0.123456789], [0.5]], dtype=np.float32)
    assert decimals(fine, axis=0).tolist() == [7]


def test_round_to_gives_clean_float64():
    out = round_to(np.float32([448.399994, 1.23456]), np.array([1, 2]))
    assert out.dtype == np.float64 and out.tolist() == [448.4, 1.23]
    assert repr(out[0]) == "np.float64(448.4)"
