"""StationAdapter: core events from other threads arrive on the GUI thread via the timer."""

from __future__ import annotations

import threading
from collections.abc import Callable

from gui_fakes import FakeStation, FakeStatus
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from station_app.domain import ParcelScan
from station_app.gui.adapter import StationAdapter


def test_parcel_from_background_thread_is_delivered_on_gui_thread(
    qtbot: QtBot, station: FakeStation, parcel_factory: Callable[..., ParcelScan]
) -> None:
    adapter = StationAdapter(station, poll_interval_ms=20)
    received: list[tuple[str, bool]] = []
    gui_thread = QThread.currentThread()
    adapter.parcel_arrived.connect(
        lambda p: received.append((p.scan_id, QThread.currentThread() is gui_thread))
    )
    adapter.start()
    parcels = [parcel_factory(f"S-{i}", lines=40, pixels=50) for i in range(3)]

    def pipeline() -> None:
        for parcel in parcels:
            station.events.parcel_processed.emit(parcel)

    worker = threading.Thread(target=pipeline)
    worker.start()
    worker.join()
    assert received == []  # nothing is delivered on the pipeline thread
    qtbot.waitUntil(lambda: len(received) == 3, timeout=2000)
    assert received == [("S-0", True), ("S-1", True), ("S-2", True)]
    assert adapter.dropped == 0
    adapter.stop()


def test_backlog_is_bounded_and_drops_are_counted(
    qtbot: QtBot, station: FakeStation, parcel_factory: Callable[..., ParcelScan]
) -> None:
    adapter = StationAdapter(station, poll_interval_ms=20, max_pending=2)
    adapter.start()
    parcel = parcel_factory(lines=20, pixels=20)
    for _ in range(5):
        station.events.parcel_processed.emit(parcel)
    assert adapter.dropped == 3
    with qtbot.waitSignals([adapter.parcel_arrived, adapter.parcel_arrived], timeout=2000):
        pass
    adapter.stop()


def test_stop_disconnects_from_the_core(
    qtbot: QtBot, station: FakeStation, parcel_factory: Callable[..., ParcelScan]
) -> None:
    adapter = StationAdapter(station, poll_interval_ms=10)
    adapter.start()
    adapter.stop()
    assert not adapter.running
    station.events.parcel_processed.emit(parcel_factory(lines=20, pixels=20))
    adapter.poll()
    assert adapter.dropped == 0
    with qtbot.assertNotEmitted(adapter.parcel_arrived, wait=50):
        adapter.poll()


def test_status_is_polled_on_the_timer_and_errors_are_reported(
    qtbot: QtBot, station: FakeStation
) -> None:
    station.status_value = FakeStatus(parcels_processed=5)
    adapter = StationAdapter(station, poll_interval_ms=10, status_every=2)
    with qtbot.waitSignal(adapter.status_changed, timeout=2000) as blocker:
        adapter.start()
    assert blocker.args is not None and blocker.args[0].parcels_processed == 5

    def broken() -> FakeStatus:
        raise OSError("driver gone")

    station.status = broken  # type: ignore[method-assign]
    with qtbot.waitSignal(adapter.error_raised, timeout=2000) as blocker:
        pass
    assert blocker.args is not None and "driver gone" in blocker.args[0]
    adapter.stop()
