"""Read queries for lists of meetings: the meetings page and the API's list, one page at a time.

Every query takes a ``visible`` condition on :class:`~minutes.db.tables.Meeting` rows, which the
caller gets from :func:`minutes.accounts.access.visible_clause`, so the database only ever
returns what the user may see; this module decides nothing about access itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from minutes.db.accounts import Team
from minutes.db.tables import Meeting, Recording, SpeakerRow
from minutes.errors import ConfigError

SORTS: tuple[str, ...] = ("date", "title", "duration", "status", "team")


def meeting_date() -> Any:
    """When a meeting took place: its date, else when it was stored."""
    return func.coalesce(Meeting.meeting_date, Meeting.created_at)


def speaker_matches(person: str) -> ColumnElement[bool]:
    """A condition on :class:`SpeakerRow`: its label is ``person``, or its name contains it (case ignored)."""
    return or_(
        SpeakerRow.label == person.strip(),
        func.lower(SpeakerRow.name).like(_like(person), escape="\\"),
    )


def speaks(person: str) -> ColumnElement[bool]:
    """A condition on :class:`Meeting` rows: ``person`` speaks in it (see :func:`speaker_matches`)."""
    return exists().where(SpeakerRow.meeting_id == Meeting.id, speaker_matches(person))


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


def _filtered(q: MeetingQuery, visible: ColumnElement[bool]) -> Select[Any]:
    query = (
        select(
            Meeting.id,
            Meeting.title,
            meeting_date().label("date"),
            Recording.duration,
            Meeting.status,
            Meeting.team_id,
            Team.name,
        )
        .join(Recording, Recording.id == Meeting.recording_id)
        .outerjoin(Team, Team.id == Meeting.team_id)
        .where(visible)
    )
    if q.date_from is not None:
        query = query.where(meeting_date() >= datetime.combine(q.date_from, time(), UTC))
    if q.date_to is not None:
        query = query.where(meeting_date() < datetime.combine(q.date_to + timedelta(days=1), time(), UTC))
    if q.team_id is not None:
        query = query.where(Meeting.team_id == q.team_id)
    if q.status:
        query = query.where(Meeting.status == q.status)
    if q.text and q.text.strip():
        query = query.where(func.lower(Meeting.title).like(_like(q.text), escape="\\"))
    if q.person and q.person.strip():
        query = query.where(speaks(q.person))
    return query


def find_meetings(
    session: Session, q: MeetingQuery, *, visible: ColumnElement[bool], limit: int, offset: int = 0
) -> MeetingList:
    """One page of the meetings matching ``q`` and ``visible`` (three queries whatever the page size)."""
    base = _filtered(q, visible)
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    sort_column: Any = {
        "date": meeting_date(),
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


def meetings_with_content(session: Session, *, sha256: str) -> list[int]:
    """Ids of the meetings made from the recording with this content hash, oldest first."""
    query = (
        select(Meeting.id)
        .join(Recording, Recording.id == Meeting.recording_id)
        .where(Recording.sha256 == sha256)
        .order_by(Meeting.id)
    )
    return list(session.scalars(query))
