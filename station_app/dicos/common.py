"""Attributes every DICOS object of a parcel shares, and the error type of the package.

DICOS (NEMA IIC 1 v3) reuses DICOM's Patient/Study/Series/Equipment modules
under other names: the Object of Inspection (OOI) lives in the Patient module
tags (OOI ID = Patient ID, OOI ID Type = Type of Patient ID), a Scan is a DICOM
Study, and DICOS adds its own tags in group 0x4010 (OOI Type, Itinerary, TDR).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID, ExplicitVRLittleEndian

import station_app
from drivers.base import ScannerInfo
from station_app.atomic_files import fsync_dir
from station_app.dicos import uids
from station_app.errors import StationError

DICOS_VERSION = "V03"
# DICOS has no parcel or mail OOI type; its defined terms are BAGGAGE, CARGO,
# PERSON, ANIMAL, BIOSAMPLE and OTHER. A postal parcel is inspected like checked
# baggage (conveyor, same threat categories), so BAGGAGE is the closest term.
OOI_TYPE = "BAGGAGE"
# What a tracking number is, in the Itinerary ID Type attribute (SH).
# Defined terms CARRIER / AGENT (who issued the id): a tracking number is the carrier's.
ITINERARY_ID_TYPE = "CARRIER"


class DicosError(StationError):
    """A DICOS file could not be written or read (names the file and the reason)."""


@dataclass(frozen=True)
class DicosSource:
    """Who produced the files: station, scanner and carrier facts that are not in a ParcelScan.

    ``acquired_at`` is the wall-clock time of the scan (RawScan only has
    monotonic nanoseconds, which mean nothing outside the station process).
    """

    station_id: str
    manufacturer: str = "unknown"
    model: str = "unknown"
    scanner_serial: str = "unknown"
    software_version: str = "unknown"
    tube_kv: float = 0.0
    tube_ma: float = 0.0
    belt_speed_m_s: float = 0.0
    detector_layout: str = ""  # "sandwich" / "dual_array" (drivers.base.DetectorLayout)
    institution: str = ""
    carrier: str | None = None  # Carrier ID (SH, 16 characters at most)
    route_id: str | None = None  # Route ID (SH), e.g. the sorting route of the mail item
    acquired_at: datetime | None = None
    calibrated_at: datetime | None = None  # last air/dark calibration; None: the scan time


def now_utc() -> datetime:
    return datetime.now(UTC)


def file_stem(scan_id: str) -> str:
    """A file-name-safe form of a scan id (other characters become '_')."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", scan_id).strip(".")
    if not stem:
        raise DicosError(f"scan id {scan_id!r} gives no usable file name")
    return stem


def source_from(
    station_id: str,
    scanner: ScannerInfo | None,
    *,
    carrier: str | None,
    route_id: str | None,
    institution: str,
    acquired_at: datetime | None,
    calibrated_at: datetime | None,
) -> DicosSource:
    if scanner is None:
        return DicosSource(station_id=station_id, software_version=station_app.__version__,
                           institution=institution, carrier=carrier, route_id=route_id,
                           acquired_at=acquired_at, calibrated_at=calibrated_at)
    return DicosSource(
        station_id=station_id, manufacturer=scanner.vendor, model=scanner.model,
        scanner_serial=scanner.serial,
        software_version=f"station_app {station_app.__version__}",
        tube_kv=scanner.tube_kv, tube_ma=scanner.tube_ma,
        belt_speed_m_s=scanner.belt_speed_m_s, detector_layout=str(scanner.detector_layout),
        institution=institution, carrier=carrier, route_id=route_id,
        acquired_at=acquired_at, calibrated_at=calibrated_at,
    )


def format_dt(value: datetime) -> str:
    """A DICOM DT value (no offset: the station writes UTC or the scan's own clock)."""
    return value.strftime("%Y%m%d%H%M%S.%f")


def parse_dt(value: object) -> datetime | None:
    text = str(value or "").split("+")[0].split("-")[0]
    for fmt in ("%Y%m%d%H%M%S.%f", "%Y%m%d%H%M%S"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def base_dataset(
    sop_class_uid: str,
    sop_instance_uid: str,
    *,
    study_uid: str,
    series_uid: str,
    scan_id: str,
    source: DicosSource,
    tracking_id: str | None,
    when: datetime,
    modality: str,
    instance_number: int,
    series_number: int,
) -> Dataset:
    """General/OOI/Scan/Series/Equipment/Itinerary/SOP Common attributes of one object."""
    ds = Dataset()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID(sop_class_uid)
    meta.MediaStorageSOPInstanceUID = UID(sop_instance_uid)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian  # uncompressed: any toolkit can read it
    meta.ImplementationClassUID = UID(uids.IMPLEMENTATION_CLASS_UID)
    meta.ImplementationVersionName = uids.IMPLEMENTATION_VERSION_NAME
    # DICOS puts its version in the file meta too (0002,0004), and DICOS readers
    # (the Stratovan toolkit) refuse a file without it. Not in pydicom's dictionary.
    meta.add(DataElement(0x00020004, "CS", DICOS_VERSION))
    ds.file_meta = meta

    date, time = when.strftime("%Y%m%d"), when.strftime("%H%M%S.%f")
    ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: explanations and names are free text
    ds.SOPClassUID = sop_class_uid
    ds.SOPInstanceUID = sop_instance_uid
    ds.InstanceCreationDate, ds.InstanceCreationTime = date, time
    ds.StudyDate, ds.StudyTime = date, time
    ds.SeriesDate, ds.SeriesTime = date, time
    ds.ContentDate, ds.ContentTime = date, time
    ds.Modality = modality
    ds.Manufacturer = source.manufacturer
    ds.ManufacturerModelName = source.model
    ds.DeviceSerialNumber = source.scanner_serial
    ds.SoftwareVersions = source.software_version
    ds.StationName = source.station_id[:16]
    ds.InstitutionName = source.institution
    ds.InstitutionAddress = source.institution  # DICOS "Machine Address" (Type 2)
    calibrated = source.calibrated_at or when
    ds.DateOfLastCalibration = calibrated.strftime("%Y%m%d")
    ds.TimeOfLastCalibration = calibrated.strftime("%H%M%S.%f")

    # Object of Inspection: DICOS maps it onto the Patient module tags.
    ds.PatientID = scan_id
    ds.IssuerOfPatientID = source.station_id
    ds.TypeOfPatientID = "TEXT"
    ds.PatientSex = "U"  # OOI Gender: not applicable to a parcel
    ds.OOIType = OOI_TYPE
    ds.DICOSVersion = DICOS_VERSION
    ds.ScanType = "OPERATIONAL"

    ds.StudyInstanceUID = study_uid
    ds.StudyID = scan_id[-16:]  # SH: 16 characters at most; the scan id's tail is unique
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = series_number
    ds.InstanceNumber = instance_number

    # Itinerary module: the carrier's tracking number ties the scan to the item.
    if tracking_id:
        ds.ItineraryID = tracking_id
        ds.ItineraryIDType = ITINERARY_ID_TYPE
        if source.carrier:
            ds.ItineraryIDAssigningAuthority = source.carrier
    if source.carrier:
        ds.CarrierID = source.carrier[:16]
    if source.route_id:
        ds.RouteID = source.route_id[:16]
    return ds


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    sha256: str
    sop_class_uid: str
    sop_instance_uid: str


def save(ds: Dataset, path: Path) -> WrittenFile:
    """Write ``ds`` as a DICOM Part 10 file (preamble + DICM + file meta), atomically.

    The bytes are on disk (fsync) before the rename and the rename before this
    returns: the station records the file's sha256 in its database right after,
    and a power cut must not leave a recorded file that is empty or missing.
    """
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("wb") as out:
            ds.save_as(out, enforce_file_format=True)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        fsync_dir(path.parent)
    except (OSError, ValueError, TypeError) as exc:
        tmp.unlink(missing_ok=True)
        raise DicosError(f"cannot write DICOS file {path}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise DicosError(f"cannot read back DICOS file {path}: {exc}") from exc
    return WrittenFile(path, digest, str(ds.SOPClassUID), str(ds.SOPInstanceUID))


