"""Speaking analytics a reader may see: one meeting's speakers, every named person, one person.

Each read takes the reader's ``visible_clause`` (``None``: the command line's operator, who sees
every meeting), so a person's figures, meetings and commitments only ever come from meetings the
reader may see (:mod:`minutes.db.people_stats`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from minutes import db as store
from minutes.accounts import access
from minutes.accounts.access import Principal
from minutes.analytics import SpeakerStats, meeting_stats
from minutes.db import people_stats
from minutes.db.people_stats import PersonFigures, PersonStats, TeamWeek
from minutes.errors import ConfigError


def _visible(principal: Principal | None) -> ColumnElement[bool]:
    return access.visible_clause(principal) if principal is not None else true()


def _team_id(session: Session, team: str | int | None) -> int | None:
    from minutes.accounts.users import get_team

    return get_team(session, team).id if team is not None and str(team).strip() else None


def meeting(session: Session, principal: Principal | None, meeting_id: int) -> tuple[SpeakerStats, ...]:
    """How each speaker of one meeting spoke; :class:`NotFoundError` if it is hidden from the reader."""
    if principal is not None:
        access.require_view(session, principal, meeting_id)
    doc = store.load_meeting(session, meeting_id=meeting_id, words=False)
    return meeting_stats(doc.utterances, doc.speakers)


def people(
    session: Session, principal: Principal | None, *, since: date | None = None, team: str | int | None = None
) -> list[PersonFigures]:
    """Every named person across the meetings the reader may see (``team`` narrows them)."""
    return people_stats.people_overview(
        session, _visible(principal), since=since, team_id=_team_id(session, team)
    )


def person(
    session: Session, principal: Principal | None, name: str, *, since: date | None = None
) -> PersonStats:
    """One person's meetings, commitments and weeks among the meetings the reader may see."""
    return people_stats.person_stats(session, _visible(principal), name, since=since)


def team(
    session: Session, principal: Principal | None, team: str | int, *, since: date | None = None
) -> tuple[TeamWeek, ...]:
    """One team's meetings the reader may see, week by week."""
    found = _team_id(session, team)
    if found is None:
        raise ConfigError("give a team's name or id")
    return people_stats.team_weeks(session, _visible(principal), found, since=since)
