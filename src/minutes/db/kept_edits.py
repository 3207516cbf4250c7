"""A person's edits in the store: kept beside the machine's output, carried when a re-run replaces it.

:func:`carry_transcript` and :func:`carry_done_ticks` run inside the transaction that replaces a
meeting's transcript or minutes (:func:`minutes.db.repo.replace_transcript`,
:func:`minutes.db.minutes_repo.save_minutes`), so a failure half-way leaves the old output and
its edits as they were. What fits goes onto the new output (:mod:`minutes.carry` decides); what
does not is kept as a row with ``left_at`` set and listed by :func:`left_edits`. Nothing commits here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import case, delete, exists, insert, select
from sqlalchemy.orm import Session

from minutes.carry import LineEdit, carry_done, carry_lines, carry_names, respell
from minutes.db.tables import EditRow, MinuteItemRow, SpeakerRow, UtteranceRow, utcnow
from minutes.db.voice_tables import VoiceMatchRow
from minutes.types import Carried, LeftEdit, MinuteItem, Speaker, Utterance

_ORDER = {"line": 0, "speaker": 1, "action": 2}


@dataclass(frozen=True, slots=True)
class TranscriptCarry:
    """A new transcript with the old one's edits on it: lines as the person corrected them, names by
    new label, and what became of each kind of edit. ``rows`` are the ``line`` and ``speaker`` edit
    rows to store (``None``: none)."""

    utterances: tuple[Utterance, ...]
    names: dict[str, str]
    carried: Carried
    rows: list[dict[str, object]] | None


def carry_transcript(
    session: Session, *, meeting_id: int, utterances: Sequence[Utterance], speakers: Sequence[Speaker]
) -> TranscriptCarry:
    """The old transcript's corrections and names a person gave (not those from the voice, which
    recognition makes again), carried onto ``utterances``; corrections that
    earlier re-runs could not carry are tried again. Read before the old transcript is deleted
    (:func:`store_transcript_edits` writes the rows afterwards)."""
    voiced = select(VoiceMatchRow.label).where(
        VoiceMatchRow.meeting_id == meeting_id, VoiceMatchRow.status == "named"
    )
    named = select(SpeakerRow.label, SpeakerRow.name).where(
        SpeakerRow.meeting_id == meeting_id, SpeakerRow.name.is_not(None), SpeakerRow.label.not_in(voiced)
    )
    names = {label: name for label, name in session.execute(named) if name}
    lines = select(UtteranceRow.idx, UtteranceRow.speaker_label, UtteranceRow.start, UtteranceRow.end)
    before = [
        Utterance(index=i, speaker=label, start=start, end=end, text="")
        for i, label, start, end in session.execute(lines.where(UtteranceRow.meeting_id == meeting_id))
    ]
    labels = {s.label for s in speakers}
    moved, lost = carry_names(before, names, utterances, labels)
    carried = Carried(carried={"speaker": len(moved)} if moved else {})
    now = utcnow()
    rows: list[dict[str, object]] = [
        _row(meeting_id, "speaker", label=label, text=name, left_at=now)
        for label, name in sorted(lost.items())
    ]
    kept = list(
        session.scalars(
            select(EditRow)
            .where(EditRow.meeting_id == meeting_id, EditRow.kind == "line")
            .order_by(EditRow.left_at.is_not(None), EditRow.start, EditRow.id)
        )
    )
    edits = [LineEdit(r.start or 0.0, r.end or 0.0, r.machine_text, r.text) for r in kept]
    placed = carry_lines(edits, utterances)
    out = []
    for u in utterances:
        if u.index not in placed.lines:
            out.append(u)
            continue
        text, sources = placed.lines[u.index]
        out.append(replace(u, text=text, words=respell(u.words, text)))
        rows.append(
            _row(
                meeting_id,
                "line",
                utterance_idx=u.index,
                label=u.speaker,
                start=u.start,
                end=u.end,
                machine_text=u.text,
                text=text,
                created_at=min(kept[n].created_at for n in sources),
            )
        )
    for n in placed.left:
        r = kept[n]
        rows.append(
            _row(
                meeting_id,
                "line",
                label=r.label,
                start=r.start,
                end=r.end,
                machine_text=r.machine_text,
                text=r.text,
                left_at=r.left_at or now,
                created_at=r.created_at,
            )
        )
    if kept:
        session.execute(delete(EditRow).where(EditRow.meeting_id == meeting_id, EditRow.kind == "line"))
    lines_moved = len(kept) - len(placed.left)
    carried += Carried(
        carried={"line": lines_moved} if lines_moved else {},
        not_carried={k: v for k, v in (("line", len(placed.left)), ("speaker", len(lost))) if v},
    )
    return TranscriptCarry(tuple(out), moved, carried, rows or None)


def _row(meeting_id: int, kind: str, **values: object) -> dict[str, object]:
    now = utcnow()
    row: dict[str, object] = {
        "meeting_id": meeting_id,
        "kind": kind,
        "utterance_idx": None,
        "label": None,
        "start": None,
        "end": None,
        "machine_text": "",
        "left_at": None,
        "created_at": now,
        "updated_at": now,
    }
    return row | values


def note_correction(session: Session, *, meeting_id: int, line: UtteranceRow, old: str) -> None:
    """Keep a person's correction of ``line`` (its text already changed from ``old``): what the
    machine wrote there stays the first correction's ``old``; back to the machine's words, none is kept."""
    kept = session.scalars(
        select(EditRow).where(EditRow.meeting_id == meeting_id, EditRow.utterance_idx == line.idx)
    ).one_or_none()
    if kept is None:
        if line.text != old:
            session.add(
                EditRow(
                    meeting_id=meeting_id,
                    kind="line",
                    utterance_idx=line.idx,
                    label=line.speaker_label,
                    start=line.start,
                    end=line.end,
                    machine_text=old,
                    text=line.text,
                )
            )
    elif line.text == kept.machine_text:
        session.delete(kept)
    else:
        kept.text = line.text
    session.flush()


def carry_done_ticks(
    session: Session, *, meeting_id: int, items: Sequence[MinuteItem]
) -> tuple[dict[int, datetime], Carried]:
    """Action items a person ticked done in the minutes being replaced (and ticks kept from earlier
    re-runs), matched to the new ``items``: (new position → when it was ticked, what became of them).
    Ticks that match no new item are kept as ``action`` rows. Call before the old items are deleted."""
    if not session.scalar(select(exists().where(MinuteItemRow.meeting_id == meeting_id))):
        return {}, Carried()  # first minutes: nothing was ticked
    query = select(MinuteItemRow.owner, MinuteItemRow.text, MinuteItemRow.done_at).where(
        MinuteItemRow.meeting_id == meeting_id, MinuteItemRow.kind == "action", MinuteItemRow.done
    )
    now = utcnow()
    ticked = [
        (owner, text, done_at or now)
        for owner, text, done_at in session.execute(query.order_by(MinuteItemRow.position))
    ]
    earlier = list(
        session.scalars(
            select(EditRow)
            .where(EditRow.meeting_id == meeting_id, EditRow.kind == "action")
            .order_by(EditRow.id)
        )
    )
    sources = ticked + [(r.label, r.text, r.created_at) for r in earlier]
    matched, left = carry_done([(owner, text) for owner, text, _ in sources], items)
    recovered = [earlier[n - len(ticked)].id for n in matched.values() if n >= len(ticked)]
    if recovered:
        session.execute(delete(EditRow).where(EditRow.id.in_(recovered)))
    for n in left:
        if n < len(ticked):
            owner, text, done_at = ticked[n]
            session.add(
                EditRow(
                    meeting_id=meeting_id,
                    kind="action",
                    label=owner,
                    text=text,
                    left_at=now,
                    created_at=done_at,
                )
            )
    session.flush()
    carried = Carried(
        carried={"action": len(matched)} if matched else {}, not_carried={"action": len(left)} if left else {}
    )
    return {position: sources[n][2] for position, n in matched.items()}, carried


def store_transcript_edits(session: Session, carry: TranscriptCarry) -> None:
    """Write the edit rows :func:`carry_transcript` decided on (after the new lines are in)."""
    if carry.rows:
        session.execute(insert(EditRow), carry.rows)
        session.flush()


def left_edits(session: Session, *, meeting_id: int) -> tuple[LeftEdit, ...]:
    """The edits of a meeting that re-runs could not carry onto its output, lines in time order first."""
    query = (
        select(EditRow)
        .where(EditRow.meeting_id == meeting_id, EditRow.left_at.is_not(None))
        .order_by(case(_ORDER, value=EditRow.kind, else_=len(_ORDER)), EditRow.start, EditRow.id)
    )
    return tuple(
        LeftEdit(
            kind=r.kind,
            text=r.text,
            label=r.label,
            machine=r.machine_text,
            start=r.start,
            end=r.end,
            left_at=r.left_at.isoformat() if r.left_at else "",
        )
        for r in session.scalars(query)
    )
