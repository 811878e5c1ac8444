"""The inspector workspace with a fake station: keys, decisions, queue, panels."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
from gui_fakes import FakeStation, FakeStatus, make_principal
from gui_windows import shown_inspector_window
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from station_app.domain import Decision, ParcelScan, TriageLevel, Verdict
from station_app.gui.main_window import MainWindow
from station_app.imaging.render import DisplayMode, DisplaySettings

ParcelFactory = Callable[..., ParcelScan]


@pytest.fixture
def window(qtbot: QtBot, station: FakeStation, styled_app: object) -> MainWindow:
    return shown_inspector_window(qtbot, station)


def test_title_names_the_station(window: MainWindow, station: FakeStation) -> None:
    assert station.config.station_id in window.windowTitle()


def test_mode_shortcut_changes_mode_and_displayed_buffer(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory())
    buffer = window.canvas.image_array
    assert buffer is not None
    before = buffer.copy()
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.toolbar.settings.mode is DisplayMode.GREY
    assert window.canvas.settings.mode is DisplayMode.GREY
    assert window.toolbar.mode_actions[DisplayMode.GREY].isChecked()
    after = window.canvas.image_array
    assert after is not None and not np.array_equal(after, before)


def test_every_mode_has_a_function_key_in_order(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory())
    for index, mode in enumerate(DisplayMode):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_F{index + 1}"))
        assert window.canvas.settings.mode is mode


def test_density_slider_only_in_variable_density_and_reset_key(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory())
    toolbar = window.toolbar
    assert not toolbar.density_slider.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_F10)
    assert toolbar.density_slider.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.canvas.settings.density == pytest.approx(0.6)
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.canvas.settings == DisplaySettings()
    assert not toolbar.density_slider.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert window.canvas.settings == DisplaySettings()


@pytest.mark.parametrize(
    ("key", "verdict"),
    [
        (Qt.Key.Key_Space, Verdict.CLEAR),
        (Qt.Key.Key_C, Verdict.CLEAR),
        (Qt.Key.Key_X, Verdict.OPEN),
        (Qt.Key.Key_H, Verdict.HOLD),
    ],
)
def test_decision_shortcut_records_verdict_and_time(
    qtbot: QtBot,
    window: MainWindow,
    station: FakeStation,
    parcel_factory: ParcelFactory,
    key: Qt.Key,
    verdict: Verdict,
) -> None:
    window.add_parcel(parcel_factory("S-1"))
    time.sleep(0.12)  # the inspector looks at the image
    qtbot.keyClick(window, key)
    assert len(station.decisions) == 1
    decision = station.decisions[0]
    assert decision.scan_id == "S-1"
    assert decision.verdict is verdict
    assert decision.operator == "inspector1"
    assert decision.decision_time_ms is not None
    assert 100.0 <= decision.decision_time_ms < 5000.0
    assert window.queue_strip.verdict("S-1") is verdict
    # A decided parcel cannot be decided twice by a stray key.
    qtbot.keyClick(window, key)
    assert len(station.decisions) == 1


def test_decision_time_restarts_when_the_next_parcel_is_shown(
    qtbot: QtBot, window: MainWindow, station: FakeStation, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory("S-1"))
    window.add_parcel(parcel_factory("S-2"))
    time.sleep(0.3)
    qtbot.keyClick(window, Qt.Key.Key_C)  # S-1 after 300 ms; S-2 shown now
    qtbot.keyClick(window, Qt.Key.Key_X)  # S-2 at once
    first, second = station.decisions
    assert (first.scan_id, second.scan_id) == ("S-1", "S-2")
    assert first.decision_time_ms is not None and second.decision_time_ms is not None
    assert first.decision_time_ms >= 290.0
    assert second.decision_time_ms < first.decision_time_ms


def test_new_parcel_waits_while_current_is_undecided_then_advances(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory("S-1"))
    window.add_parcel(parcel_factory("S-2", level=TriageLevel.GREEN))
    window.add_parcel(parcel_factory("S-3"))
    assert window.current_parcel is not None and window.current_parcel.scan_id == "S-1"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.current_parcel.scan_id == "S-2"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.current_parcel.scan_id == "S-3"
    qtbot.keyClick(window, Qt.Key.Key_H)
    # Nothing left: the last parcel stays on screen, decided, buttons off.
    assert window.current_parcel.scan_id == "S-3"
    assert not window.decision_panel.verdict_actions[Verdict.CLEAR].isEnabled()
    window.add_parcel(parcel_factory("S-4"))
    assert window.current_parcel.scan_id == "S-4"
    assert window.decision_panel.verdict_actions[Verdict.CLEAR].isEnabled()


def test_new_parcel_resets_the_display_mode(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory("S-1"))
    qtbot.keyClick(window, Qt.Key.Key_F4)
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    assert window.canvas.settings.mode is DisplayMode.ORGANIC_STRIPPING
    qtbot.keyClick(window, Qt.Key.Key_C)
    window.add_parcel(parcel_factory("S-2"))
    assert window.current_parcel is not None and window.current_parcel.scan_id == "S-2"
    assert window.canvas.settings == DisplaySettings()
    assert window.toolbar.settings == DisplaySettings()
    assert window.toolbar.mode_actions[DisplayMode.COLOUR].isChecked()
    assert window.canvas.zoom == 1.0


def test_queue_strip_shows_thumbnails_and_click_shows_parcel(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    levels = [TriageLevel.GREEN, TriageLevel.AMBER, TriageLevel.RED]
    for index in range(3):
        window.add_parcel(parcel_factory(f"S-{index}", level=levels[index], seed=index))
    strip = window.queue_strip
    assert strip.scan_ids() == ["S-0", "S-1", "S-2"]
    for row in range(strip.count()):
        icon = strip.item(row).icon()
        assert not icon.isNull()
        assert not icon.pixmap(strip.iconSize()).isNull()
    item = strip.item(2)
    rect = strip.visualItemRect(item)
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_parcel is not None and window.current_parcel.scan_id == "S-2"


def test_queue_strip_drops_decided_parcels_never_undecided_ones(
    station: FakeStation, qtbot: QtBot, parcel_factory: ParcelFactory
) -> None:
    station.config.gui.queue_thumbnails = 3
    win = MainWindow(station, principal=make_principal("op"))
    qtbot.addWidget(win)
    parcels = [parcel_factory(f"S-{index}", lines=60, pixels=80) for index in range(6)]
    station.stored = {p.scan_id: p for p in parcels}
    for parcel in parcels[:5]:
        win.add_parcel(parcel)
    # Five undecided parcels: all stay in the queue (three of them in memory).
    assert win.queue_strip.scan_ids() == ["S-0", "S-1", "S-2", "S-3", "S-4"]
    assert sum(win.queue_strip.in_memory(s) for s in win.queue_strip.scan_ids()) == 3
    win.decide(Verdict.CLEAR)
    win.decide(Verdict.CLEAR)
    win.add_parcel(parcels[5])
    # Over the limit, the decided ones leave, oldest first.
    assert win.queue_strip.scan_ids() == ["S-2", "S-3", "S-4", "S-5"]
    assert win.queue_strip.undecided_ids() == ["S-2", "S-3", "S-4", "S-5"]


def test_manifest_panel_empty_state_names_the_tracking_id(
    window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    assert window.manifest_panel.text == "No parcel"
    window.add_parcel(parcel_factory(tracking_id="RR123456785CH"))
    assert "No manifest data for this parcel" in window.manifest_panel.text
    assert "RR123456785CH" in window.manifest_panel.text


def test_decision_panel_shows_triage_reasons_and_alarms(
    window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    parcel = parcel_factory(level=TriageLevel.RED)
    window.add_parcel(parcel)
    panel = window.decision_panel
    assert panel.banner.text().startswith("RED")
    assert panel.banner.property("level") == "red"
    for reason in parcel.triage.reasons:
        assert reason in panel.reasons_label.text()
    texts = [panel.alarm_list.item(r).text() for r in range(panel.alarm_list.count())]
    assert len(texts) == len(parcel.alarms) + len(parcel.detections)
    assert any("dense object" in t for t in texts)
    assert "Space" in panel.verdict_actions[Verdict.CLEAR].toolTip()


def test_status_bar_shows_polled_status(window: MainWindow, station: FakeStation) -> None:
    station.status_value = FakeStatus(
        xray_on=True,
        queue_depth=4,
        parcels_processed=17,
        parcels_failed=1,
        calibration_age_h=30.0,
        last_error="detector link lost",
    )
    window.adapter.poll_status()
    bar = window.status_bar
    assert "X-RAY ON" in bar.xray_label.text()
    assert "0.25 m/s" in bar.belt_label.text()
    assert "4" in bar.queue_label.text()
    assert "17" in bar.processed_label.text() and "1" in bar.processed_label.text()
    assert "30.0 h" in bar.calibration_label.text()
    assert bar.calibration_label.property("warn") is True  # older than 24 h
    assert "detector link lost" in bar.error_label.text()


def test_failed_decision_is_reported_and_parcel_stays(
    qtbot: QtBot,
    window: MainWindow,
    station: FakeStation,
    parcel_factory: ParcelFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> Decision:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(station, "record_decision", broken)
    window.add_parcel(parcel_factory("S-1"))
    window.add_parcel(parcel_factory("S-2"))
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert "database is locked" in window.status_bar.error_label.text()
    assert window.current_parcel is not None and window.current_parcel.scan_id == "S-1"
    assert window.queue_strip.verdict("S-1") is None


def test_pipeline_errors_from_another_thread_reach_the_status_bar(
    qtbot: QtBot, window: MainWindow, station: FakeStation
) -> None:
    window.start()

    def pipeline() -> None:
        station.events.pipeline_error.emit("scanner not calibrated")
        station.events.parcel_failed.emit("S-9", "bad block")

    worker = threading.Thread(target=pipeline)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: "S-9" in window.status_bar.error_label.text(), timeout=2000)
    window.adapter.stop()


def test_keyboard_returns_to_the_image_after_a_scanned_certificate(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory())
    field = window.certificate_panel.scan_input
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "HC1:NOT-A-CERTIFICATE")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(window.canvas.hasFocus)
    assert field.text() == ""
