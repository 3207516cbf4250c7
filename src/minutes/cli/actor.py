"""Who the command line acts as in the audit log: ``cli:<login name>``, via ``cli``."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from minutes.accounts.access import Actor


def cli_actor() -> Actor:
    """The audit actor of a command: no principal, no address, via the command line."""
    from minutes.accounts.access import Actor

    return Actor(principal=None, ip=None, via="cli")


def cli_username() -> str:
    """The name the audit log records for this command's user."""
    return f"cli:{getpass.getuser()}"[:64]


def record(session: Any, action: str, **kwargs: Any) -> None:
    """Write one audit entry for this command (``kwargs`` as :func:`minutes.accounts.audit.record`)."""
    from minutes.accounts import audit

    audit.record(session, cli_actor(), action, username=cli_username(), **kwargs)
