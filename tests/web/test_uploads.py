"""Uploads (checked, stored under a generated name, queued) and the jobs page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from minutes.db import session_scope
from minutes.db.jobs import Job
from minutes.web.config import WebSettings
from tests.web.conftest import Browser
from tests.web.world import World


def jobs(world: World) -> list[Job]:
    with session_scope(world.sessions) as s:
        return list(s.scalars(select(Job).order_by(Job.id)))


def stored(settings: WebSettings) -> list[str]:
    return sorted(p.name for p in settings.media_dir.iterdir()) if settings.media_dir.exists() else []


def test_upload_stores_under_a_generated_name_and_queues(
    world: World, api: Callable[[str], TestClient], settings: WebSettings, tone: Path
) -> None:
    before = stored(settings)
    files = [("files", ("../../etc/Weekly sync.wav", tone.read_bytes(), "audio/wav"))]

    response = api("mona").post("/api/v1/uploads", files=files, data={"team": str(world.teams["Sales"])})

    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["filename"] == "Weekly sync.wav"
    assert result["error"] is None
    (job,) = jobs(world)
    assert job.id == result["job_id"]
    assert (job.status, job.title, job.team_id, job.submitted_by) == (
        "queued",
        "Weekly sync",
        world.teams["Sales"],
        world.users["mona"],
    )
    path = Path(job.path)
    assert path.parent == settings.media_dir.resolve()
    assert path.suffix == ".wav" and "Weekly" not in path.name and len(path.stem) == 32
    assert path.read_bytes() == tone.read_bytes()
    assert [n for n in stored(settings) if n not in before] == [path.name]  # no temporary file left


def test_the_browser_form_upload_and_the_jobs_page(
    world: World, browser: Callable[[str], Browser], tone: Path
) -> None:
    mona = browser("mona")
    page = mona.client.get("/upload")
    assert 'data-testid="upload-form"' in page.text and "Sales" in page.text and "Support" not in page.text

    response = mona.client.post(
        "/upload",
        data={"csrf_token": mona.csrf, "team": str(world.teams["Sales"]), "title": "Board call"},
        files=[("files", ("call.wav", tone.read_bytes(), "audio/wav"))],
    )

    assert response.status_code == 200
    assert "call.wav: queued as job" in response.text
    (job,) = jobs(world)
    assert job.title == "Board call"
    listing = mona.client.get("/jobs")
    assert f'data-job-id="{job.id}" data-status="queued"' in listing.text
    assert "/static/jobs.js" in listing.text
    polled = mona.client.get(f"/api/v1/jobs?ids={job.id}").json()
    assert [(j["id"], j["status"], j["progress"], j["title"]) for j in polled] == [
        (job.id, "queued", 0.0, "Board call")
    ]


def test_javascript_upload_gets_json(world: World, browser: Callable[[str], Browser], tone: Path) -> None:
    mona = browser("mona")
    response = mona.client.post(
        "/upload",
        data={"team": str(world.teams["Sales"])},
        files=[("files", ("a.wav", tone.read_bytes(), "audio/wav"))],
        headers={"Accept": "application/json", "X-CSRF-Token": mona.csrf},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["job_id"] is not None


def test_a_recording_can_be_uploaded_again_after_its_meeting_was_deleted(
    world: World, api: Callable[[str], TestClient], tone: Path
) -> None:
    client = api("mona")
    first = client.post(
        "/api/v1/uploads", files=[("files", ("a.wav", tone.read_bytes()))], data={"team": "1"}
    )
    (job,) = jobs(world)
    with session_scope(world.sessions) as s:  # as if a worker had finished it, and it was deleted since
        row = s.get(Job, job.id)
        assert row is not None
        row.status = "done"

    again = client.post(
        "/api/v1/uploads", files=[("files", ("a.wav", tone.read_bytes()))], data={"team": "1"}
    )

    assert first.json()["results"][0]["job_id"] == job.id
    second = again.json()["results"][0]["job_id"]
    assert second is not None and second != job.id
    assert [j.status for j in jobs(world)] == ["done", "queued"]
    assert jobs(world)[1].batch.startswith("web:mona:")


def test_bad_files_are_refused_one_by_one(
    world: World, api: Callable[[str], TestClient], settings: WebSettings, tone: Path
) -> None:
    before = stored(settings)
    files = [
        ("files", ("notes.txt", b"just text", "text/plain")),
        ("files", ("fake.wav", b"RIFF but not really a wav file at all" * 10, "audio/wav")),
        ("files", ("empty.mp3", b"", "audio/mpeg")),
        ("files", ("good.wav", tone.read_bytes(), "audio/wav")),
    ]
    response = api("mona").post("/api/v1/uploads", files=files, data={"team": str(world.teams["Sales"])})

    results = response.json()["results"]
    assert [r["filename"] for r in results] == ["notes.txt", "fake.wav", "empty.mp3", "good.wav"]
    assert results[0]["error"].startswith(
        "notes.txt: .txt is not an accepted recording type; use one of: .3gp, .aac"
    )
    assert results[1]["error"].startswith("fake.wav: not a readable audio or video file")
    assert results[2]["error"] == "empty.mp3: the file is empty"
    assert results[3]["error"] is None and results[3]["job_id"] is not None
    assert len(jobs(world)) == 1
    assert len(stored(settings)) == len(before) + 1


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    world: World, api: Callable[[str], TestClient], settings: WebSettings
) -> None:
    too_big = b"\0" * (settings.upload_max_bytes + 2 * 1024 * 1024)
    before = stored(settings)

    response = api("mona").post(
        "/api/v1/uploads", files=[("files", ("big.wav", too_big, "audio/wav"))], data={"team": "1"}
    )

    assert response.status_code == 413
    assert "at most 6 MB in all" in response.text
    assert jobs(world) == [] and stored(settings) == before


def test_other_request_bodies_are_limited_too(world: World, api: Callable[[str], TestClient]) -> None:
    response = api("mona").put(
        f"/api/v1/meetings/{world.meetings['sales']}/utterances/0", json={"text": "x" * (2 * 1024 * 1024)}
    )
    assert response.status_code == 413


def test_a_recording_already_in_the_archive_is_not_queued_again(
    world: World, api: Callable[[str], TestClient], tone: Path
) -> None:
    client = api("mona")
    first = client.post(
        "/api/v1/uploads", files=[("files", ("a.wav", tone.read_bytes()))], data={"team": "1"}
    )
    job_id = first.json()["results"][0]["job_id"]
    with session_scope(world.sessions) as s:
        from minutes.audio import content_hash
        from minutes.db import Recording, add_recording, create_meeting
        from minutes.types import AudioInfo

        recording = s.scalars(select(Recording).where(Recording.sha256 == content_hash(tone))).first()
        if recording is None:
            info = AudioInfo(
                path=str(tone), sha256=content_hash(tone), duration=7, sample_rate=16000, channels=1
            )
            recording = add_recording(s, audio=info, media_path=str(tone))
        meeting = create_meeting(s, recording=recording, title="t", meeting_date=None, code_version="x")
        meeting.team_id = world.teams["Sales"]
        meeting_id = meeting.id

    again = client.post(
        "/api/v1/uploads", files=[("files", ("b.wav", tone.read_bytes()))], data={"team": "1"}
    )
    hidden = api("sam").post(
        "/api/v1/uploads",
        files=[("files", ("c.wav", tone.read_bytes()))],
        data={"team": str(world.teams["Support"])},
    )

    assert job_id is not None
    assert again.json()["results"] == [
        {"filename": "b.wav", "job_id": None, "meeting_id": meeting_id, "error": None}
    ]
    assert "in a meeting you cannot see" in hidden.json()["results"][0]["error"]
    assert str(meeting_id) not in hidden.text
    assert len(jobs(world)) == 1


@pytest.mark.parametrize(
    ("user", "team", "status"),
    [("mel", "Sales", 403), ("mona", "Support", 403), ("mona", None, 403), ("ada", None, 200)],
)
def test_who_may_upload_where(
    world: World, api: Callable[[str], TestClient], tone: Path, user: str, team: str | None, status: int
) -> None:
    data = {"team": str(world.teams[team])} if team else {}
    response = api(user).post("/api/v1/uploads", files=[("files", ("a.wav", tone.read_bytes()))], data=data)
    assert response.status_code == status, response.text
    assert len(jobs(world)) == (1 if status == 200 else 0)


def test_uploads_need_a_file_and_one_title_per_file(
    world: World, api: Callable[[str], TestClient], tone: Path
) -> None:
    client = api("mona")
    none = client.post("/api/v1/uploads", data={"team": "1"}, files=[])
    two_titled = client.post(
        "/api/v1/uploads",
        data={"team": "1", "title": "x"},
        files=[("files", ("a.wav", tone.read_bytes())), ("files", ("b.wav", tone.read_bytes()))],
    )
    assert none.status_code in (400, 422)
    assert two_titled.status_code == 400 and "a title names one meeting" in two_titled.text


def test_members_see_no_upload_page(browser: Callable[[str], Browser]) -> None:
    mel = browser("mel")
    assert mel.client.get("/upload").status_code == 403
    assert 'href="/upload"' not in mel.client.get("/meetings").text


def test_a_finished_job_never_moves_another_teams_meeting(world: World, tmp_path: Path) -> None:
    """The same recording uploaded by two teams: the pipeline reuses the first team's meeting,
    and the second upload's job must not hand that meeting over to its own team."""
    from minutes.db.tables import Meeting
    from minutes.jobs import claim_job, complete, enqueue
    from minutes.pipeline import ProcessResult

    copy = tmp_path / "copy.wav"
    copy.write_bytes(b"RIFF" + bytes(64))
    meeting = world.meetings["sales"]
    other = next(team for name, team in world.teams.items() if name != "Sales")
    with session_scope(world.sessions) as s:
        job = enqueue(s, copy, team_id=other)
    with session_scope(world.sessions) as s:
        assert claim_job(s, job, worker="w:1") is not None
    with session_scope(world.sessions) as s:
        complete(s, job, worker="w:1", result=ProcessResult(str(copy), "done", meeting_id=meeting))
    with session_scope(world.sessions) as s:
        row = s.get(Meeting, meeting)
        assert row is not None and row.team_id == world.teams["Sales"]


def test_uploads_take_the_servers_preset_and_no_summary(
    world: World, settings: WebSettings, tone: Path
) -> None:
    """`minutes serve --preset cpu-balanced --no-summary`: every upload's job carries both."""
    import dataclasses

    from minutes.web.app import create_app

    configured = dataclasses.replace(settings, upload_preset="cpu-balanced", upload_no_summary=True)
    client = TestClient(create_app(configured, world.sessions), follow_redirects=False)
    client.headers["Authorization"] = f"Bearer {world.token('mona')}"
    files = [("files", ("weekly.wav", tone.read_bytes(), "audio/wav"))]

    response = client.post("/api/v1/uploads", files=files, data={"team": str(world.teams["Sales"])})

    assert response.status_code == 200, response.text
    (job,) = jobs(world)
    assert (job.preset, job.options) == ("cpu-balanced", {"no_summary": True})
