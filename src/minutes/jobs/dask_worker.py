"""The worker side of the Dask engine: a plugin that keeps a processor per job slot, and the tasks.

:class:`MinutesPlugin` is registered on the scheduler and set up on every worker process,
including those that join or restart later; the tasks (:func:`run_task`, :func:`prepare_task`)
find it by name on the worker they run on. Everything a task does to a job goes through the
lease functions, so a task that runs twice, late, or on a worker cut off from the scheduler
cannot record anything over another worker's outcome.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.worker import Worker
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes.db.engine import DB_WAIT_SECONDS, wait_for_reconnect
from minutes.errors import MinutesError, WorkerPoolError
from minutes.jobs.lease import RetryPolicy, claim_job, fail, worker_id
from minutes.jobs.outage import steadily
from minutes.jobs.queue import JobInfo, get_job
from minutes.jobs.runner import Processors, run_claimed
from minutes.runtime import enforce_offline, limit_native_threads

RESOURCE = "minutes"
"""The Dask worker resource that counts job slots: a task takes one unit."""


def host_identity() -> tuple[str, str]:
    """This process's host name, and what tells apart the machines (and PID namespaces, i.e.
    containers) that may share that name: leases name their holder by host name and process id."""
    boot = ""
    with suppress(OSError), open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
        boot = fh.read().strip()
    namespace = ""
    with suppress(OSError):
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    return socket.gethostname(), f"{boot}/{namespace}" if boot or namespace else ""


def unreadable(path: str) -> str | None:
    """Why this worker cannot read a job's recording (the error to record), or ``None``."""
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        return (
            f"{path}: cannot be read on Dask worker {socket.gethostname()} ({exc.strerror or exc}); "
            "every worker must see the recordings at the same path as the machine that queued them "
            "(a shared filesystem)"
        )
    return None


@dataclass(frozen=True, slots=True)
class _Kit:
    """What a worker builds when the plugin is set up (never pickled)."""

    engine: Engine
    sessions: sessionmaker[Session]
    slots: queue.SimpleQueue[Processors]


class MinutesPlugin(WorkerPlugin):
    """Registered on the scheduler, set up on every worker (also those that join or restart
    later): a database pool and one :class:`Processors` per job slot, whose models load on the
    first job and stay loaded for the next ones. ``threads`` per slot: ``nthreads / slots``."""

    idempotent = True  # a later batch with the same settings keeps the workers' loaded models

    def __init__(
        self,
        *,
        database_url: str,
        llm_api_key: str | None,
        log_level: int,
        ignore_interrupts: bool,
        db_wait: float = DB_WAIT_SECONDS,
    ) -> None:
        self.database_url = database_url
        self.llm_api_key = llm_api_key
        self.log_level = log_level
        self.ignore_interrupts = ignore_interrupts
        self.db_wait = db_wait
        self._kit: _Kit | None = None

    def setup(self, worker: Worker) -> None:
        enforce_offline()
        if self.ignore_interrupts:  # Ctrl-C reaches a cluster of our own too; the client decides
            with suppress(ValueError):
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        slots = max(1, int(worker.state.total_resources.get(RESOURCE, 1)))
        threads = max(1, worker.state.nthreads // slots)
        # The nanny pins native pools to one thread; this worker's share of the cores wins.
        for name in [n for n in os.environ if n.endswith("_NUM_THREADS")]:
            del os.environ[name]
        limit_native_threads(threads)
        logging.getLogger("minutes").setLevel(self.log_level)
        engine = store.make_engine(self.database_url)
        wait_for_reconnect(engine, self.db_wait)  # a database outage makes the tasks wait, not fail
        sessions = store.session_factory(engine)
        pool: queue.SimpleQueue[Processors] = queue.SimpleQueue()
        for _ in range(slots):
            pool.put(Processors(sessions, threads=threads, llm_api_key=self.llm_api_key))
        self._kit = _Kit(engine, sessions, pool)

    def teardown(self, worker: Worker) -> None:
        kit, self._kit = self._kit, None
        if kit is None:
            return
        while not kit.slots.empty():
            kit.slots.get_nowait().close()
        kit.engine.dispose()

    @contextmanager
    def _slot(self) -> Iterator[tuple[_Kit, Processors]]:
        if self._kit is None:
            raise WorkerPoolError("the minutes plugin of this Dask worker is not set up")
        kit = self._kit
        processors = kit.slots.get()
        try:
            yield kit, processors
        finally:
            kit.slots.put(processors)

    def prepare(self, preset: str | None, options: Mapping[str, Any], probe: tuple[int, str] | None) -> str:
        """Build the processor for a batch (models resolve: a missing one is an error now) and
        check that this worker sees the same database as the client (``probe``: a job id and
        its path there). Returns this worker's lease holder name."""
        with self._slot() as (kit, processors):
            if probe is not None:
                with store.session_scope(kit.sessions) as s:
                    try:
                        same = get_job(s, probe[0]).path == probe[1]
                    except MinutesError:
                        same = False
                if not same:
                    raise WorkerPoolError(
                        f"reaches another database than the machine that queued the jobs (job {probe[0]} "
                        "differs there); MINUTES_DATABASE_URL must name one server that every machine "
                        "reaches under the same name (not localhost)"
                    )
            processors.prepare(preset, options)
        return worker_id()

    def run(self, job_id: int, *, lease_seconds: float, policy: RetryPolicy) -> dict[str, Any]:
        """Claim job ``job_id`` and run it; a job that cannot be claimed is left as it is."""
        holder = worker_id()
        with self._slot() as (kit, processors):

            def claim() -> tuple[JobInfo, bool]:
                with store.session_scope(kit.sessions) as s:
                    job = claim_job(s, job_id, worker=holder, lease_seconds=lease_seconds)
                    return (job, True) if job is not None else (get_job(s, job_id), False)

            # A claim whose commit went through as the connection broke is not taken up again
            # (another task of this process may hold the job): its lease runs out, the queue
            # puts it back and the client submits it again.
            job, claimed = steadily(kit.sessions, claim, seconds=self.db_wait, what=f"claiming job {job_id}")
            if not claimed:
                return _summary(job, ran=False)
            problem = unreadable(job.path)
            if problem is not None:  # a worker without the share: another one may have it

                def record() -> JobInfo:
                    with store.session_scope(kit.sessions) as s:
                        failed = fail(s, job.id, worker=holder, error=problem, retryable=True, policy=policy)
                        return failed or get_job(s, job.id)

                return _summary(
                    steadily(kit.sessions, record, seconds=self.db_wait, what=f"job {job.id}"), ran=True
                )
            done = run_claimed(
                kit.sessions,
                job,
                processors,
                worker=holder,
                lease_seconds=lease_seconds,
                policy=policy,
                db_wait=self.db_wait,
            )
            return _summary(done, ran=True)


def _summary(job: JobInfo, *, ran: bool) -> dict[str, Any]:
    return {
        "job": job.id,
        "status": job.status,
        "attempts": job.attempts,
        "error": job.error,
        "worker": worker_id(),
        "ran": ran,
    }


def _plugin(name: str) -> MinutesPlugin:
    worker = get_worker()
    found = worker.plugins.get(name)
    if not isinstance(found, MinutesPlugin):
        raise WorkerPoolError(f"Dask worker {worker.address} has no minutes plugin {name!r}")
    return found


def run_task(plugin: str, job_id: int, lease_seconds: float, policy: RetryPolicy) -> dict[str, Any]:
    """The Dask task: one job, on whichever worker the scheduler picked."""
    return _plugin(plugin).run(job_id, lease_seconds=lease_seconds, policy=policy)


def prepare_task(
    plugin: str, preset: str | None, options: Mapping[str, Any], probe: tuple[int, str] | None
) -> str:
    return _plugin(plugin).prepare(preset, options, probe)


def describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, MinutesError) else f"{type(exc).__name__}: {exc}"
