"""Exceptions raised by tsrnn.

Every error a user can cause derives from :class:`TsrnnError`, so callers (and the CLI) can catch
the whole family in one place.  Argument checks raise :class:`InvalidParameterError`, which is also a
``ValueError`` and a ``TypeError`` (as scikit-learn's is), so code that catches either still works.
Messages name parameters as the library spells them (``freq=``, ``irregular='ignore'``), never a
command-line flag: the command line translates them into its flags.
"""

from __future__ import annotations

__all__ = ["TsrnnError", "InvalidParameterError", "DataError", "NotFittedError", "CheckpointError"]


class TsrnnError(Exception):
    """Base class of every tsrnn error."""


class InvalidParameterError(TsrnnError, ValueError, TypeError):
    """A parameter or argument has a value or type it cannot take; ``parameter`` names it."""

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class DataError(TsrnnError, ValueError):
    """A series cannot be used as given: too short, non-finite values, wrong columns."""


class NotFittedError(TsrnnError, AttributeError):
    """An estimator was used before ``fit`` (same contract as scikit-learn's)."""


class CheckpointError(TsrnnError):
    """A model directory is missing, incomplete, altered or of an unknown format."""
