"""Forecasts in the data's own precision, not float32's noise."""

from __future__ import annotations

import numpy as np

from tsrnn.data.precision import PRECISION_STEPS, decimals, decimals_before, round_to


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


def test_decimals_before_reads_each_series_steps_before_its_first_forecast():
    # two series of a panel, rows 0-4 and 5-9; column 1 is written with 2 decimals in series 0 only
    values = np.float32([[100, 1.25], [101, 2.5], [102, 3.0], [103, 4.0], [104, 5.123]] + [[2000, 7.0]] * 5)
    # series 0 before its step 3 (rows 1, 2), series 1 before its step 4 (rows 7, 8): two steps each
    places = decimals_before(values, np.array([0, 5]), np.array([3, 4]), [0, 1])
    assert places.tolist() == [[0, 2], [0, 2]]  # 2.5 and 3.0 need 2 decimals for 3 significant digits
    assert decimals_before(values, np.array([0, 5]), np.array([5, 5]), [1]).tolist() == [[3], [2]]
    assert PRECISION_STEPS == 100
