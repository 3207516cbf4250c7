"""Claiming jobs under a lease, keeping the lease, and recording how a job ended.

A claim is one short transaction: on PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED`` lets
concurrent workers each take a different row without waiting; on SQLite every transaction
begins ``IMMEDIATE`` (see :mod:`minutes.db.engine`), so claims are serialised. A running job
belongs to the worker named in ``worker`` until ``lease_expires_at``; the worker's heartbeat
pushes that forward. Every write a worker makes is conditional on still holding the lease, so
a worker that lost its job (it stalled and the job was reclaimed) cannot overwrite the outcome.

A job whose worker is gone goes back to the queue at once, counting the attempt: when its lease
has expired, or sooner when the worker was a process on this host that no longer exists (so a
command killed with ``kill -9`` resumes immediately when run again). Worker clocks must agree
with each other to well within :data:`LEASE_SECONDS` (NTP).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.orm import Session, aliased

from minutes.db.jobs import Job
from minutes.db.tables import Meeting, Recording, utcnow
from minutes.errors import NotFoundError
from minutes.jobs.queue import JobInfo, job_info
from minutes.pipeline import ProcessResult

LEASE_SECONDS = 60.0
"""How long a claim lasts without a heartbeat; heartbeats come every quarter of it."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When a failure that may pass is tried again: ``delay`` after the first attempt, then
    ``factor`` times longer each time, at most ``max_delay``. How many attempts a job gets is
    the job's own ``max_attempts``."""

    delay: float = 10.0
    factor: float = 2.0
    max_delay: float = 600.0

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th attempt failed."""
        return float(min(self.max_delay, self.delay * self.factor ** max(0, attempts - 1)))


def worker_id(pid: int | None = None) -> str:
    """``host:pid``: who holds a lease (and, on this host, whether it still exists)."""
    return f"{socket.gethostname()}:{pid if pid is not None else os.getpid()}"


def claim_next(
    session: Session,
    *,
    worker: str,
    batch: str | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> JobInfo | None:
    """Claim the oldest queued job that is due (of ``batch``, if given), or return ``None``.

    Jobs of workers that are gone are put back first. A job whose content another job is
    processing right now waits, so two workers never compute the same stages side by side.
    """
    now = utcnow()
    reap(session, now=now)
    query = select(Job).where(Job.status == "queued", Job.available_at <= now, ~_content_busy())
    if batch is not None:
        query = query.where(Job.batch == batch)
    query = query.order_by(Job.id).limit(1).with_for_update(skip_locked=True, of=Job)
    row = session.scalars(query).first()
    if row is None:
        return None
    return _start(session, row, worker=worker, now=now, lease_seconds=lease_seconds)


def claim_job(
    session: Session, job_id: int, *, worker: str, lease_seconds: float = LEASE_SECONDS
) -> JobInfo | None:
    """Claim one given job if it is queued and due; ``None`` if it is not (or another worker has
    it locked right now). For schedulers that hand out job ids themselves (Dask)."""
    now = utcnow()
    reap(session, now=now)
    query = select(Job).where(Job.id == job_id).with_for_update(skip_locked=True)
    row = session.scalars(query).first()
    if row is None:
        if session.get(Job, job_id) is None:
            raise NotFoundError(f"no job with id {job_id}; `minutes jobs` lists them")
        return None
    if row.status != "queued" or row.available_at > now:
        return None
    if row.sha256 is not None:
        twin = select(Job.id).where(Job.sha256 == row.sha256, Job.status == "running")
        if session.scalars(twin.limit(1)).first() is not None:
            return None
    return _start(session, row, worker=worker, now=now, lease_seconds=lease_seconds)


def _content_busy() -> Any:
    other = aliased(Job)
    return exists().where(other.sha256 == Job.sha256, other.status == "running", other.id != Job.id)


def _start(session: Session, row: Job, *, worker: str, now: datetime, lease_seconds: float) -> JobInfo:
    row.status, row.worker, row.attempts = "running", worker, row.attempts + 1
    row.lease_expires_at, row.heartbeat_at = now + timedelta(seconds=lease_seconds), now
    row.started_at = row.started_at or now
    row.stage, row.progress = None, 0.0
    session.flush()
    return job_info(row)


def heartbeat(
    session: Session,
    job_id: int,
    *,
    worker: str,
    lease_seconds: float = LEASE_SECONDS,
    stage: str | None = None,
    progress: float | None = None,
) -> bool:
    """Extend the lease (and record the stage and progress); ``False`` if the lease was lost."""
    now = utcnow()
    values: dict[str, Any] = {"lease_expires_at": now + timedelta(seconds=lease_seconds), "heartbeat_at": now}
    if stage is not None:
        values["stage"] = stage
    if progress is not None:
        values["progress"] = max(0.0, min(1.0, progress))
    held = update(Job).where(Job.id == job_id, Job.worker == worker, Job.status == "running")
    return cast(CursorResult[Any], session.execute(held.values(**values))).rowcount == 1


def complete(session: Session, job_id: int, *, worker: str, result: ProcessResult) -> JobInfo | None:
    """Record a finished job (``None`` if the lease was lost: the new holder records it).

    Jobs skipped as duplicates of this one get its meeting; a team's job gives the meeting
    to the team; a job with a ``series`` option puts the meeting in that series (started when
    there is none), which links its ledger.
    """
    row = _held(session, job_id, worker)
    if row is None:
        return None
    meeting_id = result.meeting_id
    row.status, row.meeting_id, row.result, row.error = "done", meeting_id, result.to_dict(), None
    row.stage, row.progress, row.lease_expires_at, row.finished_at = None, 1.0, None, utcnow()
    if meeting_id is not None:
        session.execute(update(Job).where(Job.duplicate_of == job_id).values(meeting_id=meeting_id))
        if row.team_id is not None:
            # Only a meeting without a team joins the job's team: when the pipeline reused a meeting
            # another team already owns (the same file uploaded twice), it must not change hands.
            session.execute(
                update(Meeting)
                .where(Meeting.id == meeting_id, Meeting.team_id.is_(None))
                .values(team_id=row.team_id)
            )
        if row.options.get("series"):
            from minutes.db.series import ensure_series, set_series

            team_id = session.scalar(select(Meeting.team_id).where(Meeting.id == meeting_id))
            by = f"job {job_id}"
            set_series(
                session,
                meeting_id,
                ensure_series(session, row.options["series"], team_id=team_id, by=by),
                by=by,
            )
    session.flush()
    return job_info(row)


def fail(
    session: Session,
    job_id: int,
    *,
    worker: str,
    error: str,
    retryable: bool,
    policy: RetryPolicy | None = None,
    meeting_id: int | None = None,
) -> JobInfo | None:
    """Record a failed attempt: queued again after a backoff while attempts remain and the
    failure may pass, else ``failed``. ``None`` if the lease was lost."""
    row = _held(session, job_id, worker)
    if row is None:
        return None
    row.meeting_id = meeting_id or row.meeting_id
    delay = (policy or RetryPolicy()).backoff(row.attempts)
    _retry_or_fail(session, row, error, retryable=retryable, delay=delay)
    return job_info(row)


def release(session: Session, *, worker: str, reason: str, count_attempt: bool = True) -> list[int]:
    """Put back the jobs a worker holds (it died, or is being stopped); return their ids.

    ``count_attempt=False`` (a stop someone asked for) does not use up one of the job's
    attempts; otherwise a job out of attempts fails with ``reason``.
    """
    rows = list(
        session.scalars(select(Job).where(Job.status == "running", Job.worker == worker).with_for_update())
    )
    for row in rows:
        if not count_attempt:
            row.attempts = max(0, row.attempts - 1)
        _retry_or_fail(session, row, reason, retryable=True, delay=0.0)
    return [r.id for r in rows]


def reap(session: Session, *, now: datetime | None = None) -> list[int]:
    """Put back (or fail, when out of attempts) running jobs whose worker is gone; return their ids."""
    now = now or utcnow()
    candidates: dict[int, tuple[str, str | None, datetime | None]] = {}
    for job_id, holder, expires, stage in session.execute(
        select(Job.id, Job.worker, Job.lease_expires_at, Job.stage).where(Job.status == "running")
    ):
        during = f" during {stage}" if stage else ""
        if expires is None or expires < now:
            reason = f"worker {holder} stopped responding{during} (its lease expired)"
        elif holder and not _local_process_alive(holder):
            reason = f"worker {holder} ended{during} without finishing the job"
        else:
            continue
        candidates[job_id] = (reason, holder, expires)
    if not candidates:
        return []
    query = select(Job).where(Job.id.in_(candidates), Job.status == "running")
    locked = session.scalars(
        query.with_for_update(skip_locked=True).execution_options(populate_existing=True)
    )
    # A heartbeat that got in between the look and the lock (the holder is back, e.g. after a
    # database outage) keeps the job with its holder.
    rows = [r for r in locked if (r.worker, r.lease_expires_at) == candidates[r.id][1:]]
    for row in rows:
        _retry_or_fail(session, row, candidates[row.id][0], retryable=True, delay=0.0, now=now)
    return [r.id for r in rows]


def _held(session: Session, job_id: int, worker: str) -> Job | None:
    query = select(Job).where(Job.id == job_id, Job.worker == worker, Job.status == "running")
    return session.scalars(query.with_for_update().execution_options(populate_existing=True)).first()


def _retry_or_fail(
    session: Session, row: Job, error: str, *, retryable: bool, delay: float, now: datetime | None = None
) -> None:
    now = now or utcnow()
    row.lease_expires_at = None
    if retryable and row.attempts < row.max_attempts:
        row.status, row.available_at, row.error = "queued", now + timedelta(seconds=delay), error
        row.stage, row.progress = None, 0.0
    else:
        tries = f" (gave up after {row.attempts} attempts)" if retryable and row.attempts > 1 else ""
        row.status, row.error, row.finished_at = "failed", error + tries, now
        _fail_orphaned_meeting(session, row, row.error)
    session.flush()


def _fail_orphaned_meeting(session: Session, row: Job, error: str) -> None:
    """A worker that died mid-way left its meeting ``processing``; say it failed instead
    (unless another job is processing the same recording right now)."""
    if row.sha256 is None:
        return
    other = select(Job.id).where(Job.sha256 == row.sha256, Job.status == "running", Job.id != row.id)
    if session.scalars(other.limit(1)).first() is not None:
        return
    stuck = (
        select(Meeting)
        .join(Recording, Meeting.recording_id == Recording.id)
        .where(Recording.sha256 == row.sha256, Meeting.status == "processing")
    )
    for meeting in session.scalars(stuck):
        meeting.status, meeting.error = "failed", error
        row.meeting_id = row.meeting_id or meeting.id


def _local_process_alive(holder: str) -> bool:
    """Whether ``host:pid`` names a live process; ``True`` when it is on another host (unknown)."""
    host, _, pid_text = holder.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    try:  # a killed child whose parent has not collected it yet is a zombie: gone
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True
