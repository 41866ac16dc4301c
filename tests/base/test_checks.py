"""The argument checks: what each returns for a value it accepts, the bounds it applies, and pandas
recognised without importing it (what each refuses, and the error class, are in test_errors.py)."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from tsrnn.base import checks
from tsrnn.base.errors import InvalidParameterError


def test_positive_int_returns_a_python_int_from_any_integer():
    value = checks.positive_int("epochs", np.int64(7))
    assert value == 7 and type(value) is int
    assert checks.positive_int("window", 0, minimum=0) == 0
    with pytest.raises(InvalidParameterError, match=r"window must be an integer >= 2, got 1"):
        checks.positive_int("window", 1, minimum=2)


@pytest.mark.parametrize(
    ("value", "low", "high", "low_open", "high_open", "ok"),
    [
        (0.0, 0.0, 1.0, False, False, True),  # closed bounds hold their ends
        (1.0, 0.0, 1.0, False, False, True),
        (0.0, 0.0, 1.0, True, False, False),  # an open bound does not
        (1.0, 0.0, 1.0, False, True, False),
        (-5.0, None, 1.0, False, False, True),  # None: unbounded
        (float("inf"), None, None, False, False, False),  # never infinite
    ],
)
def test_real_applies_open_and_closed_bounds(value, low, high, low_open, high_open, ok):
    if ok:
        assert checks.real("x", value, low, high, low_open=low_open, high_open=high_open) == value
    else:
        with pytest.raises(InvalidParameterError, match=r"x must be a finite number"):
            checks.real("x", value, low, high, low_open=low_open, high_open=high_open)


def test_real_returns_a_float_and_refuses_booleans():
    value = checks.real("lr", Fraction(1, 4))
    assert value == 0.25 and type(value) is float
    with pytest.raises(InvalidParameterError, match=r"lr must be a number, got True \(bool\)"):
        checks.real("lr", True)


def test_choice_returns_the_option_and_per_feature_broadcasts():
    assert checks.choice("cell", "gru", ("rnn", "lstm", "gru")) == "gru"
    assert checks.per_feature("trend", 0.5, 3, [0, 0, 0]) == [0.5, 0.5, 0.5]
    assert checks.per_feature("trend", None, 2, [1, 2]) == [1.0, 2.0]
    assert checks.per_feature("trend", (1, 2), 2, [0, 0]) == [1.0, 2.0]
    with pytest.raises(InvalidParameterError, match=r"trend\[1\] must be a number, got 'x'") as caught:
        checks.per_feature("trend", [1, "x"], 2, [0, 0])
    assert caught.value.parameter == "trend"


def test_is_pandas_recognises_frames_and_never_imports_pandas():
    import pandas as pd

    assert checks.is_pandas(pd.DataFrame(), "DataFrame") and not checks.is_pandas(pd.Series(), "DataFrame")
    assert checks.is_pandas(pd.Series(dtype=float), "DataFrame", "Series")
    code = (
        "import sys, numpy as np; from tsrnn.base import checks; "
        "print(checks.is_pandas(np.zeros(3), 'DataFrame'), 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
