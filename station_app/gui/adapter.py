"""The one bridge from the core's psygnal events to Qt.

The pipeline emits from its own thread. Slots here only append to deques
(``deque.append``/``popleft`` are atomic in CPython) and never touch Qt; a
QTimer on the GUI thread drains them every ``poll_interval_ms`` and re-emits
Qt signals there. So the GUI gets at most one batch per tick, never one signal
per detector line, and processing never blocks painting (the pymmcore-gui
live-preview pattern). The station status and the sync status are polled on
the same timer, every ``status_every`` ticks.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from station_app.domain import Decision, ParcelScan
from station_app.gui.protocols import StationLike

if TYPE_CHECKING:
    from station_app.gui.protocols import StationStatusLike

log = logging.getLogger(__name__)

_Notice = tuple[str, Any]  # (kind, payload), see StationAdapter.poll

STATUS_EVERY_TICKS = 10  # 50 ms poll -> status twice a second


class StationAdapter(QObject):
    """Queues core events off-thread and replays them on the GUI thread."""

    parcel_arrived = Signal(object)  # ParcelScan
    parcel_failed = Signal(str, str)  # scan id, reason
    decision_recorded = Signal(object)  # Decision
    error_raised = Signal(str)  # message a user may need to act on
    status_changed = Signal(object)  # StationStatusLike
    sync_status_changed = Signal(object)  # SyncStatusLike, or None: no central configured
    pipeline_stopped = Signal()

    def __init__(
        self,
        station: StationLike,
        *,
        poll_interval_ms: int | None = None,
        max_pending: int | None = None,
        status_every: int = STATUS_EVERY_TICKS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._station = station
        gui = station.config.gui
        # Parcels are whole images (MBs each): keep a bounded backlog. They are
        # already persisted, so one dropped here is only missing from the strip.
        pending = max_pending if max_pending is not None else max(4 * gui.queue_thumbnails, 16)
        self._parcels: deque[ParcelScan] = deque(maxlen=pending)
        # Everything else is small and kept in arrival order in one deque, so
        # the newest error is the one left on screen.
        self._notices: deque[_Notice] = deque(maxlen=1024)
        self._received = 0
        self._delivered = 0
        self._status_every = max(1, status_every)
        self._tick = 0
        self._connected = False
        self._timer = QTimer(self)
        self._timer.setInterval(poll_interval_ms if poll_interval_ms else gui.poll_interval_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def dropped(self) -> int:
        """Parcels that arrived faster than the GUI drained them and were not shown."""
        return self._received - self._delivered - len(self._parcels)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        if not self._connected:
            events = self._station.events
            events.parcel_processed.connect(self._on_parcel)
            events.parcel_failed.connect(self._on_failed)
            events.pipeline_error.connect(self._on_error)
            events.decision_recorded.connect(self._on_decision)
            events.pipeline_stopped.connect(self._on_stopped)
            self._connected = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._connected:
            events = self._station.events
            events.parcel_processed.disconnect(self._on_parcel)
            events.parcel_failed.disconnect(self._on_failed)
            events.pipeline_error.disconnect(self._on_error)
            events.decision_recorded.disconnect(self._on_decision)
            events.pipeline_stopped.disconnect(self._on_stopped)
            self._connected = False

    # -- pipeline thread: store only, no Qt ------------------------------------

    def _on_parcel(self, parcel: ParcelScan) -> None:
        self._received += 1
        self._parcels.append(parcel)

    def _on_failed(self, scan_id: str, reason: str) -> None:
        self._notices.append(("failed", (scan_id, reason)))

    def _on_error(self, message: str) -> None:
        self._notices.append(("error", message))

    def _on_decision(self, decision: Decision) -> None:
        self._notices.append(("decision", decision))

    def _on_stopped(self) -> None:
        self._notices.append(("stopped", None))

    # -- GUI thread ------------------------------------------------------------

    def poll(self) -> None:
        """Drain what arrived since the last tick (called by the timer)."""
        while self._parcels:
            parcel = self._parcels.popleft()
            self._delivered += 1
            self.parcel_arrived.emit(parcel)
        while self._notices:
            kind, payload = self._notices.popleft()
            if kind == "failed":
                scan_id, reason = payload
                self.parcel_failed.emit(scan_id, reason)
            elif kind == "error":
                self.error_raised.emit(payload)
            elif kind == "decision":
                self.decision_recorded.emit(payload)
            else:
                self.pipeline_stopped.emit()
        self._tick += 1
        if self._tick % self._status_every == 1 or self._status_every == 1:
            self.poll_status()
            self.poll_sync_status()

    def poll_status(self) -> StationStatusLike | None:
        try:
            status = self._station.status()
        except Exception as exc:  # a status read must never take the GUI down
            log.exception("station status failed")
            self.error_raised.emit(
                self.tr("Cannot read the station status: {0}").format(_one_line(exc))
            )
            return None
        self.status_changed.emit(status)
        return status

    def poll_sync_status(self) -> None:
        """Emit ``sync_status_changed`` (None: no central configured); never raises."""
        try:
            status = self._station.sync_status()
        except Exception as exc:  # as for the station status: report, never crash
            log.exception("sync status failed")
            self.error_raised.emit(
                self.tr("Cannot read the sync status: {0}").format(_one_line(exc))
            )
            return
        self.sync_status_changed.emit(status)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
