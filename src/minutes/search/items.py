"""Full-text search over minutes: summaries, decisions, action items and open questions.

A second kind of hit beside transcript lines, with the same query language and scope rules.
Items carry the utterance indexes they cite, so a result can link to the words it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, literal_column, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from minutes.db.tables import Meeting, MinuteItemRow, MinutesRow
from minutes.search import _scope
from minutes.search._scope import MeetingIds
from minutes.search.query import Query, parse
from minutes.search.schema import FTS_MINUTE_ITEMS, FTS_MINUTES, VECTOR
from minutes.search.snippet import CLOSE, OPEN, Fragment, window

SUMMARY = "summary"
"""The ``kind`` of a hit in a meeting's summary; items have their own kind (decision, action, question)."""


@dataclass(frozen=True, slots=True)
class MinutesHit:
    """A matching summary or minute item.

    ``kind`` is ``summary``, ``decision``, ``action`` or ``question``; ``position`` is the item's
    place in its meeting's minutes (0, 1, ...; ``None`` for the summary); ``evidence`` the
    ``utterance_index`` values of the lines it cites. Other fields are as in
    :class:`~minutes.search.SearchHit`.
    """

    meeting_id: int
    meeting_title: str
    meeting_date: datetime
    kind: str
    position: int | None
    text: str
    evidence: tuple[int, ...]
    snippet: tuple[Fragment, ...]
    score: float


@dataclass(frozen=True, slots=True)
class MinutesResults:
    """A page of minutes hits; ``total`` counts every match in the visible meetings."""

    total: int
    hits: list[MinutesHit]


@dataclass(frozen=True, slots=True)
class _Source:
    """One searchable text column: its table's key, text, FTS5 table (SQLite)."""

    name: str
    key: InstrumentedAttribute[int]
    meeting: InstrumentedAttribute[int]
    text: InstrumentedAttribute[str]
    fts: str


_ITEMS = _Source("item", MinuteItemRow.id, MinuteItemRow.meeting_id, MinuteItemRow.text, FTS_MINUTE_ITEMS)
_SUMMARIES = _Source(SUMMARY, MinutesRow.meeting_id, MinutesRow.meeting_id, MinutesRow.summary, FTS_MINUTES)


def search_minutes(
    session: Session,
    query: str,
    *,
    meeting_ids: MeetingIds = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> MinutesResults:
    """Search summaries and minute items; best matches first, then newer meetings.

    Arguments as for :func:`~minutes.search.search` (there is no speaker filter: items have
    owners, not speakers). Raises :class:`~minutes.search.QueryError` for unusable input.
    """
    parsed = parse(query)
    _scope.check_page(limit, offset)
    meetings = _scope.visible(meeting_ids)
    sqlite = _scope.dialect(session) == "sqlite"
    arms = [
        _matched(source, parsed, sqlite=sqlite, meetings=meetings, date_from=date_from, date_to=date_to)
        for source in (_SUMMARIES, _ITEMS)
    ]
    matched = union_all(*arms).cte("matched")
    ranked, total = _scope.ranked_page(
        session, matched, keys=["source", "key"], tiebreak="position", limit=limit, offset=offset
    )
    found: dict[tuple[str, int], MinutesHit] = {}
    for source in (_SUMMARIES, _ITEMS):
        keys = [key for name, key, _ in ranked if name == source.name]
        found.update(_details(session, source, parsed, keys, sqlite=sqlite))
    return MinutesResults(
        total=total,
        hits=[
            replace(found[(name, key)], score=float(score))
            for name, key, score in ranked
            if (name, key) in found
        ],
    )


def _matched(
    source: _Source,
    query: Query,
    *,
    sqlite: bool,
    meetings: Select[Any] | list[int] | None,
    date_from: date | None,
    date_to: date | None,
) -> Select[Any]:
    """(source, key, score, at, meeting_id, position) of the matches in one source."""
    if sqlite:
        fts = _scope.fts_table(source.fts)
        score: ColumnElement[float] = -_scope.bm25(source.fts)
        condition = _scope.fts_match(source.fts, query.fts5())
        base = select().select_from(fts.join(source.key.class_.__table__, source.key == fts.c.rowid))
    else:
        # The stored vector (migration 0006): ranking and re-checking read it instead of parsing the text.
        document: ColumnElement[Any] = literal_column(f"{source.key.class_.__tablename__}.{VECTOR}")
        tsquery = _scope.tsquery(query.tsquery())
        score = func.ts_rank(document, tsquery, 1)
        condition = _scope.matches(document, tsquery)
        base = select().select_from(source.key.class_.__table__)
    position = MinuteItemRow.position if source is _ITEMS else literal(-1)
    return (
        base.add_columns(
            literal(source.name).label("source"),
            source.key.label("key"),
            score.label("score"),
            _scope.meeting_date().label("at"),
            source.meeting.label("meeting_id"),
            position.label("position"),
        )
        .join(Meeting, Meeting.id == source.meeting)
        .where(
            condition,
            *_scope.scope_filters(source.meeting, meetings, date_from=date_from, date_to=date_to),
        )
    )


def _details(
    session: Session, source: _Source, query: Query, keys: list[int], *, sqlite: bool
) -> dict[tuple[str, int], MinutesHit]:
    """The hits for these keys of one source, highlighted (score still 0)."""
    if not keys:
        return {}
    if sqlite:
        fts = _scope.fts_table(source.fts)
        marked: Any = func.highlight(literal_column(source.fts), 0, OPEN, CLOSE)
        base = (
            select()
            .select_from(fts.join(source.key.class_.__table__, source.key == fts.c.rowid))
            # By the index's rowid, so FTS5 looks these rows up instead of reading every match.
            .where(_scope.fts_match(source.fts, query.fts5()), fts.c.rowid.in_(keys))
        )
    else:
        marked = source.text  # the matching words are found afterwards, see _scope.highlight
        base = select().select_from(source.key.class_.__table__).where(source.key.in_(keys))
    if source is _ITEMS:
        extra: list[Any] = [MinuteItemRow.kind, MinuteItemRow.position, MinuteItemRow.evidence]
    else:
        extra = [literal(SUMMARY), literal(None), literal(None)]
    rows = session.execute(
        base.add_columns(
            source.key, source.meeting, Meeting.title, _scope.meeting_date(), source.text, marked, *extra
        ).join(Meeting, Meeting.id == source.meeting)
    ).all()
    snippets = _scope.highlight(session, [(row[4], row[5]) for row in rows], query)
    hits: dict[tuple[str, int], MinutesHit] = {}
    for (key, meeting_id, title, at, text, _, kind, position, evidence), fragments in zip(
        rows, snippets, strict=True
    ):
        hits[(source.name, key)] = MinutesHit(
            meeting_id=meeting_id,
            meeting_title=title,
            meeting_date=at,
            kind=kind,
            position=position,
            text=text,
            evidence=tuple(int(i) for i in evidence or ()),
            snippet=window(fragments),
            score=0.0,
        )
    return hits
