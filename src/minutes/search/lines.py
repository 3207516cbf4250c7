"""Full-text search over the transcript lines of every meeting.

A line matches when each word, phrase and prefix of the query is found in its text or in the name
its speaker was given. SQLite answers from an FTS5 index of (text, speaker name) ranked by BM25,
the name weighing a quarter of the text; PostgreSQL from the GIN index of ``utterances.search_vector``
(and one of speaker names) ranked by ``ts_rank``, with the same weights. Both read only the
meetings the caller may see: ``meeting_ids`` becomes part of the query, so lines of other
meetings are never returned, counted or highlighted. A search reads at most
:data:`~minutes.search.MAX_MATCHES` matching lines, the most recently stored, and says when it
stopped there (``SearchResults.capped``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    values,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from minutes.db.tables import Meeting, SpeakerRow, UtteranceRow
from minutes.errors import QueryError
from minutes.search import _scope
from minutes.search._scope import MeetingIds
from minutes.search.query import Query, parse
from minutes.search.schema import DOCUMENT, FTS_UTTERANCES, UTTERANCE_VECTOR
from minutes.search.snippet import CLOSE, OPEN, Fragment, window

SPEAKER_WEIGHT = 0.25
"""How much a query word found in the speaker's name counts, against 1 for the line's text."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching transcript line.

    ``meeting_date`` is when the meeting took place (when it was stored, if no date was given),
    in UTC. ``utterance_index`` is the line's ``idx`` in its meeting; ``start``/``end`` are
    seconds into the recording. ``speaker`` is the name the speaker was given, else the label.
    ``snippet`` is the text around the first match as ``(text, is_match)`` fragments: escape
    each, wrap the matching ones. ``score`` orders hits of one search (higher is better); it is
    not comparable between searches or backends.
    """

    meeting_id: int
    meeting_title: str
    meeting_date: datetime
    utterance_index: int
    start: float
    end: float
    speaker: str
    text: str
    snippet: tuple[Fragment, ...]
    score: float


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of hits; ``total`` counts the matching lines in the visible meetings.

    ``capped`` is true when the search stopped at :data:`~minutes.search.MAX_MATCHES` matches:
    at least ``total`` lines match (show it as "10,000+"), and the hits are the best of the
    ``total`` most recently stored matching lines rather than of all of them.
    """

    total: int
    hits: list[SearchHit]
    capped: bool = False


def search(
    session: Session,
    query: str,
    *,
    meeting_ids: MeetingIds = None,
    speaker: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Search transcript lines; best matches first, then newer meetings.

    ``meeting_ids`` restricts the search to the meetings the caller may see (a select of meeting
    ids, applied inside the query, or ids); ``None`` searches all. ``speaker`` keeps the lines of
    speakers whose name contains it or whose label is it (case-insensitive). ``date_from`` and
    ``date_to`` bound the meeting date (UTC days, both included).

    Raises :class:`~minutes.search.QueryError` for a query or argument that cannot be used.
    """
    parsed = parse(query)
    _scope.check_page(limit, offset)
    meetings = _scope.visible(meeting_ids)
    filters = _scope.scope_filters(UtteranceRow.meeting_id, meetings, date_from=date_from, date_to=date_to)
    speaker_filters = _scope.scope_filters(
        SpeakerRow.meeting_id, meetings, date_from=date_from, date_to=date_to
    )
    if speaker is not None:
        pairs = _speaker_lines(session, speaker, meetings)
        if not pairs:
            return SearchResults(total=0, hits=[])
        filters.append(tuple_(UtteranceRow.meeting_id, UtteranceRow.speaker_label).in_(pairs))
        speaker_filters.append(tuple_(SpeakerRow.meeting_id, SpeakerRow.label).in_(pairs))
    if _scope.dialect(session) == "sqlite":
        backend: _SQLite | _PostgreSQL = _SQLite(parsed)
    else:
        backend = _PostgreSQL(session, parsed, speaker_filters)
    # At most MAX_MATCHES lines, the newest: both backends can read matches in that order from an
    # index (FTS5 rowids, the primary key), so a word in most lines stops there instead of ranking
    # a million lines; a rarer word's matches are all read and ranked, as before.
    cap = _scope.MAX_MATCHES
    newest = backend.matched(filters).order_by(backend.newest_first())
    matched = newest.limit(bindparam(None, cap, literal_execute=True)).cte("matched")
    ranked, total = _scope.ranked_page(
        session, matched, keys=["id"], tiebreak="idx", limit=limit, offset=offset
    )
    lines = _lines(session, backend, parsed, [line_id for line_id, _ in ranked])
    return SearchResults(
        total=total,
        hits=[replace(lines[line_id], score=float(score)) for line_id, score in ranked if line_id in lines],
        capped=total >= cap,
    )


def _lines(
    session: Session, backend: _SQLite | _PostgreSQL, query: Query, ids: list[int]
) -> dict[int, SearchHit]:
    """The hits for these line ids, highlighted (score still 0)."""
    if not ids:
        return {}
    details = (
        select(
            UtteranceRow.id,
            UtteranceRow.meeting_id,
            Meeting.title,
            _scope.meeting_date(),
            UtteranceRow.idx,
            UtteranceRow.start,
            UtteranceRow.end,
            func.coalesce(SpeakerRow.name, UtteranceRow.speaker_label),
            UtteranceRow.text,
            backend.marked(),
        )
        .select_from(backend.source())
        .join(Meeting, Meeting.id == UtteranceRow.meeting_id)
        .outerjoin(SpeakerRow, _speaker_of_line())
        .where(backend.line_id().in_(ids), *backend.detail_conditions())
    )
    rows = session.execute(details).all()
    snippets = _scope.highlight(session, [(row.text, row[-1]) for row in rows], query)
    return {
        line_id: SearchHit(
            meeting_id=meeting_id,
            meeting_title=title,
            meeting_date=at,
            utterance_index=idx,
            start=start,
            end=end,
            speaker=who,
            text=text,
            snippet=window(snippet),
            score=0.0,
        )
        for (line_id, meeting_id, title, at, idx, start, end, who, text, _), snippet in zip(
            rows, snippets, strict=True
        )
    }


def _speaker_of_line() -> ColumnElement[bool]:
    return and_(
        SpeakerRow.meeting_id == UtteranceRow.meeting_id, SpeakerRow.label == UtteranceRow.speaker_label
    )


def _speaker_lines(
    session: Session, speaker: str, meetings: Select[Any] | list[int] | None
) -> list[tuple[int, str]]:
    """(meeting id, label) of the visible speakers ``speaker`` names.

    Compared in Python: SQLite's ``lower`` and ``LIKE`` only fold ASCII letters.
    """
    wanted = speaker.strip().casefold()
    if not wanted:
        raise QueryError("the speaker to search for is blank; give a name or a label like SPEAKER_01")
    query = select(SpeakerRow.meeting_id, SpeakerRow.label, SpeakerRow.name)
    if meetings is not None:
        query = query.where(SpeakerRow.meeting_id.in_(meetings))
    return [
        (meeting_id, label)
        for meeting_id, label, name in session.execute(query)
        if label.casefold() == wanted or (name is not None and wanted in name.casefold())
    ]


class _SQLite:
    """FTS5: one MATCH over (text, speaker name), BM25, ``highlight()``."""

    def __init__(self, query: Query) -> None:
        self.expression = query.fts5()
        self.fts = _scope.fts_table(FTS_UTTERANCES)

    def source(self) -> Any:
        return self.fts.join(UtteranceRow.__table__, UtteranceRow.id == self.fts.c.rowid)

    def matched(self, filters: list[ColumnElement[bool]]) -> Select[Any]:
        """(id, score, at, meeting_id, idx) of every matching line in scope.

        bm25() only works in the query that scans the FTS table, so ranking happens outside
        (SQLite does not merge this into a query with a window function).
        """
        score = -_scope.bm25(FTS_UTTERANCES, 1.0, SPEAKER_WEIGHT)  # bm25() is lower for better
        return (
            select(*_matched_columns(score))
            .select_from(self.source())
            .join(Meeting, Meeting.id == UtteranceRow.meeting_id)
            .where(*self.detail_conditions(), *filters)
        )

    def detail_conditions(self) -> list[ColumnElement[bool]]:
        return [_scope.fts_match(FTS_UTTERANCES, self.expression)]

    def line_id(self) -> ColumnElement[int]:
        # The index's own rowid: FTS5 then looks these rows up instead of reading every match.
        rowid: ColumnElement[int] = self.fts.c.rowid
        return rowid

    def newest_first(self) -> ColumnElement[Any]:
        # FTS5 reads its doclists in descending rowid order itself: no sort, it stops at the limit.
        return self.line_id().desc()

    def marked(self) -> ColumnElement[str]:
        return func.highlight(literal_column(FTS_UTTERANCES), 0, OPEN, CLOSE)


class _PostgreSQL:
    """GIN on the stored text vector, plus the speakers whose names match part of the query.

    A line matches when each atom is in its text or in its speaker's name. Speaker names are in
    another table, out of reach of the line's index, so the speakers that match some atoms are
    looked up first (a small GIN-indexed read, which also returns their names' vectors); each
    such speaker's lines then only need the remaining atoms in their text. Every branch of the
    resulting OR uses an index, and ranking parses no text: it reads the stored line vectors and
    joins the few speaker vectors already at hand.
    """

    def __init__(self, session: Session, query: Query, speaker_filters: list[ColumnElement[bool]]) -> None:
        self.query = query
        self.vector: ColumnElement[Any] = literal_column(f"{UtteranceRow.__tablename__}.{UTTERANCE_VECTOR}")
        self.all = _scope.tsquery(query.tsquery())
        self.named: list[tuple[int, str, str, tuple[bool, ...]]] = self._named_speakers(
            session, speaker_filters
        )

    def _named_speakers(
        self, session: Session, filters: list[ColumnElement[bool]]
    ) -> list[tuple[int, str, str, tuple[bool, ...]]]:
        """(meeting id, label, name vector, which atoms the name matches) of matching speakers in scope."""
        name = getattr(func, DOCUMENT)(SpeakerRow.name)
        atoms = self.query.atoms
        any_atom = _scope.tsquery(" | ".join(a.tsquery() for a in atoms))
        flags = [_scope.matches(name, _scope.tsquery(a.tsquery())) for a in atoms]
        query = (
            select(SpeakerRow.meeting_id, SpeakerRow.label, cast(name, Text), *flags)
            .join(Meeting, Meeting.id == SpeakerRow.meeting_id)
            .where(_scope.matches(name, any_atom), *filters)
        )
        return [
            (meeting_id, label, vector, tuple(bool(f) for f in found))
            for meeting_id, label, vector, *found in session.execute(query)
        ]

    def source(self) -> Any:
        return UtteranceRow.__table__

    def matched(self, filters: list[ColumnElement[bool]]) -> Select[Any]:
        query = (
            select()
            .select_from(self.source())
            .join(Meeting, Meeting.id == UtteranceRow.meeting_id)
            .where(self._condition(), *filters)
        )
        if not self.named:
            return query.add_columns(*_matched_columns(self._rank(self.vector)))
        names = values(
            column("meeting_id", Integer),
            column("label", String),
            column("name", Text),
            name="named_speakers",
        ).data([(meeting_id, label, vector) for meeting_id, label, vector, _ in self.named])
        speaker = func.setweight(cast(names.c.name, TSVECTOR), literal_column("'A'"))
        document = case((names.c.name.is_(None), self.vector), else_=self.vector.op("||")(speaker))
        joined = and_(
            names.c.meeting_id == UtteranceRow.meeting_id, names.c.label == UtteranceRow.speaker_label
        )
        return query.outerjoin(names, joined).add_columns(*_matched_columns(self._rank(document)))

    def _condition(self) -> ColumnElement[bool]:
        groups: dict[tuple[bool, ...], list[tuple[int, str]]] = defaultdict(list)
        for meeting_id, label, _, mask in self.named:
            groups[mask].append((meeting_id, label))
        branches = [_scope.matches(self.vector, self.all)]
        for mask, pairs in groups.items():
            rest = [a.tsquery() for a, found in zip(self.query.atoms, mask, strict=True) if not found]
            branch: ColumnElement[bool] = tuple_(UtteranceRow.meeting_id, UtteranceRow.speaker_label).in_(
                pairs
            )
            if rest:
                branch = and_(branch, _scope.matches(self.vector, _scope.tsquery(" & ".join(rest))))
            branches.append(branch)
        return or_(*branches)

    def _rank(self, document: ColumnElement[Any]) -> ColumnElement[float]:
        # Weights are {D, C, B, A}: the text is indexed as D (1.0), a speaker's name is added as A.
        weights: ColumnElement[Any] = literal_column(f"'{{1.0, 0.2, 0.4, {SPEAKER_WEIGHT}}}'::float4[]")
        # Normalization 1 divides by 1 + log(length), as BM25 also favours shorter lines a little.
        return func.ts_rank(weights, document, self.all, 1)

    def detail_conditions(self) -> list[ColumnElement[bool]]:
        return []

    def line_id(self) -> ColumnElement[int]:
        return UtteranceRow.__table__.c.id

    def newest_first(self) -> ColumnElement[Any]:
        return UtteranceRow.id.desc()

    def marked(self) -> ColumnElement[str]:
        return UtteranceRow.__table__.c.text  # the matching words are found afterwards: _scope.highlight


def _matched_columns(score: ColumnElement[float]) -> list[ColumnElement[Any]]:
    """The columns ``search`` ranks by, named as it expects them."""
    return [
        UtteranceRow.id.label("id"),
        score.label("score"),
        _scope.meeting_date().label("at"),
        UtteranceRow.meeting_id.label("meeting_id"),
        UtteranceRow.idx.label("idx"),
    ]
