"""Migration 0007 on both backends: corrections made before it are found in the audit log and kept."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, bindparam, inspect, text

from minutes.db import session_factory, session_scope, upgrade
from minutes.db.engine import alembic_config
from minutes.db.repo import replace_transcript
from minutes.db.tables import JSONType
from minutes.types import Speaker, Utterance

NOW = "2026-11-20 10:00:00+00:00"


def _seed(engine: Engine) -> None:
    """A meeting at revision 0006 with three lines: one corrected twice, one changed since its
    correction (reprocessed), one never corrected; and the audit log's record of the corrections."""
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
        for idx, start, line in ((0, 0.0, "We ship v2"), (1, 2.0, "machine words again"), (2, 4.0, "fine")):
            conn.execute(
                text(
                    'INSERT INTO utterances (meeting_id, idx, speaker_label, start, "end", text, words,'
                    " overlap) VALUES (1, :idx, 'SPEAKER_00', :start, :end, :text, '[]', false)"
                ),
                {"idx": idx, "start": start, "end": start + 1.5, "text": line},
            )
        entry = text(
            "INSERT INTO audit_log (at, username, action, object_type, object_id, meeting_id, detail, via)"
            " VALUES (:at, 'mona', 'correct_utterance', 'utterance', :idx, 1, :detail, 'web')"
        ).bindparams(bindparam("detail", type_=JSONType))
        for at, idx, old, new in (
            ("2026-11-20 10:01:00+00:00", "0", "we ship vee two", "We ship v 2"),
            ("2026-11-20 10:02:00+00:00", "1", "machine words", "Person's words"),
            ("2026-11-20 10:03:00+00:00", "0", "We ship v 2", "We ship v2"),
        ):
            conn.execute(entry, {"at": at, "idx": idx, "detail": {"old": old, "new": new}})


def _edits(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        query = 'SELECT kind, utterance_idx, start, "end", machine_text, text, left_at FROM edits ORDER BY id'
        return [tuple(r) for r in conn.execute(text(query))]


def test_corrections_before_the_upgrade_are_kept_and_carried(engine: Engine) -> None:
    upgrade(engine, "0006")
    _seed(engine)

    upgrade(engine)

    # Line 0: what the machine wrote is the old text of the first correction in its chain.
    # Line 1 reads neither correction any more (it was processed again since): nothing to keep.
    assert _edits(engine) == [("line", 0, 0.0, 1.5, "we ship vee two", "We ship v2", None)]
    factory = session_factory(engine)
    with session_scope(factory) as session:
        redone = (
            Utterance(0, "SPEAKER_00", 0.0, 1.5, "we ship vee two"),
            Utterance(1, "SPEAKER_00", 2.0, 3.5, "machine words again"),
        )
        carried = replace_transcript(
            session, meeting_id=1, utterances=redone, speakers=(Speaker("SPEAKER_00"),), embeddings={}
        )
    assert carried.carried == {"line": 1}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM utterances WHERE idx = 0")).scalar_one() == "We ship v2"


def test_downgrade_to_0006_removes_the_table_and_keeps_the_transcript(engine: Engine) -> None:
    upgrade(engine, "0006")
    _seed(engine)
    upgrade(engine)

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")

    assert "edits" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM utterances")).scalar_one() == 3
