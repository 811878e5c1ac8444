"""Audit trail: the hash-chained, append-only audit_log and each station's chain head.

Revision ID: 0003
Revises: 0002
Create Date: 2025-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types spelt out, not imported from models.py (see 0001).
TS = sa.DateTime(timezone=True)
ID = sa.String(64)
NAME = sa.String(128)
HASH = sa.String(64)  # hex SHA-256

# The triggers make the application's promise ("no update, no delete") hold for any
# client of the database too. They stop mistakes and casual edits, not an attacker who
# can drop them: the hash chain is what detects that (docs/audit.md).
_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END
    """,
    """
    CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
    WHEN NEW.sequence <= OLD.sequence OR NEW.station_id <> OLD.station_id
    BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END
    """,
    """
    CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    BEGIN SELECT RAISE(ABORT, 'audit_head rows cannot be deleted'); END
    """,
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
    "DROP TRIGGER IF EXISTS audit_log_no_update",
)

# CREATE OR REPLACE: dropping the tables drops their triggers but not these functions.
_POSTGRES_TRIGGERS = (
    """
    CREATE OR REPLACE FUNCTION station_audit_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only - % refused', TG_TABLE_NAME, TG_OP;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION station_audit_head_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'audit_head rows cannot be deleted';
        END IF;
        IF NEW.sequence <= OLD.sequence OR NEW.station_id <> OLD.station_id THEN
            RAISE EXCEPTION 'audit_head only moves forward';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION station_audit_refuse()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION station_audit_refuse()
    """,
    """
    CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION station_audit_head_forward_only()
    """,
    """
    CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION station_audit_refuse()
    """,
)
_POSTGRES_DROP = (
    "DROP FUNCTION IF EXISTS station_audit_head_forward_only() CASCADE",
    "DROP FUNCTION IF EXISTS station_audit_refuse() CASCADE",
)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("station_id", ID, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", NAME, nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", HASH, nullable=False),
        sa.Column("row_hash", HASH, nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_audit_log_station_id_stations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.UniqueConstraint("station_id", "sequence", name="uq_audit_log_station_id_sequence"),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["station_id", "action", "sequence"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])
    op.create_table(
        "audit_head",
        sa.Column("station_id", ID, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("row_hash", HASH, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_audit_head_station_id_stations"
        ),
        sa.PrimaryKeyConstraint("station_id", name="pk_audit_head"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        statements: Sequence[str] = _SQLITE_TRIGGERS
    elif dialect == "postgresql":
        statements = _POSTGRES_TRIGGERS
    else:  # the chain still detects tampering; only the guard rail is missing
        statements = ()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_DROP:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in _POSTGRES_DROP:  # CASCADE takes their triggers along
            op.execute(statement)
    op.drop_table("audit_head")
    op.drop_table("audit_log")
