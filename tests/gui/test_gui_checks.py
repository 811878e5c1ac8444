"""The physical-checks panel on a real Station (real SQLite, real accounts, real Shell).

An inspector signs in, opens a parcel (X), records with the keyboard alone that
opening it found nothing; the parcel leaves the list, the audit trail has
``check.recorded``, and the supervisor's statistics count one false alarm. Keys
typed in the panel never decide the parcel on screen; roles without
"record_check" never see the panel.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from gui_fakes import make_parcel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel
from pytestqt.qtbot import QtBot

from station_app.accounts import Role, Workspace
from station_app.config import DetectorConfig, DriverConfig, StationConfig
from station_app.domain import ParcelScan, Verdict
from station_app.gui.check_panel import CheckDock
from station_app.gui.shell import Shell
from station_app.gui.supervisor_workspace import SupervisorWorkspace
from station_app.physical_checks import CheckOutcome

pytestmark = pytest.mark.slow
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "check_panel.png"
ADMIN_PASSWORD = "keeper of keys 1"
PASSWORD = "a good long password"


def _type_sign_in(qtbot: QtBot, shell: Shell, username: str, password: str) -> None:
    dialog = shell.sign_in_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.username_edit.clear()
    dialog.username_edit.setFocus()
    qtbot.keyClicks(dialog.username_edit, username)
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert shell.principal is not None and shell.principal.username == username
    shell.activateWindow()
    qtbot.waitUntil(shell.isActiveWindow)


def _sign_out(shell: Shell) -> None:
    shell.sign_out()


def _parcel(scan_id: str) -> ParcelScan:
    parcel = make_parcel(scan_id, lines=60, pixels=80)
    now_ns = time.monotonic_ns()  # scanned now: inside the statistics' last 8 hours
    return replace(parcel, raw=replace(parcel.raw, started_ns=now_ns, ended_ns=now_ns + 1))


def _dock(shell: Shell) -> CheckDock:
    dock = shell.inspector_window.check_dock
    assert dock is not None  # a real Station records checks
    return dock


def test_inspector_records_a_check_with_the_keyboard(
    qtbot: QtBot, calibrated_data_dir: Path, styled_app: object
) -> None:
    from station_app.station import Station

    station = Station(StationConfig(
        data_dir=calibrated_data_dir,
        driver=DriverConfig(options={"parcels": 0}),
        detector=DetectorConfig(enabled=False),
    ))
    accounts = station.accounts
    accounts.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    admin = accounts.sign_in("admin", ADMIN_PASSWORD)
    for username, role in (("kim", Role.INSPECTOR), ("park", Role.SUPERVISOR),
                           ("cho", Role.TECHNICIAN)):
        accounts.create_account(admin, username=username, display_name=username.title(),
                                role=role, password=PASSWORD, must_change_password=False)
    accounts.sign_out(admin)
    shell = Shell(station, screen_lock_ms=600_000)
    qtbot.addWidget(shell)
    try:
        shell.start()
        _type_sign_in(qtbot, shell, "kim", PASSWORD)
        window = shell.inspector_window
        dock = _dock(shell)
        panel = dock.panel
        assert dock.isVisible() and panel.isEnabled() and panel.waiting == ()
        assert not panel.correct_box.isVisibleTo(panel)  # corrections are a supervisor's

        for scan_id in ("S-000001", "S-000002"):
            parcel = _parcel(scan_id)
            station.scans.save_unprocessed(parcel.raw, "test parcel")
            station.events.parcel_processed.emit(parcel)
        qtbot.waitUntil(lambda: window.queue_strip.parcel("S-000002") is not None, timeout=5_000)
        assert window.current_parcel is not None
        assert window.current_parcel.scan_id == "S-000001"
        qtbot.keyClick(window, Qt.Key.Key_X)  # open for inspection
        assert window.current_parcel.scan_id == "S-000002"
        # The panel refreshes after the decision (through the adapter, coalesced).
        qtbot.waitUntil(lambda: [w.scan_id for w in panel.waiting] == ["S-000001"],
                        timeout=5_000)
        assert panel.table.item(0, 2).text() == "Open for inspection"
        assert panel.table.item(0, 3).text() == "kim"
        image = dock.grab()  # the panel as the officer at the opening table finds it
        assert not image.isNull()
        if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
            assert image.save(str(SCREENSHOT))

        # Keyboard only. Ctrl+K: the list. Keys typed there stay there: C and Space
        # must not clear the parcel on screen.
        qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        assert panel.table.hasFocus()
        qtbot.keyClick(panel.table, Qt.Key.Key_C)
        qtbot.keyClick(panel.table, Qt.Key.Key_Space)
        undecided = station.scans.get_scan("S-000002")
        assert undecided is not None and undecided.latest_decision is None
        # Recording without an outcome is refused by the form, nothing stored.
        qtbot.keyClick(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert "Choose what the check found" in panel.message.text()
        assert panel.outcome_combo.hasFocus()
        qtbot.keyClick(panel.outcome_combo, Qt.Key.Key_Down)
        assert panel.chosen_outcome() is CheckOutcome.NOTHING_FOUND
        qtbot.keyClick(panel.outcome_combo, Qt.Key.Key_Tab)
        assert panel.note_edit.hasFocus()
        qtbot.keyClicks(panel.note_edit, "shoes and socks")
        qtbot.keyClick(panel.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert "recorded" in panel.message.text(), panel.message.text()
        assert panel.waiting == () and panel.table.rowCount() == 0  # gone from the list
        [result] = station.checks.results_for("S-000001")
        assert (result.outcome, result.note, result.operator) == (
            CheckOutcome.NOTHING_FOUND, "shoes and socks", "kim")
        entries = station.accounts.audit.entries(action="check.recorded")
        assert [(e.actor, e.subject) for e in entries] == [("kim", "S-000001")]
        # Escape: back to the image, where the decision keys work again.
        qtbot.keyClick(panel.table, Qt.Key.Key_Escape)
        assert window.canvas.hasFocus()
        qtbot.keyClick(window, Qt.Key.Key_C)
        cleared = station.scans.get_scan("S-000002")
        assert cleared is not None and cleared.latest_decision is not None
        assert cleared.latest_decision.verdict is Verdict.CLEAR
        assert panel.waiting == ()  # a cleared parcel never waits for a check

        # The supervisor: the false alarm in the statistics, the panel theirs too.
        _sign_out(shell)
        _type_sign_in(qtbot, shell, "park", PASSWORD)
        assert shell.workspace_names() == [Workspace.INSPECTION, Workspace.REVIEW]
        assert _dock(shell).isVisible()
        review = shell.tabs.widget(1)
        assert isinstance(review, SupervisorWorkspace)
        review.statistics.refresh()
        stats = review.statistics.stats
        assert stats is not None
        assert (stats.flagged, stats.checked_flags, stats.false_alarms) == (1, 1, 1)
        assert stats.hit_rate == 0.0
        assert [(i.operator, i.false_alarms) for i in stats.inspectors] == [("kim", 1)]
        summary, roles = review.statistics.summary, QFormLayout.ItemRole
        shown = {}
        for row in range(summary.rowCount()):
            label = summary.itemAt(row, roles.LabelRole)
            value = summary.itemAt(row, roles.FieldRole)
            assert label is not None and value is not None
            key, field = label.widget(), value.widget()
            if isinstance(key, QLabel) and isinstance(field, QLabel):
                shown[key.text()] = field.text()
        assert shown["False alarms (check found nothing)"] == "1"
        assert shown["Hit rate (check found something / flagged parcels checked)"] == "0.0 %"

        # The supervisor corrects the result: the officer missed a knife in a shoe.
        panel = _dock(shell).panel
        assert panel.correct_box.isVisibleTo(panel)
        panel.correct_box.setChecked(True)
        assert panel.table.rowCount() == 1
        assert panel.table.item(0, 1).text() == "Nothing found"
        assert panel.table.item(0, 2).text() == "shoes and socks"
        panel.outcome_combo.setCurrentIndex(
            panel.outcome_combo.findData(CheckOutcome.PROHIBITED_ITEM.value))
        assert panel.record() is None  # a correction needs a reason
        assert "needs a note" in panel.message.text()
        assert len(station.checks.results_for("S-000001")) == 1
        qtbot.keyClicks(panel.note_edit, "knife found in the left shoe at re-check")
        qtbot.keyClick(panel.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert "corrected" in panel.message.text(), panel.message.text()
        first, correction = sorted(station.checks.results_for("S-000001"),
                                   key=lambda r: r.check_id or 0)
        assert correction.corrects_check_id == first.check_id
        assert (correction.outcome, correction.operator) == (CheckOutcome.PROHIBITED_ITEM, "park")
        assert panel.table.item(0, 1).text() == "Prohibited item found"  # the one in force
        review.statistics.refresh()
        stats = review.statistics.stats
        assert stats is not None
        assert (stats.false_alarms, stats.hit_rate) == (0, 1.0)

        # A technician has no right to record checks: no panel.
        _sign_out(shell)
        _type_sign_in(qtbot, shell, "cho", PASSWORD)
        assert Workspace.INSPECTION not in shell.workspace_names()
        assert not _dock(shell).isVisibleTo(shell.inspector_window)
        assert not _dock(shell).panel.isEnabled() and _dock(shell).panel.waiting == ()
    finally:
        shell.shutdown()
        station.stop()
