"""Read queries for the brief: a window's meetings and minute items, and open dated action items.

Every query takes a ``visible`` condition on :class:`~minutes.db.tables.Meeting` rows from
:func:`minutes.accounts.access.visible_clause` (or ``true()`` for the operator), so the database
only returns what the reader may see. Rows come back as the brief's plain input types
(:mod:`minutes.brief.model`); :func:`minutes.brief.build_brief` makes the brief from them.
A fixed number of queries whatever the window holds.

Action items of a meeting series are followed by its ledger (:mod:`minutes.ledger`): given the
ledger's commitments, an item that a later meeting closed or dropped is not overdue, one whose due
date moved is listed at its new date, and a commitment restated in several meetings is listed once,
at its promise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from minutes.brief.model import ItemFacts, MeetingFacts, SpeakerFacts
from minutes.db.accounts import Team
from minutes.db.catalog import meeting_date, speaker_matches, speaks
from minutes.db.series_tables import SeriesMeetingRow
from minutes.db.tables import Meeting, MinuteItemRow, MinutesRow, SpeakerRow, UtteranceRow
from minutes.ledger.items import CLOSED, ItemState, item_states
from minutes.ledger.model import Commitment


@dataclass(frozen=True, slots=True)
class BriefScope:
    """Whose brief, over which days (both included), narrowed to a team and a person."""

    visible: ColumnElement[bool]
    since: date
    until: date
    today: date
    team_id: int | None = None
    person: str | None = None
    soon_days: int = 7
    overdue_limit: int = 50
    commitments: Sequence[Commitment] | None = None
    """The ledger's commitments of every series the reader may see; ``None``: no ledger, every
    open dated item is read as it was minuted."""


@dataclass(frozen=True, slots=True)
class BriefRows:
    meetings: list[MeetingFacts]
    items: list[ItemFacts]
    open_dated: list[ItemFacts]
    overdue_total: int


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _in_scope(scope: BriefScope) -> list[ColumnElement[bool]]:
    """Conditions on the meetings: visible, and in the team."""
    conditions = [scope.visible]
    if scope.team_id is not None:
        conditions.append(Meeting.team_id == scope.team_id)
    return conditions


def _owned_by(person: str) -> ColumnElement[bool]:
    """A condition on items: owned by ``person`` (the owner's label, or its speaker's name)."""
    owner = exists().where(
        SpeakerRow.meeting_id == MinuteItemRow.meeting_id,
        SpeakerRow.label == MinuteItemRow.owner,
        speaker_matches(person),
    )
    return or_(MinuteItemRow.owner == person.strip(), owner)


def load_brief_rows(session: Session, scope: BriefScope) -> BriefRows:
    """What :func:`~minutes.brief.build_brief` needs for ``scope``."""
    person = scope.person.strip() if scope.person and scope.person.strip() else None
    meetings = _meetings(session, scope, person)
    ids = [m[0] for m in meetings]
    item_query = _items().where(MinuteItemRow.meeting_id.in_(ids))
    if person:
        item_query = item_query.where(or_(MinuteItemRow.kind != "action", _owned_by(person)))
    items = list(session.execute(item_query)) if ids else []
    dated = _items().where(
        *_in_scope(scope),
        MinuteItemRow.kind == "action",
        MinuteItemRow.done.is_(False),
        MinuteItemRow.due.is_not(None),
    )
    if person:
        dated = dated.where(_owned_by(person))
    if scope.commitments is not None:  # the ledger's items are read from it (the module docstring)
        in_series = select(SeriesMeetingRow.meeting_id)
        dated = dated.where(~and_(MinuteItemRow.supported.is_(True), MinuteItemRow.meeting_id.in_(in_series)))
    due_now = _live_dues(scope.commitments)
    followed = [
        row
        for row in (session.execute(_promises(scope, person, list(due_now))) if due_now else ())
        if (row.meeting_id, row.position) in due_now
    ]
    soon_end = scope.today + timedelta(days=scope.soon_days)

    def due(row: Any) -> date:
        found: date = due_now.get((row.meeting_id, row.position), row.due)
        return found

    due_soon = list(
        session.execute(dated.where(MinuteItemRow.due >= scope.today, MinuteItemRow.due <= soon_end))
    )
    due_soon += [r for r in followed if scope.today <= due(r) <= soon_end]
    overdue = dated.where(MinuteItemRow.due < scope.today)
    latest = list(
        session.execute(
            overdue.order_by(MinuteItemRow.due.desc(), MinuteItemRow.id.desc()).limit(scope.overdue_limit)
        )
    )
    late = [r for r in followed if due(r) < scope.today]
    latest = sorted(latest + late, key=due, reverse=True)[: scope.overdue_limit]
    total = session.scalar(select(func.count()).select_from(overdue.order_by(None).subquery())) or 0
    total += len(late)
    every_item = items + due_soon + latest
    speakers = _speakers(session, {*ids, *(row.meeting_id for row in every_item)})
    names = {mid: {s.label: s.name for s in found} for mid, found in speakers.items()}
    cited = _cited_lines(session, every_item)
    states = item_states(scope.commitments or ())
    return BriefRows(
        meetings=[
            MeetingFacts(
                id=mid,
                title=title,
                date=when,
                status=status,
                team=team,
                summary=summary,
                speakers=tuple(speakers.get(mid, ())),
            )
            for mid, title, when, status, team, summary in meetings
        ],
        items=[_settled(_item(row, names, cited), states) for row in items],
        open_dated=[replace(_item(row, names, cited), due=due(row)) for row in due_soon + latest],
        overdue_total=int(total),
    )


def _live_dues(commitments: Sequence[Commitment] | None) -> dict[tuple[int, int], date]:
    """(meeting id, position) of the promise of each commitment still to be done → its due date now."""
    return {c.items[0]: c.due for c in commitments or () if c.status not in CLOSED and c.due and c.items}


def _promises(scope: BriefScope, person: str | None, keys: Sequence[tuple[int, int]]) -> Select[Any]:
    """The open action items, in scope and with ``person`` theirs, of the meetings of ``keys`` (the
    ledger's promises); the caller keeps the keys. One ``IN`` on meeting ids, not one arm per key:
    a year's archive has thousands of promises."""
    query = _items().where(
        *_in_scope(scope),
        MinuteItemRow.meeting_id.in_(sorted({m for m, _ in keys})),
        MinuteItemRow.kind == "action",
        MinuteItemRow.done.is_(False),
    )
    return query.where(_owned_by(person)) if person else query


def _settled(item: ItemFacts, states: dict[tuple[int, int], ItemState]) -> ItemFacts:
    """The item ticked when the ledger says its commitment is done."""
    state = states.get((item.meeting_id, item.position))
    if item.kind == "action" and not item.done and state is not None and state.status == "done":
        return replace(item, done=True)
    return item


def _meetings(session: Session, scope: BriefScope, person: str | None) -> list[Any]:
    query = (
        select(Meeting.id, Meeting.title, meeting_date(), Meeting.status, Team.name, MinutesRow.summary)
        .outerjoin(Team, Team.id == Meeting.team_id)
        .outerjoin(MinutesRow, MinutesRow.meeting_id == Meeting.id)
        .where(
            *_in_scope(scope),
            meeting_date() >= _day_start(scope.since),
            meeting_date() < _day_start(scope.until + timedelta(days=1)),
        )
        .order_by(meeting_date(), Meeting.id)
    )
    if person:
        query = query.where(speaks(person))
    return list(session.execute(query))


def _items() -> Select[Any]:
    return select(
        MinuteItemRow.meeting_id,
        Meeting.title,
        meeting_date().label("at"),
        MinuteItemRow.position,
        MinuteItemRow.kind,
        MinuteItemRow.text,
        MinuteItemRow.supported,
        MinuteItemRow.owner,
        MinuteItemRow.due,
        MinuteItemRow.due_text,
        MinuteItemRow.done,
        MinuteItemRow.evidence,
    ).join(Meeting, Meeting.id == MinuteItemRow.meeting_id)


def _speakers(session: Session, meeting_ids: Iterable[int]) -> dict[int, list[SpeakerFacts]]:
    wanted = sorted(set(meeting_ids))
    found: dict[int, list[SpeakerFacts]] = {}
    if not wanted:
        return found
    rows = session.execute(
        select(SpeakerRow.meeting_id, SpeakerRow.label, SpeakerRow.name, SpeakerRow.talk_time).where(
            SpeakerRow.meeting_id.in_(wanted)
        )
    )
    for mid, label, name, talk in rows:
        found.setdefault(mid, []).append(SpeakerFacts(label, name, float(talk or 0.0)))
    return found


def _first(evidence: Sequence[int] | None) -> int | None:
    return int(evidence[0]) if evidence else None


def _cited_lines(session: Session, rows: Sequence[Any]) -> dict[tuple[int, int], tuple[float, str]]:
    """``(meeting, index) -> (start, speaker label)`` of the first line each item cites."""
    pairs = {(row.meeting_id, i) for row in rows if (i := _first(row.evidence)) is not None}
    if not pairs:
        return {}
    by_meeting: dict[int, set[int]] = {}
    for meeting, index in pairs:
        by_meeting.setdefault(meeting, set()).add(index)
    # One (meeting, index IN ...) arm per meeting: both databases then look the lines up by the
    # (meeting_id, idx) key instead of reading every line of the meetings cited.
    lines = [
        and_(UtteranceRow.meeting_id == meeting, UtteranceRow.idx.in_(sorted(indexes)))
        for meeting, indexes in sorted(by_meeting.items())
    ]
    query = select(
        UtteranceRow.meeting_id, UtteranceRow.idx, UtteranceRow.start, UtteranceRow.speaker_label
    ).where(or_(*lines))
    return {(m, i): (start, label) for m, i, start, label in session.execute(query) if (m, i) in pairs}


def _item(
    row: Any, names_of: dict[int, dict[str, str | None]], cited: dict[tuple[int, int], tuple[float, str]]
) -> ItemFacts:
    names = names_of.get(row.meeting_id, {})
    index = _first(row.evidence)
    line = cited.get((row.meeting_id, index)) if index is not None else None
    return ItemFacts(
        meeting_id=row.meeting_id,
        meeting_title=row.title,
        meeting_date=row.at,
        position=row.position,
        kind=row.kind,
        text=row.text,
        supported=bool(row.supported),
        owner=row.owner,
        owner_name=(names.get(row.owner) or row.owner) if row.owner else None,
        due=row.due,
        due_text=row.due_text,
        done=bool(row.done),
        utterance=index if line is not None else None,
        start=line[0] if line is not None else None,
        speaker=(names.get(line[1]) or line[1]) if line is not None else None,
    )
