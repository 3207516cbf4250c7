"""Read queries for one meeting: its page (without word timings) and the API's transcript.

:func:`load_meeting_view` takes a ``visible`` condition on :class:`~minutes.db.tables.Meeting`
rows from :func:`minutes.accounts.access.visible_clause`, so a meeting the user may not see is
not found; :func:`transcript_json` reads a meeting the caller has already checked. The view
leaves out word timings (the bulk of a long meeting's data): the page needs utterances only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from minutes.analytics import SpeakerStats, meeting_stats
from minutes.coverage import LOW_COVERAGE
from minutes.db.accounts import Team
from minutes.db.kept_edits import left_edits
from minutes.db.meeting_doc import stage_notes
from minutes.db.names import speaker_names
from minutes.db.tables import (
    ChapterRow,
    Meeting,
    MinuteItemRow,
    MinutesRow,
    Recording,
    SpeakerRow,
    UtteranceRow,
)
from minutes.errors import NotFoundError
from minutes.export import talk_times
from minutes.payloads import summary_check_from_options
from minutes.types import (
    AudioInfo,
    LeftEdit,
    MeetingDoc,
    NameSuggestion,
    Speaker,
    SummaryCheck,
    Utterance,
    imported_format,
)

SPEAKER_COLOURS = 10
"""Speakers are coloured ``spk-0`` ... ``spk-9`` (CSS classes), in order of first appearance."""


@dataclass(frozen=True, slots=True)
class SpeakerView:
    label: str
    name: str
    renamed: bool
    talk_time: float
    share: float  # 0..1 of all talk time
    colour: int
    stats: SpeakerStats | None = None  # turns, interruptions, words per minute... (minutes.analytics)
    by_voice: bool = False  # the name came from a remembered voice (minutes.voices)
    suggestions: tuple[NameSuggestion, ...] = ()  # names it may have (voice, conversation)


@dataclass(frozen=True, slots=True)
class Turn:
    """Consecutive utterances of one speaker."""

    speaker: str
    lines: tuple[Utterance, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the speaker timeline (utterances of one speaker less than a gap apart)."""

    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Evidence:
    index: int
    start: float | None  # None: the cited utterance is not in the transcript


@dataclass(frozen=True, slots=True)
class ItemView:
    position: int
    kind: str
    text: str
    evidence: tuple[Evidence, ...]
    supported: bool
    owner: str | None
    owner_name: str | None
    due: date | None
    due_text: str | None
    done: bool


@dataclass(frozen=True, slots=True)
class ChapterView:
    start: float
    end: float
    title: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: int
    title: str
    status: str
    error: str | None
    date: datetime
    duration: float
    language: str | None
    team_id: int | None
    team: str | None
    media_name: str
    has_media: bool
    imported: str | None  # the transcript format of an imported meeting (it has no recording)
    speakers: tuple[SpeakerView, ...]
    utterances: tuple[Utterance, ...]
    summary: tuple[str, ...] | None  # paragraphs; None: no minutes
    items: tuple[ItemView, ...]
    chapters: tuple[ChapterView, ...]
    summary_check: SummaryCheck | None = None  # what the check removed or fixed; None: not recorded
    speech_coverage: float | None = None  # share of the speech with words; None: not measured
    left_edits: tuple[LeftEdit, ...] = ()  # a person's edits re-runs could not carry (kept, listed)
    warnings: tuple[str, ...] = ()  # about the recording: cut short, damaged (minutes.truncation)

    @property
    def span(self) -> float:
        """Seconds the timeline covers: the recording, or up to the last line if that ends later."""
        return max(self.duration, max((u.end for u in self.utterances), default=0.0), 1.0)

    @property
    def coverage_low(self) -> bool:
        """Whether so little of the speech has words that the page warns about it."""
        return self.speech_coverage is not None and self.speech_coverage < LOW_COVERAGE

    def speaker(self, label: str) -> SpeakerView | None:
        return next((s for s in self.speakers if s.label == label), None)

    def of_kind(self, kind: str) -> list[ItemView]:
        return [i for i in self.items if i.kind == kind]

    @property
    def turns(self) -> list[Turn]:
        groups: list[tuple[str, list[Utterance]]] = []
        for u in self.utterances:
            if groups and groups[-1][0] == u.speaker:
                groups[-1][1].append(u)
            else:
                groups.append((u.speaker, [u]))
        return [Turn(speaker, tuple(lines)) for speaker, lines in groups]

    def timeline(self, gap: float = 2.0) -> dict[str, list[Segment]]:
        """Per speaker label, the stretches they speak, merged across pauses shorter than ``gap``."""
        out: dict[str, list[Segment]] = {}
        for u in self.utterances:
            segments = out.setdefault(u.speaker, [])
            if segments and u.start - segments[-1].end < gap:
                segments[-1] = Segment(segments[-1].start, max(segments[-1].end, u.end))
            else:
                segments.append(Segment(u.start, u.end))
        return out


def _lines(meeting_id: int, *extra: Any) -> Select[Any]:
    """A meeting's transcript lines in time order: their columns (not ORM objects), plus ``extra``."""
    return (
        select(
            UtteranceRow.idx,
            UtteranceRow.speaker_label,
            UtteranceRow.start,
            UtteranceRow.end,
            UtteranceRow.text,
            UtteranceRow.overlap,
            *extra,
        )
        .where(UtteranceRow.meeting_id == meeting_id)
        .order_by(UtteranceRow.start, UtteranceRow.idx)
    )


def load_meeting_view(session: Session, meeting_id: int, *, visible: ColumnElement[bool]) -> MeetingView:
    """A meeting for its page, in nine queries; :class:`NotFoundError` if ``visible`` excludes it."""
    head = session.execute(
        select(Meeting, Recording, Team.name)
        .join(Recording, Recording.id == Meeting.recording_id)
        .outerjoin(Team, Team.id == Meeting.team_id)
        .where(Meeting.id == meeting_id, visible)
    ).one_or_none()
    if head is None:
        raise NotFoundError(f"no meeting with id {meeting_id}")
    meeting, recording, team = head.tuple()
    speakers = session.execute(
        select(SpeakerRow.label, SpeakerRow.name, SpeakerRow.talk_time)
        .where(SpeakerRow.meeting_id == meeting_id)
        .order_by(SpeakerRow.label)
    ).all()
    utterances = tuple(
        Utterance(
            index=r.idx, speaker=r.speaker_label, start=r.start, end=r.end, text=r.text, overlap=r.overlap
        )
        for r in session.execute(_lines(meeting_id))
    )
    minutes_row = session.execute(
        select(MinutesRow.summary, MinutesRow.options).where(MinutesRow.meeting_id == meeting_id)
    ).one_or_none()
    summary = minutes_row.summary if minutes_row is not None else None
    check = summary_check_from_options(minutes_row.options) if minutes_row is not None else None
    items = list(
        session.scalars(
            select(MinuteItemRow)
            .where(MinuteItemRow.meeting_id == meeting_id)
            .order_by(MinuteItemRow.position)
        )
    )
    chapters = list(
        session.scalars(
            select(ChapterRow).where(ChapterRow.meeting_id == meeting_id).order_by(ChapterRow.position)
        )
    )
    names = {label: name for label, name, _ in speakers}
    voiced, suggested = speaker_names(session, meeting_id, utterances, names)
    plain = [Speaker(label=label, name=name, talk_time=t) for label, name, t in speakers]
    figures = {f.label: f for f in meeting_stats(utterances, plain)}
    speaker_views = tuple(
        replace(
            v,
            stats=figures.get(v.label),
            by_voice=v.label in voiced,
            suggestions=tuple(suggested.get(v.label, ())),
        )
        for v in _speaker_views(utterances, plain)
    )
    starts = {u.index: u.start for u in utterances}
    notes = stage_notes(session, meeting_id)

    def evidence(indexes: list[int]) -> tuple[Evidence, ...]:
        return tuple(Evidence(i, starts.get(i)) for i in indexes)

    return MeetingView(
        id=meeting.id,
        title=meeting.title,
        status=meeting.status,
        error=meeting.error,
        date=meeting.meeting_date or meeting.created_at,
        duration=recording.duration,
        language=meeting.language,
        team_id=meeting.team_id,
        team=team,
        media_name=recording.original_name,
        has_media=bool(recording.media_path),
        imported=imported_format(recording.format),
        speakers=speaker_views,
        utterances=utterances,
        summary=tuple(p.strip() for p in summary.split("\n\n") if p.strip()) if summary is not None else None,
        summary_check=check,
        speech_coverage=notes.speech_coverage,
        left_edits=left_edits(session, meeting_id=meeting_id),
        warnings=notes.warnings,
        items=tuple(
            ItemView(
                position=i.position,
                kind=i.kind,
                text=i.text,
                evidence=evidence(i.evidence),
                supported=i.supported,
                owner=i.owner,
                owner_name=(names.get(i.owner) or i.owner) if i.owner else None,
                due=i.due,
                due_text=i.due_text,
                done=i.done,
            )
            for i in items
        ),
        chapters=tuple(ChapterView(c.start, c.end, c.title, evidence(c.evidence)) for c in chapters),
    )


def media_path(session: Session, meeting_id: int) -> str | None:
    """Where the server keeps a meeting's recording, if it keeps one. The caller checks access first."""
    query = select(Recording.media_path).join(Meeting, Meeting.recording_id == Recording.id)
    return session.scalar(query.where(Meeting.id == meeting_id))


def _speaker_views(utterances: tuple[Utterance, ...], speakers: list[Speaker]) -> tuple[SpeakerView, ...]:
    """Speakers with talk time and share (as the exports compute them), coloured by first appearance."""
    doc = MeetingDoc(
        id=0,
        title="",
        status="done",
        created_at="",
        audio=AudioInfo(path="", sha256="", duration=0.0, sample_rate=0, channels=0),
        speakers=tuple(speakers),
        utterances=utterances,
    )
    times = talk_times(doc)
    total = sum(t for _, t in times) or 1.0
    order = list(dict.fromkeys([u.speaker for u in utterances] + [label for label, _ in times]))
    names = {s.label: s.name for s in speakers}
    return tuple(
        SpeakerView(
            label=label,
            name=names.get(label) or label,
            renamed=bool(names.get(label)),
            talk_time=seconds,
            share=seconds / total,
            colour=order.index(label) % SPEAKER_COLOURS,
        )
        for label, seconds in times
    )


def transcript_json(session: Session, meeting_id: int, *, words: bool) -> list[dict[str, Any]]:
    """A meeting's transcript as the API's plain JSON objects (``schemas.Transcript``'s lines).

    Built from the stored columns and word lists without any intermediate objects: a 2-hour
    meeting has ~20,000 words, and making a ``Word`` per word and then a dict of it took most of
    the API's time. The caller checks access first."""
    names = {
        label: name or label
        for label, name in session.execute(
            select(SpeakerRow.label, SpeakerRow.name).where(SpeakerRow.meeting_id == meeting_id)
        )
    }
    rows = session.execute(_lines(meeting_id, UtteranceRow.words) if words else _lines(meeting_id))
    return [
        {
            "index": r.idx,
            "speaker": r.speaker_label,
            "speaker_name": names.get(r.speaker_label, r.speaker_label),
            "start": r.start,
            "end": r.end,
            "text": r.text,
            "overlap": r.overlap,
            # Stored as [start, end, text, probability] lists (see UtteranceRow.words).
            "words": [{"start": s, "end": e, "text": t, "probability": p} for s, e, t, p in r.words]
            if words
            else None,
        }
        for r in rows
    ]
