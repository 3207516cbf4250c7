"""``minutes search`` on the default SQLite store: output, JSON, filters, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner, Result

from minutes import db as store
from minutes.cli import main
from minutes.factory import open_store
from minutes.types import MinuteItem, Minutes
from tests.search.conftest import add_meeting


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["search", *args], catch_exceptions=False)


@pytest.fixture
def stored() -> dict[str, int]:
    with store.session_scope(open_store()) as session:
        planning = add_meeting(
            session,
            "Q1 planning",
            [
                ("SPEAKER_00", "The budget is fixed."),
                ("SPEAKER_01", "Book the <b>room</b> for the budget talk."),
            ],
            date=datetime(2026, 1, 15, tzinfo=UTC),
            names={"SPEAKER_00": "Priya Shah"},
        )
        review = add_meeting(
            session, "Review", [("SPEAKER_00", "Budgets again.")], date=datetime(2026, 3, 1, tzinfo=UTC)
        )
        store.save_minutes(
            session,
            meeting_id=planning,
            minutes=Minutes(
                summary="Budget fixed.",
                items=(
                    MinuteItem(kind="action", text="Book a room for the budget talk", owner="SPEAKER_01"),
                ),
                language="en",
            ),
        )
    return {"planning": planning, "review": review}


def test_hits_show_meeting_time_speaker_and_marked_words(stored: dict[str, int]) -> None:
    result = run("budget")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert (
        f"meeting {stored['planning']} · Q1 planning · 2026-01-15  (minutes show {stored['planning']})" in out
    )
    assert "0:00  Priya Shah: The [budget] is fixed." in out
    assert "0:05  SPEAKER_01: Book the <b>room</b> for the [budget] talk." in out
    assert f"meeting {stored['review']} · Review · 2026-03-01" in out
    assert "[Budgets] again." in out
    assert "1-3 of 3 matching lines" in out


def test_phrases_prefixes_and_filters(stored: dict[str, int]) -> None:
    assert "for the [budget talk]." in run('"budget talk"').stdout
    out = run("budg*", "--speaker", "priya").stdout
    assert "Priya Shah" in out and "SPEAKER_01" not in out and "1-1 of 1 matching line" in out
    out = run("budget", "--from", "2026-02-01").stdout
    assert "Review" in out and "Q1 planning" not in out
    out = run("budget", "--to", "2026-01-15", "--limit", "1").stdout
    assert "1-1 of 2 matching lines; --offset 1 for more" in out
    out = run("book", "room").stdout  # several arguments are one query
    assert "[Book] the <b>[room]</b>" in out


def test_json_for_scripts(stored: dict[str, int]) -> None:
    result = run("budget", "--json", "--limit", "2")
    payload = json.loads(result.stdout)
    assert (payload["query"], payload["total"], payload["offset"]) == ("budget", 3, 0)
    first = payload["hits"][0]
    assert set(first) == {
        "meeting_id",
        "meeting_title",
        "meeting_date",
        "utterance_index",
        "start",
        "end",
        "speaker",
        "text",
        "snippet",
        "score",
    }
    assert [text for text, is_match in first["snippet"] if is_match] in (["budget"], ["Budgets"])
    datetime.fromisoformat(first["meeting_date"])


def test_minutes_search(stored: dict[str, int]) -> None:
    out = run("room", "--minutes").stdout
    assert "action 1: Book a [room] for the budget talk" in out
    payload = json.loads(run("budget", "--minutes", "--json").stdout)
    assert sorted(h["kind"] for h in payload["hits"]) == ["action", "summary"]


def test_no_hits(stored: dict[str, int]) -> None:
    result = run("zeppelin")
    assert (result.exit_code, result.stdout.strip()) == (0, "no matching lines")
    assert run("budget", "--offset", "10").stdout.strip() == "no matching lines past the first 3"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "error: empty search query; type at least one word to look for"),
        (["🎉", "*"], "error: nothing to search for in '🎉 *'"),
        (["a*"], "error: prefix 'a*' is too short"),
        (["budget", "--from", "2026-03-01", "--to", "2026-01-01"], "error: the date range is empty"),
    ],
)
def test_a_bad_query_is_one_line_and_exit_1(stored: dict[str, int], args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1


def test_speaker_with_minutes_is_a_usage_error(stored: dict[str, int]) -> None:
    result = run("budget", "--minutes", "--speaker", "x")
    assert result.exit_code == 2 and "--speaker applies to transcript lines" in result.stderr


def test_every_option_has_help() -> None:
    result = CliRunner().invoke(main, ["search", "--help"])
    assert result.exit_code == 0
    for option in ("--limit", "--offset", "--speaker", "--from", "--to", "--minutes", "--json"):
        assert option in result.stdout
