"""SQLAlchemy table models of the station database.

Only portable types (String with lengths, JSON, LargeBinary, timezone-aware
timestamps) so the same models run on SQLite and PostgreSQL. The schema itself
is created by the Alembic migrations in ``migrations/versions``; a test checks
that migrations and these models agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Explicit constraint names so later migrations (batch mode on SQLite) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LEN = 64  # scan ids, station ids, serials, tracking ids
NAME_LEN = 128


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL keeps the zone (timestamptz). SQLite has no zone type, so values are
    stored as naive UTC text and given ``tzinfo=UTC`` back on load. Naive input is
    refused: a local-time value written silently as UTC would shift audit times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class StationRow(Base):
    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalibrationRow(Base):
    __tablename__ = "calibrations"
    __table_args__ = (Index("ix_calibrations_lookup", "scanner_serial", "kind", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"))
    scanner_serial: Mapped[str] = mapped_column(String(ID_LEN))
    kind: Mapped[str] = mapped_column(String(16))  # "detector" | "materials"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    statistics: Mapped[dict[str, Any]]
    residuals: Mapped[dict[str, Any] | None]
    accepted: Mapped[bool] = mapped_column(Boolean, default=True)
    operator: Mapped[str] = mapped_column(String(NAME_LEN))


class ScanRow(Base):
    __tablename__ = "scans"

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)  # RawScan.scan_id
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"))
    tracking_id: Mapped[str | None] = mapped_column(String(ID_LEN), index=True)
    scanner_serial: Mapped[str] = mapped_column(String(ID_LEN))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    length_mm: Mapped[float] = mapped_column(Float)
    width_px: Mapped[int] = mapped_column(Integer)
    lines: Mapped[int] = mapped_column(Integer)
    image_path: Mapped[str] = mapped_column(String(512))  # relative to the image dir, '/'
    image_sha256: Mapped[str] = mapped_column(String(64))
    image_bytes: Mapped[int] = mapped_column(BigInteger)
    triage_level: Mapped[str] = mapped_column(String(8))
    triage_reasons: Mapped[list[Any]]
    risk_score: Mapped[float | None] = mapped_column(Float)
    calibration_id: Mapped[str | None] = mapped_column(ForeignKey("calibrations.id"))
    timings_ms: Mapped[dict[str, Any]]
    flags: Mapped[list[Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    alarms: Mapped[list[AlarmRow]] = relationship(
        back_populates="scan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AlarmRow.id",
    )
    detections: Mapped[list[DetectionRow]] = relationship(
        back_populates="scan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DetectionRow.id",
    )
    decisions: Mapped[list[DecisionRow]] = relationship(
        back_populates="scan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DecisionRow.id",
    )


class AlarmRow(Base):
    __tablename__ = "alarms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(NAME_LEN))
    line0: Mapped[int] = mapped_column(Integer)
    px0: Mapped[int] = mapped_column(Integer)
    line1: Mapped[int] = mapped_column(Integer)
    px1: Mapped[int] = mapped_column(Integer)
    area_mm2: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]]

    scan: Mapped[ScanRow] = relationship(back_populates="alarms")


class DetectionRow(Base):
    __tablename__ = "detections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    class_name: Mapped[str] = mapped_column(String(NAME_LEN))
    confidence: Mapped[float] = mapped_column(Float)
    line0: Mapped[int] = mapped_column(Integer)
    px0: Mapped[int] = mapped_column(Integer)
    line1: Mapped[int] = mapped_column(Integer)
    px1: Mapped[int] = mapped_column(Integer)

    scan: Mapped[ScanRow] = relationship(back_populates="detections")


class DecisionRow(Base):
    """One decision on a scan; a scan may get several (inspector, then supervisor)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(8))
    operator: Mapped[str] = mapped_column(String(NAME_LEN))
    decided_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")
    decision_time_ms: Mapped[float | None] = mapped_column(Float)

    scan: Mapped[ScanRow] = relationship(back_populates="decisions")


class OutboxRow(Base):
    """An event for central, written in the same transaction as the change it reports."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The sync worker's query: pending rows in order. Partial, so it stays small.
        Index(
            "ix_outbox_pending",
            "id",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(NAME_LEN))  # "scan.processed", "scan.decided"
    aggregate_id: Mapped[str] = mapped_column(String(ID_LEN))
    payload: Mapped[dict[str, Any]]
    idempotency_key: Mapped[str] = mapped_column(String(256), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]


class ManifestRow(Base):
    """A parcel manifest, pulled ahead from central, looked up by tracking id.

    ``payload`` is the manifest JSON (``manifests.parse.manifest_to_json``), so the
    row keeps meaning what it meant even when the domain dataclasses change.
    """

    __tablename__ = "manifests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tracking_id: Mapped[str] = mapped_column(String(ID_LEN), unique=True, index=True)
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(NAME_LEN))  # "central", "file", ...


class DiscrepancyRow(Base):
    """One declared-vs-seen mismatch found on a scan (``manifests.matching``)."""

    __tablename__ = "discrepancies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))  # "red" | "amber"
    explanation: Mapped[str] = mapped_column(Text)
    declared_line: Mapped[int | None] = mapped_column(Integer)  # index into the manifest lines
    detected_class: Mapped[str | None] = mapped_column(String(NAME_LEN))


class AuditLogRow(Base):
    """One entry of the append-only, hash-chained audit trail (``storage.audit``).

    ``details`` is the canonical JSON text itself, not a JSON column: the row hash
    covers these exact bytes, so nobody has to re-serialise (and re-format floats)
    to check it. Update and delete are refused by triggers (migration 0003).
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        UniqueConstraint("station_id", "sequence", name="uq_audit_log_station_id_sequence"),
        # The start-up lookup of the last "config.changed" of a station.
        Index("ix_audit_log_action", "station_id", "action", "sequence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"))
    sequence: Mapped[int] = mapped_column(BigInteger)  # 1, 2, 3 ... per station
    occurred_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(NAME_LEN))
    action: Mapped[str] = mapped_column(String(64))  # "decision.recorded", ...
    subject: Mapped[str | None] = mapped_column(String(NAME_LEN), index=True)  # scan id, ...
    details: Mapped[str] = mapped_column(Text)  # canonical JSON text
    prev_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256
    row_hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The newest entry of each station's audit chain.

    Appends lock this row (``SELECT ... FOR UPDATE``), which serialises writers of
    one station on PostgreSQL; and it is what makes a deleted tail detectable.
    """

    __tablename__ = "audit_head"

    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger)  # 0: nothing appended yet
    row_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
