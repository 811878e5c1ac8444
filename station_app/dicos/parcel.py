"""Write one parcel as a set of DICOS files, and the operator's decision on it.

Per parcel (file names start with the scan id):

- ``<scan>_dx_high.dcs`` / ``<scan>_dx_low.dcs``: DX For Processing, raw counts;
- ``<scan>_dx_display.dcs``: DX For Presentation, the rendered colour image;
- ``<scan>_tdr_machine.dcs``: TDR (MACHINE), alarms and detections as PTOs;
- ``<scan>_tdr_operator.dcs``: TDR (OPERATOR), written later by ``write_operator_tdr``.

All share the Study (DICOS Scan) Instance UID and the Frame of Reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pydicom.dataset import Dataset

import station_app
from drivers.base import ScannerInfo
from station_app.dicos import dx, tdr, uids
from station_app.dicos.common import (
    DicosError,
    DicosSource,
    WrittenFile,
    file_stem,
    now_utc,
    save,
    source_from,
)
from station_app.dicos.read import open_dataset, read_tdr
from station_app.domain import Decision, ParcelScan

ALGORITHM = ("station_app rules+detector", station_app.__version__)


@dataclass(frozen=True)
class DicosFiles:
    study_uid: str
    dx_high: WrittenFile
    dx_low: WrittenFile
    dx_presentation: WrittenFile
    tdr_machine: WrittenFile

    @property
    def all(self) -> tuple[WrittenFile, ...]:
        return (self.dx_high, self.dx_low, self.dx_presentation, self.tdr_machine)

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(f.path for f in self.all)

    @property
    def sha256(self) -> dict[Path, str]:
        return {f.path: f.sha256 for f in self.all}


def write_parcel(
    parcel: ParcelScan,
    rendered_rgba: NDArray[np.uint8],
    directory: Path | str,
    *,
    station_id: str,
    scanner: ScannerInfo | None = None,
    carrier: str | None = None,
    route_id: str | None = None,
    institution: str = "",
    acquired_at: datetime | None = None,
    calibrated_at: datetime | None = None,
) -> DicosFiles:
    """Write the parcel's DX (high, low, display) and machine TDR files into ``directory``."""
    raw = parcel.raw
    directory = Path(directory)
    src = source_from(station_id, scanner, carrier=carrier, route_id=route_id,
                      institution=institution, acquired_at=acquired_at,
                      calibrated_at=calibrated_at)
    when = src.acquired_at or now_utc()
    stem = file_stem(raw.scan_id)
    key = (station_id, raw.scan_id)
    images = dx.write_dx_files(raw, rendered_rgba, directory, stem=stem, uid_key=key,
                               source=src, when=when)
    # The PTO boxes are pixel rectangles of all three images (same grid).
    machine = tdr.tdr_dataset(
        tdr_type="MACHINE", sop_uid=uids.derived_uid(*key, "tdr", "machine"),
        study_uid=images.study_uid, series_uid=uids.derived_uid(*key, "series", "tdr"),
        frame_of_reference_uid=images.frame_of_reference_uid,
        scan_id=raw.scan_id, tracking_id=raw.tracking_id, source=src, when=when,
        ptos=tdr.ptos_of(parcel), referenced=images.referenced,
        alarm_decision=tdr.machine_alarm_decision(parcel),
        processing_ms=float(sum(parcel.timings_ms.values())), algorithm=ALGORITHM,
    )
    written = save(machine, directory / f"{stem}_tdr_machine.dcs")
    return DicosFiles(images.study_uid, images.high, images.low, images.display, written)


def _operator_identification(operator: str, src: DicosSource) -> Dataset:
    """Operator Identification: the login as a code, then its encoding (DICOS CID DCS4).

    The reference toolkit requires exactly this shape: two Person Identification
    Code items, the second one saying the id is plain text (DCS 100001).
    """
    person = Dataset()
    person.CodeValue = operator[:16]
    person.CodingSchemeDesignator = (src.station_id or "STATION")[:16]
    person.CodeMeaning = operator
    encoding = Dataset()
    encoding.CodeValue = "100001"
    encoding.CodingSchemeDesignator = "DCS"
    encoding.CodeMeaning = "Text Encoding"
    encoding.ContextIdentifier = "DCS4"
    encoding.MappingResource = "DCS"
    encoding.ContextGroupVersion = "19700101000000.000000"  # the toolkit's own value
    item = Dataset()
    item.PersonIdentificationCodeSequence = [person, encoding]
    item.InstitutionName = src.institution or src.station_id or "unknown"  # Type 1 here
    return item


def write_operator_tdr(
    decision: Decision,
    machine_tdr_path: Path | str,
    directory: Path | str,
    *,
    file_name: str | None = None,
) -> Path:
    """Write the inspector's decision as an OPERATOR TDR that references the machine TDR.

    ``file_name`` defaults to ``<scan>_tdr_operator.dcs`` (a later decision replaces
    it); the station's image store names one file per decision instead, because a
    file once sent to central must never change.
    """
    machine_path = Path(machine_tdr_path)
    summary = read_tdr(machine_path)
    if summary.tdr_type != "MACHINE":
        raise DicosError(f"{machine_path}: is a {summary.tdr_type} TDR, not a MACHINE one")
    if summary.ooi_id != decision.scan_id:
        raise DicosError(f"{machine_path}: is for scan {summary.ooi_id!r}, the decision for "
                         f"{decision.scan_id!r}")
    mds = open_dataset(machine_path, (uids.TDR,))
    src = DicosSource(
        station_id=str(mds.get("IssuerOfPatientID", "")),
        manufacturer=str(mds.get("Manufacturer", "unknown")),
        model=str(mds.get("ManufacturerModelName", "unknown")),
        scanner_serial=str(mds.get("DeviceSerialNumber", "unknown")),
        software_version=str(mds.get("SoftwareVersions", "unknown")),
        institution=str(mds.get("InstitutionName", "")),
        carrier=str(mds.CarrierID) if mds.get("CarrierID") else None,
        route_id=str(mds.RouteID) if mds.get("RouteID") else None,
    )
    key = (src.station_id, decision.scan_id, "operator", decision.decided_at.isoformat())
    ds = tdr.tdr_dataset(
        tdr_type="OPERATOR", sop_uid=uids.derived_uid(*key, "tdr"), study_uid=summary.study_uid,
        series_uid=uids.derived_uid(*key, "series"),
        frame_of_reference_uid=str(mds.FrameOfReferenceUID),
        scan_id=decision.scan_id, tracking_id=summary.tracking_id, source=src,
        when=decision.decided_at, ptos=tdr.operator_ptos(summary.threats, decision),
        referenced=summary.referenced_images,
        alarm_decision=tdr.operator_alarm_decision(decision.verdict),
        processing_ms=float(decision.decision_time_ms or 0.0),
        algorithm=("operator", decision.operator),
    )
    ds.OperatorsName = decision.operator
    ds.OperatorIdentificationSequence = [_operator_identification(decision.operator, src)]
    ref = Dataset()
    ref.ReferencedSOPClassUID = uids.TDR
    ref.ReferencedSOPInstanceUID = summary.sop_instance_uid
    ds.ReferencedTDRInstanceSequence = [ref]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / (file_name or f"{file_stem(decision.scan_id)}_tdr_operator.dcs")
    return save(ds, out).path
