"""Stored text reaches an admin's terminal shown, never obeyed (issue 12, finding 2).

A sign-in name typed on the web (kept in the audit log without signing in), a speaker's name, a
line, a title, a team's or a token's name can hold escape sequences: retitle the window (OSC 0),
clear it (CSI 2J), plant a link (OSC 8), the one-byte CSI (U+009B), a bidi override (U+202E).
Names, titles and lines are refused at input now (tests/web/test_input_controls.py), but text
stored before, and text no one types (a file name, a sign-in attempt), still reaches the command
line: every command must print it visibly. Each case below fails on the code before this change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from minutes.accounts import users
from minutes.cli import main
from minutes.db import SpeakerRow, session_scope
from minutes.db.accounts import ApiToken, Team
from minutes.db.jobs import Job
from minutes.factory import open_store
from minutes.jobs import enqueue
from minutes.web.app import create_app
from minutes.web.config import WebSettings
from tests.web.world import World, build

HOSTILE = {
    "retitle": "\x1b]0;pwned\x07",
    "clear": "\x1b[2J\x1b[H",
    "link": "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "c1 csi": "\x9b31m",
    "bidi": "\u202e",
    "carriage return": "\rroot",
}
EVIL = "mallory " + "".join(HOSTILE.values())
SHOWN = r"\u001b"
"""How ESC reads once made visible."""

# Any control character but the layout's newline and tab (what a terminal would obey).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SGR = re.compile("\x1b\\[[0-9;]*m")


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def assert_shown_not_obeyed(text: str, *, shown: str = SHOWN) -> None:
    found = RAW_CONTROL.search(text)
    assert found is None, f"raw U+{ord(found.group()):04X} reaches the terminal: {text!r}"
    assert shown in text and "pwned" in text, f"the hostile text was not printed at all: {text!r}"


@pytest.fixture
def poisoned(tone: Path) -> Iterator[World]:
    """The command line's database with hostile text where people's text is stored."""
    sessions = open_store()
    world = build(sessions, WebSettings.from_env().media_dir, tone)
    world.add_meeting("poisoned", team="Sales", words=f"budget {EVIL}")
    meeting = world.meetings["poisoned"]
    job = None
    with session_scope(sessions) as s:
        s.execute(update(SpeakerRow).where(SpeakerRow.meeting_id == meeting).values(name=EVIL))
        s.add(Team(name=f"team {EVIL}"))
        s.flush()
        users.add_member(
            s,
            team=s.scalars(select(Team.id).order_by(Team.id.desc())).first() or 0,
            username="ada",
            role="member",
        )
        users.create_api_token(s, user_id=world.users["ada"], name="nightly")
        s.execute(update(ApiToken).values(name=f"token {EVIL}"))
        job = enqueue(s, tone, batch="b1", title="upload")
    with session_scope(sessions) as s:
        s.execute(update(Job).where(Job.id == job).values(title=EVIL, status="failed", error=f"bad {EVIL}"))
    with session_scope(sessions) as s:  # the title too (the meetings' list and `delete` print it)
        from minutes.db import Meeting

        s.execute(update(Meeting).where(Meeting.id == meeting).values(title=f"weekly {EVIL}"))
    yield world


def test_a_sign_in_name_in_the_audit_log(poisoned: World) -> None:
    """Anyone who can reach the sign-in page writes to the audit log an admin reads."""
    client = TestClient(create_app(WebSettings.from_env(), open_store()))
    form = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token is not None
    # A retitled window, a cleared screen, then a line of its own that looks like a sign-in.
    forged = f"{HOSTILE['retitle']}{HOSTILE['clear']}\n2026-01-01 00:00:00  ada  login"
    answer = client.post("/login", data={"username": forged, "password": "x", "login_token": token.group(1)})
    assert answer.status_code == 401

    result = run("audit")
    assert result.exit_code == 0, result.output
    assert_shown_not_obeyed(result.output)
    assert not any(line.startswith("2026-01-01") for line in result.output.splitlines())
    (line,) = result.output.splitlines()
    assert "login_failed" in line

    as_json = run("audit", "--json")
    assert_shown_not_obeyed(as_json.output)
    assert json.loads(as_json.output)["user"] == forged.lower()[:64]  # the JSON holds what was typed


@pytest.mark.parametrize(
    "args",
    [
        ["show", "{meeting}"],
        ["actions"],
        ["actions", "--json"],
        ["list"],
        ["list", "--json"],
        ["export", "{meeting}", "--format", "txt"],
        ["export", "{meeting}", "--format", "md"],
        ["export", "{meeting}", "--format", "srt"],
        ["search", "budget"],
        ["search", "budget", "--json"],
        ["users", "list"],
        ["teams", "list"],
        ["users", "tokens", "ada"],
        ["jobs"],
        ["jobs", "--json"],
        ["meetings", "assign", "{meeting}", "--team", "{team}"],
        ["delete", "{meeting}", "--yes"],
    ],
    ids=lambda a: " ".join(a).replace("{meeting}", "ID").replace("{team}", "TEAM"),
)
def test_every_command_that_prints_stored_text(poisoned: World, args: list[str]) -> None:
    with session_scope(poisoned.sessions) as s:
        team = s.scalars(select(Team.id).where(Team.name.startswith("team mallory"))).one()
    given = [a.format(meeting=poisoned.meetings["poisoned"], team=team) for a in args]

    result = run(*given)

    assert result.exit_code == 0, result.output
    assert_shown_not_obeyed(result.output)


def test_an_export_written_to_a_file(poisoned: World, tmp_path: Path) -> None:
    """``cat minutes.txt`` is the same terminal: files hold no control characters either."""
    for fmt in ("txt", "md", "json", "vtt", "rttm"):
        target = tmp_path / f"out.{fmt}"
        result = run("export", poisoned.meetings["poisoned"], "--format", fmt, "-o", target)
        assert result.exit_code == 0, result.output
        text = target.read_text(encoding="utf-8")
        assert RAW_CONTROL.search(text) is None, (fmt, text)
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert document["title"] == f"weekly {EVIL}"  # the JSON document itself is unchanged


def test_colour_codes_of_rich_pass_and_the_texts_do_not(poisoned: World) -> None:
    """Search prints through rich, which colours matches: its own codes are the only ones left."""
    result = run("search", "budget", env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})

    assert result.exit_code == 0, result.output
    assert SGR.search(result.output), "no colour at all: the test does not test the colour path"
    assert_shown_not_obeyed(SGR.sub("", result.output))


def test_a_file_name_in_an_error_line(tmp_path: Path) -> None:
    """A recording's own name comes back in ``process``'s error line (and a batch's report)."""
    bad = tmp_path / f"{EVIL.replace('/', '_')}.wav"
    bad.write_bytes(b"not audio at all")

    result = run("process", bad)

    assert result.exit_code == 1
    assert_shown_not_obeyed(result.output)
