"""DICOS Threat Detection Reports (TDR): the machine's findings and the operator's decision.

Each rule alarm and each detector hit becomes one Potential Threat Object
(PTO) in the Threat Sequence. Its PTO Representation item references the
parcel's images and locates the object twice, in pixel coordinates of those
images (x = column = detector pixel, y = row = detector line, z = 0):

- Threat ROI Voxel Sequence: Threat ROI Base (x0, y0, 0) and Extents (w, h, 1),
  which is what DICOS readers such as the Stratovan toolkit use;
- Bounding Polygon: the four corners of the half-open box, clockwise from the
  top-left, as (x, y, z) triplets.

The operator TDR repeats the machine's PTOs with the operator's assessment and
references the machine TDR (Referenced TDR Instance Sequence). Each mark the
inspector drew (``Decision.marks``) follows as one more PTO, in the same pixel
coordinates: Threat Category ANOMALY (DICOS's term for an object not otherwise
classified: a mark says where, not what), description "operator mark", and the
verdict's flag (OPEN → THREAT, HOLD → UNKNOWN, CLEAR → NO_THREAT: the inspector
looked there and judged it harmless, which is worth keeping too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset

from station_app.dicos import uids
from station_app.dicos.common import DicosSource, base_dataset, format_dt
from station_app.domain import Alarm, BoxPx, Decision, Detection, ParcelScan, TriageLevel, Verdict
from station_app.marks import check_marks

TDR_MODALITY = "TDR"

# Threat Category defined terms (DICOS): PI = prohibited item.
_ALARM_CATEGORY = {"dense_object": "ANOMALY", "organic_mass": "ANOMALY", "lithium_battery": "PI"}
_DETECTION_CATEGORY = {
    "knife": "PI", "gun": "PI", "firearm": "PI", "pistol": "PI", "ammunition": "PI",
    "handgun": "PI", "scissors": "PI",
    "lithium_battery": "PI", "battery": "PI", "explosive": "EXPLOSIVE",
    "laptop": "LAPTOP", "drugs": "CONTRABAND", "cigarettes": "CONTRABAND", "cash": "CONTRABAND",
    "powder_packet": "CONTRABAND", "cigarette_carton": "CONTRABAND",
    "pills": "PHARMACEUTICAL", "medicine": "PHARMACEUTICAL", "pill_bottle": "PHARMACEUTICAL",
}
# A detection at or above this confidence is asserted as THREAT, below it UNKNOWN.
DETECTION_THREAT_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Pto:
    """One potential threat object, before it becomes a Threat Sequence item."""

    pto_id: int
    box: BoxPx
    category: str
    description: str
    flag: str  # HIGH_THREAT / THREAT / NO_THREAT / UNKNOWN
    probability: float
    # SHIELD: the object hides what is behind it (too dense to see through).
    ability: str = "NO_INTERFERENCE"


def ptos_of(parcel: ParcelScan) -> list[Pto]:
    out: list[Pto] = []
    for alarm in parcel.alarms:
        out.append(_alarm_pto(len(out) + 1, alarm))
    for det in parcel.detections:
        out.append(_detection_pto(len(out) + 1, det))
    return out


def _alarm_pto(pto_id: int, alarm: Alarm) -> Pto:
    return Pto(
        pto_id, alarm.box, _ALARM_CATEGORY.get(alarm.kind, "ANOMALY"),
        f"{alarm.kind}: {alarm.explanation}", "THREAT", _unit(alarm.score),
        ability="SHIELD" if alarm.kind == "dense_object" else "NO_INTERFERENCE",
    )


def threat_category(class_name: str) -> str:
    """The DICOS Threat Category of a detector class (or TIP item category)."""
    return _DETECTION_CATEGORY.get(class_name.lower(), "ANOMALY")


def _detection_pto(pto_id: int, det: Detection) -> Pto:
    flag = "THREAT" if det.confidence >= DETECTION_THREAT_CONFIDENCE else "UNKNOWN"
    return Pto(
        pto_id, det.box, threat_category(det.class_name),
        f"detector: {det.class_name}", flag, _unit(det.confidence),
    )


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def machine_alarm_decision(parcel: ParcelScan) -> str:
    """ALARM unless triage released the parcel; UNKNOWN when the scan itself is incomplete
    or was never analysed (processing failed: the station kept the raw scan only)."""
    if parcel.raw.flags & {"incomplete", "unprocessed"}:
        return "UNKNOWN"
    return "CLEAR" if parcel.triage.level is TriageLevel.GREEN else "ALARM"


def operator_alarm_decision(verdict: Verdict) -> str:
    return {Verdict.CLEAR: "CLEAR", Verdict.OPEN: "ALARM", Verdict.HOLD: "UNKNOWN"}[verdict]


def operator_flag(verdict: Verdict) -> str:
    return {Verdict.CLEAR: "NO_THREAT", Verdict.OPEN: "THREAT", Verdict.HOLD: "UNKNOWN"}[verdict]


def threat_item(
    pto: Pto, referenced: Sequence[tuple[str, str]], start: datetime, end: datetime
) -> Dataset:
    """One Threat Sequence item; ``referenced`` are (SOP Class UID, SOP Instance UID) pairs."""
    box = pto.box
    refs = []
    for sop_class, sop_instance in referenced:
        ref = Dataset()
        ref.ReferencedSOPClassUID = sop_class
        ref.ReferencedSOPInstanceUID = sop_instance
        refs.append(ref)
    roi = Dataset()
    roi.ThreatROIBase = [float(box.px0), float(box.line0), 0.0]
    roi.ThreatROIExtents = [float(box.width), float(box.height), 1.0]
    roi.ThreatROIBitmap = b""  # no mask: the whole box is the object
    rep = Dataset()
    rep.ReferencedInstanceSequence = refs
    rep.ThreatROIVoxelSequence = [roi]
    x0, y0, x1, y1 = float(box.px0), float(box.line0), float(box.px1), float(box.line1)
    rep.BoundingPolygon = [x0, y0, 0.0, x1, y0, 0.0, x1, y1, 0.0, x0, y1, 0.0]
    assessment = Dataset()
    assessment.ThreatCategory = pto.category
    assessment.ThreatCategoryDescription = pto.description
    assessment.ATDAbilityAssessment = pto.ability
    assessment.ATDAssessmentFlag = pto.flag
    assessment.ATDAssessmentProbability = pto.probability
    item = Dataset()
    item.PotentialThreatObjectID = pto.pto_id
    item.PTORepresentationSequence = [rep]
    item.ATDAssessmentSequence = [assessment]
    # PTO Processing Start/End Time and Total Processing Time (ms): DICOS v3 tags
    # that pydicom's dictionary lacks; the reference toolkit requires the times.
    item.add(DataElement(0x40101080, "DT", format_dt(start)))
    item.add(DataElement(0x40101081, "DT", format_dt(end)))
    item.add(DataElement(0x40101082, "FL", (end - start).total_seconds() * 1000.0))
    return item


def tdr_dataset(
    *,
    tdr_type: str,
    sop_uid: str,
    study_uid: str,
    series_uid: str,
    frame_of_reference_uid: str,
    scan_id: str,
    tracking_id: str | None,
    source: DicosSource,
    when: datetime,
    ptos: Sequence[Pto],
    referenced: Sequence[tuple[str, str]],
    alarm_decision: str,
    processing_ms: float,
    algorithm: tuple[str, str],
) -> Dataset:
    """A TDR of ``tdr_type`` (MACHINE or OPERATOR) with its Threat Sequence."""
    ds = base_dataset(
        uids.TDR, sop_uid, study_uid=study_uid, series_uid=series_uid, scan_id=scan_id,
        source=source, tracking_id=tracking_id, when=when, modality=TDR_MODALITY,
        instance_number=1, series_number=3 if tdr_type == "MACHINE" else 4,
    )
    ds.FrameOfReferenceUID = frame_of_reference_uid
    # Referenced Scans Sequence (DICOS name of DICOM's Referenced Study Sequence,
    # required for a TDR): the images this report is about.
    scans = []
    for sop_class, sop_instance in referenced:
        ref = Dataset()
        ref.ReferencedSOPClassUID = sop_class
        ref.ReferencedSOPInstanceUID = sop_instance
        scans.append(ref)
    ds.ReferencedStudySequence = scans
    ds.PositionReferenceIndicator = ""
    start = when
    end = when + timedelta(milliseconds=max(0.0, processing_ms))
    ds.ThreatSequence = [threat_item(p, referenced, start, end) for p in ptos]
    ds.AbortFlag = "SUCCESS"
    ds.TDRType = tdr_type
    ds.ThreatDetectionAlgorithmAndVersion = list(algorithm)
    ds.AlarmDecisionTime = format_dt(end)
    ds.AlarmDecision = alarm_decision
    ds.NumberOfTotalObjects = len(ptos)
    ds.NumberOfAlarmObjects = sum(1 for p in ptos if p.flag in ("THREAT", "HIGH_THREAT"))
    ds.AcquisitionStatus = "SUCCESSFUL"
    ds.AlgorithmRoutingCodeSequence = []
    ds.TotalProcessingTime = float(processing_ms)
    ds.AdditionalScreeningPerformed = "NO"
    # Image Scale Representation: 1 = PTO coordinates are in image pixels. pydicom
    # has it as DS; DICOS v3 and the toolkit use FD.
    ds.add(DataElement(0x40101075, "FD", 1.0))
    return ds


OPERATOR_MARK_CATEGORY = "ANOMALY"
OPERATOR_MARK_DESCRIPTION = "operator mark"
# An operator's HOLD says "cannot tell": its marks get an even probability, not a certainty.
OPERATOR_MARK_UNKNOWN_PROBABILITY = 0.5


def operator_ptos(machine_ptos: Sequence[Pto], decision: Decision) -> list[Pto]:
    """The machine's PTOs as the operator judged them (one verdict for the whole parcel),
    then one PTO per operator mark, numbered on after the machine's."""
    flag = operator_flag(decision.verdict)
    note = f"operator {decision.operator}: {decision.verdict.value}"
    if decision.comment:
        note += f" ({decision.comment})"
    judged = [
        Pto(p.pto_id, p.box, p.category, f"{p.description} | {note}", flag,
            1.0 if flag != "UNKNOWN" else p.probability, p.ability)
        for p in machine_ptos
    ]
    next_id = max((p.pto_id for p in machine_ptos), default=0) + 1
    probability = 1.0 if flag != "UNKNOWN" else OPERATOR_MARK_UNKNOWN_PROBABILITY
    marked = [
        Pto(next_id + i, box, OPERATOR_MARK_CATEGORY, f"{OPERATOR_MARK_DESCRIPTION} | {note}",
            flag, probability)
        for i, box in enumerate(check_marks(decision.marks))
    ]
    return judged + marked
