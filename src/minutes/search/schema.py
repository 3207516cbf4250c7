"""Names of the search index objects that migrations 0005 and 0006 create, which the models do not describe.

SQLite: FTS5 tables (with their shadow tables), a view and triggers. PostgreSQL: a text search
configuration, three SQL functions, generated ``tsvector`` columns on ``utterances`` (0005),
``minute_items`` and ``minutes`` (0006) and GIN indexes. The migrations spell these names out
themselves (they are frozen); a test checks they agree.
"""

from __future__ import annotations

from typing import Any

CONFIG = "minutes_search"
"""PostgreSQL text search configuration (English stemming, no stop words)."""

UNACCENT = "minutes_search_unaccent"
"""PostgreSQL function: diacritics of Latin letters removed (as SQLite's ``remove_diacritics 2``)."""

FOLD = "minutes_search_fold"
"""PostgreSQL function: :data:`UNACCENT`, and ASCII punctuation made blank (words split as in FTS5)."""

DOCUMENT = "minutes_search_document"
"""PostgreSQL function: the ``tsvector`` of a text (:data:`FOLD`, then :data:`CONFIG`)."""

VECTOR = "search_vector"
"""PostgreSQL: the generated, stored ``tsvector`` column of each of :data:`VECTOR_TABLES`."""

VECTOR_TABLES = frozenset({"utterances", "minute_items", "minutes"})
"""``utterances`` since migration 0005; ``minute_items`` and ``minutes`` since 0006."""

UTTERANCE_VECTOR = VECTOR
"""PostgreSQL: the generated ``tsvector`` column on ``utterances``."""

FTS_UTTERANCES = "search_utterances"
FTS_MINUTE_ITEMS = "search_minute_items"
FTS_MINUTES = "search_minutes"
"""SQLite FTS5 tables over utterances (text, speaker name), minute items (text), summaries."""

FTS5_SHADOWS = ("data", "idx", "docsize", "config", "content")

PG_INDEXES = frozenset(
    {"ix_search_utterances", "ix_search_speakers", "ix_search_minute_items", "ix_search_minutes"}
)

UNMODELLED_TABLES = frozenset(
    name
    for base in (FTS_UTTERANCES, FTS_MINUTE_ITEMS, FTS_MINUTES)
    for name in (base, *(f"{base}_{shadow}" for shadow in FTS5_SHADOWS))
)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic ``include_object`` hook: leave the search index objects out of a model comparison.

    Only objects found in the database and absent from the models are left out, so a model that
    happened to reuse one of these names would still be compared.
    """
    if not reflected or compare_to is not None:
        return True
    if type_ == "table":
        return name not in UNMODELLED_TABLES
    if type_ == "index":
        return name not in PG_INDEXES
    if type_ == "column":
        return not (name == VECTOR and getattr(obj.table, "name", None) in VECTOR_TABLES)
    return True
