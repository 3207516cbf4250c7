"""``minutes serve`` and the account commands: ``users``, ``teams``, ``meetings``, ``audit``.

Registered on the main group by :func:`register` (one line at the bottom of :mod:`minutes.cli`).
Whoever runs these commands has the database in hand, so they act with full rights; changes to
who may see what are written to the audit log with ``via=cli``.
"""

from __future__ import annotations

import ctypes
import getpass
import ipaddress
import json
import logging
import signal
import subprocess
import sys
import threading
from contextlib import AbstractContextManager, suppress
from typing import Any

import click

log = logging.getLogger(__name__)

WORKER_STOP_SECONDS = 15
PR_SET_PDEATHSIG = 1  # linux/prctl.h


# minutes.cli imports this module to register its commands: reach back into it lazily.
def _errors() -> AbstractContextManager[None]:
    from minutes.cli import _errors as errors

    return errors()


def _fail(message: str, code: int = 1) -> None:
    from minutes.cli import _fail as fail

    fail(message, code)


def _sessions() -> Any:
    from minutes.factory import open_store

    return open_store()


def _cli_actor() -> Any:
    from minutes.accounts.access import Actor

    return Actor(principal=None, ip=None, via="cli")


def _audit(session: Any, action: str, **kwargs: Any) -> None:
    from minutes.accounts import audit

    audit.record(session, _cli_actor(), action, username=f"cli:{getpass.getuser()}"[:64], **kwargs)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            _fail("--password-stdin: nothing on standard input; pipe the password in, one line", 2)
        return line.rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    return value


# --- serve -------------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _die_with_parent() -> None:
    """In the worker child, before exec: get SIGTERM if ``serve`` dies without stopping it (Linux)."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # uvicorn re-raises the SIGTERM it caught once it has shut down; ending with SystemExit
    # (instead of the default instant death) lets `serve` stop its worker on the way out.
    raise SystemExit(128 + signum)


def _start_worker() -> subprocess.Popen[bytes]:
    from minutes.cli import main

    if "worker" not in main.commands:
        _fail("the job worker (`minutes worker`) is not part of this installation; run with --no-worker", 2)
    cmd = [sys.executable, "-c", "from minutes.cli import main; main()", "worker", "--forever"]
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)

    def watch() -> None:
        code = child.wait()
        if code not in (0, -15):
            log.warning("the upload worker stopped (exit status %s); uploads stay queued", code)

    threading.Thread(target=watch, name="worker-watch", daemon=True).start()
    return child


def _stop_worker(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="MINUTES_SERVE_HOST",
    help="Address to listen on.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    envvar="MINUTES_SERVE_PORT",
    help="Port to listen on.",
)
@click.option(
    "--allow-remote", is_flag=True, help="Allow a non-loopback --host (only behind a TLS reverse proxy)."
)
@click.option("--no-worker", is_flag=True, help="Do not start a `minutes worker --forever` for uploads.")
@click.option(
    "--upload-max-mb",
    type=click.IntRange(min=1),
    envvar="MINUTES_WEB_UPLOAD_MAX_MB",
    help="Largest upload (all files of one request) in MB [default: 2048].",
)
@click.option(
    "--secure-cookies",
    type=click.Choice(["auto", "always", "never"]),
    envvar="MINUTES_WEB_SECURE_COOKIES",
    help="Mark cookies Secure: auto (when the request came over https), always, never [default: auto].",
)
@click.option(
    "--session-hours",
    type=click.FloatRange(min=0.1),
    envvar="MINUTES_WEB_SESSION_HOURS",
    help="Sign-in lifetime since the last request [default: 12].",
)
@click.option(
    "--preset",
    envvar="MINUTES_PRESET",
    help="Preset uploads are processed with (a name in pipelines/ or a .toml file) [default: cpu-fast].",
)
@click.option(
    "--no-summary",
    is_flag=True,
    envvar="MINUTES_NO_SUMMARY",
    help="Process uploads without the minutes (LLM) stage: transcript and speakers only.",
)
def serve(
    host: str,
    port: int,
    allow_remote: bool,
    no_worker: bool,
    upload_max_mb: int | None,
    secure_cookies: str | None,
    session_hours: float | None,
    preset: str | None,
    no_summary: bool,
) -> None:
    """Run the web app (pages and the REST API) with one worker for uploads.

    Listens on 127.0.0.1 unless told otherwise. Passwords and session cookies travel in the
    clear over plain http, so a non-loopback address needs --allow-remote, and should be
    reached only through a reverse proxy that terminates TLS (see docs/web.md).
    """
    import uvicorn

    from minutes.accounts import users
    from minutes.web.app import create_app
    from minutes.web.config import MIB, WebSettings

    if not is_loopback(host) and not allow_remote:
        _fail(
            f"refusing to listen on {host}: sign-ins would cross the network unencrypted; serve on "
            "127.0.0.1 behind a TLS reverse proxy, or pass --allow-remote if one is in front",
            2,
        )
    with _errors():
        settings = WebSettings.from_env(
            upload_max_bytes=upload_max_mb * MIB if upload_max_mb else None,
            secure_cookies=secure_cookies,
            session_hours=session_hours,
            upload_preset=preset,
            upload_no_summary=no_summary or None,
        )
        if preset:
            from minutes.settings import load_preset

            load_preset(preset)  # a wrong name fails here, not in the worker after the first upload
        sessions = _sessions()
        with sessions() as s:
            nobody = users.count_users(s) == 0
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"minutes: serving on http://{shown}:{port}/ (Ctrl+C stops)", err=True)
    if nobody:
        click.echo("no user yet: create the first with `minutes users create NAME --admin`", err=True)
    worker = None if no_worker else _start_worker()
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        uvicorn.run(create_app(settings, sessions), host=host, port=port, workers=1, log_level="info")
    except KeyboardInterrupt:  # Ctrl+C: uvicorn has shut down already
        click.echo("minutes: stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if worker is not None:
            _stop_worker(worker)


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

    with _errors():
        accounts.normalize_username(name)
        password = _read_password(password_stdin)
        accounts.check_password(password)
        with store.session_scope(_sessions()) as s:
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

    with _errors(), store.session_scope(_sessions()) as s:
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

    with _errors():
        with store.session_scope(_sessions()) as s:
            accounts.get_user(s, name)
        password = _read_password(password_stdin)
        with store.session_scope(_sessions()) as s:
            accounts.set_password(s, username=name, password=password)
    click.echo(f"password of {name.lower()} changed")


@users.command("disable")
@click.argument("name")
def users_disable(name: str) -> None:
    """Stop a user from signing in or using API tokens."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with _errors(), store.session_scope(_sessions()) as s:
        accounts.set_active(s, username=name, active=False)
    click.echo(f"{name.lower()} disabled")


@users.command("enable")
@click.argument("name")
def users_enable(name: str) -> None:
    """Let a disabled user sign in again."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with _errors(), store.session_scope(_sessions()) as s:
        accounts.set_active(s, username=name, active=True)
    click.echo(f"{name.lower()} enabled")


@users.command("token")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
def users_token(name: str, label: str) -> None:
    """Create an API token for a user and print it (it is shown only this once)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with _errors(), store.session_scope(_sessions()) as s:
        user = accounts.get_user(s, name)
        info, raw = accounts.create_api_token(s, user_id=user.id, name=label)
        _audit(s, "token_create", object_type="api_token", object_id=info.id, detail={"user": user.username})
    click.echo(f"API token {info.id} for {user.username} ({info.name}); it is not shown again:", err=True)
    click.echo(raw)


@users.command("tokens")
@click.argument("name")
def users_tokens(name: str) -> None:
    """List a user's API tokens (never the tokens themselves)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with _errors(), store.session_scope(_sessions()) as s:
        rows = accounts.list_api_tokens(s, user_id=accounts.get_user(s, name).id)
    for t in rows:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        click.echo(f"{t.id}\t{t.prefix}…\t{t.name}\t{state}\tlast used {used}")


@users.command("revoke-token")
@click.argument("name")
@click.argument("token_id", type=int)
def users_revoke_token(name: str, token_id: int) -> None:
    """Revoke one of a user's API tokens (by the id `minutes users tokens` shows)."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with _errors(), store.session_scope(_sessions()) as s:
        user = accounts.get_user(s, name)
        accounts.revoke_api_token(s, user_id=user.id, token_id=token_id)
        _audit(s, "token_revoke", object_type="api_token", object_id=token_id, detail={"user": user.username})
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

    with _errors(), store.session_scope(_sessions()) as s:
        team = accounts.create_team(s, name=name)
        click.echo(f"created team {team.name} (id {team.id})")


@teams.command("list")
def teams_list() -> None:
    """List teams with their numbers of members and meetings."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with _errors(), store.session_scope(_sessions()) as s:
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

    with _errors(), store.session_scope(_sessions()) as s:
        accounts.add_member(s, team=team, username=user, role=role)
        _audit(
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

    with _errors(), store.session_scope(_sessions()) as s:
        accounts.remove_member(s, team=team, username=user)
    click.echo(f"{user.lower()} left {team}")


# --- meetings: team and shares -----------------------------------------------------------------


@click.group()
def meetings() -> None:
    """Which team a meeting belongs to and whom it is shared with."""


@meetings.command("assign")
@click.argument("meeting_id", type=int)
@click.option("--team", help="Team name or id.")
@click.option("--no-team", is_flag=True, help="Take it out of its team (admins only see it then).")
def meetings_assign(meeting_id: int, team: str | None, no_team: bool) -> None:
    """Put a meeting in a team: the team's managers see and edit it."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    if (team is None) == (not no_team):
        _fail("give --team NAME or --no-team", 2)
    with _errors(), store.session_scope(_sessions()) as s:
        found = accounts.assign_meeting(s, meeting_id=meeting_id, team=team)
        _audit(
            s,
            "assign_team",
            object_type="meeting",
            object_id=meeting_id,
            meeting_id=meeting_id,
            detail={"team": found.name if found else None},
        )
    click.echo(f"meeting {meeting_id}: " + (f"team {found.name}" if found else "no team (admins only)"))


@meetings.command("share")
@click.argument("meeting_id", type=int)
@click.option("--user", "username", required=True, help="Who may read it.")
def meetings_share(meeting_id: int, username: str) -> None:
    """Let a user read a meeting."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with _errors(), store.session_scope(_sessions()) as s:
        user = accounts.share_meeting(s, meeting_id=meeting_id, username=username)
        _audit(
            s,
            "share",
            object_type="meeting",
            object_id=meeting_id,
            meeting_id=meeting_id,
            detail={"user": user.username},
        )
    click.echo(f"meeting {meeting_id} shared with {user.username}")


@meetings.command("unshare")
@click.argument("meeting_id", type=int)
@click.option("--user", "username", required=True, help="Who may no longer read it.")
def meetings_unshare(meeting_id: int, username: str) -> None:
    """Stop sharing a meeting with a user."""
    from minutes import db as store
    from minutes.accounts import users as accounts

    with _errors(), store.session_scope(_sessions()) as s:
        accounts.unshare_meeting(s, meeting_id=meeting_id, username=username)
        _audit(
            s,
            "unshare",
            object_type="meeting",
            object_id=meeting_id,
            meeting_id=meeting_id,
            detail={"user": username.lower()},
        )
    click.echo(f"meeting {meeting_id} no longer shared with {username.lower()}")


# --- audit -------------------------------------------------------------------------------------


@click.command()
@click.option("--user", help="Only this user's entries.")
@click.option("--action", help="Only this action (view, export, delete, ...).")
@click.option("--meeting", "meeting_id", type=int, help="Only entries about this meeting.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Newest N entries.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def audit(user: str | None, action: str | None, meeting_id: int | None, limit: int, as_json: bool) -> None:
    """Show the audit log: who viewed, exported, edited or deleted what, newest first."""
    from minutes import db as store
    from minutes.accounts import audit as log_

    with _errors(), store.session_scope(_sessions()) as s:
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
            when, who = str(row["at"])[:19], row["user"] or "-"
            click.echo(f"{when}  {who}  {row['action']}  {row['object']}  {detail}".rstrip())


def register(main: click.Group) -> None:
    """Add these commands to the ``minutes`` group."""
    for command in (serve, users, teams, meetings, audit):
        main.add_command(command)
