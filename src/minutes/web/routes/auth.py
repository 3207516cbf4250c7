"""Signing in and out, API tokens, the audit log (admins) and the local API reference."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from minutes.accounts import audit, security, signin, users
from minutes.accounts.access import Actor, load_principal
from minutes.errors import LoginFailed, LoginThrottled
from minutes.web.deps import (
    SESSION_COOKIE,
    AdminActor,
    CurrentActor,
    Db,
    MaybeAuth,
    client_ip,
    settings_of,
)
from minutes.web.params import Id, Page
from minutes.web.templating import render

router = APIRouter(include_in_schema=False)

LOGIN_COOKIE = "minutes_login"  # double-submit token of the sign-in form (login CSRF)
HOME = "/meetings"
AUDIT_PAGE = 100


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page (no open redirects)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(ord(c) < 0x20 or c == "\\" for c in target)
    ):
        return HOME
    return target


def _secure(request: Request) -> bool:
    mode = settings_of(request).secure_cookies
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def _login_page(
    request: Request, *, next_url: str, error: str | None = None, status: int = 200, username: str = ""
) -> Response:
    token = security.new_secret()
    response = render(
        request,
        "login.html",
        {"next": next_url, "login_token": token, "error": error, "username": username},
        status=status,
    )
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/login"
    )
    return response


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


@router.get("/login")
def login_form(request: Request, auth: MaybeAuth, next: str | None = None) -> Response:
    if auth is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_url=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    db: Db,
    username: Annotated[str, Form(max_length=256)],
    password: Annotated[str, Form(max_length=4096)],
    login_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2048)] = HOME,
) -> Response:
    settings = settings_of(request)
    target = safe_next(next)
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not login_token or not security.same(cookie, login_token):
        return _login_page(
            request,
            next_url=target,
            status=403,
            username=username,
            error="The sign-in form expired or came from another site; please try again.",
        )
    ip = client_ip(request)
    anonymous = Actor(principal=None, ip=ip, via="web")
    policy = signin.LoginPolicy(
        max_failures=settings.login_max_failures,
        window=timedelta(seconds=settings.login_window_seconds),
        account_max_failures=settings.login_account_max_failures,
        backoff=timedelta(seconds=settings.login_backoff_seconds),
    )
    try:
        user = signin.authenticate(db, username=username, password=password, ip=ip, policy=policy)
    except (LoginThrottled, LoginFailed) as exc:
        audit.record(
            db,
            anonymous,
            "login_failed",
            object_type="user",
            username=username.strip().lower()[:64],
            detail={"reason": "throttled" if isinstance(exc, LoginThrottled) else "credentials"},
        )
        if isinstance(exc, LoginThrottled):
            response = _login_page(request, next_url=target, error=str(exc), status=429, username=username)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        return _login_page(
            request, next_url=target, error=str(exc).capitalize() + ".", status=401, username=username
        )
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        signin.end_session(db, old)
    raw, _ = signin.start_session(db, user=user, lifetime=timedelta(hours=settings.session_hours))
    audit.record(
        db,
        Actor(principal=load_principal(db, user), ip=ip, via="web"),
        "login",
        object_type="user",
        object_id=user.id,
    )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, raw, httponly=True, samesite="lax", secure=_secure(request), path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, db: Db, actor: CurrentActor) -> Response:
    signin.end_session(db, request.cookies.get(SESSION_COOKIE, ""))
    audit.record(
        db, actor, "logout", object_type="user", object_id=actor.principal and actor.principal.user_id
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# API tokens ------------------------------------------------------------------------------------


def _tokens_page(request: Request, db: Db, actor: Actor, **extra: Any) -> Response:
    assert actor.principal is not None
    tokens = users.list_api_tokens(db, user_id=actor.principal.user_id)
    return render(request, "tokens.html", {"nav": "tokens", "tokens": tokens, **extra})


@router.get("/account/tokens")
def tokens_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    return _tokens_page(request, db, actor)


@router.post("/account/tokens")
def create_token(
    request: Request, db: Db, actor: CurrentActor, name: Annotated[str, Form(max_length=256)]
) -> Response:
    assert actor.principal is not None
    info, raw = users.create_api_token(db, user_id=actor.principal.user_id, name=name)
    audit.record(
        db, actor, "token_create", object_type="api_token", object_id=info.id, detail={"name": info.name}
    )
    # The token is shown in this response only (never in a URL, never stored).
    return _tokens_page(request, db, actor, new_token=raw, new_token_name=info.name)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(db: Db, actor: CurrentActor, token_id: Id) -> Response:
    assert actor.principal is not None
    info = users.revoke_api_token(db, user_id=actor.principal.user_id, token_id=token_id)
    audit.record(
        db, actor, "token_revoke", object_type="api_token", object_id=info.id, detail={"name": info.name}
    )
    return RedirectResponse("/account/tokens", status_code=303)


# Audit log (admins) ----------------------------------------------------------------------------


@router.get("/admin/audit")
def audit_page(
    request: Request,
    db: Db,
    actor: AdminActor,
    user: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    meeting: Annotated[Id | None, Query()] = None,
    page: Annotated[Page, Query()] = 1,
) -> Response:
    found = audit.entries(
        db,
        username=user or None,
        action=action or None,
        meeting_id=meeting,
        limit=AUDIT_PAGE,
        offset=(page - 1) * AUDIT_PAGE,
    )
    return render(
        request,
        "audit.html",
        {
            "nav": "audit",
            "found": found,
            "page": page,
            "pages": max(1, -(-found.total // AUDIT_PAGE)),
            "actions": audit.ACTIONS,
            "filters": {"user": user or "", "action": action or "", "meeting": meeting or ""},
        },
    )


# API reference ---------------------------------------------------------------------------------


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    """The API reference, rendered here from the OpenAPI schema (no CDN assets)."""
    schema = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, **op}
        for path, item in schema.get("paths", {}).items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    return render(request, "api_docs.html", {"schema": schema, "operations": operations})
