"""The linker: which items and lines of a later meeting of a series speak of earlier items.

Pure and deterministic (no model): a series is read in date order, and for each meeting

* an **action item** that restates an open earlier commitment (what it is about, weighed by how
  rare its words are in the series, and who owns it) is linked ``restated``, or ``redated`` when
  its due date differs;
* a **line** that says an open commitment is finished (``done``), abandoned (``dropped``), moved
  to another date (``redated``: a date it names, or "one more week" from the due date before) or
  still under way (``restated``) is linked to the commitment it is about: its own words and the
  line before it (a short "Sorted." answers "Tom, the leak?"), and a bonus when the owner says it
  or is named in it;
* a **decision** on the topic of an earlier one that says something else (another number or date,
  or words of change: "instead", "move", "reverse", "after all") is linked ``changed``;
* an **open question** asked again is linked ``carried``.

Each earlier item takes at most one link per later meeting, each line serves one link; the best
scores win. A link is ``auto`` when its score clears :data:`CERTAIN`, else ``suggested`` for a
person to confirm. The thresholds were chosen on the tune half of ``tests/data/series``
(``bench/ledger.py``), never on its test half.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from minutes.ledger.model import Entry, Line, Link, SeriesMeeting
from minutes.summarize.dates import find_dates
from minutes.summarize.text import content_tokens, numbers_in, split_sentences, stem, words

TOPIC = 0.42
"""Share of an earlier item's topic (idf-weighted words) a later line must cover to be about it."""
TOPIC_ITEM = 0.5
"""The same for a later action item restating an earlier one."""
TOPIC_DECISION = 0.33
TOPIC_QUESTION = 0.45
OWNER_BONUS = 0.2
SIGNAL_BONUS = 0.1
"""Added to a close said in so many words ("it's done", "rotated" for "rotate the keys")."""
CERTAIN = 0.55
CONTEXT_WEIGHT = 0.6
"""How much the line before counts towards what a line is about."""
_PREFIX = 5

_GENERIC = frozenset(
    [
        "week",
        "weeks",
        "month",
        "day",
        "days",
        "today",
        "tomorrow",
        "tonight",
        "morning",
        "afternoon",
        "evening",
        "end",
        "next",
        "last",
        "time",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "still",
        "need",
        "want",
        "think",
        "know",
        "sure",
        "good",
        "great",
        "fine",
        "done",
        "finish",
        "finished",
        "complete",
        "sort",
        "sorted",
        "fix",
        "fixed",
        "ready",
        "update",
        "meet",
        "meeting",
        "plan",
    ]
)

_GENERIC_STEMS = frozenset(stem(w) for w in _GENERIC)

_DONE = re.compile(
    r"\b(done|finished|complete[d]?|sorted|resolved|closed|merged|shipped|sent|submitted|delivered|"
    r"signed|published|posted|launched|filed|paid|ordered|installed|replaced|fixed|"
    r"went (?:out|live|through|over|in|up)|"
    r"(?:'s|is|are|'re|was|were) (?:out|live|in|up|gone|down|over|through)|"
    r"gone out|dealt with|taken care of|ticked (?:that |it )?off|wrapped(?: up)?|in the bag|came through|"
    r"squared away|nailed|handled|out the door|landed|cleared|finali[sz]ed|got (?:it|them|the)\b|"
    r"uploaded|printed|emailed|circulated|arrived|received|hired|fitted|tested|approved|"
    r"all set|good to go|crossed off|checked off|all done|that's done|done and dusted|up and running|"
    r"in place|signed off|handed (?:over|in)|sorted out|came in|showed up|turned up|rolled out|deployed|"
    r"released|distributed|sent (?:round|out|off|over)|locked in|nailed down|secured|repaired|settled|"
    r"(?:did|finished|done) (?:it|that|them))\b",
    re.IGNORECASE,
)
_NOT_DONE = re.compile(
    r"(\b(?:not yet|haven't|hasn't|isn't|aren't|didn't|don't|doesn't|won't|wasn't|can't|couldn't|"
    r"not (?:done|finished|sent|out|in|live|ready|started|there)|almost|nearly|half ?(?:way|done)|partly|"
    r"in progress|working on|still (?:on|working|need|needs|waiting|to|chasing|not|thinking|going)|"
    r"(?:chase|nudge|remind|follow up|try) (?:them|him|her|it)?\s*again)\b|\?\s*$)",
    re.IGNORECASE,
)
_HEDGED = re.compile(
    r"\b(?:not yet|almost|nearly|half ?(?:way|done)|partly|in progress|on track|not (?:done|finished|sent)|"
    r"still (?:need|needs|waiting|to|chasing)|last (?:year|month|quarter|time)|\w+ ago|used to|back when|"
    r"at my old|different (?:thing|one|issue|problem))\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(i'll|i will|we'll|we will|it'll|it will|she'll|he'll|they'll|gonna|going to|shall)\b", re.IGNORECASE
)
_IRREGULAR_PAST = frozenset(
    [
        "went",
        "came",
        "got",
        "gone",
        "sent",
        "rang",
        "ran",
        "put",
        "wrote",
        "written",
        "made",
        "did",
        "gave",
        "took",
        "bought",
        "paid",
        "spoke",
        "met",
        "told",
        "found",
        "brought",
        "sold",
        "held",
        "kept",
        "built",
        "drew",
        "drove",
        "chose",
        "caught",
        "taught",
        "won",
    ]
)
_NOT_PAST = frozenset(
    [
        "need",
        "needed",
        "speed",
        "indeed",
        "hundred",
        "red",
        "bed",
        "shed",
        "feed",
        "seed",
        "embed",
        "proceed",
        "exceed",
        "based",
        "used",
        "supposed",
        "interested",
        "tired",
        "worried",
        "scared",
        "annoyed",
        "bored",
        "excited",
        "pleased",
        "concerned",
        "surprised",
        "involved",
        "required",
        "expected",
        "planned",
        "scheduled",
        "limited",
        "detailed",
        "advanced",
    ]
)
_DROP = re.compile(
    r"\b(drop(?:ped|ping)?|scrap(?:ped|ping)?|cancel(?:led|ed|ling)?|not (?:going to )?bother|no need|"
    r"no longer|forget (?:about )?|shelve[d]?|call(?:ed|ing)? off|abandon(?:ed)?|"
    r"skip(?:ping)? (?:the|it|that)|leave (?:the|it|that)\b.*\b(?:this year|for now|out|alone)|not doing|"
    r"won't (?:be )?(?:doing|needing|need)|kill(?:ed)? (?:it|the|that)|bin (?:it|the|that)|"
    r"take (?:it|that) off|off the list|not needed|pull(?:ed)? the|bin (?:ours|them|those)|"
    r"let's not (?:do|bother|go ahead)|skip the|no point|not worth|hold off on|"
    r"not going ahead|won't go ahead|off the table|not happening|park(?:ed)? (?:it|that|the)|"
    r"don't need (?:to|the|it)|doesn't need (?:to|doing)|not pursu\w+|gi(?:ve|ving|ven) up on|gave up on|"
    r"let (?:it|that) go|forget it|knock (?:it|that) on the head|pull(?:ed)? the plug|ax(?:e|ed)|"
    r"moot|superseded|overtaken by)\b",
    re.IGNORECASE,
)
_REDATE = re.compile(
    r"\b(push(?:ed|ing)?|mov(?:e|ed|ing)|slip(?:s|ped|ping)?|delay(?:ed|ing)?|postpon(?:e|ed|ing)|"
    r"extend(?:ed)?|more time|another|one more|extra|(?:till|until) the|won't make|not going to make|"
    r"realistically|instead|rather than|later than|bump(?:ed)?|reschedul(?:e|ed)|back to|give me|"
    r"till|until|can i have|won't be (?:ready|done) (?:until|till|before)|(?:bring|brought|pull(?:ed)?) "
    r"(?:it |that |this )?forward|slid(?:e|es|ing)?|hold (?:it|that|off) (?:until|till))\b",
    re.IGNORECASE,
)
_SHIFT = re.compile(
    r"\b(one|two|three|an?|another|extra|more|couple of|few)\s+(?:more\s+|extra\s+)?"
    r"(days?|weeks?|fortnights?|months?)\b",
    re.IGNORECASE,
)
_SHIFT_WORDS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "another": 1,
    "extra": 1,
    "more": 1,
    "two": 2,
    "three": 3,
    "couple of": 2,
    "few": 3,
}
_SHIFT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30}
_PROGRESS = re.compile(
    r"\b(still|working on|on it|in progress|half ?way|nearly|almost|started|on track|on my list|as planned|"
    r"not yet|haven't|getting there|under way|underway|chipping away|draft|progress|half done|part ?way|"
    r"ongoing|pending|waiting (?:on|for)|chasing|in hand|in the works|coming along|going well|so far)\b",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\b(instead|chang\w*|mov(?:e|ed|ing)|push(?:ed|ing)?|delay(?:ed|ing)?|postpon\w*|"
    r"revers\w*|switch\w*|back to|no longer|scrap\w*|cancel\w*|after all|actually|rather|revisit\w*|"
    r"overturn\w*|replace[d]?|keep the old|stick with|go with)\b",
    re.IGNORECASE,
)
_IRREGULAR = {
    "sent": "send",
    "wrote": "write",
    "written": "write",
    "built": "build",
    "made": "make",
    "paid": "pay",
    "bought": "buy",
    "spoke": "speak",
    "spoken": "speak",
    "met": "meet",
    "told": "tell",
    "found": "find",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "brought": "bring",
    "sold": "sell",
    "held": "hold",
    "kept": "keep",
    "ran": "run",
    "rang": "ring",
    "drew": "draw",
    "drawn": "draw",
    "rewrote": "rewrite",
    "chose": "choose",
    "chosen": "choose",
    "got": "get",
    "put": "put",
    "set": "set",
    "read": "read",
    "lent": "lend",
    "spent": "spend",
    "caught": "catch",
    "taught": "teach",
    "won": "win",
}


def _norm(word: str) -> str:
    return stem(_IRREGULAR.get(word, word))[:_PREFIX]


def topic_words(text: str) -> list[str]:
    """The words that say what a text is about: stemmed content words, irregular pasts as their
    verb, cut to five letters, without dates, time words and status words."""
    return list(_topic(text))


@functools.lru_cache(maxsize=1 << 16)
def _topic(text: str) -> tuple[str, ...]:
    out = []
    for w in content_tokens(" ".join(_IRREGULAR.get(t, t) for t in words(text))):
        if w in _GENERIC or w in _GENERIC_STEMS or w.isdigit():
            continue
        out.append(w[:_PREFIX])
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Item:
    entry: Entry
    words: frozenset[str]
    owner: str | None
    due: date | None
    root: tuple[int, int, int]

    @property
    def verb(self) -> str | None:
        """The task's first word, its verb as a rule ("Fix the leak" → "fix")."""
        first = words(self.entry.text)[:1]
        return _norm(first[0]) if first else None


class _Weights:
    """Inverse document frequency of topic words over a series' lines."""

    def __init__(self, docs: Sequence[frozenset[str]]) -> None:
        self.n = max(len(docs), 1)
        self.df = Counter(w for d in docs for w in d)

    def __call__(self, word: str) -> float:
        return math.log(1 + self.n / (1 + self.df.get(word, 0)))

    def cover(self, topic: frozenset[str], said: dict[str, float]) -> float:
        """The weighted share of ``topic`` found in ``said`` (word → how much it counts)."""
        total = sum(self(w) for w in topic)
        if total == 0:
            return 0.0
        return sum(self(w) * said.get(w, 0.0) for w in topic) / total


def _key(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _named(owner: str | None, text: str) -> bool:
    if not owner:
        return False
    first = owner.split()[0].casefold()
    return first in {w.casefold() for w in words(text)}


def link_series(meetings: Sequence[SeriesMeeting]) -> list[Link]:
    """Every link the linker finds among ``meetings`` (ordered by date here), each to the first
    item of its commitment, decision or question."""
    ordered = sorted(meetings, key=lambda m: (m.meeting_date or date.min, m.meeting_id))
    docs = [frozenset(topic_words(ln.text)) for m in ordered for ln in m.lines]
    weights = _Weights(docs)
    open_items: list[_Item] = []
    closed: set[tuple[int, int, int]] = set()
    found: list[Link] = []
    for m in ordered:
        links = _link_meeting(m, [i for i in open_items if i.root not in closed], weights)
        found.extend(links)
        due_now = {ln.earlier: ln.due for ln in links if ln.due is not None}
        for ln in links:
            if ln.kind in ("done", "dropped"):
                closed.add(ln.earlier)
        open_items = [replace(i, due=due_now.get(i.root, i.due)) for i in open_items]
        restated = {(m.meeting_id, ln.position) for ln in links if ln.position is not None}
        for e in m.entries:
            if (e.meeting_id, e.position) in restated or (e.kind == "action" and e.done):
                continue
            text = e.text + " " + " ".join(said.text for said in m.lines if said.index in e.lines[:1])
            open_items.append(
                _Item(
                    e,
                    frozenset(topic_words(e.text)) or frozenset(topic_words(text)),
                    e.owner if e.named else None,
                    e.due,
                    e.key,
                )
            )
    return found


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    item: _Item
    kind: str
    lines: tuple[int, ...]
    position: int | None = None
    due: date | None = None
    sentence: int = 0


def _link_meeting(m: SeriesMeeting, earlier: list[_Item], weights: _Weights) -> list[Link]:
    lines = {ln.index: ln for ln in m.lines}
    candidates: list[_Candidate] = []
    actions = [i for i in earlier if i.entry.kind == "action"]
    for e in m.entries:
        mine = {w: 1.0 for w in topic_words(e.text)}
        for idx in e.lines[:1]:
            if idx in lines:
                mine.update({w: 1.0 for w in topic_words(lines[idx].text)})
        pool = {
            "action": actions,
            "decision": [i for i in earlier if i.entry.kind == "decision"],
            "question": [i for i in earlier if i.entry.kind == "question"],
        }[e.kind]
        for item in pool:
            score = weights.cover(item.words, mine)
            if e.kind == "action":
                later_owner = e.owner if e.named else None
                same = item.owner is not None and _key(item.owner) == _key(later_owner)
                if score < TOPIC_ITEM or (item.owner and later_owner and not same):
                    continue
                kind = "redated" if e.due is not None and e.due != item.due else "restated"
                candidates.append(
                    _Candidate(
                        score + (OWNER_BONUS if same else 0),
                        item,
                        kind,
                        e.lines,
                        e.position,
                        e.due if kind == "redated" else None,
                    )
                )
            elif e.kind == "decision":
                text = " ".join(lines[i].text for i in e.lines if i in lines) or e.text
                if score >= TOPIC_DECISION and _changes(item.entry.text, e.text, text):
                    candidates.append(_Candidate(score, item, "changed", e.lines, e.position))
            elif score >= TOPIC_QUESTION:
                candidates.append(_Candidate(score, item, "carried", e.lines, e.position))
    by_word: dict[str, list[_Item]] = {}
    for item in actions:
        for w in item.words:
            by_word.setdefault(w, []).append(item)
    for ln in m.lines:
        sentences = split_sentences(ln.text) or [ln.text]
        before = lines.get(ln.index - 1)
        heard = [_words(x) for x in sentences]
        context = _said("", ln.text, before)
        # Only items sharing a word with the line or the line before can be what it is about.
        near = {id(i): i for w in context for i in by_word.get(w, ())}
        for item in near.values():
            owner = (bool(item.owner) and _key(ln.speaker) == _key(item.owner)) or _named(item.owner, ln.text)
            asked = before is not None and _named(item.owner, before.text)
            bonus = OWNER_BONUS if owner or asked else 0.0
            # The sentence most about the item says what became of it; the rest of the line and
            # the line before tell what it is about.
            best = max(range(len(sentences)), key=lambda n: weights.cover(item.words, heard[n]))
            sentence = sentences[best]
            score = weights.cover(item.words, context | heard[best])
            # Words that abandon a task are rarer and plainer than words of completion: they count double.
            strength = 0.0
            if _strong(sentence, item.verb):
                strength = 2 * SIGNAL_BONUS if _DROP.search(sentence) else SIGNAL_BONUS
            if score < TOPIC - bonus - strength:
                continue
            status = _status(sentence, item.verb, owner=owner or asked, line=ln.text)
            if status is None or (status == "restated" and not item.words & set(topic_words(ln.text))):
                continue
            due = _new_due(sentence, m.meeting_date, item.due) if status == "redated" else None
            kind = "restated" if status == "redated" and (due is None or due == item.due) else status
            lift = strength if kind in ("done", "dropped") else 0.0
            candidates.append(
                _Candidate(score + bonus + lift, item, kind, (ln.index,), due=due, sentence=best)
            )
    return _choose(candidates, m.meeting_id)


def _words(text: str) -> dict[str, float]:
    return {w: 1.0 for w in topic_words(text)}


def _said(sentence: str, line: str, before: Line | None) -> dict[str, float]:
    """What a sentence is about: its words in full, the rest of its line and the line before in part."""
    out = {w: CONTEXT_WEIGHT for w in topic_words(before.text)} if before is not None else {}
    out.update({w: CONTEXT_WEIGHT for w in topic_words(line)})
    out.update(_words(sentence))
    return out


def _strong(sentence: str, verb: str | None) -> bool:
    """A close said in so many words: a word of completion or dropping, or the task's own verb."""
    if _DROP.search(sentence) or _DONE.search(sentence):
        return True
    return verb is not None and any(_past(w) and _norm(w) == verb for w in words(sentence))


def _past(word: str) -> bool:
    return word in _IRREGULAR_PAST or (word.endswith("ed") and len(word) > 4 and word not in _NOT_PAST)


def _status(
    text: str, verb: str | None = None, *, owner: bool = False, line: str | None = None
) -> str | None:
    """What a line says of a commitment whose task starts with ``verb`` (its first topic word):
    ``dropped``, ``done``, ``redated``, ``restated`` (still under way), or nothing; ``owner``: the
    owner says it, or is named in it or in the line before; ``line``: the whole line ``text`` is a
    sentence of, whose hedges count too ("Almost there. The plumber's done the pipe run").

    Done is the task's own verb in the past tense ("rotated", "rang"), a word of completion
    ("sorted", "it's live"), or, from the owner, any verb in the past tense ("briefed them all");
    never under a negation ("not sent yet", "almost done") or in a question. Redated is a shift
    ("push", "one more week", "till") with a date or a span, or the owner's future with a date.
    """
    if _DROP.search(text):
        return "dropped"
    said = words(text)
    negated = _NOT_DONE.search(text) is not None or _HEDGED.search(line or text) is not None
    if not negated and verb is not None and any(_past(w) and _norm(w) == verb for w in said):
        return "done"
    dated = _SHIFT.search(text) is not None or _has_date(text)
    if _REDATE.search(text) and dated:
        return "redated"
    future = _FUTURE.search(text) is not None
    if _DONE.search(text) and not negated and not future:
        return "done"
    if owner and dated and future:
        return "redated"
    if owner and not negated and not future and any(_past(w) for w in said):
        return "done"
    if (_PROGRESS.search(text) or negated) and not text.rstrip().endswith("?"):
        return "restated"
    return None


_TO_BY = re.compile(
    r"\b(?:to|till|until|into|for|on)\s+(?=(?:the\s+)?(?:\d|[a-z-]+(?:st|nd|rd|th)\b|next|end|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday))",
    re.IGNORECASE,
)
_WEEK_AFTER = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday) week\b", re.IGNORECASE
)


@functools.lru_cache(maxsize=1 << 14)
def _dates(text: str, meeting_date: date) -> list[date]:
    """The dates a line names, reading "push it to the 20th" as "by the 20th" and "Friday week"
    as the Friday after next."""
    found = [m.date for m in find_dates(_TO_BY.sub("by ", text), meeting_date)]
    if _WEEK_AFTER.search(text):
        found = [d + timedelta(days=7) for d in found]
    return found


def _has_date(text: str) -> bool:
    return bool(_dates(text, date(2000, 1, 3)))


def _new_due(text: str, meeting_date: date | None, before: date | None) -> date | None:
    shift = _SHIFT.search(text)
    if shift is not None:
        count = _SHIFT_WORDS.get(shift.group(1).lower(), 1)
        unit = shift.group(2).lower().rstrip("s")
        base = before or meeting_date
        return base + timedelta(days=count * _SHIFT_DAYS[unit]) if base is not None else None
    if meeting_date is None:
        return None
    mentions = _dates(text, meeting_date)
    return max(mentions) if mentions else None


def _changes(before: str, after: str, said: str) -> bool:
    """Whether a later decision on the same topic says something else than the earlier one."""
    if numbers_in(before) != numbers_in(after) and numbers_in(after):
        return True
    return _CHANGE.search(said) is not None or _CHANGE.search(after) is not None


def _choose(candidates: list[_Candidate], meeting_id: int) -> list[Link]:
    """Best first: one link per earlier item and per sentence of a line (an item's restatement
    keeps its lines)."""
    taken_items: set[tuple[int, int, int]] = set()
    taken_lines: set[tuple[int, int]] = set()
    out: list[Link] = []
    for c in sorted(candidates, key=lambda c: -c.score):
        spot = (c.lines[0] if c.lines else -1, c.sentence)
        if c.item.root in taken_items or (c.position is None and spot in taken_lines):
            continue
        taken_items.add(c.item.root)
        taken_lines.add(spot)
        state = "auto" if c.score >= CERTAIN else "suggested"
        out.append(
            Link(c.kind, c.item.root, meeting_id, tuple(c.lines), c.position, c.due, round(c.score, 3), state)
        )
    return out
