"""What every search shares: argument checks, the meetings a caller may see, dates, SQL pieces."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Text,
    bindparam,
    column,
    false,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session

from minutes.db.tables import Meeting
from minutes.errors import QueryError
from minutes.search.query import WORD, Query
from minutes.search.schema import CONFIG, DOCUMENT, UNACCENT
from minutes.search.snippet import Fragment, marked_fragments, token_fragments

MAX_LIMIT = 200
"""The most hits one call returns; page with ``offset`` for more."""

MAX_MATCHES = 10_000
"""The most matching lines one search ranks and counts.

A word found in most lines (``the``, ``we``) would otherwise rank and count over a million of
them (seconds); a search that reaches this many ranks only the most recently stored ones and says
the count is a lower bound. Searches with fewer matches are exact.
"""

MeetingIds = Select[Any] | Iterable[int] | None
"""The meetings a caller may see: a select of meeting ids, ids, or ``None`` for all."""


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise QueryError(f"offset must be 0 or more, got {offset}")


def meeting_date() -> ColumnElement[datetime]:
    """When a meeting took place: its date, else when it was stored."""
    columns = Meeting.__table__.c
    return func.coalesce(columns.meeting_date, columns.created_at)


def visible(meeting_ids: MeetingIds) -> Select[Any] | list[int] | None:
    """``meeting_ids`` as something ``IN`` takes; ids are checked to be integers."""
    if meeting_ids is None or isinstance(meeting_ids, Select):
        return meeting_ids
    ids = list(meeting_ids)
    bad = [i for i in ids if not isinstance(i, int) or isinstance(i, bool)]
    if bad:
        raise TypeError(f"meeting_ids must be integers, got {bad[0]!r}")
    return ids


def scope_filters(
    column: InstrumentedAttribute[int],
    meetings: Select[Any] | list[int] | None,
    *,
    date_from: date | None,
    date_to: date | None,
) -> list[ColumnElement[bool]]:
    """Conditions on rows whose ``column`` is a meeting id (the query must join ``meetings``)."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise QueryError(f"the date range is empty: from {date_from} is after to {date_to}; swap them")
    filters: list[ColumnElement[bool]] = []
    if isinstance(meetings, list) and not meetings:
        filters.append(false())
    elif meetings is not None:
        filters.append(column.in_(meetings))
    if date_from is not None:
        filters.append(meeting_date() >= _day_start(date_from))
    if date_to is not None:
        filters.append(meeting_date() < _day_start(date_to) + timedelta(days=1))
    return filters


def _day_start(day: date) -> datetime:
    """Midnight UTC of ``day`` (a datetime counts as its date)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def ranked_page(
    session: Session, matched: CTE, *, keys: list[str], tiebreak: str, limit: int, offset: int
) -> tuple[list[tuple[Any, ...]], int]:
    """One page of ``matched`` (columns ``score``, ``at``, ``meeting_id``, ``tiebreak`` and ``keys``).

    Best score first, then newer meetings, then ``tiebreak`` within a meeting. Returns the rows as
    ``(*keys, score)`` and the number of matches, counted in the same query.
    """
    columns = matched.c
    rows = session.execute(
        select(*(columns[k] for k in keys), columns.score, func.count().over())
        .order_by(columns.score.desc(), columns.at.desc(), columns.meeting_id.desc(), columns[tiebreak])
        .limit(limit)
        .offset(offset)
    ).all()
    if rows:
        total = int(rows[0][-1])
    elif offset:  # past the end: the window had no row to count on
        total = session.execute(select(func.count()).select_from(matched)).scalar_one()
    else:
        total = 0
    return [tuple(row[:-1]) for row in rows], total


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# SQL pieces ----------------------------------------------------------------------------------------


def fts_table(name: str) -> Any:
    """An FTS5 table as a FROM item with its ``rowid``."""
    return table(name, column("rowid"))


def fts_match(name: str, expression: str) -> ColumnElement[bool]:
    """``<fts table> MATCH :expression``."""
    return literal_column(name).bool_op("MATCH")(expression)


def bm25(name: str, *weights: float) -> ColumnElement[float]:
    return func.bm25(literal_column(name), *weights)


def tsquery(expression: str) -> ColumnElement[Any]:
    """``to_tsquery`` of a parser-built expression, diacritics folded like the indexed text.

    The expression goes into the SQL as a literal, not a parameter: psycopg prepares a statement
    it has run five times, and PostgreSQL may then settle on one generic plan for every query
    word, planned without knowing how common the word is (for ``the``, a plan meant for rare
    words reads every match). With the words in the text, each query is planned for its words.
    """
    words = bindparam(None, expression, type_=Text, literal_execute=True)
    return func.to_tsquery(literal_column(f"'{CONFIG}'::regconfig"), getattr(func, UNACCENT)(words))


def matches(vector: ColumnElement[Any], query: ColumnElement[Any]) -> ColumnElement[bool]:
    return vector.bool_op("@@")(query)


def matching_words(session: Session, texts: Iterable[str], query: Query) -> set[str]:
    """PostgreSQL: the words of ``texts`` that match a word of ``query``, folded and stemmed as indexed.

    One query for a page of hits; :func:`~minutes.search.snippet.token_fragments` marks them.
    """
    words = sorted({w for t in texts for w in WORD.findall(t)})
    if not words:
        return set()
    listed = func.unnest(bindparam("words", words, type_=ARRAY(Text))).table_valued("word").render_derived()
    document = getattr(func, DOCUMENT)(listed.c.word)
    found = session.execute(select(listed.c.word).where(matches(document, tsquery(query.any_word_tsquery()))))
    return set(found.scalars())


def highlight(session: Session, rows: list[tuple[str, str]], query: Query) -> list[tuple[Fragment, ...]]:
    """Fragments of each ``(text, marked)``: SQLite's ``highlight()`` output, or, on PostgreSQL
    (where ``marked`` is the text), the words PostgreSQL says match."""
    if dialect(session) == "sqlite":
        return [marked_fragments(marked, text) for text, marked in rows]
    words = matching_words(session, [text for text, _ in rows], query)
    return [token_fragments(text, words) for text, _ in rows]
