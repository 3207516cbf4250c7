"""The local engine: N worker processes on this machine, watched over by the calling process.

Each worker is a process of its own (``spawn``: a fresh interpreter, no state inherited), with
its share of the cores (``threads // N``, at least one), its own models (loaded once, kept for
every job with the same options) and its own database connections. Workers claim jobs from the
database themselves, exactly as a Dask worker or a web server's worker does; the parent only
watches: when a worker dies (killed, out of memory) it puts the worker's job back at once and
starts another worker while work remains.

A database outage is ridden out, by the workers and the parent alike, for ``db_wait`` seconds
(:mod:`minutes.jobs.outage`); past that a worker exits with :data:`EXIT_UNAVAILABLE` and the
parent raises :class:`~minutes.errors.DatabaseUnavailableError`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes.db.engine import DB_WAIT_SECONDS, failure_reason, wait_for_reconnect, without_waiting
from minutes.db.jobs import Job
from minutes.errors import EXIT_UNAVAILABLE, DatabaseUnavailableError, WorkerPoolError
from minutes.jobs import interrupt
from minutes.jobs.lease import LEASE_SECONDS, RetryPolicy, claim_next, reap, release, worker_id
from minutes.jobs.outage import steadily
from minutes.jobs.queue import JobInfo
from minutes.jobs.runner import Processors, run_claimed
from minutes.runtime import enforce_offline, limit_native_threads

log = logging.getLogger(__name__)

EARLY_DEATHS = 3
"""Workers that die young holding no job, in a row, before the engine gives up (a broken setup)."""
YOUNG_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """What a worker process needs; it crosses to the spawned process, so plain values only.

    ``batch``: only that batch's jobs (``None``: any). ``forever``: wait for new jobs when the
    queue is empty instead of exiting. ``threads``: this worker's share of the cores.
    ``db_wait``: seconds to keep trying while the database cannot be reached.
    """

    database_url: str
    batch: str | None = None
    threads: int = 1
    forever: bool = False
    poll: float = 2.0
    lease_seconds: float = LEASE_SECONDS
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    llm_api_key: str | None = None
    log_level: int = logging.WARNING
    db_wait: float = DB_WAIT_SECONDS


def threads_per_worker(threads: int, workers: int) -> int:
    """Each worker's share of the cores, so N workers do not oversubscribe them."""
    return max(1, threads // max(1, workers))


def work(
    sessions: sessionmaker[Session],
    processors: Processors,
    config: WorkerConfig,
    *,
    worker: str,
    stop: Any,
) -> int:
    """Claim and run jobs until none is left (or until ``stop`` is set, with ``forever``).

    ``stop`` is anything with ``is_set()`` and ``wait(seconds)`` (a threading or multiprocessing
    ``Event``). Returns how many jobs this worker ran.
    """
    ran = 0
    while not stop.is_set():
        job, waiting = steadily(
            sessions, _claimer(sessions, config, worker), seconds=config.db_wait, what="claiming a job"
        )
        if job is not None:
            run_claimed(
                sessions,
                job,
                processors,
                worker=worker,
                lease_seconds=config.lease_seconds,
                policy=config.policy,
                db_wait=config.db_wait,
            )
            ran += 1
        elif waiting or config.forever:
            stop.wait(config.poll)
        else:
            break
    return ran


def _claimer(
    sessions: sessionmaker[Session], config: WorkerConfig, worker: str
) -> Callable[[], tuple[JobInfo | None, bool]]:
    """One claim (the next job, or none and whether one is queued for later), to run again
    while the database is away. A worker holds no job when it claims, so a job already running
    under its name on a second try was claimed by a first try whose commit went through before
    the connection broke: it goes back to the queue, as if never claimed."""
    tries = 0

    def claim() -> tuple[JobInfo | None, bool]:
        nonlocal tries
        tries += 1
        with store.session_scope(sessions) as s:
            if tries > 1:
                release(s, worker=worker, reason="claimed while the database went away", count_attempt=False)
            job = claim_next(s, worker=worker, batch=config.batch, lease_seconds=config.lease_seconds)
            return job, job is None and _queued(s, config.batch)

    return claim


def _queued(session: Session, batch: str | None) -> bool:
    """Whether a job in scope is queued (due now or later, after a backoff)."""
    query = exists().where(Job.status == "queued")
    if batch is not None:
        query = query.where(Job.batch == batch)
    return bool(session.scalar(select(query)))


class _ParentWatch:
    """A worker's stop signal: the engine's event, or its parent gone (killed with ``kill -9``)."""

    def __init__(self, event: Event, parent: int) -> None:
        self._event, self._parent = event, parent

    def is_set(self) -> bool:
        return self._event.is_set() or os.getppid() != self._parent or interrupt.requested()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds) or self.is_set()


def _worker_main(config: WorkerConfig, stop: Event, parent: int) -> None:
    """Entry point of a spawned worker process."""
    # Ctrl-C reaches the whole process group; the parent decides what a stop means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    interrupt.install()  # SIGTERM: stop at the next safe point, finished stages stored
    enforce_offline()
    # This worker's share of the cores wins over what the parent's environment says.
    for name in [n for n in os.environ if n.endswith("_NUM_THREADS")]:
        del os.environ[name]
    limit_native_threads(config.threads)
    form = f"%(levelname)s %(name)s [worker {os.getpid()}]: %(message)s"
    logging.basicConfig(level=config.log_level, format=form)
    if config.log_level > logging.DEBUG:  # a traceback is for -vv; otherwise one line each
        for handler in logging.getLogger().handlers:
            handler.setFormatter(_OneLine(form))
    engine = store.make_engine(config.database_url)
    wait_for_reconnect(engine, config.db_wait)
    sessions = store.session_factory(engine)
    processors = Processors(sessions, threads=config.threads, llm_api_key=config.llm_api_key)
    try:
        work(sessions, processors, config, worker=worker_id(), stop=_ParentWatch(stop, parent))
    except DatabaseUnavailableError as exc:  # the parent says it too, or starts a new worker
        logging.getLogger(__name__).error("%s", exc)
        sys.exit(EXIT_UNAVAILABLE)
    except interrupt.Interrupted:  # the parent puts the job back without using up an attempt
        sys.exit(128 + signal.SIGTERM)
    finally:
        processors.close()
        engine.dispose()


class _OneLine(logging.Formatter):
    """A record with an exception as one line: the message, then the exception in a few words."""

    def format(self, record: logging.LogRecord) -> str:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            brief = f"{record.getMessage()}: {type(exc).__name__}: {failure_reason(exc)}"
            record = logging.makeLogRecord(
                {**record.__dict__, "msg": brief, "args": (), "exc_info": None, "exc_text": None}
            )
        return super().format(record)


class LocalPool:
    """Starts, watches and replaces the worker processes; call :meth:`tick` regularly.

    Use as a context manager: leaving the block stops the workers (see :meth:`stop`).
    """

    def __init__(self, config: WorkerConfig, *, workers: int, sessions: sessionmaker[Session]) -> None:
        self.config = config
        self.size = max(1, workers)
        self.sessions = sessions
        self.worker_ids: set[str] = set()
        self._ctx = multiprocessing.get_context("spawn")
        self._stop = self._ctx.Event()
        self._workers: list[SpawnProcess] = []
        self._started: dict[int, float] = {}
        self._early_deaths = 0

    def __enter__(self) -> LocalPool:
        self.tick()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        self.stop(interrupted=exc_type is not None)

    @property
    def alive(self) -> int:
        return sum(1 for p in self._workers if p.is_alive())

    def tick(self) -> bool:
        """Put back the jobs of workers that died, start workers while work remains; return
        whether anything is left to do (a worker alive or a job queued)."""
        for process in [p for p in self._workers if not p.is_alive()]:
            self._buried(process)
            self._workers.remove(process)

        def look() -> bool:
            with store.session_scope(self.sessions) as s:
                reap(s)
                return _queued(s, self.config.batch)

        queued = self._steadily(look, "looking at the queue")
        if (queued or self.config.forever) and not self._stop.is_set():
            for _ in range(self.size - len(self._workers)):
                self._spawn()
        return bool(self._workers) or queued

    def _buried(self, process: SpawnProcess) -> None:
        code, pid = process.exitcode, process.pid
        started = self._started.pop(pid, 0.0) if pid is not None else 0.0
        if code == 0 or pid is None:
            return
        reason = f"worker process {pid} {_death(code)}"

        def put_back() -> list[int]:
            with store.session_scope(self.sessions) as s:
                return release(s, worker=worker_id(pid), reason=reason)

        held = self._steadily(put_back, f"putting back the job of worker process {pid}")
        log.warning("%s%s", reason, f"; job {', '.join(map(str, held))} queued again" if held else "")
        young = time.monotonic() - started < YOUNG_SECONDS
        self._early_deaths = self._early_deaths + 1 if young and not held else 0
        if self._early_deaths >= EARLY_DEATHS:
            raise WorkerPoolError(
                f"worker processes keep failing before taking a job ({reason}); see the messages above"
            )

    def _steadily(self, work: Any, what: str) -> Any:
        return steadily(self.sessions, work, seconds=self.config.db_wait, what=what)

    def _spawn(self) -> None:
        process = self._ctx.Process(
            target=_worker_main,
            args=(self.config, self._stop, os.getpid()),
            name="minutes-worker",
        )
        process.start()
        assert process.pid is not None
        self.worker_ids.add(worker_id(process.pid))
        self._started[process.pid] = time.monotonic()
        self._workers.append(process)

    def pids(self) -> list[int]:
        """The worker processes alive now."""
        return [p.pid for p in self._workers if p.pid is not None and p.is_alive()]

    def stop(self, *, interrupted: bool = False, grace: float | None = None) -> None:
        """Stop the workers. Idle ones exit by themselves; with ``interrupted`` the busy ones are
        stopped too and their jobs queued again without using up an attempt (the stages they
        finished are kept)."""
        self._stop.set()
        deadline = time.monotonic() + (grace if grace is not None else self.config.poll + 5.0)
        if interrupted:
            for process in self._workers:
                if process.is_alive():
                    process.terminate()
        for process in self._workers:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        try:
            with without_waiting(), store.session_scope(self.sessions) as s:
                for process in self._workers:
                    if process.pid is not None:
                        release(
                            s,
                            worker=worker_id(process.pid),
                            reason="stopped before finishing; queued again",
                            count_attempt=False,
                        )
        except SQLAlchemyError as exc:  # on the way out: the next command puts them back
            log.warning(
                "could not put back the jobs of the stopped workers (%s); the next `minutes batch`, "
                "`worker` or `watch` on this host does, or any other once their lease runs out",
                failure_reason(exc),
            )
        self._workers.clear()


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"was killed by {name}{hint}"
    return f"exited with status {code}"
