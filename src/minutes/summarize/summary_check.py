"""Grounding for the summary prose: each sentence's facts checked against the meeting.

The model writes the summary freely, and a small model gets names and days wrong where a reader
would trust them ("Alice will update the guide by Monday" when Carol said "by next Tuesday").
Each sentence is checked, without a model, for:

- what it is about: most of its content words (those that do not describe talk: "discussed",
  "the team", "agreed") must have been said in the meeting. A small model given a short or
  mumbled transcript writes a meeting that never happened ("The team approved the project
  proposal"); every other check passes such a sentence, since it names no date, number or person;
- dates, numbers and people it states that the meeting does not (``summary_facts.py``);
- a decision it says was taken in a meeting where none was: no decision item, and no line that
  agrees, decides, votes or settles anything. A small model asked for "the outcome" writes one
  ("The committee decided to take legal action" of a 30-second clip where one person wondered
  whether others ought to sue);
- a task or decision it gives to a person: when the words match an action item (a supported
  one: its owner is the speaker who committed), the sentence must name that owner; a decision
  must be given to someone who said it or took part in it. A deadline it gives the task must be
  the item's (``summary_people.py``).

A failing sentence is removed, and the reason kept in :class:`SummaryCheck`, which is stored
with the minutes. One fix is made because it is certain: a sentence that gives exactly one
action item to exactly one wrong person, and names nobody else, gets the owner's name instead.
When no sentence survives, the summary is built from the supported items, so the minutes never
show an empty or a false summary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from minutes.summarize.addressed import heard_names
from minutes.summarize.summary_facts import (
    MeetingFacts,
    date_problems,
    name_problems,
    number_problems,
)
from minutes.summarize.summary_people import CheckedMeeting, attribution_problems, plain
from minutes.summarize.text import content_words, count_shared, split_sentences
from minutes.types import SUMMARY_CHECK_VERSION, MinuteItem, SentenceNote, SummaryCheck, Utterance

CHECK_VERSION = SUMMARY_CHECK_VERSION
HEARD = 0.3
"""Least share of a sentence's content words (less :data:`_TALK_WORDS`) said in the meeting. Chosen
on the tune half of QMSum's meetings: the highest threshold under which none of 490 human summary
and answer sentences falls (docs/summaries.md)."""
_TALK_WORDS = content_words(
    """meeting meetings team group members member participants everyone discussed discussion discuss
    talked talk mentioned mention suggested suggest agreed agree agreement consensus decided decide
    introduced introduce however therefore moreover besides lastly firstly secondly finally overall also
    argued argue explained explain proposed propose detail details emphasized emphasize began begin
    concluded conclude gave give took take thought think believed believe noted note pointed point raised
    raise asked ask presented present shared share expressed express stated state reported report
    outcome summary summarized summarize recommended recommend clarified clarify topic topics item items
    action actions main key several various issue issues points matters steps next follow came come
    covered cover addressed address reviewed review updates update"""
)
"""Words a summary uses to describe talk, not what the talk was about; never counted against it."""


def check_summary(
    summary: str,
    utterances: Sequence[Utterance],
    *,
    names: Mapping[str, str],
    items: Sequence[MinuteItem],
    meeting_date: date,
    language: str = "en",
    transcript_language: str | None = None,
) -> tuple[str, SummaryCheck]:
    """The summary with unsupported sentences removed (or fixed), and a record of what was done.

    ``names`` maps speaker labels to names; ``items`` are the meeting's minute items (only
    supported ones are trusted). Date, number and name words are English ones, so a summary
    or transcript in another language is left as it is, and the record says so.
    """
    if not summary.strip():
        return summary, SummaryCheck()
    spoken = transcript_language or language
    if language != "en" or spoken != "en":
        return summary, SummaryCheck(skipped=f"not checked: no date, number and name words for {spoken!r}")
    facts = MeetingFacts.of(utterances, names=names, meeting_date=meeting_date)
    meeting = CheckedMeeting(
        facts=facts,
        names={k: v for k, v in names.items() if v},
        heard=heard_names(utterances, names),
        items=tuple(i for i in items if i.supported),
        utterances=utterances,
        by_index={u.index: u for u in utterances},
        said=content_words(" ".join(facts.words)).union(*(content_words(n) for n in names.values() if n)),
    )
    paragraphs_out: list[str] = []
    removed: list[SentenceNote] = []
    fixed: list[SentenceNote] = []
    total = 0
    for paragraph in re.split(r"\n\s*\n", summary.strip()):
        kept: list[str] = []
        for sentence in split_sentences(paragraph, prose=True):
            total += 1
            problems, fix = _problems(sentence, meeting)
            if problems:
                removed.append(SentenceNote(sentence, "; ".join(problems)))
            elif fix is not None:
                fixed.append(fix)
                kept.append(fix.fixed or sentence)
            else:
                kept.append(sentence)
        if kept:
            paragraphs_out.append(" ".join(kept))
    text = "\n\n".join(paragraphs_out)
    check = SummaryCheck(sentences=total, removed=tuple(removed), fixed=tuple(fixed))
    if not text:
        text = fallback_summary(items, names, utterances)
        check = replace(check, fallback=True)
    return text, check


def _problems(sentence: str, m: CheckedMeeting) -> tuple[list[str], SentenceNote | None]:
    """What is wrong with a sentence; or, when only its owner's name is, and surely, the fix."""
    problems = (
        _unheard(sentence, m.said) + date_problems(sentence, m.facts) + number_problems(sentence, m.facts)
    )
    problems += name_problems(sentence, m.facts) + _no_decision_taken(sentence, m)
    wrong, fix = attribution_problems(sentence, m)
    if fix is not None and not problems:
        return [], fix
    return problems + wrong + ([fix.reason] if fix else []), None


def _unheard(sentence: str, said: set[str]) -> list[str]:
    """The sentence is about what was not said: under :data:`HEARD` of its content words (at least
    two; words describing talk and numbers left out) were said in the meeting."""
    wanted = {w for w in content_words(sentence) - _TALK_WORDS if not w.replace(".", "").isdigit()}
    if len(wanted) < 2:  # numbers have their own check
        return []
    share = count_shared(wanted, said) / len(wanted)
    if share >= HEARD:
        return []
    return [f"only {share:.0%} of its words were said in the meeting"]


_CLAIMS_DECISION = re.compile(
    r"\b(?:decided|decides|decide to|agreed|agrees|resolved to|approved|outcome (?:is|was|of)|concluded"
    r"|conclusion|settled on|opted|chose to|made (?:a|the) decision|final decision"
    r"|(?:was|were|is|are) chosen)\b",
    re.IGNORECASE,
)
_DECIDING = re.compile(
    r"\b(?:agree\w*|decid\w*|decision\w*|let's|let us|settle\w*|approv\w*|go(?:ing)? (?:with|for)|vot\w*"
    r"|motion|carried|resolv\w*|resolution|consensus|fine by|sounds good|so be it|final|deal)\b",
    re.IGNORECASE,
)
"""Talk in which something could have been decided. Every one of QMSum's 35 validation meetings
holds some, so no sentence of their human summaries and answers (70 of 936 say a decision was
taken) would fail the check."""


def _no_decision_taken(sentence: str, m: CheckedMeeting) -> list[str]:
    """The sentence says a decision was taken, and the meeting has no decision item and no line of
    deciding talk (:data:`_DECIDING`)."""
    if not _CLAIMS_DECISION.search(sentence) or any(i.kind == "decision" for i in m.items):
        return []
    if any(_DECIDING.search(u.text) for u in m.utterances):
        return []
    return ["says a decision was taken; the meeting holds none and no line agrees or decides"]


# Fallback -----------------------------------------------------------------------------------


def fallback_summary(
    items: Sequence[MinuteItem], names: Mapping[str, str], utterances: Sequence[Utterance]
) -> str:
    """A summary made only of checked facts: the supported items, or who took part."""

    def who(label: str | None) -> str:
        return names.get(label, label) if label else "Unassigned"

    supported = [i for i in items if i.supported]
    parts = [f"Decided: {plain(i.text)}." for i in supported if i.kind == "decision"]
    for i in supported:
        if i.kind == "action":
            due = f" (due {i.due})" if i.due else ""
            parts.append(f"{who(i.owner)} to {_lower_first(plain(i.text))}{due}.")
    parts += [f"Open question: {plain(i.text).rstrip('?')}?" for i in supported if i.kind == "question"]
    if parts:
        return " ".join(parts)
    speakers = list(dict.fromkeys(who(u.speaker) for u in utterances))
    if not speakers:
        return ""
    listed = ", ".join(speakers[:-1]) + (" and " if len(speakers) > 1 else "") + speakers[-1]
    return f"Meeting of {listed}. No summary sentence could be checked against the transcript."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
