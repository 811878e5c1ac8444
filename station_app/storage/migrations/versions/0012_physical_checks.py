"""Physical-check results of flagged parcels (what opening the parcel found).

One first result per scan (a partial unique index); a supervisor's correction
names the result it corrects, each result corrected at most once, so the
results of a scan form one line and the newest counts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelt out here, not imported (see 0001).
TS = sa.DateTime(timezone=True)
ID = sa.String(64)
NAME = sa.String(128)
FIRST_ONLY = "corrects_check_id IS NULL"


def upgrade() -> None:
    op.create_table(
        "physical_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", ID, nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("operator", NAME, nullable=False),
        sa.Column("checked_at", TS, nullable=False),
        sa.Column("corrects_check_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_physical_checks")),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["scans.id"],
            ondelete="CASCADE",
            name=op.f("fk_physical_checks_scan_id_scans"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            ondelete="CASCADE",
            name=op.f("fk_physical_checks_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_check_id"],
            ["physical_checks.id"],
            name=op.f("fk_physical_checks_corrects_check_id_physical_checks"),
        ),
        sa.UniqueConstraint(
            "corrects_check_id", name=op.f("uq_physical_checks_corrects_check_id")
        ),
        sa.CheckConstraint(
            "outcome IN ('nothing_found', 'prohibited_item', 'undeclared_goods', 'other')",
            name=op.f("ck_physical_checks_outcome"),
        ),
        sa.CheckConstraint(
            "outcome <> 'other' OR note <> ''", name=op.f("ck_physical_checks_other_note")
        ),
    )
    op.create_index(op.f("ix_physical_checks_scan_id"), "physical_checks", ["scan_id"])
    op.create_index("ix_physical_checks_checked_at", "physical_checks", ["checked_at"])
    op.create_index(
        "uq_physical_checks_first",
        "physical_checks",
        ["scan_id"],
        unique=True,
        sqlite_where=sa.text(FIRST_ONLY),
        postgresql_where=sa.text(FIRST_ONLY),
    )


def downgrade() -> None:
    op.drop_index("uq_physical_checks_first", table_name="physical_checks")
    op.drop_index("ix_physical_checks_checked_at", table_name="physical_checks")
    op.drop_index(op.f("ix_physical_checks_scan_id"), table_name="physical_checks")
    op.drop_table("physical_checks")
