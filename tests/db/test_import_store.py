"""Imported meetings in the database, on SQLite and PostgreSQL: stored as processed ones (no media
path, no team), found by search (lines, names and minutes), and the QMSum meetings in one archive."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from minutes.db import load_meeting, session_scope
from minutes.db.meeting_store import SqlMeetingStore
from minutes.db.tables import Meeting, Recording
from minutes.pipeline.importer import TranscriptImporter
from minutes.search import search, search_minutes
from minutes.summarize.summarizer import Summarizer
from tests.fakes import FakeLLM

TEXT = (
    "Alice: Welcome. We decided to move the launch to Monday.\n"
    "Bob Stone: I will send the hosting budget by Friday.\n"
    "Alice: Good: the press release waits for it.\n"
)


def test_an_imported_meeting_is_stored_and_searchable(factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "launch.txt"
    path.write_text(TEXT, encoding="utf-8")
    importer = TranscriptImporter(store=SqlMeetingStore(factory), summarizer=Summarizer(FakeLLM()))
    result = importer.import_file(path)
    assert result.status == "done" and result.meeting_id is not None
    with session_scope(factory) as s:
        meeting = s.get(Meeting, result.meeting_id)
        assert meeting is not None and meeting.team_id is None  # as `process`: admins see it
        recording = s.scalars(select(Recording)).one()
        assert (recording.original_name, recording.media_path, recording.format) == (
            "launch.txt",
            None,
            "import:text",
        )
        doc = load_meeting(s, meeting_id=result.meeting_id)
        assert [s.name for s in doc.speakers] == ["Alice", "Bob Stone"]
        hits = search(s, "hosting budget").hits
        assert [(h.meeting_id, h.speaker) for h in hits] == [(result.meeting_id, "Bob Stone")]
        assert search(s, "launch", speaker="alice").total == 1
        assert search_minutes(s, "budget").total >= 1


def test_the_qmsum_meetings_import_into_one_archive(factory: sessionmaker[Session], data_dir: Path) -> None:
    importer = TranscriptImporter(store=SqlMeetingStore(factory))
    files = sorted((data_dir / "qmsum-val").glob("*.json"))[:5]
    results = [importer.import_file(path) for path in files]
    assert [r.status for r in results] == ["done"] * len(files)
    with session_scope(factory) as s:
        for path, result in zip(files, results, strict=True):
            assert result.meeting_id is not None
            doc = load_meeting(s, meeting_id=result.meeting_id, words=False)
            turns = [t for t in json.loads(path.read_text())["meeting_transcripts"] if t["content"].strip()]
            assert doc.title == path.stem and len(doc.utterances) == len(turns) == result.utterances
            assert doc.utterances[-1].text == " ".join(turns[-1]["content"].split())
