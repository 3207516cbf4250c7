"""Accounts: users, teams, roles, shares, API tokens, sessions and the audit log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Written by hand, frozen once landed: later changes go into new revisions. It must not import
``minutes.db.models``, which describes the newest schema rather than this one.

``meetings.team_id`` is added without rebuilding ``meetings``. On SQLite a batch rebuild drops the
old table, and with foreign keys on (they cannot be switched off inside the migration's
transaction) that deletes every row of the tables that cascade from it. SQLite's ``ADD COLUMN``
only takes an inline ``REFERENCES`` clause, which SQLAlchemy's reflection reads without its name
and ``ON DELETE`` (so a later batch rebuild would silently lose ``SET NULL``); the column is
therefore added with ``ADD COLUMN`` and the clause then moved, unchanged, to a named table
constraint in the stored ``CREATE TABLE`` text, by SQLite's documented ``writable_schema``
procedure for changes that do not touch the stored rows (sqlite.org/lang_altertable.html).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _user_fk(table: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete=ondelete
    )


_TEAM_REFERENCES = "REFERENCES teams (id) ON DELETE SET NULL"
_TEAM_FK = f"CONSTRAINT fk_meetings_team_id_teams FOREIGN KEY(team_id) {_TEAM_REFERENCES}"


def _sqlite_table_sql(table: str) -> str:
    query = sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name")
    return str(op.get_bind().execute(query, {"name": table}).scalar_one())


def _sqlite_rewrite_table_sql(table: str, sql: str) -> None:
    """Replace the stored CREATE TABLE text of ``table``; only for changes that leave rows as they are."""
    conn = op.get_bind()
    version = int(conn.exec_driver_sql("PRAGMA schema_version").scalar_one())
    conn.exec_driver_sql("PRAGMA writable_schema=ON")
    try:
        query = sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name")
        conn.execute(query, {"sql": sql, "name": table})
        # A new schema version makes every connection read the changed schema again.
        conn.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema=OFF")
    problems = conn.exec_driver_sql(f"PRAGMA quick_check({table})").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"table {table} failed SQLite's check after the schema change: {problems}")


def _sqlite_add_team_id() -> None:
    op.execute(f"ALTER TABLE meetings ADD COLUMN team_id INTEGER {_TEAM_REFERENCES}")
    sql = _sqlite_table_sql("meetings")
    column = f"team_id INTEGER {_TEAM_REFERENCES}"
    if sql.count(column) != 1 or not sql.rstrip().endswith(")"):
        raise RuntimeError(f"unexpected CREATE TABLE text for meetings: {sql!r}")
    sql = sql.replace(column, "team_id INTEGER").rstrip()[:-1].rstrip()
    _sqlite_rewrite_table_sql("meetings", f"{sql}, \n\t{_TEAM_FK}\n)")


def _sqlite_drop_team_id() -> None:
    # DROP COLUMN refuses a column a table constraint names: take the constraint out first.
    sql = _sqlite_table_sql("meetings")
    clause = f", \n\t{_TEAM_FK}"
    if sql.count(clause) != 1:
        raise RuntimeError(f"unexpected CREATE TABLE text for meetings: {sql!r}")
    _sqlite_rewrite_table_sql("meetings", sql.replace(clause, ""))
    op.execute("ALTER TABLE meetings DROP COLUMN team_id")


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
        sa.UniqueConstraint("name", name="uq_teams_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(256), nullable=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("last_login_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "memberships",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name="pk_memberships"),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_memberships_team_id_teams", ondelete="CASCADE"
        ),
        _user_fk("memberships"),
        sa.CheckConstraint("role IN ('manager', 'member')", name="ck_memberships_role"),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])

    op.create_table(
        "meeting_shares",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name="pk_meeting_shares"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_meeting_shares_meeting_id_meetings", ondelete="CASCADE"
        ),
        _user_fk("meeting_shares"),
    )
    op.create_index("ix_meeting_shares_user_id", "meeting_shares", ["user_id"])

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("last_used_at", _timestamp(), nullable=True),
        sa.Column("revoked_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        _user_fk("api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])

    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("last_seen_at", _timestamp(), nullable=False),
        sa.Column("expires_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        _user_fk("web_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _timestamp(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("detail", _json(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        _user_fk("audit_log", ondelete="SET NULL"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_user_id", "audit_log", ["user_id"])
    op.create_index("ix_audit_log_meeting_id_at", "audit_log", ["meeting_id", "at"])

    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_username_ip_at", "login_attempts", ["username", "ip", "at"])

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_add_team_id()
    else:
        op.add_column("meetings", sa.Column("team_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_meetings_team_id_teams", "meetings", "teams", ["team_id"], ["id"], ondelete="SET NULL"
        )
    op.create_index("ix_meetings_team_id", "meetings", ["team_id"])


def downgrade() -> None:
    op.drop_index("ix_meetings_team_id", table_name="meetings")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_drop_team_id()
    else:
        op.drop_constraint("fk_meetings_team_id_teams", "meetings", type_="foreignkey")
        op.drop_column("meetings", "team_id")
    op.drop_table("login_attempts")
    op.drop_table("audit_log")
    op.drop_table("web_sessions")
    op.drop_table("api_tokens")
    op.drop_table("meeting_shares")
    op.drop_table("memberships")
    op.drop_table("users")
    op.drop_table("teams")
