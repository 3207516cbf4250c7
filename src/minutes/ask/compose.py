"""From retrieved lines to a checked answer, without I/O: the prompt, the reply's shape, the check.

The model sees the lines numbered ``[1]``…``[n]`` under their meeting's title and date, each with
its speaker (no clock: the times cost a seventh of the prompt and answers name no time; the
citations carry them), and answers in JSON: a few sentences, each with the numbers of the lines it
rests on. Each sentence is then checked against its cited lines (and the shown line either side of
each, where a short exchange's other words are) with the summary check's own
grounding (:func:`minutes.summarize.grounding.support`): enough of its content words in those
lines (speaker names count), and every number and date it states there too; then, as the
summary check does for the whole meeting (:mod:`minutes.summarize.summary_facts`), no day,
number or person the cited lines do not name; and a sentence that opens with a speaker of the
shown lines must cite that speaker's words (or lines that mention them). A sentence that
cites nothing, cites a line it was not shown, or is not supported is removed; when none is left
the answer is :data:`~minutes.ask.types.NOT_FOUND`.

A reply's "sentence" is checked sentence by sentence: a small model sometimes writes several in
one, and the words of a true first sentence must not carry an invented second one ("Tariq asked
for quotes for a minibus. Piotr will put together a referee rota by Friday.", citing only lines
about the minibus).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from minutes.ask.types import Answer, Citation, Line, Removed, Sentence, not_found
from minutes.summarize.grounding import support
from minutes.summarize.summary_facts import MeetingFacts, date_problems, name_problems, number_problems
from minutes.summarize.text import split_sentences
from minutes.types import Utterance

MAX_SENTENCES = 4
SENTENCE_CHARS = 240
"""A sentence's longest text. Replies' sentences ran 81 characters at the median on QMSum, but one
in twenty rambled past 300 (one to 685) and, four such, ran past the reply's token cap."""
SHOWN_WORDS = 80
SUPPORT = 0.5
"""Share of a sentence's content words its cited lines must hold (the summary check's default)."""

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "found": {"type": "boolean"},
        "sentences": {
            "type": "array",
            "maxItems": MAX_SENTENCES,
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string", "maxLength": SENTENCE_CHARS},
                    "lines": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 4},
                },
                "required": ["text", "lines"],
            },
        },
    },
    "required": ["found", "sentences"],
}

SYSTEM = (
    "You answer questions about meetings using only the numbered transcript lines given. "
    "Write at most four short sentences. Each sentence must list the numbers of the lines that say it; "
    "use the speakers' words and names, and never add facts, numbers or dates the lines do not state. "
    'If the lines do not answer the question, reply {"found": false, "sentences": []}.'
)


def _shown(text: str) -> str:
    """A line as the model sees it: its first :data:`SHOWN_WORDS` words (a sentence it writes from
    them is then checked against the whole line, which holds them)."""
    words = text.split()
    return text if len(words) <= SHOWN_WORDS else " ".join(words[:SHOWN_WORDS]) + " …"


def prompt(question: str, lines: Sequence[Line]) -> list[dict[str, str]]:
    """The chat messages: the rules, then the lines numbered from 1 grouped by meeting, then the question."""
    parts: list[str] = []
    shown: int | None = None
    for number, line in enumerate(lines, 1):
        if line.meeting_id != shown:
            shown = line.meeting_id
            parts.append(f'\nMeeting "{line.meeting_title}" ({line.meeting_date.date().isoformat()}):')
        parts.append(f"[{number}] {line.speaker}: {_shown(line.text)}")
    user = "Transcript lines:" + "\n".join(parts) + f"\n\nQuestion: {question}\nAnswer in JSON."
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


RETRY = (
    "Those sentences say what their cited lines do not ({reasons}). Answer again using only what the "
    "lines say, close to the speakers' own words, each sentence citing the lines that say it. "
    'If the lines do not answer the question, reply {{"found": false, "sentences": []}}.'
)


def retry(
    messages: Sequence[Mapping[str, str]], reply: Mapping[str, Any], removed: Sequence[Removed]
) -> list[dict[str, str]]:
    """The conversation asked once more when the check removed every sentence of ``reply``: the
    model sees its reply and why each sentence went, and may answer from the lines or say not found.
    Its new reply is checked like the first (nothing unchecked is ever shown)."""
    reasons = "; ".join(dict.fromkeys(r.reason for r in removed))
    return [
        *({"role": m["role"], "content": m["content"]} for m in messages),
        {"role": "assistant", "content": json.dumps(reply, ensure_ascii=False)},
        {"role": "user", "content": RETRY.format(reasons=reasons)},
    ]


def check(reply: Mapping[str, Any], lines: Sequence[Line], *, threshold: float = SUPPORT) -> Answer:
    """The model's reply as an answer: unsupported sentences removed, or not found."""
    raw = reply.get("sentences")
    if reply.get("found") is False or not isinstance(raw, list):
        return not_found(lines=len(lines))
    speakers = {line.speaker.casefold() for line in lines}
    kept: list[Sentence] = []
    removed: list[Removed] = []
    for item in raw[:MAX_SENTENCES]:
        if not isinstance(item, Mapping):
            continue
        written = " ".join(str(item.get("text", "")).split())
        if not written:
            continue
        numbers = [n for n in item.get("lines", []) if isinstance(n, int) and not isinstance(n, bool)]
        at = [n - 1 for n in dict.fromkeys(numbers) if 1 <= n <= len(lines)]
        cited = [lines[i] for i in at]
        if not cited:
            removed.append(Removed(written, "cites no line it was shown"))
            continue
        near = _around(lines, at)
        for text in split_sentences(written, prose=True):
            problem = _problem(text, near, threshold=threshold) or _misattributed(
                text, cited, near, speakers, threshold=threshold
            )
            if problem:
                removed.append(Removed(text, problem, tuple(at)))
                continue
            kept.append(Sentence(text, tuple(Citation.of(c) for c in cited)))
    if not kept:
        return not_found(removed=tuple(removed), lines=len(lines))
    return Answer(" ".join(s.text for s in kept), True, tuple(kept), tuple(removed), len(lines))


def _around(lines: Sequence[Line], at: Sequence[int]) -> list[Line]:
    """The cited lines with the shown line either side of each (same meeting), in order: a sentence
    that sums up a short exchange cites its key line, and its other words are said just around it.
    Set on the tune half of QMSum's questions (docs/ask.md): fewer true answers removed."""
    near = {j for i in at for j in (i - 1, i, i + 1) if 0 <= j < len(lines)}
    return [lines[j] for j in sorted(near) if any(lines[j].meeting_id == lines[i].meeting_id for i in at)]


_SUBJECT = re.compile(r"^(?:The )?(?P<name>[A-Z][\w'.-]*(?: [A-Z0-9][\w'.-]*)?)(?:'s)? (?P<verb>[a-z]+)")


def _misattributed(
    text: str, cited: Sequence[Line], near: Sequence[Line], speakers: set[str], *, threshold: float
) -> str:
    """A sentence that opens with one speaker saying or doing something its cited lines have
    another speaker say (and do not mention the first): the words given to the wrong person.
    Unless that speaker's own line just around the cited ones says it (the model cited the
    neighbour of the right line)."""
    found = _SUBJECT.match(text)
    if found is None:
        return ""
    name = found.group("name").casefold()
    if name not in speakers or any(c.speaker.casefold() == name for c in cited):
        return ""
    if any(name in c.text.casefold() for c in cited):
        return ""
    own = [f"{c.speaker}: {c.text}" for c in near if c.speaker.casefold() == name]
    if own and support(text, own, threshold=threshold, meeting_date=cited[0].meeting_date.date())[0]:
        return ""
    return f"gives to {found.group('name')} what {', '.join(sorted({c.speaker for c in cited}))} said"


def _problem(text: str, cited: Sequence[Line], *, threshold: float) -> str:
    """Why the cited lines do not support the sentence, or "" when they do."""
    day = cited[0].meeting_date.date()
    ok, score = support(
        text, [f"{c.speaker}: {c.text}" for c in cited], threshold=threshold, meeting_date=day
    )
    if not ok:
        return f"its lines hold {score:.0%} of its words, or not its numbers and dates"
    facts = MeetingFacts.of(
        [Utterance(c.idx, c.speaker, c.start, c.end, c.text) for c in cited], names={}, meeting_date=day
    )
    problems = date_problems(text, facts) + number_problems(text, facts) + name_problems(text, facts)
    return "; ".join(problems)
