"""Hostile and broken uploads: a playlist naming another team's stored recording is refused by
the upload check and never opened; broken media is refused or processed by the worker; a
cut-short recording is processed and its meeting page says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from minutes.db import save_stage, session_scope
from minutes.db.meeting_store import SqlMeetingStore
from minutes.jobs import run_job
from minutes.pipeline import MeetingProcessor
from minutes.types import StageRecord
from minutes.web.config import UPLOAD_EXTENSIONS, WebSettings
from tests import hostile, media
from tests.fakes import FakeDiarizer, FakeTranscriber
from tests.hostile import Corpus
from tests.openwatch import OpenWatch
from tests.web.conftest import Browser
from tests.web.world import World


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("hostile")
    return hostile.corpus(folder, secret=hostile.secret_recording(folder))


def processor(world: World) -> MeetingProcessor:
    return MeetingProcessor(
        transcriber=FakeTranscriber(), diarizer=FakeDiarizer(), store=SqlMeetingStore(world.sessions)
    )


def stored_recording(world: World, settings: WebSettings, corpus: Corpus) -> Path:
    """Support's recording, stored in the media folder the uploads go to (Sales may not hear it)."""
    world.add_meeting("support call", team="Support", words="the refund is approved", media=corpus.secret)
    (stored,) = settings.media_dir.glob(f"*{corpus.secret.suffix}")
    return stored


def test_hostile_uploads_are_refused_or_processed_and_none_opens_another_teams_recording(
    world: World,
    api: Callable[[str], TestClient],
    settings: WebSettings,
    corpus: Corpus,
) -> None:
    secret = stored_recording(world, settings, corpus)
    playlists = {
        f"{kind}{suffix}": (text.encode(), refused_as)
        for (kind, (text, refused_as)), suffix in zip(
            hostile.playlists(secret).items(),
            [".wav", ".mp3", ".m4a", ".ogg", ".webm", ".flac"] * 3,
            strict=False,
        )
    }
    broken = [
        c for c in corpus.sample(per_kind=4) if c.kind != "playlist" and c.path.suffix in UPLOAD_EXTENSIONS
    ]
    files = [(name, data) for name, (data, _) in playlists.items()]
    files += [(c.path.name, c.path.read_bytes()) for c in broken]
    mona = api("mona")

    with OpenWatch(secret) as watch:
        results: dict[str, dict[str, Any]] = {}
        for start in range(0, len(files), 20):  # the most one request may carry
            response = mona.post(
                "/api/v1/uploads",
                files=[
                    ("files", (n, data, "application/octet-stream")) for n, data in files[start : start + 20]
                ],
                data={"team": str(world.teams["Sales"])},
            )
            assert response.status_code == 200, response.text
            results |= {r["filename"]: r for r in response.json()["results"]}
        queued = [r["job_id"] for r in results.values() if r["job_id"] is not None]
        jobs = [run_job(world.sessions, job_id, processor(world), worker="test") for job_id in queued]
        assert watch.touched() == []

    assert len(results) == len(files)
    for name, (_, refused_as) in playlists.items():
        error = results[name]["error"]
        assert error is not None and results[name]["job_id"] is None, results[name]
        assert error.startswith(f"{name}: ") and refused_as in error and error.isprintable(), error
    for result in results.values():
        assert (result["error"] is None) != (result["job_id"] is None and result["meeting_id"] is None), (
            result
        )
    assert queued and any(r["error"] for r in results.values() if r["filename"] not in playlists)
    for job in jobs:
        assert job.status in ("done", "failed"), job
        if job.status == "failed":
            assert job.error and "\n" not in job.error and job.attempts == 1, job  # bad input: no retry
    assert {j.status for j in jobs} == {"done", "failed"}


def test_a_cut_short_upload_is_processed_and_its_page_says_so(
    world: World, api: Callable[[str], TestClient], browser: Callable[[str], Browser], tmp_path: Path
) -> None:
    whole = media.tone(tmp_path / "memo.mp3", seconds=6.0, channels=1, codec=("-c:a", "libmp3lame"))
    data = whole.read_bytes()
    mona = api("mona")
    upload = mona.post(
        "/api/v1/uploads",
        files=[("files", ("Standup.mp3", data[: len(data) // 2], "audio/mpeg"))],
        data={"team": str(world.teams["Sales"])},
    )
    (result,) = upload.json()["results"]
    done = run_job(world.sessions, result["job_id"], processor(world), worker="test")
    assert done.status == "done" and done.meeting_id is not None
    (warning,) = done.result["warnings"] if done.result else [None]
    assert warning.startswith("incomplete recording: the file says it lasts 6.")

    page = browser("mona").client.get(f"/meetings/{done.meeting_id}").text
    assert 'class="notice recording-warning" role="alert" data-testid="recording-warning"' in page
    assert f"⚠ The recording: {warning}." in page
    exported = mona.get(f"/api/v1/meetings/{done.meeting_id}/export/json").json()
    assert exported["warnings"] == [warning]


def test_a_recording_warning_on_the_page_is_escaped_and_only_where_there_is_one(
    world: World, browser: Callable[[str], Browser]
) -> None:
    marked = world.add_meeting("cut", team="Sales", words="we approve the budget")
    with session_scope(world.sessions) as s:
        payload = {"warnings": ["damaged recording: ffmpeg met a decoding error (first: <b>bad</b>)"]}
        save_stage(s, meeting_id=marked, record=StageRecord("ingest", "k"), payload=payload)
    mona = browser("mona")

    page = mona.client.get(f"/meetings/{marked}").text
    assert (
        "⚠ The recording: damaged recording: ffmpeg met a decoding error (first: &lt;b&gt;bad&lt;/b&gt;)."
        in page
    )
    plain = mona.client.get(f"/meetings/{world.meetings['sales']}").text
    assert "recording-warning" not in plain


# Each accepted name ending, as ffmpeg writes such a file: (ending, ffmpeg output options).
_ENDINGS = {
    ".aiff": (), ".aif": ("-f", "aiff"), ".caf": (), ".au": (), ".w64": (), ".wv": (), ".ac3": (),
    ".amr": ("-ar", "8000", "-c:a", "libopencore_amrnb"), ".mka": (), ".3gp": ("-c:a", "aac"),
    ".avi": (), ".flv": ("-ar", "22050"), ".ts": (), ".mts": ("-f", "mpegts"), ".mpg": (),
    ".mpeg": ("-f", "mpeg"), ".wmv": ("-f", "asf"), ".asf": (),
}  # fmt: skip


def test_every_format_the_allow_list_decodes_can_be_uploaded_by_its_usual_name(
    world: World, api: Callable[[str], TestClient], tmp_path: Path
) -> None:
    """An AIFF, CAF, TS or MPG recording is queued like a WAV (the name endings follow the formats
    of minutes.demuxers.ACCEPTED), and each ending accepted is one such a format has."""
    import subprocess

    files = []
    for ending, options in _ENDINGS.items():
        out = tmp_path / f"standup{ending}"
        done = subprocess.run(
            ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-ac", "1",
             *options, str(out)],
            capture_output=True, check=False,
        )  # fmt: skip
        if done.returncode == 0:  # an encoder this ffmpeg lacks (e.g. AMR) is not this test's subject
            files.append(("files", (out.name, out.read_bytes(), "application/octet-stream")))
    assert len(files) >= 15
    assert {name for _, (name, _, _) in files} <= {f"standup{e}" for e in UPLOAD_EXTENSIONS}
    results = []
    for start in range(0, len(files), 20):
        response = api("mona").post(
            "/api/v1/uploads", files=files[start : start + 20], data={"team": str(world.teams["Sales"])}
        )
        assert response.status_code == 200, response.text
        results += response.json()["results"]
    assert [r["filename"] for r in results if r["error"]] == []
    assert all(r["job_id"] for r in results)
