"""Synthetic parcels and a fake station for the GUI tests (no Qt in here).

``FakeStation`` satisfies ``station_app.gui.protocols.StationLike`` with the
real ``StationEvents`` and ``Renderer``; decisions are kept in a list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

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

    def __post_init__(self) -> None:
        self.renderer = Renderer(self.config.materials)

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def status(self) -> FakeStatus:
        return self.status_value

    def detector_status(self) -> DetectorStatus:
        return self.detector_status_value

    def item_label(self, class_name: str) -> str:
        names = ITEM_LABELS.get(class_name)
        if names is None:  # as Station does for a class the model card lacks
            return class_name.replace("_", " ")
        return names[self.config.gui.language]

    def manifest_for(self, tracking_id: str) -> Manifest | None:
        self.manifest_lookups.append(tracking_id)
        return self.manifests.get(tracking_id)

    def record_decision(
        self,
        scan_id: str,
        verdict: Verdict,
        operator: str,
        comment: str = "",
        decision_time_ms: float | None = None,
    ) -> Decision:
        decision = Decision(
            scan_id=scan_id,
            verdict=verdict,
            operator=operator,
            decided_at=datetime.now(UTC),
            comment=comment,
            decision_time_ms=decision_time_ms,
        )
        self.decisions.append(decision)
        self.events.decision_recorded.emit(decision)
        return decision
