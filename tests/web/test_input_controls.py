"""Control characters and NUL bytes in what people type: 422, nothing stored, on both databases.

Issue 12: NUL was stored in names and lines on SQLite, and PostgreSQL (which cannot hold it) answered
500; escape sequences in names, titles and lines were stored and reached terminals. Names, titles and
corrected lines are refused where the library stores them (``minutes.controls.refuse_controls``);
any other text with a NUL is refused before it reaches the database (``minutes.db.nul``), so a
search or a look-up with one answers 422 too. Each case fails on the code before this change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from minutes.cli import main
from minutes.db import SpeakerRow, UtteranceRow, session_scope
from minutes.db.accounts import ApiToken, AuditEntry, Team
from minutes.db.jobs import Job
from minutes.errors import InvalidValue
from minutes.factory import open_store
from minutes.web.config import WebSettings
from tests.db.conftest import engine
from tests.web.conftest import Browser
from tests.web.world import World, build

__all__ = ["engine"]  # both backends for this module

BAD = {
    "nul": "Pat\x00rick",
    "osc title": "Pat\x1b]0;pwned\x07",
    "csi clear": "Pat\x1b[2J",
    "c1 csi": "Pat\x9b2J",
    "bidi override": "Pat\u202erick",
    "newline": "Pat\nrick",
}


def speaker_names(world: World) -> set[str | None]:
    with session_scope(world.sessions) as s:
        meeting = world.meetings["sales"]
        return set(s.scalars(select(SpeakerRow.name).where(SpeakerRow.meeting_id == meeting)))


def first_line(world: World) -> str:
    with session_scope(world.sessions) as s:
        meeting = world.meetings["sales"]
        query = select(UtteranceRow.text).where(UtteranceRow.meeting_id == meeting, UtteranceRow.idx == 0)
        return s.scalars(query).one()


@pytest.mark.parametrize("name", BAD.values(), ids=BAD.keys())
def test_a_speaker_name_with_a_control_character_is_422_on_api_and_page(
    world: World, api: Callable[[str], TestClient], browser: Callable[[str], Browser], name: str
) -> None:
    meeting = world.meetings["sales"]
    answer = api("mona").put(f"/api/v1/meetings/{meeting}/speakers/SPEAKER_00", json={"name": name})
    assert answer.status_code == 422, answer.text
    assert "the speaker name" in answer.json()["detail"] and "control character" in answer.json()["detail"]

    page = browser("mona").post(f"/meetings/{meeting}/speakers/SPEAKER_00", {"name": name})
    assert page.status_code == 422, page.text
    assert speaker_names(world) == {None}


@pytest.mark.parametrize(
    "text", [v for k, v in BAD.items() if k != "newline"], ids=[k for k in BAD if k != "newline"]
)
def test_a_corrected_line_with_a_control_character_is_422(
    world: World, api: Callable[[str], TestClient], browser: Callable[[str], Browser], text: str
) -> None:
    meeting = world.meetings["sales"]
    before = first_line(world)
    answer = api("mona").put(f"/api/v1/meetings/{meeting}/utterances/0", json={"text": text})
    assert answer.status_code == 422, answer.text
    assert "the corrected line" in answer.json()["detail"]
    page = browser("mona").post(f"/meetings/{meeting}/utterances/0", {"text": text})
    assert page.status_code == 422
    assert first_line(world) == before


def test_a_corrected_line_may_hold_line_breaks_which_become_spaces(
    world: World, api: Callable[[str], TestClient]
) -> None:
    """A pasted line keeps working: whitespace is whitespace, the line is normalised as before."""
    meeting = world.meetings["sales"]
    answer = api("mona").put(f"/api/v1/meetings/{meeting}/utterances/0", json={"text": "We ship\r\n\tin May"})
    assert answer.status_code == 200, answer.text
    assert first_line(world) == "We ship in May"


@pytest.mark.parametrize("name", BAD.values(), ids=BAD.keys())
def test_a_token_name_with_a_control_character_is_422(
    world: World, browser: Callable[[str], Browser], name: str
) -> None:
    answer = browser("mona").post("/account/tokens", {"name": name})
    assert answer.status_code == 422, answer.text
    with session_scope(world.sessions) as s:
        assert list(s.scalars(select(ApiToken.name).where(ApiToken.user_id == world.users["mona"]))) == []


@pytest.mark.parametrize(
    "title", [BAD["nul"], BAD["osc title"], BAD["bidi override"]], ids=["nul", "osc", "bidi"]
)
def test_an_upload_title_with_a_control_character_is_422_and_nothing_is_kept(
    world: World, api: Callable[[str], TestClient], tone: Path, title: str
) -> None:
    files = [("files", ("weekly.wav", tone.read_bytes(), "audio/wav"))]
    before = sorted(p.name for p in world.media_dir.iterdir())

    answer = api("mona").post(
        "/api/v1/uploads", files=files, data={"title": title, "team": str(world.teams["Sales"])}
    )

    assert answer.status_code == 422, answer.text
    assert "the title" in answer.json()["detail"]
    with session_scope(world.sessions) as s:
        assert list(s.scalars(select(Job))) == []
    assert sorted(p.name for p in world.media_dir.iterdir()) == before  # no stored file left behind


@pytest.mark.parametrize(
    "url",
    [
        "/meetings?person=a%00b",
        "/meetings?q=a%00b",
        "/api/v1/meetings?person=a%00b",
        "/api/v1/actions?owner=a%00b",
        "/api/v1/search?q=budget%00",
        "/search?q=budget%00",
        "/admin/audit?user=a%00b",
    ],
)
def test_a_nul_in_a_search_or_filter_is_422_not_500(browser: Callable[[str], Browser], url: str) -> None:
    client = browser("ada").client
    client._transport.raise_server_exceptions = False  # type: ignore[attr-defined]  # see the status

    answer = client.get(url)

    assert answer.status_code == 422, answer.text
    assert "NUL" in answer.text


def test_a_nul_in_a_user_name_to_share_with_is_422(
    world: World, api: Callable[[str], TestClient], browser: Callable[[str], Browser]
) -> None:
    meeting = world.meetings["sales"]
    assert api("mona").put(f"/api/v1/meetings/{meeting}/shares/a%00b").status_code == 422
    assert browser("mona").post(f"/meetings/{meeting}/shares", {"username": "a\x00b"}).status_code == 422


def test_a_nul_in_a_sign_in_name_is_422_and_nothing_is_stored(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    form = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/login", data={"username": "ada\x00", "password": "x", "login_token": token.group(1)}
    )
    assert answer.status_code == 422, answer.text
    with session_scope(world.sessions) as s:
        assert list(s.scalars(select(AuditEntry.action))) == []  # no failure counted, none logged


def test_the_library_refuses_nul_in_any_statement_on_both_backends(world: World) -> None:
    """The net under every text: a query with a NUL never reaches the driver (500 on PostgreSQL)."""
    with pytest.raises(InvalidValue, match="NUL"), session_scope(world.sessions) as s:
        s.scalars(select(Team).where(Team.name == "Sales\x00")).all()
    with pytest.raises(InvalidValue, match="NUL"), session_scope(world.sessions) as s:
        s.add(Team(name="x\x00y"))
        s.flush()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["rename", "{meeting}", "SPEAKER_00", "Pat\x1b[2J"],
            "the speaker name 'Pat\\u001b[2J' holds a control character",
        ),
        (["teams", "create", "Ops\x1b]0;x\x07"], "the team name"),
        (["users", "create", "pat", "--display-name", "Pat\u202e", "--password-stdin"], "the display name"),
        (["users", "token", "ada", "--label", "ci\x9b2J"], "the token name"),
    ],
    ids=["rename", "teams create", "users create", "users token"],
)
def test_the_command_line_refuses_them_in_one_line(tone: Path, args: list[str], message: str) -> None:
    """The commands call the same library functions, so they refuse the same text (one line, exit 1)."""
    cli_world = build(open_store(), WebSettings.from_env().media_dir, tone)  # the command line's database
    given = [a.format(meeting=cli_world.meetings["sales"]) for a in args]

    result = CliRunner().invoke(main, given, input="a long enough password\n", catch_exceptions=False)

    assert result.exit_code == 1, result.output
    assert f"error: {message}" in result.stderr
    assert "\x1b" not in result.output and "Traceback" not in result.output


def test_a_title_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["process", str(tmp_path / "x.wav"), "--title", "Q3\x1b]0;x\x07"])

    assert result.exit_code == 2
    assert "the title 'Q3\\u001b]0;x\\u0007' holds a control character" in result.stderr
