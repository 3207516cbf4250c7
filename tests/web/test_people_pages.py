"""The people pages: everyone named, one person's figures, chart, meetings and commitments, and
only ever from meetings the viewer may see (pages and API)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from minutes.db import rename_speaker, session_scope
from tests.web.conftest import Browser
from tests.web.world import World


def name_priya(world: World, *keys: str) -> None:
    with session_scope(world.sessions) as s:
        for key in keys:
            rename_speaker(s, meeting_id=world.meetings[key], label="SPEAKER_01", name="Priya Shah")


def test_a_person_page_counts_only_the_meetings_the_viewer_may_see(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient]
) -> None:
    name_priya(world, "sales", "sales_shared", "support")

    mona = browser("mona").client.get("/people/priya%20shah")
    assert mona.status_code == 200
    assert "2 meetings, 0.0 h, 34% of the talk; 2 action items, 0 done." in mona.text
    assert mona.text.count("Send the budget") == 2 and 'data-testid="trend"' in mona.text
    assert "Support weekly" not in mona.text and "Sales weekly" in mona.text
    mel = browser("mel").client.get("/people/Priya%20Shah")
    assert (
        "1 meeting, 0.0 h" in mel.text
        and "Sales_Shared weekly" in mel.text
        and "Sales weekly<" not in mel.text
    )
    figures = api("sam").get("/api/v1/people/Priya Shah").json()["figures"]
    assert (figures["meetings"], figures["actions"]) == (1, 1)
    team = browser("mona").client.get(f"/people?team={world.teams['Sales']}").text
    assert 'data-testid="team-trend"' in team and "<td>2</td><td>0.0</td><td>2</td><td>0</td>" in team
    listed = browser("mona").client.get("/people").text
    assert '<a href="/people/Priya%20Shah">Priya Shah</a></td><td>2</td>' in listed
    meeting = browser("mona").client.get(f"/meetings/{world.meetings['sales']}").text
    assert '<a href="/people/Priya%20Shah">Priya Shah</a>' in meeting


def test_a_person_only_in_hidden_meetings_is_not_found(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient]
) -> None:
    name_priya(world, "support")

    assert browser("mona").client.get("/people/Priya Shah").status_code == 404
    assert api("mona").get("/api/v1/people/Priya Shah").status_code == 404
    assert api("mona").get("/api/v1/people").json() == []
    assert [p["name"] for p in api("ada").get("/api/v1/people").json()] == ["Priya Shah"]


def test_a_name_with_a_slash_still_has_a_page(world: World, browser: Callable[[str], Browser]) -> None:
    with session_scope(world.sessions) as s:
        rename_speaker(s, meeting_id=world.meetings["sales"], label="SPEAKER_01", name="Ana/Ann Ruiz")
    mona = browser("mona").client
    meeting = mona.get(f"/meetings/{world.meetings['sales']}").text
    href = meeting.split('<a href="/people/', 1)[1].split('"', 1)[0]

    page = mona.get(f"/people/{href}")

    assert page.status_code == 200 and "Ana/Ann Ruiz" in page.text
