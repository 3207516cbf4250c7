"""The web app while PostgreSQL is down: 503 with a clear page (JSON for the API), answered in
bounded time, and back to normal by itself once the database is back, with no restart.

The outage is the TCP-proxy cut of the batch tests (:mod:`tests.db.outage`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from minutes import db as store
from minutes.web.app import create_app
from minutes.web.config import WebSettings
from tests.db.outage import Database, proxied_database
from tests.web.world import World, build

ANSWER_WITHIN = 15.0  # seconds; libpq's connect_timeout (10 s) bounds a connection attempt


@pytest.fixture
def pg() -> Iterator[Database]:
    with proxied_database("minutes_web_outage") as database:
        yield database


@pytest.fixture
def served(pg: Database, tmp_path: Path, tone: Path) -> Iterator[tuple[World, TestClient]]:
    """The seeded organisation on PostgreSQL through the proxy, and the app over it."""
    engine = store.make_engine(pg.proxied)
    sessions = store.session_factory(engine)
    settings = WebSettings(media_dir=tmp_path / "media")
    world = build(sessions, settings.media_dir, tone)
    client = TestClient(create_app(settings, sessions), raise_server_exceptions=False, follow_redirects=False)
    yield world, client
    engine.dispose()


def _timed(call: Callable[[], Response]) -> Response:
    started = time.monotonic()
    response = call()
    assert time.monotonic() - started < ANSWER_WITHIN
    return response


@pytest.mark.postgres
def test_an_outage_is_503_with_a_clear_answer_and_the_app_recovers_by_itself(
    pg: Database, served: tuple[World, TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    world, client = served
    bearer = {"Authorization": f"Bearer {world.token('mona')}"}
    client.cookies.set("minutes_session", world.session_cookie("mona"))
    meeting = world.meetings["sales"]

    def api() -> Response:
        return client.get("/api/v1/meetings", headers=bearer)

    def page() -> Response:
        return client.get(f"/meetings/{meeting}")

    assert api().status_code == 200 and page().status_code == 200

    pg.proxy.cut()
    with caplog.at_level(logging.WARNING):
        down_api, down_page = _timed(api), _timed(page)
        down_edit = _timed(
            lambda: client.put(
                f"/api/v1/meetings/{meeting}/speakers/SPEAKER_00", json={"name": "Priya"}, headers=bearer
            )
        )

    for response in (down_api, down_edit):
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json()["detail"].startswith("the database cannot be reached right now")
        assert response.headers["retry-after"] == "30"
    assert down_page.status_code == 503
    assert "text/html" in down_page.headers["content-type"]
    assert "Temporarily unavailable" in down_page.text
    assert "the database cannot be reached right now" in down_page.text
    assert pg.proxied.split("@")[-1].split("?")[0] not in down_page.text + down_api.text  # no address
    logged = [r for r in caplog.records if r.name == "minutes.web.app"]
    assert len(logged) == 3 and all(r.exc_info is None for r in logged)
    assert "cannot reach the database at postgresql+psycopg://" in logged[0].getMessage()

    pg.proxy.restore()
    assert api().status_code == 200
    assert page().status_code == 200
    renamed = client.put(
        f"/api/v1/meetings/{meeting}/speakers/SPEAKER_00", json={"name": "Priya"}, headers=bearer
    )
    assert renamed.status_code == 200, renamed.text


def test_a_sqlite_database_locked_past_its_wait_is_503_even_at_the_commit(
    world: World, settings: WebSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit after a route (in the database dependency's teardown) fails as SQLite does when
    another process held the lock for over 30 s: 503, and the next request works."""
    import sqlite3

    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    client = TestClient(create_app(settings, world.sessions), raise_server_exceptions=False)
    client.headers["Authorization"] = f"Bearer {world.token('mona')}"
    real_commit = Session.commit
    commits = []

    def commit(self: Session) -> None:
        commits.append(1)
        if len(commits) == 2:  # the first ends the sign-in check; the second is the route's
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
        real_commit(self)

    monkeypatch.setattr(Session, "commit", commit)
    url = f"/api/v1/meetings/{world.meetings['sales']}/speakers/SPEAKER_00"

    refused = client.put(url, json={"name": "Priya"})
    assert len(commits) == 2
    assert refused.status_code == 503, refused.text
    assert refused.json()["detail"].startswith("the database cannot be reached right now")
    assert client.put(url, json={"name": "Priya"}).status_code == 200
    assert client.get(f"/api/v1/meetings/{world.meetings['sales']}").json()["speakers"][0]["name"] == "Priya"
