"""Accounts: users, teams, memberships, meeting teams and shares, API tokens.

The library behind ``minutes users``/``minutes teams``/``minutes meetings`` and the web pages.
Like the repository, nothing here commits: the caller's unit of work does. Bad input raises
:class:`~minutes.errors.ConfigError` and missing objects :class:`~minutes.errors.NotFoundError`,
each naming the value and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from minutes.accounts import security
from minutes.accounts.access import Principal, load_principal
from minutes.controls import refuse_controls
from minutes.db.accounts import TEAM_ROLES, ApiToken, MeetingShare, Membership, Team, User, WebSession
from minutes.db.repo import meeting_row
from minutes.db.tables import MAX_INTEGER, Meeting, record_of, utcnow
from minutes.errors import ConfigError, Forbidden, NotFoundError

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as lists show it."""

    id: int
    username: str
    display_name: str | None
    is_admin: bool
    is_active: bool
    teams: tuple[tuple[str, str], ...]  # (team name, role)
    last_login_at: datetime | None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as lists show it (never the token itself)."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


# Users ---------------------------------------------------------------------------------------


def normalize_username(raw: str) -> str:
    """The stored form of a user name (lower case); raises ConfigError if it is not a valid one."""
    name = raw.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise ConfigError(
            f"user name {raw!r} is not valid; use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConfigError(f"the password is too short; use at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ConfigError(f"the password is too long; use at most {MAX_PASSWORD_CHARS} characters")


def create_user(
    session: Session, *, username: str, password: str, admin: bool = False, display_name: str | None = None
) -> User:
    name = normalize_username(refuse_controls(username.strip(), "the user name"))
    check_password(password)
    if session.scalars(select(User.id).where(User.username == name)).first() is not None:
        raise ConfigError(f"a user named {name!r} exists already; pick another name")
    user = User(
        username=name,
        display_name=refuse_controls((display_name or "").strip(), "the display name") or None,
        password_hash=security.hash_password(password),
        is_admin=admin,
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User:
    name = username.strip().lower()
    user = session.scalars(select(User).where(User.username == name)).one_or_none()
    if user is None:
        raise NotFoundError(f"no user named {username!r}; `minutes users list` shows them")
    return user


def principal_named(session: Session, username: str) -> Principal:
    """The principal a command acts as when it is told a user's name (an active user only)."""
    user = get_user(session, username)
    if not user.is_active:
        raise Forbidden(f"user {user.username!r} is disabled; `minutes users enable {user.username}` first")
    return load_principal(session, user)


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def set_password(session: Session, *, username: str, password: str) -> None:
    """Change a password and sign the user out everywhere."""
    check_password(password)
    user = get_user(session, username)
    user.password_hash = security.hash_password(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()


def set_active(session: Session, *, username: str, active: bool) -> None:
    """Disable (or enable again) a user; disabling ends their sessions and stops their tokens."""
    user = get_user(session, username)
    user.is_active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()


def set_admin(session: Session, *, username: str, admin: bool) -> None:
    get_user(session, username).is_admin = admin
    session.flush()


def list_users(session: Session) -> list[UserInfo]:
    users = list(session.scalars(select(User).order_by(User.username)))
    teams: dict[int, list[tuple[str, str]]] = {}
    rows = session.execute(
        select(Membership.user_id, Team.name, Membership.role)
        .join(Team, Team.id == Membership.team_id)
        .order_by(Team.name)
    )
    for user_id, team, role in rows:
        teams.setdefault(user_id, []).append((team, role))
    return [record_of(UserInfo, u, teams=tuple(teams.get(u.id, ()))) for u in users]


# Teams ---------------------------------------------------------------------------------------


def create_team(session: Session, *, name: str) -> Team:
    clean = " ".join(refuse_controls(name.strip(), "the team name").split())
    if not clean or len(clean) > 128:
        raise ConfigError(f"team name {name!r} is not valid; use 1-128 characters")
    if _find_team(session, clean) is not None:
        raise ConfigError(f"a team named {clean!r} exists already; pick another name")
    team = Team(name=clean)
    session.add(team)
    session.flush()
    return team


def _find_team(session: Session, name: str) -> Team | None:
    clean = " ".join(name.split())
    exact = session.scalars(select(Team).where(Team.name == clean)).one_or_none()
    if exact is not None:
        return exact
    folded = list(session.scalars(select(Team).where(func.lower(Team.name) == clean.lower())))
    return folded[0] if len(folded) == 1 else None


def get_team(session: Session, name_or_id: str | int) -> Team:
    """A team by name (case ignored when that is unambiguous) or by numeric id."""
    team = _find_team(session, str(name_or_id))
    digits = str(name_or_id).strip()
    # ASCII digits within the column's range only: "²" is a digit int() refuses, and a number past
    # MAX_INTEGER overflows the driver; either is simply no team.
    if team is None and digits.isascii() and digits.isdigit() and int(digits) <= MAX_INTEGER:
        team = session.get(Team, int(digits))
    if team is None:
        raise NotFoundError(f"no team {str(name_or_id)!r}; `minutes teams list` shows them")
    return team


def list_teams(session: Session) -> list[tuple[Team, int, int]]:
    """Every team with its number of members and of meetings."""
    members = (
        select(Membership.team_id, func.count().label("n")).group_by(Membership.team_id).subquery("members")
    )
    meetings = select(Meeting.team_id, func.count().label("n")).group_by(Meeting.team_id).subquery("meetings")
    query = (
        select(Team, func.coalesce(members.c.n, 0), func.coalesce(meetings.c.n, 0))
        .outerjoin(members, members.c.team_id == Team.id)
        .outerjoin(meetings, meetings.c.team_id == Team.id)
        .order_by(Team.name)
    )
    return [(team, int(m), int(n)) for team, m, n in session.execute(query)]


def add_member(session: Session, *, team: str | int, username: str, role: str) -> Membership:
    """Put a user in a team with ``role`` (``manager`` or ``member``); an existing role is replaced."""
    if role not in TEAM_ROLES:
        raise ConfigError(f"unknown team role {role!r}; choose one of: {', '.join(TEAM_ROLES)}")
    found_team, user = get_team(session, team), get_user(session, username)
    membership = session.get(Membership, (found_team.id, user.id))
    if membership is None:
        membership = Membership(team_id=found_team.id, user_id=user.id, role=role)
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    return membership


def remove_member(session: Session, *, team: str | int, username: str) -> None:
    found_team, user = get_team(session, team), get_user(session, username)
    membership = session.get(Membership, (found_team.id, user.id))
    if membership is None:
        raise NotFoundError(f"{user.username} is not in team {found_team.name!r}")
    session.delete(membership)
    session.flush()


# Meetings: team and shares -------------------------------------------------------------------


def assign_meeting(session: Session, *, meeting_id: int, team: str | int | None) -> Team | None:
    """Move a meeting to a team (``None``: no team, so admins only see it)."""
    meeting = meeting_row(session, meeting_id)
    found = get_team(session, team) if team is not None else None
    meeting.team_id = found.id if found is not None else None
    session.flush()
    return found


def share_meeting(session: Session, *, meeting_id: int, username: str) -> User:
    """Let a user read a meeting; sharing twice is harmless."""
    meeting_row(session, meeting_id)
    user = get_user(session, username)
    if session.get(MeetingShare, (meeting_id, user.id)) is None:
        session.add(MeetingShare(meeting_id=meeting_id, user_id=user.id))
    session.flush()
    return user


def unshare_meeting(session: Session, *, meeting_id: int, username: str) -> None:
    meeting_row(session, meeting_id)
    user = get_user(session, username)
    share = session.get(MeetingShare, (meeting_id, user.id))
    if share is None:
        raise NotFoundError(f"meeting {meeting_id} is not shared with {user.username}")
    session.delete(share)
    session.flush()


def meeting_shares(session: Session, *, meeting_id: int) -> list[str]:
    """The user names a meeting is shared with, sorted."""
    query = (
        select(User.username)
        .join(MeetingShare, MeetingShare.user_id == User.id)
        .where(MeetingShare.meeting_id == meeting_id)
        .order_by(User.username)
    )
    return list(session.scalars(query))


# API tokens ----------------------------------------------------------------------------------


def create_api_token(session: Session, *, user_id: int, name: str) -> tuple[TokenInfo, str]:
    """A new token for a user; returns its description and the token, which is shown only once."""
    label = " ".join(refuse_controls(name.strip(), "the token name").split())
    if not label or len(label) > 128:
        raise ConfigError(f"token name {name!r} is not valid; use 1-128 characters (e.g. 'nightly batch')")
    raw = security.new_api_token()
    token = ApiToken(user_id=user_id, name=label, token_hash=security.digest(raw), prefix=raw[:10])
    session.add(token)
    session.flush()
    return _token_info(token), raw


def list_api_tokens(session: Session, *, user_id: int) -> list[TokenInfo]:
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    return [_token_info(t) for t in session.scalars(query)]


def revoke_api_token(session: Session, *, user_id: int, token_id: int) -> TokenInfo:
    """Revoke one of a user's tokens (revoking twice is harmless)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFoundError(f"no API token {token_id} for this user; the tokens page lists them")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.flush()
    return _token_info(token)


def _token_info(token: ApiToken) -> TokenInfo:
    return record_of(TokenInfo, token)
