"""A stored scan back as a displayable ``ParcelScan`` (for review, long after the belt).

The raw counts come from the image store (sha256-checked), the material image
is recomputed with the scan's own detector calibration and the materials model
fitted on it, and the findings (alarms, detections, triage, discrepancies)
are the stored ones: a supervisor sees what the inspector saw, not what
today's model would say.
"""

from __future__ import annotations

from station_app.config import MaterialsConfig
from station_app.domain import ParcelScan, RawScan
from station_app.imaging.calibration import CalibrationSet, Calibrator
from station_app.imaging.materials import MaterialAnalyzer, MaterialModel
from station_app.storage import CalibrationRepository, ImageStore, ScanRepository
from station_app.storage.db import StorageError
from station_app.storage.manifests import ManifestRepository

_MATERIALS_SEARCH = 200  # materials calibrations looked through for the one fitted on a detector


class StoredParcelLoader:
    def __init__(
        self,
        scans: ScanRepository,
        images: ImageStore,
        calibrations: CalibrationRepository,
        manifests: ManifestRepository,
        materials_config: MaterialsConfig,
    ) -> None:
        self._scans = scans
        self._images = images
        self._calibrations = calibrations
        self._manifests = manifests
        self._materials_config = materials_config

    def _calibration(self, calibration_id: str | None, serial: str
                     ) -> tuple[CalibrationSet, MaterialModel]:
        if calibration_id is None:
            raise StorageError("the scan was stored without a calibration: no image to show")
        record = self._calibrations.get(calibration_id)
        if record is None:
            raise StorageError(f"calibration {calibration_id} of the scan is not in the database")
        detector = CalibrationSet.from_bytes(record.payload)
        for candidate in self._calibrations.history(serial, limit=_MATERIALS_SEARCH):
            if candidate.kind != "materials":
                continue
            model = MaterialModel.from_bytes(candidate.payload)
            if model.calibration_id == detector.calibration_id:
                return detector, model
        raise StorageError(f"no materials model fitted on calibration {calibration_id}")

    def load(self, scan_id: str) -> ParcelScan:
        record = self._scans.get_scan(scan_id)
        if record is None:
            raise StorageError(f"no scan {scan_id!r} in the database")
        high, low, metadata = self._images.read(record.image_path, record.image_sha256)
        detector, materials = self._calibration(record.calibration_id, record.scanner_serial)
        # Both image formats record the pitches; the stored length is the fallback.
        line_pitch_mm = float(
            metadata.get("line_pitch_mm") or record.length_mm / max(record.lines, 1)
        )
        raw = RawScan(
            scan_id=record.scan_id,
            scanner_serial=record.scanner_serial,
            first_line_index=0,
            high_counts=high,
            low_counts=low,
            started_ns=0,
            ended_ns=0,
            line_pitch_mm=line_pitch_mm,
            pixel_pitch_mm=float(metadata.get("pixel_pitch_mm") or line_pitch_mm),
            tracking_id=record.tracking_id,
            flags=record.flags,
        )
        analyzer = MaterialAnalyzer(Calibrator(detector), materials, self._materials_config)
        return ParcelScan(
            raw=raw,
            image=analyzer.process(raw),
            alarms=record.alarms,
            detections=record.detections,
            triage=record.triage,
            timings_ms=record.timings_ms,
            calibration_id=detector.calibration_id,
            discrepancies=self._manifests.discrepancies(scan_id),
        )
