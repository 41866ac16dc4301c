"""tsrnn.data.decomposition: the classical decomposition's arithmetic on a panel's rows."""

from __future__ import annotations

import numpy as np

import tsrnn.data.decomposition as decomposition
from tsrnn.data.decomposition import blocks, centre, detrend, variance


def test_indices_are_centred_to_mean_one_or_zero_by_kind():
    idx = np.array([[2.0, 4.0, 6.0], [1.0, 2.0, 3.0]])
    np.testing.assert_allclose(centre(idx, np.array([True, False])), [[0.5, 1.0, 1.5], [-1.0, 0.0, 1.0]])
    np.testing.assert_allclose(
        variance(np.array([1.0, 3.0, 2.0, 2.0]), np.array([0, 0, 1, 1]), 2), [1.0, 0.0]
    )


def test_the_moving_average_detrends_the_rows_whose_window_lies_in_the_training_span():
    t = np.arange(16)
    season = np.tile([1.2, 0.9, 1.0, 0.9], 4)
    rows, series, detrended, ratio = detrend((10 + t) * season, np.zeros(16, int), t, np.array([16]), 4, 1)
    np.testing.assert_array_equal(rows, np.arange(2, 14))  # two steps of the 2 x 4 window on either side
    assert ratio.tolist() == [True] and (series == 0).all()  # every value positive: multiplicative
    np.testing.assert_allclose(detrended, season[2:14], atol=0.02)


def test_blocks_hold_whole_series_and_cover_every_row(monkeypatch):
    codes = np.repeat(np.arange(3), [4, 5, 6])
    assert list(blocks(codes, 3)) == [(0, 3, slice(0, 15))]
    monkeypatch.setattr(decomposition, "_BLOCK_ROWS", 6)
    assert list(blocks(codes, 3)) == [(0, 1, slice(0, 4)), (1, 2, slice(4, 9)), (2, 3, slice(9, 15))]
