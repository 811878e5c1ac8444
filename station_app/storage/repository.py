"""Repositories: the only code that turns domain objects into rows and back.

Every public method opens its own short session, so one repository can be used
from the pipeline worker and the GUI thread at once. Results are frozen
dataclasses, never ORM rows, so nothing lazy-loads after the session is gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from station_app.domain import (
    Alarm,
    BoxPx,
    Decision,
    Detection,
    MaterialImage,
    ParcelScan,
    RawScan,
    TriageLevel,
    TriageResult,
    Verdict,
)
from station_app.marks import MarksError, marks_from_text, marks_to_list, marks_to_text
from station_app.storage.audit import (
    ACTION_CALIBRATION_STORED,
    ACTION_DECISION_CONFIRMED,
    ACTION_DECISION_OVERRIDDEN,
    ACTION_DECISION_RECORDED,
    AuditLog,
)
from station_app.storage.db import Database, StorageError
from station_app.storage.image_files import ImageFileRepository
from station_app.storage.images import ImageStore
from station_app.storage.manifests import ManifestRepository
from station_app.storage.models import (
    AlarmRow,
    CalibrationRow,
    DecisionRow,
    DetectionRow,
    OutboxRow,
    ScanRow,
    StationRow,
    utcnow,
)

CalibrationKind = Literal["detector", "materials"]
CALIBRATION_KINDS: tuple[str, ...] = ("detector", "materials")
TOPIC_SCAN_PROCESSED = "scan.processed"
TOPIC_SCAN_DECIDED = "scan.decided"
_MAX_CLOCK_SKEW = timedelta(days=1)


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class ScanRecord:
    """A stored scan with its alarms, detections and decisions (oldest first)."""

    scan_id: str
    station_id: str
    tracking_id: str | None
    scanner_serial: str
    started_at: datetime
    ended_at: datetime
    length_mm: float
    width_px: int
    lines: int
    image_path: str  # relative to the image store root
    image_sha256: str
    image_bytes: int
    triage: TriageResult
    calibration_id: str | None
    timings_ms: Mapping[str, float]
    flags: frozenset[str]
    created_at: datetime
    alarms: tuple[Alarm, ...]
    detections: tuple[Detection, ...]
    decisions: tuple[Decision, ...]

    @property
    def latest_decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None


@dataclass(frozen=True)
class CalibrationRecord:
    id: str
    station_id: str
    scanner_serial: str
    kind: str
    created_at: datetime
    payload: bytes
    statistics: Mapping[str, Any]
    residuals: Mapping[str, Any] | None
    accepted: bool
    operator: str


@dataclass(frozen=True)
class OutboxRecord:
    id: int
    topic: str
    aggregate_id: str
    payload: Mapping[str, Any]
    idempotency_key: str
    created_at: datetime
    attempts: int
    last_error: str | None


# ---------------------------------------------------------------- helpers


def _jsonable(value: Any) -> Any:
    """Plain JSON values: numpy unwrapped, NaN/inf → None (PostgreSQL's JSON refuses them)."""
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_jsonable(v) for v in items]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _monotonic_to_utc(timestamp_ns: int, wall_now: datetime, mono_now_ns: int) -> datetime:
    """Wall-clock time of a ``time.monotonic_ns()`` stamp taken in this process.

    Drivers stamp lines with the monotonic clock (immune to NTP jumps); the record
    needs wall time. A stamp that is not plausibly from this process gives "now".
    """
    age = timedelta(microseconds=(mono_now_ns - timestamp_ns) / 1000)
    if timedelta(0) <= age <= _MAX_CLOCK_SKEW:
        return wall_now - age
    return wall_now


def _box(row: AlarmRow | DetectionRow) -> BoxPx:
    return BoxPx(line0=row.line0, px0=row.px0, line1=row.line1, px1=row.px1)


def _scan_record(row: ScanRow) -> ScanRecord:
    return ScanRecord(
        scan_id=row.id,
        station_id=row.station_id,
        tracking_id=row.tracking_id,
        scanner_serial=row.scanner_serial,
        started_at=row.started_at,
        ended_at=row.ended_at,
        length_mm=row.length_mm,
        width_px=row.width_px,
        lines=row.lines,
        image_path=row.image_path,
        image_sha256=row.image_sha256,
        image_bytes=row.image_bytes,
        triage=TriageResult(
            level=TriageLevel(row.triage_level),
            reasons=tuple(str(r) for r in row.triage_reasons),
            risk_score=row.risk_score,
        ),
        calibration_id=row.calibration_id,
        timings_ms=dict(row.timings_ms),
        flags=frozenset(str(f) for f in row.flags),
        created_at=row.created_at,
        alarms=tuple(
            Alarm(
                kind=a.kind,
                box=_box(a),
                area_mm2=a.area_mm2,
                score=a.score,
                explanation=a.explanation,
                details=dict(a.details),
            )
            for a in row.alarms
        ),
        detections=tuple(
            Detection(class_name=d.class_name, confidence=d.confidence, box=_box(d))
            for d in row.detections
        ),
        decisions=tuple(
            Decision(
                scan_id=row.id,
                verdict=Verdict(d.verdict),
                operator=d.operator,
                decided_at=d.decided_at,
                comment=d.comment,
                decision_time_ms=d.decision_time_ms,
                kind="review" if d.kind == "review" else "inspection",
                reviewed_decision_id=d.reviewed_decision_id,
                marks=marks_from_text(d.marks),
            )
            for d in row.decisions
        ),
    )


def _calibration_record(row: CalibrationRow) -> CalibrationRecord:
    return CalibrationRecord(
        id=row.id,
        station_id=row.station_id,
        scanner_serial=row.scanner_serial,
        kind=row.kind,
        created_at=row.created_at,
        payload=bytes(row.payload),
        statistics=dict(row.statistics),
        residuals=None if row.residuals is None else dict(row.residuals),
        accepted=row.accepted,
        operator=row.operator,
    )


def ensure_station(database: Database, station_id: str, name: str | None = None) -> None:
    """Create the station row if missing (rows of every other table point at it)."""
    try:
        with database.write_session() as session:
            if session.get(StationRow, station_id) is None:
                session.add(StationRow(id=station_id, name=name or station_id))
    except IntegrityError:
        pass  # another thread created it between our check and insert
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot register station {station_id!r}: {exc}") from exc


def _scan_query() -> Any:
    return select(ScanRow).options(
        selectinload(ScanRow.alarms),
        selectinload(ScanRow.detections),
        selectinload(ScanRow.decisions),
    )


# ---------------------------------------------------------------- scans


def _review_action(session: Session, decision: Decision) -> str:
    """The audit action of a review, after checking what it reviews (same scan, an
    inspection): confirmed when the verdict stands, overridden when it changes."""
    reviewed = (
        session.get(DecisionRow, decision.reviewed_decision_id)
        if decision.reviewed_decision_id is not None
        else None
    )
    if reviewed is None or reviewed.scan_id != decision.scan_id or reviewed.kind != "inspection":
        raise StorageError(
            f"review of {decision.scan_id}: decision {decision.reviewed_decision_id} is not an "
            "inspection of this scan"
        )
    if reviewed.verdict == Verdict(decision.verdict).value:
        return ACTION_DECISION_CONFIRMED
    return ACTION_DECISION_OVERRIDDEN


class ScanRepository:
    """Parcels, their alarms and decisions, and the outbox events that report them."""

    def __init__(self, database: Database, image_store: ImageStore, station_id: str) -> None:
        self._db = database
        self.images = image_store
        self.station_id = station_id
        ensure_station(database, station_id)

    def save_parcel(self, parcel: ParcelScan) -> None:
        """Image file first, then scan + alarms + detections + outbox in one transaction.

        If the transaction fails the new image file is removed again, so a scan is
        either fully stored (row, file, event) or not at all.
        """
        self._store(parcel)

    def save_unprocessed(self, raw: RawScan, reason: str) -> None:
        """Keep a parcel whose processing failed: raw image, AMBER with the reason, flagged.

        The inspector still sees it in the queue; nothing the scanner delivered is lost.
        """
        empty = np.zeros((0, 0), dtype=np.float32)
        placeholder = ParcelScan(
            raw=replace(raw, flags=raw.flags | {"unprocessed"}),
            image=MaterialImage(
                a_high=empty,
                a_low=empty,
                zeff=empty,
                material_class=np.zeros((0, 0), dtype=np.uint8),
                line_pitch_mm=raw.line_pitch_mm,
                pixel_pitch_mm=raw.pixel_pitch_mm,
            ),
            alarms=(),
            detections=(),
            triage=TriageResult(TriageLevel.AMBER, (reason,)),
            timings_ms={},
            calibration_id="",
        )
        self._store(placeholder)

    def _store(self, parcel: ParcelScan) -> None:
        wall_now, mono_now = datetime.now(UTC), time.monotonic_ns()
        raw = parcel.raw
        stored = self.images.write_parcel(
            parcel, acquired_at=_monotonic_to_utc(raw.started_ns, wall_now, mono_now)
        )
        try:
            with self._db.write_session() as session:
                calibration_id, flags = self._known_calibration(session, parcel)
                scan = ScanRow(
                    id=parcel.scan_id,
                    station_id=self.station_id,
                    tracking_id=parcel.tracking_id,
                    scanner_serial=raw.scanner_serial,
                    started_at=_monotonic_to_utc(raw.started_ns, wall_now, mono_now),
                    ended_at=_monotonic_to_utc(raw.ended_ns, wall_now, mono_now),
                    length_mm=float(raw.length_mm),
                    width_px=raw.shape[1],
                    lines=raw.shape[0],
                    image_path=stored.relative_path,
                    image_sha256=stored.sha256,
                    image_bytes=stored.n_bytes,
                    triage_level=parcel.triage.level.value,
                    triage_reasons=list(parcel.triage.reasons),
                    risk_score=parcel.triage.risk_score,
                    calibration_id=calibration_id,
                    timings_ms=_jsonable(parcel.timings_ms),
                    flags=sorted(flags),
                    created_at=wall_now,
                )
                scan.alarms = [
                    AlarmRow(
                        kind=a.kind,
                        line0=a.box.line0,
                        px0=a.box.px0,
                        line1=a.box.line1,
                        px1=a.box.px1,
                        area_mm2=float(a.area_mm2),
                        score=float(a.score),
                        explanation=a.explanation,
                        details=_jsonable(a.details),
                    )
                    for a in parcel.alarms
                ]
                scan.detections = [
                    DetectionRow(
                        class_name=d.class_name,
                        confidence=float(d.confidence),
                        line0=d.box.line0,
                        px0=d.box.px0,
                        line1=d.box.line1,
                        px1=d.box.px1,
                    )
                    for d in parcel.detections
                ]
                session.add(scan)
                session.flush()  # rows first, then the event that reports them
                if parcel.discrepancies:
                    ManifestRepository.add_discrepancies(
                        session, parcel.scan_id, parcel.discrepancies
                    )
                session.add(self._processed_event(parcel, stored.sha256, wall_now))
                session.add_all(ImageFileRepository.rows_for(parcel.scan_id, stored, wall_now))
        except BaseException as exc:
            # The row never committed: the file must not outlive it.
            with contextlib.suppress(StorageError):
                self.images.delete_parcel(stored)
            if isinstance(exc, IntegrityError) and self._scan_exists(parcel.scan_id):
                raise StorageError(f"scan {parcel.scan_id} is already stored") from exc
            if isinstance(exc, SQLAlchemyError):
                detail = getattr(exc, "orig", None) or exc
                raise StorageError(f"scan {parcel.scan_id} was not stored: {detail}") from exc
            raise

    def _known_calibration(
        self, session: Session, parcel: ParcelScan
    ) -> tuple[str | None, set[str]]:
        # A calibration id the database does not know must not cost the parcel
        # (the station loses nothing): keep the scan, flag it, leave the FK empty.
        flags = set(parcel.raw.flags)
        if not parcel.calibration_id:  # an unprocessed parcel used no calibration
            return None, flags
        found = session.scalar(
            select(CalibrationRow.id).where(CalibrationRow.id == parcel.calibration_id)
        )
        if found is None:
            flags.add("calibration_not_stored")
        return found, flags

    def _processed_event(self, parcel: ParcelScan, sha256: str, now: datetime) -> OutboxRow:
        return OutboxRow(
            topic=TOPIC_SCAN_PROCESSED,
            aggregate_id=parcel.scan_id,
            payload={
                "station_id": self.station_id,
                "scan_id": parcel.scan_id,
                "tracking_id": parcel.tracking_id,
                "triage": {
                    "level": parcel.triage.level.value,
                    "reasons": list(parcel.triage.reasons),
                    "risk_score": _jsonable(parcel.triage.risk_score),
                },
                "alarm_kinds": [a.kind for a in parcel.alarms],
                "detections": [
                    {"class_name": d.class_name, "confidence": round(d.confidence, 4),
                     "box": [d.box.line0, d.box.px0, d.box.line1, d.box.px1]}
                    for d in parcel.detections
                ],
                "image_sha256": sha256,
            },
            idempotency_key=f"{self.station_id}/{TOPIC_SCAN_PROCESSED}/{parcel.scan_id}",
            created_at=now,
            attempts=0,
        )

    def record_decision(self, decision: Decision) -> None:
        """Store one decision, its "scan.decided" event and its audit entry in one transaction.

        The audit entry is written here rather than by callers so that no path can
        record a decision without it (and a failed decision leaves no entry either).
        """
        if decision.decided_at.tzinfo is None:
            raise StorageError(f"decision on {decision.scan_id}: decided_at has no time zone")
        try:
            marks_text, marks_wire = marks_to_text(decision.marks), marks_to_list(decision.marks)
        except MarksError as exc:
            raise StorageError(f"decision on {decision.scan_id} was not recorded: {exc}") from exc
        try:
            with self._db.write_session() as session:
                tracking_id = session.execute(
                    select(ScanRow.tracking_id).where(ScanRow.id == decision.scan_id)
                ).one_or_none()
                if tracking_id is None:
                    raise StorageError(
                        f"no scan {decision.scan_id!r} in the database: decision not recorded"
                    )
                action = ACTION_DECISION_RECORDED
                if decision.kind == "review":
                    action = _review_action(session, decision)
                row = DecisionRow(
                    scan_id=decision.scan_id,
                    verdict=Verdict(decision.verdict).value,
                    operator=decision.operator,
                    decided_at=decision.decided_at,
                    comment=decision.comment,
                    decision_time_ms=_jsonable(decision.decision_time_ms),
                    kind=decision.kind,
                    reviewed_decision_id=decision.reviewed_decision_id,
                    marks=marks_text,
                )
                session.add(row)
                session.flush()  # the decision id goes into the idempotency key
                # Its OPERATOR TDR is due from now on; storage.operator_reports writes it.
                ImageFileRepository.add_operator_report_due(session, decision.scan_id, row.id)
                AuditLog(self._db, self.station_id).append(
                    session,
                    decision.operator,
                    action,
                    decision.scan_id,
                    {
                        "decision_id": row.id,
                        "verdict": row.verdict,
                        "decided_at": decision.decided_at,
                        "comment": decision.comment,
                        "decision_time_ms": row.decision_time_ms,
                        "kind": decision.kind,
                        "reviewed_decision_id": decision.reviewed_decision_id,
                        # Only when marked: entries of unmarked decisions keep their shape.
                        **({"marks": marks_wire} if marks_wire else {}),
                    },
                )
                session.add(
                    OutboxRow(
                        topic=TOPIC_SCAN_DECIDED,
                        aggregate_id=decision.scan_id,
                        payload={
                            "station_id": self.station_id,
                            "scan_id": decision.scan_id,
                            "tracking_id": tracking_id[0],
                            "decision_id": row.id,
                            "verdict": row.verdict,
                            "operator": decision.operator,
                            "decided_at": decision.decided_at.astimezone(UTC).isoformat(),
                            "comment": decision.comment,
                            "decision_time_ms": row.decision_time_ms,
                            "kind": decision.kind,
                            "reviewed_decision_id": decision.reviewed_decision_id,
                            # Where the inspector pointed, parcel pixels ([] for none).
                            "marks": marks_wire,
                        },
                        idempotency_key=(
                            f"{self.station_id}/{TOPIC_SCAN_DECIDED}/{decision.scan_id}/{row.id}"
                        ),
                        created_at=utcnow(),
                        attempts=0,
                    )
                )
        except SQLAlchemyError as exc:
            raise StorageError(f"decision on {decision.scan_id} was not recorded: {exc}") from exc

    # ------------------------------------------------------------ queries

    def _scan_exists(self, scan_id: str) -> bool:
        with self._db.read_session() as session:
            return session.get(ScanRow, scan_id) is not None

    def get_scan(self, scan_id: str) -> ScanRecord | None:
        with self._db.read_session() as session:
            row = session.scalars(_scan_query().where(ScanRow.id == scan_id)).one_or_none()
            return None if row is None else _scan_record(row)

    def recent_scans(self, limit: int = 50) -> list[ScanRecord]:
        """Newest first."""
        query = _scan_query().order_by(ScanRow.created_at.desc(), ScanRow.id.desc()).limit(limit)
        with self._db.read_session() as session:
            return [_scan_record(r) for r in session.scalars(query)]

    def undecided_scans(self, limit: int = 50) -> list[ScanRecord]:
        """Scans without any decision, oldest first (the inspector's queue order)."""
        decided = exists().where(DecisionRow.scan_id == ScanRow.id)
        query = (
            _scan_query()
            .where(~decided)
            .order_by(ScanRow.created_at.asc(), ScanRow.id.asc())
            .limit(limit)
        )
        with self._db.read_session() as session:
            return [_scan_record(r) for r in session.scalars(query)]

    def count_scans(self) -> int:
        with self._db.read_session() as session:
            return int(session.scalar(select(func.count()).select_from(ScanRow)) or 0)

    def count_undecided(self) -> int:
        """How many scans wait for a decision (the inspector's queue depth)."""
        decided = exists().where(DecisionRow.scan_id == ScanRow.id)
        query = select(func.count()).select_from(ScanRow).where(~decided)
        with self._db.read_session() as session:
            return int(session.scalar(query) or 0)

    def outbox_pending(self, limit: int = 100) -> list[OutboxRecord]:
        return OutboxRepository(self._db).pending(limit)


# ---------------------------------------------------------------- outbox


class OutboxRepository:
    """What the sync worker needs: pending events in order, and marking the outcome."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def pending(self, limit: int = 100) -> list[OutboxRecord]:
        query = (
            select(OutboxRow)
            .where(OutboxRow.sent_at.is_(None), OutboxRow.state == "pending")
            .order_by(OutboxRow.id)
        )
        with self._db.read_session() as session:
            return [
                OutboxRecord(
                    id=r.id,
                    topic=r.topic,
                    aggregate_id=r.aggregate_id,
                    payload=dict(r.payload),
                    idempotency_key=r.idempotency_key,
                    created_at=r.created_at,
                    attempts=r.attempts,
                    last_error=r.last_error,
                )
                for r in session.scalars(query.limit(limit))
            ]

    def mark_sent(self, ids: Iterable[int], sent_at: datetime | None = None) -> None:
        id_list = list(ids)
        if not id_list:
            return
        with self._db.write_session() as session:
            session.execute(
                update(OutboxRow)
                # Central's confirmation wins over any other state; a sent row keeps its
                # first time.
                .where(OutboxRow.id.in_(id_list), OutboxRow.sent_at.is_(None))
                .values(sent_at=sent_at or utcnow(), state="sent")
            )

    def mark_failed(self, outbox_id: int, error: str) -> None:
        with self._db.write_session() as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id)
                .values(attempts=OutboxRow.attempts + 1, last_error=error[:2000])
            )


# ---------------------------------------------------------------- calibrations


class CalibrationRepository:
    """Detector and materials calibrations per scanner, newest wins."""

    def __init__(self, database: Database, station_id: str) -> None:
        self._db = database
        self.station_id = station_id
        ensure_station(database, station_id)

    def save(
        self,
        kind: CalibrationKind,
        scanner_serial: str,
        payload: bytes,
        statistics: Mapping[str, Any],
        residuals: Mapping[str, Any] | None,
        operator: str,
        *,
        accepted: bool = True,
        created_at: datetime | None = None,
    ) -> str:
        """Store one calibration with its audit entry, in one transaction; returns its id."""
        if kind not in CALIBRATION_KINDS:
            raise StorageError(f"calibration kind {kind!r} is not one of {CALIBRATION_KINDS}")
        calibration_id = uuid.uuid4().hex
        payload = bytes(payload)
        try:
            with self._db.write_session() as session:
                session.add(
                    CalibrationRow(
                        id=calibration_id,
                        station_id=self.station_id,
                        scanner_serial=scanner_serial,
                        kind=kind,
                        created_at=created_at or utcnow(),
                        payload=payload,
                        statistics=_jsonable(statistics),
                        residuals=None if residuals is None else _jsonable(residuals),
                        accepted=accepted,
                        operator=operator,
                    )
                )
                AuditLog(self._db, self.station_id).append(
                    session,
                    operator,
                    ACTION_CALIBRATION_STORED,
                    calibration_id,
                    {
                        "kind": kind,
                        "scanner_serial": scanner_serial,
                        "accepted": accepted,
                        # the payload itself is too big for the trail; its hash pins it
                        "payload_sha256": hashlib.sha256(payload).hexdigest(),
                        "statistics": _jsonable(statistics),
                    },
                )
        except (SQLAlchemyError, ValueError) as exc:
            raise StorageError(f"{kind} calibration of {scanner_serial} not saved: {exc}") from exc
        return calibration_id

    def get(self, calibration_id: str) -> CalibrationRecord | None:
        """One calibration by id (accepted or not), or None."""
        with self._db.read_session() as session:
            row = session.get(CalibrationRow, calibration_id)
            return None if row is None else _calibration_record(row)

    def latest(self, kind: CalibrationKind, scanner_serial: str) -> CalibrationRecord | None:
        """The newest accepted calibration of this kind for this scanner."""
        query = (
            select(CalibrationRow)
            .where(
                CalibrationRow.kind == kind,
                CalibrationRow.scanner_serial == scanner_serial,
                CalibrationRow.accepted.is_(True),
            )
            .order_by(CalibrationRow.created_at.desc())
            .limit(1)
        )
        with self._db.read_session() as session:
            row = session.scalars(query).one_or_none()
            return None if row is None else _calibration_record(row)

    def history(self, scanner_serial: str, limit: int = 20) -> Sequence[CalibrationRecord]:
        """All calibrations of a scanner (accepted or not), newest first."""
        query = (
            select(CalibrationRow)
            .where(CalibrationRow.scanner_serial == scanner_serial)
            .order_by(CalibrationRow.created_at.desc())
            .limit(limit)
        )
        with self._db.read_session() as session:
            return [_calibration_record(r) for r in session.scalars(query)]
