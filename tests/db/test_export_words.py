"""Exports read from a document loaded without word timings when their format does not use them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from minutes.db import add_recording, create_meeting, load_meeting, replace_transcript
from minutes.db.minutes_repo import save_minutes
from minutes.export import FORMATS, needs_words, render
from minutes.types import AudioInfo, MinuteItem, Minutes, Speaker, Utterance, Word

LONG = (
    "So the plan is that we move the launch to March, because the vendor needs another six "
    "weeks for the integration work, and then we review the budget again in April with Priya"
)


def _words(text: str, start: float) -> tuple[Word, ...]:
    """Uneven word timings (a pause in the middle), so cues cut at them differ from cues cut by text."""
    out, at = [], start
    for i, word in enumerate(text.split()):
        at += 0.2 if i % 7 else 1.7
        out.append(
            Word(start=at, end=at + 0.15, text=(" " if i else "") + word, probability=0.5 + i % 5 / 10)
        )
    return tuple(out)


def _store(session: Session) -> int:
    audio = AudioInfo(
        path="/r/a.wav", sha256=hashlib.sha256(b"a").hexdigest(), duration=90.0, sample_rate=16000, channels=1
    )
    recording = add_recording(session, audio=audio, media_path=None)
    meeting = create_meeting(
        session,
        recording=recording,
        title="Launch *review* <planning>",
        meeting_date=datetime(2026, 11, 20, 9, tzinfo=UTC),
        code_version="t",
    )
    lines = [
        ("SPEAKER_00", "Good morning, everyone."),
        ("SPEAKER_01", LONG),
        ("SPEAKER_00", "Agreed: March."),
    ]
    utterances, at = [], 0.0
    for i, (label, text) in enumerate(lines):
        words = _words(text, at)
        utterances.append(
            Utterance(index=i, speaker=label, start=at, end=words[-1].end, text=text, words=words)
        )
        at = words[-1].end + 1.0
    replace_transcript(
        session,
        meeting_id=meeting.id,
        utterances=utterances,
        speakers=[Speaker(label="SPEAKER_00", name="Priya Shah"), Speaker(label="SPEAKER_01")],
        embeddings={},
    )
    items = (
        MinuteItem(kind="decision", text="Launch moves to March.", evidence=(1, 2)),
        MinuteItem(kind="action", text="Review the budget in April.", evidence=(1,), owner="SPEAKER_00"),
    )
    save_minutes(session, meeting_id=meeting.id, minutes=Minutes(summary="Launch moved.", items=items))
    session.flush()
    return meeting.id


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_output_is_byte_identical_when_words_are_skipped(session: Session, fmt: str) -> None:
    meeting_id = _store(session)
    full = render(load_meeting(session, meeting_id=meeting_id), fmt).encode()
    lean_doc = load_meeting(session, meeting_id=meeting_id, words=needs_words(fmt))
    assert render(lean_doc, fmt).encode() == full
    if not needs_words(fmt):  # the words really were left out
        assert all(u.words == () for u in lean_doc.utterances)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if needs_words(f)])
def test_formats_said_to_need_words_do_change_without_them(session: Session, fmt: str) -> None:
    meeting_id = _store(session)
    full = render(load_meeting(session, meeting_id=meeting_id), fmt)
    assert render(load_meeting(session, meeting_id=meeting_id, words=False), fmt) != full


def test_loading_with_words_after_without_gives_them_back(session: Session) -> None:
    meeting_id = _store(session)
    load_meeting(session, meeting_id=meeting_id, words=False)
    doc = load_meeting(session, meeting_id=meeting_id)
    assert [len(u.words) for u in doc.utterances] == [len(u.text.split()) for u in doc.utterances]
