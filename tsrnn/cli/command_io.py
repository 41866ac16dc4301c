"""What the commands read and write: a model directory loaded, a data file read with the reading
options given (or those its model's data file was read with), outputs refused before any work when
they exist, then written atomically under their lock, forecast frames as text and as CSV files.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["load_model", "read_data", "writing", "table", "write_csv"]


def load_model(model_dir: str):
    from ..estimator.forecaster import Forecaster

    return Forecaster.load(model_dir)


def read_data(data_path: str, reading: dict | None = None, model=None):
    """The CSV file read with the reading options given; none given, the options the model's own
    data file was read with (``tsrnn fit --data FILE --dayfirst``: its new data is day first too)."""
    from ..data.files import read_csv
    from ..data.reading import Reading

    if reading is None and model is not None:
        reading = (getattr(model, "reading_", None) or {}).get("file")
    return read_csv(data_path, Reading.from_dict(reading))


@contextlib.contextmanager
def writing(path: str | None, force: bool) -> Iterator[None]:
    """Refuse, before any work, to replace an existing file without --force, then hold the file's lock
    (``.NAME.lock`` beside it) until the command has written it: a second tsrnn process stops at once."""
    from ..base.outputs import check_output_files, output_lock

    check_output_files(path, force)
    if path is None:
        yield
        return
    with output_lock(path):
        check_output_files(path, force)  # it may have appeared before we held the lock
        yield


def table(frame) -> str:
    """A forecast frame as text: dates as the input writes them, numbers as they are (already rounded)."""
    from ..data.dates import labelled

    return labelled(frame).to_string(index=False, float_format=str)  # each number as the CSV writes it


def write_csv(frame, path: str, index: bool = True) -> None:
    """Write ``frame`` atomically, its time labels in the input's form (``1961-01``, ``1961Q1``, ...)."""
    from ..data.dates import labelled
    from ..nn.checkpoint import write_atomic

    write_atomic(path, labelled(frame).to_csv(index=index))
