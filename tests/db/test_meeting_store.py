"""The pipeline's MeetingStore contract, held by the SQL store (SQLite and PostgreSQL) and by the
in-memory fake the orchestrator tests use: the fake may not drift from the real thing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from minutes.db.meeting_store import SqlMeetingStore
from minutes.storage import MeetingStore
from minutes.types import AudioInfo, MinuteItem, Minutes, Speaker, StageRecord, Utterance
from tests.fakes import InMemoryMeetingStore

AUDIO = AudioInfo(path="/in/standup.wav", sha256="a" * 64, duration=7.0, sample_rate=16000, channels=1)
OTHER = AudioInfo(path="/in/review.wav", sha256="b" * 64, duration=9.0, sample_rate=16000, channels=1)
WORDS = (Utterance(0, "SPEAKER_00", 0.0, 2.0, "hello there"), Utterance(1, "SPEAKER_01", 2.0, 4.0, "hi"))


def _record(stage: str, key: str) -> StageRecord:
    return StageRecord(stage, key, (), {"beam_size": 5}, "test", 1.5)


def _transcript(store: MeetingStore, meeting_id: int, *, names: dict[str, str], key: str) -> None:
    store.save_transcript(
        meeting_id,
        utterances=WORDS,
        speakers=[Speaker("SPEAKER_00", names.get("SPEAKER_00"), 2.0), Speaker("SPEAKER_01", None, 2.0)],
        embeddings={"SPEAKER_00": (1.0, 0.0)},
        language="en",
        record=_record("attribute", key),
        payload={"utterances": 2},
    )


def _keeps_the_contract(store: MeetingStore) -> None:
    first = store.open_meeting(AUDIO, title="Standup", meeting_date=datetime(2026, 11, 18, tzinfo=UTC))
    assert first.status == "pending"
    assert store.open_meeting(AUDIO, title="Again", meeting_date=None) == first  # same recording
    assert store.open_meeting(OTHER, title="Review", meeting_date=None).id != first.id
    mid = first.id

    assert store.stage(mid, "transcribe") is None
    store.save_stage(mid, record=_record("transcribe", "k1"), payload={"segments": [[0.0, 1.0]]})
    store.save_stage(mid, record=_record("transcribe", "k2"), payload={"segments": []})  # replaces
    found = store.stage(mid, "transcribe")
    assert found is not None and found[0].cache_key == "k2" and found[1] == {"segments": []}
    assert found[0].options == {"beam_size": 5} and found[0].seconds == 1.5

    store.set_status(mid, "failed", error="decoder exploded")
    doc = store.load_meeting(mid)
    assert (doc.status, doc.error, doc.title) == ("failed", "decoder exploded", "Standup")
    store.set_status(mid, "processing")
    assert store.load_meeting(mid).error is None

    _transcript(store, mid, names={"SPEAKER_00": "Priya"}, key="a1")
    _transcript(store, mid, names={}, key="a2")  # reprocessed: the name a person gave stays
    doc = store.load_meeting(mid)
    assert doc.status == "done" and doc.language == "en"
    assert [u.text for u in doc.utterances] == ["hello there", "hi"]
    assert doc.speaker_name("SPEAKER_00") == "Priya" and doc.speaker_name("SPEAKER_01") == "SPEAKER_01"
    attribute = store.stage(mid, "attribute")
    assert attribute is not None and attribute[0].cache_key == "a2"

    store.set_status(mid, "processing")
    minutes = Minutes(summary="They met.", items=(MinuteItem("decision", "Ship it", (0,)),))
    store.save_minutes(mid, minutes=minutes, record=_record("summarize", "s1"), payload={"items": 1})
    doc = store.load_meeting(mid)
    assert doc.status == "done" and doc.minutes is not None
    assert doc.minutes.summary == "They met." and [i.text for i in doc.minutes.items] == ["Ship it"]
    assert {r.stage for r in doc.stages} == {"transcribe", "attribute", "summarize"}
    assert doc.audio.duration == 7.0 and doc.meeting_date is not None


def test_the_sql_store_keeps_the_contract(factory: sessionmaker[Session]) -> None:
    _keeps_the_contract(SqlMeetingStore(factory))


def test_the_in_memory_fake_keeps_the_same_contract() -> None:
    _keeps_the_contract(InMemoryMeetingStore())
