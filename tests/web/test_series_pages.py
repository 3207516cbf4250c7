"""Series and the ledger on the web: put meetings in a series, see what was promised and whether it
happened (pages, API, Markdown export), undo a wrong link, and only ever from meetings the viewer
may see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from minutes.db import replace_transcript, save_minutes, session_scope
from minutes.types import Minutes, Speaker, Utterance
from tests.web.conftest import Browser
from tests.web.world import World


def later_meeting(world: World, key: str, team: str, line: str) -> int:
    mid = world.add_meeting(key, team=team, words="Next week", date=datetime(2026, 11, 27, 10, tzinfo=UTC))
    with session_scope(world.sessions) as s:
        said = (
            Utterance(0, "SPEAKER_00", 0.5, 2.0, "Where are we on the budget?"),
            Utterance(1, "SPEAKER_01", 2.2, 4.0, line),
        )
        replace_transcript(
            s,
            meeting_id=mid,
            utterances=said,
            speakers=(Speaker("SPEAKER_00"), Speaker("SPEAKER_01")),
            embeddings={},
        )
        save_minutes(s, meeting_id=mid, minutes=Minutes(summary="", items=(), language="en"))
    return mid


def test_a_series_shows_what_was_promised_and_whether_it_happened(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient]
) -> None:
    later = later_meeting(world, "sales_next", "Sales", "I sent the budget to finance on Tuesday.")
    mona = browser("mona")
    for key in ("sales", "sales_next"):
        assert (
            mona.post(f"/meetings/{world.meetings[key]}/series", {"name": "Sales weekly"}).status_code == 303
        )
        assert 'data-testid="series-link"' in mona.client.get(f"/meetings/{world.meetings[key]}").text

    ledger = api("mona").get("/api/v1/ledger").json()
    assert [(c["text"], c["status"], c["owner"]) for c in ledger] == [
        ("Send the budget", "done", "SPEAKER_01")
    ]
    done = ledger[0]["history"][1]
    assert (done["event"], done["meeting_id"], done["line"], done["said"]) == (
        "done",
        later,
        1,
        "I sent the budget to finance on Tuesday.",
    )
    series_id = ledger[0]["series_id"]
    page = mona.client.get(f"/series/{series_id}").text
    assert "Sales weekly" in page and 'data-testid="commitments"' in page and 'data-status="done"' in page
    assert f'href="/meetings/{later}?t=2.2#u-1"' in page
    meeting = mona.client.get(f"/meetings/{later}").text
    assert 'data-testid="since-last-time"' in meeting and "✓ SPEAKER_01: Send the budget" in meeting
    md = mona.client.get(f"/meetings/{later}/export/md").text
    assert "## Since last time" in md and "- SPEAKER\\_01: Send the budget (due 2026-11-27)" in md
    assert [c["text"] for c in api("mona").get("/api/v1/ledger?status=open").json()] == []
    assert mona.client.get("/ledger?status=done").text.count('data-status="done"') == 1

    # A wrong link undone by hand stays undone, also when the minutes are written again.
    assert (
        api("mona").post(f"/api/v1/ledger/links/{done['link_id']}", json={"accept": False}).status_code == 200
    )
    with session_scope(world.sessions) as s:
        save_minutes(s, meeting_id=later, minutes=Minutes(summary="", items=(), language="en"))
    again = api("mona").get("/api/v1/ledger").json()
    assert [(c["status"], len(c["history"])) for c in again] == [("overdue", 1)]


def test_the_ledger_shows_only_meetings_the_viewer_may_see(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient]
) -> None:
    later_meeting(world, "support_next", "Support", "I sent the budget over yesterday.")
    ada = api("ada")
    for key in ("sales", "support", "support_next"):
        assert (
            ada.put(f"/api/v1/meetings/{world.meetings[key]}/series", json={"name": "Mixed"}).status_code
            == 200
        )
    series_id = ada.get("/api/v1/series").json()[0]["id"]

    mona = api("mona").get(f"/api/v1/series/{series_id}").json()
    assert [m["id"] for m in mona["meetings"]] == [world.meetings["sales"]]
    assert all(e["meeting_id"] == world.meetings["sales"] for c in mona["commitments"] for e in c["history"])
    sam = api("sam").get("/api/v1/ledger").json()
    assert {e["meeting_id"] for c in sam for e in c["history"]} <= {
        world.meetings["support"],
        world.meetings["support_next"],
    }
    assert api("mel").get(f"/api/v1/series/{series_id}").status_code == 404
    assert api("mel").get("/api/v1/series").json() == []
    # mel may read the shared meeting but not change it; nobody may put a hidden meeting in a series.
    assert (
        api("mel")
        .put(f"/api/v1/meetings/{world.meetings['sales_shared']}/series", json={"name": "x"})
        .status_code
        == 403
    )
    assert (
        api("mona")
        .put(f"/api/v1/meetings/{world.meetings['support']}/series", json={"name": "x"})
        .status_code
        == 404
    )
    assert browser("mona").client.get("/series").text.count('href="/series/') == 1


def test_a_meeting_page_suggests_a_series_and_takes_a_meeting_out(
    world: World, browser: Callable[[str], Browser]
) -> None:
    mona = browser("mona")
    mona.post(f"/meetings/{world.meetings['sales']}/series", {"name": "Sales weekly"})
    later = world.add_meeting("sales 2", team="Sales", words="Again", date=datetime(2026, 11, 27, tzinfo=UTC))
    page = mona.client.get(f"/meetings/{later}").text
    assert 'data-testid="series-suggestion"' in page and "Sales weekly" in page
    assert mona.post(f"/meetings/{world.meetings['sales']}/series", {"name": ""}).status_code == 303
    assert 'data-testid="series-link"' not in mona.client.get(f"/meetings/{world.meetings['sales']}").text
    assert mona.post(f"/meetings/{later}/series", {"name": "\x1b[31mred"}).status_code == 422
