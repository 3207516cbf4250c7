"""ORM tables for people and access: users, teams, memberships, shares, tokens, sessions, audit.

Who may see which meeting is decided in one place, :mod:`minutes.accounts.access`, from these rows:
an admin (``users.is_admin``) sees everything; a team's managers see the team's meetings
(``meetings.team_id``); anyone sees the meetings shared with them (``meeting_shares``).

Secrets are never stored: API tokens and session ids are kept as the sha256 of the random
value handed out, passwords as argon2id hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minutes.db.tables import Base, JSONType, UTCDateTime, utcnow

TEAM_ROLES: tuple[str, ...] = ("manager", "member")
"""The roles a user can hold in a team (``admin`` is a property of the user, not of a membership)."""


class Team(Base):
    """A group of people whose meetings belong together."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan", passive_deletes=True
    )


class User(Base):
    """A person who signs in. ``username`` is stored lower-case (sign-in ignores case)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(256))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Membership(Base):
    """A user's role in a team: ``manager`` (sees and edits the team's meetings) or ``member``."""

    __tablename__ = "memberships"
    __table_args__ = (CheckConstraint("role IN ('manager', 'member')", name="role"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class MeetingShare(Base):
    """One meeting made visible (read-only) to one user."""

    __tablename__ = "meeting_shares"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    """A bearer token for scripts; ``token_hash`` is the sha256 of the token, ``prefix`` its first characters.

    The prefix identifies a token in lists without being usable; a revoked token stays listed.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser: ``token_hash`` is the sha256 of the cookie value; ``csrf_token`` guards forms."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AuditEntry(Base):
    """Who did what to which object, when and from where.

    ``user_id`` is nulled if the user is deleted, ``username`` keeps who it was; ``meeting_id`` is
    a plain integer (no foreign key), so entries outlive the meeting they are about.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_meeting_id_at", "meeting_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(16), default="web")


class LoginAttempt(Base):
    """A failed sign-in, kept to rate-limit guessing per (username, address) across restarts."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_ip_at", "username", "ip", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
