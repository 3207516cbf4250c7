"""``minutes mcp``: serve the archive to a local agent over the Model Context Protocol (stdio)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from minutes.cli.errors import errors
from minutes.cli.store import sessions

TOKEN_ENV = "MINUTES_TOKEN"
MAX_TOKEN_FILE = 4096


def read_token(token_file: Path | None) -> str:
    """The API token: from ``--token-file`` (its first line), else ``$MINUTES_TOKEN``; never an
    argument, which every user of the machine could read in the process list."""
    if token_file is not None:
        try:
            with token_file.open("rb") as handle:
                raw = handle.read(MAX_TOKEN_FILE)
        except OSError as exc:
            raise click.BadParameter(
                f"cannot read it: {exc.strerror or exc}", param_hint="--token-file"
            ) from None
        lines = raw.decode("utf-8", errors="replace").strip().splitlines()
        token = lines[0].strip() if lines else ""
        if not token:
            raise click.BadParameter(f"{token_file} holds no token", param_hint="--token-file")
        return token
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise click.UsageError(
            f"no API token: set {TOKEN_ENV} or pass --token-file PATH (make a token on the web app's"
            " tokens page, /account/tokens, or with `minutes users token NAME`)"
        )
    return token


@contextmanager
def plain_stdio() -> Iterator[None]:
    """The process's own stdout and stderr for the protocol (not the command line's visible
    streams: the MCP SDK takes over file descriptors 0 and 1)."""
    from minutes.cli.terminal import raw_stream

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = raw_stream(sys.stdout), raw_stream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@click.command("mcp")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"File whose first line is the API token [default: ${TOKEN_ENV}].",
)
def mcp(token_file: Path | None) -> None:
    """Serve the meeting archive to a local agent over MCP (stdio), as the user of an API token.

    Tools: search, list_meetings, get_meeting, list_action_items, whoami (and ask, where
    installed). The agent sees what that user sees on the web, nothing more; every read is in
    the audit log. Nothing listens on the network. Give the token in $MINUTES_TOKEN or a file
    (--token-file), never on the command line. See docs/mcp.md for an agent's configuration.
    """
    from minutes.agent import tools
    from minutes.agent.asking import default_asker
    from minutes.agent.server import serve
    from minutes.errors import LoginRequired

    token = read_token(token_file)
    with errors():
        archive = tools.Archive(sessions=sessions(), token=token)
        try:
            me = tools.whoami(archive)
        except LoginRequired as exc:
            # Served all the same: every tool then answers with this message, where the agent sees it.
            click.echo(f"warning: {exc}", err=True)
        else:
            click.echo(f"minutes mcp: serving the meetings {me['username']} may see, on stdio", err=True)
    with plain_stdio():
        serve(archive, asker=default_asker())


COMMANDS: tuple[click.Command, ...] = (mcp,)
