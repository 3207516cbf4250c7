"""Minutes in the store: save (keeping done ticks), tick action items, list them across meetings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from minutes.db.kept_edits import carry_done_ticks
from minutes.db.ledger_rows import relink_meeting
from minutes.db.repo import _insert_rows, _model_to_json, _touch, _upsert, meeting_row
from minutes.db.tables import (
    MINUTE_KINDS,
    ChapterRow,
    Meeting,
    MinuteItemRow,
    MinutesRow,
    SpeakerRow,
    utcnow,
)
from minutes.errors import ConfigError, NotFoundError
from minutes.ledger.items import CLOSED, ItemState, minuted_status
from minutes.types import Carried, MinuteItem, Minutes

ACTION_STATUSES: tuple[str, ...] = ("open", "done", "overdue")
"""What ``minutes actions --status`` filters by: ``open`` is every item not done or dropped."""


@dataclass(frozen=True, slots=True)
class ActionItemRow:
    """One action item in the list across meetings.

    ``owner`` is the speaker label, ``owner_name`` the name a person gave it (else the label);
    ``due`` is an ISO date. ``position`` is the item's place in its meeting's minutes, as
    :func:`set_item_done` takes it; ``evidence`` the ``utterance_index`` values of the lines it cites.
    ``status`` is ``open``, ``done`` or ``overdue`` from the item's own tick and date; for an item
    of a series, its commitment's in the ledger (also ``dropped`` or ``slipped``), and ``due`` the
    commitment's date now (:mod:`minutes.ledger.items`).
    """

    meeting_id: int
    meeting_title: str
    position: int
    text: str
    owner: str | None
    owner_name: str | None
    due: str | None
    done: bool
    supported: bool
    evidence: tuple[int, ...] = ()
    status: str = "open"


# Recordings ------------------------------------------------------------------------------------


def save_minutes(session: Session, *, meeting_id: int, minutes: Minutes) -> Carried:
    """Store a meeting's minutes, replacing its earlier summary, items and chapters.

    Items get positions 0, 1, ... in the order of ``minutes.items``. An action item that survives
    a re-summarize (same owner and text, ignoring case and spacing) stays done if it was ticked
    off: that was a person's work, which a new summary must not undo. A tick that fits no new item
    is kept and listed (:func:`minutes.db.kept_edits.carry_done_ticks`); returns how many were
    carried and how many not. A meeting of a series has its series' ledger linked again.
    Raises :class:`~minutes.errors.ConfigError` for an unknown item kind and ``ValueError`` for a
    ``due`` that is not an ISO date, before anything is written.
    """
    meeting = meeting_row(session, meeting_id)
    dues = [_check_item(n, item) for n, item in enumerate(minutes.items)]
    now = utcnow()
    values = {
        "summary": minutes.summary,
        "language": minutes.language,
        "model": _model_to_json(minutes.model) if minutes.model else None,
        "prompt_version": minutes.prompt_version,
        "options": dict(minutes.options),
        "updated_at": now,
    }
    # Upsert first: on PostgreSQL its row lock makes a concurrent save of the same meeting wait
    # here, so the done states read next are the committed ones.
    _upsert(
        session, MinutesRow, keys={"meeting_id": meeting_id}, values=values, insert_only={"created_at": now}
    )
    stale = session.identity_map.get(session.identity_key(MinutesRow, (meeting_id,)))
    if stale is not None:
        session.expire(stale)
    done_at, carried = carry_done_ticks(session, meeting_id=meeting_id, items=minutes.items)

    session.execute(delete(MinuteItemRow).where(MinuteItemRow.meeting_id == meeting_id))
    session.execute(delete(ChapterRow).where(ChapterRow.meeting_id == meeting_id))
    session.expire(meeting, ["minutes", "minute_items", "chapters"])

    item_rows = []
    for position, (item, due) in enumerate(zip(minutes.items, dues, strict=True)):
        kept = done_at.get(position)
        done = item.done or kept is not None
        item_rows.append(
            {
                "meeting_id": meeting_id,
                "position": position,
                "kind": item.kind,
                "text": item.text,
                "evidence": [int(i) for i in item.evidence],
                "supported": bool(item.supported),
                "owner": item.owner,
                "due": due,
                "due_text": item.due_text,
                "done": done,
                "done_at": kept or (now if done else None),
                "created_at": now,
                "updated_at": now,
            }
        )
    chapter_rows = [
        {
            "meeting_id": meeting_id,
            "position": position,
            "start": float(c.start),
            "end": float(c.end),
            "title": c.title,
            "evidence": [int(i) for i in c.evidence],
        }
        for position, c in enumerate(minutes.chapters)
    ]
    _insert_rows(session, meeting, (MinuteItemRow, item_rows), (ChapterRow, chapter_rows))
    relink_meeting(session, meeting_id)
    return carried


def _check_item(position: int, item: MinuteItem) -> date | None:
    """Validate one item; returns its due date."""
    if item.kind not in MINUTE_KINDS:
        raise ConfigError(
            f"minute item {position} has unknown kind {item.kind!r}; choose one of: {', '.join(MINUTE_KINDS)}"
        )
    if item.due is None:
        return None
    try:
        return date.fromisoformat(item.due)
    except ValueError:
        raise ValueError(
            f"minute item {position} has due {item.due!r}, which is not an ISO date (YYYY-MM-DD)"
        ) from None


def set_item_done(session: Session, *, meeting_id: int, position: int, done: bool) -> None:
    """Tick an action item off (or back on); ``position`` is its index in ``Minutes.items``.

    Raises :class:`~minutes.errors.NotFoundError` for a missing meeting or item and
    :class:`~minutes.errors.ConfigError` for an item that is not an action item; both list the
    positions of the meeting's action items.
    """
    meeting = meeting_row(session, meeting_id)
    query = select(MinuteItemRow).where(MinuteItemRow.meeting_id == meeting_id)
    rows = list(session.scalars(query.order_by(MinuteItemRow.position)))
    actions = ", ".join(str(r.position) for r in rows if r.kind == "action")
    if not actions:
        actions = "none (it has no action items)" if rows else "none (it has no minutes yet)"
    row = next((r for r in rows if r.position == position), None)
    if row is None:
        raise NotFoundError(
            f"meeting {meeting_id} has no minute item at position {position}; "
            f"its action items are at positions: {actions}"
        )
    if row.kind != "action":
        raise ConfigError(
            f"item {position} of meeting {meeting_id} is a {row.kind}, not an action item, so it cannot "
            f"be done; its action items are at positions: {actions}"
        )
    if row.done != done:
        row.done = done
        row.done_at = utcnow() if done else None
        _touch(meeting)
    session.flush()


def action_items(
    session: Session,
    *,
    owner: str | None = None,
    status: str | None = None,
    today: date | None = None,
    meeting_ids: Select[tuple[int]] | None = None,
    states: Mapping[tuple[int, int], ItemState] | None = None,
) -> list[ActionItemRow]:
    """Action items across all meetings, by due date (undated last), then meeting and position.

    ``owner`` matches a speaker label exactly or a speaker's name ignoring case. ``status`` is
    ``open`` (not done or dropped), ``done`` or ``overdue`` (not done and due before ``today``,
    which defaults to the local date); ``None`` gives all. ``meeting_ids`` (a select of meeting
    ids) limits the items to those meetings. ``states`` (:func:`minutes.ledger.items.item_states`)
    gives the items of a series their commitment's status and due date, and the filter reads them.
    """
    if status is not None and status not in ACTION_STATUSES:
        raise ConfigError(
            f"unknown action item status {status!r}; choose one of: {', '.join(ACTION_STATUSES)}"
        )
    today = today or date.today()
    item = MinuteItemRow
    query = (
        select(
            item.meeting_id,
            Meeting.title,
            item.position,
            item.text,
            item.owner,
            SpeakerRow.name,
            item.due,
            item.done,
            item.supported,
            item.evidence,
        )
        .join(Meeting, Meeting.id == item.meeting_id)
        .outerjoin(SpeakerRow, (SpeakerRow.meeting_id == item.meeting_id) & (SpeakerRow.label == item.owner))
        .where(item.kind == "action")
        .order_by(item.due.is_(None), item.due, item.meeting_id, item.position)
    )
    if meeting_ids is not None:
        query = query.where(item.meeting_id.in_(meeting_ids))
    if owner is not None:
        wanted = owner.strip()
        query = query.where(or_(item.owner == wanted, func.lower(SpeakerRow.name) == wanted.lower()))
    rows = []
    for mid, title, position, text, label, name, due, done, supported, evidence in session.execute(query):
        state = (states or {}).get((mid, position))
        now = state.due if state is not None else due
        rows.append(
            ActionItemRow(
                meeting_id=mid,
                meeting_title=title,
                position=position,
                text=text,
                owner=label,
                owner_name=(name or label) if label is not None else None,
                due=now.isoformat() if now else None,
                done=done,
                supported=supported,
                evidence=tuple(evidence or ()),
                status=state.status if state is not None else minuted_status(done, due, today),
            )
        )
    kept = [r for r in rows if _in_status(r.status, status)]
    if states:  # a commitment's date may differ from its item's, which the query ordered by
        kept.sort(key=lambda r: (r.due is None, r.due or "", r.meeting_id, r.position))
    return kept


def _in_status(found: str, wanted: str | None) -> bool:
    """Whether an item whose status is ``found`` is listed under ``wanted`` (``open``: not closed)."""
    if wanted is None:
        return True
    return found not in CLOSED if wanted == "open" else found == wanted


# Reading ---------------------------------------------------------------------------------------
