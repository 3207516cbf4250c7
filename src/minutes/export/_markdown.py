"""Markdown: title, metadata, an optional Minutes section, then the transcript with timestamps."""

from __future__ import annotations

import re
from collections.abc import Sequence

from minutes.export._common import clock, display_title, in_time_order, meeting_date, squash
from minutes.types import MeetingDoc

# Characters that can start emphasis, links, HTML, code, headings or table cells anywhere in a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_escape(text: str) -> str:
    """User text made safe to drop into a Markdown paragraph or table cell (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", squash(text))


def talk_times(doc: MeetingDoc) -> list[tuple[str, float]]:
    """``(label, seconds)`` per speaker, most talkative first.

    Uses the stored ``Speaker.talk_time`` values; when none is set, sums utterance durations.
    Speakers found only in utterances are included.
    """
    labels = [s.label for s in doc.speakers]
    labels += sorted({u.speaker for u in doc.utterances} - set(labels))
    stored = {s.label: s.talk_time for s in doc.speakers}
    if any(t > 0 for t in stored.values()):
        seconds = {label: stored.get(label, 0.0) for label in labels}
    else:
        seconds = dict.fromkeys(labels, 0.0)
        for u in doc.utterances:
            seconds[u.speaker] += max(u.end - u.start, 0.0)
    return sorted(seconds.items(), key=lambda item: -item[1])


def metadata_section(doc: MeetingDoc) -> str:
    times = talk_times(doc)
    rows = [
        "| Date | Duration | Language | Speakers |",
        "|---|---|---|---|",
        f"| {md_escape(meeting_date(doc))} | {clock(doc.audio.duration, nearest=True)} "
        f"| {md_escape(doc.language or 'unknown')} | {len(times)} |",
    ]
    parts = ["\n".join(rows)]
    if times:
        total = sum(t for _, t in times)
        speaker_rows = ["| Speaker | Talk time | Share |", "|---|---:|---:|"]
        for label, seconds in times:
            share = f"{100 * seconds / total:.0f}%" if total > 0 else "–"
            name = md_escape(doc.speaker_name(label))
            speaker_rows.append(f"| {name} | {clock(seconds, nearest=True)} | {share} |")
        parts.append("\n".join(speaker_rows))
    return "\n\n".join(parts)


def transcript_section(doc: MeetingDoc) -> str:
    paragraphs = ["## Transcript"]
    for u in in_time_order(doc):
        overlap = " *(overlapping)*" if u.overlap else ""
        paragraphs.append(
            f"**{md_escape(doc.speaker_name(u.speaker))}** [{clock(u.start)}](#t={u.start:.1f})"
            f"{overlap} {md_escape(u.text)}"
        )
    if len(paragraphs) == 1:
        paragraphs.append("*No speech was detected.*")
    return "\n\n".join(paragraphs)


def to_markdown(doc: MeetingDoc, *, sections: Sequence[str] = ()) -> str:
    """The meeting as Markdown.

    ``sections`` are ready-made Markdown blocks (each starting with a ``## `` heading) placed between
    the metadata and the transcript: this is where the Minutes (summary, decisions, action items) go.
    """
    blocks = [f"# {md_escape(display_title(doc))}", metadata_section(doc)]
    blocks += [s.strip() for s in sections if s.strip()]
    blocks.append(transcript_section(doc))
    return "\n\n".join(blocks) + "\n"
