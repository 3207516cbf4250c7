"""The ledger's links in the store: load a series for the linker, re-link it, decide a link.

:func:`relink` runs the linker (:func:`minutes.ledger.link.link_series`) over every meeting of a
series and replaces the links it made before (``auto`` and ``suggested``); links a person
confirmed or rejected are kept, and the linker never proposes a rejected link again. It runs when
a meeting joins or leaves a series and when a series meeting's minutes are saved, in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, delete, func, select, true, tuple_
from sqlalchemy.orm import Session, aliased

from minutes.db.series_tables import LINK_KINDS, LedgerLinkRow, SeriesMeetingRow
from minutes.db.tables import Meeting, MinuteItemRow, SpeakerRow, UtteranceRow, utcnow
from minutes.errors import ConfigError, NotFoundError
from minutes.ledger.link import link_series
from minutes.ledger.model import Entry, Line, Link, SeriesMeeting, ranked

DECIDED = ("confirmed", "rejected")


@dataclass(frozen=True, slots=True)
class CitedLine:
    meeting_id: int
    index: int
    speaker: str
    start: float
    text: str


def load_series(
    session: Session, series_id: int, *, visible: ColumnElement[bool] | None = None, lines: bool = True
) -> list[SeriesMeeting]:
    """A series' meetings (those ``visible`` admits: a condition on meetings) with their items,
    and their lines when ``lines``; owners and speakers by name where a person or a voice gave one."""
    return load_many(session, [series_id], visible=visible, lines=lines).get(series_id, [])


def load_many(
    session: Session,
    series_ids: Sequence[int],
    *,
    visible: ColumnElement[bool] | None = None,
    lines: bool = True,
    kinds: Sequence[str] | None = None,
) -> dict[int, list[SeriesMeeting]]:
    """:func:`load_series` for several series in a fixed number of queries (series id → meetings);
    ``kinds`` keeps items of those kinds only (the ledger of commitments reads action items)."""
    query = (
        select(
            SeriesMeetingRow.series_id,
            Meeting.id,
            Meeting.title,
            func.coalesce(Meeting.meeting_date, Meeting.created_at),
        )
        .join(SeriesMeetingRow, SeriesMeetingRow.meeting_id == Meeting.id)
        .where(SeriesMeetingRow.series_id.in_(list(series_ids)), visible if visible is not None else true())
    )
    heads = session.execute(query).all()
    ids = [h[1] for h in heads]
    if not ids:
        return {}
    entries: dict[int, list[Entry]] = {mid: [] for mid in ids}
    item = MinuteItemRow
    owner = aliased(SpeakerRow)
    items = (
        select(
            item.meeting_id,
            item.position,
            item.kind,
            item.text,
            item.evidence,
            item.owner,
            owner.name,
            item.due,
            item.done,
        )
        .outerjoin(owner, (owner.meeting_id == item.meeting_id) & (owner.label == item.owner))
        .where(item.meeting_id.in_(ids), item.supported.is_(True))
        .order_by(item.meeting_id, item.position)
    )
    if kinds is not None:
        items = items.where(item.kind.in_(list(kinds)))
    for mid, position, kind, text, evidence, label, name, due, done in session.execute(items):
        entries[mid].append(
            Entry(
                mid,
                position,
                kind,
                text,
                tuple(evidence or ()),
                name or label,
                due,
                bool(done),
                named=name is not None,
            )
        )
    said: dict[int, list[Line]] = {mid: [] for mid in ids}
    if lines:
        names: dict[tuple[int, str], str] = {
            (mid, label): name
            for mid, label, name in session.execute(
                select(SpeakerRow.meeting_id, SpeakerRow.label, SpeakerRow.name).where(
                    SpeakerRow.meeting_id.in_(ids), SpeakerRow.name.is_not(None)
                )
            )
        }
        for mid, idx, label, text in session.execute(
            select(UtteranceRow.meeting_id, UtteranceRow.idx, UtteranceRow.speaker_label, UtteranceRow.text)
            .where(UtteranceRow.meeting_id.in_(ids))
            .order_by(UtteranceRow.meeting_id, UtteranceRow.idx)
        ):
            said[mid].append(Line(idx, names.get((mid, label), ""), text))
    out: dict[int, list[SeriesMeeting]] = {}
    for sid, mid, title, when in heads:
        out.setdefault(sid, []).append(
            SeriesMeeting(mid, title, when.date() if when else None, ranked(entries[mid]), tuple(said[mid]))
        )
    return out


def stored_links(session: Session, series_id: int) -> list[Link]:
    return links_of(session, [series_id]).get(series_id, [])


def links_of(
    session: Session, series_ids: Sequence[int], *, kinds: Sequence[str] | None = None
) -> dict[int, list[Link]]:
    """The stored links of several series (series id → links; of ``kinds`` only), in one query."""
    r = LedgerLinkRow
    query = select(
        r.series_id,
        r.kind,
        r.from_meeting_id,
        r.from_line,
        r.from_rank,
        r.to_meeting_id,
        r.to_lines,
        r.to_position,
        r.due,
        r.score,
        r.state,
        r.id,
    ).where(r.series_id.in_(list(series_ids)))
    if kinds is not None:
        query = query.where(r.kind.in_(list(kinds)))
    out: dict[int, list[Link]] = {}
    for sid, kind, fm, fl, fr, tm, to_lines, to_pos, due, score, state, lid in session.execute(query):
        out.setdefault(sid, []).append(
            Link(kind, (fm, fl, fr), tm, tuple(to_lines or ()), to_pos, due, score, state, lid)
        )
    return out


def relink(session: Session, series_id: int) -> int:
    """Link a series again (module docstring); returns how many links the linker stored."""
    meetings = load_series(session, series_id)
    session.execute(
        delete(LedgerLinkRow).where(
            LedgerLinkRow.series_id == series_id, LedgerLinkRow.state.in_(("auto", "suggested"))
        )
    )
    decided = {
        (r.from_meeting_id, r.from_line, r.from_rank, r.kind, r.to_meeting_id, r.to_line)
        for r in session.scalars(
            select(LedgerLinkRow).where(
                LedgerLinkRow.from_meeting_id.in_([m.meeting_id for m in meetings] or [-1])
            )
        )
    }
    positions = {e.key: e.position for m in meetings for e in m.entries}
    stored = 0
    for ln in link_series(meetings) if len(meetings) > 1 else []:
        to_line = ln.lines[0] if ln.lines else -1
        if (*ln.earlier, ln.kind, ln.meeting_id, to_line) in decided:
            continue
        session.add(_row(series_id, ln, positions.get(ln.earlier, -1), ln.state))
        stored += 1
    session.flush()
    return stored


def _row(series_id: int, ln: Link, from_position: int, state: str, by: str | None = None) -> LedgerLinkRow:
    return LedgerLinkRow(
        series_id=series_id,
        kind=ln.kind,
        from_meeting_id=ln.earlier[0],
        from_line=ln.earlier[1],
        from_rank=ln.earlier[2],
        from_position=from_position,
        to_meeting_id=ln.meeting_id,
        to_line=ln.lines[0] if ln.lines else -1,
        to_lines=list(ln.lines),
        to_position=ln.position,
        due=ln.due,
        score=ln.score,
        state=state,
        decided_by=by,
        decided_at=utcnow() if by else None,
    )


def relink_meeting(session: Session, meeting_id: int) -> None:
    """Re-link the series of a meeting whose minutes changed (nothing when it has none)."""
    relink_meetings(session, (meeting_id,))


def relink_meetings(session: Session, meeting_ids: Iterable[int]) -> None:
    """Re-link the series of these meetings, each once: their minutes or a speaker's name changed
    (owners are matched by name, however the name came: by hand, from the voice, confirmed from
    the conversation, or taken away when a voice is forgotten)."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return
    series = session.scalars(
        select(SeriesMeetingRow.series_id).where(SeriesMeetingRow.meeting_id.in_(ids)).distinct()
    )
    for series_id in sorted(series):
        relink(session, series_id)


def get_link(session: Session, link_id: int) -> LedgerLinkRow:
    row = session.get(LedgerLinkRow, link_id) if 0 < link_id < 2**31 else None
    if row is None:
        raise NotFoundError(f"no ledger link {link_id}; `minutes ledger --json` lists links with their ids")
    return row


def decide_link(session: Session, row: LedgerLinkRow, *, accept: bool, by: str) -> None:
    """Confirm or reject a link; either is kept across re-linking."""
    row.state = "confirmed" if accept else "rejected"
    row.decided_by = by
    row.decided_at = utcnow()
    session.flush()


def add_link(
    session: Session,
    *,
    series_id: int,
    kind: str,
    earlier: Entry,
    meeting_id: int,
    lines: tuple[int, ...],
    due: date | None,
    by: str,
) -> LedgerLinkRow:
    """A link a person made by hand (confirmed); replaces the linker's link of the same key."""
    if kind not in LINK_KINDS:
        raise ConfigError(f"unknown link kind {kind!r}; choose one of: {', '.join(LINK_KINDS)}")
    ln = Link(kind, earlier.key, meeting_id, lines, None, due, 1.0, "confirmed")
    key = (*earlier.key, kind, meeting_id, lines[0] if lines else -1)
    session.execute(
        delete(LedgerLinkRow).where(
            tuple_(
                LedgerLinkRow.from_meeting_id,
                LedgerLinkRow.from_line,
                LedgerLinkRow.from_rank,
                LedgerLinkRow.kind,
                LedgerLinkRow.to_meeting_id,
                LedgerLinkRow.to_line,
            )
            == key
        )
    )
    row = _row(series_id, ln, earlier.position, "confirmed", by)
    session.add(row)
    session.flush()
    return row


def cited_lines(session: Session, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], CitedLine]:
    """The lines ``(meeting_id, index)`` with their speaker's name, start and text."""
    keys = sorted(set(wanted))
    out: dict[tuple[int, int], CitedLine] = {}
    if not keys:
        return out
    mids = sorted({m for m, _ in keys})
    names = {
        (mid, label): name
        for mid, label, name in session.execute(
            select(SpeakerRow.meeting_id, SpeakerRow.label, SpeakerRow.name).where(
                SpeakerRow.meeting_id.in_(mids)
            )
        )
    }
    u = UtteranceRow
    for chunk in range(0, len(keys), 500):
        part = keys[chunk : chunk + 500]
        query = select(u.meeting_id, u.idx, u.speaker_label, u.start, u.text).where(
            tuple_(u.meeting_id, u.idx).in_(part)
        )
        for mid, idx, label, start, text in session.execute(query):
            out[(mid, idx)] = CitedLine(mid, idx, names.get((mid, label)) or label, start, text)
    return out
