"""An upload goes through the real job queue and pipeline (fake model stages) into a meeting
the uploader's team sees, plays and exports; deleting it removes the stored file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from minutes.db.meeting_store import SqlMeetingStore
from minutes.jobs import run_job
from minutes.pipeline import MeetingProcessor
from minutes.summarize.summarizer import Summarizer
from tests.fakes import FakeDiarizer, FakeLLM, FakeTranscriber
from tests.web.world import World


def test_upload_process_watch_play_export_delete(
    world: World, api: Callable[[str], TestClient], tmp_path: Path
) -> None:
    from tests import media

    recording = media.tone(tmp_path / "standup.wav", frequency=440, seconds=7.0, channels=1)
    mona = api("mona")
    upload = mona.post(
        "/api/v1/uploads",
        files=[("files", ("Team standup.wav", recording.read_bytes(), "audio/wav"))],
        data={"team": str(world.teams["Sales"])},
    )
    job_id = upload.json()["results"][0]["job_id"]
    assert mona.get(f"/api/v1/jobs/{job_id}").json()["status"] == "queued"

    processor = MeetingProcessor(
        transcriber=FakeTranscriber(),
        diarizer=FakeDiarizer(),
        store=SqlMeetingStore(world.sessions),
        summarizer=Summarizer(FakeLLM()),
    )
    done = run_job(world.sessions, job_id, processor, worker="test-worker")

    assert done.status == "done", done.error
    job = mona.get(f"/api/v1/jobs/{job_id}").json()
    assert (job["status"], job["progress"], job["meeting_id"]) == ("done", 1.0, done.meeting_id)
    meeting = mona.get(f"/api/v1/meetings/{done.meeting_id}").json()
    assert (meeting["title"], meeting["team"], meeting["status"]) == ("Team standup", "Sales", "done")
    assert meeting["utterances"] > 0
    assert api("sam").get(f"/api/v1/meetings/{done.meeting_id}").status_code == 404
    played = mona.get(f"/api/v1/meetings/{done.meeting_id}/media", headers={"Range": "bytes=0-3"})
    assert played.status_code == 206 and played.content == b"RIFF"
    assert "word3" in mona.get(f"/api/v1/meetings/{done.meeting_id}/export/txt").text

    stored = Path(done.path)
    assert stored.exists()
    assert mona.delete(f"/api/v1/meetings/{done.meeting_id}").json()["media_removed"] is True
    assert not stored.exists()
