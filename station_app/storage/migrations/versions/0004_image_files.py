"""DICOS image files, their upload to central and local retention.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Scans stored before this revision have one raw ``.npz`` image each (``scans.image_path``);
they are entered here as ``raw_npz`` files, so retention and the upload to central
cover them too instead of leaving them on disk forever.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types spelt out, not imported from models.py (see 0001).
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "image_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("relative_path", sa.String(512), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("n_bytes", sa.BigInteger(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("written_at", TS, nullable=True),
        sa.Column("uploaded_at", TS, nullable=True),
        sa.Column("upload_attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failed_at", TS, nullable=True),
        sa.Column("deleted_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scans.id"], name="fk_image_files_scan_id_scans", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name="fk_image_files_decision_id_decisions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_image_files"),
        sa.UniqueConstraint("scan_id", "kind", name="uq_image_files_scan_id_kind"),
    )
    op.create_index(
        "ix_image_files_unsent",
        "image_files",
        ["id"],
        sqlite_where=sa.text("uploaded_at IS NULL"),
        postgresql_where=sa.text("uploaded_at IS NULL"),
    )
    op.create_index(
        "ix_image_files_on_disk",
        "image_files",
        ["created_at"],
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.execute(
        "INSERT INTO image_files (scan_id, kind, relative_path, sha256, n_bytes, created_at,"
        " written_at, upload_attempts)"
        " SELECT id, 'raw_npz', image_path, image_sha256, image_bytes, created_at, created_at, 0"
        " FROM scans"
    )


def downgrade() -> None:
    op.drop_index("ix_image_files_on_disk", table_name="image_files")
    op.drop_index("ix_image_files_unsent", table_name="image_files")
    op.drop_table("image_files")
