"""Grounding: do the utterances an item cites contain the item's substance?

An item (a decision, action or question the model phrased) is *supported* when enough of its
content words occur in its evidence and every number and date it states occurs there too. Words
are compared after light stemming, so "fixing the payments" matches "fix the payment"; a shared
prefix of five letters also counts ("deployment" / "deploying"). There are no synonyms: an item
that says "hire" when the evidence says "recruit" is flagged, which is the safe direction.
Words, stems and number words are :mod:`minutes.summarize.text`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from minutes.summarize.dates import find_dates
from minutes.summarize.text import blank_spans, content_tokens, content_words, count_shared

# Any date resolves the same against one reference, so two texts' dates compare equal or not
# even when the meeting date is unknown.
_REFERENCE_DATE = date(2000, 1, 3)


def _numbers(text: str) -> set[str]:
    return {t for t in content_tokens(text) if t[0].isdigit()}


def _facts_ok(item_text: str, evidence_texts: Sequence[str], reference: date) -> bool:
    """Every date and number the item states also occurs in the evidence."""
    item_dates = find_dates(item_text, reference)
    evidence_dates: set[date] = set()
    evidence_numbers: set[str] = set()
    for text in evidence_texts:
        mentions = find_dates(text, reference)
        evidence_dates.update(m.date for m in mentions)
        evidence_numbers |= _numbers(blank_spans(text, [(m.start, m.end) for m in mentions]))
    if any(m.date not in evidence_dates for m in item_dates):
        return False
    item_numbers = _numbers(blank_spans(item_text, [(m.start, m.end) for m in item_dates]))
    return item_numbers <= evidence_numbers


def support(
    item_text: str,
    evidence_texts: Sequence[str],
    *,
    threshold: float = 0.5,
    meeting_date: date | None = None,
) -> tuple[bool, float]:
    """Whether the evidence supports the item, and the share of the item's content words it holds.

    Supported means: the share reaches ``threshold``, and every number and date in the item
    occurs in the evidence (dates compare by the day they resolve to, against ``meeting_date``
    when given, so "by Friday" matches "on Friday" and "March 1st" matches "the first of March").
    An item without content words is never supported.
    """
    item = content_words(item_text)
    if not item:
        return False, 0.0
    evidence: set[str] = set()
    for text in evidence_texts:
        evidence |= content_words(text)
    score = count_shared(item, evidence) / len(item)
    ok = score >= threshold and _facts_ok(item_text, evidence_texts, meeting_date or _REFERENCE_DATE)
    return ok, score
