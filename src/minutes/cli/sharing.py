"""``minutes meetings`` (a meeting's team and shares) and ``minutes audit`` (the audit log)."""

from __future__ import annotations

import json
from typing import Any

import click

from minutes.cli import actor
from minutes.cli.errors import EXIT_USAGE, errors, fail
from minutes.cli.params import COUNT, ID
from minutes.cli.store import sessions
from minutes.controls import one_line

# --- meetings: team and shares -----------------------------------------------------------------


def _record(session: Any, action: str, meeting_id: int, *, detail: dict[str, Any]) -> None:
    """Audit one change to a meeting's sharing (the entry every command here writes)."""
    actor.record(
        session, action, object_type="meeting", object_id=meeting_id, meeting_id=meeting_id, detail=detail
    )


@click.group()
def meetings() -> None:
    """Which team a meeting belongs to and whom it is shared with."""


@meetings.command("assign")
@click.argument("meeting_id", type=ID)
@click.option("--team", help="Team name or id.")
@click.option("--no-team", is_flag=True, help="Take it out of its team (admins only see it then).")
def meetings_assign(meeting_id: int, team: str | None, no_team: bool) -> None:
    """Put a meeting in a team: the team's managers see and edit it."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    if (team is None) == (not no_team):
        fail("give --team NAME or --no-team", EXIT_USAGE)
    with errors(), store.session_scope(sessions()) as s:
        found = accounts.assign_meeting(s, meeting_id=meeting_id, team=team)
        _record(s, "assign_team", meeting_id, detail={"team": found.name if found else None})
    click.echo(f"meeting {meeting_id}: " + (f"team {found.name}" if found else "no team (admins only)"))


@meetings.command("share")
@click.argument("meeting_id", type=ID)
@click.option("--user", "username", required=True, help="Who may read it.")
def meetings_share(meeting_id: int, username: str) -> None:
    """Let a user read a meeting."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        user = accounts.share_meeting(s, meeting_id=meeting_id, username=username)
        _record(s, "share", meeting_id, detail={"user": user.username})
    click.echo(f"meeting {meeting_id} shared with {user.username}")


@meetings.command("unshare")
@click.argument("meeting_id", type=ID)
@click.option("--user", "username", required=True, help="Who may no longer read it.")
def meetings_unshare(meeting_id: int, username: str) -> None:
    """Stop sharing a meeting with a user."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        accounts.unshare_meeting(s, meeting_id=meeting_id, username=username)
        _record(s, "unshare", meeting_id, detail={"user": username.lower()})
    click.echo(f"meeting {meeting_id} no longer shared with {username.lower()}")


# --- audit -------------------------------------------------------------------------------------


@click.command()
@click.option("--user", help="Only this user's entries.")
@click.option("--action", help="Only this action (view, export, delete, ...).")
@click.option("--meeting", "meeting_id", type=ID, help="Only entries about this meeting.")
@click.option("--limit", type=COUNT, default=50, show_default=True, help="Newest N entries.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def audit(user: str | None, action: str | None, meeting_id: int | None, limit: int, as_json: bool) -> None:
    """Show the audit log: who viewed, exported, edited or deleted what, newest first."""
    from minutes import db as store
    from minutes.accounts import audit as log_

    with errors(), store.session_scope(sessions()) as s:
        found = log_.entries(s, username=user, action=action, meeting_id=meeting_id, limit=limit)
        rows = [
            {
                "at": e.at.isoformat(),
                "user": e.username,
                "action": e.action,
                "object": f"{e.object_type} {e.object_id or ''}".strip(),
                "meeting_id": e.meeting_id,
                "detail": e.detail,
                "ip": e.ip,
                "via": e.via,
            }
            for e in found.entries
        ]
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            detail = json.dumps(row["detail"], ensure_ascii=False) if row["detail"] else ""
            fields = (str(row["at"])[:19], row["user"] or "-", row["action"], row["object"], detail)
            click.echo("  ".join(one_line(str(f)) for f in fields).rstrip())  # a name cannot forge a line


COMMANDS: tuple[click.Command, ...] = (meetings, audit)
