"""People across meetings, by the names their speakers carry: meetings, hours, share of voice,
action items taken and done, week by week. Three queries whatever the archive's size.

A person is every speaker named so (case and spacing ignored), by hand or by a remembered voice;
one person with two labels in a meeting counts once, with both labels' talk. ``visible`` is the
reader's condition on ``meetings`` (:func:`minutes.accounts.access.visible_clause`): nothing
from a meeting they may not see is counted. Nothing commits here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from minutes.db.people import name_key
from minutes.db.tables import Meeting, MinuteItemRow, Recording, SpeakerRow, UTCDateTime
from minutes.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class Attended:
    """One meeting a person spoke in: their talk time and its share of all talk in it."""

    meeting_id: int
    title: str
    when: datetime
    duration: float
    talk_time: float
    share: float


@dataclass(frozen=True, slots=True)
class Commitment:
    """An action item a person owns."""

    meeting_id: int
    position: int
    text: str
    due: date | None
    done: bool


@dataclass(frozen=True, slots=True)
class Week:
    """A person's meetings in one week (``start``: its Monday)."""

    start: date
    meetings: int
    hours: float
    share: float


@dataclass(frozen=True, slots=True)
class PersonFigures:
    """A person over the meetings a reader may see: ``share`` is their talk over all talk in them."""

    name: str
    meetings: int
    hours: float
    talk_time: float
    share: float
    actions: int
    done: int


@dataclass(frozen=True, slots=True)
class PersonStats:
    figures: PersonFigures
    attended: tuple[Attended, ...]  # newest first
    commitments: tuple[Commitment, ...]  # open first, then by due date
    weeks: tuple[Week, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class _Spoke:
    meeting_id: int
    labels: frozenset[str]
    name: str
    talk: float
    title: str
    when: datetime
    duration: float


def _spoke(
    session: Session, visible: ColumnElement[bool], since: date | None, team_id: int | None, name: str | None
) -> list[_Spoke]:
    q = (
        select(
            SpeakerRow.meeting_id,
            SpeakerRow.label,
            SpeakerRow.name,
            SpeakerRow.talk_time,
            Meeting.title,
            func.coalesce(Meeting.meeting_date, Meeting.created_at, type_=UTCDateTime),
            Recording.duration,
        )
        .join(Meeting, Meeting.id == SpeakerRow.meeting_id)
        .join(Recording, Recording.id == Meeting.recording_id)
        .where(SpeakerRow.name.is_not(None), visible)
    )
    if team_id is not None:
        q = q.where(Meeting.team_id == team_id)
    # One person's name is matched here, not in SQL: SQLite's lower() folds only ASCII ("Émile").
    grouped: dict[tuple[int, str], list[tuple[str, str, float, str, datetime, float]]] = defaultdict(list)
    for meeting_id, label, who, talk, title, when, duration in session.execute(q):
        if not who or (name is not None and name_key(who) != name_key(name)):
            continue
        if since is not None and when.date() < since:
            continue
        grouped[(meeting_id, name_key(who))].append(
            (label, who, float(talk or 0.0), title, when, float(duration))
        )
    return [
        _Spoke(
            mid,
            frozenset(r[0] for r in rows),
            rows[0][1],
            sum(r[2] for r in rows),
            rows[0][3],
            rows[0][4],
            rows[0][5],
        )
        for (mid, _), rows in grouped.items()
    ]


def _totals(session: Session, meeting_ids: Iterable[int]) -> dict[int, float]:
    ids = sorted(set(meeting_ids))
    if not ids:
        return {}
    q = select(SpeakerRow.meeting_id, func.sum(SpeakerRow.talk_time)).where(SpeakerRow.meeting_id.in_(ids))
    return {m: float(t or 0.0) for m, t in session.execute(q.group_by(SpeakerRow.meeting_id))}


def _items(session: Session, spoke: list[_Spoke]) -> dict[str, list[Commitment]]:
    """Action items by the person (name key) who owns them."""
    owners = {(s.meeting_id, label): name_key(s.name) for s in spoke for label in s.labels}
    ids = sorted({s.meeting_id for s in spoke})
    out: dict[str, list[Commitment]] = defaultdict(list)
    if not ids:
        return out
    q = select(
        MinuteItemRow.meeting_id,
        MinuteItemRow.position,
        MinuteItemRow.text,
        MinuteItemRow.due,
        MinuteItemRow.done,
        MinuteItemRow.owner,
    ).where(
        MinuteItemRow.meeting_id.in_(ids), MinuteItemRow.kind == "action", MinuteItemRow.owner.is_not(None)
    )
    for meeting_id, position, text, due, done, owner in session.execute(q):
        who = owners.get((meeting_id, owner))
        if who is not None:
            out[who].append(Commitment(meeting_id, position, text, due, bool(done)))
    return out


def _figures(
    name: str, spoke: list[_Spoke], totals: dict[int, float], items: list[Commitment]
) -> PersonFigures:
    talk = sum(s.talk for s in spoke)
    heard = sum(totals.get(s.meeting_id, 0.0) for s in spoke)
    return PersonFigures(
        name=name,
        meetings=len(spoke),
        hours=round(sum(s.duration for s in spoke) / 3600.0, 2),
        talk_time=round(talk, 1),
        share=round(talk / heard, 4) if heard else 0.0,
        actions=len(items),
        done=sum(1 for i in items if i.done),
    )


def people_overview(
    session: Session, visible: ColumnElement[bool], *, since: date | None = None, team_id: int | None = None
) -> list[PersonFigures]:
    """Every named person in the meetings ``visible`` admits, most meeting hours first."""
    spoke = _spoke(session, visible, since, team_id, None)
    totals = _totals(session, (s.meeting_id for s in spoke))
    items = _items(session, spoke)
    by_person: dict[str, list[_Spoke]] = defaultdict(list)
    for s in spoke:
        by_person[name_key(s.name)].append(s)
    out = [_figures(rows[0].name, rows, totals, items.get(key, [])) for key, rows in by_person.items()]
    return sorted(out, key=lambda f: (-f.hours, f.name.casefold()))


def person_stats(
    session: Session, visible: ColumnElement[bool], name: str, *, since: date | None = None
) -> PersonStats:
    """One person's meetings, commitments and weeks among the meetings ``visible`` admits."""
    spoke = _spoke(session, visible, since, None, name)
    if not spoke:
        raise NotFoundError(
            f"no meeting you can see has a speaker named {name!r}; name speakers with `minutes rename`"
        )
    totals = _totals(session, (s.meeting_id for s in spoke))
    items = _items(session, spoke).get(name_key(name), [])
    attended = tuple(
        Attended(
            s.meeting_id,
            s.title,
            s.when,
            s.duration,
            round(s.talk, 1),
            round(s.talk / totals[s.meeting_id], 4) if totals.get(s.meeting_id) else 0.0,
        )
        for s in sorted(spoke, key=lambda s: (s.when, s.meeting_id), reverse=True)
    )
    weeks: dict[date, list[_Spoke]] = defaultdict(list)
    for s in spoke:
        day = s.when.date()
        weeks[day - timedelta(days=day.weekday())].append(s)
    return PersonStats(
        figures=_figures(spoke[0].name, spoke, totals, items),
        attended=attended,
        commitments=tuple(sorted(items, key=lambda c: (c.done, c.due or date.max, c.meeting_id, c.position))),
        weeks=tuple(
            Week(
                start,
                len(rows),
                round(sum(r.duration for r in rows) / 3600.0, 2),
                round(
                    sum(r.talk for r in rows) / (sum(totals.get(r.meeting_id, 0.0) for r in rows) or 1.0), 4
                ),
            )
            for start, rows in sorted(weeks.items())
        ),
    )


@dataclass(frozen=True, slots=True)
class TeamWeek:
    """A team's meetings in one week (``start``: its Monday): how many, how long, the action items
    taken in them and how many of those are done."""

    start: date
    meetings: int
    hours: float
    actions: int
    done: int


def team_weeks(
    session: Session, visible: ColumnElement[bool], team_id: int, *, since: date | None = None
) -> tuple[TeamWeek, ...]:
    """Week by week, the meetings of one team that ``visible`` admits (two queries)."""
    when = func.coalesce(Meeting.meeting_date, Meeting.created_at, type_=UTCDateTime)
    q = (
        select(Meeting.id, when, Recording.duration)
        .join(Recording, Recording.id == Meeting.recording_id)
        .where(Meeting.team_id == team_id, visible)
    )
    meetings = [
        (mid, at, float(d)) for mid, at, d in session.execute(q) if since is None or at.date() >= since
    ]
    ids = [mid for mid, _, _ in meetings]
    items: dict[int, tuple[int, int]] = {}
    if ids:
        counted = select(
            MinuteItemRow.meeting_id, func.count(), func.sum(case((MinuteItemRow.done, 1), else_=0))
        ).where(MinuteItemRow.meeting_id.in_(ids), MinuteItemRow.kind == "action")
        for mid, n, done in session.execute(counted.group_by(MinuteItemRow.meeting_id)):
            items[mid] = (int(n), int(done or 0))
    weeks: dict[date, list[tuple[int, float]]] = defaultdict(list)
    for mid, at, duration in meetings:
        day = at.date()
        weeks[day - timedelta(days=day.weekday())].append((mid, duration))
    return tuple(
        TeamWeek(
            start,
            len(rows),
            round(sum(d for _, d in rows) / 3600.0, 2),
            sum(items.get(mid, (0, 0))[0] for mid, _ in rows),
            sum(items.get(mid, (0, 0))[1] for mid, _ in rows),
        )
        for start, rows in sorted(weeks.items())
    )
