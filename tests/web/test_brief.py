"""The brief over a small archive, on SQLite and PostgreSQL: content, access rules, filters, the page.

The world (tests/web/world.py): Sales (manager mona, member mel, who is shared ``sales_shared``),
Support (manager sam), admin ada; four meetings on 2026-11-20, each with one decision (line 0),
one action item for SPEAKER_01 due 2026-11-27 (line 1) and one open question (line 2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from minutes.accounts import access, reads
from minutes.accounts.users import get_user, principal_named
from minutes.brief import Brief
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
