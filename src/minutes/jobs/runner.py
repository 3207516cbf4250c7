"""Running one claimed job: build (or reuse) a processor, keep the lease, record the outcome.

The same code runs a job for every engine: the local worker processes, ``minutes worker``,
and a Dask task (:func:`run_job`, given a job id and the processor its worker holds).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes import factory
from minutes.db.engine import DB_WAIT_SECONDS, failure_reason
from minutes.db.tables import Meeting, Recording, StageRun
from minutes.errors import ConfigError, InputError, MinutesError, ModelNotFoundError, NotFoundError
from minutes.jobs import interrupt
from minutes.jobs.lease import LEASE_SECONDS, RetryPolicy, claim_job, complete, fail, heartbeat, worker_id
from minutes.jobs.options import ProcessorSpec, run_options
from minutes.jobs.outage import steadily
from minutes.jobs.queue import JobInfo, get_job
from minutes.pipeline import STAGES, MeetingProcessor

log = logging.getLogger(__name__)

PERMANENT: tuple[type[MinutesError], ...] = (InputError, ConfigError, ModelNotFoundError, NotFoundError)
"""Failures that another attempt cannot fix: recorded at once, never retried."""

WRITE_INTERVAL = 1.0
"""At most one progress write per job per this many seconds."""

# How much of a job each stage is, for one progress figure (transcribe ∥ diarize dominate).
_WEIGHTS = {"ingest": 1.0, "transcribe": 4.0, "diarize": 4.0, "attribute": 1.0, "summarize": 4.0}


def classify(exc: BaseException) -> tuple[str, bool]:
    """The message to record for a failure, and whether another attempt may succeed."""
    if isinstance(exc, PERMANENT):
        return str(exc), False
    if isinstance(exc, MemoryError):
        return "out of memory", True
    if isinstance(exc, MinutesError):
        return str(exc), True
    if isinstance(exc, SQLAlchemyError):
        reason = getattr(exc, "orig", None) or exc
        return f"database error ({type(reason).__name__}: {reason})", True
    return f"{type(exc).__name__}: {exc}", True


class Processors:
    """A worker's processor, built for the options of the job at hand and kept while they repeat.

    Models load on first use and stay loaded for every following job with the same preset and
    options (a batch); a job with other options replaces the processor (and its models).
    """

    def __init__(
        self, sessions: sessionmaker[Session], *, threads: int, llm_api_key: str | None = None
    ) -> None:
        self.sessions = sessions
        self.threads = threads
        self.llm_api_key = llm_api_key
        self._spec: ProcessorSpec | None = None
        self._processor: MeetingProcessor | None = None

    def get(self, job: JobInfo) -> MeetingProcessor:
        """The processor for this job; :class:`ConfigError` / :class:`ModelNotFoundError` if its
        preset or options cannot be built."""
        return self.prepare(job.preset, job.options)

    def prepare(self, preset: str | None, options: Mapping[str, Any]) -> MeetingProcessor:
        """The processor for jobs with this preset and (checked) options."""
        from minutes.settings import load_preset

        spec = ProcessorSpec.of(preset, options)
        if self._processor is None or spec != self._spec:
            self.close()
            self._processor = factory.build_processor(
                load_preset(spec.preset),
                sessions=self.sessions,
                **spec.build_args(threads=self.threads, llm_api_key=self.llm_api_key),
            )
            self._spec = spec
        return self._processor

    def close(self) -> None:
        """Let go of the processor (a local language model server stops)."""
        if self._processor is not None and self._processor.summarizer is not None:
            self._processor.summarizer.llm.close()
        self._processor, self._spec = None, None


class _Reporter:
    """A running job's pulse: stage and progress at most once a second, the lease renewed
    every quarter of its length, from a thread of its own so a long stage keeps its lease."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        job_id: int,
        *,
        worker: str,
        lease_seconds: float,
        summary: bool,
    ) -> None:
        self._sessions, self._job_id, self._worker = sessions, job_id, worker
        self._lease = lease_seconds
        self._stages = tuple(s for s in STAGES if summary or s != "summarize")
        self._fractions: dict[str, float] = {}
        self._stage: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"minutes-job-{job_id}", daemon=True)

    def update(self, stage: str, fraction: float) -> None:
        """The pipeline's progress hook (called from its threads; never touches the database).
        It is also where a worker asked to stop leaves an unfinished stage (:mod:`.interrupt`)."""
        interrupt.check(fraction)
        with self._lock:
            self._fractions[stage] = max(0.0, min(1.0, fraction))
            if fraction < 1.0:
                self._stage = stage
            elif self._stage == stage:
                running = [s for s in self._stages if 0.0 <= self._fractions.get(s, 2.0) < 1.0]
                self._stage = running[0] if running else stage

    def snapshot(self) -> tuple[str | None, float]:
        with self._lock:
            total = sum(_WEIGHTS.get(s, 1.0) for s in self._stages)
            done = sum(_WEIGHTS.get(s, 1.0) * self._fractions.get(s, 0.0) for s in self._stages)
            return self._stage, round(done / total, 4)

    def _loop(self) -> None:
        written: tuple[str | None, float] | None = None
        beat = time.monotonic()
        missed: float | None = None  # when the first heartbeat of an outage failed
        while not self._stop.wait(min(WRITE_INTERVAL, self._lease / 4)):
            now = time.monotonic()
            snap = self.snapshot()
            if snap == written and now - beat < self._lease / 4:
                continue
            try:
                with store.session_scope(self._sessions) as s:
                    held = heartbeat(
                        s,
                        self._job_id,
                        worker=self._worker,
                        lease_seconds=self._lease,
                        stage=snap[0],
                        progress=snap[1],
                    )
            except SQLAlchemyError as exc:
                # Keep trying for as long as the job runs: the lease is renewed even after it ran
                # out, unless another worker took the job meanwhile (then nothing of this worker's
                # is recorded: every write of the outcome checks the lease).
                if missed is None:
                    missed = now
                    log.warning(
                        "job %s: cannot renew its lease (%s); still trying. If the database is not back "
                        "within %.0f s, another worker may take the job over",
                        self._job_id,
                        failure_reason(exc),
                        max(0.0, self._lease - (now - beat)),
                    )
                continue
            if missed is not None:
                log.warning(
                    "job %s: lease renewed after %.1f s without the database", self._job_id, now - missed
                )
                missed = None
            if not held:  # the outcome will not be recorded by this worker either
                log.warning("job %s: lease lost; another worker may have taken it over", self._job_id)
                return
            written, beat = snap, now

    def __enter__(self) -> _Reporter:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_claimed(
    sessions: sessionmaker[Session],
    job: JobInfo,
    processor: MeetingProcessor | Processors,
    *,
    worker: str,
    lease_seconds: float = LEASE_SECONDS,
    policy: RetryPolicy | None = None,
    db_wait: float = DB_WAIT_SECONDS,
) -> JobInfo:
    """Run a job this worker has claimed and record how it ended; return the job as stored.

    Stages already stored for the recording are reused (a retried job resumes where its last
    attempt stopped). Failures listed in :data:`PERMANENT` fail the job at once; others are
    retried with a backoff while the job has attempts left. The outcome is recorded even if the
    database is unreachable for a while (up to ``db_wait`` seconds, then
    :class:`DatabaseUnavailableError`; the job goes back to the queue when its lease runs out).
    """
    try:
        proc = processor.get(job) if isinstance(processor, Processors) else processor
    except MinutesError as exc:
        return _record(sessions, job, worker, error=exc, policy=policy, db_wait=db_wait)
    run = run_options(job.options)
    if run["force"]:
        steadily(sessions, lambda: _forget_stale_stages(sessions, job), seconds=db_wait, what=f"job {job.id}")
    outcome: Any
    with _Reporter(
        sessions, job.id, worker=worker, lease_seconds=lease_seconds, summary=proc.summarizer is not None
    ) as reporter:
        try:
            outcome = proc.process(
                job.path,
                title=job.title,
                meeting_date=run["meeting_date"],
                progress=reporter.update,
            )
        except Exception as exc:
            outcome = exc
    if isinstance(outcome, Exception):
        return _record(sessions, job, worker, error=outcome, policy=policy, db_wait=db_wait)

    def record_done() -> JobInfo:
        with store.session_scope(sessions) as s:
            done = complete(s, job.id, worker=worker, result=outcome)
            return done if done is not None else _lost(s, job, worker, recorded=("done", None))

    return steadily(sessions, record_done, seconds=db_wait, what=f"job {job.id}: recording it done")


def _record(
    sessions: sessionmaker[Session],
    job: JobInfo,
    worker: str,
    *,
    error: Exception,
    policy: RetryPolicy | None,
    db_wait: float,
) -> JobInfo:
    message, retryable = classify(error)
    if retryable:
        log.debug("job %s failed", job.id, exc_info=error)

    def record_failed() -> JobInfo:
        with store.session_scope(sessions) as s:
            info = fail(
                s,
                job.id,
                worker=worker,
                error=message,
                retryable=retryable,
                policy=policy,
                meeting_id=getattr(error, "meeting_id", None),
            )
            return info if info is not None else _lost(s, job, worker, recorded=(None, message))

    return steadily(sessions, record_failed, seconds=db_wait, what=f"job {job.id}: recording its failure")


def _lost(session: Session, job: JobInfo, worker: str, *, recorded: tuple[str | None, str | None]) -> JobInfo:
    """The job as stored, when this worker could not record its outcome. ``recorded``: the
    status or error this worker's outcome leaves, to tell a first try that committed just as
    its connection broke (nothing lost) from a lease another worker took over."""
    stored = get_job(session, job.id)
    status, error = recorded
    mine = stored.worker == worker and stored.attempts == job.attempts
    if mine and (stored.status == status or (error is not None and (stored.error or "").startswith(error))):
        return stored
    log.warning("job %s: lease lost before the outcome was recorded; the stored stages stay", job.id)
    return stored


def _forget_stale_stages(sessions: sessionmaker[Session], job: JobInfo) -> None:
    """``force``: results stored before this job first started are not reused (that is what
    force asks), but results an earlier attempt of this same job stored are (a retry resumes)."""
    if job.sha256 is None or job.started_at is None:
        return
    meetings = (
        select(Meeting.id)
        .join(Recording, Meeting.recording_id == Recording.id)
        .where(Recording.sha256 == job.sha256)
    )
    stale = delete(StageRun).where(StageRun.meeting_id.in_(meetings), StageRun.created_at < job.started_at)
    with store.session_scope(sessions) as s:
        s.execute(stale)


def run_job(
    sessions: sessionmaker[Session],
    job_id: int,
    processor: MeetingProcessor | Processors,
    *,
    worker: str | None = None,
    lease_seconds: float = LEASE_SECONDS,
    policy: RetryPolicy | None = None,
    db_wait: float = DB_WAIT_SECONDS,
) -> JobInfo:
    """Claim job ``job_id`` and run it (e.g. from a Dask task); return it as stored afterwards.

    A job that cannot be claimed now (not queued, not due yet, or another worker has it) is
    returned as it is, untouched: check ``status`` (and ``available_at``) to decide what next.
    """
    holder = worker or worker_id()

    def claim() -> tuple[JobInfo, bool]:
        with store.session_scope(sessions) as s:
            job = claim_job(s, job_id, worker=holder, lease_seconds=lease_seconds)
            return (job, True) if job is not None else (get_job(s, job_id), False)

    job, claimed = steadily(sessions, claim, seconds=db_wait, what=f"claiming job {job_id}")
    if not claimed:
        return job
    return run_claimed(
        sessions, job, processor, worker=holder, lease_seconds=lease_seconds, policy=policy, db_wait=db_wait
    )
