"""A word found in very many lines: the search stops at ``MAX_MATCHES`` and says so."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from minutes import db as store
from minutes.cli import main
from minutes.db import Meeting
from minutes.factory import open_store
from minutes.search import _scope, search
from tests.search.conftest import add_meeting

CAP = 5

# Stored in this order: lines of "Old" get lower ids than lines of "New".
OLD = [("S0", "the budget, the budget"), ("S1", "the plan"), ("S0", "a budget"), ("S1", "budget")]
NEW = [("S0", "budget budget budget"), ("S1", "budget talk"), ("S0", "the budget"), ("S1", "rare word")]


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_scope, "MAX_MATCHES", CAP)


@pytest.fixture
def two_meetings(session: Session) -> dict[str, int]:
    ids = {
        "old": add_meeting(session, "Old", OLD, date=datetime(2026, 3, 1, tzinfo=UTC)),
        "new": add_meeting(session, "New", NEW, date=datetime(2026, 1, 1, tzinfo=UTC)),
    }
    session.flush()
    return ids


def hits(results: object) -> list[tuple[int, int, float]]:
    return [(h.meeting_id, h.utterance_index, h.score) for h in results.hits]  # type: ignore[attr-defined]


def test_searches_under_the_cap_are_exact_and_unchanged(
    session: Session, two_meetings: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = {q: search(session, q) for q in ("rare", "plan", "talk budget", '"the budget"')}
    monkeypatch.setattr(_scope, "MAX_MATCHES", CAP)
    for query, before in exact.items():
        after = search(session, query)
        assert (after.total, after.capped) == (before.total, False)
        assert hits(after) == hits(before)


def test_a_word_in_more_lines_than_the_cap_ranks_the_newest_lines_and_says_so(
    session: Session, two_meetings: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = search(session, "budget")
    assert (everything.total, everything.capped) == (6, False)
    monkeypatch.setattr(_scope, "MAX_MATCHES", CAP)

    results = search(session, "budget")
    assert (results.total, results.capped) == (CAP, True)
    # The 5 most recently stored matching lines: all 3 of "New" and the last 2 of "Old",
    # in the order (and with the scores) the full search gives them.
    newest = {(two_meetings["new"], i) for i in (0, 1, 2)} | {(two_meetings["old"], i) for i in (2, 3)}
    assert hits(results) == [hit for hit in hits(everything) if hit[:2] in newest]


def test_the_cap_counts_only_lines_the_caller_may_see(
    session: Session, two_meetings: dict[str, int], small_cap: None
) -> None:
    only_old = search(session, "budget", meeting_ids=[two_meetings["old"]])
    assert (only_old.total, only_old.capped) == (3, False)
    visible = select(Meeting.id).where(Meeting.title == "Old")
    assert {i for _, i, _ in hits(search(session, "budget", meeting_ids=visible))} == {0, 2, 3}


def test_pages_stop_at_the_cap(session: Session, two_meetings: dict[str, int], small_cap: None) -> None:
    first = search(session, "budget", limit=3)
    second = search(session, "budget", limit=3, offset=3)
    beyond = search(session, "budget", limit=3, offset=CAP)
    assert len(first.hits) == 3 and len(second.hits) == CAP - 3 and beyond.hits == []
    assert all(r.total == CAP and r.capped for r in (first, second, beyond))


def test_the_cli_shows_a_capped_count_as_n_plus(small_cap: None) -> None:
    with store.session_scope(open_store()) as session:
        add_meeting(session, "Old", OLD)
        add_meeting(session, "New", NEW)
    runner = CliRunner()
    out = runner.invoke(main, ["search", "budget", "--limit", "2"], catch_exceptions=False).stdout
    assert "1-2 of 5+ matching lines; --offset 2 for more" in out
    assert "the search stopped at 5 matching lines, the most recently stored" in out
    exact = runner.invoke(main, ["search", "rare"], catch_exceptions=False).stdout
    assert "1-1 of 1 matching line" in exact and "stopped" not in exact
    payload = json.loads(runner.invoke(main, ["search", "budget", "--json"], catch_exceptions=False).stdout)
    assert (payload["total"], payload["total_capped"]) == (5, True)
    past = runner.invoke(main, ["search", "budget", "--offset", "5"], catch_exceptions=False).stdout
    assert "no matching lines past the first 5+" in past
