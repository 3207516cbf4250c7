"""What the pages and the API read: meeting lists and one meeting, in a fixed number of queries.

Every function takes the principal's :func:`~minutes.web.access.visible_clause` into its SQL, so
the database only ever returns what the user may see. The meeting view leaves out word timings
(the bulk of a long meeting's data): the page needs utterances only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from minutes.db.accounts import Team
from minutes.db.models import (
    ChapterRow,
    Meeting,
    MinuteItemRow,
    MinutesRow,
    Recording,
    SpeakerRow,
    UtteranceRow,
)
from minutes.errors import ConfigError, NotFoundError
from minutes.export._markdown import talk_times
from minutes.payloads import summary_check_from_options
from minutes.summarize.summary_check import SummaryCheck
from minutes.types import AudioInfo, MeetingDoc, Speaker, Utterance
from minutes.web.access import Principal, visible_clause

SORTS: tuple[str, ...] = ("date", "title", "duration", "status", "team")
SPEAKER_COLOURS = 10
"""Speakers are coloured ``spk-0`` ... ``spk-9`` (CSS classes), in order of first appearance."""


def _meeting_date() -> Any:
    """When a meeting took place: its date, else when it was stored."""
    return func.coalesce(Meeting.meeting_date, Meeting.created_at)


@dataclass(frozen=True, slots=True)
class MeetingQuery:
    """Filters and order of the meetings list. Dates are whole days (UTC), both ends included."""

    date_from: date | None = None
    date_to: date | None = None
    team_id: int | None = None
    person: str | None = None
    text: str | None = None
    status: str | None = None
    sort: str = "date"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ConfigError(f"unknown sort {self.sort!r}; choose one of: {', '.join(SORTS)}")


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    title: str
    date: datetime
    duration: float
    status: str
    team_id: int | None
    team: str | None
    participants: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat(),
            "duration": self.duration,
            "status": self.status,
            "team_id": self.team_id,
            "team": self.team,
            "participants": list(self.participants),
        }


@dataclass(frozen=True, slots=True)
class MeetingList:
    total: int
    rows: list[MeetingRow]
    limit: int
    offset: int


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(principal: Principal, q: MeetingQuery) -> Select[Any]:
    query = (
        select(
            Meeting.id,
            Meeting.title,
            _meeting_date().label("date"),
            Recording.duration,
            Meeting.status,
            Meeting.team_id,
            Team.name,
        )
        .join(Recording, Recording.id == Meeting.recording_id)
        .outerjoin(Team, Team.id == Meeting.team_id)
        .where(visible_clause(principal))
    )
    if q.date_from is not None:
        query = query.where(_meeting_date() >= datetime.combine(q.date_from, time(), UTC))
    if q.date_to is not None:
        query = query.where(_meeting_date() < datetime.combine(q.date_to + timedelta(days=1), time(), UTC))
    if q.team_id is not None:
        query = query.where(Meeting.team_id == q.team_id)
    if q.status:
        query = query.where(Meeting.status == q.status)
    if q.text and q.text.strip():
        query = query.where(func.lower(Meeting.title).like(_like(q.text), escape="\\"))
    if q.person and q.person.strip():
        speaks = exists().where(
            SpeakerRow.meeting_id == Meeting.id,
            or_(
                SpeakerRow.label == q.person.strip(),
                func.lower(SpeakerRow.name).like(_like(q.person), escape="\\"),
            ),
        )
        query = query.where(speaks)
    return query


def list_meetings(
    session: Session, principal: Principal, q: MeetingQuery, *, limit: int, offset: int = 0
) -> MeetingList:
    """One page of the meetings ``principal`` may see (three queries whatever the page size)."""
    base = _filtered(principal, q)
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    sort_column: Any = {
        "date": _meeting_date(),
        "title": func.lower(Meeting.title),
        "duration": Recording.duration,
        "status": Meeting.status,
        "team": func.coalesce(Team.name, ""),
    }[q.sort]
    order = sort_column.desc() if q.descending else sort_column.asc()
    tie = Meeting.id.desc() if q.descending else Meeting.id.asc()
    rows = session.execute(base.order_by(order, tie).limit(limit).offset(offset)).all()
    people = participants(session, [r.id for r in rows])
    return MeetingList(
        total=int(total),
        rows=[
            MeetingRow(
                id=r.id,
                title=r.title,
                date=r.date,
                duration=r.duration,
                status=r.status,
                team_id=r.team_id,
                team=r.name,
                participants=people.get(r.id, ()),
            )
            for r in rows
        ],
        limit=limit,
        offset=offset,
    )


def participants(session: Session, meeting_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Speaker names (or labels) per meeting, most talkative first, for a page of meetings."""
    if not meeting_ids:
        return {}
    query = (
        select(SpeakerRow.meeting_id, SpeakerRow.label, SpeakerRow.name)
        .where(SpeakerRow.meeting_id.in_(meeting_ids))
        .order_by(SpeakerRow.meeting_id, SpeakerRow.talk_time.desc(), SpeakerRow.label)
    )
    found: dict[int, list[str]] = {}
    for meeting_id, label, name in session.execute(query):
        found.setdefault(meeting_id, []).append(name or label)
    return {k: tuple(v) for k, v in found.items()}


# One meeting -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeakerView:
    label: str
    name: str
    renamed: bool
    talk_time: float
    share: float  # 0..1 of all talk time
    colour: int


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
    speakers: tuple[SpeakerView, ...]
    utterances: tuple[Utterance, ...]
    summary: tuple[str, ...] | None  # paragraphs; None: no minutes
    items: tuple[ItemView, ...]
    chapters: tuple[ChapterView, ...]
    summary_check: SummaryCheck | None = None  # what the check removed or fixed; None: not recorded

    @property
    def span(self) -> float:
        """Seconds the timeline covers: the recording, or up to the last line if that ends later."""
        return max(self.duration, max((u.end for u in self.utterances), default=0.0), 1.0)

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


def load_meeting_view(session: Session, principal: Principal, meeting_id: int) -> MeetingView:
    """A meeting for its page, in six queries; :class:`NotFoundError` if ``principal`` may not see it."""
    head = session.execute(
        select(Meeting, Recording, Team.name)
        .join(Recording, Recording.id == Meeting.recording_id)
        .outerjoin(Team, Team.id == Meeting.team_id)
        .where(Meeting.id == meeting_id, visible_clause(principal))
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
    speaker_views = _speaker_views(
        utterances, [Speaker(label=label, name=name, talk_time=t) for label, name, t in speakers]
    )
    starts = {u.index: u.start for u in utterances}

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
        speakers=speaker_views,
        utterances=utterances,
        summary=tuple(p.strip() for p in summary.split("\n\n") if p.strip()) if summary is not None else None,
        summary_check=check,
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
