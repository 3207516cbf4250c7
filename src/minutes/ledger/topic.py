"""What a line or an item of a meeting is about, for the ledger: its topic words, stemmed and cut
short so that "rotate", "rotated" and "rotation" meet, without the words of time and status that
every line of a series shares. Pure."""

from __future__ import annotations

import functools

from minutes.ledger.verbs import IRREGULAR
from minutes.summarize.text import content_tokens, stem, words

_PREFIX = 5

GENERIC = frozenset(
    [
        "week",
        "weeks",
        "month",
        "day",
        "days",
        "today",
        "tomorrow",
        "tonight",
        "morning",
        "afternoon",
        "evening",
        "end",
        "next",
        "last",
        "time",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "still",
        "need",
        "want",
        "think",
        "know",
        "sure",
        "good",
        "great",
        "fine",
        "done",
        "finish",
        "finished",
        "complete",
        "sort",
        "sorted",
        "fix",
        "fixed",
        "ready",
        "update",
        "meet",
        "meeting",
        "plan",
    ]
)

"""Words of time and status, said in every line of a series: no topic ("Friday", "done", "still")."""
_GENERIC_STEMS = frozenset(stem(w) for w in GENERIC)


def norm(word: str) -> str:
    return stem(IRREGULAR.get(word, word))[:_PREFIX]


def topic_words(text: str) -> list[str]:
    """The words that say what a text is about: stemmed content words, irregular pasts as their
    verb, cut to five letters, without dates, time words and status words."""
    return list(_topic(text))


@functools.lru_cache(maxsize=1 << 16)
def _topic(text: str) -> tuple[str, ...]:
    out = []
    for w in content_tokens(" ".join(IRREGULAR.get(t, t) for t in words(text))):
        if w in GENERIC or w in _GENERIC_STEMS or w.isdigit():
            continue
        out.append(w[:_PREFIX])
    return tuple(out)
