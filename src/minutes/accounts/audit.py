"""The audit log: who viewed, exported, edited or deleted what, when and from where.

Entries are added to the caller's unit of work, so an entry is committed with the change itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minutes.accounts.access import Actor
from minutes.db.accounts import AuditEntry
from minutes.db.tables import utcnow

ACTIONS: tuple[str, ...] = (
    "login",
    "login_failed",
    "logout",
    "view",
    "media",
    "export",
    "search",
    "ask",
    "rename_speaker",
    "remember_voice",
    "voice_confirmed",
    "voice_rejected",
    "people_export",
    "people_merge",
    "people_forget",
    "series_set",
    "series_delete",
    "ledger_confirmed",
    "ledger_rejected",
    "correct_utterance",
    "action_done",
    "action_reopened",
    "assign_team",
    "share",
    "unshare",
    "delete",
    "upload",
    "token_create",
    "token_revoke",
)
"""The actions recorded, for filters and documentation."""


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: object = None,
    meeting_id: int | None = None,
    detail: dict[str, Any] | None = None,
    username: str | None = None,
) -> None:
    """Add one entry; it is committed with the caller's unit of work (so with the change itself)."""
    p = actor.principal
    session.add(
        AuditEntry(
            at=utcnow(),
            user_id=p.user_id if p else None,
            username=(p.username if p else username),
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id)[:64],
            meeting_id=meeting_id,
            detail=detail or {},
            ip=(actor.ip or None) and str(actor.ip)[:64],
            via=actor.via,
        )
    )


@dataclass(frozen=True, slots=True)
class AuditPage:
    total: int
    entries: list[AuditEntry]


def entries(
    session: Session,
    *,
    username: str | None = None,
    action: str | None = None,
    meeting_id: int | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """Entries newest first, filtered; ``total`` counts all matches."""
    conditions = []
    if username:
        conditions.append(AuditEntry.username == username.strip().lower())
    if action:
        conditions.append(AuditEntry.action == action)
    if meeting_id is not None:
        conditions.append(AuditEntry.meeting_id == meeting_id)
    if since is not None:
        conditions.append(AuditEntry.at >= since)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    query = (
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return AuditPage(total=int(total), entries=list(session.scalars(query)))
