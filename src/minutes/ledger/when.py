"""When a line moves a commitment to: the dates it names, and a span ("one more week") added to the
due date before."""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

from minutes.summarize.date_words import WEEKDAY_WORDS
from minutes.summarize.dates import find_dates

SHIFT = re.compile(
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

_TO_BY = re.compile(
    r"\b(?:to|till|until|into|for|on|be)\s+(?=(?:the\s+)?(?:\d|[a-z-]+(?:st|nd|rd|th)\b|next|end|"
    rf"{WEEKDAY_WORDS}))",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1 << 14)
def dates(text: str, meeting_date: date) -> list[date]:
    """The dates a line names, reading "push it to the 20th" as "by the 20th" ("Friday week" is
    the Friday after next: ``find_dates``)."""
    return [m.date for m in find_dates(_TO_BY.sub("by ", text), meeting_date)]


def has_date(text: str) -> bool:
    return bool(dates(text, date(2000, 1, 3)))


def new_due(text: str, meeting_date: date | None, before: date | None) -> date | None:
    """The task's new due date: the latest date the line names other than the one it had, or a span
    ("one more week") added to the due date before; a date named beside a span, and later than the
    due date before, is the more exact of the two ("it'll take a few more days, I'll have it by the
    12th")."""
    mentions = dates(text, meeting_date) if meeting_date is not None else []
    if before is not None and any(d != before for d in mentions):
        # "now this Thursday instead of end of the month": the date it had is not the one it moves to
        mentions = [d for d in mentions if d != before]
    base = before or meeting_date
    shift = SHIFT.search(text)
    if shift is not None and not (mentions and base is not None and max(mentions) > base):
        count = _SHIFT_WORDS.get(shift.group(1).lower(), 1)
        unit = shift.group(2).lower().rstrip("s")
        return base + timedelta(days=count * _SHIFT_DAYS[unit]) if base is not None else None
    return max(mentions) if mentions else None
