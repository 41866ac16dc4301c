"""Hostile data files get one clear error naming what is wrong: never a crash, a hang or a traceback."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error

from tsrnn.base.errors import DataError
from tsrnn.data.fields import MAX_FIELD
from tsrnn.data.files import MAX_COLUMNS, read_csv
from tsrnn.estimator.forecaster import Forecaster
from tsrnn.evaluation.baselines import MAX_AR_INPUTS

FIT = ["fit", "--epochs", "1", "--hidden", "3", "--layers", "1", "--window", "5", "--quiet"]


def series_csv(path, extra_row: str | None = None, columns: str = "a,b") -> str:
    rows = "".join(f"{i},{np.sin(i / 3):.4f}\n" for i in range(60))
    path.write_text(f"{columns}\n{rows}{extra_row or ''}")
    return str(path)


def left_nothing(tmp_path, out: str = "run") -> None:
    assert not (tmp_path / out).exists()
    assert not [n for n in os.listdir(tmp_path) if n.startswith(f".{out}.")]  # no .partial, .lock or .old


def test_ten_thousand_columns_are_refused_before_any_work(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 10_000)).round(3), columns=[f"c{i}" for i in range(10_000)])
    frame.to_csv(tmp_path / "wide.csv", index=False)
    result = invoke(*FIT, "--hidden", "8", "--data", tmp_path / "wide.csv", "--out", tmp_path / "run")
    one_line_error(
        result,
        f"a window of 5 steps x 10000 features = 50000 inputs per window, beyond tsrnn's limit of "
        f"{MAX_AR_INPUTS}: the linear-AR baseline fits 50001 coefficients for each of the 10000 "
        f"features; use fewer features or a shorter window",
    )
    left_nothing(tmp_path)


def test_the_limit_is_on_window_times_features(fit_frame):
    with pytest.raises(DataError, match=r"a window of 5001 steps x 2 features = 10002 inputs per window"):
        Forecaster(window=5001, epochs=1).fit(fit_frame)


def test_a_twenty_million_digit_number_is_refused_at_once(tmp_path):
    data = series_csv(tmp_path / "huge.csv", "1" * 20_000_000 + ",3\n")
    one_line_error(
        invoke(*FIT, "--data", data, "--out", tmp_path / "run"),
        f"data file {data!r}, column 'a', line 62: a field of 20000000 characters; tsrnn reads fields "
        f"of at most {MAX_FIELD}",
    )
    left_nothing(tmp_path)


def test_a_long_label_is_refused_too(tmp_path):
    data = tmp_path / "label.csv"
    data.write_text(
        "a,b,note\n" + "".join(f"{i},{i % 7},{'z' * (2000 if i == 9 else 3)}\n" for i in range(60))
    )
    with pytest.raises(DataError, match=r"column 'note', line 11: a field of 2000 characters"):
        read_csv(data)


def test_a_four_hundred_digit_integer_is_beyond_float64(tmp_path):
    data = series_csv(tmp_path / "big.csv", "1" * 400 + ",3\n")
    one_line_error(
        invoke(*FIT, "--data", data, "--out", tmp_path / "run"),
        f"data file {data!r}, column 'a', line 62: the number 111111111111... (400 characters) is beyond "
        f"the range of float64 (about 1.8e308)",
    )
    left_nothing(tmp_path)


def test_a_large_integer_within_float64_is_read_as_a_number(tmp_path):
    data = series_csv(tmp_path / "ok.csv", "9" * 30 + ",3\n")
    frame = read_csv(data)
    assert frame["a"].dtype == np.float64 and frame["a"].iloc[-1] == 1e30


def test_a_decimal_exponent_beyond_float64_names_column_and_row(tmp_path):
    data = series_csv(tmp_path / "exp.csv", "1e400,3\n")
    # pandas 3 reads the number as infinity, pandas 2 keeps the text: either way one line names the place
    line = one_line_error(invoke(*FIT, "--data", data, "--out", tmp_path / "run"), "column 'a'")
    assert "has an infinite value at line 62" in line or (
        "line 62" in line and "beyond the range of float64" in line
    )


def test_too_many_columns(tmp_path):
    (tmp_path / "cols.csv").write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n")
    with pytest.raises(DataError, match=rf"has {MAX_COLUMNS + 1} columns; tsrnn reads at most {MAX_COLUMNS}"):
        read_csv(tmp_path / "cols.csv")


def _stamps(offsets: list[str]) -> str:
    return "".join(f"2024-03-31T{h:02d}:00:00{o},{np.sin(h):.3f}\n" for h, o in enumerate(offsets))


def test_mixed_time_zones_get_tsrnn_s_own_message(tmp_path):
    csv = tmp_path / "tz.csv"
    csv.write_text("ts,y\n" + _stamps(["+01:00"] * 2 + ["+02:00"] * 20))
    line = one_line_error(
        invoke(*FIT, "--data", csv, "--out", tmp_path / "run"),
        f"data file {str(csv)!r}: time column 'ts' mixes UTC offsets (offset +01:00 at line 2, "
        f"offset +02:00 at line 4), as local time across a daylight-saving change does; tsrnn reads "
        f"one offset per time column: convert the timestamps to UTC first",
    )
    assert "utc=True" not in line
    left_nothing(tmp_path)


def test_offsets_and_naive_timestamps_are_mixed_too(tmp_path):
    csv = tmp_path / "tz.csv"
    csv.write_text("ts,y\n" + _stamps(["Z", "+00:00", ""]))
    with pytest.raises(
        DataError, match=r"mixes UTC offsets \(offset \+00:00 at line 2, no offset at line 4\); tsrnn"
    ):
        read_csv(csv)


def test_one_offset_written_two_ways_is_one_zone(tmp_path):
    csv = tmp_path / "utc.csv"
    csv.write_text("ts,y\n" + _stamps(["Z", "+00:00", "+0000"]))
    assert len(read_csv(csv)) == 3
