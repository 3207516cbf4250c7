"""The names a meeting's speakers may have, from both sources, and a person's answer to them.

A speaker without a name may be suggested one from a remembered voice (:mod:`minutes.db.people`,
stored when the transcript is) or from the conversation ("Thanks, Alice.", "Bob, can you…?";
:func:`minutes.summarize.addressed.heard`, worked out from the transcript each time it is shown,
so a corrected line or a new name changes it at once). Confirming either makes it a name given by
hand; rejecting either is remembered for that speaker. Nothing commits here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from minutes.db.ledger_rows import relink_meetings
from minutes.db.people import decide_voice, speaker_row, speaker_voices
from minutes.db.tables import SpeakerRow, UtteranceRow, utcnow
from minutes.db.voice_tables import NameRejectionRow
from minutes.errors import NotFoundError
from minutes.summarize.addressed import Heard, heard
from minutes.types import NameSuggestion, Utterance


def _heard(
    session: Session,
    meeting_id: int,
    utterances: Sequence[Utterance],
    names: Mapping[str, str | None] | None = None,
) -> dict[str, Heard]:
    if names is None:
        named = select(SpeakerRow.label, SpeakerRow.name).where(SpeakerRow.meeting_id == meeting_id)
        names = dict(session.execute(named).tuples().all())
    refused = set(
        session.execute(
            select(NameRejectionRow.label, NameRejectionRow.name).where(
                NameRejectionRow.meeting_id == meeting_id
            )
        ).tuples()
    )
    ordered = sorted(utterances, key=lambda u: u.index)
    return heard(ordered, {label: name for label, name in names.items() if name}, refused=refused)


def speaker_names(
    session: Session, meeting_id: int, utterances: Sequence[Utterance], names: Mapping[str, str | None]
) -> tuple[set[str], dict[str, tuple[NameSuggestion, ...]]]:
    """A meeting's labels named from the voice, and each label's suggestions: remembered voices
    first (best score first), then the name heard in the conversation, with its lines. ``names``:
    the speakers' current names by label."""
    voiced, suggested = speaker_voices(session, meeting_id)
    out = {label: list(found) for label, found in suggested.items()}
    for label, h in _heard(session, meeting_id, utterances, names).items():
        if all(s.name.casefold() != h.name.casefold() for s in out.get(label, ())):
            out.setdefault(label, []).append(NameSuggestion(h.name, "conversation", None, h.lines))
    return voiced, {label: tuple(found) for label, found in out.items()}


def decide(session: Session, *, meeting_id: int, label: str, accept: bool) -> str:
    """Confirm or reject a speaker's first suggestion (a remembered voice's before the
    conversation's), or a name from the voice. Confirming makes it a name given by hand; a rejection
    is remembered. Returns the name."""
    name = decide_voice(session, meeting_id=meeting_id, label=label, accept=accept)
    if name is not None:
        return name
    lines = session.execute(
        select(UtteranceRow.idx, UtteranceRow.speaker_label, UtteranceRow.text)
        .where(UtteranceRow.meeting_id == meeting_id)
        .order_by(UtteranceRow.idx)
    )
    utterances = [Utterance(index=i, speaker=who, start=0.0, end=0.0, text=text) for i, who, text in lines]
    found = _heard(session, meeting_id, utterances).get(label)
    if found is None:
        raise NotFoundError(
            f"speaker {label} of meeting {meeting_id} has no suggested name to confirm or reject"
        )
    if accept:
        speaker_row(session, meeting_id, label).name = found.name
        session.flush()
        relink_meetings(session, (meeting_id,))
    else:
        session.add(
            NameRejectionRow(meeting_id=meeting_id, label=label, name=found.name, created_at=utcnow())
        )
    session.flush()
    return found.name
