"""The database the commands read and write (opened when a command runs, never at import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


def sessions() -> sessionmaker[Session]:
    """The session factory of ``MINUTES_DATABASE_URL`` (or the default database)."""
    from minutes.factory import open_store

    return open_store()
