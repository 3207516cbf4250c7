"""The ``ask`` tool's seam: offered only with an asker, which gets the question, the filters and the
token's user; ``minutes.ask`` supplies the real one where it exists (the last test, skipped until
that package is on this branch)."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass
from datetime import date
from importlib.machinery import ModuleSpec
from typing import Any

import anyio
import pytest
from mcp.client.client import Client

from minutes import factory, settings
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
                {"question": "When does v2 ship?", "since": "2026-11-01", "team": "Sales", "person": "Priya"},
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
        AskFilters(meeting_ids=(), since=date(2026, 11, 1), team="Sales", person="Priya"),
        "mona",
    )
    assert seen[1][1].meeting_ids == (999,)


def test_the_default_asker_is_there_exactly_when_minutes_ask_is() -> None:
    assert (default_asker() is not None) == ask_available()


def test_the_package_asker_calls_minutes_ask_as_it_is_documented(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in ``minutes.ask`` (its documented entry point): the asker builds the models once,
    passes the token's user and the filters, and returns ``Answer.to_dict()``."""
    calls: list[dict[str, Any]] = []
    built: list[object] = []

    @dataclass(frozen=True)
    class StandInFilters:
        meeting_ids: tuple[int, ...] = ()
        since: date | None = None
        team: str | None = None
        person: str | None = None

    class StandInAnswer:
        def to_dict(self) -> dict[str, Any]:
            return {
                "answer": "not found in the meetings you can see",
                "found": False,
                "quoted": False,
                "sentences": [],
            }

    def answer(sessions: Any, actor: Any, question: str, **kwargs: Any) -> StandInAnswer:
        calls.append({"sessions": sessions, "user": actor.principal.username, "question": question, **kwargs})
        return StandInAnswer()

    stand_in = types.ModuleType("minutes.ask")
    stand_in.__spec__ = ModuleSpec("minutes.ask", None)
    stand_in.answer = answer  # type: ignore[attr-defined]
    stand_in.AskFilters = StandInFilters  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "minutes.ask", stand_in)
    monkeypatch.setattr(settings, "load_preset", lambda name: f"preset {name}")

    def build_asker(preset: object) -> tuple[str, str]:
        built.append(preset)
        return "llm", "embedder"

    monkeypatch.setattr(factory, "build_asker", build_asker, raising=False)
    asker = default_asker()
    assert asker is not None
    archive = Archive(sessions=world.sessions, token=world.token("mel"))
    for _ in range(2):
        result = asker(archive, "pricing?", AskFilters(meeting_ids=(3,), team="Sales"))
    assert result["found"] is False
    assert built == ["preset None"]  # the models are built once
    assert calls[0] == {
        "sessions": world.sessions,
        "user": "mel",
        "question": "pricing?",
        "llm": "llm",
        "embedder": "embedder",
        "filters": StandInFilters(meeting_ids=(3,), team="Sales"),
    }


@pytest.mark.skipif(not ask_available(), reason="minutes.ask is not on this branch yet")
def test_minutes_ask_provides_the_ask_tool(world: World) -> None:
    archive = Archive(sessions=world.sessions, token=world.token("mona"))
    assert "ask" in tool_names(archive, default_asker())
