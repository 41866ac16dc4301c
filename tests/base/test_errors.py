"""tsrnn's error classes: one parameter error, raised by the argument checks, that is also the
ValueError and TypeError callers may already catch."""

from __future__ import annotations

import numpy as np
import pytest

import tsrnn
from tsrnn.base import checks
from tsrnn.base.errors import InvalidParameterError, TsrnnError


def test_the_parameter_error_is_a_tsrnn_error_a_value_error_and_a_type_error():
    err = InvalidParameterError("window must be an integer >= 1, got 0", parameter="window")
    assert isinstance(err, TsrnnError) and isinstance(err, ValueError) and isinstance(err, TypeError)
    assert err.parameter == "window" and str(err) == "window must be an integer >= 1, got 0"
    assert tsrnn.InvalidParameterError is InvalidParameterError


@pytest.mark.parametrize(
    "check, parameter, message",
    [
        (lambda: checks.positive_int("epochs", 0), "epochs", "epochs must be an integer >= 1, got 0"),
        (
            lambda: checks.positive_int("epochs", 2.5),
            "epochs",
            r"epochs must be an integer >= 1, got 2.5 \(float\)",
        ),
        (
            lambda: checks.real("lr", float("nan"), 0.0),
            "lr",
            r"lr must be a finite number in \[0.0, inf\], got nan",
        ),
        (
            lambda: checks.choice("cell", "tcn", ("rnn", "lstm")),
            "cell",
            "cell must be one of 'rnn', 'lstm', got 'tcn'",
        ),
        (lambda: checks.per_feature("trend", [1, 2], 3, [0, 0, 0]), "trend", "one value per feature"),
        (
            lambda: tsrnn.ModelConfig(input_size=2, loss="quantile", quantiles=(0.5, 1.5)),
            "quantiles",
            r"quantiles\[1\] must be a finite number in \(0.0, 1.0\), got 1.5",
        ),
    ],
)
def test_the_checks_raise_it_naming_the_parameter(check, parameter, message):
    with pytest.raises(InvalidParameterError, match=message) as caught:
        check()
    assert caught.value.parameter == parameter


def test_a_forecaster_refuses_a_bad_parameter_with_it_before_any_training():
    with pytest.raises(InvalidParameterError, match="dropout acts between stacked layers") as caught:
        tsrnn.Forecaster(layers=1, dropout=0.5, epochs=1).fit(np.sin(np.arange(80.0)))
    assert caught.value.parameter == "dropout"
    with pytest.raises(ValueError, match="cell must be one of 'rnn', 'lstm', 'gru', got 'tcn'"):
        tsrnn.Forecaster(cell="tcn", epochs=1).fit(np.sin(np.arange(80.0)))  # still a ValueError
