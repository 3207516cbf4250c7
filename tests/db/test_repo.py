"""The repository functions, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from minutes.db import (
    Meeting,
    Recording,
    SpeakerRow,
    StageRun,
    UtteranceRow,
    add_recording,
    create_meeting,
    delete_meeting_rows,
    find_recording,
    get_stage,
    list_meetings,
    load_meeting,
    meetings_for_recording,
    rename_speaker,
    replace_transcript,
    save_stage,
    session_scope,
    set_language,
    set_status,
)
from minutes.errors import ConfigError, NotFoundError
from minutes.types import AudioInfo, ModelRef, Speaker, SpeakerTurn, StageRecord, Utterance, Word


def audio(seed: str = "a") -> AudioInfo:
    return AudioInfo(
        path=f"/home/me/recordings/{seed}.m4a",
        sha256=hashlib.sha256(seed.encode()).hexdigest(),
        duration=3600.5,
        sample_rate=16000,
        channels=1,
        codec="aac",
        format="mp4",
    )


def new_meeting(session: Session, seed: str = "a", title: str = "Weekly sync") -> Meeting:
    recording = add_recording(session, audio=audio(seed), media_path=None)
    return create_meeting(session, recording=recording, title=title, meeting_date=None, code_version="0.1.0")


UTTERANCES = (
    Utterance(
        index=0,
        speaker="SPEAKER_00",
        start=0.5,
        end=2.25,
        text='Café « déjà » — it\'s "fine"',
        words=(
            Word(0.5, 1.0, "Café", 0.91),
            Word(1.0, 1.5, "« déjà »", 0.5),
            Word(1.5, 2.25, '— it\'s "fine"', 1.0),
        ),
    ),
    Utterance(index=1, speaker="SPEAKER_01", start=2.0, end=3.0, text="Ja, grüß Gott! 日本語", overlap=True),
    Utterance(index=2, speaker="SPEAKER_00", start=3.5, end=4.0, text="O'Brien's \\ backslash"),
)
SPEAKERS = (Speaker("SPEAKER_00", talk_time=2.25), Speaker("SPEAKER_01", talk_time=1.0))
EMBEDDINGS = {"SPEAKER_00": (0.1, -0.2, 0.3), "SPEAKER_01": [1.0, 2.0, 3.5]}

TRANSCRIBE = StageRecord(
    stage="transcribe",
    cache_key="k" * 64,
    models=(ModelRef("large-v3", "pkg:minutes-models-whisper", "f" * 64, "MIT"),),
    options={"beam_size": 5, "vad": True, "temperature": [0.0, 0.2]},
    code_version="0.1.0",
    seconds=12.5,
)
PAYLOAD = {
    "language": "fr",
    "segments": [{"start": 0.5, "end": 2.25, "text": "Café « déjà »", "words": [[0.5, 1.0, "Café", 0.91]]}],
}


def transcribe(session: Session, meeting_id: int) -> None:
    replace_transcript(
        session, meeting_id=meeting_id, utterances=UTTERANCES, speakers=SPEAKERS, embeddings=EMBEDDINGS
    )


def count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


# Recordings ------------------------------------------------------------------------------------


def test_find_and_add_recording(session: Session) -> None:
    info = audio()
    assert find_recording(session, sha256=info.sha256) is None

    recording = add_recording(session, audio=info, media_path="/srv/minutes/media/a.m4a")

    found = find_recording(session, sha256=info.sha256.upper())
    assert found is not None and found.id == recording.id
    assert found.original_name == "a.m4a"
    assert found.media_path == "/srv/minutes/media/a.m4a"


def test_duplicate_sha256_is_rejected(session: Session) -> None:
    add_recording(session, audio=audio(), media_path=None)
    with pytest.raises(IntegrityError):
        add_recording(session, audio=audio(), media_path="/elsewhere.wav")


def test_malformed_sha256_is_rejected(session: Session) -> None:
    with pytest.raises(ValueError, match="64 lowercase hex"):
        add_recording(session, audio=AudioInfo("x.wav", "abc", 1.0, 16000, 1), media_path=None)


def test_recording_with_meetings_cannot_be_deleted(session: Session) -> None:
    meeting = new_meeting(session)
    with pytest.raises(IntegrityError):
        session.execute(text("DELETE FROM recordings WHERE id = :id"), {"id": meeting.recording_id})


# Meetings --------------------------------------------------------------------------------------


def test_create_meeting_starts_pending(session: Session) -> None:
    recording = add_recording(session, audio=audio(), media_path=None)
    date = datetime(2024, 5, 2, 10, 0, tzinfo=timezone(timedelta(hours=2)))

    first = create_meeting(session, recording=recording, title="One", meeting_date=date, code_version="v1")
    second = create_meeting(session, recording=recording, title="Two", meeting_date=None, code_version="v1")

    assert first.status == "pending"
    assert [m.id for m in meetings_for_recording(session, recording_id=recording.id)] == [first.id, second.id]
    doc = load_meeting(session, meeting_id=first.id)
    assert doc.meeting_date == "2024-05-02T08:00:00+00:00"
    assert datetime.fromisoformat(doc.created_at).tzinfo is not None


def test_set_status_and_language(session: Session) -> None:
    meeting = new_meeting(session)

    set_status(session, meeting_id=meeting.id, status="failed", error="decoder crashed")
    set_language(session, meeting_id=meeting.id, language="de")
    doc = load_meeting(session, meeting_id=meeting.id)
    assert (doc.status, doc.error, doc.language) == ("failed", "decoder crashed", "de")

    set_status(session, meeting_id=meeting.id, status="done")
    assert load_meeting(session, meeting_id=meeting.id).error is None


def test_unknown_status_lists_the_choices(session: Session) -> None:
    meeting = new_meeting(session)
    with pytest.raises(ConfigError, match="pending, processing, done, failed"):
        set_status(session, meeting_id=meeting.id, status="finished")


def test_missing_meeting_says_how_to_find_ids(session: Session) -> None:
    message = "no meeting with id 42; `minutes list` shows the ids"
    with pytest.raises(NotFoundError, match="no meeting with id 42"):
        load_meeting(session, meeting_id=42)
    calls: list[Callable[[], None]] = [
        partial(delete_meeting_rows, session, meeting_id=42),
        partial(set_status, session, meeting_id=42, status="done"),
        partial(set_language, session, meeting_id=42, language="en"),
        partial(save_stage, session, meeting_id=42, record=TRANSCRIBE, payload={}),
    ]
    for call in calls:
        with pytest.raises(NotFoundError) as info:
            call()
        assert str(info.value) == message


# Stages ----------------------------------------------------------------------------------------


def test_save_and_get_stage(session: Session) -> None:
    meeting = new_meeting(session)
    assert get_stage(session, meeting_id=meeting.id, stage="transcribe") is None

    save_stage(session, meeting_id=meeting.id, record=TRANSCRIBE, payload=PAYLOAD)

    stored = get_stage(session, meeting_id=meeting.id, stage="transcribe")
    assert stored == (TRANSCRIBE, PAYLOAD)


def test_save_stage_again_replaces_it(session: Session) -> None:
    meeting = new_meeting(session)
    save_stage(session, meeting_id=meeting.id, record=TRANSCRIBE, payload=PAYLOAD)
    get_stage(session, meeting_id=meeting.id, stage="transcribe")  # load the row into the session

    newer = StageRecord(stage="transcribe", cache_key="new", options={"beam_size": 1}, seconds=3.0)
    save_stage(session, meeting_id=meeting.id, record=newer, payload={"segments": []})

    assert get_stage(session, meeting_id=meeting.id, stage="transcribe") == (newer, {"segments": []})
    assert count(session, StageRun) == 1
    assert load_meeting(session, meeting_id=meeting.id).stages == (newer,)


# Transcript ------------------------------------------------------------------------------------


def test_meeting_round_trip(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        meeting = new_meeting(session, title='Réunion « budget » — l\'équipe "A"')
        meeting_id = meeting.id
        save_stage(session, meeting_id=meeting_id, record=TRANSCRIBE, payload=PAYLOAD)
        diarize = StageRecord(stage="diarize", cache_key="d", models=(ModelRef("pyannote", "p", "e" * 64),))
        save_stage(session, meeting_id=meeting_id, record=diarize, payload={"turns": [[0.5, 2.25, "A"]]})
        transcribe(session, meeting_id)
        set_language(session, meeting_id=meeting_id, language="fr")
        set_status(session, meeting_id=meeting_id, status="done")

    with session_scope(factory) as session:  # a fresh session reads what was committed
        doc = load_meeting(session, meeting_id=meeting_id)
        embedding = session.scalars(
            select(SpeakerRow.embedding).where(SpeakerRow.label == "SPEAKER_00")
        ).one()

    assert doc.title == 'Réunion « budget » — l\'équipe "A"'
    assert (doc.status, doc.language) == ("done", "fr")
    assert doc.audio == AudioInfo("a.m4a", audio().sha256, 3600.5, 16000, 1, "aac", "mp4")
    assert doc.utterances == UTTERANCES
    assert doc.speakers == SPEAKERS
    assert doc.stages == (TRANSCRIBE, diarize)
    assert doc.speaker_name("SPEAKER_01") == "SPEAKER_01"
    assert embedding == [0.1, -0.2, 0.3]


def test_speaker_turns_are_loaded_only_when_asked(session: Session) -> None:
    meeting = new_meeting(session)
    transcribe(session, meeting.id)
    assert load_meeting(session, meeting_id=meeting.id, turns=True).turns == ()  # never diarized
    diarize = StageRecord(stage="diarize", cache_key="d")
    turns = {"turns": [[4.0, 5.5, "SPEAKER_01"], [0.5, 2.25, "SPEAKER_00"]], "embeddings": {}}
    save_stage(session, meeting_id=meeting.id, record=diarize, payload=turns)

    assert load_meeting(session, meeting_id=meeting.id).turns == ()
    assert load_meeting(session, meeting_id=meeting.id, turns=True).turns == (
        SpeakerTurn(0.5, 2.25, "SPEAKER_00"),
        SpeakerTurn(4.0, 5.5, "SPEAKER_01"),
    )


def test_replace_transcript_keeps_speaker_names(session: Session) -> None:
    meeting = new_meeting(session)
    transcribe(session, meeting.id)
    rename_speaker(session, meeting_id=meeting.id, label="SPEAKER_00", name="Zoë")

    redone = (Utterance(0, "SPEAKER_00", 0.0, 1.0, "again"), Utterance(1, "SPEAKER_02", 1.0, 2.0, "new"))
    speakers = (Speaker("SPEAKER_00", talk_time=1.0), Speaker("SPEAKER_02", name="Bob", talk_time=1.0))
    replace_transcript(session, meeting_id=meeting.id, utterances=redone, speakers=speakers, embeddings={})

    doc = load_meeting(session, meeting_id=meeting.id)
    assert doc.utterances == redone
    assert doc.speakers == (
        Speaker("SPEAKER_00", "Zoë", 1.0, name_source="manual"),
        Speaker("SPEAKER_02", "Bob", 1.0, name_source="manual"),
    )
    assert doc.speaker_name("SPEAKER_00") == "Zoë"
    assert count(session, UtteranceRow) == 2


def test_rename_speaker(session: Session) -> None:
    meeting = new_meeting(session)
    transcribe(session, meeting.id)

    rename_speaker(session, meeting_id=meeting.id, label="SPEAKER_01", name="  Ana María  ")
    assert load_meeting(session, meeting_id=meeting.id).speaker_name("SPEAKER_01") == "Ana María"

    rename_speaker(session, meeting_id=meeting.id, label="SPEAKER_01", name="")
    assert load_meeting(session, meeting_id=meeting.id).speaker_name("SPEAKER_01") == "SPEAKER_01"


def test_rename_unknown_speaker_lists_the_labels(session: Session) -> None:
    meeting = new_meeting(session)
    with pytest.raises(NotFoundError, match="no transcript"):
        rename_speaker(session, meeting_id=meeting.id, label="SPEAKER_00", name="Ann")

    transcribe(session, meeting.id)
    with pytest.raises(
        NotFoundError, match="no speaker 'SPEAKER_09'; its speakers are: SPEAKER_00, SPEAKER_01"
    ):
        rename_speaker(session, meeting_id=meeting.id, label="SPEAKER_09", name="Ann")
    with pytest.raises(NotFoundError, match="no meeting with id 999"):
        rename_speaker(session, meeting_id=999, label="SPEAKER_00", name="Ann")


# Deleting and listing --------------------------------------------------------------------------


def test_delete_meeting_removes_its_children(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        kept = new_meeting(session, seed="kept")
        gone = new_meeting(session, seed="gone")
        for m in (kept, gone):
            save_stage(session, meeting_id=m.id, record=TRANSCRIBE, payload=PAYLOAD)
            transcribe(session, m.id)
        kept_id, gone_id = kept.id, gone.id

    with session_scope(factory) as session:
        delete_meeting_rows(session, meeting_id=gone_id)

    with session_scope(factory) as session:
        for column in (StageRun.meeting_id, SpeakerRow.meeting_id, UtteranceRow.meeting_id):
            assert session.scalars(select(column).distinct()).all() == [kept_id], column
        assert count(session, Recording) == 2  # the recording stays
        with pytest.raises(NotFoundError):
            load_meeting(session, meeting_id=gone_id)


def test_database_cascade_without_the_orm(migrated: Engine, factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        meeting = new_meeting(session)
        save_stage(session, meeting_id=meeting.id, record=TRANSCRIBE, payload=PAYLOAD)
        transcribe(session, meeting.id)

    with migrated.begin() as conn:
        conn.execute(text("DELETE FROM meetings"))
        for table in ("stage_runs", "speakers", "utterances"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0


def test_failed_transaction_leaves_nothing(factory: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        meeting = new_meeting(session)
        transcribe(session, meeting.id)
        raise RuntimeError("stage crashed")

    with pytest.raises(IntegrityError), session_scope(factory) as session:
        meeting = new_meeting(session)
        duplicate = (UTTERANCES[0], UTTERANCES[0])
        replace_transcript(session, meeting_id=meeting.id, utterances=duplicate, speakers=(), embeddings={})

    with session_scope(factory) as session:
        for model in (Recording, Meeting, StageRun, SpeakerRow, UtteranceRow):
            assert count(session, model) == 0, model


def test_list_meetings_counts_newest_first(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        old = new_meeting(session, seed="old", title="Old")
        old.created_at = datetime(2024, 1, 1, tzinfo=UTC)
        transcribe(session, old.id)
        empty = new_meeting(session, seed="empty", title="Empty")
        set_language(session, meeting_id=old.id, language="fr")
        ids = (empty.id, old.id)

    with session_scope(factory) as session:
        summaries = list_meetings(session)
        assert [s.id for s in summaries] == list(ids)
        newest, oldest = summaries
        assert (newest.title, newest.speakers, newest.utterances, newest.language) == ("Empty", 0, 0, None)
        assert (oldest.speakers, oldest.utterances, oldest.language) == (2, 3, "fr")
        assert oldest.created_at == "2024-01-01T00:00:00+00:00"
        assert oldest.duration == 3600.5
        assert oldest.sha256 == audio("old").sha256
        assert [s.id for s in list_meetings(session, limit=1)] == [ids[0]]
        assert list_meetings(session, limit=0) == []


def test_list_meetings_is_one_query(migrated: Engine, factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        for seed in "abcde":
            transcribe(session, new_meeting(session, seed=seed).id)

    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(migrated, "before_cursor_execute", record)
    try:
        with session_scope(factory) as session:
            summaries = list_meetings(session)
    finally:
        event.remove(migrated, "before_cursor_execute", record)
    assert [(s.speakers, s.utterances) for s in summaries] == [(2, 3)] * 5
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
