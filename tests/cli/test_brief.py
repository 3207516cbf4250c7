"""``minutes brief`` through the real command line: formats, acting as a user, filters, errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from minutes.cli import brief as brief_command
from minutes.cli import main
from minutes.factory import open_store
from minutes.web.config import WebSettings
from tests.web.world import World, build

TODAY = date(2026, 11, 24)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["brief", *args], catch_exceptions=False)


@pytest.fixture
def world(tone: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(brief_command, "today_here", lambda: TODAY)
    return build(open_store(), WebSettings.from_env().media_dir, tone)


def test_markdown_by_default_for_the_operator(world: World) -> None:
    result = run("--since", "2026-11-16")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("# Brief: 2026-11-16 to 2026-11-24")
    for title in ("Sales weekly", "Sales\\_Shared weekly", "Support weekly", "Orphan weekly"):
        assert title in out  # the operator sees every meeting
    sales = world.meetings["sales"]
    assert f"[meeting {sales}, line 0, 00:00:00](/meetings/{sales}?t=0.5#u-0)" in out
    assert "### SPEAKER\\_01" in out and "## Due soon" in out and "## Open questions" in out


def test_json_as_a_user_leaves_out_other_teams(world: World) -> None:
    result = run("--since", "2w", "--user", "sam", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [m["title"] for m in data["meetings"]] == ["Support weekly"]
    support = world.meetings["support"]
    every = data["decisions"] + data["questions"] + data["due_soon"]
    every += [e for g in data["actions"] for e in g["items"]]
    assert {e["meeting_id"] for e in every} == {support}
    decision = data["decisions"][0]
    assert (decision["meeting_id"], decision["utterance"], decision["start"]) == (support, 0, 0.5)
    assert data["since"] == "2026-11-11" and data["until"] == "2026-11-24"


def test_html_team_person_and_base_url(world: World) -> None:
    result = run("--since", "7d", "--team", "Sales", "--format", "html", "--base-url", "https://m.example/")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!doctype html>")
    assert "Sales weekly" in result.output and "Support weekly" not in result.output
    assert f'href="https://m.example/meetings/{world.meetings["sales"]}?t=0.5#u-0"' in result.output
    empty = run("--person", "nobody")
    assert "No meetings you can see between 2026-11-18 and 2026-11-24 with nobody" in empty.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last week"], "give 7d, 2w or a date"),
        (["--user", "nobody"], "no user named 'nobody'"),
        (["--team", "Nope"], "no team 'Nope'"),
        (["--since", "2027-01-01"], "after today"),
    ],
)
def test_bad_options_name_the_fix(world: World, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output


def test_format_choices_are_checked(world: World) -> None:
    result = run("--format", "pdf")
    assert result.exit_code == 2 and "md" in result.output
