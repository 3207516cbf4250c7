"""Web fixtures: the app over a migrated database, a populated organisation
(:mod:`tests.web.world`) and signed-in test clients.

Web tests run on SQLite; a module that imports ``engine`` from ``tests.db.conftest`` (the
access-control tests) runs on PostgreSQL as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from minutes.accounts import security
from minutes.web.app import create_app
from minutes.web.config import WebSettings
from tests.db.conftest import _sqlite_engine, factory, migrated, session
from tests.web.world import World, build

__all__ = ["factory", "migrated", "session"]

_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite only (see the module docstring)."""
    yield from _sqlite_engine(tmp_path)


@pytest.fixture(autouse=True)
def cheap_hashing() -> Iterator[None]:
    """argon2id with tiny costs: the same code paths, a thousand times faster."""
    security.set_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    security.set_hasher(PasswordHasher())


@pytest.fixture
def settings(tmp_path: Path) -> WebSettings:
    return WebSettings(media_dir=tmp_path / "media", upload_max_bytes=5 * 1024 * 1024)


@pytest.fixture
def world(factory: sessionmaker[Session], settings: WebSettings, tone: Path) -> World:
    return build(factory, settings.media_dir, tone)


@dataclass
class Browser:
    """A test client signed in as one user, with that session's CSRF token."""

    client: TestClient
    csrf: str

    def post(self, url: str, data: dict[str, str] | None = None) -> Response:
        """A form POST with the CSRF token."""
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})})


@pytest.fixture
def app_for(world: World, settings: WebSettings) -> Callable[[], TestClient]:
    def make() -> TestClient:
        return TestClient(create_app(settings, world.sessions), follow_redirects=False)

    return make


@pytest.fixture
def browser(world: World, app_for: Callable[[], TestClient]) -> Callable[[str], Browser]:
    """``browser("mona")``: a client with mona's session cookie and CSRF token."""

    def make(username: str) -> Browser:
        client = app_for()
        client.cookies.set("minutes_session", world.session_cookie(username))
        page = client.get("/meetings")
        assert page.status_code == 200, page.text
        found = _META_CSRF.search(page.text)
        assert found is not None
        return Browser(client=client, csrf=found.group(1))

    return make


@pytest.fixture
def api(world: World, app_for: Callable[[], TestClient]) -> Callable[[str], TestClient]:
    """``api("mona")``: a client that sends a fresh bearer token of mona's."""

    def make(username: str) -> TestClient:
        client = app_for()
        client.headers["Authorization"] = f"Bearer {world.token(username)}"
        return client

    return make
