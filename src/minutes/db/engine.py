"""Engines, sessions and schema migrations.

Nothing here runs at import time: callers build an engine from a URL with :func:`make_engine`,
bring its schema up to date with :func:`upgrade`, and open units of work with
:func:`session_scope`.

A database that cannot be reached is :class:`~minutes.errors.DatabaseUnavailableError`, with a
message naming the (password-less) URL, the reason and the fix (:func:`unreachable`). Commands
that run unattended ride out an outage: :func:`wait_for_reconnect` makes an engine keep trying
to open a connection for a while instead of failing, and :func:`ride_out` runs a unit of work
again when the connection it was using broke.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from minutes.db.nul import refuse_nul
from minutes.errors import DatabaseUnavailableError

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
"""The Alembic script directory shipped inside the package."""

SQLITE_BUSY_TIMEOUT_MS = 30_000

DB_WAIT_SECONDS = 300.0
"""How long unattended commands keep trying while the database cannot be reached."""

# libpq's defaults wait for the operating system: minutes on a host that drops packets, and a
# connection to a server that vanished is noticed only when a query times out. A URL's own
# settings win over these.
_LIBPQ_DEFAULTS = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
# SQLite errors that say the file cannot be used right now (others are bugs or schema problems).
_SQLITE_UNAVAILABLE = (
    "unable to open database file",
    "readonly database",
    "disk i/o error",
    "database is locked",
    "database or disk is full",
)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for a database URL (``sqlite:///path`` or ``postgresql+psycopg://...``).

    For a SQLite file, its parent folder is created, and every connection enforces foreign keys,
    uses the WAL journal (readers do not block the writer) and waits up to 30 s for a lock.
    SQLite transactions are begun by SQLAlchemy rather than by the ``sqlite3`` module, so that
    schema changes roll back too (a failed migration leaves no half-built schema) and
    savepoints work. On both, text holding a NUL byte is refused before it is sent
    (:mod:`minutes.db.nul`).
    Extra keyword arguments go to :func:`sqlalchemy.create_engine`.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)  # a connection the server dropped is replaced
        if parsed.get_driver_name() in ("psycopg", "psycopg2"):
            given = {**parsed.query, **kwargs.get("connect_args", {})}
            extra = {k: v for k, v in _LIBPQ_DEFAULTS.items() if k not in given}
            kwargs["connect_args"] = {**kwargs.get("connect_args", {}), **extra}
        return refuse_nul(create_engine(parsed, **kwargs))

    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailableError(
                f"cannot open the SQLite database {database}: its folder {folder} cannot be created "
                f"({exc.strerror or exc}); {_hint(parsed, '')}"
            ) from None
    engine = create_engine(parsed, **kwargs)
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return refuse_nul(engine)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Stop the sqlite3 module from opening (and implicitly committing) transactions itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    # IMMEDIATE takes the write lock at the start: a deferred transaction that reads and then
    # writes fails at once with "database is locked" when another writer got there first
    # (busy_timeout cannot help a lock upgrade), which parallel stages and workers would hit.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session maker bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit if the block finishes, roll back if it raises, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config() -> Config:
    """An Alembic configuration pointing at the package's migrations; no alembic.ini is read."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest). Safe to run repeatedly."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    log.info("database schema at %s", current_revision(engine))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision among the shipped migrations."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database is at the newest shipped revision."""
    return current_revision(engine) == head_revision()


# --- when the database cannot be reached ------------------------------------------------------


def safe_url(url: str | URL) -> str:
    """The URL as it may be shown: without its password (also one given as ``?password=``)."""
    parsed = make_url(url)
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "***"})
    return parsed.render_as_string(hide_password=True)


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached or used right now (server down or
    restarting, connection dropped, pool exhausted, SQLite file locked or unwritable), as
    opposed to a bug or a schema problem: trying again later may succeed."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return False
    orig = exc.orig
    if type(orig).__module__.startswith("sqlite3"):
        return any(text in str(orig).lower() for text in _SQLITE_UNAVAILABLE)
    return True


def unreachable(
    exc: BaseException, url: str | URL, *, waited: float | None = None
) -> DatabaseUnavailableError:
    """The error to show for ``exc`` (see :func:`is_unavailable`): the URL without its password,
    the driver's reason in a few words, and what to do about it. ``waited``: seconds spent
    trying again before giving up."""
    parsed = make_url(url)
    reason = failure_reason(exc, parsed)
    gave_up = f" for {waited:.0f} s, giving up" if waited is not None else ""
    if parsed.get_backend_name() == "sqlite":
        where = f"cannot use the SQLite database {parsed.database}"
    else:
        where = f"cannot reach the database at {safe_url(parsed)}"
    return DatabaseUnavailableError(f"{where} ({reason}){gave_up}: {_hint(parsed, reason)}")


def failure_reason(exc: BaseException, url: str | URL | None = None) -> str:
    """What the driver said about a failure, in a few words (the password of ``url`` hidden)."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
    text = lines[0] if lines else type(orig).__name__
    # libpq: 'connection failed: connection to server at "h", port 5432 failed: FATAL:  role ...'
    text = text.rpartition("failed: ")[2] or text
    text = text.removeprefix("FATAL:").strip()
    if text[:1].isupper() and text[1:2].islower():  # "Connection refused" reads as a clause
        text = text[0].lower() + text[1:]
    parsed = make_url(url) if url is not None else None
    for password in (parsed.password, parsed.query.get("password")) if parsed is not None else ():
        if password and isinstance(password, str):
            text = text.replace(password, "***")
    return text


def _hint(url: URL, reason: str) -> str:
    lowered = reason.lower()
    if url.get_backend_name() == "sqlite" and "locked" in lowered:
        return "another process kept it locked for over 30 s; try again, or use PostgreSQL for many workers"
    if url.get_backend_name() == "sqlite":
        return (
            "check that its folder exists and is writable (MINUTES_HOME), or set MINUTES_DATABASE_URL "
            "to another database"
        )
    if any(word in lowered for word in ("password", "role ", "authentication", "pg_hba")):
        return "check the user and password in MINUTES_DATABASE_URL (a password is best kept in ~/.pgpass)"
    if "database" in lowered and "does not exist" in lowered:
        return f"create the database (`createdb {url.database}`) or fix its name in MINUTES_DATABASE_URL"
    name = {"postgresql": "PostgreSQL", "mysql": "MySQL"}.get(url.get_backend_name(), "the database server")
    return f"is {name} running and reachable there? start it, or set MINUTES_DATABASE_URL to the right server"


_patient: ContextVar[bool] = ContextVar("minutes_db_patient", default=True)


@contextmanager
def without_waiting() -> Iterator[None]:
    """In this block (this thread or task), a connection that cannot be opened fails at once even
    on an engine that :func:`wait_for_reconnect` made patient: for clean-up on the way out."""
    token = _patient.set(False)
    try:
        yield
    finally:
        _patient.reset(token)


class _Outage:
    """How long the database has been unreachable, shared by an engine's threads."""

    def __init__(self, url: URL, seconds: float) -> None:
        self.url, self.seconds = url, seconds
        self._lock = threading.Lock()
        self._since: float | None = None

    def connect(self, dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        """The engine's ``do_connect`` hook: open a connection, trying again while allowed."""
        while True:
            try:
                connection = dialect.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.Error as exc:
                pause = self._failed(exc)
                if pause is None:
                    raise
                time.sleep(pause)
                continue
            self._back()
            return connection

    def _failed(self, exc: Exception) -> float | None:
        """Seconds to pause before the next try, or ``None``: give up (the time is spent)."""
        now = time.monotonic()
        with self._lock:
            if self._since is None:
                self._since = now
                log.warning(
                    "database at %s unreachable (%s); trying again for up to %.0f s",
                    safe_url(self.url),
                    failure_reason(exc, self.url),
                    self.seconds,
                )
            spent = now - self._since
        left = self.seconds - spent
        if left <= 0 or not _patient.get():
            return None
        return min(left, 5.0, max(0.5, spent / 4))

    def _back(self) -> None:
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            log.warning(
                "database at %s reachable again after %.1f s", safe_url(self.url), time.monotonic() - since
            )


def wait_for_reconnect(engine: Engine, seconds: float = DB_WAIT_SECONDS) -> None:
    """From now on, a connection ``engine`` cannot open is tried again, with pauses, until the
    database has been unreachable for ``seconds`` (then the driver's error is raised, and
    later attempts fail at once until one succeeds). For commands that run unattended: a
    server restart or a network blip makes them wait, not fail. Check the database once
    before calling this, so a wrong URL is one error at once rather than a long wait."""
    if seconds > 0:
        event.listen(engine, "do_connect", _Outage(engine.url, seconds).connect)


def ride_out(
    work: Callable[[], T],
    *,
    url: str | URL,
    seconds: float = DB_WAIT_SECONDS,
    what: str = "working",
) -> T:
    """``work()`` (one unit of work, e.g. a :func:`session_scope` block), run again when it
    failed because the database was unreachable or dropped its connection, for up to
    ``seconds``; then :class:`DatabaseUnavailableError` (see :func:`unreachable`).

    A unit whose connection broke while it committed may have been committed: run only
    units that are harmless to repeat (or that check what is already there)."""
    started = time.monotonic()
    failures = 0
    while True:
        try:
            result = work()
        except sa_exc.SQLAlchemyError as exc:
            if not is_unavailable(exc):
                raise
            spent = time.monotonic() - started
            if spent >= seconds or not _patient.get():
                raise unreachable(exc, url, waited=spent if seconds > 0 else None) from None
            failures += 1
            if failures == 1:
                log.warning(
                    "%s: the database is unreachable (%s); trying again", what, failure_reason(exc, url)
                )
            time.sleep(min(seconds - spent, 5.0, 0.5 * 2 ** min(failures - 1, 4)))
            continue
        if failures:
            log.warning("%s: done after %.1f s without the database", what, time.monotonic() - started)
        return result
