"""Read back the DICOS files the station writes (for tests, replay and audits).

Every failure — missing file, not DICOM, truncated, wrong SOP Class, missing
attribute — becomes a ``DicosError`` naming the file and what was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from station_app.dicos import uids
from station_app.dicos.common import DicosError, parse_dt
from station_app.dicos.dx import HIGH_ENERGY, LOW_ENERGY
from station_app.dicos.tdr import Pto
from station_app.dicos.tip import TipMarking, tip_marking_of
from station_app.domain import BoxPx


@dataclass(frozen=True)
class DxMetadata:
    scan_id: str
    station_id: str
    tracking_id: str | None
    carrier: str | None
    study_uid: str
    series_uid: str
    sop_instance_uids: tuple[str, str]  # (high, low)
    acquired_at: datetime | None
    line_pitch_mm: float
    pixel_pitch_mm: float
    tube_kv: float
    tube_ma: float
    belt_speed_m_s: float
    manufacturer: str
    model: str
    scanner_serial: str
    acquisition_status: str
    tip: TipMarking | None = None  # a TIP image (docs/tip.md), never a real scan; None: real


@dataclass(frozen=True)
class TdrSummary:
    path: Path
    tdr_type: str
    alarm_decision: str
    ooi_id: str
    ooi_type: str
    study_uid: str
    sop_instance_uid: str
    tracking_id: str | None
    threats: tuple[Pto, ...]
    # (SOP Class UID, SOP Instance UID) of the images the PTOs are located on
    referenced_images: tuple[tuple[str, str], ...]
    referenced_tdrs: tuple[str, ...]  # SOP Instance UIDs (an operator TDR's machine TDR)
    operator: str | None
    total_processing_ms: float
    tip: TipMarking | None = None  # the report of a TIP image (GROUND TRUTH); None: real


def open_dataset(path: Path | str, sop_classes: tuple[str, ...], *, pixels: bool = True) -> Dataset:
    """Parse ``path`` strictly enough to tell a DICOS object of the wanted class from junk."""
    path = Path(path)
    try:
        ds = dcmread(path, stop_before_pixels=not pixels)
    except FileNotFoundError as exc:
        raise DicosError(f"{path}: no such file") from exc
    except InvalidDicomError as exc:
        raise DicosError(f"{path}: not a DICOM/DICOS file ({exc})") from exc
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DicosError(f"{path}: unreadable or truncated DICOS file ({exc})") from exc
    sop_class = str(ds.get("SOPClassUID", ""))
    if sop_class not in sop_classes:
        wanted = " or ".join(uids.SOP_CLASS_NAMES.get(c, c) for c in sop_classes)
        got = uids.SOP_CLASS_NAMES.get(sop_class, sop_class or "no SOP Class UID")
        raise DicosError(f"{path}: expected {wanted}, found {got}")
    return ds


def _pixels(ds: Dataset, path: Path) -> NDArray[Any]:
    try:
        return np.asarray(ds.pixel_array)
    except (AttributeError, ValueError, RuntimeError, NotImplementedError, KeyError) as exc:
        raise DicosError(f"{path}: pixel data missing, truncated or undecodable ({exc})") from exc


def _energy(ds: Dataset) -> str:
    image_type = list(ds.get("ImageType", []))
    return str(image_type[1]) if len(image_type) > 1 else ""


def read_dx_energy(path: Path | str) -> tuple[Dataset, NDArray[np.uint16]]:
    """One DX For Processing file: its dataset and uint16 counts (rows = lines)."""
    path = Path(path)
    ds = open_dataset(path, (uids.DX_FOR_PROCESSING,))
    arr = _pixels(ds, path)
    if arr.dtype != np.uint16 or arr.ndim != 2:
        raise DicosError(f"{path}: expected 2D uint16 counts, got {arr.dtype} {arr.shape}")
    return ds, arr


def _partner(path: Path, ds: Dataset, energy: str) -> Path:
    """The file of the other energy of the same series: by naming convention, else by search."""
    other = LOW_ENERGY if energy == HIGH_ENERGY else HIGH_ENERGY
    series = str(ds.SeriesInstanceUID)
    suffixes = {HIGH_ENERGY: "_dx_high.dcs", LOW_ENERGY: "_dx_low.dcs"}
    candidates: list[Path] = []
    if path.name.endswith(suffixes[energy]):
        candidates.append(path.with_name(path.name[: -len(suffixes[energy])] + suffixes[other]))
    candidates += sorted(p for p in path.parent.iterdir() if p.is_file() and p not in candidates)
    for cand in candidates:
        if cand == path or not cand.is_file():
            continue
        try:
            head = dcmread(cand, stop_before_pixels=True,
                           specific_tags=["SOPClassUID", "SeriesInstanceUID", "ImageType"])
        except Exception:  # any unreadable neighbour is simply not the partner
            continue
        if (str(head.get("SOPClassUID", "")) == uids.DX_FOR_PROCESSING
                and str(head.get("SeriesInstanceUID", "")) == series and _energy(head) == other):
            return cand
    raise DicosError(f"{path}: no {other} DX For Processing file of series {series} beside it")


def read_dx(path: Path | str) -> tuple[NDArray[np.uint16], NDArray[np.uint16], DxMetadata]:
    """High and low counts of a parcel from either of its two DX For Processing files."""
    path = Path(path)
    ds, arr = read_dx_energy(path)
    energy = _energy(ds)
    if energy not in (HIGH_ENERGY, LOW_ENERGY):
        raise DicosError(f"{path}: Image Type {list(ds.get('ImageType', []))} names no energy")
    other_ds, other = read_dx_energy(_partner(path, ds, energy))
    if other.shape != arr.shape:
        raise DicosError(f"{path}: high and low images differ in size {arr.shape} {other.shape}")
    high_ds, high, low_ds, low = (
        (ds, arr, other_ds, other) if energy == HIGH_ENERGY else (other_ds, other, ds, arr))
    return high, low, dx_metadata(high_ds, low_ds, path)


def _float(ds: Dataset, keyword: str, default: float = 0.0) -> float:
    value = ds.get(keyword)
    try:
        return float(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


def tip_marking(ds: Dataset, path: Path) -> TipMarking | None:
    """The file's TIP Image module (``station_app.dicos.tip``), errors naming the file."""
    try:
        return tip_marking_of(ds)
    except DicosError as exc:
        raise DicosError(f"{path}: {exc}") from exc


def dx_metadata(high: Dataset, low: Dataset, path: Path) -> DxMetadata:
    try:
        spacing = [float(v) for v in high.ImagerPixelSpacing]
        return DxMetadata(
            scan_id=str(high.PatientID),
            station_id=str(high.get("IssuerOfPatientID", "")),
            tracking_id=str(high.ItineraryID) if high.get("ItineraryID") else None,
            carrier=str(high.CarrierID) if high.get("CarrierID") else None,
            study_uid=str(high.StudyInstanceUID),
            series_uid=str(high.SeriesInstanceUID),
            sop_instance_uids=(str(high.SOPInstanceUID), str(low.SOPInstanceUID)),
            acquired_at=parse_dt(high.get("AcquisitionDateTime")),
            line_pitch_mm=spacing[0],
            pixel_pitch_mm=spacing[1],
            tube_kv=_float(high, "KVP"),
            tube_ma=_float(high, "XRayTubeCurrentInuA") / 1000.0,
            belt_speed_m_s=_float(high, "TableSpeed") / 1000.0,
            manufacturer=str(high.get("Manufacturer", "")),
            model=str(high.get("ManufacturerModelName", "")),
            scanner_serial=str(high.get("DeviceSerialNumber", "")),
            acquisition_status=str(high.get("AcquisitionStatus", "")),
            tip=tip_marking(high, path),
        )
    except (AttributeError, IndexError, TypeError, ValueError) as exc:
        raise DicosError(f"{path}: DX metadata incomplete ({exc})") from exc


def read_presentation(path: Path | str) -> NDArray[np.uint8]:
    """The rendered display image, uint8 (rows, cols, 3) RGB."""
    path = Path(path)
    ds = open_dataset(path, (uids.DX_FOR_PRESENTATION,))
    arr = _pixels(ds, path)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3:
        raise DicosError(f"{path}: expected RGB uint8 pixels, got {arr.dtype} {arr.shape}")
    return arr


def _pto(item: Dataset) -> tuple[Pto, list[tuple[str, str]]]:
    rep = item.PTORepresentationSequence[0]
    roi = rep.ThreatROIVoxelSequence[0]
    x, y, _ = (float(v) for v in roi.ThreatROIBase)
    w, h, _ = (float(v) for v in roi.ThreatROIExtents)
    box = BoxPx(line0=round(y), px0=round(x), line1=round(y + h), px1=round(x + w))
    a = item.ATDAssessmentSequence[0]
    refs = [(str(r.ReferencedSOPClassUID), str(r.ReferencedSOPInstanceUID))
            for r in rep.get("ReferencedInstanceSequence", [])]
    pto = Pto(
        pto_id=int(item.PotentialThreatObjectID), box=box, category=str(a.ThreatCategory),
        description=str(a.get("ThreatCategoryDescription", "")), flag=str(a.ATDAssessmentFlag),
        probability=float(a.get("ATDAssessmentProbability", -1.0)),
        ability=str(a.get("ATDAbilityAssessment", "")),
    )
    return pto, refs


def read_tdr(path: Path | str) -> TdrSummary:
    path = Path(path)
    ds = open_dataset(path, (uids.TDR,))
    try:
        threats: list[Pto] = []
        images: list[tuple[str, str]] = []
        for item in ds.get("ThreatSequence", []):
            pto, refs = _pto(item)
            threats.append(pto)
            images += [r for r in refs if r not in images]
        tdrs = tuple(str(r.ReferencedSOPInstanceUID)
                     for r in ds.get("ReferencedTDRInstanceSequence", []))
        return TdrSummary(
            path=path, tdr_type=str(ds.TDRType), alarm_decision=str(ds.AlarmDecision),
            ooi_id=str(ds.PatientID), ooi_type=str(ds.OOIType),
            study_uid=str(ds.StudyInstanceUID), sop_instance_uid=str(ds.SOPInstanceUID),
            tracking_id=str(ds.ItineraryID) if ds.get("ItineraryID") else None,
            threats=tuple(threats), referenced_images=tuple(images), referenced_tdrs=tdrs,
            operator=str(ds.OperatorsName) if ds.get("OperatorsName") else None,
            total_processing_ms=_float(ds, "TotalProcessingTime"),
            tip=tip_marking(ds, path),
        )
    except (AttributeError, IndexError, TypeError, ValueError, KeyError) as exc:
        raise DicosError(f"{path}: Threat Detection Report incomplete ({exc})") from exc
