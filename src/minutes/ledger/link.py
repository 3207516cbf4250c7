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
scores win. A link is ``auto`` when its score clears ``CERTAIN`` (:mod:`.scoring`), else
``suggested`` for a person to confirm. How one line is read against one item is :mod:`.reading`.
The thresholds were chosen on the tune half of ``tests/data/series`` and on the dev splits
(``bench/ledger.py``), never on the test half.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from minutes.ledger import cues
from minutes.ledger.about import open_item
from minutes.ledger.again import one_more
from minutes.ledger.model import Link, SeriesMeeting
from minutes.ledger.reading import LineRead, fronted_item, line_says, prompt_for, still_open
from minutes.ledger.scoring import (
    CERTAIN,
    CONTEXT_WEIGHT,
    OWNER_BONUS,
    SIGNAL_BONUS,
    TOPIC_DECISION,
    TOPIC_ITEM,
    TOPIC_QUESTION,
    Candidate,
    OpenItem,
    Weights,
)
from minutes.ledger.topic import topic_words
from minutes.summarize.text import name_key


def link_series(meetings: Sequence[SeriesMeeting]) -> list[Link]:
    """Every link the linker finds among ``meetings`` (ordered by date here), each to the first
    item of its commitment, decision or question."""
    ordered = sorted(meetings, key=lambda m: (m.meeting_date or date.min, m.meeting_id))
    docs = [frozenset(topic_words(ln.text)) for m in ordered for ln in m.lines]
    weights = Weights(docs)
    open_items: list[OpenItem] = []
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
        open_items.extend(
            open_item(e, by_index, m.entries)
            for e in m.entries
            if (e.meeting_id, e.position) not in restated and not (e.kind == "action" and e.done)
        )
    return found


def _link_meeting(m: SeriesMeeting, earlier: list[OpenItem], weights: Weights) -> list[Link]:
    lines = {ln.index: ln for ln in m.lines}
    candidates: list[Candidate] = []
    pools: dict[str, list[OpenItem]] = {"action": [], "decision": [], "question": []}
    for i in earlier:
        pools[i.entry.kind].append(i)
    actions = pools["action"]
    for e in m.entries:
        mine = {w: 1.0 for w in topic_words(e.text)}
        for idx in e.lines[:1]:
            if idx in lines:
                mine.update({w: 1.0 for w in topic_words(lines[idx].text)})
        if e.kind == "decision" and e.lines:
            # "Half five, then. From Monday." is about the café's hours said the line before
            around = [lines[i] for i in (*e.lines[1:], min(e.lines) - 1) if i in lines]
            for w in topic_words(" ".join(ln.text for ln in around)):
                mine.setdefault(w, CONTEXT_WEIGHT)
        for item in pools[e.kind]:
            score = item.cover(weights, mine)
            if e.kind == "action":
                later_owner = e.owner if e.named else None
                same = item.owner is not None and name_key(item.owner) == name_key(later_owner or "")
                if score < TOPIC_ITEM or (item.owner and later_owner and not same):
                    continue
                cited = " ".join(lines[i].text for i in e.lines[:1] if i in lines)
                if one_more(e.text, item.entry.text) or one_more(cited, item.entry.text, line=True):
                    continue  # "I'll order another two hundred pouches": a new task like the old
                kind = "redated" if e.due is not None and e.due != item.due else "restated"
                candidates.append(
                    Candidate(
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
                    candidates.append(Candidate(score + lift, item, "changed", e.lines, e.position))
            elif score >= TOPIC_QUESTION:
                candidates.append(Candidate(score, item, "carried", e.lines, e.position))
    by_word: dict[str, list[OpenItem]] = {}
    for item in actions:
        for w in item.words:
            by_word.setdefault(w, []).append(item)
    for ln in m.lines:
        said = LineRead.of(ln, lines.get(ln.index - 1))
        candidates.extend(still_open(said, pools["question"], weights))
        # Only items sharing a word with the line or the line before can be what it is about.
        near = {id(i): i for w in said.context for i in by_word.get(w, ())}
        prompted = prompt_for(ln, said.before, actions, weights) or fronted_item(
            ln, said.sentences, actions, weights
        )
        if prompted is not None:
            near[id(prompted)] = prompted
        for item in near.values():
            found = line_says(said, item, item is prompted, weights, m.meeting_date)
            if found is not None:
                candidates.append(found)
    return _asked_again(_choose(candidates, m.meeting_id), m, pools["question"])


def _asked_again(links: list[Link], m: SeriesMeeting, questions: list[OpenItem]) -> list[Link]:
    """A line saying an open question is still open that is itself one of the meeting's questions,
    about the same thing, carries it: that question is the earlier one asked again, not a new one
    ("Did anyone find out about the car park?"). A question about something else said in the same
    line stays new."""
    about = {q.root: q.words for q in questions}
    used = {ln.position for ln in links if ln.position is not None}
    out = []
    for ln in links:
        if ln.kind == "carried" and ln.position is None and ln.lines:
            for e in m.entries:
                same = e.kind == "question" and e.lines[:1] == ln.lines[:1] and e.position not in used
                if same and about.get(ln.earlier, frozenset()) & frozenset(topic_words(e.text)):
                    ln = replace(ln, position=e.position)
                    used.add(e.position)
                    break
        out.append(ln)
    return out


def _choose(candidates: list[Candidate], meeting_id: int) -> list[Link]:
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
