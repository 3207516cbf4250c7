"""Planning a batch: the jobs' options, how the workers run, and queueing the recordings.

``minutes batch`` and ``minutes watch`` describe what they were asked for as a :class:`BatchPlan`;
it checks the preset and models once (one error now, not a failure of every job), then queues
recordings (hashed first, so a recording already processed or twice in the batch is skipped as
a duplicate), riding out a database outage for up to the worker config's ``db_wait``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from minutes.jobs.lease import RetryPolicy
from minutes.jobs.local import WorkerConfig, threads_per_worker
from minutes.jobs.outage import steadily
from minutes.jobs.queue import enqueue, file_sha256
from minutes.jobs.runner import Processors

T = TypeVar("T")


@dataclass(frozen=True)
class BatchPlan:
    """What batch and watch were asked for: the jobs' options and how the workers run."""

    preset: str | None
    options: dict[str, Any]
    max_attempts: int
    config: WorkerConfig
    sessions: sessionmaker[Session]

    @classmethod
    def prepare(
        cls, *, preset: str | None, options: dict[str, Any], max_attempts: int, config: WorkerConfig
    ) -> BatchPlan:
        """A plan over a checked database; the processor is built once here (models resolve,
        nothing loads), so a bad preset or a missing model is one error now."""
        plan = cls(preset, options, max_attempts, config, open_sessions(config.db_wait))
        processors = Processors(plan.sessions, threads=config.threads, llm_api_key=config.llm_api_key)
        processors.prepare(preset, options)
        processors.close()
        return plan

    @property
    def batch(self) -> str:
        assert self.config.batch is not None
        return self.config.batch

    def queue(self, files: Sequence[Path]) -> list[int]:
        """Queue recordings in this plan's batch (hashed first: reading takes time, outside the
        transaction)."""
        from minutes import db as store

        hashed = [(f, file_sha256(f)) for f in files]

        def add() -> list[int]:  # harmless to repeat: a file already in the batch keeps its job
            with store.session_scope(self.sessions) as s:
                return [
                    enqueue(
                        s,
                        f,
                        options=self.options,
                        preset=self.preset,
                        batch=self.batch,
                        max_attempts=self.max_attempts,
                        sha256=digest,
                    )
                    for f, digest in hashed
                ]

        return self.steadily(add, "queueing recordings")

    def steadily(self, work: Callable[[], T], what: str) -> T:
        """``work()``, run again while the database is away (for up to ``db_wait``)."""
        return steadily(self.sessions, work, seconds=self.config.db_wait, what=what)


def worker_config(
    *,
    batch: str | None,
    workers: int,
    threads: int | None,
    retry_delay: float,
    api_key: str | None,
    **more: Any,
) -> WorkerConfig:
    """How ``workers`` processes run: the database of the settings, ``threads`` (default: all
    this machine's) shared out among them, this process's log level."""
    from minutes.runtime import default_threads
    from minutes.settings import database_url

    return WorkerConfig(
        database_url=database_url(),
        batch=batch,
        threads=threads_per_worker(threads or default_threads(), workers),
        policy=RetryPolicy(delay=retry_delay),
        llm_api_key=api_key,
        log_level=logging.getLogger().getEffectiveLevel(),
        **more,
    )


def open_sessions(db_wait: float | None = None) -> sessionmaker[Session]:
    """The database, checked now (a wrong URL or a server that is down is one error at once);
    with ``db_wait``, its connections then wait that long for the database when it goes away."""
    from minutes.db.engine import wait_for_reconnect
    from minutes.factory import open_store

    sessions = open_store()
    if db_wait is not None:
        wait_for_reconnect(sessions.kw["bind"], db_wait)
    return sessions


def stable_name(prefix: str, *parts: Any) -> str:
    """A batch name that is the same when the same command runs again (so it resumes its batch)."""
    key = json.dumps(parts, sort_keys=True, default=str)
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"
