"""Importing a transcript file against an in-memory store: what is stored, reused, summarized, and
that a bad file stores nothing; the round trip of this project's own JSON export."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from minutes.errors import InputError, StageError
from minutes.export import to_json
from minutes.importing import parse
from minutes.pipeline.importer import TranscriptImporter
from minutes.summarize.summarizer import Summarizer
from minutes.types import (
    AudioInfo,
    Chapter,
    MeetingDoc,
    MinuteItem,
    Minutes,
    ModelRef,
    Speaker,
    StageRecord,
    Utterance,
    Word,
)
from tests.fakes import FakeLLM, InMemoryMeetingStore

TRANSCRIPT = (
    "Alice: Welcome, everyone. We decided to launch on Monday.\n"
    "Bob: I will send the budget report by Friday.\n"
    "Alice: Who owns the press release?\n"
)


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "weekly.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


def test_an_imported_meeting_is_stored_like_a_processed_one(transcript: Path) -> None:
    store, llm = InMemoryMeetingStore(), FakeLLM()
    importer = TranscriptImporter(store=store, summarizer=Summarizer(llm))
    seen: list[tuple[str, float]] = []
    result = importer.import_file(transcript, progress=lambda stage, f: seen.append((stage, f)))
    assert result.status == "done" and result.error is None
    assert result.stages == {"import": "ran", "summarize": "ran"}
    assert (result.speakers, result.utterances) == (2, 3)
    assert result.warnings and "estimated" in result.warnings[0]
    assert ("import", 1.0) in seen and ("summarize", 1.0) in seen
    assert result.meeting_id is not None
    doc = store.load_meeting(result.meeting_id)
    assert doc.status == "done" and doc.title == "weekly"
    assert doc.audio.imported == "text" and doc.audio.sample_rate == 0
    assert [s.name for s in doc.speakers] == ["Alice", "Bob"]
    assert [r.stage for r in doc.stages] == ["import", "summarize"]
    assert doc.minutes is not None and llm.calls  # the same summarize stage as `process`
    assert store.stages[(result.meeting_id, "import")][1] == {
        "source": "weekly.txt",
        "format": "text",
        "utterances": 3,
        "estimated_times": 3,
    }


def test_the_same_file_again_is_reused_and_force_stores_it_again(transcript: Path) -> None:
    store = InMemoryMeetingStore()
    importer = TranscriptImporter(store=store, summarizer=Summarizer(FakeLLM()))
    first = importer.import_file(transcript)
    again = importer.import_file(transcript)
    assert (again.status, again.meeting_id) == ("reused", first.meeting_id)
    assert again.stages == {"import": "cached", "summarize": "cached"}
    forced = importer.import_file(transcript, force=True)
    assert forced.status == "done" and forced.stages == {"import": "ran", "summarize": "ran"}
    assert len(store.meetings) == 1


def test_without_a_summarizer_no_minutes(transcript: Path) -> None:
    store = InMemoryMeetingStore()
    result = TranscriptImporter(store=store).import_file(transcript)
    assert result.stages == {"import": "ran"}
    assert result.meeting_id is not None and store.load_meeting(result.meeting_id).minutes is None


def test_title_date_and_language_given_win(transcript: Path) -> None:
    store = InMemoryMeetingStore()
    when = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    result = TranscriptImporter(store=store).import_file(
        transcript, title="Launch sync", meeting_date=when, language="de"
    )
    assert result.meeting_id is not None
    doc = store.load_meeting(result.meeting_id)
    assert (doc.title, doc.meeting_date, doc.language) == ("Launch sync", when.isoformat(), "de")


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfeA\xd8", "starts as UTF-16 text but is not"),
        (b"1\n00:00:aa --> 0\nx", "broken timing"),
    ],
)
def test_a_bad_file_stores_nothing(tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / "bad.srt"
    path.write_bytes(content)
    store = InMemoryMeetingStore()
    with pytest.raises(InputError, match=said) as caught:
        TranscriptImporter(store=store, summarizer=Summarizer(FakeLLM())).import_file(path)
    assert str(caught.value).startswith("bad.srt: ")
    assert store.writes == [] and store.meetings == {}


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path) -> None:
    importer = TranscriptImporter(store=InMemoryMeetingStore())
    with pytest.raises(InputError, match="does not exist"):
        importer.import_file(tmp_path / "gone.txt")
    with pytest.raises(InputError, match="is a folder"):
        importer.import_file(tmp_path)


def test_failed_minutes_mark_the_meeting_failed_and_keep_the_transcript(transcript: Path) -> None:
    store = InMemoryMeetingStore()
    importer = TranscriptImporter(
        store=store, summarizer=Summarizer(FakeLLM(fail=RuntimeError("model gone")))
    )
    with pytest.raises(StageError, match="minutes summarize") as caught:
        importer.import_file(transcript)
    meeting_id = caught.value.meeting_id
    assert meeting_id is not None
    doc = store.load_meeting(meeting_id)
    assert doc.status == "failed" and len(doc.utterances) == 3


# --- the round trip -----------------------------------------------------------------------------


def exported_meeting() -> MeetingDoc:
    words = (Word(1.0, 1.4, " We", 0.9), Word(1.5, 2.0, " ship.", 0.8))
    return MeetingDoc(
        id=7,
        title="Launch review",
        status="done",
        created_at="2025-03-10T08:00:00+00:00",
        meeting_date="2025-03-10T09:00:00+00:00",
        language="en",
        audio=AudioInfo("launch.m4a", "f" * 64, 65.5, 16000, 1, "aac", "mov,mp4"),
        speakers=(Speaker("SPEAKER_00", "Alice", 30.25), Speaker("SPEAKER_01", None, 12.5)),
        utterances=(
            Utterance(0, "SPEAKER_00", 1.0, 2.0, "We ship.", words),
            Utterance(1, "SPEAKER_01", 1.8, 4.123456, "Who writes the notes?", overlap=True),
            Utterance(2, "SPEAKER_00", 5.0, 9.5, "I will write them by Friday."),
        ),
        stages=(StageRecord("attribute", "k" * 64),),
        minutes=Minutes(
            summary="We ship.\n\nAlice writes the notes.",
            items=(
                MinuteItem("decision", "Ship it.", (0,)),
                MinuteItem(
                    "action", "Write the notes", (2,), True, "SPEAKER_00", "2025-03-14", "by Friday", True
                ),
                MinuteItem("question", "Who writes the notes?", (1,), supported=False),
            ),
            chapters=(Chapter(0.0, 9.5, "Launch", (0, 1, 2)),),
            model=ModelRef("qwen", "local", "c" * 64),
            prompt_version="p/3",
        ),
    )


def test_our_json_export_reads_back_as_the_same_meeting() -> None:
    doc = exported_meeting()
    m = parse(to_json(doc).encode(), name="meeting-7-launch-review.json")
    assert m.format == "minutes-json"
    assert m.utterances == doc.utterances
    assert m.speakers == doc.speakers
    assert m.minutes == doc.minutes
    assert (m.title, m.language, m.duration) == ("Launch review", "en", 65.5)
    assert m.meeting_date == datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    assert m.estimated == 0 and m.warnings == ()


def test_imported_minutes_are_kept_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(to_json(exported_meeting()), encoding="utf-8")
    store, llm = InMemoryMeetingStore(), FakeLLM()
    result = TranscriptImporter(store=store, summarizer=Summarizer(llm)).import_file(path)
    assert result.stages == {"import": "ran", "summarize": "imported"}
    assert llm.calls == []
    assert result.meeting_id is not None
    assert store.load_meeting(result.meeting_id).minutes == exported_meeting().minutes


def test_an_export_with_broken_minutes_is_an_error(tmp_path: Path) -> None:
    data = json.loads(to_json(exported_meeting()))
    data["minutes"]["items"][1]["due"] = "next Friday"
    with pytest.raises(InputError, match="minute item 2 is due 'next Friday', not an ISO date"):
        parse(json.dumps(data).encode(), name="x.json")
    data = json.loads(to_json(exported_meeting()))
    data["minutes"]["items"][0]["text"] = "Ship \u001b[2J it."
    with pytest.raises(InputError, match=r"the text of minute item 1 .* holds a control character"):
        parse(json.dumps(data).encode(), name="x.json")
    data = json.loads(to_json(replace(exported_meeting(), minutes=None)))
    data["utterances"][1]["index"] = 0
    with pytest.raises(InputError, match="utterance 0 has index 0: every utterance needs its own index"):
        parse(json.dumps(data).encode(), name="x.json")
