"""What the MCP tools do, as plain functions: one user's archive, one audited domain call per tool.

:class:`Archive` holds the database and the API token the server acts with. Every call opens
one unit of work, finds the token's user again (:func:`minutes.accounts.signin.find_token_user`,
so a token revoked or a user disabled while the server runs stops at once) and calls
:mod:`minutes.accounts.reads`, which applies the access rules and writes the audit log. Results
are plain JSON-ready dicts in which every line is cited the same way: ``meeting_id`` and
``utterance``, the 0-based position of the line in that meeting's JSON export (``get_meeting``).

Errors are :class:`~minutes.errors.MinutesError` subclasses: a meeting the user may not see is
the same :class:`~minutes.errors.NotFoundError` as a missing one; a refused token is
:class:`~minutes.errors.LoginRequired`. The server turns them into tool errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from minutes.accounts import reads, signin
from minutes.accounts.access import Actor, load_principal
from minutes.db import session_scope
from minutes.db.catalog import MeetingQuery
from minutes.errors import LoginRequired

if TYPE_CHECKING:
    from minutes.brief import Brief

VIA = "mcp"
"""How the audit log names this interface (``audit_log.via``)."""

BAD_TOKEN = (
    "the API token is not valid (unknown, revoked or its user is disabled); make a new one on the"
    " web app's tokens page (/account/tokens, or `minutes users token NAME`) and give it to"
    " `minutes mcp` in MINUTES_TOKEN or --token-file"
)

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Archive:
    """The archive as one user sees it: the database and that user's API token."""

    sessions: sessionmaker[Session]
    token: str = ""

    def __repr__(self) -> str:  # the token never reaches a log line
        return "Archive(sessions=..., token=<hidden>)"

    @contextmanager
    def acting(self) -> Iterator[tuple[Session, Actor]]:
        """One unit of work and the token's user as its actor; :class:`LoginRequired` if refused."""
        with session_scope(self.sessions) as session:
            user = signin.find_token_user(session, self.token) if self.token else None
            if user is None:
                raise LoginRequired(BAD_TOKEN, bearer=True)
            yield session, Actor(principal=load_principal(session, user), ip=None, via=VIA)

    def run(self, work: Callable[[Session, Actor], _T]) -> _T:
        with self.acting() as (session, actor):
            return work(session, actor)


def whoami(archive: Archive) -> dict[str, Any]:
    """Who the server acts as (checks the token)."""

    def work(session: Session, actor: Actor) -> dict[str, Any]:
        p = actor.principal
        assert p is not None
        return {
            "user_id": p.user_id,
            "username": p.username,
            "display_name": p.display_name,
            "is_admin": p.is_admin,
            "managed_teams": sorted(p.managed_teams),
            "member_teams": sorted(p.member_teams),
        }

    return archive.run(work)


def search(
    archive: Archive,
    query: str,
    *,
    speaker: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    """Full-text search over the transcripts (and, on a first page without ``speaker``, the
    minutes) of the meetings the user may see, as ``minutes search`` and ``GET /api/v1/search``."""

    def work(session: Session, actor: Actor) -> reads.SearchPage:
        return reads.search(
            session,
            actor,
            query,
            speaker=speaker,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )

    found = archive.run(work)
    return {
        "query": query,
        "total": found.total,
        "total_capped": found.capped,
        "offset": offset,
        "hits": [_line_hit(h) for h in found.hits],
        "minutes_total": found.minutes_total,
        "minutes": [_minutes_hit(h) for h in found.minutes],
    }


def _line_hit(hit: Any) -> dict[str, Any]:
    return {
        "meeting_id": hit.meeting_id,
        "meeting_title": hit.meeting_title,
        "meeting_date": hit.meeting_date.isoformat(),
        "utterance": hit.utterance_index,
        "start": hit.start,
        "end": hit.end,
        "speaker": hit.speaker,
        "text": hit.text,
    }


def _minutes_hit(hit: Any) -> dict[str, Any]:
    return {
        "meeting_id": hit.meeting_id,
        "meeting_title": hit.meeting_title,
        "meeting_date": hit.meeting_date.isoformat(),
        "kind": hit.kind,
        "position": hit.position,
        "text": hit.text,
        "evidence": list(hit.evidence),
    }


def list_meetings(
    archive: Archive,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    team_id: int | None = None,
    person: str | None = None,
    title: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """The meetings the user may see, newest first, as the meetings page and ``GET /api/v1/meetings``."""
    query = MeetingQuery(date_from=date_from, date_to=date_to, team_id=team_id, person=person, text=title)

    def work(session: Session, actor: Actor) -> dict[str, Any]:
        assert actor.principal is not None
        found = reads.list_meetings(session, actor.principal, query, limit=limit, offset=offset)
        return {
            "total": found.total,
            "limit": limit,
            "offset": offset,
            "meetings": [r.to_json() for r in found.rows],
        }

    return archive.run(work)


def get_meeting(archive: Archive, meeting_id: int, *, words: bool = False) -> dict[str, Any]:
    """One meeting as its JSON export (``minutes export --format json``): facts, speakers, the
    transcript (``utterances``, each with its ``index``) and the minutes (items cite ``evidence``
    utterance indexes). Word timings only with ``words``; recorded in the audit log."""

    def work(session: Session, actor: Actor) -> reads.Exported:
        return reads.export_meeting(session, actor, meeting_id, "json")

    doc: dict[str, Any] = json.loads(archive.run(work).text)
    if not words:
        for line in doc.get("utterances", []):
            line.pop("words", None)
    return doc


def list_action_items(
    archive: Archive, *, status: str | None = None, owner: str | None = None
) -> dict[str, Any]:
    """Action items of the meetings the user may see, by due date, as ``minutes actions``;
    ``status`` is open, done or overdue, ``owner`` a speaker's name or label."""

    def work(session: Session, actor: Actor) -> dict[str, Any]:
        assert actor.principal is not None
        rows, editable = reads.actions(session, actor.principal, status=status, owner=owner)
        return {
            "total": len(rows),
            "items": [
                {
                    "meeting_id": r.meeting_id,
                    "meeting_title": r.meeting_title,
                    "position": r.position,
                    "text": r.text,
                    "owner": r.owner,
                    "owner_name": r.owner_name,
                    "due": r.due,
                    "done": r.done,
                    "status": r.status,
                    "supported": r.supported,
                    "evidence": list(r.evidence),
                    "can_edit": r.meeting_id in editable,
                }
                for r in rows
            ],
        }

    return archive.run(work)


def ledger(
    archive: Archive,
    *,
    series: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Commitments of the series the user may see, as ``minutes ledger --json``: owner, text,
    status, due, slips and their history, each step at a meeting's line."""
    from minutes.accounts import series as series_reads
    from minutes.ledger.render import ledger_dicts

    day = today or date.today()

    def work(session: Session, actor: Actor) -> list[dict[str, Any]]:
        rows, lines = series_reads.ledger(
            session, actor.principal, today=day, series_name=series, owner=owner, status=status
        )
        return ledger_dicts(rows, lines)

    return archive.run(work)


def brief(
    archive: Archive,
    *,
    since: str = "7d",
    team: str | None = None,
    person: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The brief of the meetings the user may see from ``since`` (``7d``, ``2w`` or a day) to
    ``today`` (``None``: this machine's date): the JSON of ``minutes brief --format json`` and
    ``GET /api/v1/brief`` (schema ``minutes.brief/1``); ``team`` (name or id) and ``person`` narrow it."""
    from minutes.brief import parse_since, to_dict

    day = today or date.today()

    def work(session: Session, actor: Actor) -> Brief:
        assert actor.principal is not None
        start = parse_since(since, today=day)
        return reads.brief(session, actor.principal, since=start, today=day, team=team, person=person)

    return to_dict(archive.run(work))
