"""Plain frozen dataclasses shared by every layer of the station.

Arrays carry dtype and shape in their docstrings; units are in field names.
Nothing here does I/O or imports Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Literal

import numpy as np
from numpy.typing import NDArray


class MaterialClass(IntEnum):
    """Per-pixel material class, stored as uint8 in ``MaterialImage.material_class``."""

    AIR = 0  # nothing (or almost nothing) in the beam
    ORGANIC = 1
    INORGANIC = 2  # light metals, glass, mixtures
    METAL = 3
    IMPENETRABLE = 4  # too little signal left to tell anything


class TriageLevel(StrEnum):
    GREEN = "green"  # release
    AMBER = "amber"  # look closer
    RED = "red"  # open the parcel


class Verdict(StrEnum):
    """The inspector's decision on a parcel."""

    CLEAR = "clear"
    OPEN = "open"  # open for physical inspection
    HOLD = "hold"  # hold for a supervisor


@dataclass(frozen=True)
class RawScan:
    """One parcel cut from the line stream, before calibration.

    ``high_counts`` / ``low_counts``: uint16, shape (lines, pixels), raw ADC counts.
    """

    scan_id: str
    scanner_serial: str
    first_line_index: int
    high_counts: NDArray[np.uint16]
    low_counts: NDArray[np.uint16]
    started_ns: int
    ended_ns: int
    line_pitch_mm: float
    pixel_pitch_mm: float
    tracking_id: str | None = None
    flags: frozenset[str] = frozenset()  # e.g. "cut_at_max_length", "incomplete", "split"

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.high_counts.shape[0]), int(self.high_counts.shape[1]))

    @property
    def length_mm(self) -> float:
        return self.shape[0] * self.line_pitch_mm


@dataclass(frozen=True)
class MaterialImage:
    """Calibrated physical channels of one parcel.

    ``a_high`` / ``a_low``: float32 (lines, pixels), log attenuation -ln(I/I0).
    ``zeff``: float32 (lines, pixels), effective atomic number (0 where air).
    ``material_class``: uint8 (lines, pixels), values of ``MaterialClass``.
    """

    a_high: NDArray[np.float32]
    a_low: NDArray[np.float32]
    zeff: NDArray[np.float32]
    material_class: NDArray[np.uint8]
    line_pitch_mm: float
    pixel_pitch_mm: float

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.a_high.shape[0]), int(self.a_high.shape[1]))


@dataclass(frozen=True)
class BoxPx:
    """Axis-aligned box in image pixels, half-open: rows [line0, line1), cols [px0, px1)."""

    line0: int
    px0: int
    line1: int
    px1: int

    @property
    def height(self) -> int:
        return self.line1 - self.line0

    @property
    def width(self) -> int:
        return self.px1 - self.px0


@dataclass(frozen=True)
class Alarm:
    """A rule alarm with the region that caused it and a sentence that explains it."""

    kind: str  # "dense_object", "organic_mass", "lithium_battery"
    box: BoxPx
    area_mm2: float
    score: float  # 0..1, how strongly the rule fired
    explanation: str
    details: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Detection:
    """An item found by the detector model."""

    class_name: str
    confidence: float
    box: BoxPx


Severity = Literal["red", "amber"]


class DiscrepancyKind(StrEnum):
    UNDECLARED_ITEM = "undeclared_item"
    QUANTITY_EXCEEDED = "quantity_exceeded"
    DECLARED_NOT_SEEN = "declared_not_seen"
    VALUE_IMPLAUSIBLE = "value_implausible"
    UNDECLARED_LITHIUM_BATTERY = "undeclared_lithium_battery"


@dataclass(frozen=True)
class Discrepancy:
    """One declared-vs-seen mismatch between a parcel's manifest and its image."""

    kind: DiscrepancyKind
    severity: Severity
    explanation: str  # one English sentence for the inspector
    declared_line: int | None = None  # index into Manifest.lines
    detected_class: str | None = None


@dataclass(frozen=True)
class TriageResult:
    level: TriageLevel
    reasons: tuple[str, ...]
    risk_score: float | None = None  # from central, when it has one


@dataclass(frozen=True)
class ParcelScan:
    """Everything the station knows about one parcel after processing."""

    raw: RawScan
    image: MaterialImage
    alarms: tuple[Alarm, ...]
    detections: tuple[Detection, ...]
    triage: TriageResult
    timings_ms: Mapping[str, float]
    calibration_id: str
    discrepancies: tuple[Discrepancy, ...] = ()
    # A threat image projection of this parcel, shown to the inspector first (never stored
    # as a scan, never sent as a result); None for nearly every parcel.
    tip: TipImage | None = None

    @property
    def scan_id(self) -> str:
        return self.raw.scan_id

    @property
    def tracking_id(self) -> str | None:
        return self.raw.tracking_id


@dataclass(frozen=True)
class TipImage:
    """A parcel with a fictional threat projected into it (``station_app.tip``)."""

    presentation_id: int  # tip_presentations row; the response is recorded against it
    item_id: str
    category: str  # a detector class name, e.g. "knife"
    box: BoxPx  # where the item is, in the parcel's pixels (revealed after the decision)
    parcel: ParcelScan  # the combined image, processed like a real parcel


@dataclass(frozen=True)
class Decision:
    scan_id: str
    verdict: Verdict
    operator: str
    decided_at: datetime
    comment: str = ""  # for a review: the supervisor's mandatory reason
    decision_time_ms: float | None = None  # from image shown to decision
    # "inspection": an inspector's (or supervisor's) first decision on the parcel;
    # "review": a supervisor confirming or overriding the decision ``reviewed_decision_id``.
    kind: Literal["inspection", "review"] = "inspection"
    reviewed_decision_id: int | None = None
    # Where the inspector pointed: boxes drawn on the image (parcel pixels), in the
    # order drawn; () when nothing was marked (docs/guide-inspector.md, "Marks").
    marks: tuple[BoxPx, ...] = ()
