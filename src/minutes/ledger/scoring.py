"""What the linker weighs: its thresholds, an open earlier item, how rare a word is in a series,
and a candidate link (:mod:`minutes.ledger.link` chooses among them)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from minutes.ledger.model import Entry
from minutes.ledger.topic import norm
from minutes.summarize.text import words

TOPIC = 0.42
"""Share of an earlier item's topic (idf-weighted words) a later line must cover to be about it."""
TOPIC_ITEM = 0.5
"""The same for a later action item restating an earlier one."""
TOPIC_DECISION = 0.33
TOPIC_QUESTION = 0.45
STILL_OPEN = 0.2
"""The least share of an open question's topic a line saying it is still open ("Consumables, still
nothing.") must name: questions are long, and such a line names them by a word or two."""
STILL_OPEN_BONUS = 0.35
"""Added to such a line's score: "still no answer" said of a question is as plain as "done" of a
task (on the read splits no line saying so was linked to the wrong question)."""
OWNER_BONUS = 0.2
SIGNAL_BONUS = 0.1
"""Added to a close said in so many words ("it's done", "rotated" for "rotate the keys")."""
CERTAIN = 0.55
CONTEXT_WEIGHT = 0.6
"""How much the line before counts towards what a line is about."""
PROMPTED = 0.3
"""The least topic score of a reply to a short prompt that points at one of the speaker's own
commitments ("Tom, the leak?" → "Sorted."): with the owner's bonus and a plain close it is auto."""
PROMPTED_NEWS = 0.35
"""The same for the owner's reply that says plainly the task is done or dropped ("Tom, the
near-miss?" → "Happened Thursday.", "Gone."): with the owner's bonus it is auto, and it outranks
another speaker's line that only shares the task's words. Replies saying the task goes on or
moves keep :data:`PROMPTED` (on the read splits raising those took "Not yet." and "I'll do it
tonight" for links)."""
PROMPT_WORDS = 10
FRONTED_WORDS = 5
"""The longest topic a speaker names before its status ("The leak, still on it.")."""


@dataclass(frozen=True, slots=True)
class OpenItem:
    entry: Entry
    words: frozenset[str]
    owner: str | None
    due: date | None
    root: tuple[int, int, int]
    stress: dict[str, float] = field(default_factory=dict)
    """Topic word → how much it counts, where not 1 (the words of a task's modifiers count less)."""
    core: frozenset[str] | None = None
    """The item's own words, where ``words`` adds those of the talk around it."""

    def cover(self, weights: Weights, said: dict[str, float]) -> float:
        """The share of the item's topic ``said`` covers: of its own words, or of its own and the
        talk around it, whichever is more."""
        full = weights.cover(self.words, said, stress=self.stress)
        if self.core is None or self.core == self.words:
            return full
        return max(full, weights.cover(self.core, said, stress=self.stress))

    @property
    def verb(self) -> str | None:
        """The task's verb: its first word as a rule ("Fix the leak" → "fix"), or the first after
        the speaker's own lead-in when the task is a sentence as said ("So I'll write the case" →
        "write")."""
        first = next((w for w in words(self.entry.text) if w not in _LEAD_IN), None)
        return norm(first) if first else None


_LEAD_IN = frozenset(
    [
        "i",
        "i'll",
        "i'm",
        "i'd",
        "i've",
        "we",
        "we'll",
        "we're",
        "we'd",
        "you",
        "you'll",
        "he",
        "she",
        "they",
        "he'll",
        "she'll",
        "they'll",
        "it",
        "it'll",
        "will",
        "shall",
        "can",
        "could",
        "would",
        "should",
        "might",
        "may",
        "must",
        "going",
        "gonna",
        "to",
        "try",
        "and",
        "so",
        "then",
        "also",
        "just",
        "okay",
        "ok",
        "yes",
        "yeah",
        "yep",
        "right",
        "sure",
        "fine",
        "well",
        "oh",
        "um",
        "uh",
        "er",
        "happy",
        "definitely",
        "probably",
        "let",
        "let's",
        "me",
        "us",
        "but",
        "or",
        "actually",
        "honestly",
        "alright",
        "have",
        "be",
    ]
)
"""Words before the verb of a commitment said in a speaker's own words ("Yeah, so I'll have to
ring them"); "have" and "be" too, which as a task's verb ("I'll have it booked") say nothing of
it ("had" is no close)."""


class Weights:
    """Inverse document frequency of topic words over a series' lines."""

    def __init__(self, docs: Sequence[frozenset[str]]) -> None:
        self.n = max(len(docs), 1)
        self.df = Counter(w for d in docs for w in d)
        self.idf: dict[str, float] = {}

    def __call__(self, word: str) -> float:
        found = self.idf.get(word)
        if found is None:
            found = self.idf[word] = math.log(1 + self.n / (1 + self.df.get(word, 0)))
        return found

    def cover(
        self, topic: frozenset[str], said: dict[str, float], stress: dict[str, float] | None = None
    ) -> float:
        """The weighted share of ``topic`` found in ``said`` (word → how much it counts);
        ``stress``: topic words that count for less or more than their rarity says."""
        stress = stress or {}
        total = sum(self(w) * stress.get(w, 1.0) for w in topic)
        if total == 0:
            return 0.0
        return sum(self(w) * stress.get(w, 1.0) * said.get(w, 0.0) for w in topic) / total


def named(owner: str | None, text: str, *, possessive: bool = False) -> bool:
    """Whether ``text`` names the owner by their first name; with ``possessive`` also as one
    ("Sunita's timetable went over": said of their task, where "Kwame's doing it" in the line
    before is said about them, not to them)."""
    if not owner:
        return False
    first = owner.split()[0].casefold()
    said = {w.casefold() for w in words(text)}
    return first in said or (possessive and f"{first}'s" in said)


@dataclass(frozen=True, slots=True)
class Candidate:
    score: float
    item: OpenItem
    kind: str
    lines: tuple[int, ...]
    position: int | None = None
    due: date | None = None
    sentence: int = 0
