"""Exceptions raised by tsrnn.

Every error a user can cause derives from :class:`TsrnnError`, so callers (and the CLI) can catch
the whole family in one place.  Argument checks raise the built-in ``ValueError`` / ``TypeError``.
"""

from __future__ import annotations

__all__ = ["TsrnnError", "DataError", "NotFittedError", "CheckpointError"]


class TsrnnError(Exception):
    """Base class of every tsrnn error."""


class DataError(TsrnnError, ValueError):
    """A series cannot be used as given: too short, non-finite values, wrong columns."""


class NotFittedError(TsrnnError, AttributeError):
    """An estimator was used before ``fit`` (same contract as scikit-learn's)."""


class CheckpointError(TsrnnError):
    """A model directory is missing, incomplete, altered or of an unknown format."""
