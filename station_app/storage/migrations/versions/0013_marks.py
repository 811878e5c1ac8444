"""Inspectors' marks: where they pointed on the image, for decisions and TIP responses.

Both columns hold the JSON text of ``station_app.marks`` (a list of
[line0, px0, line1, px1] in parcel pixels); NULL when nothing was marked, which
is also what every row from before this revision reads as.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("marks", sa.Text(), nullable=True))
    with op.batch_alter_table("tip_presentations") as batch:
        batch.add_column(sa.Column("marks", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tip_presentations") as batch:
        batch.drop_column("marks")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("marks")
