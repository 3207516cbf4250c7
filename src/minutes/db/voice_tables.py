"""ORM tables for people's voices: who was enrolled, from which meeting, and what their voice matched.

Voiceprints are biometric data. A person (``people``) has a voice only through enrolments
(``voice_enrolments``): each is one speaker of one meeting someone named as that person with
consent (``--remember-voice``), its embedding, who enrolled it and when. The print is computed from
a person's enrolments when needed (:func:`minutes.voices.voiceprint`), so deleting an enrolment or
a meeting (cascade) leaves no print behind. ``voice_matches`` holds what recognition made of a
speaker: ``named`` (its name came from the voice), ``suggested`` (a near match to confirm), or
``rejected`` (a person said no; never offered again). Forgetting a person deletes the person row,
which cascades to all of them (:mod:`minutes.db.people_admin`). Names heard in the conversation are
worked out from the transcript when shown; only their rejections are stored (``name_rejections``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minutes.db.tables import Base, JSONType, UTCDateTime, utcnow

MATCH_STATUSES: tuple[str, ...] = ("named", "suggested", "rejected")


class PersonRow(Base):
    """Someone whose voice is remembered. ``name_key`` is the name folded for lookups (unique)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    name_key: Mapped[str] = mapped_column(String(256), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EnrolmentRow(Base):
    """One speaker of one meeting given to a person's voiceprint, with consent recorded.

    ``model`` is the speaker-embedding model's identity (embeddings of different models are never
    compared); ``enrolled_by`` the user (or ``operator`` for the command line) who enrolled it.
    """

    __tablename__ = "voice_enrolments"
    __table_args__ = (UniqueConstraint("meeting_id", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(64))
    embedding: Mapped[list[float]] = mapped_column(JSONType)
    model: Mapped[str] = mapped_column(String(256))
    enrolled_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoiceMatchRow(Base):
    """What recognition made of one speaker and one person: named, suggested or rejected."""

    __tablename__ = "voice_matches"
    __table_args__ = (
        UniqueConstraint("meeting_id", "label", "person_id"),
        CheckConstraint("status IN ('named', 'suggested', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NameRejectionRow(Base):
    """A name heard in the conversation for a speaker that a person said is not theirs: never
    suggested for that speaker again (:func:`minutes.summarize.addressed.heard`)."""

    __tablename__ = "name_rejections"
    __table_args__ = (UniqueConstraint("meeting_id", "label", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
