"""The linker: which items and lines of a later meeting of a series speak of earlier items.

Pure and deterministic (no model): a series is read in date order, and for each meeting

* an **action item** that restates an open earlier commitment (what it is about, weighed by how
  rare its words are in the series, and who owns it) is linked ``restated``, or ``redated`` when
  its due date differs;
* a **line** that says an open commitment is finished (``done``), abandoned (``dropped``), moved
  to another date (``redated``: a date it names, or "one more week" from the due date before) or
  still under way (``restated``) is linked to the commitment it is about: its own words and the
  line before it (a short "Sorted." answers "Tom, the leak?"), and a bonus when the owner says it
  or is named in it; a reply to a short prompt that points at one of the speaker's own commitments
  is about that one ("Ragnhild, the co-op." → "Still on it.");
* a **decision** on the topic of an earlier one that says something else (another number or date,
  or words of change: "instead", "move", "reverse", "after all") is linked ``changed``;
* an **open question** asked again is linked ``carried``.

Each earlier item takes at most one link per later meeting, each line serves one link; the best
scores win. A link is ``auto`` when its score clears :data:`CERTAIN`, else ``suggested`` for a
person to confirm. The thresholds were chosen on the tune half of ``tests/data/series`` and on
``tests/data/series-dev`` (``bench/ledger.py``), never on the test half.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from minutes.ledger import cues, when
from minutes.ledger.about import CONTEXT_ITEM, PRONOUN, asked_for, stress
from minutes.ledger.cues import topic_words
from minutes.ledger.model import Entry, Line, Link, SeriesMeeting
from minutes.summarize.text import name_key, split_sentences, words

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
PROMPT_WORDS = 10
FRONTED_WORDS = 5
"""The longest topic a speaker names before its status ("The leak, still on it.")."""


@dataclass(frozen=True, slots=True)
class _Item:
    entry: Entry
    words: frozenset[str]
    owner: str | None
    due: date | None
    root: tuple[int, int, int]
    stress: dict[str, float] = field(default_factory=dict)
    """Topic word → how much it counts, where not 1 (the words of a task's modifiers count less)."""

    @property
    def verb(self) -> str | None:
        """The task's first word, its verb as a rule ("Fix the leak" → "fix")."""
        first = words(self.entry.text)[:1]
        return cues.norm(first[0]) if first else None


class _Weights:
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


def _named(owner: str | None, text: str, *, possessive: bool = False) -> bool:
    """Whether ``text`` names the owner by their first name; with ``possessive`` also as one
    ("Sunita's timetable went over": said of their task, where "Kwame's doing it" in the line
    before is said about them, not to them)."""
    if not owner:
        return False
    first = owner.split()[0].casefold()
    said = {w.casefold() for w in words(text)}
    return first in said or (possessive and f"{first}'s" in said)


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
        by_index = {ln.index: ln for ln in m.lines}
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
            own = frozenset(topic_words(e.text)) or frozenset(topic_words(text))
            stressed = stress(e.text) if e.kind != "question" else {}
            if e.kind == "action" and PRONOUN.search(e.text):
                extra = asked_for(by_index, e)
                for w in extra - own:
                    stressed[w] = CONTEXT_ITEM
                own = own | extra
            open_items.append(_Item(e, own, e.owner if e.named else None, e.due, e.key, stressed))
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
    pools: dict[str, list[_Item]] = {"action": [], "decision": [], "question": []}
    for i in earlier:
        pools[i.entry.kind].append(i)
    actions = pools["action"]
    for e in m.entries:
        mine = {w: 1.0 for w in topic_words(e.text)}
        for idx in e.lines[:1]:
            if idx in lines:
                mine.update({w: 1.0 for w in topic_words(lines[idx].text)})
        for item in pools[e.kind]:
            score = weights.cover(item.words, mine, stress=item.stress)
            if e.kind == "action":
                later_owner = e.owner if e.named else None
                same = item.owner is not None and name_key(item.owner) == name_key(later_owner or "")
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
                if score >= TOPIC_DECISION and cues.changes(item.entry.text, e.text, text):
                    # "we said yellow, but we're switching to grey": the change said in so many words
                    lift = SIGNAL_BONUS if cues.said_change(text) else 0.0
                    candidates.append(_Candidate(score + lift, item, "changed", e.lines, e.position))
            elif score >= TOPIC_QUESTION:
                candidates.append(_Candidate(score, item, "carried", e.lines, e.position))
    by_word: dict[str, list[_Item]] = {}
    for item in actions:
        for w in item.words:
            by_word.setdefault(w, []).append(item)
    for ln in m.lines:
        said = _LineRead.of(ln, lines.get(ln.index - 1))
        candidates.extend(_still_open(said, pools["question"], weights))
        # Only items sharing a word with the line or the line before can be what it is about.
        near = {id(i): i for w in said.context for i in by_word.get(w, ())}
        prompted = _prompted(ln, said.before, actions, weights) or _fronted(
            ln, said.sentences, actions, weights
        )
        if prompted is not None:
            near[id(prompted)] = prompted
        for item in near.values():
            found = _line_says(said, item, item is prompted, weights, m.meeting_date)
            if found is not None:
                candidates.append(found)
    return _choose(candidates, m.meeting_id)


@dataclass(frozen=True, slots=True)
class _LineRead:
    """A line of a later meeting as the linker reads it: its sentences and their words, and what the
    line and the line before it are about."""

    line: Line
    before: Line | None
    sentences: list[str]
    heard: list[dict[str, float]]
    context: dict[str, float]

    @classmethod
    def of(cls, line: Line, before: Line | None) -> _LineRead:
        sentences = split_sentences(line.text) or [line.text]
        return cls(line, before, sentences, [_words(x) for x in sentences], _said("", line.text, before))


def _line_says(
    said: _LineRead, item: _Item, prompted: bool, weights: _Weights, meeting_date: date | None
) -> _Candidate | None:
    """What a line says of one open commitment, if anything: its kind, score and new due date."""
    ln, before, sentences = said.line, said.before, said.sentences
    owner = (bool(item.owner) and name_key(ln.speaker) == name_key(item.owner or "")) or _named(
        item.owner, ln.text, possessive=True
    )
    asked = before is not None and _named(item.owner, before.text)
    bonus = OWNER_BONUS if owner or asked else 0.0
    # The sentence most about the item says what became of it; the rest of the line and the line
    # before tell what it is about.
    best = max(
        range(len(sentences)), key=lambda n: weights.cover(item.words, said.heard[n], stress=item.stress)
    )
    sentence = sentences[best]
    score = weights.cover(item.words, said.context | said.heard[best], item.stress)
    if prompted:
        score = max(score, PROMPTED)
    # Words that abandon a task are rarer and plainer than words of completion: they count double.
    strength = 0.0
    if cues.strong(sentence, item.verb):
        strength = 2 * SIGNAL_BONUS if cues.DROP.search(sentence) else SIGNAL_BONUS
    # "The bridge letter, I'm taking it off my list." beside the sentence about the task
    dropped_near = any(
        cues.DROP.search(sentences[n]) for n in (best - 1, best + 1) if 0 <= n < len(sentences)
    )
    if dropped_near:
        strength = 2 * SIGNAL_BONUS
    if score < TOPIC - bonus - strength:
        return None
    status = cues.status(sentence, item.verb, owner=owner or asked, line=ln.text)
    if dropped_near and status in (None, "restated", "done"):
        status = "dropped"
    if status is None:
        status = _bare_status(sentences, best, item.verb, owner or asked, ln.text)
    dated = sentence
    if (owner or asked or prompted) and (
        status in (None, "restated", "redated") or (status == "done" and not cues.strong(sentence, item.verb))
    ):
        # "Slipped. Thursday.", "On it. Tomorrow.", "Harder than it looked. Thursday now.": a
        # sentence giving only a date, after the status, is the task's new date
        later = next((x for x in sentences[best + 1 :] if cues.only_date(x)), None)
        if later is not None and meeting_date is not None and when.new_due(later, meeting_date, None):
            status, dated = "redated", later
    if status is None or (
        status == "restated" and not prompted and not item.words & set(topic_words(ln.text))
    ):
        return None
    due = when.new_due(dated, meeting_date, item.due) if status == "redated" else None
    kind = "restated" if status == "redated" and (due is None or due == item.due) else status
    lift = strength if kind in ("done", "dropped") else 0.0
    if kind == "redated" and (dated is not sentence or cues.slipped(sentence)):
        lift = SIGNAL_BONUS  # "Slipped. Thursday.": a move said in so many words, as plain as a close
    if kind == "restated" and prompted and cues.progress(sentence):
        lift = SIGNAL_BONUS  # "Linh, Android?" → "Halfway. On track."
    return _Candidate(score + bonus + lift, item, kind, (ln.index,), due=due, sentence=best)


def _still_open(said: _LineRead, questions: list[_Item], weights: _Weights) -> list[_Candidate]:
    """An open question a line says is still open ("The technician post, nobody has said a word.",
    "Featuring. Anyone heard from Apple?"): carried, though no question is asked again in full."""
    out = []
    for n, sentence in enumerate(said.sentences):
        if not cues.UNANSWERED.search(sentence):
            continue
        heard = said.context | said.heard[n]
        for q in questions:
            score = weights.cover(q.words, heard)
            if score >= STILL_OPEN:
                out.append(_Candidate(score + STILL_OPEN_BONUS, q, "carried", (said.line.index,), sentence=n))
    return out


def _prompted(ln: Line, before: Line | None, actions: list[_Item], weights: _Weights) -> _Item | None:
    """The commitment a short prompt by someone else asks the speaker about ("Tom, the leak?",
    "Returns?", "Thanks. Priya."): of the speaker's own open items, the one the prompt's words
    point at when exactly one does."""
    if before is None or name_key(before.speaker) == name_key(ln.speaker):
        return None
    prompt = (split_sentences(before.text) or [before.text])[-1]  # "Good. Tom, the leak?"
    said = words(prompt)
    if not said or len(said) > PROMPT_WORDS:
        return None
    if not (prompt.rstrip().endswith("?") or _named(ln.speaker, prompt)):
        return None
    return _pointed(_words(prompt), _own(ln, actions), weights)


def _fronted(ln: Line, sentences: list[str], actions: list[_Item], weights: _Weights) -> _Item | None:
    """The commitment a speaker names first and then gives the status of ("The leak, still on
    it.", "Quotes for the teen seating. I've got two."): a sentence of at most
    :data:`FRONTED_WORDS` words, or the words before a sentence's first comma, that points at one
    of the speaker's own open commitments."""
    mine = _own(ln, actions)
    if not mine:
        return None
    for sentence in sentences:
        head = sentence.split(",", 1)[0] if "," in sentence else sentence
        said = words(head)
        if len(said) <= FRONTED_WORDS and _PERSONAL.isdisjoint(said):
            found = _pointed(_words(head), mine, weights)
            if found is not None:
                return found
    return None


_PERSONAL = frozenset(
    ["i", "i'll", "i'm", "i've", "i'd", "we", "we'll", "we're", "we've", "you", "you'll", "let's", "me", "us"]
)
"""Words of a clause about what the speakers will do ("I'll book it"), not a topic named."""


def _own(ln: Line, actions: list[_Item]) -> list[_Item]:
    return [i for i in actions if i.owner and name_key(i.owner) == name_key(ln.speaker)]


def _pointed(heard: dict[str, float], mine: list[_Item], weights: _Weights) -> _Item | None:
    """Of ``mine``, the one commitment ``heard`` is most about, when exactly one is."""
    scored = sorted(
        ((weights.cover(i.words, heard, stress=i.stress), n) for n, i in enumerate(mine)), reverse=True
    )
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return mine[scored[0][1]]


def _bare_status(sentences: list[str], best: int, verb: str | None, owner: bool, line: str) -> str | None:
    """What the line's other sentences say when they name no topic at all ("Sorted. All three
    hosts, back by half one.")."""
    for n, sentence in enumerate(sentences):
        if n != best and not topic_words(sentence):
            found = cues.status(sentence, verb, owner=owner, line=line)
            if found is not None:
                return found
    return None


def _words(text: str) -> dict[str, float]:
    return {w: 1.0 for w in topic_words(text)}


def _said(sentence: str, line: str, before: Line | None) -> dict[str, float]:
    """What a sentence is about: its words in full, the rest of its line and the line before in part."""
    out = {w: CONTEXT_WEIGHT for w in topic_words(before.text)} if before is not None else {}
    out.update({w: CONTEXT_WEIGHT for w in topic_words(line)})
    out.update(_words(sentence))
    return out


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
