"""Markdown: title, metadata, an optional Minutes section, then the transcript with timestamps.

When the meeting has minutes, every decision, action item, question and chapter links to the
utterances it rests on (``[↗ 00:00:22](#u-5)``), and each transcript line carries the matching
anchor (``<a id="u-5"></a>``). Without minutes the transcript has no anchors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from minutes.export._common import (
    clock,
    display_title,
    due_note,
    in_time_order,
    meeting_date,
    paragraphs,
    source_lines,
    squash,
)
from minutes.payloads import summary_check_from_options
from minutes.types import Chapter, MeetingDoc, MinuteItem, Minutes

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
    parts += [f"> {md_escape(line)}" for line in source_lines(doc)]
    parts += [f"> ⚠ The recording: {md_escape(w)}" for w in doc.audio.warnings]
    if times:
        total = sum(t for _, t in times)
        speaker_rows = ["| Speaker | Talk time | Share |", "|---|---:|---:|"]
        for label, seconds in times:
            share = f"{100 * seconds / total:.0f}%" if total > 0 else "–"
            name = md_escape(doc.speaker_name(label))
            speaker_rows.append(f"| {name} | {clock(seconds, nearest=True)} | {share} |")
        parts.append("\n".join(speaker_rows))
    return "\n\n".join(parts)


def utterance_anchor(index: int) -> str:
    """The id of an utterance's anchor in the transcript (``u-5``)."""
    return f"u-{index}"


def transcript_section(doc: MeetingDoc, *, anchors: bool = False) -> str:
    """``## Transcript``, one paragraph per utterance; ``anchors`` puts an evidence anchor on each."""
    paragraphs = ["## Transcript"]
    for u in in_time_order(doc):
        overlap = " *(overlapping)*" if u.overlap else ""
        anchor = f'<a id="{utterance_anchor(u.index)}"></a>' if anchors else ""
        paragraphs.append(
            f"{anchor}**{md_escape(doc.speaker_name(u.speaker))}** [{clock(u.start)}](#t={u.start:.1f})"
            f"{overlap} {md_escape(u.text)}"
        )
    if len(paragraphs) == 1:
        paragraphs.append("*No speech was detected.*")
    return "\n\n".join(paragraphs)


def _evidence_links(indexes: Sequence[int], starts: Mapping[int, float]) -> str:
    """`` [↗ 00:00:22](#u-5)`` per cited utterance; one the transcript lacks is named, not linked."""
    links = [
        f"[↗ {clock(starts[i])}](#{utterance_anchor(i)})"
        if i in starts
        else f"*(utterance {i} not in transcript)*"
        for i in indexes
    ]
    return "".join(f" {link}" for link in links)


def _unsupported(item: MinuteItem) -> str:
    # The cited words do not carry the item: show it, but never as fact.
    return "" if item.supported else "⚠ unsupported: "


def _action_line(doc: MeetingDoc, item: MinuteItem, starts: Mapping[int, float]) -> str:
    box = "[x]" if item.done else "[ ]"
    owner = f"**{md_escape(doc.speaker_name(item.owner))}**" if item.owner else "*unassigned*"
    return (
        f"- {box} {_unsupported(item)}{owner} — {md_escape(item.text)}{due_note(item, md_escape)}"
        f"{_evidence_links(item.evidence, starts)}"
    )


def _item_line(item: MinuteItem, starts: Mapping[int, float]) -> str:
    return f"- {_unsupported(item)}{md_escape(item.text)}{_evidence_links(item.evidence, starts)}"


def _chapter_line(chapter: Chapter, starts: Mapping[int, float]) -> str:
    return (
        f"- [{clock(chapter.start)}](#t={chapter.start:.1f}) {md_escape(chapter.title)}"
        f"{_evidence_links(chapter.evidence, starts)}"
    )


def _summary(minutes: Minutes) -> str:
    text = "\n\n".join(md_escape(p) for p in paragraphs(minutes.summary)) or "*No summary.*"
    check = summary_check_from_options(minutes.options)
    note = check.note() if check else ""
    # A sentence the check took out is not shown, but that it was is: the reader knows why.
    return f"{text}\n\n*⚠ {md_escape(note)}.*" if note else text


def minutes_section(doc: MeetingDoc) -> str:
    """``## Minutes``: summary, decisions, action items (a task list), open questions, chapters.

    Empty when the meeting has no minutes. Items the evidence does not support are kept and
    flagged ``⚠ unsupported:``.
    """
    minutes = doc.minutes
    if minutes is None:
        return ""
    starts = {u.index: u.start for u in doc.utterances}
    lists = {
        "Decisions": [_item_line(i, starts) for i in minutes.of_kind("decision")],
        "Action items": [_action_line(doc, i, starts) for i in minutes.of_kind("action")],
        "Open questions": [_item_line(i, starts) for i in minutes.of_kind("question")],
    }
    blocks = ["## Minutes", _summary(minutes)]
    for heading, lines in lists.items():
        blocks += [f"### {heading}", "\n".join(lines) or "*None.*"]
    if minutes.chapters:
        blocks += ["### Chapters", "\n".join(_chapter_line(c, starts) for c in minutes.chapters)]
    return "\n\n".join(blocks)


def to_markdown(doc: MeetingDoc, *, sections: Sequence[str] = ()) -> str:
    """The meeting as Markdown.

    When ``doc.minutes`` is set, a ``## Minutes`` section goes between the metadata and the
    transcript, and transcript lines get the anchors its evidence links point to. ``sections``
    are further ready-made Markdown blocks (each starting with a ``## `` heading) placed after it.
    """
    blocks = [f"# {md_escape(display_title(doc))}", metadata_section(doc), minutes_section(doc)]
    blocks += [s.strip() for s in sections]
    blocks.append(transcript_section(doc, anchors=doc.minutes is not None))
    return "\n\n".join(b for b in blocks if b) + "\n"
