"""What the pipeline needs from storage: stage results in, transcript and minutes out.

:class:`MeetingStore` is the whole conversation between the orchestrator (and the summarize
stage) and the database; :class:`minutes.db.meeting_store.SqlMeetingStore` speaks it to
SQLAlchemy, ``tests.fakes.InMemoryMeetingStore`` keeps it in dictionaries so the orchestrator
is tested without a database. Everything crossing it is one of the plain types of
:mod:`minutes.types`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from minutes.types import AudioInfo, Carried, MeetingDoc, Minutes, Speaker, StageRecord, Utterance

StagePayload = dict[str, Any]  # a stage's stored result, JSON-able (see minutes.payloads)
ChunkVector = tuple[int, int, str, bytes]  # a passage: (first line, last line, its text, float32 embedding)


@dataclass(frozen=True, slots=True)
class OpenedMeeting:
    """The meeting a recording belongs to, as found (or just created) by :meth:`MeetingStore.open_meeting`."""

    id: int
    status: str


class MeetingStore(Protocol):
    """Storage of meetings for the pipeline. Each call is one transaction."""

    def open_meeting(self, audio: AudioInfo, *, title: str, meeting_date: datetime | None) -> OpenedMeeting:
        """The meeting of this recording (by content hash); recording and meeting are created if new."""
        ...

    def stage(self, meeting_id: int, stage: str) -> tuple[StageRecord, StagePayload] | None:
        """A stage's stored record and result, or None if it never finished."""
        ...

    def save_stage(self, meeting_id: int, *, record: StageRecord, payload: StagePayload) -> None:
        """Store (or replace) one stage's result with its provenance and cache key."""
        ...

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
        """Replace the attributed transcript, record its stage and mark the meeting done, all at once:
        a transcript is never stored without its provenance, and a person's corrections and speaker
        names are carried onto it where they fit (the rest kept, see :mod:`minutes.carry`); returns
        what became of them."""
        ...

    def save_minutes(
        self, meeting_id: int, *, minutes: Minutes, record: StageRecord, payload: StagePayload
    ) -> Carried:
        """Replace the minutes, record the summarize stage and mark the meeting done, all at once;
        action items ticked done stay done where they fit. Returns what became of those ticks."""
        ...

    def save_chunks(
        self,
        meeting_id: int,
        *,
        model: str,
        chunks: Sequence[ChunkVector],
        record: StageRecord,
        payload: StagePayload,
    ) -> None:
        """Replace the meeting's passages and their embeddings (by ``model``), and record the index stage."""
        ...

    def set_status(self, meeting_id: int, status: str, *, error: str | None = None) -> None:
        """``processing``, ``done`` or ``failed`` (with the message a user reads)."""
        ...

    def load_meeting(self, meeting_id: int) -> MeetingDoc:
        """Everything stored about the meeting."""
        ...
