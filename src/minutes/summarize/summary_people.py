"""Who a summary sentence gives a task, a decision or a deadline to, checked against the items.

A small model gets names and days wrong where a reader would trust them ("Alice will update the
guide by Monday" when Carol said "by next Tuesday"). When a sentence's words match an action item
(a supported one: its owner is the speaker who committed), the sentence must name that owner; a
decision must be given to someone who said it or took part in it; a deadline it gives the task
must be the item's. :mod:`minutes.summarize.summary_check` runs these with its other checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from minutes.summarize.candidates import commitment_cue
from minutes.summarize.dates import find_dates, without_dates
from minutes.summarize.grounding import support
from minutes.summarize.summary_facts import MeetingFacts, period_span
from minutes.summarize.text import content_words, count_shared, split_sentences
from minutes.types import MinuteItem, SentenceNote, Utterance

_MATCH = 0.6  # share of an item's content words a clause must hold to be "about" it
_CERTAIN = 0.75  # ... and to be certain enough to put the owner's name in
_FILLER = (
    r"(?:also|then|later|still|now|said|says|mentioned|noted|stated|confirmed|explained|that|she|he|they)"
)
_TASK_VERB = (
    r"will|is going to|agreed to|agrees to|committed to|commits to|promised to|offered to"
    r"|volunteered to|is to|has to|needs to|must|plans to|intends to|is responsible for|is in charge of"
    r"|takes care of|will take care of|took on|takes on|is tasked with|was asked to|has been asked to"
    r"|was assigned|has been assigned|is handling|is working on|should"
)
# "Alice updated the guide": a task said as done, by whoever is named before the verb. Verbs of
# speaking are left out: "Alice asked …" and "Alice mentioned …" report, they do not do.
_SPEAKING = (
    r"asked|said|mentioned|noted|suggested|proposed|reported|raised|questioned|wondered|explained|stated"
    r"|added|agreed|thanked|opened|started|emphasi[sz]ed|highlighted|pointed|expressed|confirmed|announced"
    r"|decided|discussed|presented|described|argued|shared|requested|replied|answered|responded|introduced"
    r"|welcomed|closed|concluded|called|wanted|needed|hoped|liked|seemed|noticed|observed|remarked"
    r"|recommended|reminded|insisted|objected|worried|expected|believed|doubted|preferred|assigned|tasked"
)
_DONE_VERB = rf"(?!(?:{_SPEAKING})\b)(?:[a-z]{{3,}}ed|sent|took|wrote|made|gave|did|built|brought|ran)"
_DECISION_VERB = r"decided|proposed|suggested|announced|confirmed|concluded|approved|chose"


@dataclass(frozen=True, slots=True)
class CheckedMeeting:
    """What a summary sentence is checked against."""

    facts: MeetingFacts
    names: Mapping[str, str]  # speaker label → name
    heard: Mapping[str, str]  # unnamed speaker label → the name others called them (addressed.py)
    items: tuple[MinuteItem, ...]  # supported items only
    utterances: Sequence[Utterance]
    by_index: Mapping[int, Utterance]
    said: set[str]  # every content word of the meeting's lines (``facts.words``) and its speakers' names


def _name_pattern(m: CheckedMeeting) -> str | None:
    """A regex alternation of every speaker name and first name, longest first."""
    every = [*m.names.values(), *m.heard.values()]
    keys = set(every) | {n.split()[0] for n in every if n.split()}
    keys = {k for k in keys if len(k) > 1}
    if not keys:
        return None
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


def _agents(sentence: str, names_rx: str, verb: str) -> list[tuple[str, int, int]]:
    """(name, clause start, clause end) for each person the sentence gives a task (or decision) to."""
    subject = re.compile(
        rf"\b(?P<name>{names_rx})\b(?:'ll\b|(?:\s+{_FILLER}\b){{0,3}}\s+(?:{verb})\b)", re.IGNORECASE
    )
    obj = re.compile(
        rf"\b(?:asked|tasked|assigned|told|requested|instructed|reminded|wants|wanted|needs)\s+"
        rf"(?P<name>{names_rx})\s+(?:to|with)\b",
        re.IGNORECASE,
    )
    done = re.compile(rf"\b(?P<name>{names_rx})(?:\s+(?:also|then|later|already))?\s+{_DONE_VERB}\b")
    tasks = [*obj.finditer(sentence), *done.finditer(sentence)] if verb == _TASK_VERB else []
    found = [*subject.finditer(sentence), *tasks]
    # A one-word name must be written as a name: "will" is no person called Will.
    hits = sorted(
        [(x.group("name"), x.end()) for x in found if x.group("name")[0].isupper() or " " in x.group("name")],
        key=lambda h: h[1],
    )
    out = []
    for n, (name, start) in enumerate(hits):
        end = hits[n + 1][1] if n + 1 < len(hits) else len(sentence)
        # the next person's clause starts at their name, not after their verb
        nxt = re.search(rf"\b{re.escape(hits[n + 1][0])}\b", sentence[start:]) if n + 1 < len(hits) else None
        out.append((name, start, start + nxt.start() if nxt else end))
    return out


def _match(clause: str, item_text: str, meeting_date: date) -> float:
    """How surely a clause is about an item, from 0 to 1, dates left out.

    The share of the item's content words the clause holds (at least 2 of them), or, for a
    clause that says part of the task ("update the guide" for "update the guide and send it"),
    the share of the clause's words the item holds, when that is at least 3 words.
    """
    item = content_words(without_dates(item_text, meeting_date))
    words = content_words(without_dates(clause, meeting_date))
    if len(item) < 2 or len(words) < 2:
        return 0.0

    of_item, of_clause = count_shared(item, words), count_shared(words, item)
    score = of_item / len(item) if of_item >= 2 else 0.0
    return max(score, of_clause / len(words) if of_clause >= 3 else 0.0)


def _is_named(person: str, name: str) -> bool:
    """Whether ``person`` (as the sentence wrote it) is the speaker called ``name``."""
    return person.lower() in {name.lower(), *(w.lower() for w in name.split())}


def _mentions(sentence: str, name: str) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", sentence, re.IGNORECASE) for w in name.split() if len(w) > 1)


def attribution_problems(sentence: str, m: CheckedMeeting) -> tuple[list[str], SentenceNote | None]:
    """Tasks, decisions and deadlines the sentence gives to the wrong person; a certain fix if any."""
    names_rx = _name_pattern(m)
    if names_rx is None:
        return [], None
    problems: list[str] = []
    agents = _agents(sentence, names_rx, _TASK_VERB)
    fix: SentenceNote | None = None
    for person, start, end in agents:
        found = _wrong_owner(sentence, person, sentence[start:end], m)
        if found is None:
            continue
        reason, owner = found
        others = [n for n in m.names.values() if not _is_named(person, n) and _mentions(sentence, n)]
        once = len(re.findall(rf"\b{re.escape(person)}\b", sentence)) == 1
        alone = len(agents) == 1 and once and not others
        if owner is not None and alone:
            fixed = re.sub(rf"\b{re.escape(person)}\b", owner, sentence, count=1)
            fix = SentenceNote(sentence, reason, fixed)
        else:
            problems.append(reason)
    for person, start, end in _agents(sentence, names_rx, _DECISION_VERB):
        problems += _wrong_decider(person, sentence[start:end], m)
    problems += _wrong_deadline(sentence, agents, m)
    if problems and fix is not None:
        return [*problems, fix.reason], None
    return problems, fix


def _owner_name(m: CheckedMeeting, item: MinuteItem) -> str | None:
    return m.names.get(item.owner) if item.owner else None


def _best_actions(clause: str, m: CheckedMeeting) -> list[tuple[float, MinuteItem]]:
    """The action items the clause is about (the best and any within 0.15 of it)."""
    scored = [(_match(clause, i.text, m.facts.meeting_date), i) for i in m.items if i.kind == "action"]
    scored = [(s, i) for s, i in scored if s >= _MATCH]
    if not scored:
        return []
    best = max(s for s, _ in scored)
    return [(s, i) for s, i in scored if s >= best - 0.15]


def _wrong_owner(sentence: str, person: str, clause: str, m: CheckedMeeting) -> tuple[str, str | None] | None:
    """Why giving ``clause`` to ``person`` is wrong and the owner's name if certain; None if fine."""
    matched = _best_actions(clause, m)
    if not matched:
        return None
    owners = {i.owner: m.names.get(i.owner or "") or m.heard.get(i.owner or "") for _, i in matched}
    if any(_is_named(person, o) or _mentions(sentence, o) for o in owners.values() if o):
        return None
    label = _label_of(person, m)
    if None in owners.values() and (label is None or label in owners):
        return None  # an owner nobody named, and no sign that this person is someone else
    if _committed(person, clause, m):
        return None  # they took on the same task themselves, though it was not made an item
    score, item = max(matched, key=lambda x: x[0])
    owner = _owner_name(m, item)
    heard = m.heard.get(item.owner or "")
    whose = owner or (f"{heard} ({item.owner})" if heard else str(item.owner))
    reason = f"gives “{plain(item.text)}” to {person}, but that action item is {whose}’s"
    if owner is None and label is not None:
        reason += f" ({person} is {label}, going by who was called that in the meeting)"
    # Only a name a person gave the speaker is put in; a heard one is not certain enough.
    return reason, owner if len(owners) == 1 and score >= _CERTAIN else None


def _label_of(person: str, m: CheckedMeeting) -> str | None:
    for names in (m.names, m.heard):
        label = next((lb for lb, n in names.items() if _is_named(person, n)), None)
        if label is not None:
            return label
    return None


def _committed(person: str, clause: str, m: CheckedMeeting) -> bool:
    """Whether ``person`` said they would do what ``clause`` says ("I'll update the guide")."""
    label = _label_of(person, m)
    for u in m.utterances:
        if u.speaker != label:
            continue
        for s in split_sentences(u.text):
            if commitment_cue(s) and support(clause, [s])[1] >= 0.5:
                return True
    return False


def _wrong_decider(person: str, clause: str, m: CheckedMeeting) -> list[str]:
    """A decision given to someone who neither said it nor took part in it."""
    scored = [(_match(clause, i.text, m.facts.meeting_date), i) for i in m.items if i.kind == "decision"]
    scored = [(s, i) for s, i in scored if s >= _MATCH]
    if not scored:
        return []
    label = _label_of(person, m)
    if label is None:
        return []
    for _, item in scored:
        speakers = {m.by_index[e].speaker for e in item.evidence if e in m.by_index}
        if label in speakers or any(n not in m.names for n in speakers):
            return []
    # Someone may have proposed it earlier, outside the cited lines: only a person who never
    # said anything like it is wrong.
    own = [u.text for u in m.utterances if u.speaker == label]
    if own and any(support(clause, [t], threshold=0.5)[1] >= 0.5 for t in own):
        return []
    return [f"gives the decision “{plain(scored[0][1].text)}” to {person}, who did not take part in it"]


def _wrong_deadline(sentence: str, agents: list[tuple[str, int, int]], m: CheckedMeeting) -> list[str]:
    """A deadline ("by Monday") given to an action item that is due on another day."""
    out: list[str] = []
    for _person, start, end in agents:
        clause = sentence[start:end]
        deadlines = [d for d in find_dates(clause, m.facts.meeting_date) if d.deadline]
        matched = _best_actions(clause, m)
        if not deadlines or len(matched) != 1 or not matched[0][1].due:
            continue
        item = matched[0][1]
        due = item.due or ""
        for d in deadlines:
            span = period_span(d, m.facts.meeting_date)
            if span and span[0].isoformat() <= due <= span[1].isoformat():
                continue  # "by next week" for a day of next week
            if d.date.isoformat() != due:
                said = f" (“{item.due_text}”)" if item.due_text else ""
                task = plain(item.text)
                out.append(
                    f"says “{d.text}” ({d.date.isoformat()}) for “{task}”, which is due {item.due}{said}"
                )
    return out


def plain(text: str) -> str:
    """An item's text as quoted in a reason or a fallback sentence: one line, no closing stop."""
    return " ".join(text.split()).rstrip(" .!")
