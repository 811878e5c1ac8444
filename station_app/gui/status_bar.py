"""Status bar: scanner, X-ray, belt, calibration, queue, counters, detector,
last error.

Fed by ``StationAdapter.status_changed`` (polled), by error messages, and once
by the window with the detector status (fixed while the station runs); it
never asks the station anything itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from station_app.gui.protocols import StationStatusLike

if TYPE_CHECKING:
    from station_app.detection.detector import DetectorStatus

_CONTEXT = "StationStatusBar"
ERROR_SHOW_MS = 15_000


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


class StationStatusBar(QStatusBar):
    def __init__(
        self, *, calibration_max_age_h: float = 24.0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stationStatusBar")
        self.setSizeGripEnabled(False)
        self._calibration_max_age_h = calibration_max_age_h
        self._last_error_shown: str | None = None
        self.scanner_label = self._label("scannerState")
        self.xray_label = self._label("xrayState")
        self.belt_label = self._label("beltState")
        self.calibration_label = self._label("calibrationAge")
        self.queue_label = self._label("queueDepth")
        self.processed_label = self._label("processedCount")
        self.detector_label = self._label("detectorState")
        # The error label stretches: it is the one a user must read in full.
        self.error_label = QLabel(self)
        self.error_label.setObjectName("lastError")
        self.addWidget(self.error_label, 1)
        for label in (
            self.scanner_label,
            self.xray_label,
            self.belt_label,
            self.calibration_label,
            self.queue_label,
            self.processed_label,
            self.detector_label,
        ):
            self.addPermanentWidget(label)
        # Explicit "unknown" until the first status poll, never blank.
        self.set_undecided(None)
        self.scanner_label.setText(_tr("Scanner: —"))
        self.xray_label.setText(_tr("X-ray: —"))
        self.belt_label.setText(_tr("Belt: —"))
        self.calibration_label.setText(_tr("Calibration: —"))
        self.processed_label.setText(_tr("Processed: —"))
        self.detector_label.setText(_tr("Detector: —"))

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        return label

    def update_status(self, status: StationStatusLike) -> None:
        self.scanner_label.setText(_tr("{0}: {1}").format(status.driver_name, status.scanner_state))
        self._set_flag(self.scanner_label, "fault", status.scanner_state.startswith("fault"))
        self.xray_label.setText(_tr("X-RAY ON") if status.xray_on else _tr("X-ray off"))
        self._set_flag(self.xray_label, "on", status.xray_on)
        if status.belt_running:
            self.belt_label.setText(_tr("Belt {0:.2f} m/s").format(status.belt_speed_m_s))
        else:
            self.belt_label.setText(_tr("Belt stopped"))
        age = status.calibration_age_h
        if age is None:
            self.calibration_label.setText(_tr("Not calibrated"))
            self._set_flag(self.calibration_label, "warn", True)
        else:
            self.calibration_label.setText(_tr("Calibrated {0:.1f} h ago").format(age))
            self._set_flag(self.calibration_label, "warn", age > self._calibration_max_age_h)
        self.set_undecided(status.queue_depth)
        self.processed_label.setText(
            _tr("Processed {0}, failed {1}").format(status.parcels_processed, status.parcels_failed)
        )
        if status.last_error and status.last_error != self._last_error_shown:
            self.show_error(status.last_error)

    def set_detector_status(self, status: DetectorStatus) -> None:
        """Model and provider; amber with the full warning as tooltip when the
        detector is not running as configured (e.g. a GPU asked for, CPU used)."""
        warning = status.warning
        if warning:
            self.detector_label.setText(_tr("⚠ {0}").format(status.summary))
            self.detector_label.setToolTip(warning)
        else:
            self.detector_label.setText(status.summary)
            self.detector_label.setToolTip(_tr("Item detector: {0}").format(status.summary))
        self._set_flag(self.detector_label, "warn", bool(warning))

    def set_undecided(self, count: int | None) -> None:
        self.queue_label.setText(
            _tr("Undecided: —") if count is None else _tr("Undecided: {0}").format(count)
        )

    def show_error(self, message: str) -> None:
        """Show a message a user may need to act on until a newer one replaces it."""
        self._last_error_shown = message
        self.error_label.setText(_tr("⚠ {0}").format(message))
        self.error_label.setToolTip(message)
        self._set_flag(self.error_label, "error", True)

    def clear_error(self) -> None:
        self.error_label.clear()
        self._set_flag(self.error_label, "error", False)

    def show_info(self, message: str, timeout_ms: int = 4000) -> None:
        self.showMessage(message, timeout_ms)

    @staticmethod
    def _set_flag(widget: QWidget, name: str, value: bool) -> None:
        if widget.property(name) == value:
            return
        widget.setProperty(name, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
