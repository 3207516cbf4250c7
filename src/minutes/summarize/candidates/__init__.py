"""Candidates: decisions, commitments and open questions found by rule in the transcript.

A small model asked for every item at once misses decisions and names the wrong owner, so the
items are found here, deterministically and sentence by sentence, with the speaker who said
them; a model later only judges and phrases each one. The rules read speech acts more than
words: a proposal and another speaker's acceptance, a first person with a future or an ability
and an action, a request or an imperative to a named person and their yes, a choice asked of
the room and answered. Each module's docstring lists its rules and the negatives it refuses:

- :mod:`.requests`: requests and offers accepted by another speaker (owner: who will do it);
- :mod:`.assigned`: work handed out by name in the third person ("the designer is going to work on …");
- :mod:`.decisions`: rulings, settled outcomes, "let's …", agreed proposals, answered choices, and
  (:mod:`.restated`) an outcome said back after the room agreed;
- :mod:`.commitments`: first-person commitments (owner: the speaker), one per turn;
- :mod:`.questions`: questions deferred or left unanswered.

Due dates come from :mod:`minutes.summarize.dates`, read from the item's clause, then the rest
of the same turn ("I'll do it. Tomorrow."), and for a request from the acceptor's turn first.
A deadline said by reference ("same deadline", "before Sam's window") takes the date of that
earlier item. Candidates are ordered by utterance; near-duplicates of one kind within five
utterances are merged, and so is a short offer that the same person restates ("I can deposit
it." … "I'll clean and deposit it by the end of the month.").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from minutes.summarize.candidates.assigned import assigned
from minutes.summarize.candidates.commitments import commitments
from minutes.summarize.candidates.decisions import decisions
from minutes.summarize.candidates.promise import commitment_cue
from minutes.summarize.candidates.questions import questions
from minutes.summarize.candidates.requests import offers, requests
from minutes.summarize.candidates.scan import Candidate, Scan, labels_by_name, rx
from minutes.summarize.text import content_words, fluent, split_sentences
from minutes.types import Utterance

__all__ = ["Candidate", "commitment_cue", "find_candidates"]


def _similar(a: Candidate, b: Candidate) -> bool:
    """Same kind and owner, close by, and the same sentence or mostly the same content words."""
    if a.kind != b.kind or a.owner != b.owner or abs(a.utterance - b.utterance) > 5:
        return False
    if a.text == b.text and set(a.evidence) & set(b.evidence):
        return True
    wa, wb = content_words(a.text), content_words(b.text)
    if a.kind == "action" and abs(a.utterance - b.utterance) <= 3 and 0 < len(min(wa, wb, key=len)) <= 2:
        return min(wa, wb, key=len) <= max(wa, wb, key=len)  # "I can deposit it." restated later
    return min(len(wa), len(wb)) >= 2 and len(wa & wb) / len(wa | wb) >= 0.6


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    for c in cands:
        twin = next((n for n, x in enumerate(kept) if _similar(x, c)), None)
        if twin is None:
            kept.append(c)
            continue
        x = kept[twin]
        evidence = tuple(sorted(set(x.evidence) | set(c.evidence)))
        kept[twin] = replace(x, evidence=evidence, due=x.due or c.due, due_text=x.due_text or c.due_text)
    return kept


_SAME_DEADLINE = rx(
    r"\b(?:same (?:deadline|day|time)|(?:before|by|with) (?P<name>(?-i:[A-Z][\w'-]*(?: [A-Z][\w'-]*){0,2}))'s"
    r" (?:window|deadline|date|slot|one|upgrade|launch|release|delivery))\b"
)


def _borrowed_due(cands: list[Candidate], names: dict[str, str]) -> list[Candidate]:
    """ "Before Oscar's window", "same deadline": the date of the other item it points to."""
    out: list[Candidate] = []
    for c in cands:
        m = _SAME_DEADLINE.search(c.text) if c.kind == "action" and c.due is None else None
        if m:
            owner = names.get((m.group("name") or "").lower().strip())
            earlier = [x for x in out if x.kind == "action" and x.due and (owner is None or x.owner == owner)]
            if earlier and (owner or not m.group("name")):
                c = replace(c, due=earlier[-1].due, due_text=m.group(0))
        out.append(c)
    return out


def find_candidates(
    utterances: Sequence[Utterance], *, meeting_date: date, names: Mapping[str, str] | None = None
) -> list[Candidate]:
    """Candidate decisions, action items and open questions of a meeting, in utterance order.

    ``names`` maps speaker labels to people's names, so that "Bob, can you …" belongs to Bob's
    label; due dates resolve against ``meeting_date``.
    """
    utterances = [replace(u, text=fluent(u.text)) for u in utterances]  # "I I'll uh I'll send it"
    sentences = [split_sentences(u.text) for u in utterances]
    scan = Scan(utterances, sentences, meeting_date, labels_by_name(names), set())
    found = (
        offers(scan) + requests(scan) + assigned(scan) + decisions(scan) + commitments(scan) + questions(scan)
    )
    order = {"decision": 0, "action": 1, "question": 2}
    found.sort(key=lambda c: (c.utterance, order[c.kind]))
    return _borrowed_due(_dedupe(found), scan.labels_by_name)
