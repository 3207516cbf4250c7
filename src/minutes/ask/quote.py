"""When the check removes every sentence the model wrote: the lines it cited, quoted as said.

The model found lines about the question and wrote sentences on them that the check could not
verify (twice: the second try is checked too). Answering "not found in the meetings you can see"
would then claim the meetings do not speak of it, which is not what happened. The answer is instead
the cited lines themselves: of each, the sentences holding the question's words, word for word. A
quote needs no check (it is what was said), and the answer is marked ``quoted`` so no one takes it
for a summary. Only cited lines that hold at least one of the question's content words are quoted
(the lines holding the most of them, then those cited most often, at most :data:`QUOTES`); with none,
the answer stays "not found".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from minutes.ask.types import Answer, Citation, Line, Removed, Sentence
from minutes.lexical import terms
from minutes.summarize.dates import find_dates
from minutes.summarize.text import split_sentences

QUOTES = 2
PROMISE_SHARE = 0.5
"""A promise answers a question holding this share of its content words (with the speaker's name:
"Did Tom fix the leak?" — Tom: "I'll fix the leak by Friday.")."""
TERSE = 8
"""A later line shorter than this (in words) is quoted with the line before it: "Sorted." means
nothing without "Tom, the importer?"."""
QUOTE_WORDS = 40
"""A quoted line longer than this is cut to its sentences holding the question's words (QMSum's
lines run to hundreds of words; an answer is read at a glance)."""


def quoted(
    question_terms: Collection[str], lines: Sequence[Line], removed: Sequence[Removed]
) -> Answer | None:
    """The lines the removed sentences cited, quoted, or None when none holds a word of the question.

    ``question_terms`` are the question's stemmed content words (as the words ranking uses them),
    ``lines`` what the model was shown, ``removed`` the sentences the check took out (with the
    positions of the lines each cited)."""
    wanted = set(question_terms)
    cited = Counter(i for r in removed for i in r.lines if 0 <= i < len(lines))
    ranked = sorted(
        (-len(wanted.intersection(terms(lines[i].text))), -times, i) for i, times in cited.items()
    )
    best = sorted(i for held, _, i in ranked[:QUOTES] if held < 0)
    if not best:
        return None
    sentences = tuple(
        Sentence(f"{lines[i].speaker}: “{snippet(lines[i].text, wanted)}”", (Citation.of(lines[i]),))
        for i in best
    )
    return Answer(
        " ".join(s.text for s in sentences), True, sentences, tuple(removed), len(lines), quoted=True
    )


def snippet(text: str, wanted: Collection[str], *, limit: int = QUOTE_WORDS) -> str:
    """``text`` whole when short; else its sentences holding a word of ``wanted``, in order, up to
    ``limit`` words (a sentence past it is cut), gaps marked "…"."""
    if len(text.split()) <= limit:
        return text
    parts = split_sentences(text)
    keep = [n for n, part in enumerate(parts) if not set(terms(part)).isdisjoint(wanted)] or [0]
    out: list[str] = ["…"] if keep[0] > 0 else []
    count = 0
    last = -2
    for n in keep:
        words = parts[n].split()
        if count and count + len(words) > limit:
            break
        if last >= 0 and n != last + 1:
            out.append("…")
        taken = words[: limit - count]
        out.append(" ".join(taken) + (" …" if len(taken) < len(words) else ""))
        count += len(taken)
        last = n
    if last < len(parts) - 1 and not out[-1].endswith("…"):
        out.append("…")
    return " ".join(out)


def with_later(answer: Answer, lines: Sequence[Line], later: Mapping[int, Sequence[int]]) -> Answer:
    """``answer`` with, after its sentences, what a later meeting said of each commitment it cites.

    ``later`` maps the position of a line where a commitment of a series was promised to the lines
    of the ledger's events about it (:attr:`minutes.ask.retrieve.Retrieved.later`). An answer that
    cites the promise ("Tom said he would fix the memory leak by Friday") gets the last of them,
    quoted as said with its meeting's title and day ("Later, in Product sync on 9 March 2026: Ann:
    “Tom, the leak?” Tom: “Sorted.”"), unless a sentence already cites it. A quote needs no check;
    the model, shown those lines, mostly answers from the promise alone."""
    if not answer.found or not later:
        return answer
    position = {(line.meeting_id, line.utterance): n for n, line in enumerate(lines)}
    cited = [position[(c.meeting_id, c.utterance)] for s in answer.sentences for c in s.citations
             if (c.meeting_id, c.utterance) in position]  # fmt: skip
    added: list[Sentence] = []
    for n in dict.fromkeys(cited):
        if not later.get(n):
            continue
        last = later[n][-1]
        if last in cited:
            continue
        said = [last - 1, last] if last > 0 and _prompted(lines[last - 1], lines[last]) else [last]
        cited.extend(said)
        quotes = " ".join(f"{lines[k].speaker}: “{snippet(lines[k].text, ())}”" for k in said)
        added.append(
            Sentence(
                f"Later, in {_meeting(lines[last])}: {quotes}", tuple(Citation.of(lines[k]) for k in said)
            )
        )
    if not added:
        return answer
    sentences = (*answer.sentences, *added)
    return replace(answer, answer=" ".join(s.text for s in sentences), sentences=sentences)


def promised(
    question_terms: Collection[str], lines: Sequence[Line], later: Mapping[int, Sequence[int]]
) -> Answer | None:
    """When the model found no answer: the promise the question asks after, quoted as said, then
    what a later meeting said of it (:func:`with_later`); None when no promise shown with such a
    line holds :data:`PROMISE_SHARE` of the question's content words (the speaker's name counts, but
    the line itself must hold one: "Did Tom finish?" is not about every promise of Tom's).

    "Did Olusegun get the DBS checks through?" is answered by the ledger, not the model: where it
    was promised and where it was closed, in the words said; the model, shown both, often answers
    nothing."""
    wanted = set(question_terms)
    if not wanted:
        return None
    scored = []  # (-the question's words the promise holds, its speaker's name counting; position)
    for n, after in later.items():
        held = wanted.intersection(terms(lines[n].text)) if after and 0 <= n < len(lines) else set()
        if held:
            scored.append((-len(held | wanted.intersection(terms(lines[n].speaker))), n))
    if not scored or -min(scored)[0] < PROMISE_SHARE * len(wanted):
        return None
    line = lines[min(scored)[1]]
    said = Sentence(f"{line.speaker}: “{snippet(line.text, wanted)}”", (Citation.of(line),))
    return with_later(
        Answer(said.text, True, (said,), (), len(lines), quoted=True, promise=True), lines, later
    )


def _meeting(line: Line) -> str:
    """The meeting of ``line`` by its title and day ("Weekly sync on 9 March 2026"); the title alone
    when it names that day already ("Product sync 9 March", read as the minutes read dates)."""
    day, title = line.meeting_date.date(), line.meeting_title
    if any(m.date == day for m in find_dates(title, day)):
        return title
    return f"{title} on {day.day} {day:%B %Y}"


def _prompted(before: Line, line: Line) -> bool:
    """Whether ``line`` is a short reply to ``before``: the same meeting, another speaker."""
    return (
        before.meeting_id == line.meeting_id
        and before.utterance == line.utterance - 1
        and before.speaker != line.speaker
        and len(line.text.split()) < TERSE
    )
