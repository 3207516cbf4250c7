"""Searching transcript lines on SQLite and PostgreSQL: matching, ranking, scope, updates, deletes."""

from __future__ import annotations

import contextlib
import random
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, select, text, update
from sqlalchemy.orm import Session

from minutes.db import Meeting, UtteranceRow, delete_meeting_rows, rename_speaker, replace_transcript
from minutes.search import Fragment, QueryError, SearchResults, search
from minutes.types import Speaker, Utterance
from tests.search.conftest import add_meeting
from tests.search.test_query import HOSTILE

JAN = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
MAR = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)


def found(results: SearchResults) -> list[tuple[str, int]]:
    return [(h.meeting_title, h.utterance_index) for h in results.hits]


def matched_words(results: SearchResults) -> list[list[str]]:
    return [[f.text for f in h.snippet if f.is_match] for h in results.hits]


def assert_index_consistent(session: Session) -> None:
    """SQLite: the FTS5 index agrees with its content (a stale trigger would fail this)."""
    if session.get_bind().dialect.name == "sqlite":
        for fts in ("search_utterances", "search_minute_items", "search_minutes"):
            session.execute(text(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)"))


@pytest.fixture
def archive(session: Session) -> dict[str, int]:
    """Three meetings: two in January and March with named speakers, one without a date."""
    ids = {
        "planning": add_meeting(
            session,
            "Q1 planning",
            [
                ("SPEAKER_00", "The budget for the café is fixed."),
                ("SPEAKER_01", "We are running late on the e-mail campaign, O'Brien's team."),
                ("SPEAKER_00", "Next action item: book the room."),
                ("SPEAKER_01", "Grüß Gott, item action reversed."),
            ],
            date=JAN,
            names={"SPEAKER_00": "Priya Shah", "SPEAKER_01": "Émile Zola"},
        ),
        "review": add_meeting(
            session,
            "Budget review",
            [
                ("SPEAKER_00", "Budgets, budgets, budgets."),
                ("SPEAKER_01", "Cafe opening hours and the budget we discussed with Priya yesterday."),
                ("SPEAKER_01", "日本語 のテスト"),
            ],
            date=MAR,
            names={"SPEAKER_00": "Bob"},
        ),
        "undated": add_meeting(session, "Hallway chat", [("SPEAKER_00", "nothing about money here")]),
    }
    session.flush()
    return ids


# Matching ---------------------------------------------------------------------------------------


def test_all_words_must_match_in_any_order(session: Session, archive: dict[str, int]) -> None:
    assert found(search(session, "fixed budget")) == [("Q1 planning", 0)]
    assert found(search(session, "budget nonexistentword")) == []


def test_words_are_stemmed_and_folded(session: Session, archive: dict[str, int]) -> None:
    assert ("Q1 planning", 1) in found(search(session, "runs"))
    results = search(session, "CAFE")
    assert sorted(found(results)) == [("Budget review", 1), ("Q1 planning", 0)]
    assert sorted(found(search(session, "café"))) == sorted(found(results))
    assert sorted(w.lower() for ws in matched_words(results) for w in ws) == ["cafe", "café"]
    assert found(search(session, "gruss")) == []
    assert found(search(session, "gruß")) == [("Q1 planning", 3)]


def test_phrases_keep_word_order(session: Session, archive: dict[str, int]) -> None:
    assert found(search(session, '"action item"')) == [("Q1 planning", 2)]
    assert found(search(session, '"item action"')) == [("Q1 planning", 3)]
    assert sorted(found(search(session, "item action"))) == [("Q1 planning", 2), ("Q1 planning", 3)]


def test_punctuated_words_match_as_they_were_said(session: Session, archive: dict[str, int]) -> None:
    assert found(search(session, "e-mail")) == [("Q1 planning", 1)]
    assert found(search(session, "O'Brien's")) == [("Q1 planning", 1)]
    assert found(search(session, "obrien")) == []


def test_prefixes(session: Session, archive: dict[str, int]) -> None:
    assert len(search(session, "budg*").hits) == 3
    assert found(search(session, '"action it"*')) == [("Q1 planning", 2)]
    assert found(search(session, "日本*")) == [("Budget review", 2)]


def test_speaker_names_match_words_of_the_query(session: Session, archive: dict[str, int]) -> None:
    # "priya" is Priya's name in one meeting and a word of a line in the other.
    results = search(session, "priya budget")
    assert sorted(found(results)) == [("Budget review", 1), ("Q1 planning", 0)]
    assert {h.speaker for h in results.hits} == {"Priya Shah", "SPEAKER_01"}
    # The name alone finds every line of that speaker; a phrase must be within the name.
    assert sorted(found(search(session, "emile"))) == [("Q1 planning", 1), ("Q1 planning", 3)]
    assert sorted(found(search(session, '"priya shah"'))) == [("Q1 planning", 0), ("Q1 planning", 2)]
    assert found(search(session, '"shah budget"')) == []


def test_labels_are_not_searched_as_words(session: Session, archive: dict[str, int]) -> None:
    assert search(session, "speaker").total == 0


# Hits -------------------------------------------------------------------------------------------


def test_a_hit_carries_what_a_result_list_shows(session: Session, archive: dict[str, int]) -> None:
    (hit,) = search(session, "room").hits
    assert hit.meeting_id == archive["planning"]
    assert (hit.meeting_title, hit.meeting_date, hit.utterance_index) == ("Q1 planning", JAN, 2)
    assert (hit.start, hit.end, hit.speaker) == (10.0, 14.0, "Priya Shah")
    assert hit.text == "Next action item: book the room."
    assert hit.snippet == (
        Fragment("Next action item: book the ", False),
        Fragment("room", True),
        Fragment(".", False),
    )
    assert hit.score > 0


def test_unnamed_speakers_show_their_label_and_undated_meetings_their_storage_time(
    session: Session, archive: dict[str, int]
) -> None:
    (hit,) = search(session, "money").hits
    assert hit.speaker == "SPEAKER_00"
    stored = session.get(Meeting, archive["undated"])
    assert stored is not None and hit.meeting_date == stored.created_at


def test_line_text_is_returned_raw_for_the_renderer_to_escape(session: Session) -> None:
    add_meeting(session, "Markup", [("S", 'say <script>alert("x")</script> & budget')])
    (hit,) = search(session, "budget").hits
    assert hit.snippet == (Fragment('say <script>alert("x")</script> & ', False), Fragment("budget", True))
    assert "".join(f.text for f in hit.snippet) == hit.text


def test_long_lines_get_a_snippet_around_the_match(session: Session) -> None:
    words = " ".join(f"filler{i}" for i in range(80))
    add_meeting(session, "Long", [("S", f"{words} the budget is here {words}")])
    (hit,) = search(session, "budget").hits
    snippet = "".join(f.text for f in hit.snippet)
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 300
    assert Fragment("budget", True) in hit.snippet
    assert len(hit.text) > 1000


def test_marker_characters_in_a_line_do_not_break_highlighting(session: Session) -> None:
    add_meeting(session, "Odd", [("S", "odd \x02 budget \x03 text")])
    (hit,) = search(session, "budget").hits
    assert "".join(f.text for f in hit.snippet) == "odd \x02 budget \x03 text"


# Ranking and pages -----------------------------------------------------------------------------


def test_better_matches_first_then_newer_meetings(session: Session) -> None:
    older = add_meeting(session, "Older", [("S", "the launch plan"), ("S", "launch launch launch")], date=JAN)
    newer = add_meeting(session, "Newer", [("S", "the launch plan")], date=MAR)
    results = search(session, "launch")
    assert [(h.meeting_id, h.utterance_index) for h in results.hits] == [(older, 1), (newer, 0), (older, 0)]
    assert results.hits[0].score > results.hits[1].score == results.hits[2].score


def test_pages(session: Session) -> None:
    add_meeting(session, "Many", [("S", f"budget line {i}") for i in range(7)])
    first = search(session, "budget", limit=3)
    second = search(session, "budget", limit=3, offset=3)
    beyond = search(session, "budget", limit=3, offset=50)
    assert (first.total, second.total, beyond.total) == (7, 7, 7)
    assert len(first.hits) == 3 and len(second.hits) == 3 and beyond.hits == []
    assert not {h.utterance_index for h in first.hits} & {h.utterance_index for h in second.hits}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"limit": 0}, "limit must be between 1 and 200"),
        ({"limit": 201}, "limit must be between 1 and 200"),
        ({"offset": -1}, "offset must be 0 or more"),
        ({"date_from": date(2026, 3, 1), "date_to": date(2026, 2, 1)}, "the date range is empty"),
        ({"speaker": "  "}, "the speaker to search for is blank"),
    ],
)
def test_bad_arguments_are_refused(session: Session, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        search(session, "budget", **kwargs)  # type: ignore[arg-type]


# Scope ------------------------------------------------------------------------------------------


def test_only_visible_meetings_are_searched(session: Session, archive: dict[str, int]) -> None:
    everywhere = search(session, "budget")
    assert {h.meeting_id for h in everywhere.hits} == {archive["planning"], archive["review"]}

    as_ids = search(session, "budget", meeting_ids=[archive["review"]])
    as_select = search(
        session, "budget", meeting_ids=select(Meeting.id).where(Meeting.title == "Budget review")
    )
    for results in (as_ids, as_select):
        assert {h.meeting_id for h in results.hits} == {archive["review"]}
        assert results.total == 2
    assert search(session, "budget", meeting_ids=[]).total == 0
    assert search(session, "budget", meeting_ids=iter([archive["undated"]])).total == 0


def test_speaker_names_of_hidden_meetings_do_not_match(session: Session, archive: dict[str, int]) -> None:
    # "Priya" names a speaker only in the planning meeting; hiding it leaves the review line only.
    results = search(session, "priya", meeting_ids=[archive["review"]])
    assert found(results) == [("Budget review", 1)]
    assert results.total == 1


def test_meeting_ids_must_be_integers(session: Session) -> None:
    with pytest.raises(TypeError, match="meeting_ids must be integers"):
        search(session, "budget", meeting_ids=["1"])  # type: ignore[list-item]


def test_speaker_filter(session: Session, archive: dict[str, int]) -> None:
    assert found(search(session, "budget", speaker="priya")) == [("Q1 planning", 0)]
    assert found(search(session, "item", speaker="ÉMILE")) == [("Q1 planning", 3)]
    assert found(search(session, "budget", speaker="speaker_01")) == [("Budget review", 1)]
    assert search(session, "budget", speaker="nobody").total == 0


def test_date_filter_is_by_utc_day_both_ends_included(session: Session, archive: dict[str, int]) -> None:
    assert {h.meeting_title for h in search(session, "budget", date_from=date(2026, 3, 2)).hits} == {
        "Budget review"
    }
    assert {h.meeting_title for h in search(session, "budget", date_to=date(2026, 3, 2)).hits} == {
        "Q1 planning",
        "Budget review",
    }
    assert {h.meeting_title for h in search(session, "budget", date_to=date(2026, 3, 1)).hits} == {
        "Q1 planning"
    }
    between = search(session, "budget", date_from=date(2026, 1, 16), date_to=date(2026, 3, 1))
    assert between.total == 0


# Keeping up with changes ------------------------------------------------------------------------


def test_a_corrected_line_is_found_by_its_new_words_only(session: Session, archive: dict[str, int]) -> None:
    session.execute(
        update(UtteranceRow)
        .where(UtteranceRow.meeting_id == archive["planning"], UtteranceRow.idx == 0)
        .values(text="The headcount for the canteen is fixed.")
    )
    assert ("Q1 planning", 0) not in found(search(session, "budget"))
    (hit,) = search(session, "headcount").hits
    assert (hit.utterance_index, hit.text) == (0, "The headcount for the canteen is fixed.")
    assert_index_consistent(session)


def test_a_renamed_speaker_is_found_by_the_new_name(session: Session, archive: dict[str, int]) -> None:
    rename_speaker(session, meeting_id=archive["planning"], label="SPEAKER_00", name="Dana Ivers")
    assert search(session, "shah").total == 0
    results = search(session, "dana")
    assert results.total == 2 and {h.speaker for h in results.hits} == {"Dana Ivers"}
    rename_speaker(session, meeting_id=archive["planning"], label="SPEAKER_00", name=None)
    assert search(session, "dana").total == 0
    assert search(session, "room").hits[0].speaker == "SPEAKER_00"
    assert_index_consistent(session)


def test_a_new_transcript_replaces_the_old_lines(session: Session, archive: dict[str, int]) -> None:
    replace_transcript(
        session,
        meeting_id=archive["planning"],
        utterances=[Utterance(index=0, speaker="SPEAKER_00", start=0.0, end=1.0, text="Brand new words")],
        speakers=[Speaker("SPEAKER_00")],
        embeddings={},
    )
    assert found(search(session, "room")) == []
    # The name a person gave is kept across re-attribution, and searchable.
    assert found(search(session, "priya new")) == [("Q1 planning", 0)]
    assert_index_consistent(session)


def test_a_deleted_meeting_is_not_found(session: Session, archive: dict[str, int]) -> None:
    delete_meeting_rows(session, meeting_id=archive["planning"])
    session.flush()
    assert {h.meeting_title for h in search(session, "budget").hits} == {"Budget review"}
    assert search(session, "priya").total == 1  # the review line that says "Priya"
    assert search(session, "room").total == 0
    assert search(session, "budget", meeting_ids=[archive["planning"]]).total == 0
    assert_index_consistent(session)


def test_lines_inserted_before_their_speaker_are_indexed_with_the_name(session: Session) -> None:
    meeting_id = add_meeting(session, "Order", [("S", "first words")])
    session.execute(text("DELETE FROM speakers WHERE meeting_id = :m"), {"m": meeting_id})
    assert search(session, "first").hits[0].speaker == "S"
    session.execute(
        text("INSERT INTO speakers (meeting_id, label, name, talk_time) VALUES (:m, 'S', 'Kim', 0)"),
        {"m": meeting_id},
    )
    assert found(search(session, "kim first")) == [("Order", 0)]
    assert_index_consistent(session)


# Hostile input ----------------------------------------------------------------------------------


def test_hostile_queries_never_reach_the_database_as_syntax(session: Session) -> None:
    add_meeting(session, "Target", [("S", "budget plan and NEAR OR NOT 1 café 日本語 O'Brien")])
    for query in HOSTILE:
        try:
            results = search(session, query)
        except QueryError as exc:
            assert str(exc) and "\n" not in str(exc), query
        else:
            assert results.total == len(results.hits) <= 1, query
    rng = random.Random(11)
    alphabet = "\"'()*:^-+&|!<>{}[];,.%_\\/ \tabcAND OR NEARé日🎉0"
    for _ in range(300):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25)))
        with contextlib.suppress(QueryError):  # anything else fails the test
            search(session, query)
    # Operator-looking words are words; symbols around real words are ignored.
    for query in ("budget AND plan", "NOT budget", "NEAR OR", "café ☕", "🎉 budget 🚀", "(budget"):
        assert search(session, query).total == 1, query
    assert {"utterances", "meetings"} <= set(inspect(session.connection()).get_table_names())
    assert session.execute(select(UtteranceRow.text)).scalar_one().startswith("budget plan")


def test_an_empty_query_is_a_clear_error(session: Session) -> None:
    with pytest.raises(QueryError, match="empty search query; type at least one word"):
        search(session, "")
