"""Forwarded headers are believed from the named reverse proxy only, and the sign-in throttle
holds per address and per account.

``minutes serve`` is run for real once (uvicorn's own proxy handling must not be in play); the
rest runs the app in-process with the client address a test chooses.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update

from minutes.accounts import users
from minutes.db import session_scope
from minutes.db.accounts import AuditEntry, LoginAttempt
from minutes.db.tables import utcnow
from minutes.errors import ConfigError
from minutes.factory import open_store
from minutes.web.app import create_app
from minutes.web.config import WebSettings
from tests.conftest import ROOT
from tests.web.world import PASSWORD, World

_LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')
FORGED = {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https", "Forwarded": "for=203.0.113.67"}


def sign_in(client: httpx.Client, password: str, headers: dict[str, str] | None = None) -> Response:
    form = client.get("/login", headers=headers)
    found = _LOGIN_TOKEN.search(form.text)
    assert found is not None, form.text
    data = {"username": "mona", "password": password, "login_token": found.group(1), "next": "/meetings"}
    return client.post("/login", data=data, headers=headers)


def audited_addresses(sessions: object) -> list[str | None]:
    with session_scope(sessions) as s:  # type: ignore[arg-type]
        return list(s.scalars(select(AuditEntry.ip).order_by(AuditEntry.id)))


# --- minutes serve, for real ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served() -> Iterator[str]:
    """``minutes serve --no-worker`` on a free port (mona has an account); its base URL."""
    with session_scope(open_store()) as s:
        users.create_user(s, username="mona", password=PASSWORD)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "minutes.cli", "serve", "--no-worker", "--lazy-ask", "--port", str(port)],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("FORWARDED_ALLOW")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"minutes serve did not start: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(30)


def test_a_forged_forwarded_for_from_loopback_does_not_get_past_the_lockout(served: str) -> None:
    with httpx.Client(base_url=served, follow_redirects=False) as client:
        for i in range(5):
            forged = {"X-Forwarded-For": f"203.0.113.{i}"}  # a new address every time
            assert sign_in(client, "wrong password!", forged).status_code == 401
        locked = sign_in(client, PASSWORD, {"X-Forwarded-For": "198.51.100.7"})
        form = client.get("/login", headers=FORGED)

    assert locked.status_code == 429, locked.text
    assert "minutes_session" not in locked.headers.get("set-cookie", "")
    addresses = set(audited_addresses(open_store()))
    assert addresses == {"127.0.0.1"}, addresses  # the audit log has the real address only
    assert "secure" not in form.headers["set-cookie"].lower()  # nor is a forged https believed


# --- the app's own rule --------------------------------------------------------------------------


@pytest.fixture
def client_at(world: World, settings: WebSettings) -> Callable[..., TestClient]:
    """``client_at("127.0.0.1", proxy_from=(...))``: the app as seen from that address."""

    def make(address: str, *, proxy_from: tuple[str, ...] = ()) -> TestClient:
        app = create_app(replace(settings, proxy_from=proxy_from), world.sessions)
        return TestClient(app, follow_redirects=False, client=(address, 40000))

    return make


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(
    world: World, client_at: Callable[..., TestClient]
) -> None:
    signed_in = sign_in(client_at("127.0.0.1"), PASSWORD, FORGED)

    assert signed_in.status_code == 303
    assert "secure" not in signed_in.headers["set-cookie"].lower()  # X-Forwarded-Proto: https ignored
    assert audited_addresses(world.sessions) == ["127.0.0.1"]


def test_a_named_proxy_is_believed_for_the_address_and_https(
    world: World, client_at: Callable[..., TestClient]
) -> None:
    headers = {"X-Forwarded-For": "198.51.100.20", "X-Forwarded-Proto": "https"}
    client = client_at("127.0.0.1", proxy_from=("127.0.0.1",))
    form = client.get("/login", headers=headers)
    assert "secure" in form.headers["set-cookie"].lower()
    found = _LOGIN_TOKEN.search(form.text)
    assert found is not None
    client.cookies.clear()  # the test client talks plain http: hand the Secure cookie back itself
    client.cookies.set("minutes_login", found.group(1), path="/login")
    data = {"username": "mona", "password": PASSWORD, "login_token": found.group(1)}

    signed_in = client.post("/login", data=data, headers=headers)

    assert signed_in.status_code == 303
    assert "secure" in signed_in.headers["set-cookie"].lower()
    assert audited_addresses(world.sessions) == ["198.51.100.20"]


def test_a_client_that_is_not_the_named_proxy_cannot_forward(
    world: World, client_at: Callable[..., TestClient]
) -> None:
    outsider = client_at("192.0.2.50", proxy_from=("127.0.0.1", "10.1.0.0/16"))
    for i in range(5):
        forged = {**FORGED, "X-Forwarded-For": f"203.0.113.{i}"}
        assert sign_in(outsider, "wrong password!", forged).status_code == 401

    assert sign_in(outsider, PASSWORD, FORGED).status_code == 429
    assert set(audited_addresses(world.sessions)) == {"192.0.2.50"}


def test_a_client_address_behind_a_chain_is_the_last_one_the_proxy_did_not_add(
    world: World, client_at: Callable[..., TestClient]
) -> None:
    """A client that sends its own X-Forwarded-For through the proxy cannot choose its address."""
    client = client_at("127.0.0.1", proxy_from=("127.0.0.1",))
    headers = {"X-Forwarded-For": "203.0.113.99, 198.51.100.21"}  # forged one, then what nginx appended

    assert sign_in(client, PASSWORD, headers).status_code == 303
    assert audited_addresses(world.sessions) == ["198.51.100.21"]


@pytest.mark.parametrize("bad", ["*", "proxy.local", "10.0.0.1/8", ""])
def test_a_proxy_address_must_be_an_ip_address_or_network(settings: WebSettings, bad: str) -> None:
    with pytest.raises(ConfigError, match="is not an IP address or network"):
        replace(settings, proxy_from=(bad,))


# --- per account ---------------------------------------------------------------------------------


def test_failures_from_many_addresses_hold_the_account_back_then_the_password_works(
    world: World, client_at: Callable[..., TestClient]
) -> None:
    """20 failures for mona from 20 addresses (each under the per-address limit): mona is held
    back for a minute, the right password included; after the back-off it signs in."""
    proxy = client_at("127.0.0.1", proxy_from=("127.0.0.1",))
    for i in range(20):
        failed = sign_in(proxy, "wrong password!", {"X-Forwarded-For": f"203.0.113.{i}"})
        assert failed.status_code == 401, i

    held = sign_in(proxy, PASSWORD, {"X-Forwarded-For": "198.51.100.1"})
    assert held.status_code == 429
    assert 0 < int(held.headers["retry-after"]) <= 61
    assert "too many failed sign-ins" in held.text

    with session_scope(world.sessions) as s:  # a minute and a bit later
        s.execute(update(LoginAttempt).values(at=utcnow() - timedelta(seconds=61)))
    assert sign_in(proxy, PASSWORD, {"X-Forwarded-For": "198.51.100.1"}).status_code == 303
