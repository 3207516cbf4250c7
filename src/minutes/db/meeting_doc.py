"""Reading meetings back: the list of stored meetings, and one meeting as a :class:`MeetingDoc`
(with its word timings and speaker turns only when asked; speech coverage and the recording's
warnings from their stages)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer, selectinload

from minutes.db.names import speaker_names
from minutes.db.repo import stage_record
from minutes.db.tables import (
    Meeting,
    Recording,
    SpeakerRow,
    StageRun,
    UtteranceRow,
)
from minutes.errors import NotFoundError
from minutes.payloads import diarization_from_dict
from minutes.types import (
    AudioInfo,
    Chapter,
    MeetingDoc,
    MinuteItem,
    Minutes,
    ModelRef,
    Speaker,
    SpeakerTurn,
    Utterance,
    Word,
)


@dataclass(frozen=True, slots=True)
class MeetingSummary:
    """One line of ``minutes list``."""

    id: int
    title: str
    status: str
    created_at: str
    duration: float
    language: str | None
    speakers: int
    utterances: int
    sha256: str


def _summaries_query() -> Select[Any]:
    speaker_counts = (
        select(SpeakerRow.meeting_id, func.count().label("n"))
        .group_by(SpeakerRow.meeting_id)
        .subquery("speaker_counts")
    )
    utterance_counts = (
        select(UtteranceRow.meeting_id, func.count().label("n"))
        .group_by(UtteranceRow.meeting_id)
        .subquery("utterance_counts")
    )
    return (
        select(
            Meeting.id,
            Meeting.title,
            Meeting.status,
            Meeting.created_at,
            Recording.duration,
            Meeting.language,
            func.coalesce(speaker_counts.c.n, 0),
            func.coalesce(utterance_counts.c.n, 0),
            Recording.sha256,
        )
        .join(Recording, Meeting.recording_id == Recording.id)
        .outerjoin(speaker_counts, speaker_counts.c.meeting_id == Meeting.id)
        .outerjoin(utterance_counts, utterance_counts.c.meeting_id == Meeting.id)
        .order_by(Meeting.created_at.desc(), Meeting.id.desc())
    )


def list_meetings(session: Session, *, limit: int | None = None) -> list[MeetingSummary]:
    """All meetings, newest first, with their speaker and utterance counts (one query)."""
    query = _summaries_query()
    if limit is not None:
        query = query.limit(limit)
    return [
        MeetingSummary(
            id=mid,
            title=title,
            status=status,
            created_at=created_at.isoformat(),
            duration=duration,
            language=language,
            speakers=int(n_speakers),
            utterances=int(n_utterances),
            sha256=sha256,
        )
        for mid, title, status, created_at, duration, language, n_speakers, n_utterances, sha256 in (
            session.execute(query)
        )
    ]


def load_meeting(session: Session, *, meeting_id: int, words: bool = True, turns: bool = False) -> MeetingDoc:
    """Everything stored about one meeting, as a :class:`~minutes.types.MeetingDoc`.

    ``words=False`` leaves out the word timings (every utterance gets ``words=()``): they are
    most of a transcript's stored size and decoding them dominates loading a long meeting, and
    most readers (Markdown, text, RTTM) never look at them. ``turns=True`` adds the diarization's
    speaker turns (``MeetingDoc.turns``, read from the stored diarize stage), which RTTM is made from.
    """
    utterances = selectinload(Meeting.utterances)
    query = (
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.recording),
            selectinload(Meeting.speakers),
            utterances if words else utterances.options(defer(UtteranceRow.words)),
            # Not the stage results: the transcription's alone repeats every word of the meeting.
            selectinload(Meeting.stages).options(defer(StageRun.payload)),
            selectinload(Meeting.minutes),
            selectinload(Meeting.minute_items),
            selectinload(Meeting.chapters),
        )
        .execution_options(populate_existing=True)
    )
    meeting = session.scalars(query).one_or_none()
    if meeting is None:
        raise NotFoundError(f"no meeting with id {meeting_id}; `minutes list` shows the ids")
    doc, notes = _meeting_doc(meeting, words=words), stage_notes(session, meeting_id)
    doc = replace(
        doc,
        audio=replace(doc.audio, warnings=notes.warnings),
        speech_coverage=notes.speech_coverage,
        speakers=_with_names(session, doc),
    )
    return replace(doc, turns=speaker_turns(session, meeting_id=meeting_id)) if turns else doc


def _with_names(session: Session, doc: MeetingDoc) -> tuple[Speaker, ...]:
    """Each speaker with where its name came from and the names it may have."""
    voiced, suggestions = speaker_names(
        session, doc.id, doc.utterances, {s.label: s.name for s in doc.speakers}
    )
    return tuple(
        replace(
            s,
            name_source=("voice" if s.label in voiced else "manual") if s.name else None,
            suggestions=tuple(suggestions.get(s.label, ())),
        )
        for s in doc.speakers
    )


@dataclass(frozen=True, slots=True)
class StageNotes:
    """What a reader is told about a meeting's transcript, from its stored stages (one query)."""

    speech_coverage: float | None  # share of the diarized speech with words (``recover``); None: not measured
    warnings: tuple[
        str, ...
    ]  # about the recording: cut short, damaged (``ingest``); () if none or not recorded


def stage_notes(session: Session, meeting_id: int) -> StageNotes:
    """The speech coverage (:mod:`minutes.pipeline.recover`) and the recording's warnings
    (:mod:`minutes.truncation`) of a meeting; empty for one processed before they existed."""
    query = select(StageRun.stage, StageRun.payload).where(
        StageRun.meeting_id == meeting_id, StageRun.stage.in_(("recover", "ingest"))
    )
    payloads: dict[str, Any] = {stage: payload or {} for stage, payload in session.execute(query)}
    share = payloads.get("recover", {}).get("coverage", {}).get("share")
    warnings = tuple(str(w) for w in payloads.get("ingest", {}).get("warnings", ()))
    return StageNotes(None if share is None else float(share), warnings)


def speech_coverage(session: Session, meeting_id: int) -> float | None:
    """Share of the meeting's diarized speech that has words, from its stored ``recover`` stage
    (:mod:`minutes.pipeline.recover`); ``None`` for a meeting processed before it existed."""
    return stage_notes(session, meeting_id).speech_coverage


def speaker_turns(session: Session, *, meeting_id: int) -> tuple[SpeakerTurn, ...]:
    """The diarization's speaker turns of a meeting, in time order; ``()`` if it was never diarized."""
    query = select(StageRun.payload).where(StageRun.meeting_id == meeting_id, StageRun.stage == "diarize")
    payload = session.scalars(query).one_or_none()
    if not payload:
        return ()
    return tuple(sorted(diarization_from_dict(payload).turns, key=lambda t: (t.start, t.end, t.speaker)))


def _meeting_doc(meeting: Meeting, *, words: bool = True) -> MeetingDoc:
    rec = meeting.recording
    return MeetingDoc(
        id=meeting.id,
        title=meeting.title,
        status=meeting.status,
        created_at=meeting.created_at.isoformat(),
        audio=AudioInfo(
            path=rec.media_path or rec.original_name,
            sha256=rec.sha256,
            duration=rec.duration,
            sample_rate=rec.sample_rate,
            channels=rec.channels,
            codec=rec.codec,
            format=rec.format,
        ),
        language=meeting.language,
        meeting_date=meeting.meeting_date.isoformat() if meeting.meeting_date else None,
        speakers=tuple(Speaker(label=s.label, name=s.name, talk_time=s.talk_time) for s in meeting.speakers),
        utterances=tuple(_utterance(u, words=words) for u in meeting.utterances),
        stages=tuple(stage_record(s) for s in meeting.stages),
        error=meeting.error,
        minutes=_minutes(meeting),
    )


def _minutes(meeting: Meeting) -> Minutes | None:
    row = meeting.minutes
    if row is None:
        return None
    return Minutes(
        summary=row.summary,
        items=tuple(
            MinuteItem(
                kind=i.kind,
                text=i.text,
                evidence=tuple(i.evidence),
                supported=i.supported,
                owner=i.owner,
                due=i.due.isoformat() if i.due else None,
                due_text=i.due_text,
                done=i.done,
            )
            for i in meeting.minute_items
        ),
        chapters=tuple(
            Chapter(start=c.start, end=c.end, title=c.title, evidence=tuple(c.evidence))
            for c in meeting.chapters
        ),
        language=row.language,
        model=ModelRef(**row.model) if row.model else None,
        prompt_version=row.prompt_version,
        options=dict(row.options),
    )


def _utterance(row: UtteranceRow, *, words: bool = True) -> Utterance:
    return Utterance(
        index=row.idx,
        speaker=row.speaker_label,
        start=row.start,
        end=row.end,
        text=row.text,
        words=tuple(Word(start=w[0], end=w[1], text=w[2], probability=w[3]) for w in row.words)
        if words
        else (),
        overlap=row.overlap,
    )
