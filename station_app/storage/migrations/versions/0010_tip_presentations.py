"""Threat image projection: TIP items shown in live parcels and the responses.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelt out here, not imported (see 0001).
TS = sa.DateTime(timezone=True)
ID = sa.String(64)
NAME = sa.String(128)


def upgrade() -> None:
    op.create_table(
        "tip_presentations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", ID, nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("category", NAME, nullable=False),
        sa.Column("line0", sa.Integer(), nullable=False),
        sa.Column("px0", sa.Integer(), nullable=False),
        sa.Column("line1", sa.Integer(), nullable=False),
        sa.Column("px1", sa.Integer(), nullable=False),
        sa.Column("angle_deg", sa.Float(), nullable=False),
        sa.Column("presented_at", TS, nullable=False),
        sa.Column("operator", NAME, nullable=True),
        sa.Column("verdict", sa.String(8), nullable=True),
        sa.Column("outcome", sa.String(8), nullable=True),
        sa.Column("response_time_ms", sa.Float(), nullable=True),
        sa.Column("responded_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_presentations")),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["scans.id"],
            ondelete="CASCADE",
            name=op.f("fk_tip_presentations_scan_id_scans"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('hit', 'miss')",
            name=op.f("ck_tip_presentations_outcome"),
        ),
    )
    op.create_index(
        op.f("ix_tip_presentations_scan_id"), "tip_presentations", ["scan_id"]
    )
    op.create_index(
        "ix_tip_presentations_presented_at", "tip_presentations", ["presented_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_tip_presentations_presented_at", table_name="tip_presentations")
    op.drop_index(op.f("ix_tip_presentations_scan_id"), table_name="tip_presentations")
    op.drop_table("tip_presentations")
