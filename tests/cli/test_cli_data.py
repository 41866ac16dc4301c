"""Bad input, clearly refused: every outcome is a clean load or one line and exit code 2."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from conftest import invoke, one_line_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsrnn import DataError
from tsrnn.cli import cli
from tsrnn.data.files import read_csv
from tsrnn.data.wide_layout import prepare_wide

FAST = ["--epochs", "1", "--hidden", "3", "--window", "5"]


GOOD = "date,a,b\n" + "".join(f"2024-01-{d:02d},{d % 3},{d % 5}\n" for d in range(1, 29))


@pytest.mark.parametrize(
    "text, extra, message",
    [
        ("", [], "is empty; expected a header row"),
        ("a,b\n", [], "has a header but no rows"),
        ("name,city\nx,y\nz,w\n", [], "expected at least one numeric column"),
        ("a,b\n1,2\n3,oops\n5,6\n", [], "column 'b' has text where numbers are expected: 'oops' at line 3"),
        ("a\n1\ninf\n3\n", [], "column 'a' has an infinite value at line 3"),
        ("a\n1\n2\n3\n", [], "needs at least"),
        (GOOD, ["--targets", "zz"], "target 'zz' is not a column; columns are ['a', 'b']"),
        (GOOD.replace(",1,", ",,", 1), [], "missing value(s), first at 2024-01-"),
        (GOOD.replace("2024-01-05", "2024-01-04"), [], "repeats timestamps: 2024-01-04"),
        (GOOD, ["--time-col", "when"], "time column 'when' is not a column"),
        (GOOD, ["--features", "a,zz"], "feature column(s) ['zz'] not found"),
    ],
)
def test_fit_refuses_bad_files(tmp_path, monkeypatch, text, extra, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text(text)
    one_line_error(invoke("fit", "--data", "data.csv", *FAST, *extra, "--out", "run"), message)
    assert os.listdir(tmp_path) == ["data.csv"]  # no run directory, complete or partial


def test_predict_refuses_a_file_of_other_columns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text(GOOD)
    assert invoke("fit", "--data", "data.csv", *FAST, "--out", "model", "--quiet").exit_code == 0
    (tmp_path / "other.csv").write_text(GOOD.replace("date,a,b", "date,a,c"))
    one_line_error(
        invoke("predict", "--model", "model", "--data", "other.csv"),
        "data has the columns ['a', 'c'], but the model was fitted on ['a', 'b']",
    )
    (tmp_path / "three.csv").write_text("a,b,c\n1,2,3\n")
    one_line_error(invoke("predict", "--model", "model", "--data", "three.csv"), "data has 3 features")


def test_fit_fills_missing_values_on_request(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text(GOOD.replace(",1,", ",,"))
    result = invoke("fit", "--data", "data.csv", *FAST, "--fill", "interpolate", "--out", "run")
    assert result.exit_code == 0, result.output
    assert "missing values: {'a': 10}, interpolate: 10 filled" in result.output


csv_text = st.lists(
    st.lists(
        st.one_of(
            st.sampled_from(["", "1", "-2.5", "nan", "inf", "x", "2024-01-01", "1e9", '"a,b"', " "]),
            st.text(max_size=4),
        ),
        min_size=1,
        max_size=4,
    ),
    min_size=0,
    max_size=12,
).map(lambda rows: "\n".join(",".join(r) for r in rows))


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=csv_text)
def test_random_csv_text_loads_cleanly_or_raises_data_error(tmp_path, text):
    path = tmp_path / "random.csv"
    path.write_text(text, encoding="utf-8")
    try:
        frame, _ = prepare_wide(read_csv(path))
    except DataError:
        return
    assert frame.shape[0] > 0 and frame.notna().all().all()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    (root / "data.csv").write_text("a\n" + "".join(f"{i % 7}\n" for i in range(40)))
    result = CliRunner().invoke(
        cli, ["fit", "--data", str(root / "data.csv"), *FAST, "--out", str(root / "m"), "-q"]
    )
    assert result.exit_code == 0, result.output
    return root / "m"


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=csv_text)
def test_random_csv_text_through_the_cli(tmp_path, model_dir, text):
    path = tmp_path / "random.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["predict", "--model", str(model_dir), "--data", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("Error: ")
