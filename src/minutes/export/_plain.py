"""Plain-text transcript (with a short MINUTES block when there are minutes) and RTTM speech turns."""

from __future__ import annotations

from minutes.coverage import union
from minutes.export._common import (
    clock,
    display_title,
    due_note,
    file_stem,
    in_time_order,
    meeting_date,
    paragraphs,
    source_lines,
    squash,
)
from minutes.payloads import summary_check_from_options
from minutes.types import MeetingDoc, MinuteItem


def _txt_item(doc: MeetingDoc, item: MinuteItem) -> str:
    flag = "" if item.supported else "(unsupported) "
    if item.kind != "action":
        return f"- {flag}{squash(item.text)}"
    owner = f"{squash(doc.speaker_name(item.owner))}: " if item.owner else "(unassigned) "
    return f"- [{'x' if item.done else ' '}] {flag}{owner}{squash(item.text)}{due_note(item)}"


def minutes_block(doc: MeetingDoc) -> list[str]:
    """``MINUTES``: summary, decisions, action items with owner and due date, open questions.

    Then ``TRANSCRIPT``, so the utterances that follow stand apart; no lines without minutes.
    """
    if doc.minutes is None:
        return []
    lines = ["MINUTES"]
    summary = paragraphs(doc.minutes.summary)
    for paragraph in summary:
        lines += [paragraph, ""]
    if not summary:
        lines.append("")
    check = summary_check_from_options(doc.minutes.options)
    note = check.note() if check else ""
    if note:  # as in the Markdown: what the summary check took out is not shown, that it did is
        lines += [f"(note: {note}.)", ""]
    for kind, heading in (
        ("decision", "Decisions"),
        ("action", "Action items"),
        ("question", "Open questions"),
    ):
        items = doc.minutes.of_kind(kind)
        if items:
            lines += [f"{heading}:", *(_txt_item(doc, i) for i in items), ""]
    return [*lines, "TRANSCRIPT"]


def to_txt(doc: MeetingDoc) -> str:
    """A header (title, date, duration, where an imported meeting came from, a ``Warning:`` line
    per problem with the recording), then
    ``[HH:MM:SS] Name: text``, one utterance per line.

    A meeting with minutes gets a ``MINUTES`` block between the header and the transcript.
    """
    lines = [
        display_title(doc),
        f"Date: {meeting_date(doc)}",
        f"Duration: {clock(doc.audio.duration, nearest=True)}",
        *source_lines(doc),
        *(f"Warning: {squash(w)}" for w in doc.audio.warnings),
        "",
        *minutes_block(doc),
    ]
    utterances = in_time_order(doc)
    for u in utterances:
        lines.append(f"[{clock(u.start)}] {squash(doc.speaker_name(u.speaker))}: {squash(u.text)}")
    if not utterances:
        lines.append("(no speech)")
    return "\n".join(lines) + "\n"


def rttm_speaker(name: str) -> str:
    """A speaker's name as one RTTM field: whitespace becomes ``_`` (RTTM fields are space-separated)."""
    return "_".join(name.split()) or "unknown"


def speech_turns(doc: MeetingDoc) -> list[tuple[float, float, str]]:
    """``(start, end, name)`` per speaker, named as renamed, in time order.

    From the diarization's turns (``doc.turns``): speech in which no word was recognised is still
    someone speaking. A meeting without stored turns (imported, or loaded without them) falls back to
    the utterances' spans. One person's touching or overlapping spans (also of two labels renamed to
    the same person) become one turn; different speakers' overlap is kept.
    """
    spans = [(t.start, t.end, t.speaker) for t in doc.turns] or [
        (u.start, u.end, u.speaker) for u in doc.utterances
    ]
    by_name: dict[str, list[tuple[float, float]]] = {}
    for start, end, label in spans:
        if end > start:
            by_name.setdefault(doc.speaker_name(label), []).append((start, end))
    turns = [(start, end, name) for name, own in by_name.items() for start, end in union(own)]
    return sorted(turns, key=lambda t: (t[0], t[2]))


def to_rttm(doc: MeetingDoc) -> str:
    """NIST RTTM ``SPEAKER`` lines, one per :func:`speech_turns` turn; file id: the export's file stem."""
    uri = file_stem(doc)
    return "".join(
        f"SPEAKER {uri} 1 {start:.3f} {end - start:.3f} <NA> <NA> {rttm_speaker(name)} <NA> <NA>\n"
        for start, end, name in speech_turns(doc)
    )
