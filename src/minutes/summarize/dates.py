"""Due dates: find date expressions in a sentence and resolve them against the meeting date.

Words come from a per-language :class:`~minutes.summarize.date_words.Lexicon` (only English today,
:mod:`minutes.summarize.date_words`); the grammar built from it
and the resolution rules are shared. Resolution, for a meeting held on day ``M``:

- today, tonight, this morning, this afternoon, end of (the) day, EOD, close of business, after
  this call → ``M`` ("end of day Friday" is Friday);
  tomorrow → ``M + 1``; the day after tomorrow → ``M + 2``.
- ``<weekday>``, by/on/until/before/this ``<weekday>`` → the first such weekday strictly after
  ``M``: said on a Wednesday, "by Friday" is two days later; said on a Friday, a week later.
- next ``<weekday>`` → the same day, pushed one more week when it falls in ``M``'s own
  Monday–Sunday week: said on a Wednesday, "next Friday" is nine days later, "next Tuesday" six;
  ``<weekday>`` (of) next week → that day of next week.
- end of (the/this) week, EOW, this week → Friday of ``M``'s week (the coming Friday when ``M``
  is a weekend day); end of next week → a week after that; next week → Monday of next week.
- end of (the/this) month → its last day; end of next month; next month → the 1st of next month.
- in/within (the next), over the next, give me (say) N days/weeks/fortnights/months (digits,
  one…nineteen, twenty…ninety, a, a couple of) → ``M + N``; N minutes or hours → ``M`` plus the
  whole days they make ("in ten minutes" is today).
- March 1st, 1 March, the first of March, 1st of March, March the first (optional year, optional
  leading weekday): without a year, a day already past rolls to next year. ISO 2026-03-01 as is.
- by/on/until the 25th, Friday the 20th → the next 25th (20th) on or after ``M``.
- 3/1 and 1/3 are skipped: month-first or day-first cannot be known.

A mention's text includes its preposition ("by Friday"); a mention introduced by a deadline
word (by, until, before, no later than, within, due, give me) or followed by "at the latest" is a
*deadline*.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from minutes.summarize.date_words import LEXICONS, Lexicon
from minutes.summarize.text import blank_spans


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression found in a text: its character span, words and resolved date."""

    start: int
    end: int
    text: str
    date: date
    rule: str
    deadline: bool = False


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _end_week(m: date) -> date:
    return m + timedelta(days=(4 - m.weekday()) % 7)


def _add_months(d: date, n: int) -> date:
    y, mo = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, mo + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _month_end(d: date, n: int = 0) -> date:
    first = _add_months(d.replace(day=1), n)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


_FIXED: dict[str, Callable[[date], date]] = {
    "today": lambda m: m,
    "tomorrow": lambda m: m + timedelta(days=1),
    "day_after": lambda m: m + timedelta(days=2),
    "end_week": _end_week,
    "end_next_week": lambda m: _end_week(m) + timedelta(days=7),
    "next_week": lambda m: _monday(m) + timedelta(days=7),
    "end_month": _month_end,
    "end_next_month": lambda m: _month_end(m, 1),
    "next_month": lambda m: _add_months(m.replace(day=1), 1),
    "end_year": lambda m: date(m.year, 12, 31),
    "end_quarter": lambda m: _month_end(m, (3 - m.month % 3) % 3),
}


def weekday_after(m: date, weekday: int, *, next_: bool = False) -> date:
    """The first ``weekday`` strictly after ``m``; with ``next_``, one week later if in ``m``'s week."""
    d = m + timedelta(days=(weekday - m.weekday()) % 7 or 7)
    if next_ and _monday(d) == _monday(m):
        d += timedelta(days=7)
    return d


def _day_of_month_from(m: date, day: int) -> date | None:
    for k in range(3):
        first = _add_months(m.replace(day=1), k)
        if day <= calendar.monthrange(first.year, first.month)[1]:
            d = first.replace(day=day)
            if d >= m:
                return d
    return None


def _month_day(m: date, month: int, day: int, year: int | None) -> date | None:
    for y in [year] if year else [m.year, m.year + 1]:
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if year or d >= m:
            return d
    return None


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first; spaces and hyphens match any run of either."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(r"[\s-]+".join(re.escape(p) for p in re.split(r"[\s-]+", w)) for w in items)


class _Grammar:
    """Regular expressions built from one lexicon."""

    def __init__(self, lx: Lexicon) -> None:
        self.lx = lx
        self.weekdays = {k.lower(): v for k, v in lx.weekdays.items()}
        self.months = {k.lower(): v for k, v in lx.months.items()}
        self.ordinals = {k.lower().replace("-", " "): v for k, v in lx.ordinals.items()}
        self.cardinals = {k.lower(): v for k, v in lx.cardinals.items()}
        self.fixed = {k.lower(): v for k, v in lx.fixed.items()}
        prep = rf"(?:(?P<prep>{_alt(lx.deadline + lx.prepositions)})\s+)?"
        the = rf"(?:{lx.article}\s+)?"
        wd = rf"(?:{_alt(self.weekdays)})"
        mon = rf"(?P<mon>{_alt(self.months)})\.?"
        day = rf"(?P<day>\d{{1,2}}{lx.ordinal_suffix}?|{_alt(self.ordinals)})"
        year = r"(?:,?\s+(?P<year>\d{4}))?"
        next_week = _alt(k for k, v in self.fixed.items() if v == "next_week")
        flags = re.IGNORECASE
        self.patterns: list[tuple[str, re.Pattern[str]]] = [
            ("fixed", re.compile(rf"\b{prep}{the}(?P<phrase>{_alt(self.fixed)})\b", flags)),
            (
                "weekday",
                re.compile(
                    rf"\b{prep}(?:(?P<mod>{_alt(lx.this + lx.next)})\s+)?(?P<wd>{wd})\b"
                    rf"(?:,?\s+(?:{lx.of}\s+)?(?P<nw>{next_week})"
                    rf"|\s+(?P<wk>{lx.week_after or '(?!)'})\b(?!\s*(?:{lx.of}|'s)\b))?",
                    flags,
                ),
            ),
            (
                "within",
                re.compile(
                    rf"\b(?P<prep>{_alt(lx.within)}),?\s+(?:(?:say|about|maybe|roughly),?\s+)?"
                    rf"(?:{lx.article}\s+{_alt(lx.next)}\s+)?"
                    rf"(?P<n>\d{{1,3}}|{_alt(self.cardinals)})\s+(?P<unit>{_alt(lx.units)})s?\b",
                    flags,
                ),
            ),
            (
                # "by the end of January", "mid-February", "at the start of March"
                "month_part",
                re.compile(
                    rf"\b{prep}{the}(?:(?P<part>{_alt(lx.month_parts)})\s+{lx.of}\s+|(?P<mid>{lx.mid})[\s-]+)"
                    rf"{mon}(?![\w]){year}",
                    flags,
                ),
            ),
            ("month_day", re.compile(rf"\b{prep}(?:{wd},?\s+)?{mon}\s+{the}{day}\b{year}", flags)),
            (
                "day_month",
                re.compile(
                    rf"\b{prep}(?:{wd},?\s+)?{the}{day}\s+(?P<of>{lx.of}\s+)?{mon}(?![\w]){year}", flags
                ),
            ),
            (
                "day_only",
                re.compile(
                    rf"\b{prep}(?P<wd>{wd},?\s+)?{lx.article}\s+"
                    rf"(?P<day>\d{{1,2}}{lx.ordinal_suffix}|{_alt(self.ordinals)})\b(?!\s+{lx.of}\b)",
                    flags,
                ),
            ),
            ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
        ]

    def _day(self, text: str) -> int:
        t = " ".join(text.lower().replace("-", " ").split())
        return int(re.sub(r"\D", "", t)) if t[:1].isdigit() else self.ordinals[t]

    def resolve(self, kind: str, mt: re.Match[str], m: date) -> date | None:
        g = mt.groupdict()
        if kind == "fixed":
            phrase = " ".join(g["phrase"].lower().split())
            if (
                phrase in self.lx.deadline_only
                and " ".join((g["prep"] or "").lower().split()) not in self.lx.deadline
            ):
                return None
            return _FIXED[self.fixed[phrase]](m)
        if kind == "weekday":
            mod = " ".join((g["mod"] or "").lower().split())
            weekday = self.weekdays[g["wd"].lower()]
            if g["nw"]:  # "Tuesday next week", "on Tuesday of next week"
                return _monday(m) + timedelta(days=7 + weekday)
            later = timedelta(days=7 if g["wk"] else 0)  # "Wednesday week": a week after Wednesday
            return weekday_after(m, weekday, next_=mod in self.lx.next) + later
        if kind == "within":
            n = g["n"].lower()
            amount = int(n) if n.isdigit() else self.cardinals[" ".join(n.split())]
            unit, mult = self.lx.units[g["unit"].lower()]
            if unit == "hours":
                return m + timedelta(days=amount * mult // 24)
            return m + timedelta(days=amount * mult) if unit == "days" else _add_months(m, amount * mult)
        if kind == "month_part":
            if g["mon"] in self.lx.ambiguous_months:  # "the end of may be" is no month
                return None
            month, year = self.months[g["mon"].lower()], int(g["year"]) if g["year"] else None
            part = "mid" if g["mid"] else self.lx.month_parts[" ".join(g["part"].lower().split())]
            for y in [year] if year else [m.year, m.year + 1]:
                first = date(y, month, 1)
                d = {"start": first, "mid": first.replace(day=15), "end": _month_end(first)}[part]
                if year or _month_end(first) >= m:  # "by mid-January" said on the 20th: this January's
                    return d
            return None
        if kind in ("month_day", "day_month"):
            mon = g["mon"]
            if mon in self.lx.ambiguous_months:  # lowercase "may" is a verb, not a month
                return None
            if kind == "day_month" and not g["of"] and not g["day"][:1].isdigit():
                return None  # "first March meeting" is not a date
            year = int(g["year"]) if g["year"] else None
            return _month_day(m, self.months[mon.lower()], self._day(g["day"]), year)
        if kind == "day_only":
            prep = " ".join((g["prep"] or "").lower().split())
            # the clause may end on a word of timing: "by the seventh now", "by the ninth at the latest"
            at_end = re.match(_CLAUSE_END, mt.string[mt.end() :]) is not None
            word_day = not g["day"][:1].isdigit()
            # "on the second floor" is no date: without a weekday, a word day or a plain "on"
            # counts only where the phrase ends the clause.
            latest = _AT_THE_LATEST.match(mt.string, mt.end()) is not None  # "The thirtieth, latest."
            if (
                not g["wd"]
                and not (prep in self.lx.deadline and not word_day)
                and not (prep and at_end)
                and not latest
            ):
                return None
            return _day_of_month_from(m, self._day(g["day"]))
        try:
            return date(int(g["y"]), int(g["m"]), int(g["d"]))
        except ValueError:
            return None


_CLAUSE_END = re.compile(
    r"\s*(?:(?:now|then|instead|at the latest|latest|at the earliest|as well|too|hopefully|anyway|"
    r"(?:I )?promise|or so)\b)?\s*(?:[.,;!?]|$)",
    re.I,
)

_GRAMMARS: dict[str, _Grammar] = {}


def _grammar(language: str) -> _Grammar:
    if language not in _GRAMMARS:
        if language not in LEXICONS:
            raise ValueError(f"no date words for language {language!r}; choose one of {sorted(LEXICONS)}")
        _GRAMMARS[language] = _Grammar(LEXICONS[language])
    return _GRAMMARS[language]


def find_dates(text: str, meeting_date: date, *, language: str = "en") -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``meeting_date``, in reading order.

    Where expressions overlap the longest wins ("by the end of next week" over "next week").
    """
    g = _grammar(language)
    if language == "en":
        text = _fluent(text)
    found: list[DateMention] = []
    for kind, pattern in g.patterns:
        for mt in pattern.finditer(text):
            d = g.resolve(kind, mt, meeting_date)
            if d is None:
                continue
            prep = " ".join((mt.groupdict().get("prep") or "").lower().split())
            raw = mt.group(0).rstrip(".")  # "Mar." keeps its dot only inside a sentence
            words = " ".join(raw.split())
            # "Tuesday arvo at the latest" is a deadline though no "by" leads it
            latest = _AT_THE_LATEST.match(text, mt.start() + len(raw)) is not None
            found.append(
                DateMention(
                    mt.start(), mt.start() + len(raw), words, d, kind, prep in g.lx.deadline or latest
                )
            )
    found.sort(key=lambda x: (x.start, x.start - x.end))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        if kept and _end_of_day(kept[-1], g.lx) and mention.start - kept[-1].end <= 2:
            first = kept.pop()  # "by end of day Friday" is Friday's end of day, "… tomorrow" tomorrow's
            words = text[first.start : mention.end]
            mention = DateMention(first.start, mention.end, words, mention.date, mention.rule, first.deadline)
        kept.append(mention)
    return kept


_AT_THE_LATEST = re.compile(r"\s*(?:(?:[a-z]+\s+)?at the (?:latest|outside)|,\s*latest)\b", re.I)
_FILLERS = re.compile(r"(?:,\s*)?\b(?:uh|um|uhm|er|erm|ah)\b[,.]?|(?<=,)\s*(?:like|you know|i mean),", re.I)
_REPEATED = re.compile(r"\b(\w+),?\s+(?=\1\b)", re.I)


def _fluent(text: str) -> str:
    """``text`` with the hesitations of speech blanked out, each character by a space so that every
    offset holds: "by the, uh, the twentieth" reads as "by the twentieth", "give me, um, a
    fortnight" as "give me a fortnight"."""
    chars = list(text)
    for rx in (_FILLERS, _REPEATED):
        for m in rx.finditer("".join(chars)):
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def _end_of_day(m: DateMention, lx: Lexicon) -> bool:
    return m.rule == "fixed" and m.text.lower().endswith(lx.day_ends)


def resolve_due(text: str, meeting_date: date, *, language: str = "en") -> tuple[date, str] | None:
    """The due date of a sentence and the words it came from, e.g. ``(date(2026, 11, 20), "by Friday")``.

    The first deadline ("by …", "until …") wins; without one, the first date expression.
    """
    mentions = find_dates(text, meeting_date, language=language)
    if not mentions:
        return None
    best = next((x for x in mentions if x.deadline), mentions[0])
    return best.date, best.text


def without_dates(text: str, meeting_date: date, *, language: str = "en") -> str:
    """``text`` with its date expressions blanked out (offsets kept), to read its other numbers."""
    return blank_spans(text, [(m.start, m.end) for m in find_dates(text, meeting_date, language=language)])
