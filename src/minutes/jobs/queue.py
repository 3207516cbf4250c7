"""Queueing jobs and reading them back.

Like :mod:`minutes.db.repo`, every function takes a :class:`~sqlalchemy.orm.Session` first and
does not commit: the caller's :func:`~minutes.db.session_scope` does. Rows are turned into
frozen :class:`JobInfo` values here and in :mod:`minutes.jobs.lease`, nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minutes.audio import content_hash
from minutes.controls import refuse_controls
from minutes.db.jobs import JOB_STATUSES, Job
from minutes.db.tables import Meeting, Recording, record_of, utcnow
from minutes.errors import ConfigError, NotFoundError
from minutes.jobs.options import normalize_options

DEFAULT_MAX_ATTEMPTS = 3
FINISHED: tuple[str, ...] = ("done", "failed", "skipped")
"""Statuses a job does not leave by itself (``minutes jobs retry`` requeues failed ones)."""


@dataclass(frozen=True, slots=True)
class JobInfo:
    """One job as stored. ``error`` says why it failed, why it was skipped, or why it is waiting
    for another attempt; ``result`` is the :class:`~minutes.pipeline.ProcessResult` of a done job."""

    id: int
    path: str
    status: str
    stage: str | None
    progress: float
    meeting_id: int | None
    error: str | None
    attempts: int
    max_attempts: int
    batch: str | None
    team_id: int | None
    submitted_by: int | None
    title: str | None
    preset: str | None
    options: Mapping[str, Any]
    sha256: str | None
    duplicate_of: int | None
    worker: str | None
    result: Mapping[str, Any] | None
    created_at: datetime
    updated_at: datetime
    available_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    lease_expires_at: datetime | None

    @property
    def name(self) -> str:
        """The file name, for one-line reports."""
        return PurePath(self.path).name

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO 8601 text."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, Mapping):
                value = dict(value)
            out[name] = value
        return out


def job_info(row: Job) -> JobInfo:
    return record_of(
        JobInfo,
        row,
        options=dict(row.options),
        result=dict(row.result) if row.result is not None else None,
    )


def file_sha256(path: Path) -> str | None:
    """The content hash of a file, or ``None`` if it cannot be read now (its job then fails
    with the reason when a worker tries it)."""
    try:
        return content_hash(path)
    except OSError:
        return None


def enqueue(
    session: Session,
    path: str | Path,
    *,
    options: Mapping[str, Any] | None = None,
    preset: str | None = None,
    batch: str | None = None,
    team_id: int | None = None,
    submitted_by: int | None = None,
    title: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    sha256: str | None = None,
) -> int:
    """Queue a recording; return the job id.

    ``options`` are the process options (``language``, ``num_speakers``, ``no_summary``,
    ``llm_model``..., see :data:`~minutes.jobs.options.OPTION_NAMES`); a bad one raises
    :class:`ConfigError`. The file is hashed here unless ``sha256`` is given (do that when
    queueing many files in one transaction, so the hashing happens outside it).

    * The same file (path and content) queued again in the same ``batch`` returns the job it
      already has: running a batch command again resumes it rather than doubling it.
    * Content already processed (a done meeting; not with ``options["force"]``), or already in
      the same batch, makes a ``skipped`` job that points at the original (``duplicate_of``,
      ``meeting_id``).
    """
    opts = normalize_options(options)
    if title is not None:
        refuse_controls(title, "the title")
    if max_attempts < 1:
        raise ConfigError(f"max_attempts must be at least 1, got {max_attempts}")
    full = Path(path).expanduser().resolve()
    digest = sha256 or file_sha256(full)
    if batch is not None:
        same = select(Job.id).where(Job.batch == batch, Job.path == str(full), _same_content(digest))
        existing = session.scalars(same.order_by(Job.id.desc()).limit(1)).first()
        if existing is not None:
            return existing
    now = utcnow()
    job = Job(
        path=str(full),
        sha256=digest,
        batch=batch,
        preset=preset,
        options=opts,
        title=title,
        status="queued",
        stage=None,
        progress=0.0,
        attempts=0,
        max_attempts=max_attempts,
        available_at=now,
        team_id=team_id,
        submitted_by=submitted_by,
    )
    if digest is not None:
        original = _original(session, digest, batch=batch, force=bool(opts.get("force")))
        if original is not None:
            job.status, job.progress, job.finished_at = "skipped", 1.0, now
            job.duplicate_of, job.meeting_id, job.error = original
    session.add(job)
    session.flush()
    return job.id


def _same_content(digest: str | None) -> Any:
    return Job.sha256.is_(None) if digest is None else Job.sha256 == digest


def _original(
    session: Session, digest: str, *, batch: str | None, force: bool
) -> tuple[int | None, int | None, str] | None:
    """What a new job with this content duplicates: (job id, meeting id, reason), or ``None``."""
    in_batch = Job.batch.is_(None) if batch is None else Job.batch == batch
    query = select(Job).where(Job.sha256 == digest, in_batch, Job.status.in_(("queued", "running", "done")))
    twin = session.scalars(query.order_by(Job.id).limit(1)).first()
    if twin is not None:
        return twin.id, twin.meeting_id, f"same content as job {twin.id} ({PurePath(twin.path).name})"
    if force:
        return None
    done = (
        select(Meeting.id)
        .join(Recording, Meeting.recording_id == Recording.id)
        .where(Recording.sha256 == digest, Meeting.status == "done")
        .order_by(Meeting.id)
        .limit(1)
    )
    meeting_id = session.scalars(done).first()
    if meeting_id is None:
        return None
    return None, meeting_id, f"same content as meeting {meeting_id}, already processed (--force redoes it)"


def get_job(session: Session, job_id: int) -> JobInfo:
    """One job; :class:`NotFoundError` if there is none with this id."""
    row = session.get(Job, job_id, populate_existing=True)
    if row is None:
        raise NotFoundError(f"no job with id {job_id}; `minutes jobs` lists them")
    return job_info(row)


def list_jobs(
    session: Session,
    *,
    status: str | None = None,
    batch: str | None = None,
    limit: int | None = None,
    team_id: int | None = None,
    since: datetime | None = None,
    oldest_first: bool = False,
) -> list[JobInfo]:
    """Jobs, newest first (or oldest first), optionally of one status, batch or team, or only
    those changed at or after ``since`` (to follow a queue without reading all of it)."""
    query = select(Job).execution_options(populate_existing=True)
    if status is not None:
        _check_status(status)
        query = query.where(Job.status == status)
    if batch is not None:
        query = query.where(Job.batch == batch)
    if team_id is not None:
        query = query.where(Job.team_id == team_id)
    if since is not None:
        query = query.where(Job.updated_at >= since)
    query = query.order_by(Job.id if oldest_first else Job.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [job_info(row) for row in session.scalars(query)]


def count_jobs(session: Session, *, batch: str | None = None) -> dict[str, int]:
    """How many jobs there are in each status (every status present, zeros included)."""
    query = select(Job.status, func.count()).group_by(Job.status)
    if batch is not None:
        query = query.where(Job.batch == batch)
    counts = dict.fromkeys(JOB_STATUSES, 0)
    counts.update({status: int(n) for status, n in session.execute(query)})
    return counts


def retry_jobs(
    session: Session, ids: Sequence[int] = (), *, failed: bool = False, batch: str | None = None
) -> list[int]:
    """Queue failed jobs again with a fresh count of attempts; return their ids.

    ``ids`` name jobs, each of which must have failed (else nothing changes and
    :class:`ConfigError` names the others); ``failed=True`` takes every failed job (of
    ``batch``, if given).
    """
    if ids:
        rows = list(session.scalars(select(Job).where(Job.id.in_(ids)).with_for_update()))
        missing = sorted(set(ids) - {r.id for r in rows})
        if missing:
            raise NotFoundError(f"no job with id {', '.join(map(str, missing))}; `minutes jobs` lists them")
        busy = [r for r in rows if r.status != "failed"]
        if busy:
            listed = ", ".join(f"{r.id} is {r.status}" for r in sorted(busy, key=lambda r: r.id))
            raise ConfigError(f"only failed jobs can be retried: job {listed}")
    elif failed:
        query = select(Job).where(Job.status == "failed")
        if batch is not None:
            query = query.where(Job.batch == batch)
        rows = list(session.scalars(query.with_for_update()))
    else:
        raise ConfigError("name the jobs to retry (ids), or pass --failed for every failed job")
    now = utcnow()
    for row in rows:
        row.status, row.attempts, row.available_at = "queued", 0, now
        row.error, row.finished_at, row.stage, row.progress = None, None, None, 0.0
    session.flush()
    return sorted(r.id for r in rows)


def _check_status(status: str) -> None:
    if status not in JOB_STATUSES:
        raise ConfigError(f"unknown job status {status!r}; choose one of: {', '.join(JOB_STATUSES)}")
