"""tsrnn.evaluation.seasons: the season found from the autocorrelation."""

from __future__ import annotations

import numpy as np

from tsrnn.evaluation.seasons import find_season


def test_season_is_found_from_the_autocorrelation():
    t = np.arange(1000)
    rng = np.random.default_rng(0)
    assert find_season(np.sin(2 * np.pi * t / 24) + 0.1 * rng.normal(size=1000)) == 24
    assert find_season(rng.normal(size=1000)) is None
    assert find_season(np.ones(100)) is None
