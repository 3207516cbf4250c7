"""The real models: ``minutes batch --workers 2`` killed after its first meeting, then resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from minutes import db as store
from minutes.db.jobs import Job
from minutes.db.tables import Meeting, StageRun
from minutes.factory import open_store
from tests.conftest import NETGUARD_SITE, ROOT

pytestmark = pytest.mark.models


def _batch(files: list[Path], env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "minutes.cli", "batch", *map(str, files), "--workers", "2"]
    return subprocess.Popen(
        [*command, "--no-summary", "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _stages() -> dict[tuple[int, str], object]:
    with store.session_scope(open_store()) as s:
        return {(r.meeting_id, r.stage): r.created_at for r in s.scalars(select(StageRun))}


def test_a_killed_real_batch_resumes_without_redoing_finished_meetings(
    data_dir: Path, tmp_path: Path
) -> None:
    files = [
        data_dir / "jfk" / "jfk.flac",
        data_dir / "pyannote-sample" / "sample.wav",
        data_dir / "ami-es2004a-60s" / "mixture.wav",
    ]
    log = tmp_path / "net.log"
    env = {**os.environ, "PYTHONPATH": str(NETGUARD_SITE), "MINUTES_NETGUARD_LOG": str(log)}
    env["MINUTES_THREADS"] = "2"
    proc = _batch(files, env)
    deadline = time.monotonic() + 300
    while True:
        with store.session_scope(open_store()) as s:
            done = list(s.scalars(select(Job).where(Job.status == "done")))
        if done:
            break
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "no meeting finished in 5 minutes"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _stages()
    first_done = {j.id for j in done}

    again = _batch(files, env)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err[-3000:]
    report = json.loads(out)
    assert report["counts"]["done"] == 3 and report["counts"]["failed"] == 0
    with store.session_scope(open_store()) as s:
        jobs = list(s.scalars(select(Job)))
        meetings = list(s.scalars(select(Meeting)))
        for meeting in meetings:
            doc = store.load_meeting(s, meeting_id=meeting.id)
            assert doc.status == "done" and doc.utterances, doc.title
    assert len(jobs) == 3 and len(meetings) == 3
    assert sorted(j.meeting_id for j in jobs) == sorted(m.id for m in meetings)
    assert all(j.attempts == 1 for j in jobs if j.id in first_done)
    after = _stages()
    # ingest, transcribe, diarize, recover, attribute, index (--no-summary: no minutes)
    assert Counter(mid for mid, _stage in after) == dict.fromkeys((m.id for m in meetings), 6)
    finished_before = {j.meeting_id for j in jobs if j.id in first_done}
    for (mid, stage), stamp in before.items():  # nothing stored before the kill was computed again
        assert after[(mid, stage)] == stamp, f"{stage} of meeting {mid} was redone"
    assert {mid for mid, _stage in before} >= finished_before
    assert not log.exists() or log.read_text() == ""
