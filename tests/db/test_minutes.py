"""Storing a meeting's minutes and the action items across meetings, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from minutes.db import (
    ActionItemRow,
    MinuteItemRow,
    action_items,
    delete_meeting_rows,
    load_meeting,
    rename_speaker,
    save_minutes,
    session_scope,
    set_item_done,
)
from minutes.errors import ConfigError, NotFoundError
from minutes.types import Chapter, MinuteItem, Minutes, ModelRef
from tests.db.test_repo import count, new_meeting, transcribe

MINUTES = Minutes(
    summary="Budget agreed.\n\nZoë « déjà » owns the rollout; O'Brien's question stays open.",
    items=(
        MinuteItem(kind="decision", text="Ship v2 in November", evidence=(0, 2)),
        MinuteItem(
            kind="action",
            text="Send the budget to finance",
            evidence=(1,),
            owner="SPEAKER_01",
            due="2026-11-27",
            due_text="by Friday",
        ),
        MinuteItem(kind="question", text="Who pays for hosting?", evidence=(2,), supported=False),
        MinuteItem(kind="action", text="Book the room", owner="SPEAKER_00"),
        MinuteItem(kind="action", text="Draft the memo", owner=None, supported=False, due="2026-11-20"),
    ),
    chapters=(
        Chapter(start=0.5, end=2.25, title="Budget", evidence=(0,)),
        Chapter(start=2.25, end=4.0, title="Hosting « cloud »", evidence=(1, 2)),
    ),
    language="fr",
    model=ModelRef("qwen2.5-7b", "pkg:minutes-models-llm", "a" * 64, "Apache-2.0"),
    prompt_version="minutes/3",
    options={"temperature": 0.0, "max_items": [10, 20]},
)


def summarized(session: Session, seed: str = "a", title: str = "Weekly sync") -> int:
    meeting = new_meeting(session, seed=seed, title=title)
    transcribe(session, meeting.id)
    save_minutes(session, meeting_id=meeting.id, minutes=MINUTES)
    return meeting.id


# Schema ----------------------------------------------------------------------------------------


def test_migration_creates_the_minutes_tables(migrated: Engine) -> None:
    insp = inspect(migrated)
    assert {"minutes", "minute_items", "chapters"} <= set(insp.get_table_names())
    assert insp.get_pk_constraint("minutes")["constrained_columns"] == ["meeting_id"]
    for table in ("minutes", "minute_items", "chapters"):
        (fk,) = insp.get_foreign_keys(table)
        assert (fk["referred_table"], fk["options"].get("ondelete")) == ("meetings", "CASCADE"), table
    indexes = {tuple(ix["column_names"]) for ix in insp.get_indexes("minute_items")}
    indexes |= {tuple(uq["column_names"]) for uq in insp.get_unique_constraints("minute_items")}
    assert {("meeting_id", "kind"), ("owner",), ("due",), ("meeting_id", "position")} <= indexes


def test_database_rejects_an_unknown_kind(factory: sessionmaker[Session], migrated: Engine) -> None:
    with session_scope(factory) as session:
        meeting_id = summarized(session)
    with pytest.raises(IntegrityError), migrated.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO minute_items (meeting_id, position, kind, text, evidence, supported,"
                " created_at, updated_at) VALUES (:m, 99, 'todo', 't', '[]', true,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"m": meeting_id},
        )


def test_done_defaults_to_false_in_the_database(factory: sessionmaker[Session], migrated: Engine) -> None:
    with session_scope(factory) as session:
        meeting_id = new_meeting(session).id
    with migrated.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO minute_items (meeting_id, position, kind, text, evidence, supported,"
                " created_at, updated_at) VALUES (:m, 0, 'action', 't', '[]', true,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"m": meeting_id},
        )
        assert conn.execute(text("SELECT done FROM minute_items")).scalar_one() in (False, 0)


# Saving and loading ----------------------------------------------------------------------------


def test_meeting_never_summarized_has_no_minutes(session: Session) -> None:
    meeting = new_meeting(session)
    assert load_meeting(session, meeting_id=meeting.id).minutes is None


def test_minutes_round_trip(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        meeting_id = summarized(session)

    with session_scope(factory) as session:  # a fresh session reads what was committed
        doc = load_meeting(session, meeting_id=meeting_id)
        stored_due = session.scalars(select(MinuteItemRow.due).where(MinuteItemRow.position == 1)).one()

    assert doc.minutes == MINUTES
    assert doc.minutes is not None
    assert [i.kind for i in doc.minutes.items] == ["decision", "action", "question", "action", "action"]
    assert doc.minutes.items[1].due == "2026-11-27"
    assert stored_due == date(2026, 11, 27)  # a real DATE column, for sorting and "overdue"


def test_minutes_without_model_items_or_chapters(session: Session) -> None:
    meeting = new_meeting(session)
    bare = Minutes(summary="Nothing was decided.")
    save_minutes(session, meeting_id=meeting.id, minutes=bare)
    assert load_meeting(session, meeting_id=meeting.id).minutes == bare


def test_save_minutes_replaces_everything(session: Session) -> None:
    meeting_id = summarized(session)
    newer = Minutes(
        summary="Shorter.",
        items=(MinuteItem(kind="question", text="Anything else?"),),
        chapters=(Chapter(0.0, 4.0, "All of it"),),
        prompt_version="minutes/4",
    )
    save_minutes(session, meeting_id=meeting_id, minutes=newer)

    assert load_meeting(session, meeting_id=meeting_id).minutes == newer
    assert count(session, MinuteItemRow) == 1


def test_resummarize_keeps_done_flags_of_surviving_actions(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        meeting_id = summarized(session)
        set_item_done(session, meeting_id=meeting_id, position=1, done=True)  # send the budget
        set_item_done(session, meeting_id=meeting_id, position=3, done=True)  # book the room
        first_done_at = session.scalars(
            select(MinuteItemRow.done_at).where(MinuteItemRow.position == 1)
        ).one()

    resummarized = replace(
        MINUTES,
        items=(
            MinuteItem(kind="action", text="Write the agenda", owner="SPEAKER_00"),
            # Same item, other case and spacing, new position and due date: stays done.
            MinuteItem(
                kind="action", text="send the  BUDGET to finance ", owner="SPEAKER_01", due="2026-12-01"
            ),
            # Same text, other owner: a different commitment, not done.
            MinuteItem(kind="action", text="Book the room", owner="SPEAKER_01"),
            # Same text as a done action, but a decision: not an action, never done.
            MinuteItem(kind="decision", text="Book the room", owner="SPEAKER_00"),
        ),
    )
    with session_scope(factory) as session:
        save_minutes(session, meeting_id=meeting_id, minutes=resummarized)

    with session_scope(factory) as session:
        minutes = load_meeting(session, meeting_id=meeting_id).minutes
        done_at = session.scalars(select(MinuteItemRow.done_at).where(MinuteItemRow.position == 1)).one()
    assert minutes is not None
    assert [i.done for i in minutes.items] == [False, True, False, False]
    assert minutes.items[1].text == "send the  BUDGET to finance "  # the new wording is stored
    assert minutes.items[1].due == "2026-12-01"
    assert done_at == first_done_at  # when it was ticked off, not when it was re-summarized


def test_save_minutes_for_missing_meeting(session: Session) -> None:
    with pytest.raises(NotFoundError, match="no meeting with id 42; `minutes list` shows the ids"):
        save_minutes(session, meeting_id=42, minutes=MINUTES)


def test_bad_items_are_rejected_before_anything_is_written(session: Session) -> None:
    meeting_id = summarized(session)
    bad_kind = replace(MINUTES, summary="new", items=(MinuteItem(kind="todo", text="x"),))
    with pytest.raises(ConfigError, match="unknown kind 'todo'; choose one of: decision, action, question"):
        save_minutes(session, meeting_id=meeting_id, minutes=bad_kind)
    bad_due = replace(MINUTES, summary="new", items=(MinuteItem(kind="action", text="x", due="Friday"),))
    with pytest.raises(ValueError, match="due 'Friday', which is not an ISO date"):
        save_minutes(session, meeting_id=meeting_id, minutes=bad_due)
    assert load_meeting(session, meeting_id=meeting_id).minutes == MINUTES


# Ticking action items off ----------------------------------------------------------------------


def test_set_item_done_and_undo(session: Session) -> None:
    meeting_id = summarized(session)

    set_item_done(session, meeting_id=meeting_id, position=3, done=True)
    minutes = load_meeting(session, meeting_id=meeting_id).minutes
    assert minutes is not None
    assert [i.done for i in minutes.items] == [False, False, False, True, False]
    assert session.scalars(select(MinuteItemRow.done_at).where(MinuteItemRow.position == 3)).one()

    set_item_done(session, meeting_id=meeting_id, position=3, done=False)
    minutes = load_meeting(session, meeting_id=meeting_id).minutes
    assert minutes is not None
    assert not any(i.done for i in minutes.items)
    assert session.scalars(select(MinuteItemRow.done_at).where(MinuteItemRow.position == 3)).one() is None


def test_set_item_done_errors_list_the_action_positions(session: Session) -> None:
    meeting_id = summarized(session)
    with pytest.raises(
        NotFoundError, match="no minute item at position 9; its action items are at positions: 1, 3, 4"
    ):
        set_item_done(session, meeting_id=meeting_id, position=9, done=True)
    with pytest.raises(
        ConfigError, match=r"item 0 .* is a decision, not an action item.* positions: 1, 3, 4"
    ):
        set_item_done(session, meeting_id=meeting_id, position=0, done=True)
    with pytest.raises(ConfigError, match="is a question"):
        set_item_done(session, meeting_id=meeting_id, position=2, done=True)
    with pytest.raises(NotFoundError, match="no meeting with id 999"):
        set_item_done(session, meeting_id=999, position=1, done=True)

    never = new_meeting(session, seed="never").id
    with pytest.raises(NotFoundError, match=r"positions: none \(it has no minutes yet\)"):
        set_item_done(session, meeting_id=never, position=0, done=True)


# Deleting --------------------------------------------------------------------------------------


def test_deleting_a_meeting_deletes_its_minutes(factory: sessionmaker[Session], migrated: Engine) -> None:
    with session_scope(factory) as session:
        kept = summarized(session, seed="kept")
        gone = summarized(session, seed="gone")
        load_meeting(session, meeting_id=gone)  # minutes loaded into the session: the ORM path

    with session_scope(factory) as session:
        delete_meeting_rows(session, meeting_id=gone)

    with migrated.connect() as conn:
        for table in ("minutes", "minute_items", "chapters"):
            ids = conn.execute(text(f"SELECT DISTINCT meeting_id FROM {table}")).scalars().all()
            assert ids == [kept], table


def test_database_cascade_removes_minutes_without_the_orm(
    factory: sessionmaker[Session], migrated: Engine
) -> None:
    with session_scope(factory) as session:
        summarized(session)
    with migrated.begin() as conn:
        conn.execute(text("DELETE FROM meetings"))
        for table in ("minutes", "minute_items", "chapters"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table


# Action items across meetings ------------------------------------------------------------------


def two_meetings(factory: sessionmaker[Session]) -> tuple[int, int]:
    with session_scope(factory) as session:
        first = summarized(session, seed="one", title="Planning")
        second = new_meeting(session, seed="two", title="Retro")
        transcribe(session, second.id)
        save_minutes(
            session,
            meeting_id=second.id,
            minutes=Minutes(
                summary="Retro.",
                items=(
                    MinuteItem(kind="action", text="Fix CI", owner="SPEAKER_00", due="2026-11-27"),
                    MinuteItem(kind="decision", text="Keep the retro", owner="SPEAKER_00"),
                    MinuteItem(kind="action", text="Update the wiki", owner="SPEAKER_01", due="2026-10-01"),
                ),
            ),
        )
        rename_speaker(session, meeting_id=first, label="SPEAKER_01", name="Zoë")
        rename_speaker(session, meeting_id=second.id, label="SPEAKER_00", name="Zoë")
        set_item_done(session, meeting_id=first, position=4, done=True)  # draft the memo
        return first, second.id


def test_action_items_ordered_by_due_date_then_meeting(factory: sessionmaker[Session]) -> None:
    first, second = two_meetings(factory)
    with session_scope(factory) as session:
        rows = action_items(session)

    assert [(r.meeting_id, r.position, r.due) for r in rows] == [
        (second, 2, "2026-10-01"),
        (first, 4, "2026-11-20"),
        (first, 1, "2026-11-27"),
        (second, 0, "2026-11-27"),
        (first, 3, None),  # undated last
    ]
    assert rows[1] == ActionItemRow(
        meeting_id=first,
        meeting_title="Planning",
        position=4,
        text="Draft the memo",
        owner=None,
        owner_name=None,
        due="2026-11-20",
        done=True,
        supported=False,
        status="done",
    )
    assert (rows[2].owner, rows[2].owner_name) == ("SPEAKER_01", "Zoë")  # renamed speaker
    assert (rows[4].owner, rows[4].owner_name) == ("SPEAKER_00", "SPEAKER_00")  # not renamed


def test_action_items_by_status(factory: sessionmaker[Session]) -> None:
    first, second = two_meetings(factory)
    with session_scope(factory) as session:

        def keys(status: str, today: date | None = None) -> list[tuple[int, int]]:
            return [(r.meeting_id, r.position) for r in action_items(session, status=status, today=today)]

        assert keys(status="done") == [(first, 4)]
        assert keys(status="open") == [(second, 2), (first, 1), (second, 0), (first, 3)]
        assert keys(status="overdue", today=date(2026, 11, 1)) == [(second, 2)]
        # Due today is not overdue yet; the done memo (due 11-20) never is; undated never is.
        assert keys(status="overdue", today=date(2026, 11, 27)) == [(second, 2)]
        assert keys(status="overdue", today=date(2026, 11, 28)) == [(second, 2), (first, 1), (second, 0)]
        assert keys(status="overdue", today=date(2026, 1, 1)) == []
        with pytest.raises(ConfigError, match="'late'; choose one of: open, done, overdue"):
            action_items(session, status="late")


def test_action_items_by_owner(factory: sessionmaker[Session]) -> None:
    first, second = two_meetings(factory)
    with session_scope(factory) as session:
        # A person's name finds their items in every meeting, whatever the label there.
        zoe = action_items(session, owner="zoë")
        assert [(r.meeting_id, r.position) for r in zoe] == [(first, 1), (second, 0)]
        assert {r.owner_name for r in zoe} == {"Zoë"}
        # A label matches exactly.
        assert [(r.meeting_id, r.position) for r in action_items(session, owner="SPEAKER_01")] == [
            (second, 2),
            (first, 1),
        ]
        assert action_items(session, owner="Nobody") == []
        assert [r.position for r in action_items(session, owner="Zoë", status="open")] == [1, 0]
