"""The brief over a small archive, on SQLite and PostgreSQL: content, access rules, filters, the page.

The world (tests/web/world.py): Sales (manager mona, member mel, who is shared ``sales_shared``),
Support (manager sam), admin ada; four meetings on 2026-11-20, each with one decision (line 0),
one action item for SPEAKER_01 due 2026-11-27 (line 1) and one open question (line 2).
``GET /api/v1/brief`` is tested here too: the same JSON as ``minutes brief --format json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from minutes.accounts import access, reads
from minutes.accounts.users import get_user, principal_named
from minutes.brief import Brief, render
from minutes.db import rename_speaker, session_scope
from minutes.errors import ConfigError, Forbidden, NotFoundError
from minutes.web.routes import brief as brief_route
from tests.db.conftest import engine
from tests.web.conftest import Browser
from tests.web.world import World

__all__ = ["engine"]  # both backends for this module

SINCE = date(2026, 11, 16)
BEFORE_DUE = date(2026, 11, 24)  # the item due 2026-11-27 is due soon
AFTER_DUE = date(2026, 12, 3)  # ... and overdue


def _brief(
    world: World, user: str | None, *, today: date = BEFORE_DUE, since: date = SINCE, **kw: object
) -> Brief:
    with session_scope(world.sessions) as s:
        principal = principal_named(s, user) if user else None
        return reads.brief(s, principal, since=since, today=today, **kw)  # type: ignore[arg-type]


def _titles(brief: Brief) -> set[str]:
    return {m.title for m in brief.meetings}


def test_content_of_the_brief(world: World) -> None:
    with session_scope(world.sessions) as s:
        rename_speaker(s, meeting_id=world.meetings["sales"], label="SPEAKER_01", name="Priya Shah")
    brief = _brief(world, "mona")
    assert _titles(brief) == {"Sales weekly", "Sales_Shared weekly"}
    sales = next(m for m in brief.meetings if m.id == world.meetings["sales"])
    assert sales.gist == "The budget was agreed."
    assert sales.people == ("SPEAKER_00", "Priya Shah")
    assert sales.team == "Sales"
    decision = next(e for e in brief.decisions if e.meeting_id == world.meetings["sales"])
    assert decision.text == "Ship v2 in November"
    assert (decision.moment.utterance, decision.moment.start) == (0, 0.5)
    assert decision.moment.link == f"/meetings/{world.meetings['sales']}?t=0.5#u-0"
    assert decision.speaker == "SPEAKER_00"
    owners = {g.owner: [e.meeting_id for e in g.items] for g in brief.actions}
    assert owners == {"Priya Shah": [world.meetings["sales"]], "SPEAKER_01": [world.meetings["sales_shared"]]}
    action = brief.actions[0].items[0]
    assert (action.moment.utterance, action.moment.start, action.due) == (1, 2.2, date(2026, 11, 27))
    assert {e.text for e in brief.due_soon} == {"Send the budget"} and len(brief.due_soon) == 2
    assert brief.overdue == ()
    question = brief.questions[0]
    assert question.text == "Who pays for hosting?" and not question.supported
    assert question.moment.utterance == 2


def test_overdue_against_today_and_done_items_leave(world: World) -> None:
    late = _brief(world, "mona", today=AFTER_DUE)
    assert len(late.overdue) == 2 and late.overdue_total == 2 and late.due_soon == ()
    with session_scope(world.sessions) as s:
        from minutes.db import set_item_done

        set_item_done(s, meeting_id=world.meetings["sales"], position=1, done=True)
    after = _brief(world, "mona", today=AFTER_DUE)
    assert [e.meeting_id for e in after.overdue] == [world.meetings["sales_shared"]]


@pytest.mark.parametrize(
    ("user", "seen"),
    [
        ("ada", {"Sales weekly", "Sales_Shared weekly", "Support weekly", "Orphan weekly"}),
        ("mona", {"Sales weekly", "Sales_Shared weekly"}),
        ("mel", {"Sales_Shared weekly"}),
        ("sam", {"Support weekly"}),
        (None, {"Sales weekly", "Sales_Shared weekly", "Support weekly", "Orphan weekly"}),  # the operator
    ],
)
def test_only_meetings_the_reader_may_see(world: World, user: str | None, seen: set[str]) -> None:
    brief = _brief(world, user, today=AFTER_DUE)
    allowed = {world.meetings[k] for k in world.meetings if f"{k.title()} weekly" in seen}
    assert _titles(brief) == seen
    every = [*brief.decisions, *brief.questions, *brief.overdue, *(e for g in brief.actions for e in g.items)]
    assert {e.meeting_id for e in every} == allowed


def test_since_team_and_person(world: World) -> None:
    world.add_meeting("later", team="Sales", words="Later talk", date=datetime(2026, 11, 23, 9, tzinfo=UTC))
    assert _titles(_brief(world, "mona", since=date(2026, 11, 21))) == {"Later weekly"}
    assert _titles(_brief(world, "ada", team="Support")) == {"Support weekly"}
    assert _titles(_brief(world, "ada", team=world.teams["Support"])) == {"Support weekly"}
    assert _titles(_brief(world, "mona", team="Support")) == set()  # a filter, not a way in
    with session_scope(world.sessions) as s:
        rename_speaker(s, meeting_id=world.meetings["sales"], label="SPEAKER_00", name="Priya Shah")
        rename_speaker(s, meeting_id=world.meetings["sales_shared"], label="SPEAKER_01", name="Priya Shah")
    by_person = _brief(world, "mona", person="priya")
    assert _titles(by_person) == {"Sales weekly", "Sales_Shared weekly"}
    # Her items only: she owns the sales_shared action (SPEAKER_01 there), not the sales one.
    assert [e.meeting_id for g in by_person.actions for e in g.items] == [world.meetings["sales_shared"]]
    assert [e.meeting_id for e in by_person.due_soon] == [world.meetings["sales_shared"]]
    assert len(by_person.decisions) == 2
    nobody = _brief(world, "mona", person="nobody")
    assert nobody.empty


def test_bad_filters_are_refused(world: World) -> None:
    with pytest.raises(NotFoundError, match="no team 'Nope'"):
        _brief(world, "ada", team="Nope")
    with pytest.raises(ConfigError, match="after today"):
        _brief(world, "ada", since=date(2026, 12, 1), today=BEFORE_DUE)
    with session_scope(world.sessions) as s:
        get_user(s, "mel").is_active = False
    with pytest.raises(Forbidden, match="disabled"):
        _brief(world, "mel")


def test_access_rules_come_from_the_one_place(world: World) -> None:
    with session_scope(world.sessions) as s:
        principal = principal_named(s, "mel")
        assert access.filter_visible(s, principal, world.meetings.values()) == {
            world.meetings["sales_shared"]
        }


# The page ---------------------------------------------------------------------------------------


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brief_route, "today_here", lambda: BEFORE_DUE)


@pytest.mark.usefixtures("fixed_today")
def test_page_renders_with_links_to_moments(world: World, browser: Callable[[str], Browser]) -> None:
    page = browser("mona").client.get("/brief", params={"since": "2026-11-16"})
    assert page.status_code == 200, page.text
    html = page.text
    assert '<a href="/brief" aria-current="page">This week</a>' in html
    assert "Brief: 2026-11-16 to 2026-11-24" in html
    sales, shared = world.meetings["sales"], world.meetings["sales_shared"]
    assert f'href="/meetings/{sales}"' in html and f'href="/meetings/{shared}"' in html
    assert f'href="/meetings/{sales}?t=0.5#u-0"' in html  # decision
    assert f'href="/meetings/{sales}?t=2.2#u-1"' in html  # action
    assert f'href="/meetings/{sales}?t=4.5#u-2"' in html  # question
    assert "Support weekly" not in html and "Orphan weekly" not in html
    for section in ("meetings", "decisions", "actions", "overdue", "due-soon", "questions"):
        assert f'data-testid="brief-{section}"' in html
    # A link from the brief opens the meeting page at that line.
    link = re.search(r'href="(/meetings/\d+\?t=[\d.]+#u-\d+)"', html)
    assert link is not None
    opened = browser("mona").client.get(link.group(1).split("#")[0])
    assert opened.status_code == 200 and 'id="u-0"' in opened.text


@pytest.mark.usefixtures("fixed_today")
def test_page_for_another_team_and_empty_week(world: World, browser: Callable[[str], Browser]) -> None:
    sam = browser("sam").client
    html = sam.get("/brief", params={"since": "2w"}).text
    assert "Support weekly" in html and "Sales weekly" not in html
    assert 'data-testid="brief-empty"' not in html
    today = sam.get("/brief", params={"since": "1d"}).text  # no meeting today, one action due soon
    assert "Meetings (0)" in today and 'data-testid="brief-empty"' not in today
    due_soon = today.split('data-testid="brief-due-soon"')[1].split("</section>")[0]
    assert "Send the budget" in due_soon and "Support weekly" in due_soon
    nobody = sam.get("/brief", params={"person": "nobody"}).text
    assert 'data-testid="brief-empty"' in nobody and "No meetings you can see between" in nobody
    refused = sam.get("/brief", params={"since": "yesterday"})
    assert refused.status_code == 400 and "give 7d, 2w or a date" in refused.text
    assert sam.get("/brief", params={"team": str(world.teams["Sales"])}).status_code == 200


def test_page_needs_a_signed_in_user(world: World, app_for: Callable[[], object]) -> None:
    client = app_for()
    answer = client.get("/brief")  # type: ignore[attr-defined]
    assert answer.status_code in (303, 401)


# The API ----------------------------------------------------------------------------------------


def _every_entry(data: dict[str, Any]) -> list[dict[str, Any]]:
    every = data["decisions"] + data["questions"] + data["overdue"] + data["due_soon"]
    return every + [e for g in data["actions"] for e in g["items"]]


@pytest.mark.usefixtures("fixed_today")
def test_api_answers_the_json_of_the_command_line(world: World, api: Callable[[str], TestClient]) -> None:
    answer = api("mona").get("/api/v1/brief", params={"since": "2026-11-16"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    # Byte for byte what `minutes brief --format json --user mona` prints for the same days.
    assert answer.text == render(_brief(world, "mona", since=SINCE, today=BEFORE_DUE), "json")
    data = answer.json()
    assert data["schema"] == "minutes.brief/1"
    assert (data["since"], data["until"]) == ("2026-11-16", "2026-11-24")
    sales = world.meetings["sales"]
    assert {m["title"] for m in data["meetings"]} == {"Sales weekly", "Sales_Shared weekly"}
    decision = next(e for e in data["decisions"] if e["meeting_id"] == sales)
    assert (decision["text"], decision["utterance"], decision["start"]) == ("Ship v2 in November", 0, 0.5)
    assert decision["link"] == f"/meetings/{sales}?t=0.5#u-0"
    assert {e["text"] for e in data["due_soon"]} == {"Send the budget"}
    week = api("mona").get("/api/v1/brief").json()  # 7d by default: 2026-11-18 to today
    assert week["since"] == "2026-11-18" and len(week["meetings"]) == 2


@pytest.mark.usefixtures("fixed_today")
def test_api_never_shows_another_teams_meeting(world: World, api: Callable[[str], TestClient]) -> None:
    hidden = {world.meetings[k] for k in ("support", "orphan")}
    sales = api("mona")
    for params in ({"since": "2w"}, {"team": "Support"}, {"team": str(world.teams["Support"])}):
        data = sales.get("/api/v1/brief", params=params).json()
        shown = {m["id"] for m in data["meetings"]} | {e["meeting_id"] for e in _every_entry(data)}
        assert not shown & hidden, params
        assert "Support weekly" not in json.dumps(data) and "Secret escalation" not in json.dumps(data)
    assert sales.get("/api/v1/brief", params={"team": "Support"}).json()["empty"] is True
    sam = api("sam").get("/api/v1/brief", params={"since": "2w"}).json()
    assert {e["meeting_id"] for e in _every_entry(sam)} == {world.meetings["support"]}
    mel = api("mel").get("/api/v1/brief", params={"since": "2w", "team": "Sales"}).json()
    assert [m["id"] for m in mel["meetings"]] == [world.meetings["sales_shared"]]


@pytest.mark.usefixtures("fixed_today")
def test_api_refuses_bad_input_clearly(world: World, api: Callable[[str], TestClient]) -> None:
    client = api("mona")
    for since, words in (
        ("yesterday", "give 7d, 2w or a date (YYYY-MM-DD)"),
        ("0d", "give 1 to 3660 days"),
        ("2026-12-01", "after today (2026-11-24)"),
    ):
        refused = client.get("/api/v1/brief", params={"since": since})
        assert refused.status_code == 422, refused.text
        assert words in refused.json()["detail"] and since in refused.json()["detail"]
    for team in ("Nope", str(2**63), str(2**31), "²"):  # too large for the column, not ASCII digits
        unknown = client.get("/api/v1/brief", params={"team": team})
        assert unknown.status_code == 404 and f"no team '{team}'" in unknown.json()["detail"]
    assert client.get("/api/v1/brief", params={"since": "7" * 40}).status_code == 422  # too long
    anonymous = TestClient(client.app).get("/api/v1/brief")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
