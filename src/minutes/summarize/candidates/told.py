"""A decision told, not taken: set in the past ("we decided in June to …", "back then"), or the
answer to "did we decide …?" said in the past tense."""

from __future__ import annotations

from minutes.summarize.candidates.scan import Scan, is_question, rx

_PAST = rx(r"\b(?:in the (?:summer|spring|autumn|fall|winter)|back then)\b")  # told, with a past cue
_BEFORE_NOW = rx(
    r"\b(?:last (?!minute|one|thing|item|point|bit)\w+\b(?!'s)|ago|back in|already|previously|yesterday"
    r"|earlier this \w+|as (?:we|you|i) (?:agreed|decided|said|discussed)"
    # "we decided then that …", "we decided in June to …"; not "we're all agreed then"
    r"|(?:decided|approved) (?:back )?then|(?:decided|agreed|approved) (?:back )?(?:in (?:january"
    r"|february|march|april|may|june|july|august|september|october|november|december)"
    r"|at the (?:last|previous) \w+))\b",
)
_PAST_CUE = rx(r"\b(?:\w+ed|was|were|been)\b")
_PAST_TENSE = rx(r"\b(?:we|they|it|that|you|i)\s+(?:\w+ed|did|was|were|had)\b")
_ASKED_PAST = rx(r"\b(?:did|didn't|have|haven't|had|was|were) (?:we|they|you|it)\b")


def told_before(sentence: str) -> bool:
    """Whether a sentence sets what it says before the meeting ("last time", "back in May",
    "already"): told, not taken now."""
    return _BEFORE_NOW.search(sentence) is not None


_ELSEWHERE = rx(
    r"\b(?:(?:that's|that has|it's|it has|this has|they've|they have) (?:already )?been (?:agreed|decided"
    r"|approved|signed off|settled)|(?:just|only|purely) for (?:information|info)|for information only)\b"
)
"""Said after a ruling: it was settled elsewhere, and is told for information ("That's been agreed with
the bank already, it's just for information.")."""


def reported(scan: Scan, i: int, s: str, cue: str) -> bool:
    """A decision told, not taken: set in the past, told for information after it was settled
    elsewhere, or the answer to "did we decide …?"."""
    if told_before(s) or (_PAST.search(s) and _PAST_CUE.search(cue)):
        return True
    said = scan.sentences[i]
    after = said[said.index(s) + 1 :] if s in said else []
    if after and _ELSEWHERE.search(after[0]):
        return True
    prev = scan.utterances[i - 1] if i > 0 else None
    return (
        prev is not None
        and prev.speaker != scan.utterances[i].speaker
        and any(is_question(x) and _ASKED_PAST.search(x) for x in scan.sentences[i - 1])
        and _PAST_TENSE.search(s) is not None
    )
