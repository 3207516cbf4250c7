"""What an earlier item of a series is about, read from its words: the words after its first
preposition count less ("at Saturday's food distribution"), and an item said with a pronoun ("I'll
take them down Friday.") is about the request before it."""

from __future__ import annotations

import re

from minutes.ledger.cues import topic_words
from minutes.ledger.model import Entry, Line
from minutes.summarize.text import name_key, words

CONTEXT_ITEM = 0.3
"""How much the words of the request before an action item said with a pronoun count ("Declan, can
you take the posters down?" → "I'll take them down Friday."): without them the item is about
nothing; at full weight they pull in the request's other topics."""
MODIFIER = 0.7
"""How much the words after a task's first preposition count ("Book the ADR session *with the lead
actor*"): people name a task by its verb and object."""

_PREPOSITIONS = frozenset(
    [
        "for",
        "at",
        "with",
        "in",
        "on",
        "from",
        "to",
        "about",
        "before",
        "after",
        "by",
        "into",
        "onto",
        "behind",
        "under",
        "over",
        "between",
        "during",
        "until",
        "till",
        "via",
        "per",
        "across",
        "around",
        "against",
    ]
)


def stress(task: str) -> dict[str, float]:
    """A task's words after its first preposition ("at Saturday's food distribution") say where,
    when or for whom; the words before it (the verb and its object) say what it is."""
    said = words(task)
    cut = next((n for n, w in enumerate(said) if n > 0 and w in _PREPOSITIONS), len(said))
    core = set(topic_words(" ".join(said[:cut])))
    return {w: MODIFIER for w in topic_words(" ".join(said[cut:])) if w not in core}


PRONOUN = re.compile(r"\b(?:it|them|that|this|these|those|one)\b", re.IGNORECASE)


def asked_for(lines: dict[int, Line], e: Entry) -> frozenset[str]:
    """What an item said with a pronoun ("I'll take them down Friday.") is about: the words of the
    line before its first cited line (``lines``: the meeting's, by index), when someone else said
    it (the request, the question)."""
    first = min(e.lines, default=None)
    before = lines.get(first - 1) if first is not None else None
    if before is None or (e.owner and name_key(before.speaker) == name_key(e.owner)):
        return frozenset()
    cited = " ".join(lines[i].text for i in e.lines if i in lines)
    return frozenset(topic_words(before.text)) | frozenset(topic_words(cited))
