"""Searching minutes (summaries and items) on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from minutes.db import delete_meeting_rows, save_minutes, set_item_done
from minutes.search import Fragment, QueryError, search_minutes
from minutes.types import MinuteItem, Minutes
from tests.search.conftest import add_meeting
from tests.search.test_search import assert_index_consistent

MINUTES = Minutes(
    summary="The team agreed the hosting budget. Zoë raised the café lease.",
    items=(
        MinuteItem(kind="decision", text="Move hosting to the new provider", evidence=(0, 2)),
        MinuteItem(kind="action", text="Send the hosting contract to legal", evidence=(1,), owner="S0"),
        MinuteItem(kind="question", text="Who pays for the lease?", evidence=(2,)),
    ),
    language="en",
)


@pytest.fixture
def summarized(session: Session) -> int:
    meeting_id = add_meeting(
        session, "Infra sync", [("S0", "a"), ("S1", "b"), ("S0", "c")], date=datetime(2026, 2, 1, tzinfo=UTC)
    )
    save_minutes(session, meeting_id=meeting_id, minutes=MINUTES)
    return meeting_id


def test_items_and_summaries_are_found(session: Session, summarized: int) -> None:
    results = search_minutes(session, "hosting")
    assert results.total == 3
    assert sorted((h.kind, h.position) for h in results.hits) == [
        ("action", 1),
        ("decision", 0),
        ("summary", None),
    ]
    action = next(h for h in results.hits if h.kind == "action")
    assert (action.meeting_id, action.meeting_title, action.evidence) == (summarized, "Infra sync", (1,))
    assert action.snippet == (
        Fragment("Send the ", False),
        Fragment("hosting", True),
        Fragment(" contract to legal", False),
    )
    assert action.meeting_date == datetime(2026, 2, 1, tzinfo=UTC) and action.score > 0


def test_folding_stemming_and_phrases(session: Session, summarized: int) -> None:
    assert [h.kind for h in search_minutes(session, "zoe cafe").hits] == ["summary"]
    assert [h.kind for h in search_minutes(session, "pay lease").hits] == ["question"]
    assert [h.kind for h in search_minutes(session, '"new provider"').hits] == ["decision"]
    assert search_minutes(session, '"provider new"').total == 0


def test_scope_and_dates(session: Session, summarized: int) -> None:
    other = add_meeting(session, "Other", [("S0", "x")], date=datetime(2026, 5, 1, tzinfo=UTC))
    save_minutes(session, meeting_id=other, minutes=replace(MINUTES, items=()))
    assert {h.meeting_id for h in search_minutes(session, "hosting").hits} == {summarized, other}
    assert search_minutes(session, "hosting", meeting_ids=[other]).total == 1
    assert search_minutes(session, "hosting", meeting_ids=[]).total == 0
    assert search_minutes(session, "hosting", date_from=date(2026, 3, 1)).total == 1
    assert search_minutes(session, "hosting", date_to=date(2026, 2, 1)).total == 3


def test_new_minutes_replace_the_old_in_the_index(session: Session, summarized: int) -> None:
    set_item_done(session, meeting_id=summarized, position=1, done=True)
    new = Minutes(
        summary="Only storage was discussed.",
        items=(MinuteItem(kind="action", text="Order storage", owner="S1"),),
        language="en",
    )
    save_minutes(session, meeting_id=summarized, minutes=new)
    assert search_minutes(session, "hosting").total == 0
    assert sorted(h.kind for h in search_minutes(session, "storage").hits) == ["action", "summary"]
    assert_index_consistent(session)


def test_a_deleted_meeting_is_not_found(session: Session, summarized: int) -> None:
    delete_meeting_rows(session, meeting_id=summarized)
    session.flush()
    assert search_minutes(session, "hosting").total == 0
    assert_index_consistent(session)


def test_pages_and_refusals(session: Session, summarized: int) -> None:
    first = search_minutes(session, "hosting", limit=2)
    rest = search_minutes(session, "hosting", limit=2, offset=2)
    assert (first.total, len(first.hits), rest.total, len(rest.hits)) == (3, 2, 3, 1)
    assert search_minutes(session, "hosting", offset=10).total == 3
    with pytest.raises(QueryError, match="empty search query"):
        search_minutes(session, " ")
    with pytest.raises(QueryError, match="limit must be between"):
        search_minutes(session, "hosting", limit=0)


@pytest.mark.postgres
def test_postgresql_ranks_from_the_stored_vectors_through_their_gin_indexes(
    session: Session, summarized: int
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan")
    statements: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "ts_rank" in statement:
            statements.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert search_minutes(session, "hosting").total == 3
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    ((statement, parameters),) = statements
    # A few rows: the planner would read the tables whole unless told not to.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        row[0] for row in session.connection().exec_driver_sql(f"EXPLAIN {statement}", parameters)
    )
    assert "Bitmap Index Scan on ix_search_minute_items" in plan
    assert "Bitmap Index Scan on ix_search_minutes" in plan
    assert "to_tsvector" not in plan  # no text is parsed again, to match or to rank
