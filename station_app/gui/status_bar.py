"""Status bar: scanner, X-ray, belt, calibration, queue, counters, detector,
sync with central, last error.

Fed by ``StationAdapter.status_changed`` and ``sync_status_changed`` (polled), by
error messages, and once by the window with the detector status (fixed while the
station runs); it never asks the station anything itself.

The sync label reads e.g. "● Central: offline · 12 queued, oldest 3 min"; its
colour tells the state at a glance (green online, amber degraded, red offline,
grey not configured) and its tooltip holds the details a supervisor needs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from station_app.gui.core_texts import core_text
from station_app.gui.protocols import StationStatusLike, SyncStatusLike

if TYPE_CHECKING:
    from station_app.detection.detector import DetectorStatus

_CONTEXT = "StationStatusBar"
ERROR_SHOW_MS = 15_000
SYNC_NOT_CONFIGURED = "disabled"  # the label's syncState when no central is configured
# Local to the label (the console's sheet stays as it is): one colour per sync state.
SYNC_STATE_COLOURS = {
    "online": "#5fd38d",
    "degraded": "#ffb347",
    "offline": "#ff6b6b",
    SYNC_NOT_CONFIGURED: "#8b9098",
}
_BOLD_SYNC_STATES = ("degraded", "offline")  # a person should look
_SYNC_STYLE = "\n".join(
    f'QLabel#syncState[syncState="{state}"] {{ color: {colour};'
    f"{' font-weight: bold;' if state in _BOLD_SYNC_STATES else ''} }}"
    for state, colour in SYNC_STATE_COLOURS.items()
)


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
        self.sync_label = self._label("syncState")
        self.sync_label.setStyleSheet(_SYNC_STYLE)
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
            self.sync_label,
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
        self.sync_label.setText(_tr("Central: —"))

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        return label

    def update_status(self, status: StationStatusLike) -> None:
        self.scanner_label.setText(
            _tr("{0}: {1}").format(status.driver_name, scanner_state_text(status.scanner_state))
        )
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
        summary = detector_summary_text(status)
        if warning:
            self.detector_label.setText(_tr("⚠ {0}").format(summary))
            self.detector_label.setToolTip(core_text(warning))
        else:
            self.detector_label.setText(summary)
            self.detector_label.setToolTip(_tr("Item detector: {0}").format(summary))
        self._set_flag(self.detector_label, "warn", bool(warning))

    def update_sync(self, status: SyncStatusLike | None, now: datetime | None = None) -> None:
        """Sync with central; None: this station has no central configured."""
        if status is None:
            self.sync_label.setText(_tr("● Central: not configured"))
            self.sync_label.setToolTip(
                _tr("No central service is configured: results stay in the local outbox.")
            )
            self._set_flag(self.sync_label, "syncState", SYNC_NOT_CONFIGURED)
            return
        now = now or datetime.now(UTC)
        state = _sync_state_text(status.state)
        text = _tr("● Central: {0}").format(state)
        if status.outbox_depth:
            text += _tr(" · {0} queued").format(status.outbox_depth)
            if status.oldest_unsent_age_s is not None:
                text += _tr(", oldest {0}").format(age_text(status.oldest_unsent_age_s))
        if status.parked:
            text += _tr(" · {0} rejected").format(status.parked)
        if status.config_waiting_version is not None:
            text += _tr(" · new settings v{0} at restart").format(status.config_waiting_version)
        self.sync_label.setText(text)
        self.sync_label.setToolTip(_sync_details(status, now))
        self._set_flag(self.sync_label, "syncState", status.state)

    def set_undecided(self, count: int | None) -> None:
        self.queue_label.setText(
            _tr("Undecided: —") if count is None else _tr("Undecided: {0}").format(count)
        )

    def show_error(self, message: str) -> None:
        """Show a message a user may need to act on until a newer one replaces it
        (one the core wrote, e.g. a pipeline failure, in the GUI's language)."""
        self._last_error_shown = message
        shown = core_text(message)
        self.error_label.setText(_tr("⚠ {0}").format(shown))
        self.error_label.setToolTip(shown)
        self._set_flag(self.error_label, "error", True)

    def clear_error(self) -> None:
        self.error_label.clear()
        self._set_flag(self.error_label, "error", False)

    def show_info(self, message: str, timeout_ms: int = 4000) -> None:
        self.showMessage(message, timeout_ms)

    @staticmethod
    def _set_flag(widget: QWidget, name: str, value: bool | str) -> None:
        if widget.property(name) == value:
            return
        widget.setProperty(name, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)



def age_text(seconds: float) -> str:
    """A duration as a person reads it: "40 s", "3 min", "5 h", "2 d" (rounded down)."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return _tr("{0} s").format(int(seconds))
    if seconds < 2 * 3600:
        return _tr("{0} min").format(int(seconds // 60))
    if seconds < 2 * 86400:
        return _tr("{0} h").format(int(seconds // 3600))
    return _tr("{0} d").format(int(seconds // 86400))


def detector_summary_text(status: DetectorStatus) -> str:
    """``DetectorStatus.summary`` in the GUI's language ("xcnet 1.0 on CPU", "detector off")."""
    if not status.enabled:
        return _tr("detector off")
    if not status.model:
        return _tr("detector unavailable")
    return _tr("{0} on {1}").format(status.model, status.provider)


def scanner_state_text(state: str) -> str:
    """``StationStatus.scanner_state`` ("running", "stopped", "fault: ...") in words;
    the fault details come from the driver and stay as they are."""
    if state.startswith("fault:"):
        return _tr("fault: {0}").format(state.removeprefix("fault:").strip())
    texts = {"running": _tr("running"), "stopped": _tr("stopped"), "fault": _tr("fault")}
    return texts.get(state, state)


def _sync_state_text(state: str) -> str:
    texts = {"online": _tr("online"), "offline": _tr("offline"), "degraded": _tr("degraded")}
    return texts.get(state, state)


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return _tr("never")
    return _tr("{0} ago").format(age_text((now - moment).total_seconds()))


def _sync_details(status: SyncStatusLike, now: datetime) -> str:
    lines = [
        _tr("Central service: {0}").format(_sync_state_text(status.state)),
        _tr("Outbox: {0} waiting, {1} rejected by central").format(
            status.outbox_depth, status.parked
        ),
        _tr("Oldest unsent item: {0}").format(
            _tr("none")
            if status.oldest_unsent_age_s is None
            else _tr("{0} old").format(age_text(status.oldest_unsent_age_s))
        ),
        _tr("Last successful send: {0}").format(_ago(status.last_success_at, now)),
        _tr("Last manifest pull: {0}").format(_ago(status.last_manifest_pull_at, now)),
    ]
    if status.parked:
        lines.append(_tr("Rejected items wait for a supervisor: station-app outbox list"))
    if status.last_error:
        lines.append(_tr("Last error: {0}").format(status.last_error))
    return "\n".join(lines)
