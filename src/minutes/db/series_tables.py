"""ORM tables for meeting series and the commitment ledger's links.

A **series** (``series``) is a recurring meeting: the weekly sync, the project review. A meeting
belongs to at most one (``series_meetings``, keyed by the meeting), set by a person (by hand, by
``--series`` or by confirming a suggestion); suggestions are worked out when shown, never stored.

A **link** (``ledger_links``) ties an item of a later meeting of a series, or the lines that speak
of it, to an item of an earlier meeting: a commitment ``restated``, ``redated`` (a new due date),
``done`` or ``dropped``; a decision ``changed``; an open question ``carried``. The earlier item is
named by its meeting, its first cited line (``from_line``) and its place among the items citing that
line (``from_rank``), which survive a re-summarize where item positions need not; ``from_position``
is where it sits now. ``state`` says who stands behind
the link: ``auto`` (the linker was certain), ``suggested`` (a person should confirm), ``confirmed``
or ``rejected`` by a person (kept across re-linking: a link undone by hand stays undone).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import conv

from minutes.db.tables import Base, JSONType, UTCDateTime, utcnow

LINK_KINDS: tuple[str, ...] = ("restated", "redated", "done", "dropped", "changed", "carried")
LINK_STATES: tuple[str, ...] = ("auto", "suggested", "confirmed", "rejected")


class SeriesRow(Base):
    """A recurring meeting. ``name_key`` is the name folded for lookups (unique)."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    name_key: Mapped[str] = mapped_column(String(256), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SeriesMeetingRow(Base):
    """A meeting's place in a series: who put it there and when."""

    __tablename__ = "series_meetings"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerLinkRow(Base):
    """One link from an earlier item to a later meeting's item or lines (module docstring)."""

    __tablename__ = "ledger_links"
    __table_args__ = (
        # Named by hand: the convention's name would pass PostgreSQL's 63-character limit.
        UniqueConstraint(
            "from_meeting_id",
            "from_line",
            "from_rank",
            "kind",
            "to_meeting_id",
            "to_line",
            name=conv("uq_ledger_links_link"),
        ),
        CheckConstraint(
            "kind IN ('restated', 'redated', 'done', 'dropped', 'changed', 'carried')", name="kind"
        ),
        CheckConstraint("state IN ('auto', 'suggested', 'confirmed', 'rejected')", name="state"),
        Index("ix_ledger_links_to_meeting_id", "to_meeting_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    from_meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    from_line: Mapped[int] = mapped_column(Integer)
    from_rank: Mapped[int] = mapped_column(Integer, default=0)
    from_position: Mapped[int] = mapped_column(Integer)
    to_meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    to_line: Mapped[int] = mapped_column(Integer)
    to_lines: Mapped[list[int]] = mapped_column(JSONType, default=list)
    to_position: Mapped[int | None] = mapped_column(Integer)
    due: Mapped[date | None] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    state: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
