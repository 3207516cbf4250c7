"""The job queue on SQLite and PostgreSQL: enqueue, duplicates, claims, leases, outcomes, retries."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes.db.jobs import Job
from minutes.db.tables import utcnow
from minutes.errors import ConfigError, InvalidValue, NotFoundError
from minutes.jobs import (
    claim_job,
    claim_next,
    complete,
    count_jobs,
    enqueue,
    fail,
    get_job,
    heartbeat,
    list_jobs,
    reap,
    release,
    retry_jobs,
    worker_id,
)
from minutes.pipeline import ProcessResult

Sessions = sessionmaker[Session]


def _enqueue(sessions: Sessions, *paths: Path, **kwargs: object) -> list[int]:
    with store.session_scope(sessions) as s:
        return [enqueue(s, p, **kwargs) for p in paths]  # type: ignore[arg-type]


def _claim(sessions: Sessions, worker: str = "w:1", **kwargs: object) -> int | None:
    with store.session_scope(sessions) as s:
        job = claim_next(s, worker=worker, **kwargs)  # type: ignore[arg-type]
        return job.id if job else None


def _job(sessions: Sessions, job_id: int) -> Job:
    with store.session_scope(sessions) as s:
        row = s.get(Job, job_id)
        assert row is not None
        return row


def test_enqueue_stores_the_job_and_its_checked_options(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (path,) = tones(1)
    (job_id,) = _enqueue(
        sessions,
        path,
        options={"language": "en", "num_speakers": 2, "no_summary": True, "llm_model": None},
        preset="cpu-fast",
        batch="b1",
        team_id=7,
        submitted_by=3,
        title="Weekly",
    )
    with store.session_scope(sessions) as s:
        job = get_job(s, job_id)
    assert job.status == "queued" and job.attempts == 0 and job.progress == 0.0 and job.stage is None
    assert job.path == str(path.resolve()) and job.name == path.name
    assert dict(job.options) == {"language": "en", "num_speakers": 2, "no_summary": True}
    assert (job.preset, job.batch, job.team_id, job.submitted_by, job.title) == (
        "cpu-fast",
        "b1",
        7,
        3,
        "Weekly",
    )
    assert job.sha256 is not None and len(job.sha256) == 64
    assert job.created_at.tzinfo is not None and job.finished_at is None
    assert job.to_dict()["created_at"] == job.created_at.isoformat()


@pytest.mark.parametrize(
    "options,message",
    [
        ({"speakerz": 2}, r"unknown job option 'speakerz'; valid: .*num_speakers"),
        ({"num_speakers": 0}, r"num_speakers must be a whole number of at least 1"),
        ({"no_summary": "yes"}, r"no_summary must be true or false"),
        ({"meeting_date": "last tuesday"}, r"meeting_date must be an ISO date"),
        ({"llm_api_key": "secret"}, r"API key is not stored with a job; give it to the worker"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_queued(
    sessions: Sessions, tones: Callable[..., list[Path]], options: dict[str, object], message: str
) -> None:
    (path,) = tones(1)
    with pytest.raises(ConfigError, match=message), store.session_scope(sessions) as s:
        enqueue(s, path, options=options)
    with store.session_scope(sessions) as s:
        assert list_jobs(s) == []


def test_the_same_file_in_the_same_batch_is_one_job(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    a, b = tones(2)
    first = _enqueue(sessions, a, b, batch="b1")
    again = _enqueue(sessions, a, b, batch="b1")
    assert again == first
    other_batch = _enqueue(sessions, a, batch="b2")
    assert other_batch[0] not in first
    with store.session_scope(sessions) as s:
        assert get_job(s, other_batch[0]).status == "queued"  # the b1 job is not done: not a duplicate


def test_a_changed_file_in_the_same_batch_is_a_new_job(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    (first,) = _enqueue(sessions, a, batch="b1")
    a.write_bytes(a.read_bytes() + b"\0" * 64)
    (second,) = _enqueue(sessions, a, batch="b1")
    assert second != first


def test_duplicate_content_in_a_batch_is_skipped_and_gets_the_meeting_later(
    sessions: Sessions, tones: Callable[..., list[Path]], tmp_path: Path
) -> None:
    (a,) = tones(1)
    copy = tmp_path / "copy of a.wav"
    copy.write_bytes(a.read_bytes())
    original, duplicate = _enqueue(sessions, a, copy, batch="b1")
    with store.session_scope(sessions) as s:
        dup = get_job(s, duplicate)
    assert dup.status == "skipped" and dup.duplicate_of == original and dup.finished
    assert dup.error == f"same content as job {original} ({a.name})"
    assert _claim(sessions, batch="b1") == original and _claim(sessions, batch="b1") is None

    meeting_id = _meeting(sessions, a)
    with store.session_scope(sessions) as s:
        assert complete(
            s, original, worker="w:1", result=ProcessResult(str(a), "done", meeting_id=meeting_id)
        )
    with store.session_scope(sessions) as s:
        assert get_job(s, duplicate).meeting_id == meeting_id


def test_content_already_processed_is_skipped_unless_forced(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    meeting_id = _meeting(sessions, a, status="done")
    (skipped,) = _enqueue(sessions, a, batch="later")
    (forced,) = _enqueue(sessions, a, batch="forced", options={"force": True})
    with store.session_scope(sessions) as s:
        job = get_job(s, skipped)
        assert job.status == "skipped" and job.meeting_id == meeting_id and job.duplicate_of is None
        assert "already processed (--force redoes it)" in (job.error or "")
        assert get_job(s, forced).status == "queued"


def test_an_unreadable_file_is_queued_without_a_hash(sessions: Sessions, tmp_path: Path) -> None:
    (job_id,) = _enqueue(sessions, tmp_path / "not-there.wav", batch="b")
    with store.session_scope(sessions) as s:
        job = get_job(s, job_id)
    assert job.status == "queued" and job.sha256 is None
    assert _enqueue(sessions, tmp_path / "not-there.wav", batch="b") == [job_id]


def test_claims_are_exclusive_under_concurrency(sessions: Sessions, tmp_path: Path) -> None:
    paths = []
    for i in range(24):
        paths.append(tmp_path / f"r{i}.wav")
        paths[-1].write_bytes(f"recording {i}".encode())
    ids = _enqueue(sessions, *paths)
    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        got = claimed.setdefault(name, [])
        try:
            barrier.wait()
            while (job_id := _claim(sessions, worker=name)) is not None:
                got.append(job_id)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(f"host:{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    every = [j for got in claimed.values() for j in got]
    assert sorted(every) == sorted(ids), "a job was claimed twice or not at all"
    with store.session_scope(sessions) as s:
        rows = list(s.scalars(select(Job)))
    assert {r.status for r in rows} == {"running"} and all(r.attempts == 1 for r in rows)
    for name, got in claimed.items():
        assert all(r.worker == name for r in rows if r.id in got)


def test_an_expired_lease_is_reclaimed_and_the_attempt_counted(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    (job_id,) = _enqueue(sessions, a)
    assert _claim(sessions, worker="other-host:1", lease_seconds=1.5) == job_id
    assert _claim(sessions, worker="other-host:2") is None  # held
    time.sleep(1.6)
    assert _claim(sessions, worker="other-host:2") == job_id
    job = _job(sessions, job_id)
    assert job.attempts == 2 and job.worker == "other-host:2"
    assert job.error == "worker other-host:1 stopped responding (its lease expired)"


def test_a_heartbeat_keeps_the_lease_and_a_lost_lease_is_reported(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    (job_id,) = _enqueue(sessions, a)
    assert _claim(sessions, worker="far:1", lease_seconds=1.5) == job_id
    for _ in range(4):  # 2 s in all: longer than the lease
        time.sleep(0.5)
        with store.session_scope(sessions) as s:
            assert heartbeat(s, job_id, worker="far:1", lease_seconds=1.5, stage="diarize", progress=0.5)
        assert _claim(sessions, worker="far:2") is None
    assert (_job(sessions, job_id).stage, _job(sessions, job_id).progress) == ("diarize", 0.5)
    time.sleep(1.6)
    assert _claim(sessions, worker="far:2") == job_id
    with store.session_scope(sessions) as s:
        assert not heartbeat(s, job_id, worker="far:1")
        assert complete(s, job_id, worker="far:1", result=ProcessResult(str(a), "done")) is None
    assert _job(sessions, job_id).status == "running" and _job(sessions, job_id).worker == "far:2"


def test_a_job_of_a_dead_local_process_is_reclaimed_at_once(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    (job_id,) = _enqueue(sessions, a)
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = worker_id(gone.pid)
    assert _claim(sessions, worker=dead, lease_seconds=3600) == job_id
    assert _claim(sessions, worker=worker_id()) == job_id
    job = _job(sessions, job_id)
    assert job.attempts == 2 and job.error == f"worker {dead} ended without finishing the job"


def test_a_worker_that_keeps_dying_fails_the_job_and_its_meeting(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    (job_id,) = _enqueue(sessions, a, max_attempts=2)
    meeting_id = _meeting(sessions, a, status="processing")
    for n in (1, 2):
        assert _claim(sessions, worker=f"w:{n}") == job_id
        with store.session_scope(sessions) as s:
            assert release(s, worker=f"w:{n}", reason="worker process 9 was killed by SIGKILL") == [job_id]
    job = _job(sessions, job_id)
    assert job.status == "failed" and job.attempts == 2
    assert job.error == "worker process 9 was killed by SIGKILL (gave up after 2 attempts)"
    assert job.meeting_id == meeting_id
    with store.session_scope(sessions) as s:
        doc = store.load_meeting(s, meeting_id=meeting_id)
    assert doc.status == "failed" and doc.error == job.error


def test_a_stop_does_not_use_up_an_attempt(sessions: Sessions, tones: Callable[..., list[Path]]) -> None:
    (a,) = tones(1)
    (job_id,) = _enqueue(sessions, a, max_attempts=1)
    assert _claim(sessions, worker="w:1") == job_id
    with store.session_scope(sessions) as s:
        release(s, worker="w:1", reason="stopped", count_attempt=False)
    job = _job(sessions, job_id)
    assert (job.status, job.attempts) == ("queued", 0)
    assert _claim(sessions, worker="w:2") == job_id


def test_failures_back_off_then_give_up(sessions: Sessions, tones: Callable[..., list[Path]]) -> None:
    from minutes.jobs import RetryPolicy

    (a,) = tones(1)
    (job_id,) = _enqueue(sessions, a)
    policy = RetryPolicy(delay=0.3, factor=2.0)
    waits = []
    for attempt in (1, 2, 3):
        assert _claim(sessions) == job_id
        with store.session_scope(sessions) as s:
            fail(s, job_id, worker="w:1", error="database is locked", retryable=True, policy=policy)
        job = _job(sessions, job_id)
        if attempt < 3:
            assert job.status == "queued" and job.attempts == attempt and job.error == "database is locked"
            waits.append((job.available_at - job.updated_at).total_seconds())  # same transaction
            assert _claim(sessions) is None  # not due yet
            time.sleep(waits[-1] + 0.05)
    assert waits[0] == pytest.approx(0.3, abs=0.05) and waits[1] == pytest.approx(0.6, abs=0.05)
    assert job.status == "failed" and job.error == "database is locked (gave up after 3 attempts)"
    assert job.finished_at is not None


def test_a_permanent_failure_is_not_retried(sessions: Sessions, tones: Callable[..., list[Path]]) -> None:
    (a,) = tones(1)
    (job_id,) = _enqueue(sessions, a)
    assert _claim(sessions) == job_id
    with store.session_scope(sessions) as s:
        info = fail(s, job_id, worker="w:1", error="a.wav: not a readable audio file", retryable=False)
    assert info is not None and info.status == "failed" and info.attempts == 1
    assert info.error == "a.wav: not a readable audio file"


def test_two_jobs_with_the_same_content_never_run_at_once(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    first, second = _enqueue(sessions, a, batch="x") + _enqueue(sessions, a, batch="y")
    assert _claim(sessions, worker="w:1") == first
    assert _claim(sessions, worker="w:2") is None
    with store.session_scope(sessions) as s:
        assert claim_job(s, second, worker="w:2") is None


def test_claim_job_takes_a_given_job_only_when_it_is_due(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    a, b = tones(2)
    first, second = _enqueue(sessions, a, b)
    with store.session_scope(sessions) as s:
        job = claim_job(s, second, worker="dask:1")
        assert job is not None and job.id == second and job.status == "running"
        assert claim_job(s, second, worker="dask:2") is None
        s.execute(update(Job).where(Job.id == first).values(available_at=utcnow() + timedelta(hours=1)))
        assert claim_job(s, first, worker="dask:2") is None
        with pytest.raises(NotFoundError, match="no job with id 999"):
            claim_job(s, 999, worker="dask:2")


def test_complete_gives_a_teams_meeting_to_the_team(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    from sqlalchemy import text

    from minutes.db.accounts import Team

    a, b = tones(2)
    with store.session_scope(sessions) as s:
        team = Team(name="sales")
        s.add(team)
        s.flush()
        team_id = team.id
    team_job, own_job = _enqueue(sessions, a, team_id=team_id) + _enqueue(sessions, b)
    meetings = {team_job: _meeting(sessions, a), own_job: _meeting(sessions, b)}
    for job_id, path in ((team_job, a), (own_job, b)):
        assert _claim(sessions) == job_id
        with store.session_scope(sessions) as s:
            result = ProcessResult(str(path), "done", meeting_id=meetings[job_id])
            assert complete(s, job_id, worker="w:1", result=result) is not None
    with store.session_scope(sessions) as s:
        teams = dict(s.execute(text("SELECT id, team_id FROM meetings")).all())
    assert teams == {meetings[team_job]: team_id, meetings[own_job]: None}


def test_complete_puts_the_meeting_in_the_jobs_series(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    from minutes.db.series import get_series, series_meeting_ids

    a, b = tones(2)
    jobs = _enqueue(sessions, a, b, options={"series": "Weekly sync"})
    made = [_meeting(sessions, a), _meeting(sessions, b)]
    for job_id, path, meeting in zip(jobs, (a, b), made, strict=True):
        assert _claim(sessions) == job_id
        with store.session_scope(sessions) as s:
            assert complete(
                s, job_id, worker="w:1", result=ProcessResult(str(path), "done", meeting_id=meeting)
            )
    with store.session_scope(sessions) as s:
        series = get_series(s, "weekly SYNC")
        assert (series.created_by, sorted(series_meeting_ids(s, series.id))) == (
            f"job {jobs[0]}",
            sorted(made),
        )
    with pytest.raises(ConfigError, match="job option series must be non-empty text"):
        _enqueue(sessions, a, options={"series": " "})
    with pytest.raises(InvalidValue, match="series name"):
        _enqueue(sessions, a, options={"series": "\x1b[2J"})


def test_list_filter_count_and_retry(sessions: Sessions, tones: Callable[..., list[Path]]) -> None:
    a, b, c = tones(3)
    ids = _enqueue(sessions, a, b, batch="b1") + _enqueue(sessions, c, batch="b2")
    for job_id in ids[:2]:
        assert _claim(sessions, batch="b1") == job_id
        with store.session_scope(sessions) as s:
            fail(s, job_id, worker="w:1", error="corrupt", retryable=False)
    with store.session_scope(sessions) as s:
        assert [j.id for j in list_jobs(s)] == sorted(ids, reverse=True)
        assert [j.id for j in list_jobs(s, status="failed", oldest_first=True)] == ids[:2]
        assert [j.id for j in list_jobs(s, batch="b2")] == ids[2:]
        assert [j.id for j in list_jobs(s, limit=1)] == [ids[2]]
        assert count_jobs(s) == {"queued": 1, "running": 0, "done": 0, "failed": 2, "skipped": 0}
        assert count_jobs(s, batch="b2")["queued"] == 1
        with pytest.raises(ConfigError, match="unknown job status 'broken'; choose one of: queued"):
            list_jobs(s, status="broken")
    refused = rf"only failed jobs can be retried: job {ids[2]} is queued"
    with pytest.raises(ConfigError, match=refused), store.session_scope(sessions) as s:
        retry_jobs(s, [ids[0], ids[2]])
    with pytest.raises(NotFoundError, match="no job with id 99"), store.session_scope(sessions) as s:
        retry_jobs(s, [99])
    with store.session_scope(sessions) as s:
        assert retry_jobs(s, [ids[0]]) == [ids[0]]
        assert retry_jobs(s, failed=True, batch="b1") == [ids[1]]
        again = get_job(s, ids[0])
    assert (again.status, again.attempts, again.error, again.finished_at) == ("queued", 0, None, None)


def test_get_an_unknown_job(sessions: Sessions) -> None:
    missing = "no job with id 5; `minutes jobs` lists them"
    with pytest.raises(NotFoundError, match=missing), store.session_scope(sessions) as s:
        get_job(s, 5)


def test_reap_leaves_live_leases_alone(sessions: Sessions, tones: Callable[..., list[Path]]) -> None:
    (a,) = tones(1)
    (job_id,) = _enqueue(sessions, a)
    assert _claim(sessions, worker=worker_id()) == job_id  # this very process: alive
    with store.session_scope(sessions) as s:
        assert reap(s) == []
        assert s.scalar(select(func.count()).select_from(Job).where(Job.status == "running")) == 1


def _meeting(sessions: Sessions, path: Path, *, status: str = "pending") -> int:
    """A stored meeting for this recording, as the pipeline would leave it."""
    from minutes import __version__
    from minutes.audio import content_hash
    from minutes.types import AudioInfo

    info = AudioInfo(
        path=str(path),
        sha256=content_hash(path),
        duration=3.0,
        sample_rate=16000,
        channels=1,
        codec="",
        format="",
    )
    with store.session_scope(sessions) as s:
        rec = store.add_recording(s, audio=info, media_path=str(path))
        meeting = store.create_meeting(
            s, recording=rec, title="t", meeting_date=None, code_version=__version__
        )
        store.set_status(s, meeting_id=meeting.id, status=status)
        return meeting.id
