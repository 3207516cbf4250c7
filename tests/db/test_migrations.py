"""The shipped Alembic migrations build the schema the models describe, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from minutes.db import Base, current_revision, head_revision, is_up_to_date, make_engine, upgrade
from minutes.db.engine import alembic_config
from minutes.search import schema as search_schema

TABLES = {"recordings", "meetings", "stage_runs", "speakers", "utterances", "chunks"}


def test_fresh_database_is_not_up_to_date(engine: Engine) -> None:
    assert current_revision(engine) is None
    assert not is_up_to_date(engine)


def test_upgrade_creates_every_table(engine: Engine) -> None:
    upgrade(engine)

    names = set(inspect(engine).get_table_names())
    assert names >= TABLES | {"alembic_version"}
    assert current_revision(engine) == head_revision() == "0011"
    assert is_up_to_date(engine)


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)

    assert is_up_to_date(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def test_migrations_match_the_models(migrated: Engine) -> None:
    with migrated.connect() as conn:
        # The search indexes (FTS5 tables, a generated tsvector column, GIN indexes) are not models.
        opts = {"compare_type": True, "include_object": search_schema.include_object}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []


def test_expected_indexes_exist(migrated: Engine) -> None:
    insp = inspect(migrated)

    def indexed(table: str) -> set[tuple[str, ...]]:
        found = {tuple(ix["column_names"]) for ix in insp.get_indexes(table)}
        found |= {tuple(uq["column_names"]) for uq in insp.get_unique_constraints(table)}
        return found  # type: ignore[return-value]

    assert ("sha256",) in indexed("recordings")
    assert ("recording_id",) in indexed("meetings")
    assert ("cache_key",) in indexed("stage_runs")
    assert ("meeting_id", "stage") in indexed("stage_runs")
    assert ("meeting_id", "label") in indexed("speakers")
    assert ("meeting_id", "idx") in indexed("utterances")
    assert ("meeting_id", "start") in indexed("utterances")


def test_foreign_keys_are_enforced(migrated: Engine) -> None:
    with pytest.raises(IntegrityError), migrated.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO meetings (recording_id, title, status, code_version, created_at, updated_at)"
                " VALUES (999, 't', 'pending', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )


def test_schema_changes_roll_back(engine: Engine) -> None:
    """A migration that fails half-way must not leave half a schema behind (SQLite included)."""
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(text("CREATE TABLE half_built (x INTEGER)"))
        raise RuntimeError("migration failed")

    assert "half_built" not in inspect(engine).get_table_names()


def test_downgrade_to_base_removes_every_table(migrated: Engine) -> None:
    config = alembic_config()
    with migrated.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")

    assert set(inspect(migrated).get_table_names()) & TABLES == set()
    assert current_revision(migrated) is None
    upgrade(migrated)
    assert is_up_to_date(migrated)


def test_sqlite_engine_settings(tmp_path: Path) -> None:
    """SQLite-only: the parent folder is created and each connection gets the pragmas."""
    path = tmp_path / "nested" / "dir" / "minutes.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() == 30000
        assert path.exists()
    finally:
        engine.dispose()
