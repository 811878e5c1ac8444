"""Station status, read-only: what a technician checks before touching anything.

Scanner (driver, state, X-ray, belt and its speed), calibration (age against
the configured maximum), the pipeline's counters and last error, and the item
detector (model, provider, any warning). Read from ``Station.status()`` every
second and ``Station.detector_status()`` once (fixed while the station runs).
No parcel, image or manifest is shown: technicians do not inspect.
Calibrating is ``station-app calibrate`` on the station's console for now.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from station_app.gui.core_texts import core_text
from station_app.gui.protocols import StationLike, StationStatusLike
from station_app.gui.status_bar import scanner_state_text

log = logging.getLogger(__name__)

POLL_MS = 1000


class StationStatusWorkspace(QWidget):
    def __init__(self, station: StationLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationStatusWorkspace")
        self._station = station
        self._max_age_h = station.config.calibration.max_age_hours
        layout = QVBoxLayout(self)
        self.values: dict[str, QLabel] = {}

        def group(title: str, rows: list[tuple[str, str]]) -> None:
            box = QGroupBox(title, self)
            form = QFormLayout(box)
            for key, label in rows:
                value = QLabel(self.tr("unknown"), box)
                value.setObjectName(key)
                self.values[key] = value
                form.addRow(label, value)
            layout.addWidget(box)

        group(
            self.tr("Scanner"),
            [
                ("driver", self.tr("Driver")),
                ("scanner_state", self.tr("State")),
                ("xray", self.tr("X-ray")),
                ("belt", self.tr("Belt")),
            ],
        )
        group(self.tr("Calibration"), [("calibration", self.tr("Age"))])
        group(
            self.tr("Processing"),
            [
                ("processed", self.tr("Parcels processed / failed")),
                ("undecided", self.tr("Undecided parcels")),
                ("last_error", self.tr("Last error")),
            ],
        )
        group(self.tr("Item detector"), [("detector", self.tr("Model"))])
        hint = QLabel(
            self.tr("Calibration and tests: the Technician workspace (technicians only)"), self
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.refresh)
        self._show_detector()
        self.refresh()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def text(self, key: str) -> str:
        return self.values[key].text()

    def _show_detector(self) -> None:
        try:
            status = self._station.detector_status()
        except Exception as exc:
            self.values["detector"].setText(self.tr("cannot be read: {0}").format(exc))
            return
        if not status.enabled:
            text = self.tr("off")
        elif not status.model:
            text = self.tr("unavailable")
        else:
            text = self.tr("{0} on {1}").format(status.model, status.provider or "?")
        if status.warning:
            text = self.tr("{0} — {1}").format(text, core_text(status.warning))
        self.values["detector"].setText(text)

    def refresh(self) -> None:
        try:
            status: StationStatusLike = self._station.status()
        except Exception as exc:  # a status read must never take the GUI down
            log.exception("station status failed")
            self.values["scanner_state"].setText(self.tr("cannot be read: {0}").format(exc))
            return
        v = self.values
        v["driver"].setText(status.driver_name)
        v["scanner_state"].setText(scanner_state_text(status.scanner_state))
        v["xray"].setText(self.tr("ON") if status.xray_on else self.tr("off"))
        v["belt"].setText(
            self.tr("running at {0:.2f} m/s").format(status.belt_speed_m_s)
            if status.belt_running
            else self.tr("stopped")
        )
        age = status.calibration_age_h
        if age is None:
            v["calibration"].setText(self.tr("no calibration"))
        elif age > self._max_age_h:
            v["calibration"].setText(
                self.tr("{0:.1f} h — older than {1:.0f} h: recalibrate").format(
                    age, self._max_age_h
                )
            )
        else:
            v["calibration"].setText(self.tr("{0:.1f} h").format(age))
        v["processed"].setText(f"{status.parcels_processed} / {status.parcels_failed}")
        v["undecided"].setText(str(status.queue_depth))
        v["last_error"].setText(core_text(status.last_error) if status.last_error
                                else self.tr("none"))
