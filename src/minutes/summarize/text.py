"""The summarizer's text toolkit: sentences, words, stop words and number words (English).

Every module of :mod:`minutes.summarize` reads text through these functions, so that a sentence,
a word and a number mean the same thing to the candidate rules, the grounding check, the topic
cutter and the summary check.

- **Sentences** end after ``.``, ``?`` or ``!`` and white space, never after a title ("Dr.",
  "Mr.") and, before a lowercase word, not after an abbreviation or initial ("a.m.", "e.g.",
  "J."). In model-written prose (:func:`split_sentences` with ``prose``), which starts each
  sentence with a capital, every abbreviation joins, and so does a piece starting lowercase.
- **Words** are runs of letters, accents included, with at most one inner apostrophe ("don't",
  "josé's"), or a number with the letters stuck to it ("1,000", "10am", "2nd"); curly
  apostrophes count as straight ones. :func:`content_tokens` drops stop words and fillers,
  turns number words into digits and stems lightly ("fixing the payments" → "fix", "payment").
- **Number words** are one vocabulary (zero to nineteen, the tens, hundred, thousand, million,
  dozen, half, first to thirty-first): :func:`number_word` reads one word, :func:`numbers_in`
  reads whole numbers ("two hundred and fifty", "twelve point five", a price "twelve fifty").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

# Stop words -----------------------------------------------------------------------------------

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
"""Function words and spoken fillers, lowercased: they say nothing about a meeting's substance."""

_NOT_NAMES_TEXT = """
    good great okay ok yes yeah so well right now alright sure thanks hi hello sorry actually first also
    anyway fine perfect excellent cool nice guys everyone everybody folks team all no oh um uh and but then
    look listen wait sir madam i it that this there we they he she you who what which someone nobody
    somebody anyone the both group meeting mr mrs ms dr professor maybe marketing sales legal finance
    engineering design product
"""
NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
"""Lowercased words that, capitalised at a sentence's start or before a verb, are still nobody's name."""

# Number words ---------------------------------------------------------------------------------

_UNITS_TEXT = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
)
UNITS: Mapping[str, int] = {w: i for i, w in enumerate(_UNITS_TEXT.split())}
_TENS_TEXT = "twenty thirty forty fifty sixty seventy eighty ninety"
TENS: Mapping[str, int] = {w: 10 * (i + 2) for i, w in enumerate(_TENS_TEXT.split())}
SCALES: Mapping[str, int] = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "dozen": 12}
_ORDINALS_TEXT = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
_ORDINAL_WORDS = _ORDINALS_TEXT.split()


def _ordinals() -> dict[str, int]:
    out = {w: i + 1 for i, w in enumerate(_ORDINAL_WORDS)}
    for i, w in enumerate(_ORDINAL_WORDS[:9]):
        out[f"twenty-{w}"] = out[f"twenty {w}"] = 21 + i
    out.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
    return out


ORDINALS: Mapping[str, int] = _ordinals()
"""Ordinal words up to a month's last day; the compound ones both hyphenated and spaced."""

_FRACTIONS = {"half": "0.5"}
_WORD_VALUES: dict[str, str] = {
    **{w: str(v) for w, v in (*UNITS.items(), *TENS.items(), *SCALES.items())},
    **{w: str(v) for w, v in ORDINALS.items() if w.isalpha()},
    **_FRACTIONS,
}


def number_word(word: str) -> str | None:
    """The digits one lowercase number word stands for ("twelve" → "12", "third" → "3",
    "half" → "0.5"), or None. Compounds are :func:`numbers_in`'s job."""
    return _WORD_VALUES.get(word)


# Sentences ------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|St)\.$")
_ABBREVIATION = re.compile(r"\b(?:[A-Z]|vs|etc|e\.g|i\.e|a\.m|p\.m|approx)\.$")


def straighten(text: str) -> str:
    """``text`` with curly apostrophes (’ ‘) made straight, as the word rules expect."""
    return text.replace("’", "'").replace("‘", "'")


_HESITATION = re.compile(r"(?:,\s*)?(?<![\w'-])(?:uh|um|umm|er|erm|hmm)(?![\w'-])(?:\s*,)?", re.IGNORECASE)
_STUTTER = re.compile(r"\b(\w+(?:'\w+)?(?: \w+(?:'\w+)?){0,2})(?: \1(?![\w'-]))+", re.IGNORECASE)


def fluent(text: str) -> str:
    """Spoken ``text`` without its hesitations ("uh", "um", with their commas: "by, um, the 24th" reads
    "by the 24th") and words said twice in a row ("I I can", "I'll I'll show you", "the the"), so the
    word rules read "I can show you". Repeats across a comma stay ("No, no."), and so do numbers
    ("twenty twenty", "one one two"); a line that is nothing but hesitation ("Um.") stays as it was."""

    def once(m: re.Match[str]) -> str:
        said = m.group(1)
        return m.group(0) if any(number_word(w.lower()) or w.isdigit() for w in said.split()) else said

    out = " ".join(_STUTTER.sub(once, _HESITATION.sub(" ", text)).split())
    out = re.sub(r"\s+(?=[,.?!])", "", out).lstrip(" ,.")
    if not out.strip(" ,.?!"):
        return text
    return out[0].upper() + out[1:] if text.lstrip()[:1].isupper() else out


def split_sentences(text: str, *, prose: bool = False) -> list[str]:
    """The sentences of ``text``, split after . ? and ! and white space, each keeping its punctuation.

    A piece after a title ("Dr. Alice") is joined back; so is one that starts lowercase after
    another abbreviation or an initial ("at 9 a.m. sharp", "e.g. the guide"). With ``prose``
    (model-written text, which starts every sentence with a capital) white space is squashed,
    every abbreviation joins, and so does any piece that starts lowercase.
    """
    text = straighten(" ".join(text.split()) if prose else text)
    out: list[str] = []
    for piece in (s.strip() for s in _SENTENCE_END.split(text)):
        if piece and out and _continues(out[-1], piece, prose=prose):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def _continues(before: str, piece: str, *, prose: bool) -> bool:
    """Whether ``piece`` goes on the sentence ``before`` rather than starting a new one."""
    lower = piece[:1].islower()
    if _TITLE.search(before):
        return True
    if _ABBREVIATION.search(before):
        return lower or prose
    return lower and prose


# Words ----------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*[^\W\d_]*|[^\W\d_]+(?:'[^\W\d_]+)?")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_UNDOUBLE_KEEP = frozenset("lsz")
PREFIX = 5
"""Two words sharing their first five letters count as the same word ("deployment" / "deploying")."""


def name_key(name: str) -> str:
    """A name folded for lookups: case and spacing do not make another person (or series)."""
    return " ".join(name.split()).casefold()


def words(text: str) -> list[str]:
    """The words of ``text`` in order, lowercased (see the module's docstring for what a word is)."""
    return _TOKEN.findall(straighten(text).lower())


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
    for tok in words(text):
        if tok.endswith("'s") and tok not in STOPWORDS:
            tok = tok[:-2]
        if tok in STOPWORDS:
            continue
        value = number_word(tok)
        ordinal = _ORDINAL_DIGITS.match(tok)
        if value is not None:
            out.append(value)
        elif ordinal:
            out.append(ordinal.group(1))
        elif tok[0].isdigit():
            out.append(tok.replace(",", ""))
        elif len(tok) > 1:
            out.append(stem(tok))
    return out


def content_words(text: str) -> set[str]:
    """Lowercased, stemmed words of ``text`` without stop words or fillers."""
    return set(content_tokens(text))


def count_shared(these: Iterable[str], within: set[str]) -> int:
    """How many of the words ``these`` occur in ``within``, a shared :data:`PREFIX` counting too."""
    prefixes = {w[:PREFIX] for w in within if len(w) >= PREFIX}
    return sum(1 for w in these if w in within or (len(w) >= PREFIX and w[:PREFIX] in prefixes))


def blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each (start, end) span turned into as many spaces, so other offsets hold."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


# Numbers --------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:[.,]\d+)*")
_LEADING_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*")
_CURRENCY = frozenset(
    {"euro", "euros", "dollar", "dollars", "pound", "pounds", "cent", "cents", "quid", "bucks"}
)
_Tokens = Sequence[tuple[str, int]]  # (lowercase word, end offset)


def _norm_number(raw: str) -> str:
    s = raw.replace(",", "")
    if "." in s:
        s = s.rstrip("0").rstrip(".") or "0"
    return s.lstrip("0") or "0"


def numbers_in(text: str, *, lenient: bool = False) -> set[str]:
    """The numbers ``text`` states, normalised ("1,000" → "1000", "twenty-five" → "25").

    With ``lenient`` (for a transcript), the parts of a compound, ordinal words and a lone
    scale word also count, so that a summary's "25" or "first" is found in "twenty five" or
    "the first", and "12" in "a dozen".
    """
    return {n for n, _end in number_spans(text, lenient=lenient)}


def number_spans(text: str, *, lenient: bool = False) -> list[tuple[str, int]]:
    """(number, end offset of its words) for each number in ``text``; see :func:`numbers_in`."""
    tokens = [(m.group(0), m.end()) for m in _WORD.finditer(text.lower().replace("-", " "))]
    found: list[tuple[str, int, int]] = []  # (number, first token, token after it)
    extra: list[tuple[str, int]] = []  # what only the lenient reading adds
    i = 0
    while i < len(tokens):
        tok, end = tokens[i]
        lead = _LEADING_NUMBER.match(tok)
        if lead:  # "12", "1,000", "10am", "2nd"; not a code like "mp3" or "mn017"
            found.append((_norm_number(lead.group(0)), i, i + 1))
        elif tok in ORDINALS or tok in SCALES:
            extra.append((str(ORDINALS.get(tok) or SCALES[tok]), end))
        if not _spelled(tok):
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
        if [t for t, _ in tokens[after : after + 3]] == ["and", "a", "half"]:  # "one and a half"
            extra.append((_norm_number(f"{number}.5"), tokens[after - 1][1]))
        out.append((number, tokens[after - 1][1]))
    return out + extra if lenient else out


def _compound(tokens: _Tokens, i: int) -> tuple[int, int, list[tuple[str, int]]]:
    """The number spelled from token ``i`` on ("two hundred and fifty"), the token after it, its parts."""
    total = current = 0
    last = ""
    parts: list[tuple[str, int]] = []
    j = i
    while j < len(tokens):
        w, end = tokens[j]
        if w in TENS and last in ("", "scale"):
            current += TENS[w]
            last = "tens"
        elif w in UNITS and (last in ("", "scale") or (last == "tens" and 0 < UNITS[w] < 10)):
            current += UNITS[w]
            last = "unit"
        elif w in SCALES and last in ("unit", "tens"):
            if SCALES[w] == 100:
                current *= 100
            else:
                total, current = total + current * SCALES[w], 0
            last = "scale"
        elif w == "and" and last == "scale" and j + 1 < len(tokens) and _spelled(tokens[j + 1][0]):
            j += 1
            continue
        else:
            break
        if _spelled(w):
            parts.append((str(UNITS.get(w, TENS.get(w))), end))
        j += 1
    return total + current, j, parts


def _spelled(word: str) -> bool:
    return word in UNITS or word in TENS


def _decimals(tokens: _Tokens, after: int) -> tuple[str, int] | None:
    """The digits spoken after "point" at token ``after`` ("point two five" → "25"), and the token after."""
    if after >= len(tokens) or tokens[after][0] != "point":
        return None
    digits, j = "", after + 1
    while j < len(tokens) and (tokens[j][0].isdigit() or 0 <= UNITS.get(tokens[j][0], -1) < 10):
        digits += tokens[j][0] if tokens[j][0].isdigit() else str(UNITS[tokens[j][0]])
        j += 1
    return (digits, j) if digits else None


def _price_gap(between: _Tokens) -> bool:
    return len(between) == 0 or (len(between) == 1 and between[0][0] in _CURRENCY)
