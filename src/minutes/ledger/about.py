"""What an earlier item of a series is about, read from its words: the words after its first
preposition count less ("at Saturday's food distribution"), an item said with a pronoun ("I'll
take them down Friday.") is about the request before it, and an item that is only a sentence of its
line as said ("I'll get the service man in Thursday.") is about the rest of that line too, and
maybe about the line before ("Grinder sounds like a tractor." / "Café. Wanjiru.")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from minutes.ledger.model import Entry, Line
from minutes.ledger.scoring import OpenItem
from minutes.ledger.topic import topic_words
from minutes.summarize.text import name_key, words

CONTEXT_ITEM = 0.3
"""How much the words of the request before an action item said with a pronoun count ("Declan, can
you take the posters down?" → "I'll take them down Friday."): without them the item is about
nothing; at full weight they pull in the request's other topics."""
CITED = 0.3
"""How much the other words of its line count for an action item that is one sentence of that line
as said (the rules' own sentence): "Grinder sounds like a tractor. I'll get the service man in
Thursday." A task written out ("Get the café grinder serviced") names its topic itself."""
AROUND = 0.3
"""How much the line before counts for such an item, in a second reading of what it is about (the
one a later line covers more wins): "April book club pick, we'll need copies of that." → "I'll
order a dozen." Read always, it pulls in the talk's other topics (the read splits: more lines
before cost precision, and so did a full weight)."""
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


def open_item(e: Entry, lines: dict[int, Line], others: Sequence[Entry] = ()) -> OpenItem:
    """An item of a meeting as later meetings of its series are read against it (``lines``: its
    meeting's, by index; ``others``: the meeting's items, whose words and lines are their own)."""
    cited = " ".join(lines[i].text for i in e.lines[:1] if i in lines)
    own = frozenset(topic_words(e.text)) or frozenset(topic_words(e.text + " " + cited))
    stressed = stress(e.text) if e.kind != "question" else {}
    core = None
    if e.kind == "action" and PRONOUN.search(e.text):
        extra = asked_for(lines, e)
        for w in extra - own:
            stressed[w] = CONTEXT_ITEM
        own = own | extra
    if e.kind == "action" and said_as_is(e, lines):
        rest, before = _around(e, lines, [o for o in others if o.key != e.key])
        stressed.update(dict.fromkeys(rest - own, CITED))
        core = own | rest
        stressed.update(dict.fromkeys(before - core, AROUND))
        own = core | before
    return OpenItem(e, own, e.owner if e.named else None, e.due, e.key, stressed, core)


def _around(
    e: Entry, lines: dict[int, Line], others: Sequence[Entry]
) -> tuple[frozenset[str], frozenset[str]]:
    """The words of an item's cited lines that are not another item's, and those of the line before
    unless another item cites it (someone else's commitment is not this one's topic)."""
    theirs = {w for o in others if set(o.lines) & set(e.lines) for w in topic_words(o.text)}
    rest = frozenset(w for i in e.lines if i in lines for w in topic_words(lines[i].text)) - theirs
    before = lines.get(min(e.lines) - 1)
    if before is None or any(before.index in o.lines for o in others):
        return rest, frozenset()
    return rest, frozenset(topic_words(before.text))


def said_as_is(e: Entry, lines: dict[int, Line]) -> bool:
    """Whether the item's text is words of one of its cited lines as said, in order (the rules'
    sentence), rather than a task written out."""
    mine = " ".join(words(e.text))
    return bool(mine) and any(
        f" {mine} " in f" {' '.join(words(lines[i].text))} " for i in e.lines if i in lines
    )
