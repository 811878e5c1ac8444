"""Synthetic parcels and a fake station for the GUI tests (no Qt in here).

``FakeStation`` satisfies ``station_app.gui.protocols.StationLike`` with the
real ``StationEvents`` and ``Renderer``; decisions are kept in a list. Its
``accounts`` is the real ``AccountService`` on an SQLite file in the data dir
(opened on first use, with cheap argon2 parameters so tests stay fast).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from argon2 import Parameters, Type

from station_app.accounts import AccountService, PasswordHashing, Principal, Role, require
from station_app.accounts.roles import Permission
from station_app.certificates.records import CertificateCheck
from station_app.certificates.service import CertificateService
from station_app.config import StationConfig
from station_app.detection.detector import DetectorStatus
from station_app.domain import (
    Alarm,
    BoxPx,
    Decision,
    Detection,
    Discrepancy,
    DiscrepancyKind,
    MaterialClass,
    MaterialImage,
    ParcelScan,
    RawScan,
    TriageLevel,
    TriageResult,
    Verdict,
)
from station_app.events import StationEvents
from station_app.imaging.render import Renderer
from station_app.manifests.model import Category, ContentLine, Manifest, ManifestKind, Party
from station_app.storage import Database, open_database
from station_app.storage.review import ReviewRepository
from station_app.supervision.service import SupervisionPorts, SupervisionService
from station_app.sync.worker import SyncStatus
from station_app.tip.scoring import TipOutcome, score

# argon2id at the smallest cost argon2-cffi accepts: the policy under test is the
# same, only the work factor differs from production.
CHEAP_ARGON2 = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=1,
    memory_cost=64,
    parallelism=1,
)


def make_principal(
    username: str = "inspector1",
    role: Role = Role.INSPECTOR,
    *,
    language: str = "en",
    user_id: int = 1,
) -> Principal:
    """A signed-in person for widget tests that do not go through the sign-in."""
    return Principal(
        user_id=user_id,
        username=username,
        display_name=username.title(),
        role=role,
        language=language,
        session_id=f"session-{username}",
        signed_in_at=datetime.now(UTC),
    )


def make_image(lines: int = 200, pixels: int = 300, seed: int = 0) -> MaterialImage:
    """A parcel-like image: a cardboard box with an organic block, a metal bar
    and an impenetrable lump, plus a little noise so modes differ visibly."""
    rng = np.random.default_rng(seed)
    a_high = np.zeros((lines, pixels), np.float32)
    zeff = np.zeros((lines, pixels), np.float32)
    l0, l1, p0, p1 = lines // 10, lines - lines // 10, pixels // 10, pixels - pixels // 10
    a_high[l0:l1, p0:p1] = 0.15  # cardboard
    zeff[l0:l1, p0:p1] = 6.5
    a_high[lines // 5 : lines // 2, pixels // 5 : pixels // 2] = 1.2  # organic block
    zeff[lines // 5 : lines // 2, pixels // 5 : pixels // 2] = 7.2
    a_high[lines // 2 : lines // 2 + lines // 10, pixels // 2 : pixels - pixels // 5] = 2.5
    zeff[lines // 2 : lines // 2 + lines // 10, pixels // 2 : pixels - pixels // 5] = 26.0
    a_high[3 * lines // 4 : 3 * lines // 4 + 8, pixels // 3 : pixels // 3 + 8] = 8.0
    zeff[3 * lines // 4 : 3 * lines // 4 + 8, pixels // 3 : pixels // 3 + 8] = 30.0
    inside = a_high > 0
    a_high[inside] += rng.normal(0.0, 0.03, int(inside.sum())).astype(np.float32)
    a_high = np.clip(a_high, 0.0, None)
    cls = np.full((lines, pixels), MaterialClass.AIR, np.uint8)
    cls[inside & (zeff <= 10)] = MaterialClass.ORGANIC
    cls[inside & (zeff > 10) & (zeff <= 17.5)] = MaterialClass.INORGANIC
    cls[inside & (zeff > 17.5)] = MaterialClass.METAL
    cls[a_high >= 7.0] = MaterialClass.IMPENETRABLE
    return MaterialImage(
        a_high=a_high,
        a_low=(a_high * 1.3).astype(np.float32),
        zeff=zeff,
        material_class=cls,
        line_pitch_mm=2.0,
        pixel_pitch_mm=1.6,
    )


def make_parcel(
    scan_id: str = "S-0001",
    *,
    lines: int = 200,
    pixels: int = 300,
    level: TriageLevel = TriageLevel.RED,
    alarms: tuple[Alarm, ...] | None = None,
    detections: tuple[Detection, ...] | None = None,
    tracking_id: str | None = "RR123456785CH",
    seed: int = 0,
    discrepancies: tuple[Discrepancy, ...] = (),
    risk_score: float | None = None,
) -> ParcelScan:
    image = make_image(lines, pixels, seed)
    if alarms is None:
        alarms = (
            Alarm(
                kind="dense_object",
                box=BoxPx(line0=100, px0=150, line1=120, px1=240),
                area_mm2=5760.0,
                score=0.9,
                explanation="Dense object of 5760 mm² hides what is behind it",
            ),
            Alarm(
                kind="organic_mass",
                box=BoxPx(line0=40, px0=60, line1=100, px1=150),
                area_mm2=17280.0,
                score=0.6,
                explanation="Organic mass in the explosives range",
            ),
        )
    if detections is None:
        detections = (Detection(class_name="knife", confidence=0.82, box=BoxPx(95, 140, 125, 250)),)
    raw = RawScan(
        scan_id=scan_id,
        scanner_serial="SIM-0001",
        first_line_index=0,
        high_counts=np.zeros((lines, pixels), np.uint16),
        low_counts=np.zeros((lines, pixels), np.uint16),
        started_ns=0,
        ended_ns=1,
        line_pitch_mm=2.0,
        pixel_pitch_mm=1.6,
        tracking_id=tracking_id,
    )
    reasons = tuple(f"rule alarm: {a.kind}" for a in alarms)
    return ParcelScan(
        raw=raw,
        image=image,
        alarms=alarms,
        detections=detections,
        triage=TriageResult(level=level, reasons=reasons, risk_score=risk_score),
        timings_ms={},
        calibration_id="CAL-1",
        discrepancies=discrepancies,
    )


def make_manifest(tracking_id: str = "RR123456785CH") -> Manifest:
    """A postal sale-of-goods manifest with three lines (phone and address set,
    so tests can check they stay out of the panel)."""
    line = ContentLine
    return Manifest(
        kind=ManifestKind.POSTAL,
        tracking_id=tracking_id,
        category=Category.SALE_OF_GOODS,
        sender=Party(
            "Li Wei Trading", "88 Export Road\nShenzhen 518000", "CN", "+86 755 1234 5678"
        ),
        addressee=Party("Anna Muster", "Bahnhofstrasse 1\n8001 Zürich", "CH", "+41 44 123 45 67"),
        lines=(
            line("Cotton T-shirts", 3, 600.0, Decimal("24.00"), "EUR", "610910", "CN"),
            line("Phone case, silicone", 2, 80.0, Decimal("6.50"), "EUR", "392690", "CN"),
            line("Kitchen scissors", 1, 150.0, Decimal("4.90"), "EUR", "821300", "CN"),
        ),
    )


def make_discrepancies() -> tuple[Discrepancy, ...]:
    """A red undeclared knife and an amber quantity mismatch on line 1 (index 0)."""
    return (
        Discrepancy(
            kind=DiscrepancyKind.QUANTITY_EXCEEDED,
            severity="amber",
            explanation="Declared 3 T-shirts; the image shows about 6 garments",
            declared_line=0,
        ),
        Discrepancy(
            kind=DiscrepancyKind.UNDECLARED_ITEM,
            severity="red",
            explanation="A knife is seen but the declaration lists kitchen scissors",
            declared_line=2,
            detected_class="knife",
        ),
    )


@dataclass(frozen=True)
class FakeStatus:
    driver_name: str = "simulator"
    scanner_state: str = "running"
    xray_on: bool = True
    belt_running: bool = True
    belt_speed_m_s: float = 0.25
    calibration_age_h: float | None = 2.5
    queue_depth: int = 0
    parcels_processed: int = 0
    parcels_failed: int = 0
    last_error: str | None = None


# A small model card's worth of names, so the GUI tests see real translations.
ITEM_LABELS: dict[str, dict[str, str]] = {
    "knife": {"en": "Knife", "ko": "칼"},
    "gun": {"en": "Gun", "ko": "총"},
    "lithium_battery": {"en": "Lithium battery", "ko": "리튬 배터리"},
}


@dataclass
class FakeStation:
    """Satisfies ``StationLike`` without a scanner or a database."""

    config: StationConfig
    events: StationEvents = field(default_factory=StationEvents)
    renderer: Renderer = field(init=False)
    decisions: list[Decision] = field(default_factory=list)
    started: bool = False
    stopped: bool = False
    status_value: FakeStatus = field(default_factory=FakeStatus)
    manifests: dict[str, Manifest] = field(default_factory=dict)
    manifest_lookups: list[str] = field(default_factory=list)
    detector_status_value: DetectorStatus = field(
        default_factory=lambda: DetectorStatus(enabled=True, model="xcnet 1.0", provider="CPU")
    )
    sync_status_value: SyncStatus | None = None  # None: no central configured

    _accounts: AccountService | None = field(default=None, init=False)
    _database: Database | None = field(default=None, init=False)
    _supervision: SupervisionService | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.renderer = Renderer(self.config.materials)

    @property
    def accounts(self) -> AccountService:
        if self._accounts is None:
            self._database = open_database(self.config.resolved_database_url)
            self._accounts = AccountService(
                self._database,
                self.config.station_id,
                self.config.accounts,
                hashing=PasswordHashing(CHEAP_ARGON2),
            )
        return self._accounts

    @property
    def supervision(self) -> SupervisionService:
        """A real service over the fake's database (the queue is empty unless a test
        stores scans); opening a parcel is not supported by the fake."""
        if self._supervision is None:
            _ = self.accounts  # opens the database
            assert self._database is not None

            def no_image(scan_id: str) -> ParcelScan:
                raise LookupError(f"the fake station keeps no image of {scan_id}")

            self._supervision = SupervisionService(
                SupervisionPorts(
                    reviews=ReviewRepository(self._database),
                    record_decision=lambda _decision: None,
                    load_parcel=no_image,
                    manifest_for=self.manifest_for,
                )
            )
        return self._supervision

    # A technician's maintenance pause (the technician workspace reads it).
    screening: bool = True
    tip_responses: list[tuple[int, Verdict, float | None]] = field(default_factory=list)
    tip_marks: list[tuple[BoxPx, ...]] = field(default_factory=list)  # per TIP response

    def record_tip_response(
        self, principal: Principal | None, presentation_id: int, verdict: Verdict,
        response_time_ms: float | None, marks: tuple[BoxPx, ...] = (),
    ) -> TipOutcome:
        require(principal, Permission.DECIDE)
        self.tip_responses.append((presentation_id, verdict, response_time_ms))
        self.tip_marks.append(marks)
        return score(verdict)

    def close(self) -> None:
        if self._database is not None:
            self._database.close()

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def status(self) -> FakeStatus:
        return self.status_value

    def sync_status(self) -> SyncStatus | None:
        return self.sync_status_value

    def detector_status(self) -> DetectorStatus:
        return self.detector_status_value

    def item_label(self, class_name: str, language: str | None = None) -> str:
        names = ITEM_LABELS.get(class_name)
        if names is None:  # as Station does for a class the model card lacks
            return class_name.replace("_", " ")
        return names[language or self.config.gui.language]

    def manifest_for(self, tracking_id: str) -> Manifest | None:
        self.manifest_lookups.append(tracking_id)
        return self.manifests.get(tracking_id)

    # Certificates: a real ``CertificateService`` when a test sets one; otherwise each
    # submission is a Future the test completes itself (to see the panel waiting).
    certificate_service: CertificateService | None = None
    certificate_checks_by_scan: dict[str, tuple[CertificateCheck, ...]] = field(
        default_factory=dict
    )
    certificate_submissions: list[tuple[str | Path, str | None, Future[Any]]] = field(
        default_factory=list
    )

    def submit_certificate(
        self, source: str | Path, scan_id: str | None
    ) -> Future[tuple[CertificateCheck, ...]]:
        if self.certificate_service is not None:
            return self.certificate_service.submit(source, scan_id=scan_id)
        future: Future[tuple[CertificateCheck, ...]] = Future()
        self.certificate_submissions.append((source, scan_id, future))
        return future

    def certificate_checks(self, scan_id: str) -> tuple[CertificateCheck, ...]:
        if self.certificate_service is not None:
            return self.certificate_service.checks_for(scan_id)
        return self.certificate_checks_by_scan.get(scan_id, ())

    # What ``stored_parcel`` brings back: the parcels the test stored (none by default).
    stored: dict[str, ParcelScan] = field(default_factory=dict)
    stored_loads: list[str] = field(default_factory=list)

    def stored_parcel(self, principal: Principal | None, scan_id: str) -> ParcelScan:
        require(principal, Permission.INSPECT)  # as Station does
        self.stored_loads.append(scan_id)
        try:
            return self.stored[scan_id]
        except KeyError:
            raise LookupError(f"scan {scan_id} is not stored") from None

    def record_decision(
        self,
        scan_id: str,
        verdict: Verdict,
        principal: Principal,
        comment: str = "",
        decision_time_ms: float | None = None,
        marks: tuple[BoxPx, ...] = (),
    ) -> Decision:
        require(principal, Permission.DECIDE)  # as Station does
        decision = Decision(
            scan_id=scan_id,
            verdict=verdict,
            operator=principal.username,
            decided_at=datetime.now(UTC),
            comment=comment,
            decision_time_ms=decision_time_ms,
            marks=marks,
        )
        self.decisions.append(decision)
        self.events.decision_recorded.emit(decision)
        return decision
