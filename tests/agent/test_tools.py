"""The tools' work in-process, on SQLite and PostgreSQL: what one user's archive holds and hides.

The subprocess tests (``test_mcp.py``) prove the protocol on SQLite; these prove the same
access rules on both databases, and that the admin sees everything.
"""

from __future__ import annotations

from datetime import date

import pytest

from minutes.agent import tools
from minutes.agent.tools import Archive
from minutes.errors import ConfigError, LoginRequired, NotFoundError
from tests.db.conftest import engine
from tests.web.world import World

__all__ = ["engine"]


def test_what_a_manager_can_reach(world: World) -> None:
    archive = Archive(sessions=world.sessions, token=world.token("sam"))
    support = world.meetings["support"]
    assert [m["id"] for m in tools.list_meetings(archive)["meetings"]] == [support]
    hits = tools.search(archive, "pricing")["hits"]
    assert [(h["meeting_id"], h["utterance"]) for h in hits] == [(support, 0)]
    assert {i["meeting_id"] for i in tools.list_action_items(archive)["items"]} == {support}
    assert tools.get_meeting(archive, support)["utterances"][0]["text"].startswith("Secret escalation")
    for other in ("sales", "sales_shared", "orphan"):
        with pytest.raises(NotFoundError, match=f"^no meeting with id {world.meetings[other]}$"):
            tools.get_meeting(archive, world.meetings[other])


def test_the_brief_holds_only_the_users_meetings(world: World) -> None:
    archive = Archive(sessions=world.sessions, token=world.token("sam"))
    support = world.meetings["support"]
    data = tools.brief(archive, since="2026-11-16", today=date(2026, 12, 3))  # the action is overdue
    entries = [*data["decisions"], *data["questions"], *data["overdue"]]
    entries += [e for g in data["actions"] for e in g["items"]]
    assert [m["id"] for m in data["meetings"]] == [support]
    assert {e["meeting_id"] for e in entries} == {support} and data["overdue_total"] == 1
    assert tools.brief(archive, since="2w", team="Sales", today=date(2026, 11, 24))["empty"] is True
    with pytest.raises(ConfigError, match=r"give 7d, 2w or a date \(YYYY-MM-DD\)"):
        tools.brief(archive, since="soon")


def test_an_admin_sees_every_meeting(world: World) -> None:
    archive = Archive(sessions=world.sessions, token=world.token("ada"))
    assert {m["id"] for m in tools.list_meetings(archive)["meetings"]} == set(world.meetings.values())
    assert tools.search(archive, "pricing")["total"] == 3


def test_no_token_or_a_wrong_one_is_refused(world: World) -> None:
    for token in ("", "mnt_wrong", world.token("mona")[:-1]):
        with pytest.raises(LoginRequired, match="API token is not valid"):
            tools.whoami(Archive(sessions=world.sessions, token=token))
    assert "mnt_" not in repr(Archive(sessions=world.sessions, token=world.token("mona")))
