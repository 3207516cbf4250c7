"""The facts a summary sentence states: its dates, numbers and the people it names.

Each finder returns what a sentence says that the meeting does not back, as short reasons; an
empty list means nothing was found against it. They are deliberately narrow (a false alarm on a
correct sentence costs trust too), and the :class:`MeetingFacts` they compare against is built
once per meeting from the transcript and the speakers' names.

- A date ("on Monday", "by March 3rd", "tomorrow") must resolve to a day the transcript names
  (resolved against the meeting date, as items' due dates are), or be the meeting's own day; a
  weekday also passes when the transcript says that weekday at all.
- A number (digits or number words, "twenty-five" = 25) must occur in the transcript. Ordinal
  words ("the first topic"), the meeting's year, the number of speakers and a small count of
  the meeting's own parts ("three main topics", "two action items") are not checked.
- A person named in a person's role ("David will …", "asked David to") must be a speaker or a
  name said in the meeting. Only English sentences are checked for names.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from minutes.summarize.date_words import ENGLISH
from minutes.summarize.dates import DateMention, find_dates, without_dates
from minutes.summarize.text import NOT_NAMES, STOPWORDS, number_spans, numbers_in, words
from minutes.types import Utterance

# "three main topics": a count of the meeting's own parts, which the transcript need not say.
_META_NOUNS = re.compile(
    r"^(?:\s+(?:main|key|major|other|more|separate|different|open|new|important))?\s+"
    r"(?:topics?|points?|items?|issues?|decisions?|actions?|questions?|participants?|people|persons?"
    r"|speakers?|members?|parts?|areas?|options?|tasks?|steps?|things|subjects?|agenda|themes?)\b",
    re.IGNORECASE,
)
_SMALL_COUNT = 12
_PERIODS = ("next_week", "next_month")

# A capitalised word in a person's role: before a verb of speaking or committing, or after
# "asked … to" and the like. Other capitalised words (products, places, sentence starts) are
# left alone.
_PERSON_VERBS = (
    r"said|says|asked|asks|suggested|suggests|proposed|proposes|mentioned|mentions|noted|notes"
    r"|agreed|agrees|will|would|explained|explains|reported|reports|presented|presents|raised|raises"
    r"|pointed|wants|wanted|thinks|thought|argued|argues|emphasi[sz]ed|highlighted|stated|states|added"
    r"|adds|questioned|expressed|expresses|volunteered|committed|promised|offered|confirmed|confirms"
    r"|announced|announces|decided|recommended|recommends|described|describes|shared|shares"
)
_NAME = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
_NAME_BEFORE_VERB = re.compile(rf"\b(?P<name>{_NAME})(?:'ll|\s+(?:also\s+)?(?:{_PERSON_VERBS})\b)")
_NAME_AFTER = re.compile(
    rf"\b(?:asked|told|tasked|assigned|thanked|reminded|instructed|(?:assigned|delegated) to|owned by"
    rf"|(?:wrote|written|write|writes|spoke|speak|speaks|talked|talk|talks) (?:to|with)|emailed|phoned|rang"
    rf"|contacted|informed|notified|met with)"
    rf"\s+(?P<name>{_NAME})\b"
)
NOT_PEOPLE = NOT_NAMES | STOPWORDS | {w.lower() for w in (*ENGLISH.weekdays, *ENGLISH.months)}
"""Lowercased words that are nobody's name: :data:`~minutes.summarize.text.NOT_NAMES`, stop words, days."""


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    """What a summary may state: the transcript's days, numbers and words, and who took part."""

    meeting_date: date
    dates: frozenset[date]  # days the transcript names, the meeting's own included
    loose: frozenset[date]  # days only a period stands for ("next week" → its Monday)
    weekdays: frozenset[str]  # weekday words the transcript says, lowercased
    phrases: str  # the transcript, lowercased and squashed, for fixed phrases ("next week")
    numbers: frozenset[str]
    words: frozenset[str]  # every word of the transcript, lowercased
    people: frozenset[str]  # every word of the speakers' names and labels, lowercased
    speakers: int

    @classmethod
    def of(
        cls, utterances: Sequence[Utterance], *, names: Mapping[str, str], meeting_date: date
    ) -> MeetingFacts:
        dates: set[date] = {meeting_date}
        loose: set[date] = set()
        numbers: set[str] = set()
        said: set[str] = set()
        for u in utterances:
            for m in find_dates(u.text, meeting_date):
                (loose if _is_period(m) else dates).add(m.date)
            numbers |= numbers_in(u.text, lenient=True)
            said.update(words(u.text))
        said |= {w[:-2] for w in said if w.endswith("'s")}
        labels = {u.speaker for u in utterances} | set(names)
        people = {w.lower() for n in (*names.values(), *labels) for w in re.findall(r"[\w'-]+", n)}
        weekdays = {w.lower() for w in ENGLISH.weekdays} & said
        phrases = " ".join(" ".join(u.text for u in utterances).lower().split())
        return cls(
            meeting_date=meeting_date,
            dates=frozenset(dates),
            loose=frozenset(loose - dates),
            weekdays=frozenset(weekdays),
            phrases=phrases,
            numbers=frozenset(numbers),
            words=frozenset(said),
            people=frozenset(people),
            speakers=len(labels),
        )


def _bare(m: DateMention) -> str:
    """A mention's words without its preposition and article ("by the end of May" → "end of may")."""
    return re.sub(
        r"^(?:(?:by|on|for|until|till|before|no later than|within|due)\s+)?(?:the\s+)?", "", m.text.lower()
    )


def _is_period(m: DateMention) -> bool:
    """Whether a mention is a period ("next week", "this week", "next month"), not a day.

    It resolves to one of its days, so it must not count as someone naming that day.
    """
    bare = " ".join(_bare(m).split())
    return m.rule == "fixed" and (bare == "this week" or ENGLISH.fixed.get(bare) in _PERIODS)


def period_span(m: DateMention, meeting_date: date) -> tuple[date, date] | None:
    """The first and last day of a period mention ("next week" → its Monday to Sunday), or None."""
    if not _is_period(m):
        return None
    if " ".join(_bare(m).split()) == "this week":
        start = meeting_date - timedelta(days=meeting_date.weekday())
        return start, start + timedelta(days=6)
    if m.date.weekday() == 0 and m.date > meeting_date and (m.date - meeting_date).days <= 7:
        return m.date, m.date + timedelta(days=6)
    last = calendar.monthrange(m.date.year, m.date.month)[1]
    return m.date, m.date.replace(day=last)


def date_problems(sentence: str, facts: MeetingFacts) -> list[str]:
    """Dates the sentence states that the meeting does not name."""
    out: list[str] = []
    for m in find_dates(sentence, facts.meeting_date):
        if m.date in facts.dates or (m.date in facts.loose and _is_period(m)):
            continue
        span = period_span(m, facts.meeting_date)
        if span and any(span[0] <= d <= span[1] for d in facts.dates):
            continue  # "next week" for a day of next week the meeting named
        bare = _bare(m)
        said = facts.weekdays | {f"{facts.meeting_date:%A}".lower()}  # "the meeting on Wednesday"
        if m.rule == "weekday" and any(w in said for w in bare.split()):
            continue
        if m.rule == "fixed" and (bare in facts.phrases or bare.startswith(("this ", "today", "tonight"))):
            continue
        out.append(f"says “{m.text}” ({m.date:%A %Y-%m-%d}), a day the meeting never names")
    return out


def number_problems(sentence: str, facts: MeetingFacts) -> list[str]:
    """Numbers the sentence states that the transcript does not."""
    text = without_dates(sentence, facts.meeting_date)
    allowed = facts.numbers | {str(facts.meeting_date.year), str(facts.speakers)}
    out: list[str] = []
    for number, end in number_spans(text):
        if number in allowed:
            continue
        small = number.isdigit() and int(number) <= _SMALL_COUNT
        if small and _META_NOUNS.match(text[end:]):
            continue
        out.append(f"states the number {number}, which the transcript does not contain")
    return out


def name_problems(sentence: str, facts: MeetingFacts) -> list[str]:
    """People the sentence names (as people) who neither spoke nor were mentioned."""
    out: list[str] = []
    seen: set[str] = set()
    for rx in (_NAME_BEFORE_VERB, _NAME_AFTER):
        for m in rx.finditer(sentence):
            name = m.group("name")
            key = name.lower()
            if key in seen or key in NOT_PEOPLE:
                continue
            seen.add(key)
            if key in facts.people or key in facts.words:
                continue
            before = re.search(r"([A-Z][\w'-]*)\s+$", sentence[: m.start("name")])
            known = before.group(1).lower() if before else ""
            if known in facts.people or known in facts.words:
                continue  # "the Marketing Expert said": the role of a known speaker
            out.append(f"names “{name}”, who neither spoke nor was mentioned in the meeting")
    return out
