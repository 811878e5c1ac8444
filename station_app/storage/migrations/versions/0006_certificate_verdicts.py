"""Certificate verdicts stored per scan.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types spelt out, not imported from models.py (see 0001).
TS = sa.DateTime(timezone=True)
ID = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "certificate_verdicts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", ID, nullable=False),
        sa.Column("tracking_id", ID, nullable=True),
        sa.Column("certificate_number", sa.String(40), nullable=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("mismatches", sa.JSON(), nullable=False),
        sa.Column("claims", sa.JSON(), nullable=True),
        sa.Column("authority", sa.String(32), nullable=True),
        sa.Column("reference_number", sa.String(100), nullable=True),
        sa.Column("reference_digest", sa.String(64), nullable=True),
        sa.Column("importer", sa.String(200), nullable=True),
        sa.Column("consumed", sa.JSON(), nullable=False),
        sa.Column("triage_level", sa.String(8), nullable=True),
        sa.Column("triage_reasons", sa.JSON(), nullable=True),
        sa.Column("checked_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["scans.id"],
            name="fk_certificate_verdicts_scan_id_scans",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_certificate_verdicts"),
    )
    op.create_index("ix_certificate_verdicts_scan_id", "certificate_verdicts", ["scan_id"])
    op.create_index(
        "ix_certificate_verdicts_certificate_number", "certificate_verdicts", ["certificate_number"]
    )
    op.create_index(
        "ix_certificate_verdicts_reference_digest", "certificate_verdicts", ["reference_digest"]
    )


def downgrade() -> None:
    op.drop_table("certificate_verdicts")
