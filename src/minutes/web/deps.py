"""Request dependencies: the database session, who is asking (cookie or bearer token), CSRF.

A browser signs in with a session cookie and must send the session's CSRF token with every
unsafe request (form field ``csrf_token`` or header ``X-CSRF-Token``). A script sends
``Authorization: Bearer <token>``; it carries no ambient credential, so it needs no CSRF token.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from minutes.accounts import signin
from minutes.accounts.access import Actor, Principal, load_principal
from minutes.accounts.security import same
from minutes.db import session_scope
from minutes.errors import AdminOnly, CsrfFailed, LoginRequired
from minutes.web.config import WebSettings

SESSION_COOKIE = "minutes_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Auth:
    """How a request is signed in: ``via`` is ``web`` (session cookie) or ``api`` (bearer token)."""

    principal: Principal
    via: str
    csrf_token: str | None = None


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed when the route returns, rolled back if it raises."""
    with session_scope(request.app.state.sessions) as session:
        yield session


Db = Annotated[Session, Depends(get_db, scope="function")]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def optional_auth(request: Request, db: Db) -> Auth | None:
    """Who is asking, or ``None``; a refused bearer token is an error, never anonymous access."""
    token = _bearer(request)
    if token is not None:
        user = signin.find_token_user(db, token)
        if user is None:
            raise LoginRequired(
                "the API token is not valid (unknown, revoked or its user is disabled)", bearer=True
            )
        auth = Auth(principal=load_principal(db, user), via="api")
    else:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        found = signin.find_session(db, cookie, lifetime=timedelta(hours=settings_of(request).session_hours))
        if found is None:
            return None
        row, user = found
        auth = Auth(principal=load_principal(db, user), via="web", csrf_token=row.csrf_token)
    # End this transaction before the body of a request is read (an upload may take minutes):
    # on SQLite an open transaction holds the write lock the worker needs.
    db.commit()
    request.state.auth = auth
    return auth


async def require_auth(request: Request, auth: Annotated[Auth | None, Depends(optional_auth)]) -> Auth:
    """A signed-in user; unsafe browser requests must carry the session's CSRF token."""
    if auth is None:
        raise LoginRequired("sign in first")
    if request.method in UNSAFE_METHODS and auth.via == "web":
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            value = (await request.form()).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        check_csrf(auth, sent)
    return auth


def check_csrf(auth: Auth, sent: str | None) -> None:
    """A browser's unsafe request must send its session's CSRF token (bearer tokens need none)."""
    if auth.via == "web" and (not sent or auth.csrf_token is None or not same(sent, auth.csrf_token)):
        raise CsrfFailed("the form is out of date or came from another site; reload the page and try again")


async def require_upload_auth(request: Request, auth: Annotated[Auth | None, Depends(optional_auth)]) -> Auth:
    """:func:`require_auth` for uploads, which leaves the body unread: a browser's CSRF token is
    checked here when it comes as the ``X-CSRF-Token`` header, else by the upload from the form
    field ``csrf_token`` before the first file is stored (:func:`check_csrf`)."""
    if auth is None:
        raise LoginRequired("sign in first")
    if CSRF_HEADER in request.headers:
        check_csrf(auth, request.headers[CSRF_HEADER])
    return auth


def actor_of(request: Request, auth: Auth) -> Actor:
    return Actor(principal=auth.principal, ip=client_ip(request), via=auth.via)


def current_actor(request: Request, auth: Annotated[Auth, Depends(require_auth)]) -> Actor:
    return actor_of(request, auth)


def admin_actor(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    if actor.principal is None or not actor.principal.is_admin:
        raise AdminOnly("only administrators may do this")
    return actor


CurrentAuth = Annotated[Auth, Depends(require_auth)]
UploadAuth = Annotated[Auth, Depends(require_upload_auth)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
AdminActor = Annotated[Actor, Depends(admin_actor)]
MaybeAuth = Annotated[Auth | None, Depends(optional_auth)]
