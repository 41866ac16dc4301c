"""tsrnn.data.panel: S series in one array (rows, positions, tails, cuts that keep the labels) and the
row positions of every window inside each series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsrnn.data.calendar import Grid
from tsrnn.data.panel import Panel, panel_windows

DAYS = pd.date_range("2020-01-01", periods=10, freq="D")


def three_series(grid: Grid | None = None) -> Panel:
    """Series a (4 steps), b (2) and c (3) of two features; row r holds (r, 10 r); each series ends at
    the grid position 9, 5 and 7."""
    rows = np.arange(9, dtype=np.float32)
    return Panel(
        values=np.stack([rows, 10 * rows], axis=1),
        starts=np.array([0, 4, 6]),
        lengths=np.array([4, 2, 3]),
        ids=["a", "b", "c"],
        columns=["y", "x"],
        grid=grid,
        last=np.array([9, 5, 7]),
    )


def test_rows_positions_and_tails_follow_the_offsets():
    panel = three_series()
    assert panel.n_series == 3
    assert panel.rows(1).tolist() == [[4, 40], [5, 50]]
    series, step = panel.positions()
    assert series.tolist() == [0, 0, 0, 0, 1, 1, 2, 2, 2] and step.tolist() == [0, 1, 2, 3, 0, 1, 0, 1, 2]
    tails = panel.tails(2)  # (S, W, F)
    assert tails.shape == (3, 2, 2) and tails[:, :, 0].tolist() == [[2, 3], [4, 5], [7, 8]]
    tails[0, 0, 0] = -1
    assert panel.values[2, 0] == 2  # a copy


def test_take_cuts_every_series_and_moves_its_last_position_back():
    panel = three_series()
    cut = panel.take(start=1, stop=3)
    assert (
        cut.ids == ["a", "b", "c"] and cut.lengths.tolist() == [2, 1, 2] and cut.starts.tolist() == [0, 2, 3]
    )
    assert cut.values[:, 0].tolist() == [1, 2, 5, 7, 8]
    assert cut.last.tolist() == [8, 5, 7]  # a lost its last step, b and c nothing after step 3
    picked = panel.take([2, 0], start=[0, 3])  # one start per series picked
    assert picked.ids == ["c", "a"] and picked.values[:, 0].tolist() == [6, 7, 8, 3]
    assert picked.last.tolist() == [7, 9]
    emptied = panel.take(start=2)
    assert emptied.ids == ["a", "c"] and emptied.values[:, 0].tolist() == [2, 3, 8]  # b has no step left
    cut.values[0, 0] = -1
    assert panel.values[1, 0] == 1  # its own copy of the rows


def test_labels_come_from_the_grid_or_count_steps():
    assert list(three_series(Grid.of(DAYS)).labels(1)) == list(DAYS[4:6])
    assert list(three_series().labels(2)) == [5, 6, 7]  # no grid: integer positions
    single = Panel(
        values=np.zeros((5, 1), np.float32),
        starts=np.array([0]),
        lengths=np.array([5]),
        ids=[None],
        columns=["y"],
        index=DAYS[:5],
    )
    assert list(single.labels(0)) == list(DAYS[:5])
    assert list(single.take(start=1, stop=3).labels(0)) == list(DAYS[1:3])  # its own labels, sliced
    unlabelled = Panel(np.zeros((3, 1), np.float32), np.array([0]), np.array([3]), [None], ["y"])
    assert list(unlabelled.labels(0)) == [0, 1, 2]


def test_windows_are_every_span_inside_each_series():
    starts, lengths = np.array([0, 30, 50]), np.array([30, 20, 40])
    rows = panel_windows(lengths, starts, window=5, horizon=2)
    expected = np.concatenate([a + np.arange(n - 6) for a, n in zip(starts, lengths, strict=True)])
    np.testing.assert_array_equal(rows, expected)


def test_windows_from_an_offset_up_to_an_end_leave_out_series_too_short():
    starts, lengths = np.array([0, 10, 13]), np.array([10, 3, 8])
    rows = panel_windows(
        lengths, starts, window=3, horizon=1, first=np.array([2, 0, 1]), end=np.array([8, 3, 8])
    )
    # a: windows from offset 2 whose target ends by 8 start at 2, 3, 4; b has none; c: offsets 1 ... 4
    assert rows.tolist() == [2, 3, 4, 14, 15, 16, 17]
    assert rows.dtype == np.int64
