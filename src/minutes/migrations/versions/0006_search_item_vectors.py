"""Search: stored text vectors for minute items and summaries on PostgreSQL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Written by hand, frozen once landed: later changes go into new revisions. It must not import
``minutes.db.models`` (or ``minutes.search``); a test checks the names against
``minutes.search.schema``.

PostgreSQL
    Migration 0005 indexed minute items and summaries with expression GIN indexes over
    ``minutes_search_document(text)``. The index finds the matching rows, but ranking them
    (``ts_rank``) and re-checking them parsed every matching text again, which was most of a
    search's time when a word is in many items. Like ``utterances.search_vector``, each table now
    gets a stored generated column ``search_vector`` (filled for existing rows when it is added,
    kept current by PostgreSQL) and the GIN index is rebuilt on it under the same name.
    Downgrading puts the expression indexes back.

SQLite
    Nothing changes: FTS5 already keeps what ranking needs in its own tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, indexed text column, index name): the GIN indexes migration 0005 made over expressions.
_INDEXED = (
    ("minute_items", "text", "ix_search_minute_items"),
    ("minutes", "summary", "ix_search_minutes"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, index in _INDEXED:
        # Adding the column rewrites the table once (small: a few rows per meeting).
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector"
            f" GENERATED ALWAYS AS (minutes_search_document({column})) STORED"
        )
        op.execute(f"DROP INDEX IF EXISTS {index}")
        op.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, index in _INDEXED:
        op.execute(f"DROP INDEX IF EXISTS {index}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        op.execute(f"CREATE INDEX {index} ON {table} USING gin (minutes_search_document({column}))")
