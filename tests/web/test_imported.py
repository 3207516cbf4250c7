"""An imported meeting (no audio) on the web: its page says where it came from and offers no player,
its API says so too, its exports download, its lines are found; like any meeting with no team,
only admins see it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from minutes.db.meeting_store import SqlMeetingStore
from minutes.pipeline.importer import TranscriptImporter
from minutes.summarize.summarizer import Summarizer
from tests.fakes import FakeLLM
from tests.web.conftest import Browser
from tests.web.world import World

SRT = (
    "1\n00:00:01,000 --> 00:00:03,500\nCarol: The quarterly roadmap is ready.\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\n[Dan] I will review the roadmap by Friday.\n"
)


@pytest.fixture
def imported(world: World, tmp_path: Path) -> int:
    path = tmp_path / "roadmap.srt"
    path.write_text(SRT, encoding="utf-8")
    importer = TranscriptImporter(store=SqlMeetingStore(world.sessions), summarizer=Summarizer(FakeLLM()))
    meeting_id = importer.import_file(path).meeting_id
    assert meeting_id is not None
    return meeting_id


def test_the_page_says_it_was_imported_and_has_no_player(
    imported: int, browser: Callable[[str], Browser]
) -> None:
    page = browser("ada").client.get(f"/meetings/{imported}")
    assert page.status_code == 200, page.text
    assert 'data-testid="imported"' in page.text and "imported from a transcript (srt)" in page.text
    assert 'data-testid="player"' not in page.text
    assert "The quarterly roadmap is ready." in page.text and "Dan" in page.text


def test_the_api_exports_media_and_search(imported: int, api: Callable[[str], TestClient]) -> None:
    ada = api("ada")
    detail = ada.get(f"/api/v1/meetings/{imported}").json()
    assert (detail["imported"], detail["has_media"], detail["utterances"]) == ("srt", False, 2)
    assert [s["name"] for s in detail["speakers"]] == ["Carol", "Dan"]
    assert ada.get(f"/api/v1/meetings/{imported}/media").status_code == 404
    for fmt in ("md", "json", "txt", "srt", "vtt", "rttm"):
        response = ada.get(f"/meetings/{imported}/export/{fmt}")
        assert response.status_code == 200 and "roadmap" in response.text.lower(), fmt
    hits = ada.get("/api/v1/search", params={"q": "roadmap"}).json()
    assert {h["meeting_id"] for h in hits["hits"]} == {imported} and hits["total"] == 2


def test_like_any_meeting_without_a_team_only_admins_see_it(
    imported: int, api: Callable[[str], TestClient]
) -> None:
    assert api("mona").get(f"/api/v1/meetings/{imported}").status_code == 404
    assert api("mona").get("/api/v1/search", params={"q": "roadmap"}).json()["total"] == 0
