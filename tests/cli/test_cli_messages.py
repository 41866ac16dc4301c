"""The library's refusals as a user of the command line reads them: a model directory, not a
Forecaster object; options in flags."""

from __future__ import annotations

import pytest
from conftest import invoke, one_line_error

FAST = ["--epochs", "1", "--hidden", "3", "--window", "5", "--quiet"]


def _monthly(n: int, promo: bool = False) -> str:
    rows = [
        f"{2015 + i // 12}-{i % 12 + 1:02d}-01,{400 + (i * 7) % 23}" + (f",{i % 3 == 0:d}" if promo else "")
        for i in range(n)
    ]
    return "date,value" + (",promo" if promo else "") + "\n" + "\n".join(rows) + "\n"


def _long(promo: bool = False) -> str:
    rows = [
        f"{uid},{2015 + i // 12}-{i % 12 + 1:02d}-01,{100 + (i * 5) % 17}"
        + (f",{i % 4 == 0:d}" if promo else "")
        for uid in ("a", "b")
        for i in range(30)
    ]
    return "unique_id,ds,y" + (",promo" if promo else "") + "\n" + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Three model directories: monthly, monthly with a known input, long with a known input."""
    root = tmp_path_factory.mktemp("messages")
    (root / "monthly.csv").write_text(_monthly(36))
    (root / "promo.csv").write_text(_monthly(36, promo=True))
    (root / "long.csv").write_text(_long(promo=True))
    (root / "weekly.csv").write_text(
        "date,value\n" + "".join(f"2020-01-{d:02d},{d}\n" for d in (6, 13, 20, 27)) + "2020-02-03,5\n"
    )
    for name, extra in [
        ("monthly", []),
        ("promo", ["--known", "promo", "--targets", "value"]),
        ("long", ["--known", "promo"]),
    ]:
        data = root / ("long.csv" if name == "long" else f"{name}.csv")
        result = invoke("fit", "--data", data, *FAST, *extra, "--out", root / f"model-{name}")
        assert result.exit_code == 0, result.output
    return root


def test_a_model_directory_given_other_data_is_named_the_model(models):
    line = one_line_error(
        invoke("predict", "--model", models / "model-monthly", "--data", models / "weekly.csv"),
        "data is weekly (W-MON), but the model was fitted on monthly (MS) data; give it data of that frequency",
    )
    assert "Forecaster" not in line


def test_future_values_are_asked_for_in_flags(models):
    line = one_line_error(
        invoke("predict", "--model", models / "model-monthly", "--future", models / "promo.csv"),
        "--future gives the values of known inputs, and the model has none (fit it with --known naming them)",
    )
    assert line == (
        "Error: --future gives the values of known inputs, and the model has none (fit it with --known "
        "naming them)"
    )
    one_line_error(
        invoke("predict", "--model", models / "model-promo"),
        "the model reads the known input(s) ['promo'] over its 1 forecast steps; pass their future values "
        "with --future",
    )
    one_line_error(
        invoke("predict", "--model", models / "model-long"),
        "the model reads the known input(s) ['promo'] over its 1 forecast steps; pass their future values "
        "for every series as a long frame (--future) with the columns unique_id, ds and promo",
    )


def test_unknown_series_are_named_against_the_model(models, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text(_long(promo=True).replace("\na,", "\nz,"))
    one_line_error(
        invoke("predict", "--model", models / "model-long", "--data", other),
        "series ['z'] were not in the data the model was fitted on (['a', 'b'])",
    )
