"""Following a queue while workers run: what finished, what will be tried again, what is running.

A :class:`Follower` reads only the jobs changed since its last look (``updated_at``), so
following a batch of thousands costs little; :class:`BatchReport` sums a batch up at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes.db.jobs import JOB_STATUSES
from minutes.db.tables import utcnow
from minutes.jobs.queue import JobInfo, count_jobs, list_jobs

# Rows committed while a look runs carry an earlier time than the look's end: read back a little.
_OVERLAP = timedelta(seconds=2)


@dataclass(frozen=True, slots=True)
class Change:
    """``finished`` (done, failed, skipped), ``retrying`` (an attempt failed; queued again) or
    ``running`` (stage or progress moved)."""

    kind: str
    job: JobInfo


class Follower:
    """Looks at the jobs of a batch (or those ``mine`` accepts) and reports what changed."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        batch: str | None = None,
        mine: Callable[[JobInfo], bool] = lambda _job: True,
    ) -> None:
        self.sessions, self.batch, self.mine = sessions, batch, mine
        self.finished: list[JobInfo] = []
        self._states: dict[int, tuple[str, int]] = {}
        self._since: datetime | None = None

    def prime(self) -> None:
        """Take note of the jobs there now without reporting them (they finished earlier)."""
        self.poll()
        self.finished.clear()

    def poll(self) -> list[Change]:
        """What changed since the last look, oldest job first."""
        now = utcnow()
        with store.session_scope(self.sessions) as s:
            jobs = list_jobs(s, batch=self.batch, since=self._since, oldest_first=True)
        self._since = now - _OVERLAP
        changes: list[Change] = []
        for job in jobs:
            if not self.mine(job):
                continue
            if job.status == "running":
                changes.append(Change("running", job))
            state = (job.status, job.attempts)
            if self._states.get(job.id) == state:
                continue
            self._states[job.id] = state
            if job.finished:
                self.finished.append(job)
                changes.append(Change("finished", job))
            elif job.status == "queued" and job.attempts and job.error:
                changes.append(Change("retrying", job))
        return changes


def unfinished(sessions: sessionmaker[Session], batch: str) -> int:
    """How many jobs of a batch are queued or running (one counting query)."""
    with store.session_scope(sessions) as s:
        counts = count_jobs(s, batch=batch)
    return counts["queued"] + counts["running"]


@dataclass(frozen=True, slots=True)
class BatchReport:
    """A batch summed up: how many jobs in each state, how much audio was processed."""

    batch: str
    jobs: Sequence[JobInfo]
    wall_seconds: float
    counts: dict[str, int] = field(init=False)
    audio_seconds: float = field(init=False)

    def __post_init__(self) -> None:
        counts = dict.fromkeys(JOB_STATUSES, 0)
        for job in self.jobs:
            counts[job.status] += 1
        done = [j for j in self.jobs if j.status == "done"]
        object.__setattr__(self, "counts", counts)
        object.__setattr__(
            self, "audio_seconds", sum(float((j.result or {}).get("duration", 0.0)) for j in done)
        )

    @classmethod
    def of(cls, sessions: sessionmaker[Session], batch: str, *, wall_seconds: float) -> BatchReport:
        with store.session_scope(sessions) as s:
            return cls(batch, list_jobs(s, batch=batch, oldest_first=True), wall_seconds)

    @property
    def failed(self) -> list[JobInfo]:
        return [j for j in self.jobs if j.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "counts": self.counts,
            "audio_seconds": round(self.audio_seconds, 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "jobs": [j.to_dict() for j in self.jobs],
        }
