"""What users read, each read checked by :mod:`minutes.accounts.access` (and audited where it counts).

A meeting's page, its exports and its recording; the meetings list; search; action items and
processing jobs across meetings. The SQL lives in :mod:`minutes.db` (:mod:`~minutes.db.catalog`,
:mod:`~minutes.db.meeting_view`, :mod:`~minutes.db.minutes_repo`); this module hands it the
visibility rules, so every interface filters the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import true
from sqlalchemy.orm import Session

from minutes import db as store
from minutes import export
from minutes.accounts import access, audit
from minutes.accounts.access import Actor, MeetingAccess, Principal
from minutes.db import catalog, meeting_view
from minutes.db.minutes_repo import ActionItemRow
from minutes.errors import ConfigError, NotFoundError
from minutes.types import MeetingDoc

if TYPE_CHECKING:
    from minutes.brief import Brief
    from minutes.jobs import JobInfo

EXPORT_TYPES: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "rttm": "text/plain; charset=utf-8",
}
JOBS_SCANNED = 500  # newest jobs looked at for a user's list
MINUTES_HITS = 10  # summaries and minute items shown above the transcript lines


# One meeting -------------------------------------------------------------------------------------


def view_meeting(session: Session, actor: Actor, meeting_id: int) -> MeetingAccess:
    """Check that the meeting may be seen and record that it was."""
    found = access.require_view(session, access.require_principal(actor), meeting_id)
    audit.record(session, actor, "view", object_type="meeting", object_id=meeting_id, meeting_id=meeting_id)
    return found


def meeting_page(session: Session, principal: Principal, meeting_id: int) -> meeting_view.MeetingView:
    """A meeting as its page shows it; :class:`NotFoundError` if ``principal`` may not see it."""
    return meeting_view.load_meeting_view(session, meeting_id, visible=access.visible_clause(principal))


def transcript(session: Session, actor: Actor, meeting_id: int, *, words: bool) -> list[dict[str, Any]]:
    """A meeting's transcript lines as the API's plain JSON objects, recorded as a view."""
    view_meeting(session, actor, meeting_id)
    return meeting_view.transcript_json(session, meeting_id, words=words)


@dataclass(frozen=True, slots=True)
class Exported:
    filename: str
    media_type: str
    text: str


def export_meeting(session: Session, actor: Actor, meeting_id: int, fmt: str) -> Exported:
    """A meeting rendered by :mod:`minutes.export` (Markdown, JSON, SRT, VTT, TXT, RTTM)."""
    access.require_view(session, access.require_principal(actor), meeting_id)
    name = fmt.strip().lower()
    if name not in EXPORT_TYPES:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_TYPES)}")
    doc: MeetingDoc = store.load_meeting(
        session, meeting_id=meeting_id, words=export.needs_words(name), turns=export.needs_turns(name)
    )
    audit.record(
        session,
        actor,
        "export",
        object_type="meeting",
        object_id=meeting_id,
        meeting_id=meeting_id,
        detail={"format": name},
    )
    from minutes.accounts.series import markdown_sections

    sections = markdown_sections(session, actor.principal, meeting_id) if name == "md" else ()
    return Exported(
        export.default_filename(doc, name), EXPORT_TYPES[name], export.render(doc, name, sections=sections)
    )


def media_file(session: Session, actor: Actor, meeting_id: int, *, record: bool) -> Path:
    """The recording file of a meeting the user may see; ``record`` adds an audit entry."""
    access.require_view(session, access.require_principal(actor), meeting_id)
    media_path = meeting_view.media_path(session, meeting_id)
    if not media_path or not Path(media_path).is_file():
        raise NotFoundError(f"the recording of meeting {meeting_id} is not on this server any more")
    if record:
        audit.record(
            session, actor, "media", object_type="meeting", object_id=meeting_id, meeting_id=meeting_id
        )
    return Path(media_path)


# Across meetings ---------------------------------------------------------------------------------


def list_meetings(
    session: Session, principal: Principal, q: catalog.MeetingQuery, *, limit: int, offset: int = 0
) -> catalog.MeetingList:
    """One page of the meetings ``principal`` may see, filtered and sorted by ``q``."""
    visible = access.visible_clause(principal)
    return catalog.find_meetings(session, q, visible=visible, limit=limit, offset=offset)


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

    visible = access.visible_meeting_ids(access.require_principal(actor))
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


def actions(
    session: Session,
    principal: Principal | None,
    *,
    status: str | None,
    owner: str | None,
    today: date | None = None,
) -> tuple[list[ActionItemRow], set[int]]:
    """Action items of the meetings ``principal`` may see (``None``: the command line's operator,
    who sees and may tick every one), and the ids of those they may tick. An item of a series
    stands as its commitment does in the ledger the reader may see (:mod:`minutes.ledger.items`)."""
    from minutes.accounts.series import commitments
    from minutes.ledger.items import item_states

    today = today or date.today()
    states = item_states(commitments(session, principal, today=today))
    rows = store.action_items(
        session,
        owner=owner or None,
        status=status or None,
        today=today,
        meeting_ids=access.visible_meeting_ids(principal) if principal is not None else None,
        states=states,
    )
    if principal is None:
        return rows, {r.meeting_id for r in rows}
    return rows, access.filter_editable(session, principal, (r.meeting_id for r in rows))


def brief(
    session: Session,
    principal: Principal | None,
    *,
    since: date,
    today: date,
    team: str | int | None = None,
    person: str | None = None,
) -> Brief:
    """The brief of the meetings ``principal`` may see from ``since`` to ``today`` (``None``: the
    command line's operator, who sees every meeting); ``team`` (name or id) and ``person`` narrow it.

    A team the reader may not see into gives an empty brief, not an error: it is only a filter.
    """
    from minutes.accounts.users import get_team
    from minutes.brief import OVERDUE_SHOWN, SOON_DAYS, build_brief
    from minutes.db.brief_rows import BriefScope, load_brief_rows

    if since > today:
        raise ConfigError(
            f"since {since.isoformat()} is after today ({today.isoformat()}); give an earlier day"
        )
    from minutes.accounts.series import commitments, followups

    found = get_team(session, team) if team is not None and str(team).strip() else None
    scope = BriefScope(
        visible=access.visible_clause(principal) if principal is not None else true(),
        since=since,
        until=today,
        today=today,
        team_id=found.id if found is not None else None,
        person=person,
        soon_days=SOON_DAYS,
        overdue_limit=OVERDUE_SHOWN,
        commitments=commitments(session, principal, today=today),
    )
    rows = load_brief_rows(session, scope)

    return build_brief(
        rows.meetings,
        rows.items,
        rows.open_dated,
        since=since,
        today=today,
        team=found.name if found is not None else None,
        person=person.strip() if person and person.strip() else None,
        overdue_total=rows.overdue_total,
        followups=followups(
            session, principal, [m.id for m in rows.meetings], since=since, until=today, person=person
        ),
    )


def visible_jobs(
    session: Session, principal: Principal, *, ids: list[int] | None = None, limit: int = 100
) -> list[JobInfo]:
    """The newest jobs ``principal`` may see (``ids``: only these), each with the team it belongs
    to now (its meeting's, see :func:`access.visible_jobs`); a job's meeting they may not see is
    left out (``meeting_id`` is ``None``)."""
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
    jobs = [replace(j, team_id=team) for j, team in access.visible_jobs(session, principal, found)][:limit]
    meetings = access.filter_visible(session, principal, [j.meeting_id for j in jobs if j.meeting_id])
    return [j if j.meeting_id in meetings else replace(j, meeting_id=None) for j in jobs]


def job_for(session: Session, principal: Principal, job_id: int) -> JobInfo:
    """One job; hidden jobs are :class:`NotFoundError`, like missing ones."""
    found = visible_jobs(session, principal, ids=[job_id], limit=1)
    if not found:
        raise NotFoundError(f"no job with id {job_id}")
    return found[0]
