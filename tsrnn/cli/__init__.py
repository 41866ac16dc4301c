"""The ``tsrnn`` command line: parse options, build the estimator, call the library, print, write a run.

:mod:`.group` holds the click group and its error translation, :mod:`.options` the shared options and
:mod:`.command_io` what the commands read and write; the commands register on the group from
:mod:`.fit_predict` (generate, fit, predict), :mod:`.scoring` (evaluate, backtest, cv) and
:mod:`.inspection` (shapes, compare, plot).  Heavy modules (torch, pandas, matplotlib) load inside the
commands, so ``tsrnn --help`` is quick.
"""

from . import fit_predict, inspection, scoring  # noqa: F401  (importing them registers the commands)
from .group import cli, main

__all__ = ["cli", "main"]
