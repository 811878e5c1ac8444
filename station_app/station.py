"""The composition root: one running station built from one StationConfig.

The CLI and the GUI both build a ``Station``; nothing else wires components.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from drivers.base import LabelReader, ScannerDriver
from station_app.audit import record_config_change
from station_app.config import StationConfig
from station_app.detection.alarms import AlarmRules
from station_app.detection.detector import DetectorStatus, load_detector
from station_app.detection.triage import Triage
from station_app.domain import Decision, ParcelScan, Verdict
from station_app.drivers import create_driver
from station_app.events import StationEvents
from station_app.imaging.assemble import ParcelAssembler
from station_app.imaging.calibration import CalibrationSet, Calibrator
from station_app.imaging.materials import MaterialAnalyzer, MaterialModel
from station_app.imaging.render import Renderer
from station_app.manifests.model import Manifest
from station_app.pipeline import (
    ItemDetector,
    ManifestLookup,
    ParcelProcessor,
    ParcelSink,
    Pipeline,
)
from station_app.station_calibration import LoadedCalibration, load_calibration
from station_app.storage import Database, ImageStore, ScanRepository, open_database
from station_app.storage.manifests import ManifestRepository

if TYPE_CHECKING:
    from station_app.sync.worker import SyncStatus, SyncWorker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StationStatus:
    """What the status bar shows; cheap to build, safe from any thread."""

    driver_name: str
    scanner_state: str  # "running", "stopped", "fault: ..."
    xray_on: bool
    belt_running: bool
    belt_speed_m_s: float
    calibration_age_h: float | None
    queue_depth: int  # parcels processed but not yet decided
    parcels_processed: int
    parcels_failed: int
    last_error: str | None


class Station:
    """Database, driver, calibration and pipeline of one workstation."""

    def __init__(self, config: StationConfig, *, max_parcels: int | None = None) -> None:
        self.config = config
        self.events = StationEvents()
        self.renderer = Renderer(config.materials)
        self.database: Database = open_database(config.resolved_database_url)
        try:
            self.images = ImageStore(config.image_dir)
            self.scans = ScanRepository(self.database, self.images, config.station_id)
            self.driver: ScannerDriver = create_driver(config.driver.name, config.driver.options)
            self.driver.open()
        except Exception:
            self.database.close()
            raise
        try:
            self.calibration: LoadedCalibration = load_calibration(
                config, self.database, self.driver.info
            )
        except Exception:
            self.driver.close()
            self.database.close()
            raise
        # after calibration: a station that cannot calibrate never pays the model's load
        self.detector, self._detector_status = load_detector(config.detector)
        manifests: ManifestLookup = ManifestRepository(self.database)
        on_parcel: Callable[[ParcelScan], None] | None = None
        self.sync: SyncWorker | None = None
        if config.sync.central_url:
            try:
                manifests, on_parcel = self._build_sync(config)
            except Exception:
                self.driver.close()
                self.database.close()
                raise
        self.pipeline = build_pipeline(
            config,
            self.driver,
            self.calibration.detector,
            self.calibration.materials,
            calibration_id=self.calibration.detector_id,
            sink=self.scans,
            events=self.events,
            max_parcels=max_parcels,
            on_parcel=on_parcel,
            manifests=manifests,
            item_detector=self.detector,
        )
        try:
            # Last: only a configuration that took effect (everything above built) counts.
            record_config_change(self.database, config)
        except Exception:
            self.driver.close()
            self.database.close()
            raise

    def _build_sync(
        self, config: StationConfig
    ) -> tuple[ManifestLookup, Callable[[ParcelScan], None]]:
        """The sync worker (results out, manifests in) of a station that has a central."""
        # Imported here: an offline station never loads the HTTP client.
        from station_app.sync.manifests import CentralBackedManifests
        from station_app.sync.worker import SyncWorker

        worker = SyncWorker(self.database, config)
        self.sync = worker
        lookup: ManifestLookup = ManifestRepository(self.database)
        if worker.manifests is not None:
            lookup = CentralBackedManifests(ManifestRepository(self.database), worker.manifests)

        def parcel_persisted(_parcel: ParcelScan) -> None:
            worker.notify()  # its outbox row is committed: send it now, not at the next poll

        return lookup, parcel_persisted

    def start(self) -> None:
        self.driver.xray_on()
        self.driver.belt_start()
        self.pipeline.start()
        if self.sync is not None:
            self.sync.start()

    def stop(self) -> None:
        if self.pipeline.running:
            try:
                self.driver.belt_stop()
                self.driver.xray_off()
            except Exception:  # the link may be gone; stopping must still finish
                log.exception("could not stop the scanner cleanly")
        self.pipeline.stop()
        # Bounded: an HTTP call in flight ends within the client timeouts.
        if self.sync is not None and not self.sync.stop(self.config.sync.stop_timeout_s):
            log.warning("sync worker did not stop in time; unsent rows stay queued")
        self.database.close()

    def sync_status(self) -> SyncStatus | None:
        """The sync worker's status; None when the station is offline by configuration."""
        return None if self.sync is None else self.sync.status()

    def status(self) -> StationStatus:
        scanner = self.driver.status()
        counters = self.pipeline.counters
        if scanner.faults:
            state = "fault: " + "; ".join(scanner.faults)
        elif self.pipeline.running:
            state = "running"
        else:
            state = "stopped"
        return StationStatus(
            driver_name=self.config.driver.name,
            scanner_state=state,
            xray_on=scanner.xray_on,
            belt_running=scanner.belt_running,
            belt_speed_m_s=scanner.belt_speed_m_s,
            calibration_age_h=self.calibration.age_hours(datetime.now(UTC)),
            queue_depth=self.scans.count_undecided(),
            parcels_processed=counters.parcels_processed,
            parcels_failed=counters.parcels_failed,
            last_error=counters.last_error,
        )

    def detector_status(self) -> DetectorStatus:
        """Model, provider and any warning, for the status bar."""
        return self._detector_status

    def item_label(self, class_name: str) -> str:
        """A detector class in the user's language (the GUI's ``gui.language``)."""
        if self.detector is None:
            return class_name.replace("_", " ")
        return self.detector.card.label(class_name, self.config.gui.language)

    def manifest_for(self, tracking_id: str) -> Manifest | None:
        """The manifest stored in the station database (never asks central: the GUI
        calls this on its own thread, which must not wait for the network)."""
        return ManifestRepository(self.database).manifest_for(tracking_id)

    def record_decision(
        self,
        scan_id: str,
        verdict: Verdict,
        operator: str,
        comment: str = "",
        decision_time_ms: float | None = None,
    ) -> Decision:
        """Store the inspector's decision; its audit entry is written in the same transaction."""
        decision = Decision(
            scan_id=scan_id,
            verdict=verdict,
            operator=operator,
            decided_at=datetime.now(UTC),
            comment=comment,
            decision_time_ms=decision_time_ms,
        )
        self.scans.record_decision(decision)
        self.events.decision_recorded.emit(decision)
        return decision


def build_station(config: StationConfig, *, max_parcels: int | None = None) -> Station:
    return Station(config, max_parcels=max_parcels)


def build_pipeline(
    config: StationConfig,
    driver: ScannerDriver,
    detector: CalibrationSet,
    materials: MaterialModel,
    *,
    calibration_id: str,
    sink: ParcelSink,
    events: StationEvents,
    max_parcels: int | None = None,
    on_parcel: Callable[[ParcelScan], None] | None = None,
    manifests: ManifestLookup | None = None,
    item_detector: ItemDetector | None = None,
) -> Pipeline:
    """Wire assembler, processor and sink around an opened driver."""
    info = driver.info
    assembler = ParcelAssembler.for_scanner(
        config.assembly, detector, info, label_reader_offset_mm=config.driver.label_reader_offset_mm
    )
    processor = ParcelProcessor(
        MaterialAnalyzer(Calibrator(detector), materials, config.materials),
        AlarmRules(config.alarms, config.materials),
        Triage(config.triage),
        calibration_id=calibration_id,
        manifests=manifests,
        matching=config.manifests,
        detector=item_detector,
    )
    return Pipeline(
        driver,
        assembler,
        processor,
        sink,
        events,
        label_reader=driver if isinstance(driver, LabelReader) else None,
        max_parcels=max_parcels,
        on_parcel=on_parcel,
    )
