"""The MCP ``ask`` tool over the real ``minutes.ask`` (fake model and embedder): a manager's agent
gets answers from their team's meetings only; another team's meeting is never cited or shown to
the model."""

from __future__ import annotations

import json

import anyio
import pytest

from minutes import factory
from minutes.agent.asking import default_asker
from minutes.agent.server import build_server
from minutes.agent.tools import Archive
from minutes.ask.indexing import index_meetings
from tests.fakes import FakeAskLLM, FakeEmbedder
from tests.web.world import World


def test_the_agent_asks_within_its_users_meetings(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from mcp.client.client import Client

    llm, embedder = FakeAskLLM(), FakeEmbedder()
    monkeypatch.setattr(factory, "build_asker", lambda *a, **k: (llm, embedder))
    assert not index_meetings(world.sessions, embedder).failed
    archive = Archive(sessions=world.sessions, token=world.token("mona"))

    async def scenario() -> dict[str, object]:
        async with Client(build_server(archive, asker=default_asker())) as client:
            result = await client.call_tool("ask", {"question": "pricing"})
            assert not result.is_error
            answer: dict[str, object] = json.loads(result.content[0].text)  # type: ignore[union-attr]
            return answer

    answer = anyio.run(scenario)
    assert answer["found"] is True
    cited = {c["meeting_id"] for s in answer["sentences"] for c in s["citations"]}  # type: ignore[attr-defined]
    assert cited == {world.meetings["sales"]}
    assert all("escalation about" not in p and "Board pricing" not in p for p in llm.prompts)
