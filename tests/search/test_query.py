"""The query language, parsed without a database: what becomes an atom, what is refused."""

from __future__ import annotations

import random
import re

import pytest

from minutes.errors import QueryError
from minutes.search.query import MAX_ATOMS, MAX_QUERY_CHARS, Atom, parse

HOSTILE = [
    '"',
    "'",
    '""',
    "(",
    ")",
    "()",
    "budget)",
    "(budget",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "budget AND plan",
    "budget OR plan",
    "NOT budget",
    "NEAR(budget plan, 3)",
    "budget NEAR/2 plan",
    "*",
    "**",
    "* budget",
    "-budget",
    "+budget",
    "^budget",
    "text:budget",
    "{text speaker}: budget",
    "budget:*",
    "budget:A",
    "!budget",
    "budget & plan | (x <-> y)",
    "'; DROP TABLE utterances; --",
    '" OR 1=1 --',
    "1' OR '1'='1",
    "%",
    "_",
    "\\",
    "\\'",
    "budget\x00plan",
    "\x02budget\x03",
    "🎉",
    "🎉 budget 🚀",
    "café ☕",
    '"unterminated phrase',
    'two "" quotes',
    "tab\tand\nnewline",
    "日本語",
    "Ω≈ç√∫",
    "$$ budget $$",
    "E'\\x00'",
]


def test_words_are_atoms_in_order_without_duplicates() -> None:
    query = parse("  Budget plan budget  ")
    assert query.atoms == (Atom(("Budget",)), Atom(("plan",)))
    assert query.text == "Budget plan budget"


def test_quoted_phrases_and_prefixes() -> None:
    query = parse('"action item" budg* "next st"*')
    assert query.atoms == (
        Atom(("action", "item")),
        Atom(("budg",), prefix=True),
        Atom(("next", "st"), prefix=True),
    )
    assert query.fts5() == '"action item" "budg"* "next st"*'
    assert query.tsquery() == "(action <-> item) & budg:* & (next <-> st:*)"


def test_punctuation_splits_words_into_phrases_as_in_the_index() -> None:
    assert parse("O'Brien's").atoms == (Atom(("O", "Brien", "s")),)
    assert parse("e-mail 3.5").atoms == (Atom(("e", "mail")), Atom(("3", "5")))
    assert parse("snake_case").atoms == (Atom(("snake", "case")),)


def test_operators_are_plain_words() -> None:
    query = parse("budget AND NOT plan OR NEAR")
    assert [a.tokens for a in query.atoms] == [("budget",), ("AND",), ("NOT",), ("plan",), ("OR",), ("NEAR",)]
    assert query.fts5() == '"budget" "AND" "NOT" "plan" "OR" "NEAR"'


def test_an_unterminated_quote_runs_to_the_end() -> None:
    assert parse('budget "next steps').atoms == (Atom(("budget",)), Atom(("next", "steps")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty search query"),
        ("   \t\n", "empty search query"),
        ("*", "nothing to search for"),
        ("🎉 ☕", "nothing to search for"),
        ('"" () -', "nothing to search for"),
        ("a*", "prefix 'a*' is too short"),
        ("x" * (MAX_QUERY_CHARS + 1), f"the most is {MAX_QUERY_CHARS}"),
        (" ".join(f"w{i}" for i in range(MAX_ATOMS + 1)), f"the most is {MAX_ATOMS}"),
    ],
)
def test_refusals_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        parse(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_yields_only_letters_and_digits(text: str) -> None:
    try:
        query = parse(text)
    except QueryError:
        return
    for atom in query.atoms:
        assert all(re.fullmatch(r"[^\W_]+", token) for token in atom.tokens), atom
    # What reaches FTS5 is quoted strings, optionally followed by *, and nothing else.
    assert re.fullmatch(r'("[^"]+"\*? ?)+', query.fts5() + " ")


def test_random_input_never_escapes_the_quoting() -> None:
    alphabet = "\"'()*:^-+&|!<>{}[];,.%_\\/ \t\nabcAND OR NEARé日🎉0"
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        try:
            query = parse(text)
        except QueryError:
            continue
        assert re.fullmatch(r'("[^"]+"\*? ?)+', query.fts5() + " "), text
        assert re.fullmatch(r"[\w ():<>*&|-]+", query.tsquery()), text
