"""The one error edge of the command line.

Library errors (:class:`~minutes.errors.MinutesError`) become one line on stderr and an exit
status here and nowhere else: ``DatabaseUnavailableError`` (or a SQLAlchemy error that means the
database cannot be reached) exits 69, any other ``MinutesError`` exits 1. Commands wrap their
library calls in :func:`errors`; :class:`RootGroup` catches what escapes a command, and runs
every command with its output made visible (:func:`minutes.cli.terminal.visible_output`: control
characters in stored text are shown, never obeyed by the terminal).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from minutes.cli.terminal import visible_output
from minutes.errors import EXIT_UNAVAILABLE, DatabaseUnavailableError, MinutesError

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

INTERRUPTED = "interrupted; finished stages are kept, run the same command again to resume"


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Say ``error: message`` on stderr and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def errors(*, outage: str = "") -> Iterator[None]:
    """Library errors as one line on stderr and an exit status; ``outage`` is added to the
    message when the database cannot be reached (what becomes of the work, how to resume)."""
    try:
        yield
    except DatabaseUnavailableError as exc:
        fail(f"{exc}{outage}", EXIT_UNAVAILABLE)
    except MinutesError as exc:
        fail(str(exc))
    except Exception as exc:
        database_down(exc)
        raise


def database_down(exc: BaseException) -> None:
    """A database that cannot be reached is one line naming it and the fix, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError):
        from minutes.db.engine import is_unavailable, unreachable
        from minutes.settings import database_url

        if is_unavailable(exc):
            fail(str(unreachable(exc, database_url())), EXIT_UNAVAILABLE)


class RootGroup(click.Group):
    """The ``minutes`` group: whichever command meets an unreachable database says so in one line,
    and what any command prints goes through :func:`~minutes.cli.terminal.visible_output`."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with visible_output():
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DatabaseUnavailableError as exc:
            fail(str(exc), EXIT_UNAVAILABLE)
        except Exception as exc:
            database_down(exc)
            raise
