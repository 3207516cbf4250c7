"""A durable job queue in the database, and the local engine that works through it.

Queue a recording, then let any worker run it::

    with session_scope(sessions) as s:
        job_id = enqueue(s, Path("call.m4a"), options={"language": "en"}, batch="inbox")
    with session_scope(sessions) as s:
        job = claim_next(s, worker=worker_id())
    if job is not None:
        run_claimed(sessions, job, Processors(sessions, threads=2), worker=worker_id())

Job states::

    queued ──claim──► running ──► done
       ▲                 │  └───► failed   (InputError and friends at once; others when out of attempts)
       └── retry/lost ───┘
    skipped            duplicate content, at enqueue time

A worker holds a running job under a lease that a background heartbeat renews; a job whose
worker is gone (lease expired, or its process on this host ended) is queued again, so a crash
loses at most the stage in flight: the pipeline stores each finished stage and reuses it.
"""

from minutes.errors import WorkerPoolError
from minutes.jobs.files import MEDIA_SUFFIXES, Watcher, expand
from minutes.jobs.lease import (
    LEASE_SECONDS,
    RetryPolicy,
    claim_job,
    claim_next,
    complete,
    fail,
    heartbeat,
    reap,
    release,
    worker_id,
)
from minutes.jobs.local import LocalPool, WorkerConfig, threads_per_worker, work
from minutes.jobs.options import OPTION_NAMES, normalize_options
from minutes.jobs.queue import (
    DEFAULT_MAX_ATTEMPTS,
    FINISHED,
    JobInfo,
    count_jobs,
    enqueue,
    file_sha256,
    get_job,
    list_jobs,
    retry_jobs,
)
from minutes.jobs.runner import PERMANENT, Processors, classify, run_claimed, run_job

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "FINISHED",
    "LEASE_SECONDS",
    "MEDIA_SUFFIXES",
    "OPTION_NAMES",
    "PERMANENT",
    "JobInfo",
    "LocalPool",
    "Processors",
    "RetryPolicy",
    "Watcher",
    "WorkerConfig",
    "WorkerPoolError",
    "claim_job",
    "claim_next",
    "classify",
    "complete",
    "count_jobs",
    "enqueue",
    "expand",
    "fail",
    "file_sha256",
    "get_job",
    "heartbeat",
    "list_jobs",
    "normalize_options",
    "reap",
    "release",
    "retry_jobs",
    "run_claimed",
    "run_job",
    "threads_per_worker",
    "work",
    "worker_id",
]
