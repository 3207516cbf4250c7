"""Who may see and change what: the one place every interface (web, API, command line) decides it.

Rules:

* an **admin** sees and edits every meeting, including meetings with no team;
* a **manager** of a team sees and edits that team's meetings, and uploads into that team;
* anyone sees (read-only) the meetings shared with them (``meeting_shares``); being a **member**
  of a team by itself shows nothing, a manager or admin shares what a member should read;
* a meeting with no team is seen by admins (and by users it is shared with) only;
* the command line acts as the **operator** (an :class:`Actor` without a principal, ``via="cli"``):
  whoever can run it already holds the database, so it may delete any meeting.

A meeting someone may not see does not exist for them: every refusal to read or write it is the
same :class:`~minutes.errors.NotFoundError` (HTTP 404) a missing id gives, so ids cannot be probed.
A meeting someone may see but not change gives :class:`Forbidden` (HTTP 403).
Lists and search take :func:`visible_meeting_ids`, a SQL select, so the database filters them;
the read queries in :mod:`minutes.db` take :func:`visible_clause` as their ``visible`` condition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from minutes.db.accounts import MeetingShare, Membership, Team, User
from minutes.db.tables import Meeting
from minutes.errors import Forbidden, NotFoundError


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user a request acts for, with what access depends on."""

    user_id: int
    username: str
    display_name: str | None
    is_admin: bool
    managed_teams: frozenset[int]
    member_teams: frozenset[int]

    @property
    def label(self) -> str:
        return self.display_name or self.username

    @property
    def can_upload(self) -> bool:
        return self.is_admin or bool(self.managed_teams)


@dataclass(frozen=True, slots=True)
class MeetingAccess:
    """What a principal may do with one meeting they can see."""

    meeting_id: int
    team_id: int | None
    can_edit: bool


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts and through what: ``via`` is ``web`` (browser), ``api`` (bearer token) or ``cli``."""

    principal: Principal | None
    ip: str | None
    via: str

    @property
    def is_operator(self) -> bool:
        """The command line without a signed-in user: whoever runs it holds the database."""
        return self.principal is None and self.via == "cli"


def require_principal(actor: Actor) -> Principal:
    """The signed-in user behind ``actor``, or :class:`Forbidden` (routes always have one)."""
    if actor.principal is None:
        raise Forbidden("sign in first")
    return actor.principal


def load_principal(session: Session, user: User) -> Principal:
    """The principal for a user, with their team roles (one query)."""
    roles = session.execute(select(Membership.team_id, Membership.role).where(Membership.user_id == user.id))
    managed: set[int] = set()
    member: set[int] = set()
    for team_id, role in roles:
        (managed if role == "manager" else member).add(team_id)
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        is_admin=user.is_admin,
        managed_teams=frozenset(managed),
        member_teams=frozenset(member),
    )


def _not_found(meeting_id: int) -> NotFoundError:
    # The same words whether the meeting is missing or hidden.
    return NotFoundError(f"no meeting with id {meeting_id}")


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """A condition on :class:`Meeting` rows: true for the meetings ``principal`` may see."""
    if principal.is_admin:
        return true()
    shared = select(MeetingShare.meeting_id).where(MeetingShare.user_id == principal.user_id)
    conditions: list[ColumnElement[bool]] = [Meeting.id.in_(shared)]
    if principal.managed_teams:
        conditions.append(Meeting.team_id.in_(sorted(principal.managed_teams)))
    return or_(*conditions)


def visible_meeting_ids(principal: Principal) -> Select[tuple[int]]:
    """``SELECT meetings.id`` of every meeting ``principal`` may see (for lists and search)."""
    return select(Meeting.id).where(visible_clause(principal))


def editable_clause(principal: Principal) -> ColumnElement[bool]:
    """A condition on :class:`Meeting` rows: true for the meetings ``principal`` may change."""
    if principal.is_admin:
        return true()
    if principal.managed_teams:
        return Meeting.team_id.in_(sorted(principal.managed_teams))
    return false()


def meeting_access(session: Session, principal: Principal, meeting_id: int) -> MeetingAccess:
    """What ``principal`` may do with a meeting; :class:`NotFoundError` if they may not see it."""
    query = select(Meeting.team_id, editable_clause(principal)).where(
        Meeting.id == meeting_id, visible_clause(principal)
    )
    row = session.execute(query).one_or_none()
    if row is None:
        raise _not_found(meeting_id)
    team_id, can_edit = row
    return MeetingAccess(meeting_id=meeting_id, team_id=team_id, can_edit=bool(can_edit))


def require_view(session: Session, principal: Principal, meeting_id: int) -> MeetingAccess:
    return meeting_access(session, principal, meeting_id)


def require_edit(session: Session, principal: Principal, meeting_id: int) -> MeetingAccess:
    """Access to change a meeting: 404 if hidden, :class:`Forbidden` if read-only for them."""
    access = meeting_access(session, principal, meeting_id)
    if not access.can_edit:
        raise Forbidden(
            f"you may read meeting {meeting_id} but not change it; a manager of its team or an admin can"
        )
    return access


def require_delete(session: Session, actor: Actor, meeting_id: int) -> None:
    """Whether ``actor`` may delete a meeting: whoever may change it, and the operator."""
    if not actor.is_operator:
        require_edit(session, require_principal(actor), meeting_id)


def require_voice_edit(session: Session, actor: Actor, meeting_id: int) -> None:
    """Whether ``actor`` may remember, confirm or reject a voice in a meeting: whoever may change
    the meeting, and the operator."""
    if not actor.is_operator:
        require_edit(session, require_principal(actor), meeting_id)


def require_people_admin(actor: Actor) -> None:
    """Listing, showing, exporting, merging and forgetting remembered voices (biometric data
    across every meeting): admins and the operator only."""
    if not actor.is_operator and not require_principal(actor).is_admin:
        raise Forbidden("only an admin can list, export, merge or forget remembered voices")


def require_upload(principal: Principal) -> None:
    """Only managers (into their teams) and admins upload recordings."""
    if not principal.can_upload:
        raise Forbidden("only managers and admins upload recordings; ask one of them")


def team_choices(session: Session, principal: Principal, *, for_edit: bool) -> list[Team]:
    """Teams to offer: all for admins; else those managed (``for_edit``) or belonged to."""
    query = select(Team).order_by(Team.name)
    if not principal.is_admin:
        ids = principal.managed_teams if for_edit else principal.managed_teams | principal.member_teams
        query = query.where(Team.id.in_(sorted(ids)))
    return list(session.scalars(query))


def require_team_for_edit(session: Session, principal: Principal, team_id: int | None) -> Team | None:
    """The team ``principal`` may put meetings in (upload, move); ``None`` is for admins only."""
    if team_id is None:
        if principal.is_admin:
            return None
        raise Forbidden("choose one of your teams; meetings without a team are for admins only")
    team = session.get(Team, team_id)
    if team is None or not (principal.is_admin or team_id in principal.managed_teams):
        raise Forbidden(f"you may not add meetings to team {team_id}; choose a team you manage")
    return team


class JobFacts(Protocol):
    """What job visibility depends on (a :class:`minutes.jobs.JobInfo` has it)."""

    @property
    def submitted_by(self) -> int | None: ...

    @property
    def team_id(self) -> int | None: ...

    @property
    def meeting_id(self) -> int | None: ...


_J = TypeVar("_J", bound=JobFacts)


def can_see_job(
    principal: Principal, *, submitted_by: Any, team_id: int | None, made_meeting: bool = False
) -> bool:
    """A job is seen by admins and by managers of its team; by whoever submitted it until it has
    made a meeting (from then on the meeting's team decides, see :func:`visible_jobs`)."""
    return (
        principal.is_admin
        or (not made_meeting and submitted_by in (principal.user_id, principal.username))
        or (team_id is not None and team_id in principal.managed_teams)
    )


def visible_jobs(session: Session, principal: Principal, jobs: Iterable[_J]) -> list[tuple[_J, int | None]]:
    """Of ``jobs``, those ``principal`` may see, each with the team it belongs to now (one query).

    A job that made a meeting belongs to the meeting's current team, so moving a meeting to
    another team takes its job along: the old team's managers (the submitter among them) no
    longer see it. A job without a meeting belongs to the team it was uploaded into.
    """
    jobs = list(jobs)
    made = sorted({j.meeting_id for j in jobs if j.meeting_id is not None})
    teams: dict[int, int | None] = {}
    if made:
        rows = session.execute(select(Meeting.id, Meeting.team_id).where(Meeting.id.in_(made)))
        teams = {meeting_id: team_id for meeting_id, team_id in rows}
    seen = []
    for job in jobs:
        has_meeting = job.meeting_id in teams
        team = teams[job.meeting_id] if job.meeting_id is not None and has_meeting else job.team_id
        if can_see_job(principal, submitted_by=job.submitted_by, team_id=team, made_meeting=has_meeting):
            seen.append((job, team))
    return seen


def filter_visible(session: Session, principal: Principal, meeting_ids: Iterable[int]) -> set[int]:
    """The subset of ``meeting_ids`` that ``principal`` may see (one query)."""
    wanted = sorted(set(meeting_ids))
    if not wanted:
        return set()
    query = select(Meeting.id).where(Meeting.id.in_(wanted), visible_clause(principal))
    return set(session.scalars(query))


def filter_editable(session: Session, principal: Principal, meeting_ids: Iterable[int]) -> set[int]:
    """The subset of ``meeting_ids`` that ``principal`` may change (one query)."""
    wanted = sorted(set(meeting_ids))
    if not wanted:
        return set()
    query = select(Meeting.id).where(Meeting.id.in_(wanted), editable_clause(principal))
    return set(session.scalars(query))
