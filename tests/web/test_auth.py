"""Signing in and out, sessions, CSRF, the login rate limit, API tokens, security headers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update

from minutes.accounts import users
from minutes.db import session_scope
from minutes.db.accounts import ApiToken, AuditEntry, LoginAttempt, WebSession
from minutes.db.tables import utcnow
from minutes.web.routes.auth import safe_next
from tests.web.conftest import Browser
from tests.web.world import PASSWORD, World

_LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')


def sign_in(client: TestClient, username: str, password: str, next_url: str = "/meetings") -> Response:
    form = client.get("/login")
    found = _LOGIN_TOKEN.search(form.text)
    assert found is not None
    data = {"username": username, "password": password, "login_token": found.group(1), "next": next_url}
    return client.post("/login", data=data)


def audit_actions(world: World) -> list[tuple[str | None, str]]:
    with session_scope(world.sessions) as s:
        return [(e.username, e.action) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# Sign-in ---------------------------------------------------------------------------------------


def test_pages_redirect_to_sign_in_with_the_page_to_come_back_to(app_for: Callable[[], TestClient]) -> None:
    response = app_for().get("/meetings?team=1&page=2")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmeetings%3Fteam%3D1%26page%3D2"


def test_api_without_credentials_is_401(app_for: Callable[[], TestClient]) -> None:
    response = app_for().get("/api/v1/meetings")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "sign in first"}


def test_sign_in_sets_a_hardened_cookie_and_goes_back(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    response = sign_in(client, "Mona", PASSWORD, next_url="/actions?status=done")

    assert response.status_code == 303
    assert response.headers["location"] == "/actions?status=done"
    cookie = response.headers["set-cookie"]
    assert "minutes_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in this test; see the https test below
    assert client.get("/actions").status_code == 200
    # Only the digest of the cookie value is stored.
    raw = client.cookies["minutes_session"]
    with session_scope(world.sessions) as s:
        stored = s.scalars(select(WebSession.token_hash)).all()
    assert hashlib.sha256(raw.encode()).hexdigest() in stored
    assert raw not in stored
    assert ("mona", "login") in audit_actions(world)


@pytest.mark.parametrize(("mode", "secure"), [("auto", True), ("always", True), ("never", False)])
def test_cookies_are_secure_over_https(world: World, settings: object, mode: str, secure: bool) -> None:
    from dataclasses import replace

    from minutes.web.app import create_app

    app = create_app(replace(settings, secure_cookies=mode), world.sessions)  # type: ignore[type-var]
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    response = sign_in(client, "mona", PASSWORD)

    assert response.status_code == 303
    assert ("Secure" in response.headers["set-cookie"]) is secure


def test_secure_cookies_always_even_over_http(world: World, settings: object) -> None:
    from dataclasses import replace

    from minutes.web.app import create_app

    app = create_app(replace(settings, secure_cookies="always"), world.sessions)  # type: ignore[type-var]
    response = sign_in(TestClient(app, follow_redirects=False), "mona", PASSWORD)
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/meetings/3?t=2#u-1", "/meetings/3?t=2#u-1"),
        ("//evil.example/x", "/meetings"),
        ("https://evil.example/", "/meetings"),
        ("/\\evil.example", "/meetings"),
        ("javascript:alert(1)", "/meetings"),
        ("/ok\r\nSet-Cookie: x=1", "/meetings"),
        ("", "/meetings"),
    ],
)
def test_next_must_be_a_local_path(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_an_outside_next_is_not_followed(world: World, app_for: Callable[[], TestClient]) -> None:
    response = sign_in(app_for(), "mona", PASSWORD, next_url="//evil.example/")
    assert response.headers["location"] == "/meetings"


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    wrong = sign_in(client, "mona", "not the password")
    unknown = sign_in(client, "nobody", PASSWORD)

    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong user name or password." in response.text
        assert "minutes_session" not in response.headers.get("set-cookie", "")
    assert ("mona", "login_failed") in audit_actions(world)


def test_sign_in_form_without_its_token_is_refused(world: World, app_for: Callable[[], TestClient]) -> None:
    client = app_for()
    response = client.post("/login", data={"username": "mona", "password": PASSWORD, "login_token": "forged"})

    assert response.status_code == 403
    assert "minutes_session" not in response.headers.get("set-cookie", "")


def test_a_disabled_user_cannot_sign_in_and_their_session_ends(
    world: World, browser: Callable[[str], Browser], app_for: Callable[[], TestClient]
) -> None:
    mona = browser("mona")
    with session_scope(world.sessions) as s:
        users.set_active(s, username="mona", active=False)

    assert mona.client.get("/meetings").status_code == 303
    assert sign_in(app_for(), "mona", PASSWORD).status_code == 401


def test_expired_sessions_are_refused(world: World, browser: Callable[[str], Browser]) -> None:
    mona = browser("mona")
    with session_scope(world.sessions) as s:
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))

    assert mona.client.get("/meetings").status_code == 303


def test_sign_out_ends_the_session_on_the_server(world: World, browser: Callable[[str], Browser]) -> None:
    mona = browser("mona")
    raw = mona.client.cookies["minutes_session"]

    response = mona.post("/logout")

    assert response.status_code == 303
    replay = TestClient(mona.client.app, follow_redirects=False)
    replay.cookies.set("minutes_session", raw)
    assert replay.get("/meetings").status_code == 303


# Rate limit ------------------------------------------------------------------------------------


def test_five_failures_lock_the_name_for_this_address_even_after_a_restart(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    for _ in range(5):
        assert sign_in(client, "mona", "wrong password!").status_code == 401

    restarted = app_for()  # a new app over the same database: the count is in the database
    locked = sign_in(restarted, "mona", PASSWORD)

    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert "too many failed sign-ins" in locked.text
    assert "minutes_session" not in locked.headers.get("set-cookie", "")
    # Another user name from the same address is not locked.
    assert sign_in(restarted, "sam", PASSWORD).status_code == 303


def test_failures_older_than_the_window_do_not_count(world: World, app_for: Callable[[], TestClient]) -> None:
    client = app_for()
    for _ in range(5):
        sign_in(client, "mona", "wrong password!")
    with session_scope(world.sessions) as s:
        s.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))

    assert sign_in(client, "mona", PASSWORD).status_code == 303


def test_a_successful_sign_in_clears_earlier_failures(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    for _ in range(4):
        sign_in(client, "mona", "wrong password!")
    assert sign_in(client, "mona", PASSWORD).status_code == 303
    with session_scope(world.sessions) as s:
        assert s.scalars(select(LoginAttempt)).all() == []


# CSRF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_forms_without_the_session_csrf_token_are_refused(
    world: World, browser: Callable[[str], Browser], token: str | None
) -> None:
    mona = browser("mona")
    meeting = world.meetings["sales"]
    data = {"name": "Priya Shah"} | ({} if token is None else {"csrf_token": token})

    response = mona.client.post(f"/meetings/{meeting}/speakers/SPEAKER_01", data=data)

    assert response.status_code == 403
    assert "reload the page" in response.text
    assert "Priya Shah" not in mona.client.get(f"/meetings/{meeting}").text


def test_json_writes_from_a_browser_need_the_csrf_header(
    world: World, browser: Callable[[str], Browser]
) -> None:
    mona = browser("mona")
    url = f"/api/v1/meetings/{world.meetings['sales']}/speakers/SPEAKER_01"

    refused = mona.client.put(url, json={"name": "Priya Shah"})
    wrong = mona.client.put(url, json={"name": "Priya Shah"}, headers={"X-CSRF-Token": "nope"})
    accepted = mona.client.put(url, json={"name": "Priya Shah"}, headers={"X-CSRF-Token": mona.csrf})

    assert (refused.status_code, wrong.status_code, accepted.status_code) == (403, 403, 200)


def test_sign_out_needs_the_csrf_token(browser: Callable[[str], Browser]) -> None:
    mona = browser("mona")
    assert mona.client.post("/logout").status_code == 403
    assert mona.client.get("/meetings").status_code == 200


def test_bearer_requests_need_no_csrf_token(world: World, api: Callable[[str], TestClient]) -> None:
    response = api("mona").put(
        f"/api/v1/meetings/{world.meetings['sales']}/speakers/SPEAKER_01", json={"name": "Priya Shah"}
    )
    assert response.status_code == 200


# API tokens ------------------------------------------------------------------------------------


def test_a_token_made_on_the_page_works_once_shown_and_is_stored_hashed(
    world: World, browser: Callable[[str], Browser], app_for: Callable[[], TestClient]
) -> None:
    mona = browser("mona")
    page = mona.post("/account/tokens", {"name": "nightly batch"})
    found = re.search(r'data-testid="new-token">([^<]+)<', page.text)
    assert found is not None
    token = found.group(1)
    assert token.startswith("mnt_")

    script = app_for()
    me = script.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert me.status_code == 200
    assert me.json()["username"] == "mona"
    assert me.json()["via"] == "api"
    with session_scope(world.sessions) as s:
        row = s.scalars(select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.last_used_at is not None
    # Shown once: the list shows only the first characters.
    listing = mona.client.get("/account/tokens").text
    assert token not in listing
    assert token[:10] in listing


def test_a_revoked_token_is_401_for_api_and_pages(
    world: World, browser: Callable[[str], Browser], app_for: Callable[[], TestClient]
) -> None:
    token = world.token("mona")
    mona = browser("mona")
    with session_scope(world.sessions) as s:
        token_id = s.scalars(select(ApiToken.id)).one()

    assert mona.post(f"/account/tokens/{token_id}/revoke").status_code == 303

    client = app_for()
    for url in ("/api/v1/meetings", "/meetings"):
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer mnt_unknown", "Bearer ", "Bearer nottoken"])
def test_unknown_tokens_are_401(app_for: Callable[[], TestClient], header: str) -> None:
    assert app_for().get("/api/v1/me", headers={"Authorization": header}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(world: World, browser: Callable[[str], Browser]) -> None:
    world.token("sam")
    with session_scope(world.sessions) as s:
        token_id = s.scalars(select(ApiToken.id)).one()

    response = browser("mona").post(f"/account/tokens/{token_id}/revoke")

    assert response.status_code == 404
    with session_scope(world.sessions) as s:
        assert s.scalars(select(ApiToken.revoked_at)).one() is None


# Headers, docs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/login", "/api/v1/meetings", "/no/such/page", "/static/app.css", "/api/docs"]
)
def test_security_headers_on_every_response(app_for: Callable[[], TestClient], url: str) -> None:
    headers = app_for().get(url).headers

    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(world: World, browser: Callable[[str], Browser]) -> None:
    mona = browser("mona")
    for url in (
        "/meetings",
        f"/meetings/{world.meetings['sales']}",
        "/upload",
        "/jobs",
        "/search?q=x",
        "/actions",
    ):
        html = mona.client.get(url).text
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, url
        assert " style=" not in html and "<style" not in html, url
        assert re.search(r"""\son[a-z]+=""", html) is None, url


def test_openapi_is_public_and_the_docs_page_loads_nothing_from_elsewhere(
    app_for: Callable[[], TestClient],
) -> None:
    client = app_for()
    schema = client.get("/api/openapi.json")
    docs = client.get("/api/docs")

    assert schema.status_code == 200
    assert "/api/v1/meetings/{meeting_id}/utterances/{index}" in schema.json()["paths"]
    assert docs.status_code == 200
    assert "/api/v1/search" in docs.text
    assert re.search(r"""(src|href)="https?://""", docs.text) is None


def test_admin_pages_are_for_admins(browser: Callable[[str], Browser]) -> None:
    assert browser("mona").client.get("/admin/audit").status_code == 403
    page = browser("ada").client.get("/admin/audit")
    assert page.status_code == 200
    assert "login" in page.text or "view" in page.text
