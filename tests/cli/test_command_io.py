"""tsrnn.cli.command_io: what the commands read and write (a model directory, a data file read with
the options given or its model's, outputs refused before any work and written under their lock,
forecast frames as text and as CSV files in the input's time labels)."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tsrnn.base import outputs
from tsrnn.base.errors import CheckpointError
from tsrnn.cli.command_io import load_model, read_data, table, write_csv, writing

UK_MONTHS = "date,y\n" + "".join(f"01/{m:02d}/2020,{m}\n" for m in range(1, 13))


def test_load_model_reads_a_saved_forecaster(tmp_path, fitted, fit_frame):
    fitted.save(tmp_path / "m")
    model = load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(model.predict(fit_frame.iloc[-10:]), fitted.predict(fit_frame.iloc[-10:]))


def test_read_data_takes_the_options_given_else_the_model_s(tmp_path):
    path = tmp_path / "uk.csv"
    path.write_text(UK_MONTHS)
    assert read_data(str(path), {"dayfirst": True}).attrs["tsrnn.reading"] == {"dayfirst": True}
    model = SimpleNamespace(reading_={"file": {"dayfirst": True}})  # fitted on a day-first file
    assert read_data(str(path), None, model).attrs["tsrnn.reading"] == {"dayfirst": True}
    assert read_data(str(path), {"dayfirst": False}, model).attrs["tsrnn.reading"] == {"dayfirst": False}
    plain = read_data(str(path))
    assert "tsrnn.reading" not in plain.attrs and plain["y"].tolist() == list(range(1, 13))


def test_writing_refuses_an_existing_file_before_any_work_and_holds_the_lock(tmp_path):
    out = tmp_path / "sub" / "f.csv"
    lock = tmp_path / "sub" / ".f.csv.lock"
    with writing(str(out), force=False):
        assert lock.exists() and out.parent.is_dir()  # the parent is made, the lock is held
        out.write_text("a\n")
    assert not lock.exists()
    with pytest.raises(CheckpointError, match=r"f\.csv' exists; pass force=True to replace it"):
        with writing(str(out), force=False):
            pytest.fail("the block runs only once the output is free")
    with writing(str(out), force=True):
        out.write_text("b\n")
    assert out.read_text() == "b\n"
    with writing(None, force=False):  # nothing to write: no lock
        assert list(tmp_path.glob("*.lock")) == []


def test_writing_checks_again_once_it_holds_the_lock(tmp_path, monkeypatch):
    out = tmp_path / "f.csv"

    @contextlib.contextmanager
    def late(path):  # another process writes the file between the first check and the lock
        out.write_text("theirs\n")
        yield

    monkeypatch.setattr(outputs, "output_lock", late)
    with pytest.raises(CheckpointError, match="exists; pass force=True"):
        with writing(str(out), force=False):
            pytest.fail("the block runs only once the output is free")
    assert out.read_text() == "theirs\n"


def forecast_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {"unique_id": ["a", "a"], "ds": pd.to_datetime(["2021-01-01", "2021-02-01"]), "tsrnn": [1.5, 0.25]}
    )
    frame.attrs["tsrnn.form"] = "strftime:%d/%m/%Y"
    return frame


def test_table_writes_dates_as_the_input_and_numbers_as_they_are():
    lines = table(forecast_frame()).splitlines()
    assert lines[0].split() == ["unique_id", "ds", "tsrnn"]
    assert lines[1].split() == ["a", "01/01/2021", "1.5"] and lines[2].split() == ["a", "01/02/2021", "0.25"]


def test_write_csv_writes_the_labels_in_the_input_s_form_and_leaves_no_partial_file(tmp_path):
    out = tmp_path / "fc.csv"
    write_csv(forecast_frame(), str(out), index=False)
    assert out.read_text() == "unique_id,ds,tsrnn\na,01/01/2021,1.5\na,01/02/2021,0.25\n"
    indexed = pd.DataFrame({"y": [1.0]}, index=pd.DatetimeIndex(["1990-04-01"], name="month"))
    indexed.attrs["tsrnn.form"] = "quarter"
    write_csv(indexed, str(out))  # replaced whole
    assert out.read_text() == "month,y\n1990Q2,1.0\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fc.csv"]
