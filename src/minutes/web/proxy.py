"""Forwarded headers: believed from the reverse proxies the server was told to trust, from no one else.

Behind a proxy every request comes from the proxy's address, so the client's address (for the
sign-in throttle and the audit log) and whether it used https (for ``Secure`` cookies) travel in
``X-Forwarded-For`` and ``X-Forwarded-Proto``. Anybody can send those headers, so they are used
only on connections from an address in :attr:`~minutes.web.config.WebSettings.proxy_from`
(uvicorn's :class:`ProxyHeadersMiddleware` does the parsing: the client is the right-most
address in ``X-Forwarded-For`` that is not a trusted proxy). Then every forwarded header
(``Forwarded`` too, which is never believed) is removed, so nothing further in can read one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from uvicorn._types import ASGI3Application

FORWARDED_HEADERS = frozenset(
    {
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"x-forwarded-port",
        b"x-real-ip",
    }
)


class TrustedProxies:
    """Applies forwarded headers from ``proxies`` (addresses or networks) and drops them from all."""

    def __init__(self, app: ASGIApp, *, proxies: Sequence[str]) -> None:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        self.app = app
        self.handle: ASGIApp = self._without_forwarded
        if proxies:
            inner = cast("ASGI3Application", self._without_forwarded)
            self.handle = cast(ASGIApp, ProxyHeadersMiddleware(inner, trusted_hosts=list(proxies)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def _without_forwarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(name, value) for name, value in scope["headers"] if name not in FORWARDED_HEADERS]
        await self.app({**scope, "headers": headers}, receive, send)
