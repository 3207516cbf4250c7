"""The ``jobs`` table: a durable queue of recordings to process (batch, watch, uploads).

A job is ``queued`` until a worker claims it; it is then ``running`` under a lease
(``worker`` + ``lease_expires_at``) that the worker's heartbeat keeps extending. It ends
``done`` (with its meeting), ``failed`` (with the error), or ``skipped`` (a duplicate of
content already processed or already in the same batch). A failure that may pass puts the job
back to ``queued`` with ``available_at`` in the future. :mod:`minutes.jobs` is the only code
that reads or writes these rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from minutes.db.tables import Base, JSONType, UTCDateTime, utcnow

JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed", "skipped")
"""The values ``jobs.status`` may take."""


class Job(Base):
    """One recording to process, with its options, its state and what became of it."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'skipped')", name="status"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),
        # The claim query: the oldest queued job whose time has come.
        Index("ix_jobs_status_available_at", "status", "available_at"),
        # A job id in a link or a log keeps meaning the same job.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(4096))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    batch: Mapped[str | None] = mapped_column(String(128), index=True)
    preset: Mapped[str | None] = mapped_column(String(1024))
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    title: Mapped[str | None] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The worker holding the lease while running; the one that ran it last otherwise.
    worker: Mapped[str | None] = mapped_column(String(255))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    team_id: Mapped[int | None] = mapped_column(Integer, index=True)
    submitted_by: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
