"""TIP images kept locally as DICOS: where a presentation's files are.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelt out here, not imported (see 0001).
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # All nullable: presentations from before this revision have no TIP image on disk.
    with op.batch_alter_table("tip_presentations") as batch:
        batch.add_column(sa.Column("image_path", sa.String(512), nullable=True))
        batch.add_column(sa.Column("image_sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("image_deleted_at", TS, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tip_presentations") as batch:
        batch.drop_column("image_deleted_at")
        batch.drop_column("image_sha256")
        batch.drop_column("image_path")
