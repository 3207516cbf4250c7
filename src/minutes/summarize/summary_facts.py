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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from minutes.summarize.dates import ENGLISH, DateMention, find_dates
from minutes.summarize.grounding import STOPWORDS
from minutes.types import Utterance

_UNITS_TEXT = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
)
_UNITS = {w: i for i, w in enumerate(_UNITS_TEXT.split())}
_TENS_TEXT = "twenty thirty forty fifty sixty seventy eighty ninety"
_TENS = {w: 10 * (i + 2) for i, w in enumerate(_TENS_TEXT.split())}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUM_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?")
_WORD = re.compile(r"\w+(?:[.,]\d+)*")
_LEADING_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*")
_CURRENCY = frozenset(
    {"euro", "euros", "dollar", "dollars", "pound", "pounds", "cent", "cents", "quid", "bucks"}
)
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
    rf"\b(?:asked|told|tasked|assigned|thanked|reminded|instructed|(?:assigned|delegated) to|owned by)"
    rf"\s+(?P<name>{_NAME})\b"
)
_NOT_NAMES = frozenset(
    {w.lower() for w in (*ENGLISH.weekdays, *ENGLISH.months)}
    | {"i", "the", "team", "everyone", "everybody", "all", "both", "group", "meeting", "this", "that"}
    | {"mr", "mrs", "ms", "dr", "professor", "he", "she", "they", "it", "we", "who", "which"}
)


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
        words: set[str] = set()
        for u in utterances:
            for m in find_dates(u.text, meeting_date):
                (loose if _is_period(m) else dates).add(m.date)
            numbers |= numbers_in(u.text, lenient=True)
            words.update(t.lower() for t in _NUM_TOKEN.findall(u.text.replace("’", "'")))
        words |= {w[:-2] for w in words if w.endswith("'s")}
        labels = {u.speaker for u in utterances} | set(names)
        people = {w.lower() for n in (*names.values(), *labels) for w in re.findall(r"[\w'-]+", n)}
        weekdays = {w.lower() for w in ENGLISH.weekdays} & words
        phrases = " ".join(" ".join(u.text for u in utterances).lower().split())
        return cls(
            meeting_date=meeting_date,
            dates=frozenset(dates),
            loose=frozenset(loose - dates),
            weekdays=frozenset(weekdays),
            phrases=phrases,
            numbers=frozenset(numbers),
            words=frozenset(words),
            people=frozenset(people),
            speakers=len(labels),
        )


def _norm_number(raw: str) -> str:
    s = raw.replace(",", "")
    if "." in s:
        s = s.rstrip("0").rstrip(".") or "0"
    return s.lstrip("0") or "0"


def numbers_in(text: str, *, lenient: bool = False) -> set[str]:
    """The numbers ``text`` states, normalised ("1,000" → "1000", "twenty-five" → "25").

    With ``lenient`` (for the transcript), the parts of a compound and ordinal words also count,
    so that a summary's "25" or "first" is found in "twenty five" or "the first".
    """
    return {n for n, _end in _number_spans(text, lenient=lenient)}


def _number_spans(text: str, *, lenient: bool) -> list[tuple[str, int]]:
    """(number, end offset of its words) for each number in ``text``."""
    tokens = [(m.group(0), m.end()) for m in _WORD.finditer(text.lower().replace("-", " "))]
    found: list[tuple[str, int, int]] = []  # (number, first token, token after it)
    extra: list[tuple[str, int]] = []  # what only the lenient reading adds
    i = 0
    while i < len(tokens):
        tok, end = tokens[i]
        lead = _LEADING_NUMBER.match(tok)
        if lead:  # "12", "1,000", "10am", "2nd"; not a code like "mp3" or "mn017"
            found.append((_norm_number(lead.group(0)), i, i + 1))
        elif tok in ENGLISH.ordinals or tok in _SCALES:
            extra.append((str(ENGLISH.ordinals.get(tok) or _SCALES[tok]), end))
        if tok not in _UNITS and tok not in _TENS:
            i += 1
            continue
        value, j, parts = _compound(tokens, i)
        if lenient or [t for t, _ in tokens[i:j]] != ["one"]:
            found.append((str(value), i, j))  # a lone "one" is mostly a pronoun ("one of the issues")
        extra.extend(parts)
        i = j
    out: list[tuple[str, int]] = []
    read_to = 0  # tokens up to here were read as part of an earlier number ("point five")
    for k, (number, first, after) in enumerate(found):
        if first < read_to:
            continue
        nxt = found[k + 1] if k + 1 < len(found) else None
        decimals = _decimals(tokens, after)
        if decimals:  # "twelve point five"
            number, after = _norm_number(f"{number}.{decimals[0]}"), decimals[1]
            read_to = after
        elif nxt is not None and _price_gap(tokens[after : nxt[1]]):  # "twelve fifty", "12 euros 50"
            extra.append((_norm_number(f"{number}.{nxt[0]}"), tokens[nxt[2] - 1][1]))
        if _half(tokens[after : after + 3]):  # "one and a half"
            extra.append((_norm_number(f"{number}.5"), tokens[after - 1][1]))
        out.append((number, tokens[after - 1][1]))
    return out + extra if lenient else out


def _compound(tokens: Sequence[tuple[str, int]], i: int) -> tuple[int, int, list[tuple[str, int]]]:
    """The number spelled from token ``i`` on ("two hundred and fifty"), the token after it, its parts."""
    total = current = 0
    last = ""
    parts: list[tuple[str, int]] = []
    j = i
    while j < len(tokens):
        w, end = tokens[j]
        if w in _TENS and last in ("", "scale"):
            current += _TENS[w]
            last = "tens"
        elif w in _UNITS and (last in ("", "scale") or (last == "tens" and 0 < _UNITS[w] < 10)):
            current += _UNITS[w]
            last = "unit"
        elif w in _SCALES and last in ("unit", "tens"):
            if _SCALES[w] == 100:
                current *= 100
            else:
                total, current = total + current * _SCALES[w], 0
            last = "scale"
        elif w == "and" and last == "scale" and j + 1 < len(tokens) and _spelled(tokens[j + 1][0]):
            j += 1
            continue
        else:
            break
        if _spelled(w):
            parts.append((str(_UNITS.get(w, _TENS.get(w))), end))
        j += 1
    return total + current, j, parts


def _spelled(word: str) -> bool:
    return word in _UNITS or word in _TENS


def _decimals(tokens: Sequence[tuple[str, int]], after: int) -> tuple[str, int] | None:
    """The digits spoken after "point" at token ``after`` ("point two five" → "25"), and the token after."""
    if after >= len(tokens) or tokens[after][0] != "point":
        return None
    digits, j = "", after + 1
    while j < len(tokens) and (tokens[j][0].isdigit() or 0 <= _UNITS.get(tokens[j][0], -1) < 10):
        digits += tokens[j][0] if tokens[j][0].isdigit() else str(_UNITS[tokens[j][0]])
        j += 1
    return (digits, j) if digits else None


def _price_gap(between: Sequence[tuple[str, int]]) -> bool:
    return len(between) == 0 or (len(between) == 1 and between[0][0] in _CURRENCY)


def _half(after: Sequence[tuple[str, int]]) -> bool:
    return [t for t, _ in after] == ["and", "a", "half"]


def _strip(text: str, mentions: Iterable[DateMention]) -> str:
    for m in sorted(mentions, key=lambda x: -x.start):
        text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
    return text


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
    text = _strip(sentence, find_dates(sentence, facts.meeting_date))
    allowed = facts.numbers | {str(facts.meeting_date.year), str(facts.speakers)}
    out: list[str] = []
    for number, end in _number_spans(text, lenient=False):
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
            if key in seen or key in _NOT_NAMES or key in STOPWORDS:
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
