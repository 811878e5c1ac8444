"""An explicit state for outbox rows (pending, sent, rejected, acknowledged).

Before this revision a row central had rejected was told apart only by the text
prefix "rejected by central: " in ``last_error``. Existing rows are carried over:
``sent_at`` set -> sent; that prefix on an unsent row -> rejected, with the reason
(the text after the prefix) in ``rejected_reason``; every other row -> pending.
``rejected_at`` of such carried-over rows stays NULL: when they were refused was
never recorded, and a made-up time would mislead.

The partial index ``ix_outbox_pending`` becomes (state, id) over the unsent rows,
so the queue and the rejected rows are both read through it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelt out here, not imported (see 0001): this revision must keep meaning what it meant.
TS = sa.DateTime(timezone=True)
NAME = sa.String(128)
REJECTED_PREFIX = "rejected by central: "
UNSENT = "sent_at IS NULL"
# Full names (op.f): the metadata naming convention must not prefix them again.
CK_STATE = "ck_outbox_state"
CK_STATE_SENT_AT = "ck_outbox_state_sent_at"
NEW_COLUMNS = ("state", "rejected_reason", "rejected_at", "acknowledged_by", "acknowledged_at")


def _pending_index(columns: list[str]) -> None:
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        columns,
        sqlite_where=sa.text(UNSENT),
        postgresql_where=sa.text(UNSENT),
    )


def upgrade() -> None:
    op.drop_index("ix_outbox_pending", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("state", sa.String(16), nullable=False, server_default="pending")
        )
        batch.add_column(sa.Column("rejected_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("rejected_at", TS, nullable=True))
        batch.add_column(sa.Column("acknowledged_by", NAME, nullable=True))
        batch.add_column(sa.Column("acknowledged_at", TS, nullable=True))
    outbox = sa.table(
        "outbox",
        sa.column("state", sa.String()),
        sa.column("sent_at", TS),
        sa.column("last_error", sa.Text()),
        sa.column("rejected_reason", sa.Text()),
    )
    op.execute(outbox.update().where(outbox.c.sent_at.is_not(None)).values(state="sent"))
    op.execute(
        outbox.update()
        .where(
            outbox.c.sent_at.is_(None),
            # substr, not LIKE: '_' and '%' in the prefix would be wildcards there.
            sa.func.substr(outbox.c.last_error, 1, len(REJECTED_PREFIX)) == REJECTED_PREFIX,
        )
        .values(
            state="rejected",
            rejected_reason=sa.func.substr(outbox.c.last_error, len(REJECTED_PREFIX) + 1),
        )
    )
    # Constraints after the data: rows are consistent by now.
    with op.batch_alter_table("outbox") as batch:
        batch.create_check_constraint(
            op.f(CK_STATE), sa.text("state IN ('pending', 'sent', 'rejected', 'acknowledged')")
        )
        batch.create_check_constraint(
            op.f(CK_STATE_SENT_AT),
            sa.text(
                "(state = 'sent' AND sent_at IS NOT NULL) OR (state <> 'sent' AND sent_at IS NULL)"
            ),
        )
    _pending_index(["state", "id"])


def downgrade() -> None:
    outbox = sa.table(
        "outbox",
        sa.column("state", sa.String()),
        sa.column("last_error", sa.Text()),
        sa.column("rejected_reason", sa.Text()),
    )
    # Back to the text marker, so the old code still parks these rows. An acknowledged
    # row has no older equivalent: it becomes rejected again (nothing is dropped).
    op.execute(
        outbox.update()
        .where(outbox.c.state.in_(("rejected", "acknowledged")))
        .values(
            last_error=sa.literal(REJECTED_PREFIX)
            + sa.func.coalesce(outbox.c.rejected_reason, "no reason given")
        )
    )
    op.drop_index("ix_outbox_pending", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f(CK_STATE_SENT_AT), type_="check")
        batch.drop_constraint(op.f(CK_STATE), type_="check")
        for column in reversed(NEW_COLUMNS):
            batch.drop_column(column)
    _pending_index(["id"])
