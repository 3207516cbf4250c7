"""Web fixtures; the storage fixtures (SQLite and PostgreSQL engines) come from tests/db."""

from __future__ import annotations

from tests.db.conftest import engine, factory, migrated, session

__all__ = ["engine", "factory", "migrated", "session"]
