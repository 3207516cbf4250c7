"""Migration 0004 on both backends: account tables, and meetings.team_id added without losing rows."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

from minutes.db import upgrade
from minutes.db.engine import alembic_config

NOW = "2026-11-20 10:00:00+00:00"


def _seed_meeting(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO recordings (id, sha256, original_name, duration, sample_rate, channels, codec,"
                " format, created_at) VALUES (1, :sha, 'a.wav', 10, 16000, 1, '', '', :now)"
            ),
            {"sha": "a" * 64, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO meetings (id, recording_id, title, status, code_version, created_at,"
                " updated_at) VALUES (1, 1, 'Sync', 'done', '', :now, :now)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                'INSERT INTO utterances (meeting_id, idx, speaker_label, start, "end", text, words, overlap)'
                " VALUES (1, 0, 'SPEAKER_00', 0, 1, 'hello', '[]', false)"
            )
        )


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_team_id_is_added_to_existing_meetings_without_losing_rows(engine: Engine) -> None:
    upgrade(engine, "0003")
    _seed_meeting(engine)

    upgrade(engine)

    assert _count(engine, "utterances") == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT team_id FROM meetings WHERE id = 1")).scalar_one() is None
    fks = {fk["name"]: fk for fk in inspect(engine).get_foreign_keys("meetings")}
    assert fks["fk_meetings_team_id_teams"]["referred_table"] == "teams"
    assert fks["fk_meetings_team_id_teams"]["options"]["ondelete"] == "SET NULL"
    assert ("team_id",) in {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("meetings")}


def test_deleting_a_team_leaves_its_meetings_without_a_team(engine: Engine) -> None:
    upgrade(engine, "0003")
    _seed_meeting(engine)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO teams (id, name, created_at) VALUES (7, 'Sales', :now)"), {"now": NOW})
        conn.execute(text("UPDATE meetings SET team_id = 7"))

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM teams WHERE id = 7"))

    with engine.connect() as conn:
        assert conn.execute(text("SELECT team_id FROM meetings WHERE id = 1")).scalar_one() is None
    assert _count(engine, "utterances") == 1


def test_downgrade_to_0003_keeps_meetings_and_removes_account_tables(engine: Engine) -> None:
    upgrade(engine, "0003")
    _seed_meeting(engine)
    upgrade(engine)

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")

    insp = inspect(engine)
    assert "team_id" not in {c["name"] for c in insp.get_columns("meetings")}
    assert not {"users", "teams", "memberships", "audit_log"} & set(insp.get_table_names())
    assert _count(engine, "utterances") == 1
    upgrade(engine)
    assert "team_id" in {c["name"] for c in inspect(engine).get_columns("meetings")}
