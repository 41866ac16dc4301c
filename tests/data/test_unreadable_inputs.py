"""No traceback from reading a damaged file, nor from any DataFrame that fit accepts: one tsrnn error."""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from conftest import invoke, one_line_error

from tsrnn import Forecaster
from tsrnn.base.errors import DataError
from tsrnn.data.files import read_csv

GOOD = b"t,y\n" + b"".join(b"%d,%d\n" % (i, i % 7) for i in range(200))


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.csv", data)
    return buffer.getvalue()


_GZ = gzip.compress(GOOD)
DAMAGED = {
    "junk.csv.gz": _GZ[:10] + b"\x00garbage" * 20 + _GZ[-8:],  # zlib.error
    "cut.csv.gz": _GZ[: len(_GZ) // 2],
    "junk.csv.bz2": b"BZh9garbage" * 10,
    "cut.csv.bz2": bz2.compress(GOOD)[:60],
    "junk.csv.xz": b"\xfd7zXZ\x00junk" * 10,  # lzma.LZMAError
    "cut.csv.zip": _zip(GOOD)[:60],  # zipfile.BadZipFile
    "empty.csv.zip": b"",
    "junk.csv.tar.gz": _GZ,  # tarfile.ReadError
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_a_damaged_compressed_file_is_one_line(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(DAMAGED[name])
    with pytest.raises(DataError, match=f"data file '{path}' is (not a readable CSV|empty)"):
        read_csv(path)
    result = invoke("fit", "--data", path, "--epochs", "1", "--out", tmp_path / "run")
    one_line_error(result, f"data file '{path}' is")


def test_a_compression_that_needs_a_missing_package_says_so(tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_zstandard(name, *args, **kw):
        if name == "zstandard" or name.startswith("compression.zstd"):
            raise ImportError("Missing optional dependency 'zstandard'")
        return real(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_zstandard)
    path = tmp_path / "a.csv.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfdjunk")
    with pytest.raises(DataError, match="needs a package that is not installed"):
        read_csv(path)


def test_read_csv_with_the_dates_as_index_reads_them_as_the_file_does(tmp_path):
    dates = pd.date_range("2020-01-01", periods=60, freq="MS")
    pd.DataFrame({"date": dates.date, "y": np.sin(np.arange(60) / 3) + 2}).to_csv(
        tmp_path / "m.csv", index=False
    )
    indexed = Forecaster(epochs=1, hidden=2, layers=1, window=4, seed=0).fit(
        pd.read_csv(tmp_path / "m.csv", index_col=0)
    )
    plain = Forecaster(epochs=1, hidden=2, layers=1, window=4, seed=0).fit(pd.read_csv(tmp_path / "m.csv"))
    pd.testing.assert_frame_equal(indexed.forecast(2), plain.forecast(2))
    assert indexed.forecast(2)["ds"][0] == pd.Timestamp("2025-01-01")


@pytest.mark.parametrize(
    "index",
    [
        [f"r{i}" for i in range(50)],  # labels: left out, as a column of text is
        pd.Index([f"row {i}" for i in range(50)], name="label", dtype="string"),
        pd.CategoricalIndex([f"c{i}" for i in range(50)]),
    ],
)
def test_an_index_of_labels_is_read_as_a_column_of_labels(index):
    frame = pd.DataFrame({"y": np.sin(np.arange(50.0) / 3)}, index=index)
    fitted = Forecaster(epochs=1, hidden=2, layers=1, window=4, seed=0).fit(frame)
    assert fitted.feature_names_in_ == ["y"] and fitted.forecast(1)["ds"][0] == 50


@pytest.mark.parametrize(
    "frame, message",
    [
        (
            pd.DataFrame({"y": np.arange(50.0)}, index=pd.MultiIndex.from_product([["a", "b"], range(25)])),
            "the DataFrame's index holds several levels",
        ),
        (
            pd.DataFrame({"y": np.arange(50.0)}, index=pd.interval_range(0, 50)),
            "the DataFrame's index holds intervals",
        ),
        (
            pd.DataFrame({"y": np.arange(50.0)}, index=pd.Index([str(i) for i in range(50)], name="y")),
            "the DataFrame's index and one of its columns are both named 'y'",
        ),
        (pd.DataFrame(np.ones((50, 2)), columns=["a", "a"]), "the data repeats the column name(s) a"),
        (pd.DataFrame({"y": np.arange(50.0) + 1j}), "column(s) y hold complex numbers"),
        (
            pd.DataFrame({"unique_id": ["a"] * 50, "ds": range(50), "y": 1.0, "x": 2.0}).set_axis(
                ["unique_id", "ds", "y", "y"], axis=1
            ),
            "the data repeats the column name(s) y",
        ),
    ],
)
def test_a_dataframe_no_reading_can_use_is_one_tsrnn_error(frame, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Forecaster(epochs=1, hidden=2, layers=1, window=4).fit(frame)
