"""The pipeline's :class:`~minutes.storage.MeetingStore` on SQLAlchemy: one session per call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from minutes import __version__
from minutes.db.engine import session_scope
from minutes.db.meeting_doc import load_meeting
from minutes.db.minutes_repo import save_minutes
from minutes.db.repo import (
    add_recording,
    create_meeting,
    find_recording,
    get_stage,
    meetings_for_recording,
    replace_transcript,
    save_stage,
    set_language,
    set_status,
)
from minutes.db.vectors import replace_chunks
from minutes.storage import ChunkVector, OpenedMeeting, StagePayload
from minutes.types import AudioInfo, Carried, MeetingDoc, Minutes, Speaker, StageRecord, Utterance


class SqlMeetingStore:
    """Meetings in the project's database (SQLite or PostgreSQL), through a session factory."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def open_meeting(self, audio: AudioInfo, *, title: str, meeting_date: datetime | None) -> OpenedMeeting:
        with session_scope(self.sessions) as s:
            rec = find_recording(s, sha256=audio.sha256)
            if rec is None:
                # An imported transcript is no recording: no media path, so nothing offers to play it.
                rec = add_recording(s, audio=audio, media_path=None if audio.imported else audio.path)
            meetings = meetings_for_recording(s, recording_id=rec.id)
            if meetings:
                meeting = meetings[0]
            else:
                meeting = create_meeting(
                    s, recording=rec, title=title, meeting_date=meeting_date, code_version=__version__
                )
            return OpenedMeeting(id=meeting.id, status=meeting.status)

    def stage(self, meeting_id: int, stage: str) -> tuple[StageRecord, StagePayload] | None:
        with session_scope(self.sessions) as s:
            return get_stage(s, meeting_id=meeting_id, stage=stage)

    def save_stage(self, meeting_id: int, *, record: StageRecord, payload: StagePayload) -> None:
        with session_scope(self.sessions) as s:
            save_stage(s, meeting_id=meeting_id, record=record, payload=payload)

    def save_transcript(
        self,
        meeting_id: int,
        *,
        utterances: Sequence[Utterance],
        speakers: Sequence[Speaker],
        embeddings: Mapping[str, tuple[float, ...]],
        language: str | None,
        record: StageRecord,
        payload: StagePayload,
    ) -> Carried:
        with session_scope(self.sessions) as s:
            carried = replace_transcript(
                s, meeting_id=meeting_id, utterances=utterances, speakers=speakers, embeddings=embeddings
            )
            save_stage(s, meeting_id=meeting_id, record=record, payload=payload)
            set_language(s, meeting_id=meeting_id, language=language)
            set_status(s, meeting_id=meeting_id, status="done")
            return carried

    def save_minutes(
        self, meeting_id: int, *, minutes: Minutes, record: StageRecord, payload: StagePayload
    ) -> Carried:
        with session_scope(self.sessions) as s:
            carried = save_minutes(s, meeting_id=meeting_id, minutes=minutes)
            set_status(s, meeting_id=meeting_id, status="done")
            save_stage(s, meeting_id=meeting_id, record=record, payload=payload)
            return carried

    def save_chunks(
        self,
        meeting_id: int,
        *,
        model: str,
        chunks: Sequence[ChunkVector],
        record: StageRecord,
        payload: StagePayload,
    ) -> None:
        with session_scope(self.sessions) as s:
            replace_chunks(s, meeting_id=meeting_id, model=model, chunks=chunks)
            save_stage(s, meeting_id=meeting_id, record=record, payload=payload)

    def set_status(self, meeting_id: int, status: str, *, error: str | None = None) -> None:
        with session_scope(self.sessions) as s:
            set_status(s, meeting_id=meeting_id, status=status, error=error)

    def load_meeting(self, meeting_id: int) -> MeetingDoc:
        with session_scope(self.sessions) as s:
            return load_meeting(s, meeting_id=meeting_id)
