"""``minutes users`` and ``minutes teams``: accounts for the web app and the API, and their teams."""

from __future__ import annotations

import json
import sys

import click

from minutes.cli import actor
from minutes.cli.errors import EXIT_USAGE, errors, fail
from minutes.cli.params import ID
from minutes.cli.store import sessions


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("--password-stdin: nothing on standard input; pipe the password in, one line", EXIT_USAGE)
        return line.rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    return value


def _set_active(name: str, *, active: bool) -> None:
    """What ``users disable`` and ``users enable`` share."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        accounts.set_active(s, username=name, active=active)
    click.echo(f"{name.lower()} {'enabled' if active else 'disabled'}")


# --- users -------------------------------------------------------------------------------------


@click.group()
def users() -> None:
    """Accounts for the web app and the API."""


@users.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True, help="An administrator: sees and edits every meeting.")
@click.option("--display-name", help="The name shown on pages [default: NAME].")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
def users_create(name: str, admin: bool, display_name: str | None, password_stdin: bool) -> None:
    """Create a user; asks for the password twice (or reads it with --password-stdin)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors():
        accounts.normalize_username(name)
        password = _read_password(password_stdin)
        accounts.check_password(password)
        with store.session_scope(sessions()) as s:
            user = accounts.create_user(
                s, username=name, password=password, admin=admin, display_name=display_name
            )
            created = user.username
    click.echo(f"created {'admin ' if admin else ''}user {created}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def users_list(as_json: bool) -> None:
    """List users with their teams and roles."""
    from dataclasses import asdict

    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        rows = accounts.list_users(s)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], indent=2, default=str))
        return
    if not rows:
        click.echo("no users; create one with `minutes users create NAME --admin`")
    for r in rows:
        teams = ", ".join(f"{team} ({role})" for team, role in r.teams) or "no team"
        flags = " admin" if r.is_admin else ""
        flags += "" if r.is_active else " disabled"
        click.echo(f"{r.username}{flags}: {teams}")


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input (one line).")
def users_passwd(name: str, password_stdin: bool) -> None:
    """Set a user's password (signs them out everywhere)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors():
        with store.session_scope(sessions()) as s:
            accounts.get_user(s, name)
        password = _read_password(password_stdin)
        with store.session_scope(sessions()) as s:
            accounts.set_password(s, username=name, password=password)
    click.echo(f"password of {name.lower()} changed")


@users.command("disable")
@click.argument("name")
def users_disable(name: str) -> None:
    """Stop a user from signing in or using API tokens."""
    _set_active(name, active=False)


@users.command("enable")
@click.argument("name")
def users_enable(name: str) -> None:
    """Let a disabled user sign in again."""
    _set_active(name, active=True)


@users.command("token")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
def users_token(name: str, label: str) -> None:
    """Create an API token for a user and print it (it is shown only this once)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        user = accounts.get_user(s, name)
        info, raw = accounts.create_api_token(s, user_id=user.id, name=label)
        actor.record(
            s, "token_create", object_type="api_token", object_id=info.id, detail={"user": user.username}
        )
    click.echo(f"API token {info.id} for {user.username} ({info.name}); it is not shown again:", err=True)
    click.echo(raw)


@users.command("tokens")
@click.argument("name")
def users_tokens(name: str) -> None:
    """List a user's API tokens (never the tokens themselves)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        rows = accounts.list_api_tokens(s, user_id=accounts.get_user(s, name).id)
    for t in rows:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        click.echo(f"{t.id}\t{t.prefix}…\t{t.name}\t{state}\tlast used {used}")


@users.command("revoke-token")
@click.argument("name")
@click.argument("token_id", type=ID)
def users_revoke_token(name: str, token_id: int) -> None:
    """Revoke one of a user's API tokens (by the id `minutes users tokens` shows)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        user = accounts.get_user(s, name)
        accounts.revoke_api_token(s, user_id=user.id, token_id=token_id)
        actor.record(
            s, "token_revoke", object_type="api_token", object_id=token_id, detail={"user": user.username}
        )
    click.echo(f"token {token_id} of {user.username} revoked")


# --- teams -------------------------------------------------------------------------------------


@click.group()
def teams() -> None:
    """Teams: whose meetings belong together, and who manages them."""


@teams.command("create")
@click.argument("name")
def teams_create(name: str) -> None:
    """Create a team."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        team = accounts.create_team(s, name=name)
        click.echo(f"created team {team.name} (id {team.id})")


@teams.command("list")
def teams_list() -> None:
    """List teams with their numbers of members and meetings."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        rows = [(t.id, t.name, m, n) for t, m, n in accounts.list_teams(s)]
    if not rows:
        click.echo("no teams; create one with `minutes teams create NAME`")
    for team_id, name, members, meetings in rows:
        people = f"{members} member{'s' * (members != 1)}"
        click.echo(f"{team_id}\t{name}\t{people}\t{meetings} meeting{'s' * (meetings != 1)}")


@teams.command("add-member")
@click.argument("team")
@click.argument("user")
@click.option(
    "--role",
    type=click.Choice(["manager", "member"]),
    default="member",
    show_default=True,
    help="manager: sees and edits the team's meetings; member: sees what is shared with them.",
)
def teams_add_member(team: str, user: str, role: str) -> None:
    """Put USER in TEAM (or change their role there)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        accounts.add_member(s, team=team, username=user, role=role)
        actor.record(
            s,
            "assign_team",
            object_type="membership",
            object_id=user.lower(),
            detail={"team": team, "role": role},
        )
    click.echo(f"{user.lower()} is now {role} of {team}")


@teams.command("remove-member")
@click.argument("team")
@click.argument("user")
def teams_remove_member(team: str, user: str) -> None:
    """Take USER out of TEAM."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with errors(), store.session_scope(sessions()) as s:
        accounts.remove_member(s, team=team, username=user)
    click.echo(f"{user.lower()} left {team}")


COMMANDS: tuple[click.Command, ...] = (users, teams)
