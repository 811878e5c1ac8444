"""The composition root: one running station built from one StationConfig.

The CLI and the GUI both build a ``Station``; nothing else wires components.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from drivers.base import LabelReader, ScannerDriver
from station_app.accounts import AccountService, Permission, Principal, require
from station_app.audit import record_config_change, record_screening_change
from station_app.certificates.records import CertificateCheck
from station_app.certificates.service import build_certificate_service
from station_app.certificates.trust_keeper import TrustListKeeper, open_trust_keeper
from station_app.config import StationConfig
from station_app.detection.alarms import AlarmRules
from station_app.detection.detector import DetectorStatus, OnnxDetector
from station_app.detection.triage import Triage
from station_app.domain import BoxPx, Decision, ParcelScan, Verdict
from station_app.drivers import create_driver
from station_app.events import StationEvents
from station_app.imaging.assemble import ParcelAssembler
from station_app.imaging.calibration import CalibrationSet, Calibrator
from station_app.imaging.materials import MaterialAnalyzer, MaterialModel
from station_app.imaging.render import Renderer
from station_app.manifests.model import Manifest
from station_app.physical_checks import CheckOutcome, CheckResult, PendingCheck
from station_app.pipeline import (
    ItemDetector,
    ManifestLookup,
    ParcelProcessor,
    ParcelSink,
    Pipeline,
    TipPresenter,
)
from station_app.station_calibration import LoadedCalibration, load_calibration
from station_app.station_models import StationModels
from station_app.storage import CalibrationRepository, Database, ScanRepository, open_database
from station_app.storage.checks import CheckRepository
from station_app.storage.image_housekeeping import ImageHousekeeper
from station_app.storage.image_retention import ImageStoreStatus
from station_app.storage.manifests import ManifestRepository
from station_app.storage.station_images import station_image_store
from station_app.storage.tip import TipRepository
from station_app.storage.tip_images import TipImageStore
from station_app.supervision.parcel_loader import StoredParcelLoader
from station_app.supervision.service import SupervisionService, build_supervision_service
from station_app.tip.schedule import TipScheduler, build_tip_scheduler
from station_app.tip.scoring import TipOutcome
from station_app.tip.stage import TipStage

if TYPE_CHECKING:
    from station_app.imaging.iq_test import IqReport
    from station_app.sync.worker import SyncStatus, SyncWorker
    from station_app.technician.calibration_wizard import CalibrationWizard
    from station_app.technician.diagnostics import DetectorDiagnostics, LiveMonitor, LiveStatus
    from station_app.technician.history import ScannerHistory

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
        with ExitStack() as undo:
            # Whatever fails below, what was opened so far is closed again (newest first).
            undo.callback(self.database.close)
            self._build(config, max_parcels, undo)
            undo.pop_all()  # built: from here stop() closes what the station opened

    def _build(self, config: StationConfig, max_parcels: int | None, undo: ExitStack) -> None:
        # Sign-in and account management; reads nothing until asked.
        self.accounts = AccountService(self.database, config.station_id, config.accounts)
        # Parcels stored as DICOS (docs/dicos.md); the driver's facts are read per write.
        self.images = station_image_store(config, lambda: self.driver.info)
        # Operator reports after decisions, retention under the disk budget.
        self.image_housekeeper = ImageHousekeeper(self.database, self.images, config)
        self.events.decision_recorded.connect(self.image_housekeeper.notify)
        self.scans = ScanRepository(self.database, self.images, config.station_id)
        self.driver: ScannerDriver = create_driver(config.driver.name, config.driver.options)
        self.driver.open()
        undo.callback(self.driver.close)
        self.calibration: LoadedCalibration = load_calibration(
            config, self.database, self.driver.info
        )
        # After calibration: a station that cannot calibrate never pays the model's load.
        # The model store's active release (rolled back if it does not load), else the
        # configured/shipped model; replaced later by activate_model.
        self.models = StationModels.start(config, self.database)
        self.detector, self._detector_status = self.models.detector, self.models.status
        # e-COO trust list kept from central (None without a central key configured)
        self.trust: TrustListKeeper | None = open_trust_keeper(config)
        # e-COO checks: offline against the list in force (read at each check, so an
        # update counts at once), verification URLs through central's relay
        self.certificates = build_certificate_service(
            config,
            self.database,
            self.scans,
            lambda: None if self.trust is None else self.trust.current,
        )
        undo.callback(self.certificates.close)
        # Threat image projection: responses are kept per presentation (docs/tip.md).
        self.tips = TipRepository(self.database, config.station_id)
        # What opening flagged parcels found (docs/guide-inspector.md, "Physical checks").
        self.checks = CheckRepository(self.database, config.station_id)
        self.tip_scheduler: TipScheduler | None = build_tip_scheduler(config.tip)
        # Supervisors: review queue, confirmations/overrides, statistics (every station
        # of the database: a centre's stations share one).
        self.supervision: SupervisionService = build_supervision_service(
            self.database,
            self.scans,
            self.images,
            config.station_id,
            config.materials,
            self.events.decision_recorded.emit,
            self.tips.responses,
        )
        # The inspector's queue brings back parcels it let go of (a long backlog).
        self._stored_parcels = StoredParcelLoader(
            self.scans,
            self.images,
            CalibrationRepository(self.database, config.station_id),
            ManifestRepository(self.database),
            config.materials,
        )
        manifests: ManifestLookup = ManifestRepository(self.database)
        on_parcel: Callable[[ParcelScan], None] | None = None
        self.sync: SyncWorker | None = None
        if config.sync.central_url:
            self.sync, manifests, on_parcel = self._build_sync(config)
            undo.callback(self.sync.close)
        self._max_parcels = max_parcels
        self._on_parcel = on_parcel
        self._manifests = manifests
        self.pipeline = self._new_pipeline()
        # Last: only a configuration that took effect (everything above built) counts.
        record_config_change(self.database, config)

    def _build_sync(
        self, config: StationConfig
    ) -> tuple[SyncWorker, ManifestLookup, Callable[[ParcelScan], None]]:
        """The sync worker (results out, manifests in) of a station that has a central."""
        # Imported here: an offline station never loads the HTTP client.
        from station_app.sync.manifests import CentralBackedManifests
        from station_app.sync.updates import SignedUpdates
        from station_app.sync.worker import SyncWorker

        updates = SignedUpdates(
            config, self.database, store=self.models.store, trust=self.trust, models=self
        )
        worker = SyncWorker(self.database, config, updates=updates)
        lookup: ManifestLookup = ManifestRepository(self.database)
        if worker.manifests is not None:
            lookup = CentralBackedManifests(ManifestRepository(self.database), worker.manifests)

        def parcel_persisted(_parcel: ParcelScan) -> None:
            worker.notify()  # its outbox row is committed: send it now, not at the next poll

        return worker, lookup, parcel_persisted

    def _new_pipeline(self) -> Pipeline:
        return build_pipeline(
            self.config,
            self.driver,
            self.calibration.detector,
            self.calibration.materials,
            calibration_id=self.calibration.detector_id,
            sink=self.scans,
            events=self.events,
            max_parcels=self._max_parcels,
            on_parcel=self._on_parcel,
            manifests=self._manifests,
            item_detector=self.models.detector,
            tip=None
            if self.tip_scheduler is None
            else TipStage(
                self.tip_scheduler,
                self.calibration.detector,
                self.tips,
                # TIP images as DICOS, on this station only (docs/tip.md)
                TipImageStore(self.images, self.tips, keep_days=self.config.tip.keep_images_days),
            ),
        )

    @property
    def screening(self) -> bool:
        """Parcels are being screened (the pipeline runs)."""
        return self.pipeline.running

    def pause_screening(self, principal: Principal | None) -> None:
        """Stop screening so a technician can calibrate or test ("calibrate" permission).

        The belt and X-rays go off, the pipeline ends (parcels already in the database
        stay queued for inspectors) and the scanner is opened again for the technician.
        """
        operator = require(principal, Permission.CALIBRATE)
        if not self.pipeline.running:
            return
        try:
            self.driver.belt_stop()
            self.driver.xray_off()
        except Exception:  # the link may be gone; the pipeline must still stop
            log.exception("could not stop the scanner cleanly")
        self.pipeline.stop()  # closes the driver: that ends a lines() waiting for the belt
        self.driver.open()
        record_screening_change(self.database, self.config.station_id, operator.username, False)

    def resume_screening(self, principal: Principal | None) -> None:
        """Screen again, with the newest accepted calibration ("calibrate" permission)."""
        operator = require(principal, Permission.CALIBRATE)
        if self.pipeline.running:
            return
        # A calibration the technician accepted meanwhile takes effect now.
        self.calibration = load_calibration(self.config, self.database, self.driver.info)
        self.pipeline = self._new_pipeline()
        self.driver.xray_on()
        self.driver.belt_start()
        self.pipeline.start()
        record_screening_change(self.database, self.config.station_id, operator.username, True)

    def start(self) -> None:
        self.driver.xray_on()
        self.driver.belt_start()
        self.pipeline.start()
        self.image_housekeeper.start()  # first: reports a crash left unwritten
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
        self.certificates.close()  # a check in flight ends within the online timeout
        if not self.image_housekeeper.stop(self.config.sync.stop_timeout_s):
            log.warning("image housekeeping did not stop in time")
        self.database.close()

    def sync_status(self) -> SyncStatus | None:
        """The sync worker's status; None when the station is offline by configuration."""
        return None if self.sync is None else self.sync.status()

    def image_store_status(self) -> ImageStoreStatus:
        """Image disk use against the budget, with a message when it needs attention."""
        return self.image_housekeeper.status()

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

    def current_model_release(self) -> str | None:
        """Release id (sha256 of model.json) of the running detector model, for central."""
        return self.models.current_release()

    def activate_model(self, model_dir: Path) -> DetectorStatus:
        """Run the model in ``model_dir`` (a folder of the model store) from the next
        parcel on, and at every start after this one (docs/updates.md). It is loaded
        and warmed up first: ``ModelRejectedError`` and the running model stays."""

        def use(detector: OnnxDetector) -> None:
            self.detector = detector
            self._detector_status = detector.status()
            self.pipeline.set_item_detector(detector)

        self.models.activate(model_dir, use)
        return self._detector_status

    def item_label(self, class_name: str, language: str | None = None) -> str:
        """A detector class in ``language`` (the signed-in user's; default ``gui.language``)."""
        if self.detector is None:
            return class_name.replace("_", " ")
        return self.detector.card.label(class_name, language or self.config.gui.language)

    def stored_parcel(self, principal: Principal | None, scan_id: str) -> ParcelScan:
        """A stored scan as the inspector saw it ("inspect" permission): raw counts from
        the image store (sha256-checked), materials recomputed with its own
        calibration, its stored findings. ``StorageError`` when it cannot be had."""
        require(principal, Permission.INSPECT)
        return self._stored_parcels.load(scan_id)

    def manifest_for(self, tracking_id: str) -> Manifest | None:
        """The manifest stored in the station database (never asks central: the GUI
        calls this on its own thread, which must not wait for the network)."""
        return ManifestRepository(self.database).manifest_for(tracking_id)

    def verify_certificate(self, text: str, scan_id: str | None = None) -> CertificateCheck:
        """Verify an e-COO barcode text (offline if signed, through central if a URL),
        cross-check it with the parcel and store it. Blocks up to the online timeout:
        the GUI uses ``submit_certificate``."""
        return self.certificates.check_text(text, scan_id=scan_id)

    def submit_certificate(
        self, source: str | Path, scan_id: str | None
    ) -> Future[tuple[CertificateCheck, ...]]:
        """Check handheld-scanner text (str) or a document-camera image file (Path) on
        the certificate worker thread; the Future holds the checks or the input error."""
        return self.certificates.submit(source, scan_id=scan_id)

    def certificate_checks(self, scan_id: str) -> tuple[CertificateCheck, ...]:
        """The certificate checks stored for a scan, oldest first (reads the database)."""
        return self.certificates.checks_for(scan_id)

    def record_decision(
        self,
        scan_id: str,
        verdict: Verdict,
        principal: Principal,
        comment: str = "",
        decision_time_ms: float | None = None,
        marks: tuple[BoxPx, ...] = (),
    ) -> Decision:
        """Store the decision of ``principal``, who must hold the "decide" permission
        (``PermissionDeniedError`` otherwise); its audit entry names them and is written
        in the same transaction. ``marks``: where the inspector pointed on the image."""
        require(principal, Permission.DECIDE)
        decision = Decision(
            scan_id=scan_id,
            verdict=verdict,
            operator=principal.username,
            decided_at=datetime.now(UTC),
            comment=comment,
            decision_time_ms=decision_time_ms,
            marks=marks,
        )
        self.scans.record_decision(decision)
        self.events.decision_recorded.emit(decision)
        return decision

    # -- physical checks at the opening table (station_app.physical_checks) --------

    def record_check(
        self,
        principal: Principal | None,
        scan_id: str,
        decision_id: int,
        outcome: CheckOutcome,
        note: str = "",
        *,
        corrects_check_id: int | None = None,
    ) -> CheckResult:
        """Record what opening a flagged parcel found ("record_check" permission); a
        correction of an earlier result (``corrects_check_id``) needs "override" too.
        ``CheckError`` when the rules refuse it; its audit entry and its event for
        central are written in the same transaction."""
        officer = require(principal, Permission.RECORD_CHECK)
        if corrects_check_id is not None:
            require(officer, Permission.OVERRIDE)  # a supervisor's correction only
        result = self.checks.record(
            CheckResult(
                scan_id=scan_id,
                decision_id=decision_id,
                outcome=outcome,
                note=note,
                operator=officer.username,
                checked_at=datetime.now(UTC),
                corrects_check_id=corrects_check_id,
            )
        )
        if self.sync is not None:
            self.sync.notify()  # its outbox row is committed: central learns it now
        return result

    def pending_checks(
        self, principal: Principal | None, since: datetime | None = None
    ) -> list[PendingCheck]:
        """This station's flagged parcels (scanned since ``since``) still waiting for a
        check result, oldest decision first ("record_check" permission)."""
        require(principal, Permission.RECORD_CHECK)
        return self.checks.pending(start=since)

    def recent_checks(self, principal: Principal | None, since: datetime) -> list[CheckResult]:
        """This station's results recorded since ``since``, newest first: what a
        supervisor may correct ("record_check" and "override" permissions)."""
        require(require(principal, Permission.RECORD_CHECK), Permission.OVERRIDE)
        return self.checks.recent_results(since)

    # -- threat image projection (station_app.tip, docs/tip.md) ----------------------

    def record_tip_response(
        self,
        principal: Principal | None,
        presentation_id: int,
        verdict: Verdict,
        response_time_ms: float | None,
        marks: tuple[BoxPx, ...] = (),
    ) -> TipOutcome:
        """Score and keep an inspector's response to a TIP image ("decide" permission);
        never a decision on the real parcel, never sent as a result. ``marks``: where
        the inspector pointed (scored against the item, ``tip.scoring``)."""
        inspector = require(principal, Permission.DECIDE)
        return self.tips.record_response(
            presentation_id, inspector.username, verdict, response_time_ms, marks,
            hit_needs_mark=self.config.tip.hit_needs_mark,
        )

    # -- technician workspace (station_app.technician, docs/technician.md) ----------

    def _idle_scanner(self, principal: Principal | None, permission: Permission) -> ScannerDriver:
        """The driver, for a technician's own scans: only while no parcels are screened."""
        require(principal, permission)
        if self.pipeline.running:
            from station_app.errors import StationError

            raise StationError(
                "the station is screening parcels: stop it before calibrating or testing"
            )
        return self.driver

    def calibration_wizard(self, principal: Principal | None) -> CalibrationWizard:
        """A new calibration attempt of this station's scanner ("calibrate" permission)."""
        from station_app.technician.calibration_wizard import CalibrationWizard

        driver = self._idle_scanner(principal, Permission.CALIBRATE)
        return CalibrationWizard(self.config, driver, self.database)

    def run_image_quality_test(
        self, principal: Principal | None, prompt: Callable[[str], None] = lambda _m: None
    ) -> tuple[IqReport, str]:
        """Scan and score the IQ test piece with the newest stored calibration, store
        the run (audited); returns the report and the stored run's id."""
        from station_app.storage.image_quality import ImageQualityRepository
        from station_app.technician.image_quality import run_iq_test

        driver = self._idle_scanner(principal, Permission.CALIBRATE)
        assert principal is not None  # _idle_scanner refused None
        loaded = load_calibration(self.config, self.database, driver.info)
        report = run_iq_test(self.config, driver, loaded.detector, loaded.materials,
                             prompt=prompt)
        run_id = ImageQualityRepository(self.database, self.config.station_id).save(
            report, operator=principal.username, calibration_id=loaded.detector_id
        )
        return report, run_id

    def scanner_history(self, principal: Principal | None, limit: int = 50) -> ScannerHistory:
        """Calibrations and IQ runs of this station's scanner, oldest first."""
        from station_app.technician.history import load_history

        require(principal, Permission.DIAGNOSTICS)
        return load_history(self.database, self.config.station_id, self.driver.info.serial,
                            limit=limit)

    def detector_diagnostics(self, principal: Principal | None) -> DetectorDiagnostics:
        """Per-pixel maps and bad pixels of the newest stored calibration."""
        from station_app.imaging.calibration import CalibrationError
        from station_app.technician.diagnostics import detector_diagnostics

        require(principal, Permission.DIAGNOSTICS)
        serial = self.driver.info.serial
        # The newest one even when stale: diagnostics is where a technician looks then.
        record = CalibrationRepository(self.database, self.config.station_id).latest(
            "detector", serial
        )
        if record is None:
            raise CalibrationError(f"no calibration for scanner {serial}")
        return detector_diagnostics(
            CalibrationSet.from_bytes(record.payload), self.config.calibration
        )

    def live_scanner_status(self, principal: Principal | None) -> LiveStatus:
        """Tube, interlocks, line counters and link statistics, polled now."""
        from station_app.technician.diagnostics import LiveMonitor

        require(principal, Permission.DIAGNOSTICS)
        monitor: LiveMonitor | None = getattr(self, "_live_monitor", None)
        if monitor is None:
            monitor = LiveMonitor(self.driver)
            self._live_monitor = monitor
        return monitor.poll()


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
    tip: TipPresenter | None = None,
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
        tip=tip,
    )
