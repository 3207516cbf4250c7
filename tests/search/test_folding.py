"""Accents are folded alike on both backends: SQLite's remove_diacritics 2 and PostgreSQL's NFD rule."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Text

from minutes.db import upgrade
from tests.db.conftest import _postgres_engine

LATIN = [chr(c) for first, last in ((0xC0, 0x250), (0x1E00, 0x1F00)) for c in range(first, last)]


def sqlite_folds(chars: list[str]) -> dict[str, str]:
    """What FTS5's tokenizer makes of each character (lower case, diacritics removed)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(chars, start=1))
    return {chars[doc - 1]: term for term, doc in conn.execute("SELECT term, doc FROM v")}


@pytest.fixture
def postgres() -> Iterator[Engine]:
    engines = _postgres_engine()
    engine = next(engines)
    upgrade(engine)
    yield engine
    engines.close()


@pytest.mark.postgres
def test_latin_letters_fold_the_same_on_both_backends(postgres: Engine) -> None:
    with postgres.connect() as conn:
        folded = conn.execute(
            text("SELECT c, lower(minutes_search_unaccent(c)) FROM unnest(:chars) AS c").bindparams(
                bindparam("chars", LATIN, type_=ARRAY(Text))
            )
        ).all()
    lite = sqlite_folds(LATIN)
    # Letters that keep their marks come back composed from SQLite, decomposed from PostgreSQL.
    composed = {c: unicodedata.normalize("NFC", pg) for c, pg in folded}
    differing = {c: (lite[c], pg) for c, pg in composed.items() if c in lite and lite[c] != pg}
    # SQLite also folds the long s, and leaves A with dot and macron alone. Nothing else differs.
    assert differing == {"ſ": ("s", "ſ"), "ẛ": ("s", "ẛ"), "Ǡ": ("ǡ", "a"), "ǡ": ("ǡ", "a")}
    assert sum(1 for pg in composed.values() if pg.isascii()) > 400
