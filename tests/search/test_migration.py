"""Migrations 0005 and 0006 on both backends: they index what was stored before, and go away cleanly."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Sequence

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from minutes.db import (
    current_revision,
    make_engine,
    save_minutes,
    session_factory,
    session_scope,
    upgrade,
)
from minutes.db.engine import alembic_config
from minutes.search import schema, search
from minutes.search.items import search_minutes
from minutes.types import MinuteItem, Minutes
from tests.db.conftest import POSTGRES_URL
from tests.search.conftest import add_meeting


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def search_objects(engine: Engine) -> set[str]:
    """The names of every search object the database holds."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'search%'"))
            return {name for (name,) in rows}
        names = {
            name
            for (name,) in conn.execute(
                text(
                    "WITH ns AS (SELECT current_schema()::regnamespace AS oid)"
                    " SELECT proname FROM pg_proc, ns WHERE pronamespace = ns.oid"
                    " UNION SELECT cfgname FROM pg_ts_config, ns WHERE cfgnamespace = ns.oid"
                    " UNION SELECT dictname FROM pg_ts_dict, ns WHERE dictnamespace = ns.oid"
                    " UNION SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                    " AND indexname LIKE 'ix_search%'"
                )
            )
        }
    columns = {
        f"{table}.{c['name']}" for table in schema.VECTOR_TABLES for c in inspect(engine).get_columns(table)
    }
    return names | {c for c in columns if c.endswith(f".{schema.VECTOR}")}


def add_meeting_sql(session: Session, title: str, lines: Sequence[tuple[str, str]]) -> int:
    """``add_meeting`` in plain SQL, for a schema older than the models (whose
    ``replace_transcript`` reads tables added later, such as ``edits``)."""
    digest = hashlib.sha256(f"{title}|{lines}".encode()).hexdigest()
    recording = session.execute(
        text(
            "INSERT INTO recordings (sha256, original_name, duration, sample_rate, channels, codec, format,"
            " created_at) VALUES (:sha, :name, :duration, 16000, 1, '', '', CURRENT_TIMESTAMP) RETURNING id"
        ),
        {"sha": digest, "name": f"{title}.wav", "duration": 5.0 * len(lines)},
    ).scalar_one()
    meeting_id = int(
        session.execute(
            text(
                "INSERT INTO meetings (recording_id, title, status, code_version, created_at, updated_at)"
                " VALUES (:r, :title, 'done', 't', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"r": recording, "title": title},
        ).scalar_one()
    )
    for label in sorted({label for label, _ in lines}):
        session.execute(
            text("INSERT INTO speakers (meeting_id, label, talk_time) VALUES (:m, :label, 0)"),
            {"m": meeting_id, "label": label},
        )
    for i, (label, line) in enumerate(lines):
        session.execute(
            text(
                'INSERT INTO utterances (meeting_id, idx, speaker_label, start, "end", text, words, overlap)'
                " VALUES (:m, :i, :label, :start, :end, :text, '[]', false)"
            ),
            {"m": meeting_id, "i": i, "label": label, "start": 5.0 * i, "end": 5.0 * i + 4.0, "text": line},
        )
    return meeting_id


@pytest.fixture
def no_series(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's save_minutes also links the meeting's series: tables the old revisions lack."""
    monkeypatch.setattr("minutes.db.minutes_repo.relink_meeting", lambda *_args, **_kwargs: None)


@pytest.mark.usefixtures("no_series")
def test_existing_lines_and_minutes_are_indexed_by_the_upgrade(engine: Engine) -> None:
    upgrade(engine, "0004")
    factory = session_factory(engine)
    with session_scope(factory) as session:
        meeting_id = add_meeting_sql(
            session, "Before search", [("S0", "Quarterly budget approved"), ("S1", "ok")]
        )
        # By SQL: today's rename also clears names from remembered voices, a table 0004 lacks.
        named = "UPDATE speakers SET name = 'Ngozi' WHERE meeting_id = :m AND label = 'S1'"
        session.execute(text(named), {"m": meeting_id})
        minutes = Minutes(
            summary="The budget was approved.",
            items=(MinuteItem(kind="decision", text="Approve the quarterly budget"),),
            language="en",
        )
        save_minutes(session, meeting_id=meeting_id, minutes=minutes)
    assert search_objects(engine) == set()

    upgrade(engine)

    with factory() as session:
        (hit,) = search(session, "budgets").hits
        assert (hit.meeting_title, hit.utterance_index) == ("Before search", 0)
        assert [h.text for h in search(session, "ngozi").hits] == ["ok"]
        assert {h.kind for h in search_minutes(session, "approved budget").hits} == {"summary", "decision"}


def test_the_objects_are_the_ones_the_code_names(migrated: Engine) -> None:
    objects = search_objects(migrated)
    if migrated.dialect.name == "sqlite":
        fts = {schema.FTS_UTTERANCES, schema.FTS_MINUTE_ITEMS, schema.FTS_MINUTES}
        tables = set(inspect(migrated).get_table_names())
        assert fts <= tables and tables & schema.UNMODELLED_TABLES == objects & tables
        assert "search_utterances_source" in objects
        triggers = objects - tables - {"search_utterances_source"}
        assert {t.rsplit("_", 1)[1] for t in triggers} == {"insert", "update", "delete"}
        assert len(triggers) == 12
    else:
        assert objects == {
            schema.CONFIG,
            "minutes_search_stem",
            schema.UNACCENT,
            schema.FOLD,
            schema.DOCUMENT,
            *(f"{table}.{schema.VECTOR}" for table in schema.VECTOR_TABLES),
            *schema.PG_INDEXES,
        }


def test_downgrade_removes_the_indexes_and_keeps_the_data(migrated: Engine) -> None:
    factory = session_factory(migrated)
    with session_scope(factory) as session:
        add_meeting(session, "Kept", [("S0", "budget line")])

    downgrade(migrated, "0004")

    assert search_objects(migrated) == set()
    with migrated.connect() as conn:
        assert conn.execute(text("SELECT text FROM utterances")).scalar_one() == "budget line"

    upgrade(migrated)
    with Session(migrated) as session:
        assert search(session, "budget").total == 1


@pytest.mark.usefixtures("no_series")
def test_0006_stores_the_minutes_vectors_and_downgrades_to_the_expression_indexes(engine: Engine) -> None:
    upgrade(engine, "0005")
    factory = session_factory(engine)
    with session_scope(factory) as session:
        meeting_id = add_meeting_sql(session, "Before 0006", [("S0", "hello")])
        minutes = Minutes(
            summary="The budget was approved.",
            items=(MinuteItem(kind="decision", text="Approve the quarterly budget"),),
        )
        save_minutes(session, meeting_id=meeting_id, minutes=minutes)
    before = search_objects(engine)

    upgrade(engine)  # existing minutes get their vectors as the columns are added
    with factory() as session:
        found = search_minutes(session, "approved budgets")
        assert {h.kind for h in found.hits} == {"decision", "summary"}
    if engine.dialect.name == "postgresql":
        assert search_objects(engine) - before == {"minute_items.search_vector", "minutes.search_vector"}

    downgrade(engine, "0005")
    assert search_objects(engine) == before  # the same index names, over the expressions again
    with engine.connect() as conn:
        assert conn.execute(text("SELECT summary FROM minutes")).scalar_one() == "The budget was approved."
    upgrade(engine)
    with factory() as session:
        assert search_minutes(session, "approved budget").total == 2


@pytest.mark.postgres
def test_a_database_that_is_not_utf8_is_refused_with_the_fix(postgres_admin: Engine) -> None:
    name = f"minutes_test_latin1_{uuid.uuid4().hex[:8]}"
    with postgres_admin.connect() as conn:
        conn.execute(
            text(f"CREATE DATABASE {name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
        )
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    try:
        with pytest.raises(
            RuntimeError, match="minutes needs a UTF8 PostgreSQL database, this one is LATIN1"
        ):
            upgrade(engine)
        assert current_revision(engine) is None  # nothing half-built: the whole upgrade rolled back
    finally:
        engine.dispose()
        with postgres_admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name}"))


@pytest.fixture
def postgres_admin() -> Iterator[Engine]:
    """An engine on the test server in autocommit mode (CREATE DATABASE cannot run in a transaction)."""
    engine = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except OperationalError:
        engine.dispose()
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}")
    yield engine
    engine.dispose()
