"""Ask fixtures: the web tests' organisation (two teams, four meetings) plus one meeting that says
"recruit two developers", indexed with the fake embedder; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from minutes.ask.indexing import index_meetings
from minutes.web.asking import Asker
from tests.db.conftest import engine, factory, migrated, session
from tests.fakes import FakeAskLLM, FakeEmbedder
from tests.web.conftest import api, app_for, cheap_hashing, settings, world
from tests.web.world import World

__all__ = ["api", "app_for", "cheap_hashing", "engine", "factory", "migrated", "session", "settings", "world"]


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def llm() -> FakeAskLLM:
    return FakeAskLLM()


@pytest.fixture
def archive(world: World, embedder: FakeEmbedder) -> World:
    """The world with a Sales hiring meeting and a Support one, every meeting indexed."""
    world.add_meeting("hiring", team="Sales", words="We will recruit two developers next quarter")
    world.add_meeting("support_hiring", team="Support", words="Support will recruit developers secretly")
    report = index_meetings(world.sessions, embedder)
    assert not report.failed and len(report.ran) == 6
    return world


@pytest.fixture
def asking(
    archive: World, app_for: Callable[[], TestClient], llm: FakeAskLLM, embedder: FakeEmbedder
) -> Callable[[str], TestClient]:
    """``asking("mona")``: an API client of mona's whose server asks the fake model."""

    def make(username: str) -> TestClient:
        client = app_for()
        client.app.state.asker = Asker(lambda: (llm, embedder))  # type: ignore[attr-defined]
        client.headers["Authorization"] = f"Bearer {archive.token(username)}"
        return client

    return make
