"""``batch --force`` and the worker over a person's edits: carried, and counted in the job's result."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes.cli.queue_view import job_line
from minutes.db.meeting_store import SqlMeetingStore
from minutes.jobs import claim_next, enqueue, run_claimed
from minutes.pipeline import MeetingProcessor
from tests.fakes import FakeDiarizer, FakeTranscriber


def processor(sessions: sessionmaker[Session], transcriber: FakeTranscriber) -> MeetingProcessor:
    return MeetingProcessor(transcriber=transcriber, diarizer=FakeDiarizer(), store=SqlMeetingStore(sessions))


def forced_job(
    sessions: sessionmaker[Session], path: Path, transcriber: FakeTranscriber, batch: str
) -> tuple[dict[str, Any], str]:
    """``minutes batch --force``: one job of its own batch, run by a worker; its result and line."""
    time.sleep(0.01)  # results stored before the job starts are the ones force redoes
    with store.session_scope(sessions) as s:
        enqueue(s, path, options={"force": True}, batch=batch)
    with store.session_scope(sessions) as s:
        job = claim_next(s, worker="w:1", lease_seconds=60.0)
    assert job is not None
    done = run_claimed(sessions, job, processor(sessions, transcriber), worker="w:1")
    assert done.status == "done" and done.result is not None
    return dict(done.result), job_line(done)


def test_a_forced_job_carries_a_correction_and_counts_what_it_cannot(
    sessions: sessionmaker[Session], tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)  # 3 s: the fake hears "word0 word1 word2", one line
    meeting_id = processor(sessions, FakeTranscriber()).process(a).meeting_id or 0
    with store.session_scope(sessions) as s:
        store.correct_utterance(s, meeting_id=meeting_id, index=0, text="Hello brave world")

    same, _ = forced_job(sessions, a, FakeTranscriber(), "again")
    assert same["edits"]["carried"]["line"] == 1
    with store.session_scope(sessions) as s:
        assert store.load_meeting(s, meeting_id=meeting_id).utterances[0].text == "Hello brave world"

    deaf, line = forced_job(sessions, a, FakeTranscriber(drop_after=0.0, deaf_below=100.0), "deaf")
    assert deaf["edits"]["not_carried"]["line"] == 1
    assert "⚠ 1 correction could not be carried onto the new output" in line
    with store.session_scope(sessions) as s:
        (kept,) = store.left_edits(s, meeting_id=meeting_id)
    assert (kept.machine, kept.text) == ("word0 word1 word2", "Hello brave world")
