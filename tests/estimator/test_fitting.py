"""The network's share: the validation error of a fitted model against its own linear part, kept in
``history_`` by fit and stated by the fit report."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from tsrnn.app.run_report import network_share_note
from tsrnn.app.training_run import fit_run
from tsrnn.data.windows import make_windows
from tsrnn.estimator.fitting import network_share
from tsrnn.estimator.forecaster import Forecaster

TINY = dict(hidden=6, layers=1, window=10, seed=0, cell="rnn", relative=False, epochs=3, average_best=1)


def _validation_windows(f: Forecaster, data) -> tuple[torch.Tensor, torch.Tensor]:
    values = np.asarray(data, dtype=np.float32).reshape(len(data), -1)
    train_end = len(values) - f.validation_steps(len(values))
    X, Y = make_windows(torch.from_numpy(f.scaler_.transform(values)), f.window, f.horizon, f.target_idx_)
    return X[train_end - f.window :], Y[train_end - f.window :]


def test_fit_keeps_the_validation_error_of_the_model_and_of_its_linear_part(fit_frame):
    f = Forecaster(**TINY).fit(fit_frame, progress=False)
    h = f.history_
    X, Y = _validation_windows(f, fit_frame)
    with torch.no_grad():
        assert h.val_mse == pytest.approx(float(F.mse_loss(f.model_(X), Y)), rel=1e-5)
    assert h.val_mse == pytest.approx(min(h.val_loss), rel=1e-5)  # the best epoch's weights alone
    assert h.linear_val_mse == pytest.approx(float(F.mse_loss(f.model_.linear_part(X), Y)), rel=1e-5)
    assert h.network_gain == pytest.approx(1 - h.val_mse / h.linear_val_mse)


def test_without_a_highway_the_linear_part_of_a_relative_model_is_the_last_value(fit_frame):
    f = Forecaster(**{**TINY, "relative": True}, highway=False).fit(fit_frame, progress=False)
    X, Y = _validation_windows(f, fit_frame)
    naive = X[:, -1:, :].expand_as(Y)  # every step: the window's last value (both columns are targets)
    assert f.history_.linear_val_mse == pytest.approx(float(F.mse_loss(naive, Y)), rel=1e-5)


def test_no_validation_span_leaves_the_share_unknown(fit_frame):
    h = Forecaster(**TINY, val_fraction=0.0).fit(fit_frame, progress=False).history_
    assert h.val_mse is None and h.linear_val_mse is None and h.network_gain is None
    assert network_share_note(h) == ""
    assert network_share(None, None, None, np.array([], dtype=np.int64)) == (None, None)


def test_the_fit_report_states_the_share(tmp_path):
    paragraphs = []
    fit_run(
        tmp_path / "run",
        features=2,
        length=160,
        epochs=2,
        hidden=4,
        layers=1,
        window=8,
        report=paragraphs.append,
    )
    training = next(p for p in paragraphs if p.startswith("training:"))
    assert "\n  network's share: validation MSE " in training
    assert "for the linear part alone (highway and level, the recurrent branch zeroed)" in training
