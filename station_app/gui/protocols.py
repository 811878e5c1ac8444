"""What the GUI needs from the core, as structural types.

Widgets take the core as a constructor parameter (pymmcore-widgets style) and
type it with these Protocols, so the GUI never imports ``station_app.station``
at module level and tests can pass the real ``Station`` or a small fake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Future
    from datetime import datetime
    from pathlib import Path

    from station_app.accounts import AccountService, Principal
    from station_app.certificates.records import CertificateCheck
    from station_app.config import StationConfig
    from station_app.detection.detector import DetectorStatus
    from station_app.domain import BoxPx, Decision, MaterialImage, ParcelScan, Verdict
    from station_app.events import StationEvents
    from station_app.imaging.iq_test import IqReport
    from station_app.imaging.render import DisplaySettings
    from station_app.manifests.model import Manifest
    from station_app.supervision.service import SupervisionService
    from station_app.technician.calibration_wizard import CalibrationWizard
    from station_app.technician.diagnostics import DetectorDiagnostics, LiveStatus
    from station_app.technician.history import ScannerHistory
    from station_app.tip.scoring import TipOutcome

RGBA8 = NDArray[np.uint8]  # (lines, pixels, 4) RGBA8888, C-contiguous


class RendererLike(Protocol):
    """``station_app.imaging.render.Renderer``."""

    def render(
        self,
        image: MaterialImage,
        settings: DisplaySettings,
        out: RGBA8 | None = None,
    ) -> RGBA8: ...


class StationStatusLike(Protocol):
    """``station_app.station.StationStatus`` (read-only attributes)."""

    @property
    def scanner_state(self) -> str: ...
    @property
    def xray_on(self) -> bool: ...
    @property
    def belt_running(self) -> bool: ...
    @property
    def belt_speed_m_s(self) -> float: ...
    @property
    def calibration_age_h(self) -> float | None: ...
    @property
    def queue_depth(self) -> int: ...
    @property
    def parcels_processed(self) -> int: ...
    @property
    def parcels_failed(self) -> int: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def driver_name(self) -> str: ...


class SyncStatusLike(Protocol):
    """``station_app.sync.worker.SyncStatus`` (read-only attributes)."""

    @property
    def state(self) -> str: ...  # "online" | "offline" | "degraded"
    @property
    def outbox_depth(self) -> int: ...
    @property
    def parked(self) -> int: ...
    @property
    def oldest_unsent_age_s(self) -> float | None: ...
    @property
    def last_success_at(self) -> datetime | None: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def last_manifest_pull_at(self) -> datetime | None: ...
    @property
    def config_waiting_version(self) -> int | None:
        """Central's settings received since start, in force after a restart."""
        ...


class TechnicianStationLike(Protocol):
    """What the technician workspace needs: ``Station``'s technician methods. Each
    checks ``principal``'s permission ("calibrate" or "diagnostics") itself."""

    @property
    def config(self) -> StationConfig: ...
    @property
    def screening(self) -> bool:
        """Parcels are being screened: the scanner is not free for technicians."""
        ...

    def pause_screening(self, principal: Principal | None) -> None: ...
    def resume_screening(self, principal: Principal | None) -> None: ...

    def calibration_wizard(self, principal: Principal | None) -> CalibrationWizard:
        """A new calibration attempt; refused while parcels are being screened."""
        ...

    def run_image_quality_test(
        self, principal: Principal | None, prompt: Callable[[str], None] = ...
    ) -> tuple[IqReport, str]:
        """Scan, score and store the IQ test piece (blocks: call it off the GUI thread)."""
        ...

    def scanner_history(self, principal: Principal | None, limit: int = 50) -> ScannerHistory: ...

    def detector_diagnostics(self, principal: Principal | None) -> DetectorDiagnostics: ...

    def live_scanner_status(self, principal: Principal | None) -> LiveStatus:
        """Cheap poll of the scanner (tube, interlocks, counters, link)."""
        ...


class StationLike(TechnicianStationLike, Protocol):
    """``station_app.station.Station``: the Qt-free core the GUI drives."""

    @property
    def config(self) -> StationConfig: ...
    @property
    def events(self) -> StationEvents: ...
    @property
    def renderer(self) -> RendererLike: ...
    @property
    def supervision(self) -> SupervisionService:
        """Review queue, reviews and statistics (each call checks the principal)."""
        ...

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def status(self) -> StationStatusLike: ...

    def sync_status(self) -> SyncStatusLike | None:
        """Sync with central (cheap, no I/O); None when no central is configured."""
        ...

    def record_decision(
        self,
        scan_id: str,
        verdict: Verdict,
        principal: Principal,
        comment: str = "",
        decision_time_ms: float | None = None,
        marks: tuple[BoxPx, ...] = (),
    ) -> Decision:
        """Refused (``PermissionDeniedError``) unless ``principal`` may decide."""
        ...

    @property
    def accounts(self) -> AccountService:
        """Sign-in and account management of the station's database."""
        ...

    def record_tip_response(
        self,
        principal: Principal | None,
        presentation_id: int,
        verdict: Verdict,
        response_time_ms: float | None,
        marks: tuple[BoxPx, ...] = (),
    ) -> TipOutcome:
        """Score and store the inspector's response to a TIP image ("decide" permission)."""
        ...

    def manifest_for(self, tracking_id: str) -> Manifest | None:
        """The stored manifest for a tracking id, or None (reads the database)."""
        ...

    def stored_parcel(self, principal: Principal | None, scan_id: str) -> ParcelScan:
        """A stored scan back as the inspector saw it ("inspect" permission)."""
        ...

    def submit_certificate(
        self, source: str | Path, scan_id: str | None
    ) -> Future[tuple[CertificateCheck, ...]]:
        """Check scanner text (str) or an image file (Path) off the GUI thread."""
        ...

    def certificate_checks(self, scan_id: str) -> tuple[CertificateCheck, ...]:
        """The certificate checks stored for a scan, oldest first (reads the database)."""
        ...

    def detector_status(self) -> DetectorStatus:
        """Model, provider and any warning; fixed while the station runs."""
        ...

    def item_label(self, class_name: str, language: str | None = None) -> str:
        """A detector class name in ``language`` (default ``config.gui.language``)."""
        ...
