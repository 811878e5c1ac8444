"""Manifests (by tracking id) and the discrepancies found on scans.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-15
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types spelt out, not imported from models.py (see 0001).
TS = sa.DateTime(timezone=True)
ID = sa.String(64)
NAME = sa.String(128)


def upgrade() -> None:
    op.create_table(
        "manifests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tracking_id", ID, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("source", NAME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_manifests"),
    )
    op.create_index("ix_manifests_tracking_id", "manifests", ["tracking_id"], unique=True)
    op.create_table(
        "discrepancies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", ID, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("declared_line", sa.Integer(), nullable=True),
        sa.Column("detected_class", NAME, nullable=True),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scans.id"], name="fk_discrepancies_scan_id_scans", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_discrepancies"),
    )
    op.create_index("ix_discrepancies_scan_id", "discrepancies", ["scan_id"])


def downgrade() -> None:
    op.drop_table("discrepancies")
    op.drop_table("manifests")
