"""``minutes index``: the passages of stored meetings embedded (the index stage, run outside a pipeline)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from minutes.db.engine import session_scope
from minutes.db.meeting_store import SqlMeetingStore
from minutes.db.tables import Meeting
from minutes.embeddings import Embedder
from minutes.errors import MinutesError, NotFoundError
from minutes.pipeline.index_stage import index_meeting

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IndexReport:
    """Meetings embedded now, already up to date, and failed (id → message)."""

    ran: tuple[int, ...] = ()
    cached: tuple[int, ...] = ()
    failed: dict[int, str] = field(default_factory=dict)


def index_meetings(
    sessions: sessionmaker[Session],
    embedder: Embedder,
    *,
    meeting_ids: Sequence[int] = (),
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> IndexReport:
    """Embed the passages of every finished meeting (or of ``meeting_ids``) whose index is missing or
    stale; ``rebuild`` embeds them all again. One meeting's failure does not stop the others."""
    with session_scope(sessions) as session:
        query = select(Meeting.id).where(Meeting.status == "done").order_by(Meeting.id)
        if meeting_ids:
            query = query.where(Meeting.id.in_(sorted(set(meeting_ids))))
        ids = list(session.scalars(query))
    missing = sorted(set(meeting_ids) - set(ids))
    if missing:
        raise NotFoundError(f"no finished meeting with id {missing[0]}; `minutes list` shows them")
    store = SqlMeetingStore(sessions)
    ran: list[int] = []
    cached: list[int] = []
    failed: dict[int, str] = {}
    for n, meeting_id in enumerate(ids):
        try:
            how = index_meeting(store, meeting_id=meeting_id, embedder=embedder, force=rebuild)
        except MinutesError as exc:
            failed[meeting_id] = str(exc)
        except Exception as exc:  # a vendor library failed on this meeting's text
            log.debug("indexing meeting %s failed", meeting_id, exc_info=True)
            failed[meeting_id] = f"{type(exc).__name__}: {exc}"
        else:
            (ran if how == "ran" else cached).append(meeting_id)
        if progress:
            progress(n + 1, len(ids))
    return IndexReport(tuple(ran), tuple(cached), failed)
