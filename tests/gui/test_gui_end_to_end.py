"""End to end: real Station with the simulator driver, real window, real database.

A simulated parcel goes through the whole pipeline on its thread, reaches the
window through the adapter, gets its overlays drawn, and a keyboard decision
is stored in the database with its measured decision time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from gui_fakes import make_principal
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from station_app.config import DriverConfig, StationConfig
from station_app.domain import ParcelScan, Verdict
from station_app.gui.canvas import box_to_scene_rect
from station_app.gui.main_window import MainWindow

pytestmark = pytest.mark.slow


def test_parcel_to_decision_in_the_database(
    qtbot: QtBot, tmp_path: Path, styled_app: object
) -> None:
    station_module = pytest.importorskip("station_app.station")
    config = StationConfig(
        data_dir=tmp_path,
        driver=DriverConfig(name="simulator", options={"seed": 11}),
    )
    from station_app.station_calibration import calibrate_command

    # A fresh data dir has no calibration: calibrate the simulated scanner the
    # way a technician would, then start the station on it.
    assert calibrate_command(config, operator="e2e-tech", if_needed=True, as_json=True) == 0
    station = station_module.build_station(config, max_parcels=8)
    window = MainWindow(station, principal=make_principal("e2e-inspector"))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.start()
    station.start()
    try:
        qtbot.waitUntil(lambda: window.current_parcel is not None, timeout=120_000)

        def with_alarms() -> list[ParcelScan]:
            strip = window.queue_strip
            found = [strip.parcel(i) for i in strip.scan_ids()]
            return [p for p in found if p is not None and p.alarms]

        # Not every simulated parcel raises an alarm; wait for one that does.
        qtbot.waitUntil(lambda: bool(with_alarms()), timeout=120_000)
        parcel = with_alarms()[0]
        strip = window.queue_strip
        item = strip.item(strip.scan_ids().index(parcel.scan_id))
        qtbot.mouseClick(
            strip.viewport(), Qt.MouseButton.LeftButton, pos=strip.visualItemRect(item).center()
        )
        assert window.current_parcel is parcel
        overlays = window.canvas.overlay_items()
        assert len(overlays) == len(parcel.alarms) + len(parcel.detections) > 0
        for alarm in parcel.alarms:
            (overlay,) = [o for o in overlays if o.source.alarm is alarm]
            assert overlay.isVisible()
            assert overlay.mapRectToScene(overlay.rect()) == box_to_scene_rect(alarm.box)
        assert window.canvas.image_array is not None
        assert window.canvas.image_array.shape[:2] == parcel.image.shape
        assert window.queue_strip.count() >= 1

        time.sleep(0.05)
        qtbot.keyClick(window, Qt.Key.Key_X)
        record = station.scans.get_scan(parcel.scan_id)
        assert record is not None
        decision = record.latest_decision
        assert decision is not None
        assert decision.verdict is Verdict.OPEN
        assert decision.operator == "e2e-inspector"
        assert decision.decision_time_ms is not None and decision.decision_time_ms >= 40.0
        assert window.queue_strip.verdict(parcel.scan_id) is Verdict.OPEN
        # The status bar reads the undecided count from the database.
        qtbot.waitUntil(lambda: "Undecided: " in window.status_bar.queue_label.text())
    finally:
        window.adapter.stop()
        station.stop()
