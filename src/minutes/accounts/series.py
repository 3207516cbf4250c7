"""Meeting series and the commitment ledger, each read or change checked by
:mod:`minutes.accounts.access` and each change audited.

Whoever may change a meeting may put it in a series (creating the series when named for the first
time) and confirm or reject the links into it; everyone reads series, ledgers and "since last
time" built only from the meetings they may see (``principal`` ``None``: the command line's
operator, who sees every meeting). Nothing commits here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from minutes.accounts import access, audit
from minutes.accounts.access import Actor, Principal
from minutes.brief.model import FollowUp, series_followups
from minutes.db import ledger_rows, series
from minutes.db.ledger_rows import CitedLine
from minutes.db.series_tables import SeriesMeetingRow, SeriesRow
from minutes.db.tables import Meeting
from minutes.errors import ConfigError, Forbidden, NotFoundError
from minutes.ledger.model import COMMITMENT_LINKS, STATUSES, Commitment, Ledger, LedgerEntry, build_ledger
from minutes.ledger.since import SinceLast, since_last_time


@dataclass(frozen=True, slots=True)
class MeetingRef:
    id: int
    title: str
    date: date | None


@dataclass(frozen=True, slots=True)
class SeriesLedger:
    """A series as its reader may see it: meetings in order, the ledger, and the lines it cites."""

    id: int
    name: str
    meetings: tuple[MeetingRef, ...]
    ledger: Ledger
    lines: dict[tuple[int, int], CitedLine]


def _visible(principal: Principal | None) -> ColumnElement[bool]:
    return access.visible_clause(principal) if principal is not None else true()


def _who(actor: Actor) -> str:
    return actor.principal.username if actor.principal else "operator"


def _require_edit(session: Session, actor: Actor, meeting_id: int) -> None:
    if not actor.is_operator:
        access.require_edit(session, access.require_principal(actor), meeting_id)


def list_series(session: Session, principal: Principal | None) -> list[series.SeriesInfo]:
    return series.list_series(session, _visible(principal))


def find(session: Session, principal: Principal | None, name_or_id: str | int) -> SeriesRow:
    """A series the reader may see a meeting of; hidden ones are not found, as meetings are."""
    row = series.get_series(session, name_or_id)
    if principal is not None and not series.series_meeting_ids(session, row.id, _visible(principal)):
        raise NotFoundError(f"no series {str(name_or_id)!r}; `minutes series list` shows them")
    return row


def set_series(session: Session, actor: Actor, meeting_id: int, name: str | None) -> SeriesRow | None:
    """Put a meeting in the series ``name`` (made, in the meeting's team, when there is none yet),
    or take it out of its series (``None``); its ledger is linked again."""
    _require_edit(session, actor, meeting_id)
    target = None
    if name is not None:
        team_id = session.scalar(select(Meeting.team_id).where(Meeting.id == meeting_id))
        target = series.ensure_series(session, name, team_id=team_id, by=_who(actor))
    series.set_series(session, meeting_id, target, by=_who(actor))
    audit.record(
        session,
        actor,
        "series_set",
        object_type="meeting",
        object_id=meeting_id,
        meeting_id=meeting_id,
        detail={"series": target.name if target else None},
    )
    return target


def delete(session: Session, actor: Actor, name_or_id: str | int) -> str:
    """Remove a series and its links (its meetings stay, in no series): admins and the operator,
    since a series may span teams. Returns its name."""
    if not actor.is_operator and not access.require_principal(actor).is_admin:
        raise Forbidden("only an admin can delete a series; its meetings can be taken out one by one")
    row = series.get_series(session, name_or_id)
    name = row.name
    series.delete_series(session, row)
    audit.record(session, actor, "series_delete", object_type="series", object_id=name, detail={"name": name})
    return name


def suggest(
    session: Session, principal: Principal | None, meeting_id: int, *, checked: bool = False
) -> list[series.SeriesSuggestion]:
    """Series a meeting probably belongs to (only series the reader may see a meeting of);
    ``checked``: the caller already made sure the reader may see the meeting."""
    if principal is not None and not checked:
        access.require_view(session, principal, meeting_id)
    found = series.suggest_series(session, meeting_id)
    if principal is None or not found:
        return found
    seen = set(
        session.scalars(
            select(SeriesMeetingRow.series_id)
            .join(Meeting, Meeting.id == SeriesMeetingRow.meeting_id)
            .where(SeriesMeetingRow.series_id.in_([s.series_id for s in found]), _visible(principal))
        )
    )
    return [s for s in found if s.series_id in seen]


def series_ledger(
    session: Session, principal: Principal | None, row: SeriesRow, *, today: date, owner: str | None = None
) -> SeriesLedger:
    """The ledger of one series from the meetings the reader may see, with the lines it cites."""
    return _ledgers(session, principal, [row], today=today, owner=owner)[0]


def _ledgers(
    session: Session,
    principal: Principal | None,
    rows: Sequence[SeriesRow],
    *,
    today: date,
    owner: str | None = None,
    commitments_only: bool = False,
    cited: bool = True,
) -> list[SeriesLedger]:
    """The ledgers of several series, loaded together (a fixed number of queries);
    ``commitments_only`` leaves decisions and questions out; ``cited=False`` skips the lines the
    events cite (``SeriesLedger.lines`` left empty)."""
    ids = [r.id for r in rows]
    kinds = ("action",) if commitments_only else None
    meetings = ledger_rows.load_many(session, ids, visible=_visible(principal), lines=False, kinds=kinds)
    links = ledger_rows.links_of(session, ids, kinds=sorted(COMMITMENT_LINKS) if commitments_only else None)
    built = {
        r.id: build_ledger(meetings.get(r.id, []), links.get(r.id, []), today=today, owner=owner)
        for r in rows
    }
    wanted = {
        (e.meeting_id, e.lines[0])
        for ledger in built.values()
        for group in (ledger.commitments, ledger.decisions, ledger.questions)
        for thread in group
        for e in (*thread.history, *thread.suggestions)
        if e.lines and e.lines[0] >= 0
    }
    lines = ledger_rows.cited_lines(session, wanted) if cited else {}
    out = []
    for r in rows:
        refs = sorted(
            (MeetingRef(m.meeting_id, m.title, m.meeting_date) for m in meetings.get(r.id, [])),
            key=lambda m: (m.date or date.min, m.id),
        )
        out.append(SeriesLedger(r.id, r.name, tuple(refs), built[r.id], lines))
    return out


def commitments(session: Session, principal: Principal | None, *, today: date) -> list[Commitment]:
    """Every commitment of every series the reader may see, without the lines it cites (the brief's
    overdue and due-soon lists follow them)."""
    rows = _series_rows(session, principal)
    views = _ledgers(session, principal, rows, today=today, commitments_only=True, cited=False)
    return [c for view in views for c in view.ledger.commitments]


FOLLOW_UPS = ("restated", "redated", "done", "dropped")
"""The events of a commitment that say what became of it after it was promised."""


def followed_lines(
    session: Session, principal: Principal | None, meeting_ids: Sequence[int]
) -> dict[tuple[int, int], list[tuple[int, int, bool]]]:
    """(meeting, line) of each commitment promised in ``meeting_ids`` → the (meeting, line, sure) of
    each later meeting the reader may see that says what became of it, in order: the ledger's events
    (``sure``: acted on), and the links it suggests but no one has confirmed (their lines are shown,
    not believed: what is said of them is still checked against them). Ask shows them beside the
    promise: "did Tom fix the leak?" is answered where the promise was made and where it was closed,
    in whatever words that was said."""
    wanted = set(meeting_ids)
    rows = _series_of(session, meeting_ids)
    out: dict[tuple[int, int], list[tuple[int, int, bool]]] = {}
    for view in _ledgers(session, principal, rows, today=date.today(), commitments_only=True, cited=False):
        for c in view.ledger.commitments:
            promise = c.history[0]
            said = sorted(
                (
                    (e, sure)
                    for events, sure in ((c.history[1:], True), (c.suggestions, False))
                    for e in events
                    if e.kind in FOLLOW_UPS and e.lines
                ),
                key=lambda es: (es[0].meeting_date or date.min, es[0].meeting_id, es[0].lines[0]),
            )
            later: dict[tuple[int, int], bool] = {}
            for e, sure in said:
                key = (e.meeting_id, e.lines[0])
                later[key] = later.get(key, False) or sure
            if promise.meeting_id in wanted and promise.lines and later:
                out[(promise.meeting_id, promise.lines[0])] = [(m, n, sure) for (m, n), sure in later.items()]
    return out


def _series_of(session: Session, meeting_ids: Sequence[int]) -> list[SeriesRow]:
    """The series the meetings ``meeting_ids`` belong to, by id."""
    ids = select(SeriesMeetingRow.series_id).where(SeriesMeetingRow.meeting_id.in_(sorted(set(meeting_ids))))
    return list(session.scalars(select(SeriesRow).where(SeriesRow.id.in_(ids)).order_by(SeriesRow.id)))


def _series_rows(session: Session, principal: Principal | None) -> list[SeriesRow]:
    listed = [s.id for s in list_series(session, principal)]
    return list(session.scalars(select(SeriesRow).where(SeriesRow.id.in_(listed)))) if listed else []


def ledger(
    session: Session,
    principal: Principal | None,
    *,
    today: date,
    series_name: str | None = None,
    owner: str | None = None,
    status: str | None = None,
) -> tuple[list[LedgerEntry], dict[tuple[int, int], CitedLine]]:
    """Commitments of every series (or one) the reader may see, filtered by owner and status."""
    if status is not None and status not in STATUSES:
        raise ConfigError(f"unknown commitment status {status!r}; choose one of: {', '.join(STATUSES)}")
    rows = [find(session, principal, series_name)] if series_name else _series_rows(session, principal)
    out: list[LedgerEntry] = []
    lines: dict[tuple[int, int], CitedLine] = {}
    for view in _ledgers(session, principal, rows, today=today, owner=owner, commitments_only=True):
        lines.update(view.lines)
        out.extend(
            LedgerEntry(view.id, view.name, c)
            for c in view.ledger.commitments
            if status is None or c.status == status
        )
    out.sort(
        key=lambda e: (
            e.commitment.due or date.max,
            e.series,
            e.commitment.history[0].meeting_date or date.min,
        )
    )
    return out, lines


def since_last(
    session: Session, principal: Principal | None, meeting_id: int, *, today: date, checked: bool = False
) -> tuple[SeriesLedger, SinceLast] | None:
    """What a meeting changed against the ones before it in its series (``None``: in no series);
    ``checked``: the caller already made sure the reader may see the meeting."""
    if principal is not None and not checked:
        access.require_view(session, principal, meeting_id)
    row = series.series_of(session, meeting_id)
    if row is None:
        return None
    view = series_ledger(session, principal, row, today=today)
    return view, _since(view, meeting_id)


def _since(view: SeriesLedger, meeting_id: int) -> SinceLast:
    """What a meeting of ``view`` changed against the ones before it."""
    return since_last_time(view.ledger, [(m.id, m.title, m.date) for m in view.meetings], meeting_id)


def followups(
    session: Session,
    principal: Principal | None,
    meeting_ids: Sequence[int],
    *,
    since: date,
    until: date,
    person: str | None = None,
) -> list[FollowUp]:
    """What the meetings ``meeting_ids`` (a brief's window, already the reader's) did to earlier
    commitments and decisions of their series, for the brief."""
    if not meeting_ids:
        return []
    out: list[FollowUp] = []
    for view in _ledgers(session, principal, _series_of(session, meeting_ids), today=until):
        meetings = {m.id: (m.title, m.date) for m in view.meetings}
        starts = {key: line.start for key, line in view.lines.items()}
        out += series_followups(
            view.name, view.ledger, meetings, starts, since=since, until=until, person=person
        )
    return out


def markdown_sections(session: Session, principal: Principal | None, meeting_id: int) -> tuple[str, ...]:
    """The "Since last time" section of a meeting's Markdown export (none outside a series)."""
    from minutes.ledger.render import since_markdown

    found = since_last(session, principal, meeting_id, today=date.today())
    text = since_markdown(found[1]) if found else ""
    return (text,) if text else ()


def series_view(
    session: Session,
    principal: Principal | None,
    name_or_id: str | int,
    *,
    today: date,
    owner: str | None = None,
) -> tuple[SeriesLedger, SinceLast | None]:
    """A series as its reader may see it, and what its last meeting changed (``None``: no meeting)."""
    view = series_ledger(session, principal, find(session, principal, name_or_id), today=today, owner=owner)
    return view, _since(view, view.meetings[-1].id) if view.meetings else None


def decide_link(session: Session, actor: Actor, link_id: int, *, accept: bool) -> None:
    """Confirm or reject a link: whoever may change the later meeting."""
    row = ledger_rows.get_link(session, link_id)
    if actor.principal is not None and not access.filter_visible(
        session, actor.principal, [row.to_meeting_id]
    ):
        raise NotFoundError(f"no ledger link {link_id}; `minutes ledger --json` lists links with their ids")
    _require_edit(session, actor, row.to_meeting_id)
    ledger_rows.decide_link(session, row, accept=accept, by=_who(actor))
    audit.record(
        session,
        actor,
        "ledger_confirmed" if accept else "ledger_rejected",
        object_type="ledger_link",
        object_id=link_id,
        meeting_id=row.to_meeting_id,
        detail={"kind": row.kind, "from_meeting": row.from_meeting_id, "from_line": row.from_line},
    )
