"""ORM tables (SQLAlchemy 2.0 declarative, typed with ``Mapped``).

These classes never leave ``minutes.db``: :mod:`minutes.db.repo` converts them to and from the
frozen dataclasses in :mod:`minutes.types`. The schema is created by the Alembic migrations in
``minutes/migrations``; a test checks that the two agree.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from minutes.errors import ConfigError
from minutes.types import EDIT_KINDS

STATUSES: tuple[str, ...] = ("pending", "processing", "done", "failed")
"""The values ``meetings.status`` may take."""

MINUTE_KINDS: tuple[str, ...] = ("decision", "action", "question")
"""The values ``minute_items.kind`` may take."""

MAX_INTEGER = 2**31 - 1
"""The largest value of an ``Integer`` column (ids, positions, indexes) on every backend: PostgreSQL's
INTEGER is 32-bit. The interfaces bound the numbers they are given to it (``web/params.py``,
``cli/params.py``)."""

_SHA256 = re.compile(r"[0-9a-f]{64}")

# Deterministic constraint names, so later migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")
"""JSON everywhere, JSONB on PostgreSQL."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC and always read back with ``tzinfo=UTC``.

    SQLite has no timezone-aware type and drops the offset, so values are normalised to UTC on
    the way in; a naive datetime is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Record = TypeVar("_Record", bound="DataclassInstance")


def utcnow() -> datetime:
    return datetime.now(UTC)


def record_of(cls: type[_Record], row: object, **converted: Any) -> _Record:
    """A record dataclass filled from the row attributes of the same names (``converted``: those given)."""
    copied = {f.name: getattr(row, f.name) for f in dataclasses.fields(cls) if f.name not in converted}
    return cls(**copied, **converted)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Recording(Base):
    """One audio/video file, identified by the hash of its content."""

    __tablename__ = "recordings"
    __table_args__ = (CheckConstraint("length(sha256) = 64", name="sha256_length"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(1024))
    media_path: Mapped[str | None] = mapped_column(String(4096))
    duration: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[int] = mapped_column(Integer)
    channels: Mapped[int] = mapped_column(Integer)
    codec: Mapped[str] = mapped_column(String(64), default="")
    format: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # A recording with meetings cannot be deleted (ON DELETE RESTRICT); the ORM must not try to
    # null out the meetings' foreign keys either.
    meetings: Mapped[list[Meeting]] = relationship(back_populates="recording", passive_deletes="all")

    @validates("sha256")
    def _check_sha256(self, _key: str, value: str) -> str:
        if not _SHA256.fullmatch(value):
            raise ValueError(f"sha256 must be 64 lowercase hex digits, got {value!r}")
        return value


class Meeting(Base):
    """One processing of a recording: its status and everything derived from it."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'processing', 'done', 'failed')", name="status"),
        Index("ix_meetings_created_at", "created_at"),
        # A deleted meeting's id is never handed out again (links and audit entries keep meaning).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(1024))
    meeting_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    code_version: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The team the meeting belongs to (minutes.db.accounts.Team); None: visible to admins only.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)

    recording: Mapped[Recording] = relationship(back_populates="meetings")
    stages: Mapped[list[StageRun]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True, order_by="StageRun.id"
    )
    speakers: Mapped[list[SpeakerRow]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SpeakerRow.label",
    )
    utterances: Mapped[list[UtteranceRow]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="UtteranceRow.idx",
    )
    minutes: Mapped[MinutesRow | None] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    minute_items: Mapped[list[MinuteItemRow]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MinuteItemRow.position",
    )
    chapters: Mapped[list[ChapterRow]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ChapterRow.position",
    )

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        if value not in STATUSES:
            raise ConfigError(f"unknown meeting status {value!r}; choose one of: {', '.join(STATUSES)}")
        return value


class StageRun(Base):
    """The stored result of one pipeline stage for one meeting, with its provenance."""

    __tablename__ = "stage_runs"
    __table_args__ = (UniqueConstraint("meeting_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    cache_key: Mapped[str] = mapped_column(String(128), index=True)
    models: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    code_version: Mapped[str] = mapped_column(String(64), default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="stages")


class SpeakerRow(Base):
    """A diarization label of one meeting, the name a person gave it, and its voice embedding."""

    __tablename__ = "speakers"
    __table_args__ = (UniqueConstraint("meeting_id", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(256))
    talk_time: Mapped[float] = mapped_column(Float, default=0.0)
    embedding: Mapped[list[float] | None] = mapped_column(JSONType)

    meeting: Mapped[Meeting] = relationship(back_populates="speakers")


class UtteranceRow(Base):
    """One speaker's words between pauses; ``words`` holds ``[start, end, text, probability]`` lists."""

    __tablename__ = "utterances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "idx"),
        Index("ix_utterances_meeting_id_start", "meeting_id", "start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    speaker_label: Mapped[str] = mapped_column(String(64))
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[list[list[Any]]] = mapped_column(JSONType, default=list)
    overlap: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="utterances")


class MinutesRow(Base):
    """A meeting's summary and the provenance of the summarize run; at most one per meeting.

    ``model`` is ``{name, source, sha256, licence}`` or null.
    """

    __tablename__ = "minutes"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    summary: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    model: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    prompt_version: Mapped[str] = mapped_column(String(64), default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="minutes")


class MinuteItemRow(Base):
    """A decision, action item or open question; ``evidence`` lists utterance indexes (``idx``).

    ``position`` orders the items of one meeting (0, 1, ...). ``owner`` is a speaker label of the
    same meeting; ``owner`` and ``due`` are indexed for the list of action items across meetings.
    """

    __tablename__ = "minute_items"
    __table_args__ = (
        CheckConstraint("kind IN ('decision', 'action', 'question')", name="kind"),
        UniqueConstraint("meeting_id", "position"),
        Index("ix_minute_items_meeting_id_kind", "meeting_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[int]] = mapped_column(JSONType, default=list)
    supported: Mapped[bool] = mapped_column(Boolean, default=True)
    owner: Mapped[str | None] = mapped_column(String(64), index=True)
    due: Mapped[date | None] = mapped_column(Date, index=True)
    due_text: Mapped[str | None] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="minute_items")

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        if value not in MINUTE_KINDS:
            raise ConfigError(f"unknown minute item kind {value!r}; choose one of: {', '.join(MINUTE_KINDS)}")
        return value


class ChapterRow(Base):
    """A stretch of a meeting about one topic; ``evidence`` lists utterance indexes (``idx``)."""

    __tablename__ = "chapters"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[int]] = mapped_column(JSONType, default=list)

    meeting: Mapped[Meeting] = relationship(back_populates="chapters")


class EditRow(Base):
    """A person's edit of a meeting's machine output, kept so that a re-run can carry it (see
    :mod:`minutes.carry`), or listed when it could not.

    A ``line`` row is a corrected transcript line: ``utterance_idx`` is the line it is on now (null
    when it could not be carried), ``start``/``end`` its span, ``machine_text`` what the machine wrote
    there and ``text`` what the person wrote. ``speaker`` rows (``label``: the old label, ``text``:
    the name) and ``action`` rows (``label``: the owner, ``text``: the item) exist only for edits a
    re-run could not carry. ``left_at`` says when an edit fell off the output (null: it is on it).
    """

    __tablename__ = "edits"
    __table_args__ = (
        CheckConstraint("kind IN ('line', 'speaker', 'action')", name="kind"),
        UniqueConstraint("meeting_id", "utterance_idx"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    utterance_idx: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(64))
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    machine_text: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        if value not in EDIT_KINDS:
            raise ConfigError(f"unknown edit kind {value!r}; choose one of: {', '.join(EDIT_KINDS)}")
        return value


class ChunkRow(Base):
    """A passage of a meeting's transcript (lines ``first_idx``..``last_idx``) and its text embedding.

    ``vector`` is the embedding as little-endian float32 bytes, of length 1; ``text`` the passage as
    it was embedded ("speaker: line" per line), which retrieval by words ranks; ``model`` is the
    embedding model's identity (its file hash), so vectors of another model are never compared.
    """

    __tablename__ = "chunks"
    __table_args__ = (UniqueConstraint("meeting_id", "first_idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    first_idx: Mapped[int] = mapped_column(Integer)
    last_idx: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(128))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
