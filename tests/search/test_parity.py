"""The same archive and queries give the same lines on SQLite and PostgreSQL.

Scores differ (BM25 against ts_rank), so only which lines match, and how many, is compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from minutes.db import save_minutes, upgrade
from minutes.search import search, search_minutes
from minutes.types import MinuteItem, Minutes
from tests.db.conftest import _postgres_engine, _sqlite_engine
from tests.search.conftest import add_meeting

LINES = [
    ("S0", "We decided to postpone the launch until the budget is approved."),
    ("S1", "The budgets for Q3 and Q4 were discussed; nothing's final."),
    ("S0", "Émile's café in Zürich costs 3.5 million — too much?"),
    ("S1", "Please send the e-mail to O'Brien by Friday."),
    ("S0", "Running, runner, runs: the running joke continues."),
    ("S1", "Action item: Priya will organise the organisation's offsite."),
    ("S0", "Grüß Gott! Straße, façade, naïve coöperation, jalapeño."),
    ("S1", "日本語のテスト and Привет мир, ΑΒΓ."),
    ("S0", "to be or not to be, that is the question"),
    ("S1", "covid19 vaccines, 2026 plans, v2.0.1 release, user@example.com"),
    ("S0", "The hosting provider's SLA (99.9%) isn't acceptable."),
    ("S1", "Decisions, decided, deciding: decisively indecisive."),
]

QUERIES = [
    "budget",
    "budgets approved",
    "launch budget",
    "decide",
    "decision",
    '"the budget"',
    '"budget the"',
    "bud*",
    "org*",
    "organize",
    "run",
    "runner",
    "cafe",
    "CAFÉ zurich",
    "emile",
    "3.5",
    "e-mail",
    "email",
    "O'Brien",
    "brien",
    "priya",
    "priya offsite",
    '"priya will"',
    "gruss",
    "strasse",
    "straße",
    "facade",
    "naive",
    "cooperation",
    "jalapeno",
    "日本語のテスト",
    "日本*",
    "привет",
    "ΑΒΓ",
    "to be or not",
    '"to be or not to be"',
    "question",
    "covid19",
    "2026",
    "v2",
    "example",
    "99.9",
    "isn't",
    "isn",
    "SLA",
    "nothing's",
    "final",
    "Q3",
    "AND",
    "NEAR",
]


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[tuple[Session, Session]]:
    """A session on each backend (SQLite file, fresh PostgreSQL schema), holding the same archive."""
    engines = [_sqlite_engine(tmp_path), _postgres_engine()]
    try:
        pair = []
        for engine in (next(e) for e in engines):
            upgrade(engine)
            session = Session(engine)
            first = add_meeting(
                session, "First", LINES, names={"S0": "Priya Shah"}, date=datetime(2026, 1, 1, tzinfo=UTC)
            )
            add_meeting(
                session,
                "Second",
                LINES[::-1],
                names={"S1": "Zoë Ångström"},
                date=datetime(2026, 2, 1, tzinfo=UTC),
            )
            save_minutes(
                session,
                meeting_id=first,
                minutes=Minutes(
                    summary=" ".join(t for _, t in LINES[:6]),
                    items=tuple(MinuteItem(kind="decision", text=t) for _, t in LINES[6:]),
                    language="en",
                ),
            )
            session.flush()
            pair.append(session)
        yield pair[0], pair[1]
        for session in pair:
            session.close()
    finally:
        for generator in engines:
            generator.close()  # disposes the engine, drops the schema


@pytest.mark.postgres
def test_both_backends_find_the_same_lines(sessions: tuple[Session, Session]) -> None:
    lite, pg = sessions
    differences = []
    for query in [*QUERIES, "zoe", "angstrom", "shah budget", "zoë budget"]:
        got = []
        for session in (lite, pg):
            lines = search(session, query, limit=200)
            items = search_minutes(session, query, limit=200)
            got.append(
                (
                    lines.total,
                    sorted((h.meeting_title, h.utterance_index) for h in lines.hits),
                    items.total,
                    sorted((h.kind, h.position or -1) for h in items.hits),
                )
            )
        if got[0] != got[1]:
            differences.append((query, got[0], got[1]))
    assert differences == []
    # The comparison means something: all but these find lines (the same on both, as checked).
    assert {q for q in QUERIES if search(lite, q).total == 0} == {
        '"budget the"',  # a phrase is in order
        "organize",  # no spelling equivalence: "organise" is another word
        "email",  # "e-mail" is the phrase "e mail"
        "gruss",  # ß is a letter of its own, not a diacritic
        "strasse",
        "NEAR",  # a word like any other, and not said
    }
