"""The words of date expressions, one :class:`Lexicon` per language (only English today).

:mod:`minutes.summarize.dates` builds its grammar from a lexicon and resolves what it finds against
the meeting's day; the rules elsewhere that name a day or a month use the alternations here
(``WEEKDAY_WORDS``, ``MONTH_WORDS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from minutes.summarize.text import ORDINALS, TENS, UNITS


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The words of one language's date expressions; phrases map to rule names of ``_FIXED``."""

    weekdays: Mapping[str, int]  # word → 0 = Monday
    months: Mapping[str, int]
    cardinals: Mapping[str, int]  # amounts in "in N days"
    ordinals: Mapping[str, int]  # day-of-month words
    ordinal_suffix: str  # regex after a day number ("1st")
    fixed: Mapping[str, str]  # phrase → rule
    units: Mapping[str, tuple[str, int]]  # word → ("days" | "months", multiplier)
    deadline: tuple[str, ...]  # prepositions that make a deadline
    prepositions: tuple[str, ...]  # other prepositions kept in the mention
    this: tuple[str, ...]
    next: tuple[str, ...]
    within: tuple[str, ...]  # "in", "within", with optional "the next"
    article: str
    of: str
    ambiguous_months: frozenset[str] = frozenset()  # lowercase words that are not months ("may")
    week_after: str = ""  # after a weekday, that day a week later ("Friday week")
    deadline_only: frozenset[str] = frozenset()  # fixed phrases that are dates only after "by" ("by lunch")
    day_ends: tuple[str, ...] = ()  # fixed phrases of a time of day: "end of day Friday" is Friday's
    month_parts: Mapping[str, str] = field(default_factory=dict)  # "end" of a month → "end"; or "start"
    mid: str = "(?!)"  # "mid-February": the 15th


_MONTHS = "January February March April May June July August September October November December"
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
WEEKDAY_WORDS = "|".join(_WEEKDAYS.lower().split())
"""The English weekdays as a regex alternation ("monday|tuesday|…"), for the rules that name a day."""
MONTH_WORDS = "|".join(_MONTHS.lower().split())

_DAY_ENDS = (
    "end of day",
    "end of the day",
    "eod",
    "close of business",
    "cob",
    "close of play",
    "lunchtime",
    "lunch",
)
"""Times of a working day: today's, or that of a day named right after ("by lunchtime tomorrow")."""

ENGLISH = Lexicon(
    weekdays={
        **{d: i for i, d in enumerate(_WEEKDAYS.split())},
        **{"Tues": 1, "Weds": 2, "Thurs": 3},
    },
    months={
        **{m: i + 1 for i, m in enumerate(_MONTHS.split())},
        **{m[:3]: i + 1 for i, m in enumerate(_MONTHS.split()) if m != "May"},
        "Sept": 9,
    },
    cardinals={
        **{w: n for w, n in (*UNITS.items(), *TENS.items()) if n > 0},
        "a": 1,
        "an": 1,
        "a couple of": 2,
        "a couple": 2,
    },
    ordinals=ORDINALS,
    ordinal_suffix=r"(?:st|nd|rd|th)",
    week_after="week",
    fixed={
        **dict.fromkeys(
            [
                "today",
                "tonight",
                "later today",
                "this morning",
                "this afternoon",
                "this evening",
            ],
            "today",
        ),
        **dict.fromkeys(["end of today", "end of business"], "today"),
        **dict.fromkeys(_DAY_ENDS, "today"),
        **dict.fromkeys(["after this call", "after this meeting", "right after this"], "today"),
        "tomorrow": "tomorrow",
        "day after tomorrow": "day_after",
        **dict.fromkeys(["end of the week", "end of this week", "end of week", "eow"], "end_week"),
        "end of next week": "end_next_week",
        "this week": "end_week",
        "next week": "next_week",
        **dict.fromkeys(
            ["end of the month", "end of this month", "end of month", "eom", "month end", "month-end"],
            "end_month",
        ),
        **dict.fromkeys(
            ["end of the year", "end of this year", "end of year", "year end", "year-end"], "end_year"
        ),
        **dict.fromkeys(
            ["end of the quarter", "end of this quarter", "end of quarter", "quarter end", "quarter-end"],
            "end_quarter",
        ),
        "end of next month": "end_next_month",
        "next month": "next_month",
    },
    units={
        "day": ("days", 1),
        "week": ("days", 7),
        "fortnight": ("days", 14),
        "month": ("months", 1),
        "hour": ("hours", 1),  # "in ten minutes", "within two hours": today, or the days they make
        "minute": ("hours", 0),
    },
    deadline=("by", "until", "till", "before", "no later than", "within", "due", "give me"),
    prepositions=("on", "for"),
    this=("this coming", "this", "coming"),
    next=("next",),
    within=("in", "within", "over the next", "give me"),  # "Give me, say, ten days."
    article="the",
    of="of",
    ambiguous_months=frozenset({"may", "march"}),
    month_parts={"end": "end", "start": "start", "beginning": "start", "middle": "mid"},
    # "at the end of the day" is an idiom and "the team lunch" a meal; "by the end of the day",
    # "by lunch" are deadlines
    deadline_only=frozenset({"end of the day", "lunch"}),
    day_ends=_DAY_ENDS,
    mid="mid",
)

LEXICONS: dict[str, Lexicon] = {"en": ENGLISH}
