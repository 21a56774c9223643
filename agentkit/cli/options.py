"""Options every run command shares (``--db``, ``--debug``) and one-line error reporting."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from agentkit.exceptions import AgentkitError

__all__ = ["db_option", "debug_option", "reported_errors"]

F = TypeVar("F", bound=Callable[..., Any])


def db_option(command: F) -> F:
    """``--db PATH``: the SQLite file threads live in (env ``AGENTKIT_DB``)."""
    option = click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default="agentkit.db",
        envvar="AGENTKIT_DB",
        show_default=True,
        show_envvar=True,
        help="The SQLite file that keeps threads, runs and steps.",
    )
    return option(command)


def debug_option(command: F) -> F:
    """``--debug``: show the traceback of an error instead of one line."""
    option = click.option(
        "--debug",
        is_flag=True,
        envvar="AGENTKIT_DEBUG",
        help="Show the full traceback when something fails.",
    )
    return option(command)


@contextmanager
def reported_errors(debug: bool) -> Iterator[None]:
    """Turn any error into one line on stderr and exit 1 (re-raise it with ``debug``).

    Ctrl-C exits with status 130, as shells expect. agentkit's own log lines (retries, tool
    failures) show on stderr with ``debug`` only: the commands report failures themselves.
    """
    if debug:
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except KeyboardInterrupt:
        click.echo("agentkit: interrupted", err=True)
        raise SystemExit(130) from None
    except BrokenPipeError:
        # The reader of stdout went away (`agentkit run ... --json | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except Exception as exc:
        if debug:
            raise
        click.echo(f"agentkit: error: {describe_error(exc)}", err=True)
        raise SystemExit(1) from None


def describe_error(exc: BaseException) -> str:
    """One line for an error: our own errors speak for themselves, others are named."""
    if isinstance(exc, AgentkitError):
        return " ".join(str(exc).split())
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text} (--debug shows the traceback)"
