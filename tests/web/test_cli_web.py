"""``minutes serve``, ``users``, ``teams``, ``meetings`` and ``audit`` through the real command line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy import select

from minutes.cli import main
from minutes.cli import web as cli_web
from minutes.db import Meeting, session_scope
from minutes.db.accounts import MeetingShare, Membership, User
from minutes.factory import open_store
from minutes.jobs import supervise
from minutes.web.app import create_app
from minutes.web.config import WebSettings
from tests.web.world import PASSWORD

GOOD = "a long enough password"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def meeting_id() -> int:
    """One stored meeting in this test's database."""
    from tests.web.world import World

    world = World(sessions=open_store(), media_dir=WebSettings.from_env().media_dir)
    return world.add_meeting("cli", team=None, words="hello there")


def users_in_db() -> dict[str, bool]:
    with session_scope(open_store()) as s:
        return {u.username: u.is_admin for u in s.scalars(select(User))}


def test_create_the_first_admin_with_a_prompt_asking_twice() -> None:
    result = run("users", "create", "Ada", "--admin", input=f"{GOOD}\n{GOOD}\n")

    assert result.exit_code == 0, result.output
    assert "created admin user ada" in result.output
    assert result.output.count("Password") == 1 and "Repeat the password" in result.output
    assert users_in_db() == {"ada": True}


def test_create_with_password_stdin() -> None:
    result = run(
        "users", "create", "mona", "--password-stdin", "--display-name", "Mona Lisa", input=GOOD + "\n"
    )
    assert result.exit_code == 0
    assert users_in_db() == {"mona": False}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "create", "bad name!", "--password-stdin"], GOOD, "user name 'bad name!' is not valid"),
        (
            ["users", "create", "ok", "--password-stdin"],
            "short",
            "the password is too short; use at least 10",
        ),
        (["users", "create", "ok", "--password-stdin"], "", "--password-stdin: nothing on standard input"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(args: list[str], stdin: str, message: str) -> None:
    result = run(*args, input=stdin + ("\n" if stdin else ""))

    assert result.exit_code != 0
    assert message in result.output
    assert users_in_db() == {}


def test_a_name_is_taken_once() -> None:
    run("users", "create", "ada", "--password-stdin", input=GOOD)
    again = run("users", "create", "ADA", "--password-stdin", input=GOOD)
    assert again.exit_code == 1
    assert "a user named 'ada' exists already" in again.output


def test_teams_members_assignment_and_shares(meeting_id: int) -> None:
    for name in ("mona", "mel"):
        run("users", "create", name, "--password-stdin", input=GOOD)

    assert run("teams", "create", "Sales").exit_code == 0
    assert run("teams", "add-member", "sales", "mona", "--role", "manager").exit_code == 0
    assert run("teams", "add-member", "Sales", "mel").exit_code == 0
    assert run("meetings", "assign", str(meeting_id), "--team", "Sales").exit_code == 0
    assert run("meetings", "share", str(meeting_id), "--user", "mel").exit_code == 0

    with session_scope(open_store()) as s:
        roles = {(m.user.username, m.role) for m in s.scalars(select(Membership))}
        team_id = s.get(Meeting, meeting_id).team_id  # type: ignore[union-attr]
        shares = s.scalars(select(MeetingShare.meeting_id)).all()
    assert roles == {("mona", "manager"), ("mel", "member")}
    assert team_id is not None and shares == [meeting_id]
    listing = run("teams", "list").output
    assert "Sales\t2 members\t1 meeting" in listing
    assert "mona: Sales (manager)" in run("users", "list").output
    log = run("audit", "--action", "share").output
    assert f"share  meeting {meeting_id}" in log and '"user": "mel"' in log

    assert run("meetings", "unshare", str(meeting_id), "--user", "mel").exit_code == 0
    assert run("meetings", "assign", str(meeting_id), "--no-team").output.endswith("no team (admins only)\n")
    assert run("teams", "remove-member", "Sales", "mel").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["teams", "add-member", "Nope", "mona"], "no team 'Nope'"),
        (["teams", "add-member", "Sales", "nobody"], "no user named 'nobody'"),
        (["meetings", "assign", "999", "--team", "Sales"], "no meeting with id 999"),
        (["meetings", "assign", "1"], "give --team NAME or --no-team"),
        (["meetings", "share", "999", "--user", "mona"], "no meeting with id 999"),
        (["teams", "create", "Sales"], "a team named 'Sales' exists already"),
    ],
)
def test_bad_team_commands_name_the_problem(args: list[str], message: str) -> None:
    run("users", "create", "mona", "--password-stdin", input=GOOD)
    run("teams", "create", "Sales")
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output


def test_token_from_the_command_line_works_until_revoked() -> None:
    run("users", "create", "ada", "--admin", "--password-stdin", input=GOOD)
    made = run("users", "token", "ada", "--label", "backup script")
    token = made.stdout.strip()
    client = TestClient(create_app(WebSettings.from_env(), open_store()))

    assert token.startswith("mnt_")
    assert "it is not shown again" in made.stderr
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "ada"
    assert "backup script\tactive" in run("users", "tokens", "ada").output
    assert run("users", "revoke-token", "ada", "1").exit_code == 0
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_passwd_and_disable() -> None:
    run("users", "create", "mona", "--password-stdin", input=PASSWORD)
    assert run("users", "passwd", "mona", "--password-stdin", input=GOOD).exit_code == 0
    assert run("users", "disable", "mona").exit_code == 0
    assert "mona disabled" in run("users", "list").output
    assert run("users", "enable", "mona").exit_code == 0


# serve -------------------------------------------------------------------------------------------


class FakeChild:
    def __init__(self) -> None:
        self.terminated = False

    def poll(self) -> int | None:
        return 0 if self.terminated else None

    def terminate(self) -> None:
        self.terminated = True

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def kill(self) -> None:  # pragma: no cover - terminate works for the fake
        self.terminated = True


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """``uvicorn.run``, the worker child and the ask model's loading replaced by recorders."""
    from minutes.web.asking import Asker

    seen: dict[str, Any] = {"children": [], "warmed": 0}

    def fake_warm(_asker: Asker) -> None:
        seen["warmed"] += 1

    def fake_run(app: Any, **kwargs: Any) -> None:
        seen["app"], seen["kwargs"] = app, kwargs

    def fake_popen(cmd: list[str], **_kw: Any) -> FakeChild:
        child = FakeChild()
        seen["children"].append((cmd, child))
        return child

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(supervise.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(Asker, "warm", fake_warm)
    yield seen


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_serve_refuses_a_public_address_without_allow_remote(served: dict[str, Any], host: str) -> None:
    result = run("serve", "--host", host)

    assert result.exit_code == 2
    assert f"refusing to listen on {host}" in result.output
    assert "TLS reverse proxy" in result.output
    assert "app" not in served


def test_serve_runs_one_uvicorn_process_and_a_worker_it_stops(served: dict[str, Any]) -> None:
    result = run("serve", "--port", "8123", "--upload-max-mb", "10")

    assert result.exit_code == 0, result.output
    assert "serving on http://127.0.0.1:8123/" in result.output
    assert "no user yet: create the first with `minutes users create NAME --admin`" in result.output
    assert served["kwargs"] == {
        "host": "127.0.0.1",
        "port": 8123,
        "workers": 1,
        "log_level": "info",
        "proxy_headers": False,  # the app decides whom to believe (web/proxy.py), not uvicorn
        "use_colors": False,  # its log passes the visible output too (cli/terminal.py)
    }
    assert served["app"].state.settings.upload_max_bytes == 10 * 1024 * 1024
    assert served["app"].state.settings.proxy_from == ()
    ((cmd, child),) = served["children"]
    assert cmd[0] == sys.executable and cmd[-2:] == ["worker", "--forever"]
    assert child.terminated
    assert served["warmed"] == 1  # the ask model loads before the first page is served


def test_serve_lazy_ask_leaves_the_model_to_the_first_question(served: dict[str, Any]) -> None:
    assert run("serve", "--no-worker", "--lazy-ask").exit_code == 0
    assert served["warmed"] == 0


def test_serve_no_worker_and_allow_remote(served: dict[str, Any]) -> None:
    run("users", "create", "ada", "--admin", "--password-stdin", input=GOOD)
    result = run("serve", "--host", "0.0.0.0", "--allow-remote", "--no-worker")

    assert result.exit_code == 0
    assert "no user yet" not in result.output
    assert served["kwargs"]["host"] == "0.0.0.0"
    assert served["children"] == []


def test_serve_believes_forwarded_headers_from_the_proxies_it_is_given(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("serve", "--no-worker", "--proxy-from", "127.0.0.1", "--proxy-from", "10.1.0.0/16")
    assert result.exit_code == 0, result.output
    assert served["app"].state.settings.proxy_from == ("127.0.0.1", "10.1.0.0/16")

    monkeypatch.setenv("MINUTES_SERVE_PROXY_FROM", "::1 192.0.2.10")
    assert run("serve", "--no-worker").exit_code == 0
    assert served["app"].state.settings.proxy_from == ("::1", "192.0.2.10")


def test_serve_refuses_a_proxy_that_is_not_an_address(served: dict[str, Any]) -> None:
    result = run("serve", "--no-worker", "--proxy-from", "*")
    assert result.exit_code == 1
    assert "--proxy-from '*' is not an IP address or network" in result.output
    assert "forge" in result.output
    assert "kwargs" not in served


@pytest.mark.parametrize(("stop", "code"), [(KeyboardInterrupt(), 0), (SystemExit(143), 143)])
def test_the_worker_is_stopped_however_the_server_ends(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch, stop: BaseException, code: int
) -> None:
    import signal

    import uvicorn

    def interrupted(app: Any, **kwargs: Any) -> None:
        # What uvicorn does on Ctrl+C, and what SIGTERM becomes once uvicorn re-raises it.
        assert signal.getsignal(signal.SIGTERM) is supervise.exit_on_sigterm
        raise stop

    monkeypatch.setattr(uvicorn, "run", interrupted)
    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(main, ["serve"])

    assert result.exit_code == code
    ((_, child),) = served["children"]
    assert child.terminated
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_worker_child_is_stopped_when_it_does_not_stop_by_itself() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    supervise.stop_worker(child)
    assert child.poll() is not None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert cli_web.is_loopback(host) is loopback
