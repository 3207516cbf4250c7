"""Fixtures for the storage tests: every test runs on SQLite and on the real PostgreSQL server.

PostgreSQL tests each get a fresh schema (dropped afterwards), so they are independent, can run
beside other test runs on the same database, and leave it clean. An unreachable server fails
the postgres tests; set ``MINUTES_SKIP_POSTGRES=1`` to skip them instead, and
``MINUTES_TEST_POSTGRES_URL`` to use another server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from minutes.db import make_engine, session_factory, upgrade

POSTGRES_URL = os.environ.get(
    "MINUTES_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def _sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'minutes.db'}")
    yield engine
    engine.dispose()


@contextmanager
def postgres_schema(prefix: str = "minutes_test") -> Iterator[str]:
    """A fresh schema on the test server, dropped afterwards; fails (or skips with
    ``MINUTES_SKIP_POSTGRES=1``) the test when the server cannot be reached."""
    admin = make_engine(POSTGRES_URL)
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        if os.environ.get("MINUTES_SKIP_POSTGRES") == "1":
            pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL} (MINUTES_SKIP_POSTGRES=1)")
        pytest.fail(
            f"PostgreSQL unreachable at {POSTGRES_URL}: {exc.orig}; start it or set MINUTES_SKIP_POSTGRES=1",
            pytrace=False,
        )
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _postgres_engine() -> Iterator[Engine]:
    with postgres_schema() as schema:
        # Every connection of the test engine sees only the fresh schema.
        engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (no tables, not migrated)."""
    if request.param == "sqlite":
        yield from _sqlite_engine(tmp_path)
    else:
        yield from _postgres_engine()


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    """The same engine after ``upgrade``."""
    upgrade(engine)
    return engine


@pytest.fixture
def factory(migrated: Engine) -> sessionmaker[Session]:
    return session_factory(migrated)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session on a migrated database; rolled back at the end of the test."""
    with factory() as session:
        yield session
        session.rollback()
