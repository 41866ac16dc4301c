"""tsrnn.data.windows: sliding windows as views, targets, errors, and time splits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from tsrnn.base.errors import DataError
from tsrnn.data.windows import make_windows, n_windows, resolve_targets, split_points


def loop_windows(s: np.ndarray, window: int, horizon: int, targets=None):
    """The reference: X[i] = s[i:i+W], Y[i] = s[i+W:i+W+K, targets], one window at a time."""
    cols = list(range(s.shape[1])) if targets is None else list(targets)
    n = s.shape[0] - window - horizon + 1
    X = np.stack([s[i : i + window] for i in range(n)])
    Y = np.stack([s[i + window : i + window + horizon][:, cols] for i in range(n)])
    return X, Y


def base_chain(a: np.ndarray) -> list:
    chain = []
    while a is not None:
        chain.append(a)
        a = a.base
    return chain


@pytest.fixture
def series():
    return np.random.default_rng(0).normal(size=(30, 3))  # (T, F) float64


@pytest.mark.parametrize(
    "window, horizon, targets",
    [
        (1, 1, None),
        (5, 3, None),
        (4, 2, [2, 0]),
        (10, 1, [1]),
        (29, 1, None),
        (27, 3, [0, 1, 2]),
    ],
)
def test_make_windows_equals_loop(series, window, horizon, targets):
    X, Y = make_windows(series, window, horizon, targets)
    X_ref, Y_ref = loop_windows(series, window, horizon, targets)
    n = 30 - window - horizon + 1
    o = 3 if targets is None else len(targets)
    assert X.shape == (n, window, 3)
    assert Y.shape == (n, horizon, o)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(Y, Y_ref)


@pytest.mark.parametrize("targets, positions", [(["c"], [2]), (("b", "a"), [1, 0]), ("a", [0]), (2, [2])])
def test_make_windows_frame_with_column_name_targets(targets, positions):
    values = np.arange(60, dtype=np.float32).reshape(20, 3)
    df = pd.DataFrame(values, columns=["a", "b", "c"])
    df["label"] = "text"  # non-numeric columns are left out
    X, Y = make_windows(df, 6, 2, targets)
    X_ref, Y_ref = loop_windows(values, 6, 2, positions)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(Y, Y_ref)


def test_make_windows_reads_1d_as_one_feature():
    s = np.arange(10.0)
    X, Y = make_windows(s, 3, 2)
    assert X.shape == (6, 3, 1) and Y.shape == (6, 2, 1)
    assert X[2, :, 0].tolist() == [2.0, 3.0, 4.0]
    assert Y[2, :, 0].tolist() == [5.0, 6.0]


def test_numpy_windows_are_views_of_the_source(series):
    X, Y = make_windows(series, 5, 2)
    assert np.shares_memory(X, series)
    assert np.shares_memory(Y, series)
    assert any(b is series for b in base_chain(X))
    assert any(b is series for b in base_chain(Y))
    series[7, 1] = 1234.5  # a write to the source shows through every window that covers it
    assert X[7, 0, 1] == 1234.5
    assert X[3, 4, 1] == 1234.5
    assert Y[2, 0, 1] == 1234.5  # Y[i, k] is step i + W + k = 2 + 5 + 0
    assert Y[1, 1, 1] == 1234.5


def test_target_subset_windows_view_one_copy(series):
    X, Y = make_windows(series, 5, 2, [2])
    assert np.shares_memory(X, series)
    assert not np.shares_memory(Y, series)  # Y views a (T, O) copy of the target columns
    assert Y.base is not None


def test_number_of_windows(series):
    for window, horizon in [(1, 1), (5, 3), (10, 20), (30, 0), (1, 0)]:
        X, Y = make_windows(series, window, horizon)
        assert X.shape[0] == Y.shape[0] == 30 - window - horizon + 1 == n_windows(30, window, horizon)
    assert n_windows(5, 4, 3) == 0


def test_horizon_zero_gives_every_input_window(series):
    X, Y = make_windows(series, 4, 0)
    assert X.shape == (27, 4, 3)
    assert Y.shape == (27, 0, 3)
    np.testing.assert_array_equal(X[-1], series[-4:])
    _, Y_sub = make_windows(series, 4, 0, [1])
    assert Y_sub.shape == (27, 0, 1)


@pytest.mark.parametrize("window, horizon, targets", [(5, 2, None), (3, 0, None), (4, 3, [2, 0])])
def test_tensor_windows_match_numpy_and_share_storage(series, window, horizon, targets):
    t = torch.from_numpy(series.astype(np.float32))
    X, Y = make_windows(t, window, horizon, targets)
    assert isinstance(X, torch.Tensor) and isinstance(Y, torch.Tensor)
    X_np, Y_np = make_windows(series.astype(np.float32), window, horizon, targets)
    np.testing.assert_array_equal(X.numpy(), X_np)
    np.testing.assert_array_equal(Y.numpy(), Y_np)
    assert Y.shape == Y_np.shape
    storage = t.untyped_storage()
    start, end = storage.data_ptr(), storage.data_ptr() + storage.nbytes()
    assert X.untyped_storage().data_ptr() == start
    assert start <= X.data_ptr() < end
    if targets is None and horizon:
        assert Y.untyped_storage().data_ptr() == start
        assert start <= Y.data_ptr() < end


def test_tensor_windows_see_writes_to_source(series):
    t = torch.from_numpy(series.astype(np.float32))
    X, Y = make_windows(t, 5, 1)
    t[6, 2] = -77.0
    assert X[6, 0, 2] == -77.0 and X[2, 4, 2] == -77.0
    assert Y[1, 0, 2] == -77.0


def test_tensor_must_be_2d():
    with pytest.raises(DataError, match=r"expected a tensor of shape \(T, F\), got shape \(10,\)"):
        make_windows(torch.zeros(10), 3)


def test_numpy_must_be_1d_or_2d():
    with pytest.raises(
        DataError, match=r"expected a series of shape \(T,\) or \(T, F\), got shape \(2, 3, 4\)"
    ):
        make_windows(np.zeros((2, 3, 4)), 1)


def test_too_short_series():
    with pytest.raises(DataError, match=r"series has 7 time steps; window=5 \+ horizon=3 needs at least 8"):
        make_windows(np.zeros((7, 2)), 5, 3)
    X, Y = make_windows(np.zeros((8, 2)), 5, 3)  # exactly enough: one window
    assert X.shape == (1, 5, 2) and Y.shape == (1, 3, 2)


@pytest.mark.parametrize("bad, text", [(np.nan, "nan"), (np.inf, "inf"), (-np.inf, "-inf")])
def test_non_finite_values_name_row_and_column(series, bad, text):
    series[12, 1] = bad
    series[20, 0] = bad
    with pytest.raises(
        DataError, match=rf"non-finite value \({text}\) at row 12, column 'f1'; 2 such values"
    ):
        make_windows(series, 3)


def test_non_finite_in_frame_names_the_column():
    df = pd.DataFrame({"temp": [1.0, 2.0, 3.0, 4.0], "load": [1.0, 2.0, np.nan, 4.0]})
    with pytest.raises(DataError, match=r"at row 2, column 'load'"):
        make_windows(df, 2)


@pytest.mark.parametrize(
    "targets, match",
    [
        (["zz"], r"target 'zz' is not a column; columns are \['f0', 'f1', 'f2'\]"),
        ([3], r"target 3 is not a column name or a position in \[0, 3\)"),
        ([-1], r"target -1 is not a column name or a position in \[0, 3\)"),
        ([True], r"target True is not a column name or a position"),
        ([], r"targets must name at least one column, got an empty list"),
        ([0, "f0"], r"targets must not repeat a column, got \[0, 'f0'\]"),
    ],
)
def test_bad_targets(series, targets, match):
    with pytest.raises(DataError, match=match):
        make_windows(series, 3, 1, targets)


def test_resolve_targets():
    cols = ["a", "b", "c"]
    assert resolve_targets(None, cols) is None
    assert resolve_targets("b", cols) == [1]
    assert resolve_targets(["c", 0], cols) == [2, 0]
    assert resolve_targets([np.int64(1)], cols) == [1]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"window": 0}, ValueError, r"window must be an integer >= 1, got 0"),
        ({"window": 2, "horizon": -1}, ValueError, r"horizon must be an integer >= 0, got -1"),
        ({"window": 2.0}, TypeError, r"window must be an integer >= 1, got 2\.0 \(float\)"),
    ],
)
def test_bad_window_arguments(series, kwargs, error, match):
    with pytest.raises(error, match=match):
        make_windows(series, **kwargs)


def test_split_points():
    assert split_points(1000, 0.2) == [800]
    assert split_points(1000, 0.1, 0.2) == [700, 800]
    assert split_points(10, 0.0) == [10]
    with pytest.raises(ValueError, match=r"fraction must be a finite number in \[0\.0, 1\.0\), got 1\.0"):
        split_points(10, 1.0)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_make_windows_property_matches_loop(data):
    T = data.draw(st.integers(1, 25), label="T")
    F = data.draw(st.integers(1, 4), label="F")
    W = data.draw(st.integers(1, T), label="W")
    K = data.draw(st.integers(0, T - W), label="K")
    targets = data.draw(
        st.one_of(
            st.none(),
            st.permutations(range(F)).flatmap(lambda p: st.integers(1, F).map(lambda k: list(p[:k]))),
        ),
        label="targets",
    )
    s = np.random.default_rng(T * 100 + F).normal(size=(T, F)).astype(np.float32)
    X, Y = make_windows(s, W, K, targets)
    o = F if targets is None else len(targets)
    assert X.shape == (T - W - K + 1, W, F)
    assert Y.shape == (T - W - K + 1, K, o)
    if K == 0:
        np.testing.assert_array_equal(X, np.stack([s[i : i + W] for i in range(T - W + 1)]))
    else:
        X_ref, Y_ref = loop_windows(s, W, K, targets)
        np.testing.assert_array_equal(X, X_ref)
        np.testing.assert_array_equal(Y, Y_ref)
    assert np.shares_memory(X, s)
