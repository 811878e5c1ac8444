"""Supervisor reviews: a decision is an inspection or a review of another decision.

Existing decisions were all inspectors' first decisions: they become kind
'inspection' with no reviewed decision.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Full names (op.f): the metadata naming convention must not prefix them again.
CK_KIND = "ck_decisions_kind"
CK_KIND_REVIEWED = "ck_decisions_kind_reviewed"
FK_REVIEWED = "fk_decisions_reviewed_decision_id_decisions"


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="inspection")
        )
        batch.add_column(sa.Column("reviewed_decision_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f(FK_REVIEWED), "decisions", ["reviewed_decision_id"], ["id"])
        batch.create_check_constraint(op.f(CK_KIND), "kind IN ('inspection', 'review')")
        batch.create_check_constraint(
            op.f(CK_KIND_REVIEWED),
            "(kind = 'review' AND reviewed_decision_id IS NOT NULL) "
            "OR (kind = 'inspection' AND reviewed_decision_id IS NULL)",
        )


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_constraint(op.f(CK_KIND_REVIEWED), type_="check")
        batch.drop_constraint(op.f(CK_KIND), type_="check")
        batch.drop_constraint(op.f(FK_REVIEWED), type_="foreignkey")
        batch.drop_column("reviewed_decision_id")
        batch.drop_column("kind")
