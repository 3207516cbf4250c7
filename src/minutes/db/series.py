"""Meeting series in the store: create, find, put a meeting in one, list, and suggest.

Every change of a series' meetings re-links its ledger (:func:`minutes.db.ledger_rows.relink`) in
the same transaction. Suggestions are worked out when asked for: a meeting without a series is
suggested for a series whose meetings have the same title once dates and numbers are taken out,
or share its team and most of its named speakers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, true
from sqlalchemy.orm import Session

from minutes.controls import refuse_controls
from minutes.db.people import name_key
from minutes.db.repo import meeting_row
from minutes.db.series_tables import SeriesMeetingRow, SeriesRow
from minutes.db.tables import Meeting, SpeakerRow
from minutes.errors import ConfigError, InvalidValue, NotFoundError

NAME_LIMIT = 256
PARTICIPANTS_SHARED = 0.6
"""Share of a meeting's named speakers that must have spoken in a series (same team) to suggest it."""

_TITLE_NOISE = re.compile(
    r"\b(\d+(?:st|nd|rd|th)?|week|wk|no|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|"
    r"oct\w*|nov\w*|dec\w*|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*)\b|[#().,:/_-]+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """A series with what a list shows: its meetings (those the reader may see) and the last date."""

    id: int
    name: str
    team_id: int | None
    meetings: int
    last: datetime | None


@dataclass(frozen=True, slots=True)
class SeriesSuggestion:
    """A series a meeting probably belongs to, and why."""

    series_id: int
    name: str
    reason: str


def title_key(title: str) -> str:
    """A meeting title without dates, numbers and punctuation, folded: "Weekly sync #12 (3 Mar)"
    and "weekly sync 13" give the same key."""
    return " ".join(_TITLE_NOISE.sub(" ", title).split()).casefold()


def check_name(name: str) -> str:
    """A series name, trimmed; refuses an empty one, one too long, or control characters."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidValue("a series needs a name; give one, e.g. 'Weekly sync'")
    if len(cleaned) > NAME_LIMIT:
        raise InvalidValue(f"a series name has at most {NAME_LIMIT} characters; this one has {len(cleaned)}")
    refuse_controls(cleaned, what="series name")
    return cleaned


def find_series(session: Session, name_or_id: str | int) -> SeriesRow | None:
    text = str(name_or_id).strip()
    row = session.scalar(select(SeriesRow).where(SeriesRow.name_key == name_key(text)))
    if row is None and text.isascii() and text.isdigit() and len(text) < 10:
        row = session.get(SeriesRow, int(text))
    return row


def get_series(session: Session, name_or_id: str | int) -> SeriesRow:
    """A series by name (case and spacing ignored) or id; else :class:`NotFoundError` naming the fix."""
    row = find_series(session, name_or_id)
    if row is None:
        raise NotFoundError(f"no series {str(name_or_id)!r}; `minutes series list` shows them")
    return row


def create_series(session: Session, name: str, *, team_id: int | None, by: str) -> SeriesRow:
    """A new series; :class:`ConfigError` when the name is taken."""
    cleaned = check_name(name)
    if find_series(session, cleaned) is not None:
        raise ConfigError(f"a series named {cleaned!r} exists already; add meetings to it instead")
    row = SeriesRow(name=cleaned, name_key=name_key(cleaned), team_id=team_id, created_by=by)
    session.add(row)
    session.flush()
    return row


def ensure_series(session: Session, name: str, *, team_id: int | None, by: str) -> SeriesRow:
    """The series of that name, made when there is none (``--series NAME``)."""
    return find_series(session, check_name(name)) or create_series(session, name, team_id=team_id, by=by)


def series_of(session: Session, meeting_id: int) -> SeriesRow | None:
    return session.scalar(
        select(SeriesRow).join(SeriesMeetingRow).where(SeriesMeetingRow.meeting_id == meeting_id)
    )


def set_series(session: Session, meeting_id: int, series: SeriesRow | None, *, by: str) -> None:
    """Put a meeting in ``series`` (``None``: take it out of its series); both ledgers re-linked."""
    from minutes.db.ledger_rows import relink

    meeting_row(session, meeting_id)
    before = series_of(session, meeting_id)
    if before is not None and series is not None and before.id == series.id:
        return
    session.execute(delete(SeriesMeetingRow).where(SeriesMeetingRow.meeting_id == meeting_id))
    if series is not None:
        session.add(SeriesMeetingRow(meeting_id=meeting_id, series_id=series.id, added_by=by))
    session.flush()
    for changed in (before, series):
        if changed is not None:
            relink(session, changed.id)


def delete_series(session: Session, series: SeriesRow) -> None:
    """Remove a series, its memberships and links; its meetings stay."""
    session.delete(series)
    session.flush()


def list_series(session: Session, visible: ColumnElement[bool] | None = None) -> list[SeriesInfo]:
    """Every series with at least one meeting the reader may see (``visible``: a condition on
    meetings; ``None``: all), newest meeting first."""
    last = func.max(func.coalesce(Meeting.meeting_date, Meeting.created_at))
    query = (
        select(SeriesRow.id, SeriesRow.name, SeriesRow.team_id, func.count(Meeting.id), last)
        .join(SeriesMeetingRow, SeriesMeetingRow.series_id == SeriesRow.id)
        .join(Meeting, Meeting.id == SeriesMeetingRow.meeting_id)
        .where(visible if visible is not None else true())
        .group_by(SeriesRow.id, SeriesRow.name, SeriesRow.team_id)
        .order_by(last.desc(), SeriesRow.id)
    )
    return [SeriesInfo(*row) for row in session.execute(query)]


def series_meeting_ids(
    session: Session, series_id: int, visible: ColumnElement[bool] | None = None
) -> list[int]:
    """The ids of a series' meetings (those the reader may see), in date order."""
    query = (
        select(Meeting.id)
        .join(SeriesMeetingRow, SeriesMeetingRow.meeting_id == Meeting.id)
        .where(SeriesMeetingRow.series_id == series_id, visible if visible is not None else true())
        .order_by(func.coalesce(Meeting.meeting_date, Meeting.created_at), Meeting.id)
    )
    return list(session.scalars(query))


def suggest_series(session: Session, meeting_id: int) -> list[SeriesSuggestion]:
    """Series that a meeting without one probably belongs to, best first (empty when it has one).

    Three queries whatever the archive holds: the meeting, every series' meetings (title, team),
    and the named speakers of this meeting and of its team's series meetings.
    """
    meeting = meeting_row(session, meeting_id)
    rows = session.execute(
        select(SeriesRow.id, SeriesRow.name, Meeting.id, Meeting.title, Meeting.team_id)
        .join(SeriesMeetingRow, SeriesMeetingRow.series_id == SeriesRow.id)
        .join(Meeting, Meeting.id == SeriesMeetingRow.meeting_id)
        .order_by(SeriesRow.id, Meeting.id)
    ).all()
    if any(mid == meeting_id for _, _, mid, _, _ in rows):
        return []
    key = title_key(meeting.title)
    out: list[SeriesSuggestion] = []
    seen: set[int] = set()
    for sid, name, _, title, _ in rows:
        if sid not in seen and key and title_key(title) == key:
            seen.add(sid)
            out.append(SeriesSuggestion(sid, name, f"same title as its meetings ({title!r})"))
    if meeting.team_id is None:
        return out
    team = {mid: sid for sid, _, mid, _, team_id in rows if team_id == meeting.team_id and sid not in seen}
    spoke = _named_speakers(session, [meeting_id, *team])
    mine = spoke.pop(meeting_id, set())
    theirs: dict[int, set[str]] = {}
    for mid, people in spoke.items():
        theirs.setdefault(team[mid], set()).update(people)
    names = {sid: name for sid, name, _, _, _ in rows}
    for sid, people in theirs.items():
        if mine and len(mine & people) / len(mine) >= PARTICIPANTS_SHARED:
            out.append(SeriesSuggestion(sid, names[sid], f"same team, {len(mine & people)} of its people"))
    return out


def _named_speakers(session: Session, meeting_ids: Sequence[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    query = select(SpeakerRow.meeting_id, SpeakerRow.name).where(
        SpeakerRow.meeting_id.in_(meeting_ids), SpeakerRow.name.is_not(None)
    )
    for mid, name in session.execute(query):
        out.setdefault(mid, set()).add(name_key(name))
    return out
