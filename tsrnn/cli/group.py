"""The ``tsrnn`` click group: its options, and how every command's errors reach the user: tsrnn's
errors (``InvalidParameterError`` for parameters) as one line with the library's ``name=value``
settings in the command line's flags, any other exception as a bug (its traceback and a request to
report it).  The commands register on :data:`cli` from the other modules of :mod:`tsrnn.cli`.
"""

from __future__ import annotations

import os
import re
import sys

import click

from ..base.errors import InvalidParameterError, TsrnnError
from ..data.reading import ReadingRefused
from .options import THOUSANDS

__all__ = ["cli", "main", "torn_down"]

_gloo_left = False  # a torchrun rank has torn its process group down: it leaves by _leave


def _leave(code: int) -> None:
    """Exit with ``code``; a torchrun rank without finalizing the interpreter.

    After a DistributedDataParallel model, torch keeps the gloo process group alive past
    ``destroy_process_group`` (references to it outlive the model), so its TCP loop thread and two worker
    threads still run, their sockets open to the other ranks, while the interpreter and the C++ runtime
    shut down; a rank then died now and then by SIGABRT ('terminate called without an active
    exception').  Everything is written by then: the output is flushed, and the process ends at once."""
    if _gloo_left:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _error(message: str, code: int) -> None:
    """Print ``Error: message`` on one line (control characters from the data escaped) and exit."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    click.echo(f"Error: {text}", err=True)
    _leave(code)


def _bug() -> None:
    """Show an exception the library did not expect as what it is: a bug, with its traceback."""
    import traceback

    traceback.print_exc()
    click.echo(
        "This is a bug in tsrnn, not a problem with your data or options: please report it, with the "
        "command you ran and the traceback above.",
        err=True,
    )
    _leave(1)


def torn_down() -> None:
    """Say that this torchrun rank has torn its process group down: it then leaves by ``os._exit``
    (see :func:`_leave`)."""
    global _gloo_left
    _gloo_left = True


_PARAMETER_OPTIONS = {
    "overwrite": "force",
    "resume": "resume_dir",
    "future": "future_path",
    "data": "data_path",
    "num_layers": "layers",
    "hidden_size": "hidden",
    "n_windows": "windows",  # cross_validation(h=, n_windows=): tsrnn cv --horizon, --windows
    "h": "horizon",
}
# ``name=value`` as the library's messages write a setting: freq=, irregular='ignore', relative=False
_SETTING = re.compile(r"""\b([a-z][a-z0-9_]*)=('[^']*'|"[^"]*"|True|False|[\w.\-]+)?""")


def _options(group: click.Group) -> dict[str, click.Option]:
    """Every option of the commands, by the name of the parameter it sets."""
    return {
        param.name: param
        for command in group.commands.values()
        for param in command.params
        if isinstance(param, click.Option) and param.name
    }


def _in_flags(message: str, options: dict[str, click.Option]) -> str:
    """A library message in the command line's words: ``freq=`` -> ``--freq``, ``irregular='ignore'`` ->
    ``--irregular ignore``, ``relative=False`` -> ``--absolute``; names without an option stay."""

    def flag(match: re.Match) -> str:
        name, value = match.group(1), match.group(2)
        option = options.get(_PARAMETER_OPTIONS.get(name, name))
        if option is None:
            return match.group(0)
        if value == "False":
            return option.secondary_opts[0] if option.secondary_opts else match.group(0)
        if value is None or value == "True":
            return option.opts[0]
        if value[:1] in "'\"":  # a string as repr writes it
            value = value[1:-1]
        words = {v: k for k, v in THOUSANDS.items()} if name == "thousands" else {}  # ' ' -> space
        return f"{option.opts[0]} {words.get(value, value)}"

    return _SETTING.sub(flag, message)


class _Group(click.Group):
    """Prints the errors of the user's input or environment as one line (``Error: ...``, exit code 2,
    or 1 for the environment) in the command line's words, and any other exception as a bug."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as err:
            hint = f" (see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
            _error(f"{err.format_message()}{hint}", 2)
        except InvalidParameterError as err:  # an option's value the library refused, e.g. nan
            options = _options(self)
            option = options.get(_PARAMETER_OPTIONS.get(err.parameter or "", err.parameter or ""))
            where = f"invalid value for {option.opts[0]}: " if option is not None else ""
            _error(where + _in_flags(str(err), options), 2)
        except ReadingRefused as err:  # the choice in flags, not where the library takes it
            _error(_in_flags(err.choice, _options(self)), 2)
        except TsrnnError as err:
            _error(_in_flags(str(err), _options(self)), 2)
        except OSError as err:  # a file or disk problem of the user's environment, not a bug
            _error(str(err), 1)
        except (MemoryError, RuntimeError) as err:  # torch reports a failed allocation as a RuntimeError
            message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            if (
                not isinstance(err, MemoryError)
                and "allocate" not in message
                and "out of memory" not in message
            ):
                _bug()
            size = re.search(r"allocate (\d+) bytes", message)
            need = f"an allocation of {int(size.group(1)) / 2**30:.1f} GiB failed" if size else message
            _error(
                f"not enough memory: {need}; try smaller sizes (--hidden, --layers, the batch) or a shorter "
                f"series",
                1,
            )
        except click.ClickException as err:
            _error(err.format_message(), err.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            _leave(130)
        except Exception:  # anything else is tsrnn's fault, never the user's
            _bug()
        code = rv if isinstance(rv, int) else 0
        if standalone_mode or _gloo_left:
            _leave(code)
        return code


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(package_name="tsrnn")
def cli() -> None:
    """Forecast time series with recurrent neural networks, and see their shapes.

    \b
    Example:
      tsrnn fit --features 3 --hidden 15
    """


def main() -> None:
    """Entry point of the ``tsrnn`` script."""
    cli(prog_name="tsrnn")
