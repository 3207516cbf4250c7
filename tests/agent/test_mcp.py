"""``minutes mcp`` as an agent sees it: a subprocess on stdio, driven by the official ``mcp`` client.

The archive has two teams (see ``conftest.world``). Every tool answers JSON text citing
``meeting_id`` + ``utterance``; another team's meeting is never returned, whether searched for,
listed, or asked for by id, and asking for it reads exactly like asking for a missing one.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner
from mcp.client.session import ClientSession

from minutes.accounts import audit, series, users
from minutes.accounts.access import Actor
from minutes.agent.asking import ask_available
from minutes.cli import main
from minutes.db import session_scope
from tests.agent.conftest import connected, server_params
from tests.web.world import World

TOOLS = {"whoami", "search", "list_meetings", "get_meeting", "list_action_items", "brief", "ledger"}


async def call(session: ClientSession, name: str, **arguments: Any) -> Any:
    """A tool's JSON result; fails the test on a tool error."""
    result = await session.call_tool(name, arguments)
    text = result.content[0].text  # type: ignore[union-attr]
    assert not result.is_error, text
    return json.loads(text)


async def refused(session: ClientSession, name: str, **arguments: Any) -> str:
    """A tool error's message (never a traceback); fails the test if the call succeeded."""
    result = await session.call_tool(name, arguments)
    assert result.is_error, result.content
    text: str = result.content[0].text  # type: ignore[union-attr]
    assert "Traceback" not in text and 'File "' not in text
    return text


def test_a_manager_sees_their_team_and_nothing_else(world: World, tmp_path: Path) -> None:
    token = world.token("mona")
    sales, shared = world.meetings["sales"], world.meetings["sales_shared"]
    hidden = world.meetings["support"]
    missing = max(world.meetings.values()) + 1000
    with session_scope(world.sessions) as s:  # one series across both teams
        for meeting in (sales, hidden):
            series.set_series(s, Actor(principal=None, ip=None, via="cli"), meeting, "Weekly")

    async def scenario() -> None:
        async with connected(server_params(tmp_path, token=token), tmp_path / "server.err") as session:
            listed = await session.list_tools()
            names = {t.name for t in listed.tools}
            assert names == (TOOLS | {"ask"} if ask_available() else TOOLS)
            assert all(t.description for t in listed.tools)
            schema = next(t for t in listed.tools if t.name == "get_meeting").input_schema
            assert schema["required"] == ["meeting_id"]

            me = await call(session, "whoami")
            assert me["username"] == "mona" and me["is_admin"] is False

            found = await call(session, "search", query="pricing")
            assert {h["meeting_id"] for h in found["hits"]} == {sales}
            assert found["total"] == 1
            hit = found["hits"][0]
            assert (hit["utterance"], hit["speaker"], hit["start"]) == (0, "SPEAKER_00", 0.5)
            assert "pricing" in hit["text"]
            assert {m["meeting_id"] for m in found["minutes"]} <= {sales, shared}
            # Words only the hidden meetings hold find nothing at all.
            assert (await call(session, "search", query="escalation refunds"))["total"] == 0
            assert (await call(session, "search", query="board memo"))["total"] == 0

            meetings = await call(session, "list_meetings")
            assert {m["id"] for m in meetings["meetings"]} == {sales, shared}
            assert meetings["total"] == 2
            narrowed = await call(session, "list_meetings", title="shared")
            assert [m["id"] for m in narrowed["meetings"]] == [shared]

            doc = await call(session, "get_meeting", meeting_id=sales)
            assert doc["title"] == "Sales weekly"
            lines = doc["utterances"]
            assert [u["index"] for u in lines] == [0, 1, 2]
            assert lines[hit["utterance"]]["text"] == hit["text"]  # a search hit cites this line
            assert "words" not in lines[0]
            assert [i["kind"] for i in doc["minutes"]["items"]] == ["decision", "action", "question"]
            with_words = await call(session, "get_meeting", meeting_id=sales, words=True)
            assert with_words["utterances"][0]["words"]

            items = await call(session, "list_action_items")
            assert {i["meeting_id"] for i in items["items"]} == {sales, shared}
            first = items["items"][0]
            assert (first["text"], first["owner"], first["evidence"], first["can_edit"]) == (
                "Send the budget",
                "SPEAKER_01",
                [1],
                True,
            )
            assert (await call(session, "list_action_items", status="done"))["items"] == []
            ledger = await call(session, "ledger")
            assert {e["meeting_id"] for c in ledger for e in c["history"]} == {sales}
            assert [c["text"] for c in await call(session, "ledger", series="weekly")] == ["Send the budget"]
            assert "choose one of" in await refused(session, "ledger", status="someday")
            assert "choose one of: open, done, overdue" in await refused(
                session, "list_action_items", status="someday"
            )

            # Guessing ids: another team's meeting reads exactly like one that does not exist.
            hidden_says = await refused(session, "get_meeting", meeting_id=hidden)
            missing_says = await refused(session, "get_meeting", meeting_id=missing)
            assert hidden_says.endswith(f"no meeting with id {hidden}")
            assert hidden_says.replace(str(hidden), "N") == missing_says.replace(str(missing), "N")
            assert "Secret" not in hidden_says and "Support" not in hidden_says
            assert await refused(session, "get_meeting", meeting_id=0)  # out of range: refused
            other_team = await call(session, "list_meetings", team_id=world.teams["Support"])
            assert other_team == {"total": 0, "limit": 50, "offset": 0, "meetings": []}

            # The token is checked on every call: revoked, the next call stops.
            with session_scope(world.sessions) as s:
                (info,) = users.list_api_tokens(s, user_id=world.users["mona"])
                users.revoke_api_token(s, user_id=world.users["mona"], token_id=info.id)
            assert "API token is not valid" in await refused(session, "search", query="pricing")

    anyio.run(scenario)
    assert not (tmp_path / "netguard.log").exists()
    with session_scope(world.sessions) as s:
        logged = {(e.action, e.meeting_id, e.via) for e in audit.entries(s, username="mona").entries}
    assert {("search", None, "mcp"), ("export", sales, "mcp")} <= logged


def test_brief_is_the_command_lines_json_without_other_teams(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Meetings of today, so the default 7 days hold them whatever the clock says.
    now = datetime.now(UTC)
    fresh = world.add_meeting("sales_now", team="Sales", words="Pricing review for the launch", date=now)
    hidden = {world.add_meeting("support_now", team="Support", words="Secret refunds review", date=now)}
    hidden |= {world.meetings["support"], world.meetings["orphan"]}
    allowed = {world.meetings["sales"], world.meetings["sales_shared"], fresh}
    token = world.token("mona")

    async def scenario() -> tuple[dict[str, Any], ...]:
        async with connected(server_params(tmp_path, token=token), tmp_path / "server.err") as session:
            week = await call(session, "brief")
            other_team = await call(session, "brief", since="2w", team="Support")
            assert "give 7d, 2w or a date (YYYY-MM-DD)" in await refused(session, "brief", since="soon")
            assert "no team 'Nope'" in await refused(session, "brief", team="Nope")
            return week, other_team

    week, other_team = anyio.run(scenario)
    assert week["schema"] == "minutes.brief/1" and fresh in {m["id"] for m in week["meetings"]}
    every = week["decisions"] + week["questions"] + week["overdue"] + week["due_soon"]
    every += [e for g in week["actions"] for e in g["items"]]
    shown = {m["id"] for m in week["meetings"]} | {e["meeting_id"] for e in every}
    assert shown <= allowed and fresh in {e["meeting_id"] for e in week["decisions"]}
    assert "Secret" not in json.dumps(week) and "Support" not in json.dumps(week)
    assert other_team["empty"] is True and other_team["meetings"] == []  # a filter, not a way in
    # The same JSON as `minutes brief --format json --user mona` on the same archive.
    monkeypatch.setenv("MINUTES_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'minutes.db'}")
    printed = CliRunner().invoke(main, ["brief", "--user", "mona", "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == week


def test_a_member_sees_only_what_is_shared_with_them_token_from_a_file(world: World, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(world.token("mel") + "\n")
    shared = world.meetings["sales_shared"]

    async def scenario() -> None:
        params = server_params(tmp_path, token=None, args=("--token-file", str(token_file)))
        async with connected(params, tmp_path / "server.err") as session:
            assert [m["id"] for m in (await call(session, "list_meetings"))["meetings"]] == [shared]
            assert (await call(session, "search", query="pricing"))["total"] == 0
            assert (await call(session, "search", query="forecast"))["hits"][0]["meeting_id"] == shared
            items = await call(session, "list_action_items")
            assert [(i["meeting_id"], i["can_edit"]) for i in items["items"]] == [(shared, False)]
            sales = world.meetings["sales"]
            assert (await refused(session, "get_meeting", meeting_id=sales)).endswith(
                f"no meeting with id {sales}"
            )

    anyio.run(scenario)


def test_a_bad_token_fails_every_tool_with_a_clear_message(world: World, tmp_path: Path) -> None:
    async def scenario() -> None:
        params = server_params(tmp_path, token="mnt_not-a-real-token")
        async with connected(params, tmp_path / "server.err") as session:
            assert {t.name for t in (await session.list_tools()).tools} >= TOOLS
            for name, arguments in (
                ("search", {"query": "pricing"}),
                ("list_meetings", {}),
                ("get_meeting", {"meeting_id": world.meetings["sales"]}),
                ("list_action_items", {}),
            ):
                message = await refused(session, name, **arguments)
                assert "the API token is not valid (unknown, revoked or its user is disabled)" in message
                assert "MINUTES_TOKEN" in message

    anyio.run(scenario)
    assert "warning: the API token is not valid" in (tmp_path / "server.err").read_text()


def test_without_a_token_it_says_how_to_give_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MINUTES_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["mcp"])
    assert result.exit_code == 2
    assert "no API token: set MINUTES_TOKEN or pass --token-file" in result.output
    empty = tmp_path / "empty"
    empty.write_text("\n")
    result = CliRunner().invoke(main, ["mcp", "--token-file", str(empty)])
    assert result.exit_code == 2 and "holds no token" in result.output
    result = CliRunner().invoke(main, ["mcp", "--token-file", str(tmp_path / "absent")])
    assert result.exit_code == 2 and "cannot read it" in result.output


def test_the_token_is_not_an_argument() -> None:
    """A token on the command line would be visible to every user in ``ps``."""
    result = CliRunner().invoke(main, ["mcp", "--help"])
    assert "--token-file" in result.output
    assert not re.search(r"--token\b(?!-file)", result.output)
