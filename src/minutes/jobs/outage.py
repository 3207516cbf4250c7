"""Riding out a database outage in the queue's own units of work.

Every transaction the queue makes (claim, heartbeat, outcome, reaping, following) is short and
harmless to repeat, so when the database goes away in the middle of one, it is run again once
the database is back (:func:`steadily`), for up to the command's ``--db-wait``; the engines'
connections wait for the database the same way (:func:`minutes.db.engine.wait_for_reconnect`),
which also covers the pipeline's own writes. Past that time the unit raises
:class:`~minutes.errors.DatabaseUnavailableError`, and a job in flight goes back to the queue when
its lease runs out (at once when the next command on this host sees its worker gone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import URL
from sqlalchemy.orm import Session, sessionmaker

from minutes.db.engine import DB_WAIT_SECONDS, ride_out

T = TypeVar("T")


def database_of(sessions: sessionmaker[Session]) -> URL | str:
    """The URL of the database a session factory is bound to (for messages)."""
    bind = sessions.kw.get("bind")
    url = getattr(bind, "url", None)
    return url if isinstance(url, URL) else "sqlite://"


def steadily(
    sessions: sessionmaker[Session],
    work: Callable[[], T],
    *,
    seconds: float = DB_WAIT_SECONDS,
    what: str,
) -> T:
    """``work()``, run again while the database of ``sessions`` is unreachable, for up to
    ``seconds`` (see :func:`minutes.db.engine.ride_out`)."""
    return ride_out(work, url=database_of(sessions), seconds=seconds, what=what)
