"""Who a command acts as: the operator (every meeting; ``cli:<login name>`` in the audit log), or
with ``--user NAME`` that user (only the meetings they may see), always via ``cli``."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from minutes.accounts.access import Actor

user_option = click.option(
    "--user",
    "username",
    help="Act as this user: only the meetings they may see. Without it, every meeting (the operator).",
)
"""``--user NAME`` for the commands that read meetings (``brief``, ``ask``); :func:`acting_as` resolves it."""


def cli_actor() -> Actor:
    """The audit actor of a command: no principal, no address, via the command line."""
    from minutes.accounts.access import Actor

    return Actor(principal=None, ip=None, via="cli")


def acting_as(session: Session, username: str | None) -> Actor:
    """The actor of a command given ``--user``: that user (an unknown or disabled one is a
    :class:`~minutes.errors.MinutesError`), or the operator when no name is given."""
    if not username:
        return cli_actor()
    from minutes.accounts.access import Actor
    from minutes.accounts.users import principal_named

    return Actor(principal=principal_named(session, username), ip=None, via="cli")


def cli_username() -> str:
    """The name the audit log records for this command's user."""
    return f"cli:{getpass.getuser()}"[:64]


def record(session: Any, action: str, **kwargs: Any) -> None:
    """Write one audit entry for this command (``kwargs`` as :func:`minutes.accounts.audit.record`)."""
    from minutes.accounts import audit

    audit.record(session, cli_actor(), action, username=cli_username(), **kwargs)
