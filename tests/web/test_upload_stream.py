"""Uploads are read as a stream into their temporary file under the media folder: no copy in the
system's temporary folder, the size limit while streaming, one log line and no leftovers when the
client goes away mid-upload, the browser's CSRF field before any file is written."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from minutes.db import session_scope
from minutes.db.jobs import Job
from minutes.web.app import create_app
from minutes.web.config import MIB, WebSettings
from tests import media
from tests.web.conftest import Browser
from tests.web.world import World


def jobs(world: World) -> list[Job]:
    with session_scope(world.sessions) as s:
        return list(s.scalars(select(Job).order_by(Job.id)))


def media_files(settings: WebSettings) -> set[str]:
    return {p.name for p in settings.media_dir.iterdir()} if settings.media_dir.exists() else set()


@pytest.fixture
def long_tone(tmp_path: Path) -> Path:
    """A 15 s stereo WAV of 2.6 MB: past the 1 MB a form parser keeps in memory."""
    path = media.tone(tmp_path / "long.wav", seconds=15)
    assert path.stat().st_size > 2 * MIB
    return path


def test_an_upload_needs_no_room_in_the_temporary_folder(
    world: World,
    api: Callable[[str], TestClient],
    settings: WebSettings,
    long_tone: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The system's temporary folder is made unusable: the upload still works, so it never
    went there (the one copy is written straight into the media folder)."""
    client = api("mona")
    before = media_files(settings)
    gone = tmp_path / "no-temporary-folder-here"
    monkeypatch.setenv("TMPDIR", str(gone))
    monkeypatch.setattr(tempfile, "tempdir", str(gone))
    files = [("files", ("long.wav", long_tone.read_bytes(), "audio/wav"))]

    response = client.post("/api/v1/uploads", files=files, data={"team": str(world.teams["Sales"])})

    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["error"] is None
    (job,) = jobs(world)
    assert Path(job.path).read_bytes() == long_tone.read_bytes()
    assert media_files(settings) - before == {Path(job.path).name}
    assert not gone.exists()


def test_a_file_over_the_limit_is_cut_off_while_streaming_and_the_others_go_on(
    world: World, api: Callable[[str], TestClient], settings: WebSettings, tone: Path
) -> None:
    """Within the request's size (limit + 1 MB of room) one file passes the per-file limit."""
    over = b"RIFF" + b"\0" * (settings.upload_max_bytes + 200 * 1024)
    before = media_files(settings)
    files = [
        ("files", ("first.wav", tone.read_bytes(), "audio/wav")),
        ("files", ("huge.wav", over, "audio/wav")),
        ("files", ("other.mp3", b"", "audio/mpeg")),
    ]

    response = api("mona").post("/api/v1/uploads", files=files, data={"team": str(world.teams["Sales"])})

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["filename"] for r in results] == ["first.wav", "huge.wav", "other.mp3"]
    assert results[0]["error"] is None and results[0]["job_id"] is not None
    assert results[1]["error"] == "huge.wav: the file is larger than the upload limit of 5 MB"
    assert results[2]["error"] == "other.mp3: the file is empty"
    (job,) = jobs(world)
    assert media_files(settings) - before == {Path(job.path).name}  # no .part file left


def test_multi_file_uploads_store_each_file_once(
    world: World, api: Callable[[str], TestClient], settings: WebSettings, tmp_path: Path
) -> None:
    recordings = [media.tone(tmp_path / f"r{i}.wav", frequency=300 + 50 * i, seconds=1) for i in range(3)]
    files = [("files", (p.name, p.read_bytes(), "audio/wav")) for p in recordings]

    response = api("mona").post("/api/v1/uploads", files=files, data={"team": str(world.teams["Sales"])})

    assert response.status_code == 200, response.text
    stored = [Path(j.path) for j in jobs(world)]
    assert [p.read_bytes() for p in stored] == [p.read_bytes() for p in recordings]
    assert not [n for n in media_files(settings) if n.endswith(".part")]


def test_a_browser_form_must_send_its_csrf_token_before_the_files(
    world: World, browser: Callable[[str], Browser], settings: WebSettings, tone: Path
) -> None:
    """Nothing of a cross-site (or out-of-date) form is written to disk."""
    mona = browser("mona")
    before = media_files(settings)
    wav = [("files", ("call.wav", tone.read_bytes(), "audio/wav"))]

    missing = mona.client.post("/upload", data={"team": str(world.teams["Sales"])}, files=wav)
    forged = mona.client.post("/upload", data={"csrf_token": "forged", "team": "1"}, files=wav)
    header = mona.client.post("/upload", data={"team": "1"}, files=wav, headers={"X-CSRF-Token": "forged"})

    assert [r.status_code for r in (missing, forged, header)] == [403, 403, 403]
    assert "the form is out of date or came from another site" in missing.text
    assert jobs(world) == [] and media_files(settings) == before


# --- a client that goes away ---------------------------------------------------------------------


def _multipart(boundary: str, team: int, payload: bytes) -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="team"\r\n\r\n{team}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="cut.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n"
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _call(app: Any, *, token: str, body: bytes, sent: int) -> list[dict[str, Any]]:
    """POST /api/v1/uploads as raw ASGI: the first ``sent`` bytes of ``body``, then a disconnect."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/uploads",
        "raw_path": b"/api/v1/uploads",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"multipart/form-data; boundary=cut-here"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
        "state": {},
    }
    messages = [
        {"type": "http.request", "body": body[i : i + 65536], "more_body": True}
        for i in range(0, sent, 65536)
    ]
    answers: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        answers.append(message)

    # A thread of its own: an event loop left running in this one (the browser tests' Playwright)
    # would make asyncio.run refuse.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return answers


def test_a_client_that_disconnects_mid_upload_is_one_log_line_and_leaves_nothing(
    world: World, settings: WebSettings, long_tone: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, world.sessions)
    body = _multipart("cut-here", world.teams["Sales"], long_tone.read_bytes())
    before = media_files(settings)

    with caplog.at_level(logging.INFO):
        _call(app, token=world.token("mona"), body=body, sent=len(body) // 2)

    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in records] == [
        "POST /api/v1/uploads from 127.0.0.1: the client disconnected before the whole request arrived"
    ]
    assert records[0].exc_info is None
    assert media_files(settings) == before  # no .part file, no recording
    assert jobs(world) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"--cut-here\r\nContent-Disposition: form-data\r\n\r\nx\r\n--cut-here--\r\n", "has no name"),
        (
            b"--cut-here\r\nX-Padding: " + b"a" * 20000 + b"\r\n\r\nx\r\n--cut-here--\r\n",
            "Maximum header size exceeded",
        ),
        (b"this is not multipart at all", "not a well-formed multipart/form-data body"),
    ],
    ids=["no-name", "huge-header", "garbage"],
)
def test_a_malformed_upload_is_a_clear_400_and_leaves_nothing(
    world: World, api: Callable[[str], TestClient], settings: WebSettings, body: bytes, message: str
) -> None:
    before = media_files(settings)
    response = api("mona").post(
        "/api/v1/uploads", content=body, headers={"Content-Type": "multipart/form-data; boundary=cut-here"}
    )
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]
    assert media_files(settings) == before
