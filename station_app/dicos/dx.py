"""DICOS Digital X-Ray (DX) images of a parcel.

Dual energy in DICOS DX: a DX image holds one 2D frame, and Image Type
(0008,0008) value 2 carries the OOI Image Characteristics ("HIGH ENERGY",
"LOW ENERGY", "MULTI ENERGY", "INTENSITY", "Z_EFFECTIVE", ... — spelled as the
Stratovan reference toolkit writes them). A dual-energy line scan is therefore
two DX For Processing instances in one series, one per energy, with the same
geometry; the rendered colour image is a DX For Presentation instance
("DERIVED\\MULTI ENERGY": it is computed from both energies).

Geometry: image rows are detector lines (belt direction), columns are detector
pixels across the belt, exactly as ``RawScan`` arrays. So a ``BoxPx`` is a
pixel rectangle of every image of the parcel (x = column, y = row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset

from station_app.dicos import uids
from station_app.dicos.common import DicosError, DicosSource, WrittenFile, base_dataset, save
from station_app.domain import RawScan

HIGH_ENERGY = "HIGH ENERGY"
LOW_ENERGY = "LOW ENERGY"
MULTI_ENERGY = "MULTI ENERGY"
# Modality the Stratovan DICOS toolkit writes for DX objects.
DX_MODALITY = "XRAY"


def _geometry(ds: Dataset, line_pitch_mm: float, pixel_pitch_mm: float) -> None:
    # Row spacing first (DICOM order), i.e. belt travel per line, then pixel pitch.
    spacing = [f"{line_pitch_mm:.6g}", f"{pixel_pitch_mm:.6g}"]
    ds.ImagerPixelSpacing = spacing
    ds.PixelSpacing = spacing
    ds.ImagePositionPatient = [0, 0, 0]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacingCalibrationDescription = "nominal belt speed / line rate and detector pitch"
    # DICOS Image Common attributes. (0008,2108) is not in pydicom's dictionary and
    # DICOS reuses (0008,0118) (DICOM: Mapping Resource UID) as CS, so both are
    # written with an explicit VR. LHS and MACHINE are what the reference toolkit writes.
    ds.add(DataElement(0x00082108, "CS", "LHS"))  # Coordinate System
    ds.add(DataElement(0x00080118, "CS", "MACHINE"))  # Image Origin
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"


def _acquisition(ds: Dataset, source: DicosSource, duration_s: float, when: datetime) -> None:
    ds.AcquisitionDateTime = when.strftime("%Y%m%d%H%M%S.%f")
    ds.AcquisitionDuration = float(duration_s)  # FD, seconds
    ds.KVP = f"{source.tube_kv:.6g}"
    ds.XRayTubeCurrentInuA = f"{source.tube_ma * 1000.0:.6g}"
    ds.TableSpeed = float(source.belt_speed_m_s * 1000.0)  # FD, mm/s: the belt is the table
    ds.DetectorType = "SCINTILLATOR"
    if source.detector_layout:
        ds.DetectorDescription = f"dual-energy line detector, layout {source.detector_layout}"
    ds.BeltHeight = 0.0
    ds.AcquisitionContextSequence = []
    # Effective Energy (keV) of the image: a line scanner does not measure it, and
    # DICOS requires the attribute, so 0 means "not known" (the toolkit's default).
    ds.add(DataElement(0x43000902, "FL", 0.0))
    ds.AcquisitionStatus = "SUCCESSFUL"


def processing_dataset(
    counts: NDArray[np.uint16],
    energy: str,
    *,
    sop_uid: str,
    study_uid: str,
    series_uid: str,
    scan_id: str,
    tracking_id: str | None,
    source: DicosSource,
    when: datetime,
    duration_s: float,
    line_pitch_mm: float,
    pixel_pitch_mm: float,
    incomplete: bool,
) -> Dataset:
    """DX For Processing: raw detector counts of one energy, unchanged (uint16)."""
    if counts.dtype != np.uint16 or counts.ndim != 2:
        raise DicosError(f"raw counts must be a 2D uint16 array, got {counts.dtype} {counts.shape}")
    ds = base_dataset(
        uids.DX_FOR_PROCESSING, sop_uid, study_uid=study_uid, series_uid=series_uid,
        scan_id=scan_id, source=source, tracking_id=tracking_id, when=when,
        modality=DX_MODALITY, instance_number=1 if energy == HIGH_ENERGY else 2, series_number=1,
    )
    ds.ImageType = ["ORIGINAL", energy]
    ds.PresentationIntentType = "FOR PROCESSING"
    _acquisition(ds, source, duration_s, when)
    if incomplete:
        ds.AcquisitionStatus = "INCOMPLETE"  # e.g. cut at the maximum parcel length
    _geometry(ds, line_pitch_mm, pixel_pitch_mm)
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = int(counts.shape[0]), int(counts.shape[1])
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 0
    # Counts grow with transmitted intensity: linear, brighter = more X-rays.
    ds.PixelIntensityRelationship = "LIN"
    ds.PixelIntensityRelationshipSign = 1
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = "0", "1", "US"
    ds.PresentationLUTShape = "IDENTITY"
    ds.PixelData = np.ascontiguousarray(counts, dtype="<u2").tobytes()
    ds["PixelData"].VR = "OW"
    return ds


def presentation_dataset(
    rgba: NDArray[np.uint8],
    *,
    sop_uid: str,
    study_uid: str,
    series_uid: str,
    scan_id: str,
    tracking_id: str | None,
    source: DicosSource,
    when: datetime,
    duration_s: float,
    line_pitch_mm: float,
    pixel_pitch_mm: float,
) -> Dataset:
    """DX For Presentation: the operator's colour image as 8-bit RGB (alpha dropped)."""
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] not in (3, 4):
        raise DicosError(f"rendered image must be uint8 (rows, cols, 3|4), got {rgba.dtype} "
                         f"{rgba.shape}")
    ds = base_dataset(
        uids.DX_FOR_PRESENTATION, sop_uid, study_uid=study_uid, series_uid=series_uid,
        scan_id=scan_id, source=source, tracking_id=tracking_id, when=when,
        modality=DX_MODALITY, instance_number=1, series_number=2,
    )
    ds.ImageType = ["DERIVED", MULTI_ENERGY]
    ds.PresentationIntentType = "FOR PRESENTATION"
    _acquisition(ds, source, duration_s, when)
    _geometry(ds, line_pitch_mm, pixel_pitch_mm)
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.PlanarConfiguration = 0  # R G B interleaved per pixel, as the renderer produces it
    ds.Rows, ds.Columns = int(rgba.shape[0]), int(rgba.shape[1])
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelRepresentation = 0
    ds.PixelIntensityRelationship = "LIN"
    ds.PixelIntensityRelationshipSign = 1
    # DICOS requires a modality and VOI LUT even on colour images: identity ones.
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = "0", "1", "US"
    ds.WindowCenter, ds.WindowWidth = "128", "256"
    ds.PixelData = np.ascontiguousarray(rgba[:, :, :3]).tobytes()
    ds["PixelData"].VR = "OB"
    return ds


@dataclass(frozen=True)
class DxFiles:
    """The three images of one parcel: one Study (DICOS Scan), one Frame of Reference."""

    study_uid: str
    frame_of_reference_uid: str
    high: WrittenFile
    low: WrittenFile
    display: WrittenFile

    @property
    def referenced(self) -> list[tuple[str, str]]:
        """(SOP Class, SOP Instance) of display, low and high: what a TDR's PTOs lie on."""
        return [(f.sop_class_uid, f.sop_instance_uid) for f in (self.display, self.low, self.high)]


def write_dx_files(
    raw: RawScan,
    rendered_rgba: NDArray[np.uint8],
    directory: Path,
    *,
    stem: str,
    uid_key: tuple[str, ...],
    source: DicosSource,
    when: datetime,
    module: Callable[[Dataset], None] | None = None,
) -> DxFiles:
    """Write ``<stem>_dx_high/low/display.dcs``; UIDs are derived from ``uid_key``.

    ``module`` adds attributes to each of the three datasets before it is saved
    (the TIP Image module of a TIP image, ``station_app.dicos.tip``).
    """
    if rendered_rgba.shape[:2] != raw.shape:
        raise DicosError(f"rendered image {rendered_rgba.shape[:2]} does not match the scan "
                         f"{raw.shape}: PTO coordinates would not fit both")
    directory.mkdir(parents=True, exist_ok=True)
    study = uids.derived_uid(*uid_key, "study")
    frame = uids.derived_uid(*uid_key, "frame")
    dx_series = uids.derived_uid(*uid_key, "series", "dx")
    common = {
        "study_uid": study, "scan_id": raw.scan_id, "tracking_id": raw.tracking_id,
        "source": source, "when": when,
        "duration_s": max(0.0, (raw.ended_ns - raw.started_ns) / 1e9),
        "line_pitch_mm": raw.line_pitch_mm, "pixel_pitch_mm": raw.pixel_pitch_mm,
    }
    incomplete = bool(raw.flags & {"incomplete", "cut_at_max_length"})
    datasets: list[tuple[Dataset, str]] = []
    for counts, energy, name in ((raw.high_counts, HIGH_ENERGY, "high"),
                                 (raw.low_counts, LOW_ENERGY, "low")):
        ds = processing_dataset(
            counts, energy, sop_uid=uids.derived_uid(*uid_key, "dx", name), series_uid=dx_series,
            incomplete=incomplete, **common)  # type: ignore[arg-type]
        datasets.append((ds, f"{stem}_dx_{name}.dcs"))
    ds = presentation_dataset(
        rendered_rgba, sop_uid=uids.derived_uid(*uid_key, "dx", "display"),
        series_uid=uids.derived_uid(*uid_key, "series", "display"),
        **common)  # type: ignore[arg-type]
    datasets.append((ds, f"{stem}_dx_display.dcs"))
    written: list[WrittenFile] = []
    for ds, name in datasets:
        # One Frame of Reference for all images of the parcel: PTO pixel coordinates
        # hold on each of them.
        ds.FrameOfReferenceUID = frame
        ds.PositionReferenceIndicator = ""
        if module is not None:
            module(ds)
        written.append(save(ds, directory / name))
    return DxFiles(study, frame, written[0], written[1], written[2])
