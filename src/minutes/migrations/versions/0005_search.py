"""Search: full-text indexes over transcript lines, minute items and summaries.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

Written by hand, frozen once landed: later changes go into new revisions. It must not import
``minutes.db.models`` (or ``minutes.search``), which describe the newest code rather than this
revision; the names below are checked against ``minutes.search.schema`` by a test.

SQLite
    FTS5 tables with external content (the text is stored once, in the source tables), tokenizer
    ``porter unicode61 remove_diacritics 2``:

    * ``search_utterances(text, speaker)`` over the view ``search_utterances_source``: each line's
      text and the name its speaker was given (``NULL`` while unnamed);
    * ``search_minute_items(text)`` over ``minute_items``; ``search_minutes(summary)`` over ``minutes``.

    Triggers keep them in step with every change, cascaded deletes included. An external-content
    index must be told the exact values it indexed when a row leaves it, so the triggers keep one
    invariant: each line is indexed with its current text and its speaker's current name. A
    speaker inserted, renamed or deleted re-indexes that speaker's lines, which makes any order of
    deletes (a meeting's cascade deletes its speakers and lines in no fixed order) consistent.

PostgreSQL
    A text search configuration ``minutes_search``: the english Snowball stemmer *without* a stop
    word list (like FTS5's porter tokenizer: ``to be decided`` stays searchable, and a query never
    silently empties). ``minutes_search_unaccent`` drops the diacritics of Latin letters (after
    Unicode decomposition, for lines that are not plain ASCII), as SQLite's ``remove_diacritics 2``
    does; ``minutes_search_fold`` also blanks ASCII punctuation, so both backends split ``e-mail``,
    ``3.5`` and ``O'Brien`` alike. Both use regular expressions: ``translate()`` with a table of
    accented letters costs ~0.5 ms a line. The ``unaccent`` extension is not used: it needs
    ``CREATE EXTENSION`` rights and is not immutable, so it cannot be indexed directly.

    ``utterances.search_vector`` is a stored generated column (filled for existing rows when it is
    added, kept current by PostgreSQL on every insert and update) with a GIN index: ranking reads
    the stored vector instead of re-parsing every matching line. Speaker names live in another
    table, which no generated column or index expression on ``utterances`` can read; they have an
    expression GIN index of their own and the query combines the two. Minute items and summaries
    are small and get expression GIN indexes.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "porter unicode61 remove_diacritics 2"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgresql()
    else:
        _downgrade_sqlite()


# SQLite ------------------------------------------------------------------------------------------

_DELETE_LINE = (
    "INSERT INTO search_utterances(search_utterances, rowid, text, speaker) VALUES ('delete', old.id, "
    "old.text, (SELECT name FROM speakers WHERE meeting_id = old.meeting_id AND label = old.speaker_label));"
)
_INSERT_LINE = (
    "INSERT INTO search_utterances(rowid, text, speaker) "
    "SELECT id, text, speaker FROM search_utterances_source WHERE id = new.id;"
)


def _unindex_speaker(key: str, indexed_name: str, extra: str = "") -> str:
    """Drop from the index the lines of speaker ``key`` (``old``/``new``), indexed with ``indexed_name``."""
    return (
        "INSERT INTO search_utterances(search_utterances, rowid, text, speaker)"
        f" SELECT 'delete', id, text, {indexed_name} FROM utterances"
        f" WHERE meeting_id = {key}.meeting_id AND speaker_label = {key}.label{extra};"
    )


def _index_speaker(key: str, name: str) -> str:
    """Index the lines of speaker ``key`` (``old``/``new``) with the speaker name ``name``."""
    return (
        f"INSERT INTO search_utterances(rowid, text, speaker) SELECT id, text, {name} FROM utterances"
        f" WHERE meeting_id = {key}.meeting_id AND speaker_label = {key}.label;"
    )


_KEY_CHANGED = " AND (new.meeting_id != old.meeting_id OR new.label != old.label)"

_SQLITE_TRIGGERS = {
    "search_utterances_insert": f"AFTER INSERT ON utterances BEGIN {_INSERT_LINE} END",
    "search_utterances_delete": f"AFTER DELETE ON utterances BEGIN {_DELETE_LINE} END",
    "search_utterances_update": (
        "AFTER UPDATE OF id, meeting_id, speaker_label, text ON utterances"
        f" BEGIN {_DELETE_LINE} {_INSERT_LINE} END"
    ),
    # Lines of a (meeting, label) without a speaker row are indexed without a name; the key is
    # unique, so a new speaker row's lines had none before it.
    "search_speakers_insert": (
        "AFTER INSERT ON speakers WHEN new.name IS NOT NULL"
        f" BEGIN {_unindex_speaker('new', 'NULL')} {_index_speaker('new', 'new.name')} END"
    ),
    "search_speakers_delete": (
        "AFTER DELETE ON speakers WHEN old.name IS NOT NULL"
        f" BEGIN {_unindex_speaker('old', 'old.name')} {_index_speaker('old', 'NULL')} END"
    ),
    "search_speakers_update": (
        "AFTER UPDATE OF meeting_id, label, name ON speakers WHEN old.name IS NOT new.name"
        " OR old.label IS NOT new.label OR old.meeting_id IS NOT new.meeting_id BEGIN"
        f" {_unindex_speaker('old', 'old.name')} {_unindex_speaker('new', 'NULL', _KEY_CHANGED)}"
        " INSERT INTO search_utterances(rowid, text, speaker) SELECT id, text, speaker"
        " FROM search_utterances_source WHERE id IN (SELECT id FROM utterances"
        " WHERE (meeting_id = old.meeting_id AND speaker_label = old.label)"
        " OR (meeting_id = new.meeting_id AND speaker_label = new.label)); END"
    ),
}


def _plain_triggers(fts: str, table: str, key: str, column: str) -> dict[str, str]:
    """Triggers for an FTS5 table over one text column of one table."""
    delete = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.{key}, old.{column});"
    insert = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.{key}, new.{column});"
    return {
        f"{fts}_insert": f"AFTER INSERT ON {table} BEGIN {insert} END",
        f"{fts}_delete": f"AFTER DELETE ON {table} BEGIN {delete} END",
        f"{fts}_update": f"AFTER UPDATE OF {key}, {column} ON {table} BEGIN {delete} {insert} END",
    }


_SQLITE_PLAIN = (
    # (FTS table, source table, its integer primary key, indexed column)
    ("search_minute_items", "minute_items", "id", "text"),
    ("search_minutes", "minutes", "meeting_id", "summary"),
)


def _sqlite_triggers() -> dict[str, str]:
    triggers = dict(_SQLITE_TRIGGERS)
    for fts, table, key, column in _SQLITE_PLAIN:
        triggers.update(_plain_triggers(fts, table, key, column))
    return triggers


def _upgrade_sqlite() -> None:
    op.execute(
        "CREATE VIEW search_utterances_source AS"
        " SELECT u.id AS id, u.text AS text, s.name AS speaker FROM utterances AS u"
        " LEFT JOIN speakers AS s ON s.meeting_id = u.meeting_id AND s.label = u.speaker_label"
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_utterances USING fts5(text, speaker,"
        f" content='search_utterances_source', content_rowid='id', tokenize='{TOKENIZE}')"
    )
    for fts, table, key, column in _SQLITE_PLAIN:
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({column},"
            f" content='{table}', content_rowid='{key}', tokenize='{TOKENIZE}')"
        )
    for name, body in _sqlite_triggers().items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # Back-fill: read every existing row through the content table.
    for fts in ("search_utterances", *(p[0] for p in _SQLITE_PLAIN)):
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _downgrade_sqlite() -> None:
    for name in _sqlite_triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for fts in ("search_utterances", *(p[0] for p in _SQLITE_PLAIN)):
        op.execute(f"DROP TABLE IF EXISTS {fts}")
    op.execute("DROP VIEW IF EXISTS search_utterances_source")


# PostgreSQL --------------------------------------------------------------------------------------


def _literal(value: str) -> str:
    """A PostgreSQL escape-string literal, whatever ``standard_conforming_strings`` says."""
    return "E'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


_STEMMED_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"

# A Latin letter followed by combining diacritical marks (after NFD): what SQLite's
# remove_diacritics=2 folds, give or take a handful of rare letters (a test compares them).
_LATIN_MARKS = r"([A-Za-z])[\u0300-\u036f]+"

_KEEP_LETTER = r"\1"

# Every ASCII punctuation character: ! to /, : to @, [ to `, { to ~.
_ASCII_PUNCTUATION = "[!-/:-@[-`{-~]"


def _upgrade_postgresql() -> None:
    encoding = op.get_bind().exec_driver_sql("SHOW server_encoding").scalar()
    if encoding != "UTF8":
        # Transcripts are in any language; folding needs Unicode normalization.
        raise RuntimeError(
            f"minutes needs a UTF8 PostgreSQL database, this one is {encoding}; "
            "create one with CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0"
        )
    op.execute(
        "CREATE TEXT SEARCH DICTIONARY minutes_search_stem"
        " (TEMPLATE = pg_catalog.snowball, language = english)"
    )
    op.execute("CREATE TEXT SEARCH CONFIGURATION minutes_search (COPY = pg_catalog.english)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION minutes_search"
        f" ALTER MAPPING FOR {_STEMMED_TOKENS} WITH minutes_search_stem"
    )
    # SQL-standard bodies are bound when created (like a view), so they do not depend on the
    # search_path of whoever calls them, pg_dump/pg_restore included; PostgreSQL inlines them.
    # Only lines with non-ASCII characters are decomposed (most English lines are pure ASCII,
    # and this is the cheap test for it); then marks on Latin letters are dropped.
    op.execute(
        "CREATE FUNCTION minutes_search_unaccent(value text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        " RETURN CASE WHEN octet_length(value) = length(value) THEN value"
        f" ELSE regexp_replace(normalize(value, NFD), {_literal(_LATIN_MARKS)}, {_literal(_KEEP_LETTER)},"
        " 'g') END"
    )
    op.execute(
        "CREATE FUNCTION minutes_search_fold(value text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        f" RETURN regexp_replace(minutes_search_unaccent(value), {_literal(_ASCII_PUNCTUATION)}, ' ', 'g')"
    )
    op.execute(
        "CREATE FUNCTION minutes_search_document(value text) RETURNS tsvector"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        " RETURN to_tsvector('minutes_search'::regconfig, minutes_search_fold(value))"
    )
    # Adding the column rewrites the table once, which fills it for the existing lines.
    op.execute(
        "ALTER TABLE utterances ADD COLUMN search_vector tsvector"
        " GENERATED ALWAYS AS (minutes_search_document(text)) STORED"
    )
    op.execute("CREATE INDEX ix_search_utterances ON utterances USING gin (search_vector)")
    op.execute("CREATE INDEX ix_search_speakers ON speakers USING gin (minutes_search_document(name))")
    op.execute(
        "CREATE INDEX ix_search_minute_items ON minute_items USING gin (minutes_search_document(text))"
    )
    op.execute("CREATE INDEX ix_search_minutes ON minutes USING gin (minutes_search_document(summary))")


def _downgrade_postgresql() -> None:
    for index in (
        "ix_search_minutes",
        "ix_search_minute_items",
        "ix_search_speakers",
        "ix_search_utterances",
    ):
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.execute("ALTER TABLE utterances DROP COLUMN IF EXISTS search_vector")
    for function in ("minutes_search_document", "minutes_search_fold", "minutes_search_unaccent"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}(text)")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS minutes_search")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS minutes_search_stem")
