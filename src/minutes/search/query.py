"""The search query language, parsed in Python so that no user input ever reaches an FTS parser raw.

A query is a conjunction of *atoms*; each must match, in any order:

* ``budget``        a word (stemmed: ``budgets`` and ``budgeting`` match too);
* ``"action item"`` a phrase: these words, next to each other, in this order;
* ``budg*``         a prefix (at least :data:`MIN_PREFIX` letters before the ``*``).

Everything else is text to look for, never syntax: ``AND``/``OR``/``NOT``/``NEAR`` are plain
words, parentheses, colons, ``-`` and other punctuation separate words exactly as they do in the
indexed transcript (``O'Brien's`` is the phrase ``o brien s``, ``e-mail`` the phrase ``e mail``),
and characters that are neither letters nor digits (emoji, symbols) are ignored. Both backends
then receive only letters and digits wrapped in their own quoting, so no input can produce an
SQL or FTS syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from minutes.errors import QueryError

MAX_QUERY_CHARS = 500
"""Longer input is refused rather than silently cut."""

MAX_ATOMS = 16
"""More words or phrases than this is refused: a search box, not a document."""

MIN_PREFIX = 2
"""``a*`` would expand to most of the vocabulary; a prefix needs at least this many characters."""

WORD = re.compile(r"[^\W_]+")
"""A word as both indexes split text: a run of letters and digits, of any script."""

_CHUNK = re.compile(r'"([^"]*)"?(\*?)|([^\s"]+)')  # a quoted phrase (closing quote optional), or a word


@dataclass(frozen=True, slots=True)
class Atom:
    """One condition of a query: a word, or a phrase of words; ``prefix`` marks the last word."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def key(self) -> tuple[tuple[str, ...], bool]:
        """What makes two atoms the same condition (``Budget`` and ``budget`` are)."""
        return tuple(t.lower() for t in self.tokens), self.prefix

    def fts5(self) -> str:
        """As an FTS5 string: ``"word"``, ``"two words"``, ``"pre"*`` (tokens are letters/digits)."""
        quoted = '"' + " ".join(self.tokens).replace('"', '""') + '"'
        return quoted + "*" if self.prefix else quoted

    def tsquery(self) -> str:
        """As ``to_tsquery`` input: ``word``, ``(two <-> words)``, ``pre:*``."""
        parts = [*self.tokens[:-1], self.tokens[-1] + (":*" if self.prefix else "")]
        return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: its atoms, all of which must match."""

    text: str
    atoms: tuple[Atom, ...]

    def fts5(self) -> str:
        """The FTS5 MATCH expression (implicit AND of quoted strings)."""
        return " ".join(a.fts5() for a in self.atoms)

    def tsquery(self) -> str:
        """The ``to_tsquery`` expression (``&`` of the atoms)."""
        return " & ".join(a.tsquery() for a in self.atoms)

    def any_word_tsquery(self) -> str:
        """A ``to_tsquery`` expression matching any single word of the query (for highlighting)."""
        words = [t for a in self.atoms for t in a.tokens[:-1]]
        words += [a.tokens[-1] + (":*" if a.prefix else "") for a in self.atoms]
        return " | ".join(words)


def parse(text: str) -> Query:
    """Parse a user's search input; :class:`QueryError` says what is wrong and how to fix it."""
    stripped = text.strip()
    if not stripped:
        raise QueryError("empty search query; type at least one word to look for")
    if len(stripped) > MAX_QUERY_CHARS:
        raise QueryError(
            f"search query is {len(stripped)} characters long; the most is {MAX_QUERY_CHARS}, so shorten it"
        )
    atoms: list[Atom] = []
    for match in _CHUNK.finditer(stripped):
        phrase, phrase_star, word = match.groups()
        if word is not None:
            atom = _atom(word.rstrip("*"), prefix=word.endswith("*"), shown=word)
        else:
            atom = _atom(phrase, prefix=bool(phrase_star), shown=match.group(0))
        if atom is not None and atom.key() not in {a.key() for a in atoms}:
            atoms.append(atom)
    if not atoms:
        raise QueryError(
            f"nothing to search for in {stripped!r}: the query needs letters or digits "
            "(punctuation, symbols and emoji are ignored)"
        )
    if len(atoms) > MAX_ATOMS:
        raise QueryError(
            f"search query has {len(atoms)} words and phrases; the most is {MAX_ATOMS}, so drop some"
        )
    return Query(text=stripped, atoms=tuple(atoms))


def _atom(text: str, *, prefix: bool, shown: str) -> Atom | None:
    tokens = tuple(WORD.findall(text))
    if not tokens:
        return None
    if prefix and len(tokens[-1]) < MIN_PREFIX:
        raise QueryError(f"prefix {shown!r} is too short; give at least {MIN_PREFIX} letters before the *")
    return Atom(tokens=tokens, prefix=prefix)
