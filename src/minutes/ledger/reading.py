"""How the linker reads one line of a later meeting against one open earlier item: what the line
is about (its sentences, the line before), which of the speaker's commitments a prompt or a topic
named first points at, and what it says became of the item (:func:`line_says`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minutes.ledger import cues, when
from minutes.ledger.again import one_more
from minutes.ledger.dropping import drops
from minutes.ledger.model import Line
from minutes.ledger.scoring import (
    CONTEXT_WEIGHT,
    FRONTED_WORDS,
    OWNER_BONUS,
    PROMPT_WORDS,
    PROMPTED,
    PROMPTED_NEWS,
    SIGNAL_BONUS,
    STILL_OPEN,
    STILL_OPEN_BONUS,
    TOPIC,
    Candidate,
    OpenItem,
    Weights,
    named,
)
from minutes.ledger.topic import norm, topic_words
from minutes.ledger.verbs import past
from minutes.summarize.text import name_key, split_sentences, words


@dataclass(frozen=True, slots=True)
class LineRead:
    """A line of a later meeting as the linker reads it: its sentences and their words, and what the
    line and the line before it are about."""

    line: Line
    before: Line | None
    sentences: list[str]
    heard: list[dict[str, float]]
    context: dict[str, float]

    @classmethod
    def of(cls, line: Line, before: Line | None) -> LineRead:
        sentences = split_sentences(line.text) or [line.text]
        return cls(line, before, sentences, [_words(x) for x in sentences], _said("", line.text, before))


def line_says(
    said: LineRead, item: OpenItem, prompted: bool, weights: Weights, meeting_date: date | None
) -> Candidate | None:
    """What a line says of one open commitment, if anything: its kind, score and new due date."""
    ln, before, sentences = said.line, said.before, said.sentences
    owner = (bool(item.owner) and name_key(ln.speaker) == name_key(item.owner or "")) or named(
        item.owner, ln.text, possessive=True
    )
    asked = before is not None and named(item.owner, before.text)
    bonus = OWNER_BONUS if owner or asked else 0.0
    # The sentence most about the item says what became of it; the rest of the line and the line
    # before tell what it is about.
    best = max(range(len(sentences)), key=lambda n: item.cover(weights, said.heard[n]))
    sentence = sentences[best]
    score = item.cover(weights, said.context | said.heard[best])
    if prompted:
        score = max(score, PROMPTED)
    # Words that abandon a task are rarer and plainer than words of completion: they count double.
    strength = 0.0
    if cues.strong(sentence, item.verb, item.words):
        strength = 2 * SIGNAL_BONUS if drops(sentence, item.words) else SIGNAL_BONUS
    # "The bridge letter, I'm taking it off my list." beside the sentence about the task
    # not a drop said before a question that opens the next topic: "Right, bin it. Service lift?"
    near = (best + 1,) if sentence.rstrip().endswith("?") else (best - 1, best + 1)
    dropped_near = any(drops(sentences[n], item.words) for n in near if 0 <= n < len(sentences))
    if dropped_near:
        strength = 2 * SIGNAL_BONUS
    if score < TOPIC - bonus - strength:
        return None
    if not prompted and _verb_alone(sentences[best], item, said):
        return None  # "I renewed my passport" says nothing of "Renew the domain name"
    status = cues.status(sentence, item.verb, owner=owner or asked, line=ln.text, topic=item.words)
    if dropped_near and status in (None, "restated", "done"):
        status = "dropped"
    dated = sentence
    if status is None:
        status, dated = _bare_status(sentences, best, item.verb, owner or asked, ln.text)
    if status is None:
        # "Sports hall. The quotes are in.": the sentence most about the task names it, another
        # sentence about it too says what became of it
        status, sentence = _status_elsewhere(said, best, item, weights, owner or asked)
    if status is None and prompted:
        # "Rafael, the numbers?" — "Sent them Wednesday. Per clinic, per week.": the reply is about
        # the task asked after, and a sentence of it says plainly it was done
        status, sentence = _closed_in_reply(said, item, sentence)
    if (
        status in (None, "redated", "restated")
        and prompted
        and cues.yes_to_done(before.text if before else "", ln.text)
    ):
        status, strength = "done", SIGNAL_BONUS  # "Rosa, Linden marked?" — "Yup."
    if status in (None, "redated") and prompted and cues.terse_done(sentences[0]):
        # "Pouches?" — "Here. They came Wednesday.", "SEN register?" — "All four in.": as plain as
        # "Sorted."; a date after it is about something else ("Both back. Lakeside wants an extra week.")
        status, strength = "done", SIGNAL_BONUS
    if status == "restated" and (owner or asked or prompted):
        # "The contract isn't signed, so I can't get a key. I need one more week for it.": the
        # sentence about the task says it is held up, a later one that names nothing else moves it
        moved = _moved_after(sentences, best, item)
        if moved is not None:
            status, dated = "redated", moved
        elif _held_to_later(sentence, item, meeting_date):
            status = "redated"  # "Sign-off won't happen before next Wednesday, the eighteenth."
    if (owner or asked or prompted) and (
        status in (None, "restated", "redated")
        or (status == "done" and not cues.strong(sentence, item.verb, item.words))
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
    if kind in ("restated", "redated") and one_more(sentence, item.entry.text):
        return None  # "I'll pull the same numbers for iOS separately as well": one more, not the same
    under_way = prompted and any(cues.progress(x) for x in sentences)
    if kind == "done" and under_way:
        kind = "restated"  # "Getting there. Did the two on the legacy box Monday.": part of it done
    if prompted and (kind == "dropped" or (kind == "done" and _plain_reply(sentence, sentences, item))):
        score = max(score, PROMPTED_NEWS)
    lift = strength if kind in ("done", "dropped") else 0.0
    if kind == "done" and cues.dated_past(sentence):
        lift += SIGNAL_BONUS  # "Barrier went in Wednesday": news of the day it happened
    if kind == "redated" and (
        dated is not sentence or cues.slipped(sentence) or (prompted and cues.shifted(sentence))
    ):
        # "Slipped. Thursday.", "Aoife, the rota?" → "Give me till the 19th.": a move said in so many
        # words, as plain as a close
        lift = SIGNAL_BONUS
    if kind == "restated" and under_way:
        lift = SIGNAL_BONUS  # "Linh, Android?" → "Halfway. On track."
    return Candidate(score + bonus + lift, item, kind, (ln.index,), due=due, sentence=best)


def _plain_reply(sentence: str, sentences: list[str], item: OpenItem) -> bool:
    """A reply whose sentence most about the task closes it plainly, or with a terse done beside it
    ("Live. The link went out with the newsletter.")."""
    return _plain_close(sentence, item) or any(cues.terse_done(x) for x in sentences)


def _plain_close(sentence: str, item: OpenItem) -> bool:
    """A close said as one: a word of completion or the task's verb, a terse "All four in.", or a
    report that starts with a verb in the past ("Happened Thursday.")."""
    return (
        cues.strong(sentence, item.verb, item.words) or cues.terse_done(sentence) or cues.reported(sentence)
    )


def still_open(said: LineRead, questions: list[OpenItem], weights: Weights) -> list[Candidate]:
    """An open question a line says is still open ("The technician post, nobody has said a word.",
    "Featuring. Anyone heard from Apple?"): carried, though no question is asked again in full."""
    out = []
    for n, sentence in enumerate(said.sentences):
        if not cues.unanswered(sentence):
            continue
        heard = said.context | said.heard[n]
        for q in questions:
            score = weights.cover(q.words, heard)
            if score >= STILL_OPEN:
                out.append(Candidate(score + STILL_OPEN_BONUS, q, "carried", (said.line.index,), sentence=n))
    return out


def prompt_for(ln: Line, before: Line | None, actions: list[OpenItem], weights: Weights) -> OpenItem | None:
    """The commitment a short prompt by someone else asks the speaker about ("Tom, the leak?",
    "Returns?", "Thanks. Priya."): of the speaker's own open items, the one the prompt's words
    point at when exactly one does."""
    if before is None or name_key(before.speaker) == name_key(ln.speaker):
        return None
    prompt = (split_sentences(before.text) or [before.text])[-1]  # "Good. Tom, the leak?"
    said = words(prompt)
    if not said or len(said) > PROMPT_WORDS:
        return None
    # "Tunde. Fobs.": the name said just before the topic
    called = named(ln.speaker, prompt) or (
        len(words(before.text)) <= PROMPT_WORDS and named(ln.speaker, before.text)
    )
    if not (prompt.rstrip().endswith("?") or called):
        return None
    return _pointed(_words(prompt), _own(ln, actions), weights)


def fronted_item(
    ln: Line, sentences: list[str], actions: list[OpenItem], weights: Weights
) -> OpenItem | None:
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


def _own(ln: Line, actions: list[OpenItem]) -> list[OpenItem]:
    return [i for i in actions if i.owner and name_key(i.owner) == name_key(ln.speaker)]


def _pointed(heard: dict[str, float], mine: list[OpenItem], weights: Weights) -> OpenItem | None:
    """Of ``mine``, the one commitment ``heard`` is most about, when exactly one is."""
    scored = sorted(((i.cover(weights, heard), n) for n, i in enumerate(mine)), reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return mine[scored[0][1]]


def _status_elsewhere(
    said: LineRead, best: int, item: OpenItem, weights: Weights, owner: bool
) -> tuple[str | None, str]:
    """A close said in another sentence of the line that is about the task too, most about it first."""
    others = sorted(
        (n for n in range(len(said.sentences)) if n != best and item.words & set(said.heard[n])),
        key=lambda n: -item.cover(weights, said.heard[n]),
    )
    for n in others:
        sentence = said.sentences[n]
        found = cues.status(sentence, item.verb, owner=owner, line=said.line.text, topic=item.words)
        # only a close, said in so many words or as the owner's report ("Spoke to them Monday.");
        # "has to be on it" beside the task is no news of it
        plain = cues.strong(sentence, item.verb, item.words) or (owner and cues.reported(sentence))
        if found in ("done", "dropped") and plain:
            return found, sentence
    return None, said.sentences[best]


def _closed_in_reply(said: LineRead, item: OpenItem, best: str) -> tuple[str | None, str]:
    """The first sentence of a reply to a prompt about the task that closes it plainly: a report, a
    terse done or a drop. Not :func:`_plain_close`'s any word of completion, which in a sentence not
    about the task is often about something else ("the third supplier's gone quiet")."""
    for sentence in said.sentences:
        found = cues.status(sentence, item.verb, owner=True, line=said.line.text, topic=item.words)
        plain = cues.reported(sentence) or cues.terse_done(sentence) or drops(sentence, item.words)
        if found in ("done", "dropped") and plain:
            return found, sentence
    return None, best


def _bare_status(
    sentences: list[str], best: int, verb: str | None, owner: bool, line: str
) -> tuple[str | None, str]:
    """What the line's other sentences say when they name no topic at all ("Sorted. All three
    hosts, back by half one."), and the sentence that says it (its date is the new due date)."""
    for n, sentence in enumerate(sentences):
        if n != best and not topic_words(sentence):
            found = cues.status(sentence, verb, owner=owner, line=line)
            if found is not None:
                return found, sentence
    return None, sentences[best]


def _moved_after(sentences: list[str], best: int, item: OpenItem) -> str | None:
    """A sentence after ``best`` that names nothing but the task and moves it ("I need one more week
    for it.", "So the repair will be the twenty-seventh of July."); not one that keeps its date ("so
    I'll still have all five by Friday")."""
    for sentence in sentences[best + 1 :]:
        named = set(topic_words(sentence))
        if (named and not named & item.words) or cues.as_planned(sentence):
            continue  # about something else, or keeping the date
        if cues.status(sentence, item.verb, owner=True, line=sentence) == "redated":
            return sentence
    return None


def _held_to_later(sentence: str, item: OpenItem, meeting_date: date | None) -> bool:
    """The sentence about the task says it is held up, and names a day later than it was due: the
    day it now moves to. Not one that keeps its date ("still on for Friday")."""
    if item.due is None or meeting_date is None or cues.as_planned(sentence) or cues.dated_past(sentence):
        return False  # "the lists came through on the Wednesday": a day gone, not the new one
    due = when.new_due(sentence, meeting_date, item.due)
    return due is not None and due > item.due


def _verb_alone(sentence: str, item: OpenItem, said: LineRead) -> bool:
    """A sentence that shares only the task's verb with it, said as a verb ("I renewed my passport"
    against "Renew the domain name"), and names something else: another task done the same way."""
    verb = item.verb
    if verb is None or not item.words & set(said.context) <= {verb}:
        return False
    acted = any(past(w) and norm(w) == verb for w in words(sentence))
    return acted and bool(set(topic_words(sentence)) - item.words)


def _words(text: str) -> dict[str, float]:
    return {w: 1.0 for w in topic_words(text)}


def _said(sentence: str, line: str, before: Line | None) -> dict[str, float]:
    """What a sentence is about: its words in full, the rest of its line and the line before in part."""
    out = {w: CONTEXT_WEIGHT for w in topic_words(before.text)} if before is not None else {}
    out.update({w: CONTEXT_WEIGHT for w in topic_words(line)})
    out.update(_words(sentence))
    return out
