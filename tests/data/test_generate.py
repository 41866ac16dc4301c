"""tsrnn.data.generate: the tutorial sine, seeded multi-feature sines and to_batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from tsrnn.data.generate import DEFAULT_PERIODS, multi_sine, sine_wave, to_batch


# -- sine_wave ----------------------------------------------------------------------------------------
def test_sine_wave_is_the_tutorial_formula():
    x = sine_wave(20, 3)
    assert x.shape == (20, 3)
    assert x.dtype == np.float32
    expected = np.sin(np.linspace(0, np.pi, 60)).reshape(20, 3).astype(np.float32)
    np.testing.assert_array_equal(x, expected)


def test_sine_wave_defaults_to_one_feature_of_20_steps():
    x = sine_wave()
    assert x.shape == (20, 1)
    assert x[0, 0] == 0.0
    np.testing.assert_allclose(x[-1, 0], 0.0, atol=1e-6)  # sin(pi)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"seq_length": 0}, r"seq_length must be an integer >= 1, got 0"),
        ({"n_features": -2}, r"n_features must be an integer >= 1, got -2"),
    ],
)
def test_sine_wave_rejects_bad_sizes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sine_wave(**kwargs)


def test_sine_wave_rejects_non_integer_size():
    with pytest.raises(TypeError, match=r"seq_length must be an integer >= 1, got 2\.5 \(float\)"):
        sine_wave(2.5)


# -- multi_sine ---------------------------------------------------------------------------------------
def test_multi_sine_shape_columns_and_index():
    df = multi_sine(100, 4, seed=0)
    assert df.shape == (100, 4)
    assert list(df.columns) == ["f0", "f1", "f2", "f3"]
    assert (df.dtypes == np.float32).all()
    assert isinstance(df.index, pd.RangeIndex)
    assert (df.index.start, df.index.stop, df.index.step) == (0, 100, 1)
    assert df.index.name == "t"


def test_multi_sine_same_seed_same_frame_other_seed_differs():
    a = multi_sine(200, 3, noise=0.2, seed=7)
    b = multi_sine(200, 3, noise=0.2, seed=7)
    c = multi_sine(200, 3, noise=0.2, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.to_numpy(), c.to_numpy())


def test_multi_sine_records_settings_in_attrs():
    df = multi_sine(50, 2, noise=0.25, seed=3, periods=(10, 20), amplitudes=2.0)
    assert df.attrs["noise"] == 0.25
    assert df.attrs["periods"] == [10.0, 20.0]
    assert df.attrs["amplitudes"] == [2.0, 2.0]
    assert df.attrs["seed"] == 3
    assert len(df.attrs["phases"]) == 2


def test_multi_sine_noiseless_matches_formula():
    periods, amps, phases, trend = (10.0, 7.0, 31.0), (1.0, 2.5, 0.5), (0.0, 1.0, -2.0), (0.0, 0.01, -0.02)
    df = multi_sine(120, 3, periods=periods, amplitudes=amps, phases=phases, trend=trend, noise=0.0)
    t = np.arange(120)[:, None]
    expected = (
        np.array(amps) * np.sin(2 * np.pi * t / np.array(periods) + np.array(phases)) + np.array(trend) * t
    )
    np.testing.assert_allclose(df.to_numpy(), expected, atol=1e-6)


def test_multi_sine_scalar_settings_apply_to_every_feature():
    df = multi_sine(40, 3, periods=8, amplitudes=3.0, phases=0.5, noise=0.0)
    t = np.arange(40)
    for col in df.columns:
        np.testing.assert_allclose(df[col].to_numpy(), 3.0 * np.sin(2 * np.pi * t / 8 + 0.5), atol=1e-6)


def test_multi_sine_default_periods_are_distinct():
    df = multi_sine(10, 12, noise=0.0, seed=0)
    periods = df.attrs["periods"]
    assert periods[:8] == list(DEFAULT_PERIODS)
    assert len(set(periods)) == 12


def test_multi_sine_reproduces_documented_random_stream():
    df = multi_sine(4000, 3, periods=(50, 37, 23), noise=0.1, seed=0)
    rng = np.random.default_rng(0)
    phases = rng.uniform(0, 2 * np.pi, 3)  # phases are drawn first ...
    noise = rng.normal(0, 0.1, (4000, 3))  # ... then the noise
    t = np.arange(4000)[:, None]
    expected = np.sin(2 * np.pi * t / np.array([50.0, 37.0, 23.0]) + phases) + noise
    assert df.attrs["phases"] == pytest.approx(phases.tolist())
    np.testing.assert_allclose(df.to_numpy(), expected, atol=1e-6)


def test_multi_sine_given_phases_keep_the_noise_stream():
    # The phases are drawn even when given, so the noise depends on the seed only.
    free = multi_sine(100, 2, noise=0.3, seed=5)
    fixed = multi_sine(100, 2, noise=0.3, seed=5, phases=free.attrs["phases"])
    np.testing.assert_allclose(free.to_numpy(), fixed.to_numpy(), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"length": 0}, ValueError, r"length must be an integer >= 1, got 0"),
        ({"length": 10, "n_features": -1}, ValueError, r"n_features must be an integer >= 1, got -1"),
        (
            {"length": 10, "n_features": 3, "periods": (10, 20)},
            ValueError,
            r"periods must have one value per feature \(n_features=3\), got 2 values: \[10, 20\]",
        ),
        (
            {"length": 10, "n_features": 2, "periods": (10, 0)},
            ValueError,
            r"periods\[1\] must be > 0.*got 0\.0",
        ),
        ({"length": 10, "n_features": 1, "periods": -4}, ValueError, r"periods\[0\] must be > 0.*got -4\.0"),
        (
            {"length": 10, "noise": -0.1},
            ValueError,
            r"noise must be a finite number in \[0\.0, inf\], got -0\.1",
        ),
        ({"length": 10, "noise": float("nan")}, ValueError, r"noise must be a finite number.*got nan"),
        ({"length": 10, "seed": -1}, ValueError, r"seed must be an integer >= 0, got -1"),
        (
            {"length": 10, "n_features": 2, "amplitudes": [1.0, "x"]},
            TypeError,
            r"amplitudes\[1\] must be a number, got 'x'",
        ),
        ({"length": 10, "trend": object()}, TypeError, r"trend must be a number or a sequence of 3 numbers"),
        ({"length": 10.0}, TypeError, r"length must be an integer >= 1, got 10\.0 \(float\)"),
    ],
)
def test_multi_sine_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        multi_sine(**kwargs)


# -- to_batch -----------------------------------------------------------------------------------------
def test_to_batch_adds_batch_dimension():
    x = sine_wave(20, 3)
    b = to_batch(x)
    assert isinstance(b, torch.Tensor)
    assert b.dtype == torch.float32
    assert b.shape == (1, 20, 3)
    torch.testing.assert_close(b[0], torch.from_numpy(x))


def test_to_batch_reads_1d_as_one_feature():
    b = to_batch(np.arange(7, dtype=np.float64))
    assert b.shape == (1, 7, 1)
    assert b.dtype == torch.float32
    assert b[0, :, 0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_to_batch_accepts_frames_and_tensors():
    df = multi_sine(15, 2, noise=0.0, seed=0)
    torch.testing.assert_close(to_batch(df)[0], torch.tensor(df.to_numpy()))
    t = torch.arange(6, dtype=torch.float64).reshape(3, 2)
    b = to_batch(t)
    assert b.dtype == torch.float32 and b.shape == (1, 3, 2)
    assert b[0].tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]


def test_to_batch_rejects_3d():
    with pytest.raises(
        ValueError,
        match=r"to_batch expects an array of shape \(seq, features\), "
        r"got shape \(2, 3, 4\)",
    ):
        to_batch(np.zeros((2, 3, 4)))
