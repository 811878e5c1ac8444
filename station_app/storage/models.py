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
    CheckConstraint,
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
    __table_args__ = (
        CheckConstraint("kind IN ('inspection', 'review')", name="kind"),
        # A review names the decision it confirms or overrides; an inspection none.
        CheckConstraint(
            "(kind = 'review' AND reviewed_decision_id IS NOT NULL) "
            "OR (kind = 'inspection' AND reviewed_decision_id IS NULL)",
            name="kind_reviewed",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(8))
    operator: Mapped[str] = mapped_column(String(NAME_LEN))
    decided_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")  # a review's mandatory reason
    decision_time_ms: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16), default="inspection", server_default="inspection")
    reviewed_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    # Where the inspector pointed (``station_app.marks`` JSON text); NULL: no marks.
    marks: Mapped[str | None] = mapped_column(Text)

    scan: Mapped[ScanRow] = relationship(back_populates="decisions")


class ImageFileRow(Base):
    """One image file of a scan: where it lies, its upload to central, its retention.

    ``kind``: dx_high, dx_low, dx_presentation, tdr_machine, tdr_operator_<decision
    id> (DICOS, ``storage.images``) or raw_npz (images stored before DICOS).
    ``relative_path`` NULL: an operator report is due (recorded with the decision,
    written by ``storage.image_files.OperatorReportWriter``). ``failed_at``: the
    file needs a person (damaged, or central refused it): never sent, never deleted.
    """

    __tablename__ = "image_files"
    __table_args__ = (
        UniqueConstraint("scan_id", "kind", name="uq_image_files_scan_id_kind"),
        # The uploader's and the report writer's queries; partial, so they stay small.
        Index(
            "ix_image_files_unsent",
            "id",
            sqlite_where=text("uploaded_at IS NULL"),
            postgresql_where=text("uploaded_at IS NULL"),
        ),
        # Retention's query: files still on disk, oldest first.
        Index(
            "ix_image_files_on_disk",
            "created_at",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE")
    )
    relative_path: Mapped[str | None] = mapped_column(String(512))  # '/', under the image dir
    sha256: Mapped[str | None] = mapped_column(String(64))
    n_bytes: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    written_at: Mapped[datetime | None]
    uploaded_at: Mapped[datetime | None]  # central confirmed it holds these exact bytes
    upload_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]  # removed from disk by retention


class OutboxRow(Base):
    """An event for central, written in the same transaction as the change it reports.

    ``state``: pending (to send), sent (central confirmed; ``sent_at`` set), rejected
    (central refused it: kept, retried rarely, shown to a supervisor), acknowledged (a
    supervisor settled a rejected row: kept, no longer sent). See ``sync.outbox``.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # The sync worker's queries: unsent rows of one state in order. Partial, so it
        # stays small however many sent rows the table keeps.
        Index(
            "ix_outbox_pending",
            "state",
            "id",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
        CheckConstraint(
            "state IN ('pending', 'sent', 'rejected', 'acknowledged')", name="state"
        ),
        # sent_at and state must never disagree: the partial index relies on it.
        CheckConstraint(
            "(state = 'sent' AND sent_at IS NOT NULL) OR (state <> 'sent' AND sent_at IS NULL)",
            name="state_sent_at",
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
    state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    rejected_reason: Mapped[str | None] = mapped_column(Text)  # central's words, last refusal
    rejected_at: Mapped[datetime | None]  # None on rows rejected before migration 0005
    acknowledged_by: Mapped[str | None] = mapped_column(String(NAME_LEN))
    acknowledged_at: Mapped[datetime | None]


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


USERNAME_LEN = 32


class AccountRow(Base):
    """An operator account (``station_app.accounts``, ``storage.accounts``).

    Never deleted, only disabled: decisions and audit entries keep naming someone
    who existed. ``source`` "central" with an ``external_id``: provisioned by central.
    """

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(USERNAME_LEN), unique=True)  # lower case
    display_name: Mapped[str] = mapped_column(String(NAME_LEN))
    role: Mapped[str] = mapped_column(String(16))  # accounts.roles.Role
    password_hash: Mapped[str | None] = mapped_column(String(256))  # argon2id PHC string
    source: Mapped[str] = mapped_column(String(16), default="local")  # "local" | "central"
    external_id: Mapped[str | None] = mapped_column(String(NAME_LEN), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)  # since success/lockout
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]


class SignInSessionRow(Base):
    """One sign-in of an account at a station, until sign-out (``ended_at``)."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    station_id: Mapped[str] = mapped_column(String(ID_LEN))
    language: Mapped[str] = mapped_column(String(8))  # chosen at sign-in: "en" | "ko"
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))  # "signed_out", "replaced", ...


class CertificateVerdictRow(Base):
    """One check of an e-COO certificate presented with a scanned parcel
    (``storage.certificates``). A certificate checked again gets a new row:
    the history is kept; the newest row per scan and certificate counts.

    ``reference_digest``: SHA-256 of a URL certificate's authority, reference number
    and reference code (the code itself, a password to the authority's record, is
    not stored); the key of the online-verdict cache. ``consumed``: HS6 → quantity
    this parcel draws from the certificate (reuse checks); ``{}`` when unknown.
    """

    __tablename__ = "certificate_verdicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    tracking_id: Mapped[str | None] = mapped_column(String(ID_LEN))
    certificate_number: Mapped[str | None] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "signed" | "url"
    status: Mapped[str] = mapped_column(String(24))  # certificates.records.CertificateStatus
    source: Mapped[str] = mapped_column(String(8))  # "offline" | "online" | "cache"
    reasons: Mapped[list[Any]]
    mismatches: Mapped[list[Any]]  # [{kind, severity, explanation, hs_code, declared_line}]
    claims: Mapped[dict[str, Any] | None]  # certificates.claims_json form
    authority: Mapped[str | None] = mapped_column(String(32))
    reference_number: Mapped[str | None] = mapped_column(String(100))
    reference_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    importer: Mapped[str | None] = mapped_column(String(200))
    consumed: Mapped[dict[str, Any]]
    triage_level: Mapped[str | None] = mapped_column(String(8))
    triage_reasons: Mapped[list[Any] | None]
    checked_at: Mapped[datetime]


class ImageQualityTestRow(Base):
    """One scored scan of the image-quality test piece (``storage.image_quality``).

    ``calibration_id``: the stored detector calibration the scan was processed with;
    None for the verification scan of a calibration the technician rejected.
    ``results``: one object per sub-test (``IqTestResult.to_dict``).
    """

    __tablename__ = "image_quality_tests"
    __table_args__ = (Index("ix_image_quality_tests_lookup", "scanner_serial", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"))
    scanner_serial: Mapped[str] = mapped_column(String(ID_LEN))
    calibration_id: Mapped[str | None] = mapped_column(ForeignKey("calibrations.id"))
    purpose: Mapped[str] = mapped_column(String(16))  # "routine" | "verification"
    created_at: Mapped[datetime]
    piece: Mapped[str] = mapped_column(String(NAME_LEN))
    piece_version: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    operator: Mapped[str] = mapped_column(String(NAME_LEN))
    results: Mapped[list[Any]]


class TipPresentationRow(Base):
    """A TIP item projected into a live parcel, and the inspector's response (``storage.tip``).

    The real scan (``scan_id``) is stored and sent as usual; this row is the only
    trace of the projection, so a TIP image can never become a real result.
    Response columns stay NULL until the inspector decided on the TIP image.
    """

    __tablename__ = "tip_presentations"
    __table_args__ = (
        Index("ix_tip_presentations_presented_at", "presented_at"),
        CheckConstraint("outcome IS NULL OR outcome IN ('hit', 'miss')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(ID_LEN))
    category: Mapped[str] = mapped_column(String(NAME_LEN))
    line0: Mapped[int] = mapped_column(Integer)
    px0: Mapped[int] = mapped_column(Integer)
    line1: Mapped[int] = mapped_column(Integer)
    px1: Mapped[int] = mapped_column(Integer)
    angle_deg: Mapped[float] = mapped_column(Float)
    presented_at: Mapped[datetime]
    operator: Mapped[str | None] = mapped_column(String(NAME_LEN))
    verdict: Mapped[str | None] = mapped_column(String(8))
    outcome: Mapped[str | None] = mapped_column(String(8))
    response_time_ms: Mapped[float | None] = mapped_column(Float)
    responded_at: Mapped[datetime | None]
    # Where the inspector pointed in the response (``station_app.marks`` JSON text,
    # migration 0013); NULL: no marks, or not answered yet.
    marks: Mapped[str | None] = mapped_column(Text)
    # The TIP image as DICOS, on this station only (``storage.tip_images``, migration
    # 0011): its DX high file ('/', under the image dir; the other three files lie
    # beside it), that file's sha256, and when housekeeping deleted the four.
    # NULL path: not written (TIP trouble never stops screening).
    image_path: Mapped[str | None] = mapped_column(String(512))
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    image_deleted_at: Mapped[datetime | None]


class PhysicalCheckRow(Base):
    """What opening a flagged parcel found (``storage.checks``, ``station_app.physical_checks``).

    One first result per scan (``uq_physical_checks_first``); a supervisor's correction
    names the result it corrects (each corrected at most once), so a scan's results
    form one line and the newest counts. ``decision_id``: the decision it answers.
    """

    __tablename__ = "physical_checks"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('nothing_found', 'prohibited_item', 'undeclared_goods', 'other')",
            name="outcome",
        ),
        CheckConstraint("outcome <> 'other' OR note <> ''", name="other_note"),
        Index(
            "uq_physical_checks_first",
            "scan_id",
            unique=True,
            sqlite_where=text("corrects_check_id IS NULL"),
            postgresql_where=text("corrects_check_id IS NULL"),
        ),
        Index("ix_physical_checks_checked_at", "checked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(32))  # physical_checks.CheckOutcome
    note: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(NAME_LEN))
    checked_at: Mapped[datetime]
    corrects_check_id: Mapped[int | None] = mapped_column(
        ForeignKey("physical_checks.id"), unique=True
    )
