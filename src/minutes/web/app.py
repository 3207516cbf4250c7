"""The web application: pages, the REST API under /api/v1, static files, security headers."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from minutes import __version__
from minutes.errors import (
    AdminOnly,
    Busy,
    ConfigError,
    CsrfFailed,
    DatabaseUnavailableError,
    Forbidden,
    InputError,
    InvalidValue,
    LoginRequired,
    LoginThrottled,
    MinutesError,
    NotFoundError,
)
from minutes.web.config import MIB, WebSettings
from minutes.web.proxy import TrustedProxies
from minutes.web.templating import STATIC_DIR, make_templates, render

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
UPLOAD_PATHS = ("/upload", "/api/v1/uploads")
FORM_LIMIT = 1 * MIB  # any request body other than an upload
DATABASE_DOWN = (
    "the database cannot be reached right now, so nothing was read or changed; "
    "this works again by itself once it is back: try again in a minute"
)


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response; pages and API answers are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if h[0].lower() != b"cache-control" or static
                ]
                headers += SECURITY_HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuses request bodies over the limit before they are read (413), uploads included.

    An upload must say its size (``Content-Length``), so it is refused before a byte is stored;
    other bodies may be chunked and are cut off once they pass :data:`FORM_LIMIT`.
    """

    def __init__(self, app: ASGIApp, *, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        upload = scope["path"] in UPLOAD_PATHS
        limit = self.upload_limit + MIB if upload else FORM_LIMIT  # + room for the multipart framing
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _plain(send, 413, _too_large(limit, upload))
            return
        if length is None and upload and headers.get(b"transfer-encoding"):
            await _plain(
                send, 411, "an upload must give its size (Content-Length); chunked uploads are refused"
            )
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _plain(send, 413, _too_large(limit, upload))


def _too_large(limit: int, upload: bool) -> str:
    what = "uploads" if upload else "forms"
    return f"the request is too large; {what} may be at most {limit // MIB} MB in all"


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    response = render(request, "error.html", {"status": status, "message": message}, status=status)
    response.headers.update(headers or {})
    return response


def _login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


def _install_handlers(app: FastAPI) -> None:
    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        if _is_api(request) or exc.bearer:
            return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse(_login_url(request), status_code=303)

    async def throttled(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginThrottled)
        return _error(request, 429, str(exc), {"Retry-After": str(exc.retry_after)})

    async def busy(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Busy)
        return _error(request, 429 if exc.mine else 503, str(exc), {"Retry-After": str(exc.retry_after)})

    def status_handler(status: int) -> Any:
        async def handler(request: Request, exc: Exception) -> Response:
            return _error(request, status, str(exc))

        return handler

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        return _error(request, exc.status_code, message, dict(exc.headers or {}))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors()
        )
        return _error(request, 422, f"invalid request ({problems})")

    async def disconnected(request: Request, exc: Exception) -> Response:
        # Nothing is stored from a request that did not arrive whole (uploads remove their files);
        # one line in the log, no traceback. The client is gone, so the answer reaches no one.
        client = request.client.host if request.client else "unknown"
        log.warning(
            "%s %s from %s: the client disconnected before the whole request arrived",
            request.method,
            request.url.path,
            client,
        )
        return Response(status_code=400)

    async def database_down(request: Request, exc: Exception) -> Response:
        # The server down, restarting or unreachable (db/engine.py tells these from bugs): 503,
        # and one line in the log naming the database; the pool reconnects when it is back.
        from minutes.db.engine import is_unavailable, unreachable

        if not isinstance(exc, DatabaseUnavailableError):
            if not is_unavailable(exc):
                raise exc
            exc = unreachable(exc, request.app.state.sessions.kw["bind"].url)
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        return _error(request, 503, DATABASE_DOWN, {"Retry-After": "30"})

    app.add_exception_handler(DatabaseUnavailableError, database_down)
    app.add_exception_handler(SQLAlchemyError, database_down)
    app.add_exception_handler(ClientDisconnect, disconnected)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(LoginThrottled, throttled)
    app.add_exception_handler(Busy, busy)
    app.add_exception_handler(NotFoundError, status_handler(404))
    app.add_exception_handler(Forbidden, status_handler(403))
    app.add_exception_handler(CsrfFailed, status_handler(403))
    app.add_exception_handler(AdminOnly, status_handler(403))
    app.add_exception_handler(ConfigError, status_handler(400))
    app.add_exception_handler(InputError, status_handler(400))
    app.add_exception_handler(InvalidValue, status_handler(422))
    app.add_exception_handler(MinutesError, status_handler(400))
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)


def create_app(settings: WebSettings | None = None, sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """The application; ``sessions`` defaults to the configured database (migrated on the way)."""
    from minutes.factory import open_store
    from minutes.web.asking import default_asker
    from minutes.web.routes import api, ask, auth, brief, pages, people, series, workspace

    settings = settings or WebSettings.from_env()
    app = FastAPI(
        title="minutes",
        version=__version__,
        description="Meetings, transcripts, minutes, search and uploads. Sign in with "
        "`Authorization: Bearer <token>`; create tokens on the API tokens page or with "
        "`minutes users token USER`.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI would load from a CDN; /api/docs is a local page instead
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessions = sessions or open_store()
    app.state.templates = make_templates()
    app.state.asker = default_asker()  # the model loads on the first ask
    _install_handlers(app)
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(workspace.router)
    app.include_router(ask.router)
    app.include_router(brief.router)
    app.include_router(people.router)
    app.include_router(series.router)
    app.include_router(api.router)
    app.include_router(brief.api)
    app.include_router(people.api)
    app.include_router(series.api)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodyLimit, upload_limit=settings.upload_max_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(TrustedProxies, proxies=settings.proxy_from)
    return app
