"""Image-quality tests and calibration verification records.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types spelt out, not imported from models.py (see 0001).
TS = sa.DateTime(timezone=True)
ID = sa.String(64)
NAME = sa.String(128)


def upgrade() -> None:
    op.create_table(
        "image_quality_tests",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("station_id", ID, nullable=False),
        sa.Column("scanner_serial", ID, nullable=False),
        sa.Column("calibration_id", sa.String(32), nullable=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("piece", NAME, nullable=False),
        sa.Column("piece_version", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("operator", NAME, nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_image_quality_tests_station_id_stations"
        ),
        sa.ForeignKeyConstraint(
            ["calibration_id"],
            ["calibrations.id"],
            name="fk_image_quality_tests_calibration_id_calibrations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_image_quality_tests"),
    )
    op.create_index(
        "ix_image_quality_tests_lookup",
        "image_quality_tests",
        ["scanner_serial", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_image_quality_tests_lookup", table_name="image_quality_tests")
    op.drop_table("image_quality_tests")
