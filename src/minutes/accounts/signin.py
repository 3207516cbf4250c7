"""Signing in: passwords with a persistent rate limit, sign-in sessions, API bearer tokens.

Failed sign-ins are rows in ``login_attempts``, so the limit holds across restarts and across
processes. Sessions and tokens are found by the sha256 of the value the client holds; carrying
that value (the browser's cookie, the ``Authorization`` header) is the web layer's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from minutes.accounts import security
from minutes.db.accounts import ApiToken, LoginAttempt, User, WebSession
from minutes.db.tables import utcnow
from minutes.errors import LoginFailed, LoginThrottled

# A session's expiry and a token's last-used time are written at most this often, so reading
# pages does not write to the database on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How many failed sign-ins are allowed before the throttle holds a user name back.

    Per (name, address): ``max_failures`` within ``window`` lock that pair until the oldest of
    them is older than the window. Per name, from all addresses together (a guesser who rotates
    addresses): ``account_max_failures`` within ``window`` hold the name back for ``backoff``
    after the latest failure, so one attempt per back-off gets through, and the right password
    then signs in. A longer lock would let anyone lock anybody out by failing on purpose; the
    back-off bounds guessing (one try a minute) while a locked-out user waits a minute, not 15.
    """

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    account_max_failures: int = 20
    backoff: timedelta = timedelta(minutes=1)


def _throttle(session: Session, username: str, ip: str, policy: LoginPolicy, now: datetime) -> None:
    since = now - policy.window
    recent = (LoginAttempt.username == username, LoginAttempt.at > since)
    query = select(func.count(), func.min(LoginAttempt.at)).where(*recent, LoginAttempt.ip == ip)
    count, oldest = session.execute(query).one()
    if count >= policy.max_failures and oldest is not None:
        raise LoginThrottled(_seconds_until(oldest + policy.window, now))
    count, newest = session.execute(select(func.count(), func.max(LoginAttempt.at)).where(*recent)).one()
    if count >= policy.account_max_failures and newest is not None and newest + policy.backoff > now:
        raise LoginThrottled(_seconds_until(newest + policy.backoff, now))


def _seconds_until(when: datetime, now: datetime) -> int:
    return max(1, int((when - now).total_seconds()) + 1)


def authenticate(
    session: Session, *, username: str, password: str, ip: str, policy: LoginPolicy | None = None
) -> User:
    """The user with this name and password, or :class:`LoginFailed`/:class:`LoginThrottled`.

    A throttled (name, address) pair, or a name held back after failures from many addresses
    (see :class:`LoginPolicy`), is refused before the password is looked at. A failure is
    recorded (and must be committed by the caller even though this raises).
    """
    policy = policy or LoginPolicy()
    name = username.strip().lower()[:64]
    now = utcnow()
    ip = ip[:64]
    _throttle(session, name, ip, policy, now)
    user = session.scalars(select(User).where(User.username == name)).one_or_none()
    if user is None:
        security.burn_password_check(password)
    ok = user is not None and user.is_active and security.verify_password(user.password_hash, password)
    if not ok or user is None:
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - 4 * policy.window))
        session.add(LoginAttempt(username=name, ip=ip, at=now))
        session.flush()
        raise LoginFailed("wrong user name or password")
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == name, LoginAttempt.ip == ip))
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    user.last_login_at = now
    session.flush()
    return user


# Browser sessions ----------------------------------------------------------------------------


def start_session(session: Session, *, user: User, lifetime: timedelta) -> tuple[str, WebSession]:
    """A new session for ``user``; returns the cookie value (never stored) and the row."""
    raw = security.new_secret()
    now = utcnow()
    row = WebSession(
        token_hash=security.digest(raw),
        user_id=user.id,
        csrf_token=security.new_secret(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    # Expired sessions of anyone are cleared here, so the table does not grow without bound.
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    session.flush()
    return raw, row


_Held = TypeVar("_Held", WebSession, ApiToken)


def _held_by(session: Session, model: type[_Held], raw: str) -> tuple[_Held, User] | None:
    """The session or token row whose hash matches ``raw``, with its user (active or not)."""
    query = (
        select(model, User)
        .join(User, User.id == model.user_id)
        .where(model.token_hash == security.digest(raw))
    )
    found = session.execute(query).one_or_none()
    return None if found is None else found.tuple()


def find_session(session: Session, raw: str, *, lifetime: timedelta) -> tuple[WebSession, User] | None:
    """The live session for a cookie value and its (active) user; sliding expiry."""
    if not raw:
        return None
    found = _held_by(session, WebSession, raw)
    if found is None:
        return None
    row, user = found
    now = utcnow()
    if row.expires_at <= now or not user.is_active:
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at = now
        row.expires_at = now + lifetime
        session.flush()
    return row, user


def end_session(session: Session, raw: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == security.digest(raw)))


# API tokens ----------------------------------------------------------------------------------


def find_token_user(session: Session, raw: str) -> User | None:
    """The active user a live (not revoked) bearer token belongs to; records its use."""
    if not raw.startswith(security.API_TOKEN_PREFIX):
        return None
    found = _held_by(session, ApiToken, raw)
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or not user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        token.last_used_at = now
        session.flush()
    return user
