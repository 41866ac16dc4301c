"""Streaming (tsrnn.estimator.streaming): one recurrent step per new observation equals the
windowed prediction with the same context, carries the highway's window past a short warm-up, and
refuses what it cannot step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsrnn import DataError, Forecaster, multi_sine
from tsrnn.estimator import rollout


@pytest.fixture(scope="module")
def sines() -> pd.DataFrame:
    return multi_sine(700, 2, periods=(25, 17), phases=0.0, noise=0.0, seed=0)


@pytest.fixture(scope="module")
def one_step(sines) -> Forecaster:
    return Forecaster(window=16, horizon=1, hidden=8, epochs=3, seed=0, relative=False).fit(
        sines.iloc[:500]
    )  # streams


def test_streaming_equals_windowed_predictions_with_the_same_context(one_step, sines):
    values = sines.to_numpy()
    state = one_step.start(values[:100])
    np.testing.assert_allclose(state.prediction, one_step.predict(values[84:100])[-1], atol=1e-6)
    streamed = []
    for t in range(100, 130):
        y, state = one_step.step(values[t], state)
        streamed.append(y)
    # after k steps the state has read the last window plus k observations: the same context as
    # running the network once over those window + k steps
    import torch

    full = torch.from_numpy(one_step.scaler_.transform(values[84:130]))[None]
    with torch.inference_mode():
        prefix = [rollout.unscale(one_step, one_step.model_(full[:, : 16 + k + 1]))[0] for k in range(30)]
    np.testing.assert_allclose(np.stack(streamed), np.stack(prefix), atol=1e-5)


def test_streaming_carries_the_highways_window_past_a_short_warmup(one_step, sines):
    values = sines.to_numpy()
    assert one_step.model_.config.highway == 16
    state = one_step.start(values[:100], warmup=4)  # the network reads 4 steps, the highway the last 16
    assert state.lags.shape == (1, 16, 2)
    y, state = one_step.step(values[100], state)
    import torch

    scaled = torch.from_numpy(one_step.scaler_.transform(values[96:101]))[None]
    with torch.inference_mode():
        expected = one_step.model_(
            scaled, lags=torch.from_numpy(one_step.scaler_.transform(values[85:101]))[None]
        )
    np.testing.assert_allclose(y, rollout.unscale(one_step, expected)[0], atol=1e-6)
    np.testing.assert_allclose(
        state.lags[0, -1].numpy(), one_step.scaler_.transform(values[100:101])[0], atol=1e-6
    )
    with pytest.raises(
        DataError, match="history has 10 time steps; the model's linear highway reads the last 16"
    ):
        one_step.start(values[:10], warmup=4)


def test_streaming_refuses_bad_input(one_step, sines):
    with pytest.raises(DataError, match="data has 3 features"):
        one_step.start(np.zeros((20, 3)))
    state = one_step.start(sines.iloc[:20])
    with pytest.raises(TypeError, match="state must come from Forecaster.start or step"):
        one_step.step(np.zeros(2), "state")
    with pytest.raises(DataError, match="history has 5 time steps; warmup=16"):
        one_step.start(sines.iloc[:5])
    bi = Forecaster(window=8, hidden=4, epochs=1, bidirectional=True, relative=False).fit(sines.iloc[:200])
    with pytest.raises(Exception, match="streaming needs a unidirectional network"):
        bi.start(sines.iloc[:50])
    assert state.prediction.shape == (1, 2)
