"""Reading jobs, searching and listing action items for a principal (pages and API share these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minutes.db import action_items
from minutes.db.minutes_repo import ActionItemRow
from minutes.db.models import Meeting
from minutes.errors import NotFoundError
from minutes.web import access, audit
from minutes.web.access import Principal
from minutes.web.audit import Actor

JOBS_SCANNED = 500  # newest jobs looked at for a user's list
MINUTES_HITS = 10  # summaries and minute items shown above the transcript lines


def job_json(job: Any, visible_meetings: set[int]) -> dict[str, Any]:
    """A job as the jobs page and the API show it; a meeting the user cannot see is left out."""
    return {
        "id": job.id,
        "title": job.title or job.name,
        "status": job.status,
        "stage": job.stage,
        "progress": round(float(job.progress), 3),
        "meeting_id": job.meeting_id if job.meeting_id in visible_meetings else None,
        "error": job.error,
        "attempts": job.attempts,
        "team_id": job.team_id,
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def visible_jobs(
    session: Session, principal: Principal, *, ids: list[int] | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The newest jobs ``principal`` may see (``ids``: only these), as :func:`job_json` dicts."""
    from minutes.jobs import get_job, list_jobs

    if ids is not None:
        found = []
        for job_id in ids[:limit]:
            try:
                found.append(get_job(session, job_id))
            except NotFoundError:
                continue
    else:
        found = list_jobs(session, limit=JOBS_SCANNED)
    jobs = [j for j in found if access.can_see_job(principal, submitted_by=j.submitted_by, team_id=j.team_id)]
    jobs = jobs[:limit]
    meetings = access.filter_visible(session, principal, [j.meeting_id for j in jobs if j.meeting_id])
    return [job_json(j, meetings) for j in jobs]


def job_for(session: Session, principal: Principal, job_id: int) -> dict[str, Any]:
    """One job; hidden jobs are :class:`NotFoundError`, like missing ones."""
    found = visible_jobs(session, principal, ids=[job_id], limit=1)
    if not found:
        raise NotFoundError(f"no job with id {job_id}")
    return found[0]


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    hits: list[Any]
    minutes: list[Any]  # matching summaries and items (first page only)
    minutes_total: int
    capped: bool = False  # at least ``total`` lines match: the search stopped there


def search(
    session: Session,
    actor: Actor,
    query: str,
    *,
    speaker: str | None,
    date_from: date | None,
    date_to: date | None,
    limit: int,
    offset: int,
) -> SearchPage:
    """Search the transcripts (and, on the first page without a speaker filter, the minutes) of
    the meetings the actor may see; the database filters them."""
    from minutes.search import search as search_lines
    from minutes.search import search_minutes

    assert actor.principal is not None
    visible = access.visible_meeting_ids(actor.principal)
    lines = search_lines(
        session,
        query,
        meeting_ids=visible,
        speaker=speaker or None,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        offset=offset,
    )
    items = None
    if offset == 0 and not speaker:
        items = search_minutes(
            session, query, meeting_ids=visible, date_from=date_from, date_to=date_to, limit=MINUTES_HITS
        )
    audit.record(session, actor, "search", object_type="search", detail={"query": query, "hits": lines.total})
    return SearchPage(
        total=lines.total,
        hits=list(lines.hits),
        minutes=list(items.hits) if items else [],
        minutes_total=items.total if items else 0,
        capped=lines.capped,
    )


def hit_json(hit: Any) -> dict[str, Any]:
    return {
        "meeting_id": hit.meeting_id,
        "meeting_title": hit.meeting_title,
        "meeting_date": hit.meeting_date.isoformat() if hit.meeting_date else None,
        "utterance_index": hit.utterance_index,
        "start": hit.start,
        "end": hit.end,
        "speaker": hit.speaker,
        "text": hit.text,
        "snippet": [[text, bool(match)] for text, match in hit.snippet],
        "score": hit.score,
        "url": f"/meetings/{hit.meeting_id}?t={hit.start:.1f}#u-{hit.utterance_index}",
    }


def minutes_hit_json(hit: Any) -> dict[str, Any]:
    anchor = "#minutes" if hit.position is None else f"#item-{hit.position}"
    return {
        "meeting_id": hit.meeting_id,
        "meeting_title": hit.meeting_title,
        "meeting_date": hit.meeting_date.isoformat() if hit.meeting_date else None,
        "kind": hit.kind,
        "position": hit.position,
        "text": hit.text,
        "evidence": list(hit.evidence),
        "snippet": [[text, bool(match)] for text, match in hit.snippet],
        "score": hit.score,
        "url": f"/meetings/{hit.meeting_id}{anchor}",
    }


def actions(
    session: Session, principal: Principal, *, status: str | None, owner: str | None
) -> tuple[list[ActionItemRow], set[int]]:
    """Action items of the meetings ``principal`` may see, and the ids of those they may tick."""
    rows = action_items(
        session, owner=owner or None, status=status or None, meeting_ids=access.visible_meeting_ids(principal)
    )
    ids = sorted({r.meeting_id for r in rows})
    editable: set[int] = set()
    if ids:
        query = select(Meeting.id).where(Meeting.id.in_(ids), access.editable_clause(principal))
        editable = set(session.scalars(query))
    return rows, editable
