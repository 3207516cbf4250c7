"""``minutes``: the command line, a thin click layer over the library.

One module per command group, each exporting its ``COMMANDS``; this package puts them on the
root group. Shared pieces: :mod:`~minutes.cli.errors` (the one place library errors become a
one-line message and an exit status), :mod:`~minutes.cli.options` (the one set of recording
options), :mod:`~minutes.cli.render` (tables, progress). Every option can also come from an
environment variable (``MINUTES_<COMMAND>_<OPTION>``, plus the documented ``MINUTES_*`` settings).
"""

from __future__ import annotations

import logging

import click

from minutes import __version__
from minutes.cli import (
    admin,
    ask,
    batch,
    brief,
    evaluate,
    imports,
    jobs,
    mcp,
    meetings,
    people,
    process,
    search,
    series,
    sharing,
    stats,
    users,
    web,
)
from minutes.cli.errors import RootGroup
from minutes.runtime import enforce_offline

__all__ = ["main"]


@click.group(
    cls=RootGroup,
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "MINUTES"},
)
@click.version_option(__version__, prog_name="minutes")
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Meeting intelligence on your own machine: transcripts, speakers, minutes, search.

    Nothing leaves this host: models load from installed packages or local paths only.
    Data lives in MINUTES_HOME (default ~/.local/share/minutes); MINUTES_DATABASE_URL
    picks another database (any SQLAlchemy URL, e.g. PostgreSQL).
    """
    enforce_offline()
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")


for _group in (
    process,
    imports,
    meetings,
    evaluate,
    admin,
    batch,
    jobs,
    search,
    ask,
    brief,
    web,
    users,
    sharing,
    mcp,
    people,
    stats,
    series,
):
    for _command in _group.COMMANDS:
        main.add_command(_command)
