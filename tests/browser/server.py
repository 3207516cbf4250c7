"""A real ``minutes serve`` in a child process, and signing in to it, for the browser tests, the
screenshot script and the page-speed benchmarks (``scripts/screenshot.py``, ``bench/web.py`` and
``bench/web_ask.py`` import it from here; the last starts its own server the same way).

The server listens on 127.0.0.1 on a free port, with its own ``MINUTES_HOME``; :func:`start`
returns once ``/login`` answers, or raises with the end of the server's log.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
)
"""Headless Chromium that cannot resolve any name but the loopback ones (../shared/MODELS.md)."""

START_SECONDS = 60.0
STOP_SECONDS = 30.0  # serve stops its worker within 15 s


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    home: Path
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM (uvicorn shuts down, serve stops its worker), then SIGKILL the group if needed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # The worker is serve's child, in the group serve leads: make sure none outlives it.
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


SERVE = (sys.executable, "-m", "minutes.cli", "serve")


def start(
    home: Path,
    *,
    env: Mapping[str, str] | None = None,
    worker: bool = True,
    command: Sequence[str] = SERVE,
) -> Server:
    """``minutes serve`` on a free port over ``home`` (SQLite there unless ``env`` names a database).

    ``command``: another server to start the same way; it is given ``--port N`` (and ``--no-worker``
    without ``worker``) and must answer ``/login`` like ``minutes serve``.
    """
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = home / "serve.log"
    full_env = {**os.environ, "MINUTES_HOME": str(home), **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port), *([] if worker else ["--no-worker"])],
            cwd=ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(url=f"http://127.0.0.1:{port}", home=home, log=log, process=process)
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"minutes serve exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(server.url + "/login", timeout=2.0).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"minutes serve did not answer in {START_SECONDS:.0f} s:\n{server.log_tail()}")
        time.sleep(0.1)


@contextmanager
def running(
    home: Path, *, env: Mapping[str, str] | None = None, worker: bool = True, command: Sequence[str] = SERVE
) -> Iterator[Server]:
    server = start(home, env=env, worker=worker, command=command)
    try:
        yield server
    finally:
        server.stop()


def sign_in(client: httpx.Client, username: str, password: str) -> None:
    """Sign an httpx client in through the login form (login cookie + token, then the session)."""
    form = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError(f"no login token on /login ({form.status_code})")
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "login_token": token.group(1), "next": "/meetings"},
        follow_redirects=False,
    )
    if answer.status_code != 303 or "minutes_session" not in client.cookies:
        raise RuntimeError(f"signing in as {username} failed ({answer.status_code})")


def sign_in_page(
    context: BrowserContext, username: str, password: str, *, next_path: str = "/meetings"
) -> Page:
    """Sign in through the login form, as a person would; the page ends on ``next_path``."""
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(next_path)  # not signed in yet: the app sends us to the login form
    expect(page).to_have_title("Sign in · minutes")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("whoami")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))
    return page
