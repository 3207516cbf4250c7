"""The default minutes model (Qwen2.5-1.5B, llama.cpp) on a meeting the test generates:
speech synthesis → transcription → diarization → minutes. Owners, due dates and decisions are
known from the script; nothing else may appear as an action item."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from minutes import db as store
from minutes.asr import WhisperTranscriber
from minutes.db.meeting_store import SqlMeetingStore
from minutes.demo import make_meeting
from minutes.diarize import PyannoteDiarizer
from minutes.export import render
from minutes.factory import build_summarizer, open_store
from minutes.payloads import summary_check_from_options
from minutes.pipeline import MeetingProcessor
from minutes.settings import load_preset
from minutes.summarize.summarizer import Summarizer
from tests.models.util import person_labels

pytestmark = pytest.mark.models

WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def summarizer() -> Iterator[Summarizer]:
    s = build_summarizer(load_preset("cpu-fast"), threads=2)
    yield s
    s.llm.close()


def test_generated_meeting_minutes_have_the_right_owners_dates_and_decision(
    tiny: WhisperTranscriber,
    diarizer: PyannoteDiarizer,
    summarizer: Summarizer,
    tmp_path: Path,
    report: list[str],
) -> None:
    audio = tmp_path / "planning.wav"
    timeline = make_meeting(audio)
    p = MeetingProcessor(
        transcriber=tiny, diarizer=diarizer, store=SqlMeetingStore(open_store()), summarizer=summarizer
    )
    result = p.process(audio, title="Launch planning", meeting_date=WEDNESDAY)
    with store.session_scope(p.store.sessions) as s:
        doc = store.load_meeting(s, meeting_id=result.meeting_id or 0)
    assert doc.minutes is not None
    labels = person_labels(doc, timeline)
    actions = {a.owner: a for a in doc.minutes.of_kind("action")}
    report.append("generated meeting minutes:\n" + render(doc, "txt").split("TRANSCRIPT")[0])

    # Bob: "I will fix the payment bug by Friday."  Carol: "... support team by next Tuesday."
    assert set(actions) == {labels["Bob"], labels["Carol"]}, actions
    bob, carol = actions[labels["Bob"]], actions[labels["Carol"]]
    assert "payment" in bob.text.lower() and bob.due == "2026-11-20" and bob.due_text
    assert "guide" in carol.text.lower() and carol.due == "2026-11-24"
    decisions = doc.minutes.of_kind("decision")
    assert any("launch" in d.text.lower() and "march" in d.text.lower() for d in decisions), decisions
    assert all(item.supported for item in doc.minutes.items), doc.minutes.items
    assert all(item.evidence for item in doc.minutes.items)
    assert doc.minutes.summary and doc.minutes.chapters
    # The summary prose was checked against the meeting; what it took out is recorded.
    check = summary_check_from_options(doc.minutes.options)
    assert check is not None and check.sentences >= 1 and check.skipped is None, doc.minutes.options
    report.append(f"summary check: {check.note() or 'all sentences kept'}; removed: {check.removed}")
    assert doc.minutes.model is not None and doc.minutes.model.name == "qwen2.5-1.5b"
