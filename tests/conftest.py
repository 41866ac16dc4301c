"""Shared fixtures: short noiseless series and one tiny fitted Forecaster reused by many tests."""
from __future__ import annotations

import pytest
import torch

import tsrnn

# The models under test are tiny: one thread is faster than two, and it keeps CPU timings (and the
# suite's runtime) steady when another process shares the cores (OpenMP threads spin on a busy core).
torch.set_num_threads(1)

WINDOW = 10


@pytest.fixture
def sine_frame():
    """(300, 2) noiseless two-feature sine mixture, RangeIndex named 't'."""
    return tsrnn.multi_sine(300, 2, noise=0.0, seed=0)


@pytest.fixture(scope="session")
def fit_frame():
    """The series ``fitted`` was trained on; do not modify it."""
    return tsrnn.multi_sine(300, 2, noise=0.0, seed=0)


@pytest.fixture(scope="session")
def fitted(fit_frame):
    """A small fitted Forecaster (window 10, hidden 8, 1 layer, 5 epochs); tests must not refit or mutate it."""
    return tsrnn.Forecaster(hidden=8, layers=1, window=WINDOW, epochs=5, seed=0).fit(fit_frame, progress=False)


def invoke(*args: str):
    """Run the ``tsrnn`` command line in-process; exceptions propagate (a traceback fails the test)."""
    from click.testing import CliRunner

    from tsrnn.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
