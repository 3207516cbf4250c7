"""The Dask engine: the queue's jobs run by the workers of a Dask distributed cluster.

The database stays the single source of truth, exactly as with the local engine::

    client ──enqueue──► jobs table ◄──claim · heartbeat · complete/fail── task on a Dask worker
       └── one task per job that is queued and due (pure=False, retries=0) ──► scheduler ──┘

The client queues the recordings (same content dedup as the local engine), then submits one
Dask task per job id. The task claims that job under a lease (:func:`~minutes.jobs.lease.claim_job`),
runs it with the processor its worker keeps (:mod:`minutes.jobs.dask_worker`: models load once per
worker process), records the outcome and returns a small summary. A task whose job cannot be
claimed (done, failed, or held by a live lease) does nothing, so Dask running a task again after
a worker was lost is harmless. Retries are the queue's business (backoff, attempts, permanent
failures): a job that goes back to ``queued`` gets a new task once it is due. A worker that dies
leaves its job ``running`` under a lease nobody renews; :func:`~minutes.jobs.lease.reap` puts it
back when the lease expires (at once when the worker was a process on this host). A client
that dies leaves the queue as it was: the same command run again finishes the rest.

A worker process runs as many jobs at a time as it has units of the ``minutes`` resource
(``dask worker ... --resources minutes=1``), each with ``nthreads / units`` threads, so its cores
are never shared by more jobs than it was told. This module imports Dask: import it lazily.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Mapping
from contextlib import ExitStack, suppress
from typing import Any

import dask
from distributed import Client, Future, LocalCluster
from distributed.client import ClosedClientError
from distributed.scheduler import KilledWorker
from sqlalchemy import func, make_url, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from minutes import __version__
from minutes import db as store
from minutes.db.engine import failure_reason, without_waiting
from minutes.db.jobs import Job
from minutes.db.tables import utcnow
from minutes.errors import WorkerPoolError
from minutes.jobs.dask_cluster import (
    DASK_CONFIG,
    OWN_CLUSTER_CONFIG,
    check_database,
    local_cluster,
    scheduler_address,
)
from minutes.jobs.dask_worker import RESOURCE, MinutesPlugin, describe, host_identity, prepare_task, run_task
from minutes.jobs.lease import reap, release, worker_id
from minutes.jobs.local import WorkerConfig
from minutes.jobs.options import normalize_options
from minutes.jobs.outage import steadily

log = logging.getLogger(__name__)

WORKER_WAIT = 60.0
"""Seconds to wait for a worker offering :data:`RESOURCE` to join the scheduler."""
REST = 2.0
"""Seconds before a job whose task did nothing (or broke) gets another task."""
TASK_ERRORS = 3
"""Tasks in a row that fail before running their job (not a job failure) before giving up."""

# --- the client side -------------------------------------------------------------------------


class DaskPool:
    """Submits the due jobs to a Dask cluster and collects what became of them; call
    :meth:`tick` regularly. Use as a context manager (like :class:`~minutes.jobs.LocalPool`).

    ``scheduler``: the address of a running Dask scheduler; ``None`` starts a cluster of
    ``workers`` processes on 127.0.0.1 (``config.threads`` each, no dashboard) for as long as the
    engine runs. ``prepare``: the batch's (preset, options), built on every worker at start so a
    worker without the models is one clear error, not a failed job.
    """

    def __init__(
        self,
        config: WorkerConfig,
        *,
        workers: int,
        sessions: sessionmaker[Session],
        scheduler: str | None = None,
        prepare: tuple[str | None, Mapping[str, Any]] | None = None,
    ) -> None:
        self.config = config
        self.size = max(1, workers)
        self.sessions = sessions
        self.address = scheduler_address(scheduler) if scheduler else None
        check_database(config.database_url, scheduler=self.address)
        self._spec = (prepare[0], normalize_options(prepare[1])) if prepare is not None else None
        key = json.dumps([__version__, config.database_url, config.llm_api_key, config.db_wait])
        self.plugin_name = f"minutes-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
        self._stack = ExitStack()
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        self._futures: dict[int, Future[dict[str, Any]]] = {}
        self._resting: dict[int, float] = {}  # job id → when it may have another task (monotonic)
        self._pids: dict[str, int] = {}  # worker address → process id, for a cluster of our own
        self._slots = 0
        self._task_errors = 0

    @property
    def where(self) -> str:
        """The cluster, in words."""
        return (
            f"Dask scheduler {self.address}" if self.address else f"{self.size} Dask worker(s) on this host"
        )

    def __enter__(self) -> DaskPool:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _start(self) -> None:
        self._stack.enter_context(dask.config.set(DASK_CONFIG))
        # Dask logs every connection at INFO; show that only when the user asked for more (-v).
        dask_log = logging.getLogger("distributed")
        self._stack.callback(dask_log.setLevel, dask_log.level)
        dask_log.setLevel(max(self.config.log_level, logging.INFO))
        if self.address is None:
            self._stack.enter_context(dask.config.set(OWN_CLUSTER_CONFIG))
            self._cluster = local_cluster(self.size, self.config.threads)
            self._client = Client(self._cluster, set_as_default=False)  # type: ignore[no-untyped-call]
        else:
            try:
                self._client = Client(self.address, set_as_default=False)  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError) as exc:
                raise WorkerPoolError(
                    f"cannot reach the Dask scheduler at {self.address} ({exc}); start it "
                    f"(`dask scheduler`) or fix --scheduler / MINUTES_SCHEDULER"
                ) from None
        plugin = MinutesPlugin(
            database_url=self.config.database_url,
            llm_api_key=self.config.llm_api_key,
            log_level=self.config.log_level,
            ignore_interrupts=self._cluster is not None,
            db_wait=self.config.db_wait,
        )
        self._client.register_plugin(plugin, name=self.plugin_name)
        self._wait_for_workers()
        self._check_hosts()
        if self._spec is not None:
            self._prepare(*self._spec)

    def _running(self) -> Client:
        if self._client is None:
            raise WorkerPoolError("the Dask engine is not running (use it in a with block)")
        return self._client

    def _look(self) -> list[str]:
        """The workers offering job slots now (and their count in ``_slots``); learns the process
        ids of the workers of a cluster of our own, whose jobs it puts back when it stops."""
        client = self._running()
        if client.status in ("closing", "closed"):  # it gave up reconnecting to the scheduler
            raise ClosedClientError("the connection closed")
        workers = client.scheduler_info(n_workers=-1).get("workers", {})
        slots = {a: int(w.get("resources", {}).get(RESOURCE, 0)) for a, w in workers.items()}
        self._slots = sum(slots.values())
        new = [a for a in workers if a not in self._pids]
        if self._cluster is not None and new:
            self._pids.update(client.run(os.getpid, workers=new, on_error="ignore"))
        return [a for a, n in slots.items() if n > 0]

    def _wait_for_workers(self) -> None:
        deadline = time.monotonic() + WORKER_WAIT
        while not self._look():
            if time.monotonic() > deadline:
                joined = len(self._running().scheduler_info(n_workers=-1)["workers"])
                problem = (
                    f"{joined} Dask worker(s) joined the scheduler at {self.address}, but none offers "
                    f"the {RESOURCE!r} resource, so no job could run there"
                    if joined
                    else f"no Dask worker joined the scheduler at {self.address} in {WORKER_WAIT:.0f} s"
                )
                raise WorkerPoolError(
                    f"{problem}; start workers with `dask worker {self.address} --nthreads N "
                    f"--resources {RESOURCE}=1` (one job at a time per worker process)"
                )
            time.sleep(0.5)

    def _check_hosts(self) -> None:
        """Leases name their holder ``host:pid`` and a reaper on the same host checks whether that
        process is alive: two machines (or containers) under one host name would take each other's
        live jobs for dead ones."""
        seen: dict[str, tuple[str, str]] = {"this machine": host_identity()}
        for address, (name, identity) in self._running().run(host_identity).items():
            seen[f"worker {address}"] = (name, identity)
        by_name: dict[str, dict[str, str]] = {}
        for who, (name, identity) in seen.items():
            if identity:
                by_name.setdefault(name, {}).setdefault(identity, who)
        for name, machines in by_name.items():
            if len(machines) > 1:
                raise WorkerPoolError(
                    f"{' and '.join(sorted(machines.values()))} have the same host name {name!r} but are "
                    "different machines or containers; jobs are leased to host:pid, so give each one a "
                    "host name of its own (e.g. `docker run --hostname`)"
                )

    def _probe(self) -> tuple[int, str] | None:
        query = select(Job.id, Job.path).order_by(Job.id.desc()).limit(1)
        if self.config.batch is not None:
            query = query.where(Job.batch == self.config.batch)

        def look() -> Any:
            with store.session_scope(self.sessions) as s:
                return s.execute(query).first()

        row = steadily(self.sessions, look, seconds=self.config.db_wait, what="looking at the queue")
        return (row[0], row[1]) if row is not None else None

    def _prepare(self, preset: str | None, options: Mapping[str, Any]) -> None:
        client, probe = self._running(), self._probe()
        futures = {
            address: client.submit(
                prepare_task,
                self.plugin_name,
                preset,
                dict(options),
                probe,
                key=f"minutes-prepare-{uuid.uuid4().hex}",
                workers=[address],
                allow_other_workers=False,
                resources={RESOURCE: 1},
                pure=False,
                retries=0,
            )
            for address in self._look()
        }
        problems = []
        for address, future in futures.items():
            try:
                future.result()
            except Exception as exc:
                problems.append(f"worker {address}: {describe(exc)}")
        if problems:
            raise WorkerPoolError(
                "the Dask workers cannot run these jobs (they stay queued; fix the workers and run the "
                "same command again): " + "; ".join(problems)
            )

    def tick(self) -> bool:
        """Collect finished tasks, put back the jobs of workers that are gone, submit a task for
        each job that is queued and due (up to two per job slot); return whether anything is left
        to do (a task in flight or a job queued or running)."""
        try:
            return self._tick()
        except (OSError, TimeoutError, ClosedClientError) as exc:  # Dask's comm errors are OSErrors
            raise WorkerPoolError(
                f"lost the Dask scheduler at {self.address} ({exc}); jobs running on its workers finish "
                "there, and the same command run again finishes the rest"
            ) from None

    def _tick(self) -> bool:
        self._collect()
        self._look()
        now, clock = utcnow(), time.monotonic()
        self._resting = {j: t for j, t in self._resting.items() if t > clock}
        room = max(1, 2 * self._slots) - len(self._futures)
        scope = (Job.batch == self.config.batch,) if self.config.batch is not None else ()

        def look() -> tuple[list[int], int | None]:
            with store.session_scope(self.sessions) as s:
                reap(s, now=now)
                due: list[int] = []
                if room > 0:
                    query = select(Job.id).where(Job.status == "queued", Job.available_at <= now, *scope)
                    busy = set(self._futures) | set(self._resting)
                    if busy:
                        query = query.where(Job.id.not_in(busy))
                    due = list(s.scalars(query.order_by(Job.id).limit(room)))
                left = s.scalar(select(func.count()).where(Job.status.in_(("queued", "running")), *scope))
                return due, left

        due, left = steadily(self.sessions, look, seconds=self.config.db_wait, what="looking at the queue")
        for job_id in due:
            self._submit(job_id)
        return bool(self._futures) or bool(left)

    def _submit(self, job_id: int) -> None:
        self._futures[job_id] = self._running().submit(
            run_task,
            self.plugin_name,
            job_id,
            self.config.lease_seconds,
            self.config.policy,
            key=f"minutes-job-{job_id}-{uuid.uuid4().hex[:8]}",
            resources={RESOURCE: 1},
            pure=False,
            retries=0,  # retries are the queue's, with its backoff and permanent failures
        )

    def _collect(self) -> None:
        for job_id, future in list(self._futures.items()):
            if not future.done():  # type: ignore[no-untyped-call]
                continue
            del self._futures[job_id]
            if future.status == "finished":
                self._task_errors = 0
                if not future.result()["ran"]:
                    self._resting[job_id] = time.monotonic() + REST
                continue
            self._resting[job_id] = time.monotonic() + REST
            exc = future.exception() if future.status == "error" else None  # type: ignore[no-untyped-call]
            if exc is None or isinstance(exc, KilledWorker):
                # Workers died running it (the queue counts the attempts), or the task was lost.
                log.warning(
                    "job %s: its Dask task was lost (worker or scheduler gone); the queue decides", job_id
                )
                continue
            self._task_errors += 1
            log.warning("job %s: its Dask task failed before running it (%s)", job_id, describe(exc))
            if self._task_errors >= TASK_ERRORS:
                url = make_url(self.config.database_url).render_as_string(hide_password=True)
                raise WorkerPoolError(
                    f"Dask tasks keep failing before they run a job ({describe(exc)}); every worker needs "
                    f"this version of minutes ({__version__}) and must reach the database {url}"
                )

    def stop(self) -> None:
        """Let go of the cluster. Tasks not started are dropped; on a cluster of our own the
        workers stop too, and the jobs they held go back to the queue without using up an
        attempt; on another cluster, jobs already running there finish there."""
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            with suppress(Exception):
                client.cancel(list(self._futures.values()))  # type: ignore[no-untyped-call]
            with suppress(Exception):
                client.close()  # type: ignore[no-untyped-call]
        self._futures.clear()
        if cluster is not None:
            with suppress(Exception):
                cluster.close()
            try:
                with without_waiting(), store.session_scope(self.sessions) as s:
                    for pid in self._pids.values():
                        release(
                            s,
                            worker=worker_id(pid),
                            reason="stopped before finishing; queued again",
                            count_attempt=False,
                        )
            except SQLAlchemyError as exc:  # on the way out: the next run puts them back
                log.warning("could not put back the jobs of the stopped workers (%s)", failure_reason(exc))
        self._stack.close()
