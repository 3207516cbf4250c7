"""Search tests run on SQLite and on the real PostgreSQL server, a fresh schema per test (as tests/db)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from minutes.db import add_recording, create_meeting, rename_speaker, replace_transcript
from minutes.types import AudioInfo, Speaker, Utterance
from tests.db.conftest import engine, factory, migrated, session

__all__ = ["add_meeting", "engine", "factory", "migrated", "session"]


def add_meeting(
    session: Session,
    title: str,
    lines: Sequence[tuple[str, str]],
    *,
    date: datetime | None = None,
    names: dict[str, str] | None = None,
) -> int:
    """Store a meeting whose transcript is ``lines`` of (speaker label, text), 5 s apart."""
    digest = hashlib.sha256(f"{title}|{date}|{lines}".encode()).hexdigest()
    audio = AudioInfo(
        path=f"/r/{title}.wav", sha256=digest, duration=5.0 * len(lines), sample_rate=16000, channels=1
    )
    recording = add_recording(session, audio=audio, media_path=None)
    meeting = create_meeting(session, recording=recording, title=title, meeting_date=date, code_version="t")
    labels = sorted({label for label, _ in lines})
    replace_transcript(
        session,
        meeting_id=meeting.id,
        utterances=[
            Utterance(index=i, speaker=label, start=5.0 * i, end=5.0 * i + 4.0, text=text)
            for i, (label, text) in enumerate(lines)
        ],
        speakers=[Speaker(label=label) for label in labels],
        embeddings={},
    )
    for label, name in (names or {}).items():
        rename_speaker(session, meeting_id=meeting.id, label=label, name=name)
    return meeting.id
