"""Initial schema: stations, calibrations, scans, alarms, detections, decisions, outbox.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types are spelt out here, not imported from models.py: a migration must keep
# meaning what it meant when it was written, whatever the models become.
TS = sa.DateTime(timezone=True)
ID = sa.String(64)
NAME = sa.String(128)


def _box() -> list[sa.Column[int]]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in ("line0", "px0", "line1", "px1")]


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stations"),
    )
    op.create_table(
        "calibrations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("station_id", ID, nullable=False),
        sa.Column("scanner_serial", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("statistics", sa.JSON(), nullable=False),
        sa.Column("residuals", sa.JSON(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("operator", NAME, nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_calibrations_station_id_stations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_calibrations"),
    )
    op.create_index(
        "ix_calibrations_lookup", "calibrations", ["scanner_serial", "kind", "created_at"]
    )
    op.create_table(
        "scans",
        sa.Column("id", ID, nullable=False),
        sa.Column("station_id", ID, nullable=False),
        sa.Column("tracking_id", ID, nullable=True),
        sa.Column("scanner_serial", ID, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=False),
        sa.Column("length_mm", sa.Float(), nullable=False),
        sa.Column("width_px", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("image_path", sa.String(512), nullable=False),
        sa.Column("image_sha256", sa.String(64), nullable=False),
        sa.Column("image_bytes", sa.BigInteger(), nullable=False),
        sa.Column("triage_level", sa.String(8), nullable=False),
        sa.Column("triage_reasons", sa.JSON(), nullable=False),
        sa.Column("risk_score", sa.Float(), nullable=True),
        sa.Column("calibration_id", sa.String(32), nullable=True),
        sa.Column("timings_ms", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["calibration_id"], ["calibrations.id"], name="fk_scans_calibration_id_calibrations"
        ),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name="fk_scans_station_id_stations"),
        sa.PrimaryKeyConstraint("id", name="pk_scans"),
    )
    op.create_index("ix_scans_tracking_id", "scans", ["tracking_id"])
    op.create_index("ix_scans_created_at", "scans", ["created_at"])
    op.create_table(
        "alarms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", ID, nullable=False),
        sa.Column("kind", NAME, nullable=False),
        *_box(),
        sa.Column("area_mm2", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scans.id"], name="fk_alarms_scan_id_scans", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alarms"),
    )
    op.create_index("ix_alarms_scan_id", "alarms", ["scan_id"])
    op.create_table(
        "detections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", ID, nullable=False),
        sa.Column("class_name", NAME, nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        *_box(),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scans.id"], name="fk_detections_scan_id_scans", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_detections"),
    )
    op.create_index("ix_detections_scan_id", "detections", ["scan_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_id", ID, nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("operator", NAME, nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("decision_time_ms", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scans.id"], name="fk_decisions_scan_id_scans", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
    )
    op.create_index("ix_decisions_scan_id", "decisions", ["scan_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", NAME, nullable=False),
        sa.Column("aggregate_id", ID, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(256), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_idempotency_key"),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["id"],
        sqlite_where=sa.text("sent_at IS NULL"),
        postgresql_where=sa.text("sent_at IS NULL"),
    )


def downgrade() -> None:
    for table in ("outbox", "decisions", "detections", "alarms", "scans", "calibrations", "stations"):
        op.drop_table(table)
