"""``kill -9`` in the middle of a batch, for real: a worker, then the whole command.

``minutes batch`` runs in a subprocess over fakes that take real time (``tests/jobs/slow.py``):
each recording's transcription takes 0.8 s and its diarization 2 s, one after the other. The
tests kill while the processes are inside a stage, then check that every recording ends up done
exactly once: one meeting per recording, every stage computed once (a stage whose result was
stored is never computed again), no job left queued or running, and nothing tried the network.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from minutes import db as store
from minutes.db.jobs import Job
from minutes.db.tables import Meeting, Recording, StageRun
from minutes.factory import open_store
from tests.conftest import ROOT
from tests.jobs import slow

RECORDINGS = 5
STAGE_SECONDS = {"transcribe": 0.8, "diarize": 2.0}


@pytest.fixture
def crash_env(fake_log: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for stage, seconds in STAGE_SECONDS.items():
        monkeypatch.setenv(f"MINUTES_FAKE_{stage.upper()}_SECONDS", str(seconds))
    return fake_log


def _start(folder: Path, *extra: str) -> subprocess.Popen[str]:
    """``minutes batch FOLDER`` in its own process group, as a shell would start it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "minutes.cli",
            "batch",
            str(folder),
            "--workers",
            "2",
            "--no-summary",
            "--json",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # As an interactive shell starts it: with Ctrl-C's default action. A test run started in
        # the background (`make test &`, nohup) ignores SIGINT, and children would inherit that.
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(what: str, check: Callable[[], Any], proc: subprocess.Popen[str], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if proc.poll() is not None:
            pytest.fail(f"the batch ended before {what}: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"timed out waiting for {what}")


class Timeline:
    """The fakes' log, read as it grows: each worker's latest event and when it was seen."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.seen = 0
        self.latest: dict[int, tuple[str, str, str, float]] = {}  # pid → (event, stage, name, when)
        self.meetings_done = 0

    def read(self) -> None:
        lines = slow.events(self.log)
        for pid, event, stage, name in lines[self.seen :]:
            self.latest[pid] = (event, stage, name, time.monotonic())
            self.meetings_done += event == "end" and stage == "diarize"
        self.seen = len(lines)

    def inside(self, stage: str, pid: int, *, margin: float) -> bool:
        """Whether ``pid`` started ``stage`` recently enough to still be in it for ``margin`` s."""
        event, at_stage, _name, when = self.latest.get(pid, ("", "", "", 0.0))
        return (
            event == "start" and at_stage == stage and time.monotonic() - when < STAGE_SECONDS[stage] - margin
        )

    def workers(self) -> set[int]:
        return {pid for pid, _event, _stage, _name in slow.events(self.log)}


def _check_everything_done_once(folder: Path, log: Path) -> None:
    names = sorted(p.name for p in folder.iterdir())
    finished = Counter((stage, name) for _pid, event, stage, name in slow.events(log) if event == "end")
    for name in names:
        for stage in STAGE_SECONDS:
            assert finished[(stage, name)] == 1, f"{stage} of {name} finished {finished[(stage, name)]} times"
    with store.session_scope(open_store()) as s:
        jobs = list(s.scalars(select(Job)))
        assert sorted(Path(j.path).name for j in jobs) == names
        assert {j.status for j in jobs} == {"done"} and all(j.lease_expires_at is None for j in jobs)
        meetings = list(s.scalars(select(Meeting)))
        assert len(meetings) == RECORDINGS and {m.status for m in meetings} == {"done"}
        assert s.scalar(select(func.count()).select_from(Recording)) == RECORDINGS
        assert sorted(j.meeting_id for j in jobs) == sorted(m.id for m in meetings)
        per_meeting = Counter(s.scalars(select(StageRun.meeting_id)))
        assert set(per_meeting.values()) == {5}  # ingest, transcribe, diarize, recover, attribute: once each


def _report(proc: subprocess.Popen[str]) -> tuple[dict[str, Any], str]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out), err


def test_a_worker_killed_mid_stage_is_replaced_and_its_job_resumed(
    crash_env: Path, tones: Callable[..., list[Path]], tmp_path: Path
) -> None:
    folder = tones(RECORDINGS)[0].parent
    proc = _start(folder)
    timeline = Timeline(crash_env)

    def diarizing() -> int | None:
        timeline.read()
        return next((p for p in timeline.latest if timeline.inside("diarize", p, margin=1.0)), None)

    victim = _wait_for("a worker diarizing", diarizing, proc)
    name = timeline.latest[victim][2]
    os.kill(victim, signal.SIGKILL)

    report, err = _report(proc)
    assert report["counts"]["done"] == RECORDINGS and report["counts"]["failed"] == 0
    assert f"worker process {victim} was killed by SIGKILL" in err
    jobs = {Path(j["path"]).name: j for j in report["jobs"]}
    assert jobs[name]["attempts"] == 2 and jobs[name]["result"]["stages"]["transcribe"] == "cached"
    assert all(j["attempts"] == 1 for n, j in jobs.items() if n != name)
    assert len(timeline.workers() - {victim}) >= 2  # a replacement worker took over
    _check_everything_done_once(folder, crash_env)
    assert not (tmp_path / "net.log").exists()


def test_the_whole_command_killed_mid_stage_resumes_when_run_again(
    crash_env: Path, tones: Callable[..., list[Path]], tmp_path: Path
) -> None:
    folder = tones(RECORDINGS)[0].parent
    proc = _start(folder)
    timeline = Timeline(crash_env)

    def both_inside_a_stage() -> bool:
        timeline.read()
        busy = [p for p in timeline.latest if any(timeline.inside(st, p, margin=0.3) for st in STAGE_SECONDS)]
        return len(busy) == 2 and timeline.meetings_done >= 1

    _wait_for("both workers inside a stage", both_inside_a_stage, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with store.session_scope(open_store()) as s:
        left = dict(s.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    assert left.get("running") == 2 and left.get("done", 0) < RECORDINGS  # killed mid-way, for real

    started = time.monotonic()
    report, _err = _report(_start(folder))
    assert time.monotonic() - started < 50  # gone workers are noticed at once, not after the 60 s lease
    assert report["counts"]["done"] == RECORDINGS
    resumed = [j for j in report["jobs"] if j["attempts"] == 2]
    assert len(resumed) == 2
    _check_everything_done_once(folder, crash_env)
    assert not (tmp_path / "net.log").exists()


def test_ctrl_c_stops_the_batch_and_uses_up_no_attempt(
    crash_env: Path, tones: Callable[..., list[Path]]
) -> None:
    folder = tones(RECORDINGS)[0].parent
    proc = _start(folder)
    timeline = Timeline(crash_env)

    def diarizing() -> bool:
        # The first meeting's diarization: the whole batch is still ahead, so even a test process
        # starved by a loaded machine (events read late look fresh) interrupts a running batch.
        timeline.read()
        first = timeline.meetings_done == 0
        return first and any(timeline.inside("diarize", p, margin=1.0) for p in timeline.latest)

    _wait_for("a worker diarizing", diarizing, proc)
    assert proc.poll() is None, "the batch finished before Ctrl-C could be sent"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted; finished stages are kept, run the same command again to resume" in err
    assert "Traceback" not in err
    with store.session_scope(open_store()) as s:
        jobs = list(s.scalars(select(Job)))
    assert "running" not in {j.status for j in jobs}
    assert all(j.attempts == 0 for j in jobs if j.status == "queued")

    report, _err = _report(_start(folder))
    assert report["counts"]["done"] == RECORDINGS
    assert all(j["attempts"] == 1 for j in report["jobs"])
    _check_everything_done_once(folder, crash_env)
