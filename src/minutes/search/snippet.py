"""Snippets: a hit's text as fragments marked *match* or not, cut to a window around the first match.

SQLite marks matches with two control characters (:data:`OPEN`, :data:`CLOSE`); PostgreSQL says
which words of the text match (:func:`token_fragments`). Either way they become
``(text, is_match)`` fragments here, and marker characters never reach a caller. A renderer
escapes each fragment and wraps the matching ones (``<mark>``, a terminal style), so a transcript line can
never inject markup. If the stored text itself contains a marker character, the marks cannot be
trusted and the text comes back unmarked.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from minutes.search.query import WORD

OPEN = "\x02"
CLOSE = "\x03"

WINDOW_CHARS = 240
"""A snippet shows about this many characters of a longer line."""

LEAD_CHARS = 60
"""How much text a cut snippet shows before its first match."""

ELLIPSIS = "…"

MAX_SNAP = 30
"""A cut moves at most this far to fall between words (scripts without spaces are cut anywhere)."""


class Fragment(NamedTuple):
    """A piece of a snippet; ``is_match`` pieces are what the query matched."""

    text: str
    is_match: bool


def marked_fragments(marked: str, original: str) -> tuple[Fragment, ...]:
    """Split ``marked`` (``original`` with OPEN/CLOSE around matches) into fragments.

    Falls back to one unmarked fragment of ``original`` when the marks do not fit it.
    """
    fragments: list[Fragment] = []
    rest = marked
    while rest:
        start = rest.find(OPEN)
        if start < 0:
            fragments.append(Fragment(rest, False))
            break
        end = rest.find(CLOSE, start + 1)
        if end < 0:
            return _unmarked(original)
        if start:
            fragments.append(Fragment(rest[:start], False))
        fragments.append(Fragment(rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    fragments = [f for f in fragments if f.text]
    if "".join(f.text for f in fragments) != original or any(
        OPEN in f.text or CLOSE in f.text for f in fragments
    ):
        return _unmarked(original)
    return _merge(fragments)


def token_fragments(text: str, matched: Collection[str]) -> tuple[Fragment, ...]:
    """Fragments of ``text`` in which each word (letters and digits) in ``matched`` is a match."""
    fragments: list[Fragment] = []
    at = 0
    for token in WORD.finditer(text):
        if token.group() in matched:
            if token.start() > at:
                fragments.append(Fragment(text[at : token.start()], False))
            fragments.append(Fragment(token.group(), True))
            at = token.end()
    if at < len(text):
        fragments.append(Fragment(text[at:], False))
    return tuple(fragments)


def window(fragments: tuple[Fragment, ...], width: int = WINDOW_CHARS) -> tuple[Fragment, ...]:
    """At most about ``width`` characters around the first match, cut at spaces, ``…`` at cuts."""
    text = "".join(f.text for f in fragments)
    if len(text) <= width:
        return fragments
    first = 0
    for f in fragments:
        if f.is_match:
            break
        first += len(f.text)
    else:
        first = 0
    start = _word_start(text, max(0, first - LEAD_CHARS))
    end = _word_end(text, min(len(text), start + width))
    start = _word_start(text, max(0, min(start, end - width)))
    cut: list[Fragment] = [Fragment(ELLIPSIS, False)] if start > 0 else []
    at = 0
    for f in fragments:
        lo, hi = max(start, at), min(end, at + len(f.text))
        if lo < hi:
            cut.append(Fragment(f.text[lo - at : hi - at], f.is_match))
        at += len(f.text)
    if end < len(text):
        cut.append(Fragment(ELLIPSIS, False))
    return _merge(_strip_edges(cut))


def _word_start(text: str, at: int) -> int:
    """``at`` moved back to the start of the word it falls in (text without spaces is cut as is)."""
    start = at
    while 0 < at < len(text) and not text[at - 1].isspace() and start - at < MAX_SNAP:
        at -= 1
    return at if start - at < MAX_SNAP else start


def _word_end(text: str, at: int) -> int:
    """``at`` moved forward to the end of the word it falls in (text without spaces is cut as is)."""
    end = at
    while (
        0 < at < len(text) and not text[at].isspace() and not text[at - 1].isspace() and at - end < MAX_SNAP
    ):
        at += 1
    return at if at - end < MAX_SNAP else end


def _strip_edges(fragments: list[Fragment]) -> list[Fragment]:
    """No blank space next to an ellipsis."""
    out = list(fragments)
    if len(out) > 1 and out[0].text == ELLIPSIS and not out[1].is_match:
        out[1] = Fragment(out[1].text.lstrip(), False)
    if len(out) > 1 and out[-1].text == ELLIPSIS and not out[-2].is_match:
        out[-2] = Fragment(out[-2].text.rstrip(), False)
    return [f for f in out if f.text]


def _merge(fragments: list[Fragment]) -> tuple[Fragment, ...]:
    """Adjacent fragments of the same kind joined (``[budget] [plan]`` stays two matches)."""
    merged: list[Fragment] = []
    for f in fragments:
        if merged and merged[-1].is_match == f.is_match and not f.is_match:
            merged[-1] = Fragment(merged[-1].text + f.text, False)
        else:
            merged.append(f)
    return tuple(merged)


def _unmarked(original: str) -> tuple[Fragment, ...]:
    return (Fragment(original, False),) if original else ()
