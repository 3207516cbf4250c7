"""``minutes stats``: one meeting's speakers, every named person, one person; JSON and errors."""

from __future__ import annotations

from tests.cli.conftest import Cli
from tests.cli.test_cli import process_one
from tests.media import Library


def test_stats_of_a_meeting_of_people_and_of_one_person(cli: Cli, lib: Library) -> None:
    meeting = process_one(cli, lib.good["flac"].path)
    assert cli("rename", str(meeting), "SPEAKER_00", "Zoë O'Brien").exit_code == 0

    table = cli("stats", str(meeting)).stdout
    assert table.splitlines()[0].split() == [
        "speaker",
        "talk",
        "share",
        "turns",
        "interrupts",
        "words/min",
        "longest",
        "questions",
    ]
    assert "Zoë O'Brien" in table
    (row,) = [r for r in cli.json("stats", str(meeting), "--json") if r["name"] == "Zoë O'Brien"]
    assert row["turns"] >= 1 and 0 < row["share"] <= 1 and row["words"] > 0

    people = cli.json("stats", "--json")
    assert [p["name"] for p in people] == ["Zoë O'Brien"] and people[0]["meetings"] == 1
    one = cli.json("stats", "--person", "zoë o'brien", "--json")
    assert one["figures"]["meetings"] == 1 and one["attended"][0]["meeting_id"] == meeting
    assert cli("stats", "--person", "Zoë O'Brien").stdout.startswith("Zoë O'Brien: 1 meeting(s)")
    assert cli("teams", "create", "Sales").exit_code == 0
    assert cli("meetings", "assign", str(meeting), "--team", "Sales").exit_code == 0
    team = cli.json("stats", "--team", "Sales", "--json")
    assert [p["name"] for p in team["people"]] == ["Zoë O'Brien"] and team["weeks"][0]["meetings"] == 1
    assert "week of" in cli("stats", "--team", "Sales").stdout


def test_stats_errors_say_what_to_do(cli: Cli) -> None:
    both = cli("stats", "1", "--person", "x")
    assert both.exit_code == 2 and "not both" in both.stderr
    nobody = cli("stats", "--person", "Nobody")
    assert nobody.exit_code == 1 and "no meeting you can see has a speaker named 'Nobody'" in nobody.stderr
    missing = cli("stats", "7")
    assert missing.exit_code == 1 and "no meeting with id 7" in missing.stderr
    assert cli("stats").stdout.startswith("no named speakers yet")
    bad = cli("stats", "--since", "yesterday-ish")
    assert bad.exit_code != 0 and "since" in bad.stderr.lower()
