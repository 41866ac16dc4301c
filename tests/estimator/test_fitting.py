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


def test_a_large_panel_trains_in_64_step_epochs_and_reads_epochs_x_16384_windows():
    import numpy as np

    values = np.sin(np.arange(30_000) / 7.0)[:, None]  # one series: 29,998 windows of 2 steps
    settings = dict(window=2, hidden=2, layers=1, epochs=4, val_fraction=0.0, seed=0)
    model = Forecaster(**settings).fit(values, progress=False)
    assert model.batch_size_ == 469  # ceil(29,998 / 64)
    assert len(model.history_.records) == 3  # ceil(4 x 16,384 / 29,998)
    assert model.history_.stop_reason == (
        "finished: 3 epochs, not 4: 29,998 training windows in automatic batches of 469 read no more "
        "than 4 epochs of 16,384 would"
    )
    given = Forecaster(**settings, batch_size=469).fit(values, progress=False)  # a batch given: every epoch
    assert len(given.history_.records) == 4 and given.history_.stop_reason == "finished"


def test_a_holdout_refit_repeats_the_bounded_epochs_as_they_are():
    import numpy as np

    values = np.sin(np.arange(30_000) / 7.0)[:, None]
    model = Forecaster(window=2, hidden=2, layers=1, epochs=6, val_fraction=0.0, seed=0)
    model.fit(values, holdout=0.2, progress=False)
    evaluated = model.holdout_.model  # 23,998 windows: ceil(6 x 16,384 / 23,998) = 5 epochs of batches of 375
    assert (len(evaluated.history_.records), evaluated.batch_size_) == (5, 375)
    assert model.holdout_.epochs == evaluated.history_.best_epoch == 4  # by train loss, without validation
    assert len(model.history_.records) == 4  # not cut again to ceil(4 x 16,384 / 29,998) = 3
    assert model.batch_size_ == 469 and model.history_.stop_reason == "finished"
