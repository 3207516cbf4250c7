"""The ``ask`` tool's seam: offered only with an asker, which gets the question, the filters and the
token's user; ``minutes.ask`` supplies the real one where it exists (the last test, skipped until
that package is on this branch)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import anyio
import pytest
from mcp.client.client import Client

from minutes.agent.asking import AskFilters, ask_available, default_asker
from minutes.agent.server import build_server
from minutes.agent.tools import Archive
from minutes.errors import NotFoundError
from tests.web.world import World


def tool_names(archive: Archive, asker: Any) -> set[str]:
    async def names() -> set[str]:
        async with Client(build_server(archive, asker=asker)) as client:
            return {t.name for t in (await client.list_tools()).tools}

    return anyio.run(names)


def test_ask_is_offered_only_with_an_asker(world: World) -> None:
    archive = Archive(sessions=world.sessions, token=world.token("mona"))
    assert "ask" not in tool_names(archive, None)
    assert "ask" in tool_names(archive, lambda *_: {})


def test_ask_hands_the_question_filters_and_user_to_the_asker(world: World) -> None:
    archive = Archive(sessions=world.sessions, token=world.token("mona"))
    seen: list[tuple[str, AskFilters, str]] = []
    sales = world.meetings["sales"]

    def asker(archive: Archive, question: str, filters: AskFilters) -> dict[str, Any]:
        actor = archive.run(lambda _session, actor: actor)
        assert actor.principal is not None
        seen.append((question, filters, actor.principal.username))
        if filters.meeting_ids == (999,):
            raise NotFoundError("no meeting with id 999")
        citation = {"meeting_id": sales, "utterance": 0, "start": 0.5, "end": 2.0, "speaker": "SPEAKER_00"}
        return {"answer": "v2 ships in November.", "found": True, "sentences": [{"citations": [citation]}]}

    async def scenario() -> None:
        async with Client(build_server(archive, asker=asker)) as client:
            result = await client.call_tool(
                "ask",
                {"question": "When does v2 ship?", "since": "2026-11-01", "team_id": 1, "person": "Priya"},
            )
            assert not result.is_error
            answer = json.loads(result.content[0].text)  # type: ignore[union-attr]
            assert answer["sentences"][0]["citations"][0]["meeting_id"] == sales
            refused = await client.call_tool("ask", {"question": "x", "meeting_ids": [999]})
            assert refused.is_error
            assert refused.content[0].text.endswith("no meeting with id 999")  # type: ignore[union-attr]

    anyio.run(scenario)
    assert seen[0] == (
        "When does v2 ship?",
        AskFilters(meeting_ids=(), since=date(2026, 11, 1), team_id=1, person="Priya"),
        "mona",
    )
    assert seen[1][1].meeting_ids == (999,)


def test_the_default_asker_is_there_exactly_when_minutes_ask_is() -> None:
    assert (default_asker() is not None) == ask_available()


@pytest.mark.skipif(not ask_available(), reason="minutes.ask is not on this branch yet")
def test_minutes_ask_provides_the_ask_tool(world: World) -> None:
    archive = Archive(sessions=world.sessions, token=world.token("mona"))
    assert "ask" in tool_names(archive, default_asker())
