"""Grounding: do the utterances an item cites contain the item's substance?

An item (a decision, action or question the model phrased) is *supported* when enough of its
content words occur in its evidence and every number and date it states occurs there too. Words
are compared after light stemming, so "fixing the payments" matches "fix the payment"; a shared
prefix of five letters also counts ("deployment" / "deploying"). There are no synonyms: an item
that says "hire" when the evidence says "recruit" is flagged, which is the safe direction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from minutes.summarize.dates import find_dates

_STOPWORDS_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each either else even ever every few for from further get gets getting got had hadn't has hasn't
    have haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
    i'm i've if in into is isn't it it's its itself just let let's like ll maybe me might more most much
    must mustn't my myself need no nor not now of off on once one's only or other ought our ours ourselves
    out over own per perhaps please quite rather re really same shall shan't she she'd she'll she's should
    shouldn't so some something somebody someone such than that that's the their theirs them themselves then
    there there's these they they'd they'll they're they've thing things this those though through to too
    under until up upon us ve very via was wasn't we we'd we'll we're we've were weren't what what's when
    when's where where's whether which while who who's whom whose why why's will with won't would wouldn't
    yet you you'd you'll you're you've your yours yourself yourselves
    uh um uhm er erm ah oh hmm mm okay ok yeah yep yes nope right well actually basically kind sort lot
    gonna wanna gotta going go goes went thanks thank guys everyone anyone anything
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_CARDINALS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth"
NUMBER_WORDS = {w: str(i) for i, w in enumerate(_CARDINALS.split())}
NUMBER_WORDS.update({w: str(i + 1) for i, w in enumerate(_ORDINALS.split())})
NUMBER_WORDS.update(
    {"twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "half": "0.5"}
)

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*[^\W\d_]*|[^\W\d_]+(?:'[^\W\d_]+)?")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_UNDOUBLE_KEEP = frozenset("lsz")
_PREFIX = 5
# Any date resolves the same against one reference, so two texts' dates compare equal or not
# even when the meeting date is unknown.
_REFERENCE_DATE = date(2000, 1, 3)


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("‘", "'")
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if tok.endswith("'s") and tok not in STOPWORDS:
            tok = tok[:-2]
        out.append(tok)
    return out


def stem(word: str) -> str:
    """A light suffix stem: plural s/es/ies, -ed, -ing, a doubled final consonant and a final e."""
    if not word.isalpha() or len(word) <= 3:
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ing") and len(w) >= 6:
        w = w[:-3]
    elif (w.endswith("ed") and len(w) >= 5) or (
        w.endswith("es") and w[:-2].endswith(("s", "x", "z", "ch", "sh"))
    ):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiou" and w[-1] not in _UNDOUBLE_KEEP:
        w = w[:-1]
    if len(w) >= 4 and w.endswith("e"):
        w = w[:-1]
    return w


def content_tokens(text: str) -> list[str]:
    """The stemmed content words of ``text`` in order, repeats kept; number words become digits."""
    out: list[str] = []
    for tok in _tokens(text):
        if tok in STOPWORDS:
            continue
        if tok in NUMBER_WORDS:
            out.append(NUMBER_WORDS[tok])
            continue
        m = _ORDINAL.match(tok)
        if m:
            out.append(m.group(1))
        elif tok[0].isdigit():
            out.append(tok.replace(",", ""))
        elif len(tok) > 1:
            out.append(stem(tok))
    return out


def content_words(text: str) -> set[str]:
    """Lowercased, stemmed words of ``text`` without stopwords or fillers."""
    return set(content_tokens(text))


def _numbers(text: str) -> set[str]:
    return {t for t in content_tokens(text) if t[0].isdigit()}


def _strip_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def _facts_ok(item_text: str, evidence_texts: Sequence[str], reference: date) -> bool:
    """Every date and number the item states also occurs in the evidence."""
    item_dates = find_dates(item_text, reference)
    evidence_dates: set[date] = set()
    evidence_numbers: set[str] = set()
    for text in evidence_texts:
        mentions = find_dates(text, reference)
        evidence_dates.update(m.date for m in mentions)
        evidence_numbers |= _numbers(_strip_spans(text, [(m.start, m.end) for m in mentions]))
    if any(m.date not in evidence_dates for m in item_dates):
        return False
    item_numbers = _numbers(_strip_spans(item_text, [(m.start, m.end) for m in item_dates]))
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
    prefixes = {w[:_PREFIX] for w in evidence if len(w) >= _PREFIX}
    hits = sum(1 for w in item if w in evidence or (len(w) >= _PREFIX and w[:_PREFIX] in prefixes))
    score = hits / len(item)
    ok = score >= threshold and _facts_ok(item_text, evidence_texts, meeting_date or _REFERENCE_DATE)
    return ok, score
