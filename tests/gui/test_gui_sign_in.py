"""Sign-in, roles, screen lock and the accounts workspace, per role, with real widgets.

The accounts side is real (``AccountService`` on an SQLite file, cheap argon2id);
the station is ``FakeStation`` except in the last test, which runs the whole
flow on a real Station so the audit trail shows the decision too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_fakes import FakeStation, make_manifest, make_parcel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from station_app.accounts import Principal, Role, Workspace
from station_app.accounts.masking import MASK
from station_app.config import StationConfig
from station_app.domain import Verdict
from station_app.gui.shell import Shell
from station_app.gui.sign_in import SignInDialog
from station_app.gui.supervisor_workspace import SupervisorWorkspace
from station_app.gui.technician_workspace import TechnicianWorkspace

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ADMIN_PASSWORD = "keeper of keys 1"
FIRST_PASSWORD = "given by admin 1"
OWN_PASSWORD = "my own password 1"


@pytest.fixture
def shell(qtbot: QtBot, station: FakeStation, styled_app: object) -> Iterator[Shell]:
    made = Shell(station, screen_lock_ms=60_000)
    qtbot.addWidget(made)
    yield made
    made.shutdown()
    for dialog in (made.sign_in_dialog, made.first_run_dialog):
        if dialog is not None:
            dialog.close()
    station.close()


def _screenshot(shell: Shell, name: str) -> None:
    """Grab the shell (a smoke test of painting it); saved for the guides only with
    ``STATION_SAVE_SCREENSHOTS=1``."""
    shell.resize(1600, 900)
    image = shell.grab()
    assert not image.isNull()
    if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        assert image.save(str(SCREENSHOTS / name))


def _admin(station: FakeStation) -> Principal:
    accounts = station.accounts
    if accounts.first_run_needed():
        accounts.create_first_administrator("admin", "Station Admin", ADMIN_PASSWORD)
    return accounts.sign_in("admin", ADMIN_PASSWORD)


def _add(station: FakeStation, username: str, role: Role, *, must_change: bool = False) -> None:
    station.accounts.create_account(
        _admin(station),
        username=username,
        display_name=username.title(),
        role=role,
        password=FIRST_PASSWORD,
        must_change_password=must_change,
    )


def _type_sign_in(qtbot: QtBot, shell: Shell, username: str, password: str) -> None:
    """Keyboard only: name, Tab, password, Enter."""
    dialog = shell.sign_in_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.username_edit.clear()
    dialog.username_edit.setFocus()
    qtbot.keyClicks(dialog.username_edit, username)
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Tab)
    assert dialog.password_edit.hasFocus() or dialog.focusWidget() is dialog.password_edit
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    if shell.isVisible():  # keyboard shortcuts go to the active window
        shell.activateWindow()
        qtbot.waitUntil(shell.isActiveWindow)


# Read through functions: mypy would keep an attribute narrowed across the GUI calls
# that change it.
def _dialog(shell: Shell) -> SignInDialog | None:
    return shell.sign_in_dialog


def _principal(shell: Shell) -> Principal | None:
    return shell.principal


def _actions(station: FakeStation) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in station.accounts.audit.entries()]


# ---------------------------------------------------------------- first run, administrator


def test_first_run_creates_the_administrator(qtbot: QtBot, shell: Shell) -> None:
    shell.start()
    dialog = shell.first_run_dialog
    assert dialog is not None and dialog.isVisible() and shell.sign_in_dialog is None
    qtbot.keyClicks(dialog.username_edit, "chief")
    qtbot.keyClicks(dialog.display_name_edit, "Park Chief")
    fields = dialog.password_fields
    qtbot.keyClicks(fields.password_edit, "short")
    assert not dialog.create_button.isEnabled()
    assert "At least 10 characters" in fields.rules_label.text()
    fields.password_edit.clear()
    qtbot.keyClicks(fields.password_edit, ADMIN_PASSWORD)
    qtbot.keyClicks(fields.repeat_edit, ADMIN_PASSWORD + "x")
    assert "differ" in fields.rules_label.text() and not dialog.create_button.isEnabled()
    qtbot.keyClick(fields.repeat_edit, Qt.Key.Key_Backspace)
    assert dialog.create_button.isEnabled()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    sign_in = _dialog(shell)
    assert sign_in is not None and sign_in.isVisible()
    assert sign_in.username_edit.text() == "chief"  # carried over from the first run
    _type_sign_in(qtbot, shell, "chief", ADMIN_PASSWORD)
    assert shell.isVisible() and shell.principal is not None
    assert shell.principal.role is Role.ADMINISTRATOR
    # An administrator manages accounts and sees the station's status, never parcels.
    assert shell.workspace_names() == [Workspace.STATION_STATUS, Workspace.ACCOUNTS]
    assert shell.inspector_window.principal is None


def test_admin_creates_an_inspector_who_must_choose_a_password(
    qtbot: QtBot, shell: Shell, station: FakeStation
) -> None:
    _admin(station)
    shell.start()
    _type_sign_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    workspace = shell.accounts_workspace
    assert workspace is not None and workspace.usernames() == ["admin"]
    dialog = workspace.open_new_account()
    qtbot.keyClicks(dialog.username_edit, "kim")
    qtbot.keyClicks(dialog.display_name_edit, "Kim Min-ji")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("inspector"))
    qtbot.keyClicks(dialog.password_fields.password_edit, FIRST_PASSWORD)
    qtbot.keyClicks(dialog.password_fields.repeat_edit, FIRST_PASSWORD)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert workspace.usernames() == ["admin", "kim"]
    account = workspace.account("kim")
    assert account is not None and account.role is Role.INSPECTOR
    assert account.must_change_password
    workspace.select("kim")
    shell.tabs.setCurrentWidget(workspace)
    _screenshot(shell, "accounts.png")

    # The administrator cannot disable their own account: the core says no.
    workspace.select("admin")
    qtbot.mouseClick(workspace.disable_button, Qt.MouseButton.LeftButton)
    assert "own account" in workspace.message_label.text()

    shell.sign_out()
    assert not shell.isVisible()
    _type_sign_in(qtbot, shell, "kim", FIRST_PASSWORD)
    sign_in = shell.sign_in_dialog
    assert sign_in is not None and sign_in.pages.currentIndex() == 1  # choose your own
    qtbot.keyClicks(sign_in.new_password.password_edit, OWN_PASSWORD)
    qtbot.keyClicks(sign_in.new_password.repeat_edit, OWN_PASSWORD)
    qtbot.mouseClick(sign_in.change_button, Qt.MouseButton.LeftButton)
    assert shell.principal is not None and shell.principal.username == "kim"
    assert shell.workspace_names() == [Workspace.INSPECTION]  # no accounts, no status page
    assert shell.accounts_workspace is None
    assert ("admin", "account.created") in _actions(station)
    assert ("kim", "account.password_changed") in _actions(station)


# ---------------------------------------------------------------- sign-in messages


def test_wrong_password_unknown_user_and_lockout_messages(
    qtbot: QtBot, shell: Shell, station: FakeStation
) -> None:
    station.config.accounts.max_failed_attempts = 2
    _add(station, "kim", Role.INSPECTOR)
    shell.start()
    dialog = shell.sign_in_dialog
    assert dialog is not None
    _type_sign_in(qtbot, shell, "ghost", FIRST_PASSWORD)
    unknown = dialog.message
    _type_sign_in(qtbot, shell, "kim", "wrong password!")
    assert dialog.message == unknown == "Unknown user name or wrong password."
    assert dialog.password_edit.text() == ""  # never left in the field
    _type_sign_in(qtbot, shell, "kim", "wrong password!")
    assert "locked until" in dialog.message
    _type_sign_in(qtbot, shell, "kim", FIRST_PASSWORD)
    assert "locked until" in dialog.message and shell.principal is None
    assert not shell.isVisible()
    actions = _actions(station)
    assert ("unknown", "user.sign_in_failed") in actions
    assert ("kim", "user.locked_out") in actions


# ---------------------------------------------------------------- per role


def test_inspector_decides_and_sees_no_personal_data(
    qtbot: QtBot, shell: Shell, station: FakeStation
) -> None:
    _add(station, "kim", Role.INSPECTOR)
    station.manifests["RR123456785CH"] = make_manifest()
    shell.start()
    _type_sign_in(qtbot, shell, "kim", FIRST_PASSWORD)
    window = shell.inspector_window
    window.add_parcel(make_parcel("S-1"))
    text = window.manifest_panel.text
    assert "Li Wei" not in text and "Anna Muster" not in text and MASK in text
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert [(d.scan_id, d.verdict, d.operator) for d in station.decisions] == [
        ("S-1", Verdict.CLEAR, "kim")
    ]


def test_supervisor_sees_personal_data(qtbot: QtBot, shell: Shell, station: FakeStation) -> None:
    _add(station, "lee", Role.SUPERVISOR)
    station.manifests["RR123456785CH"] = make_manifest()
    shell.start()
    _type_sign_in(qtbot, shell, "lee", FIRST_PASSWORD)
    assert shell.workspace_names() == [Workspace.INSPECTION, Workspace.REVIEW]
    assert not shell.station_bar.isVisibleTo(shell)  # the inspector window has its own
    shell.inspector_window.add_parcel(make_parcel("S-1"))
    assert "Li Wei Trading (CN)" in shell.inspector_window.manifest_panel.text


def test_technician_sees_technician_workspaces_only(
    qtbot: QtBot, shell: Shell, station: FakeStation
) -> None:
    _add(station, "tech", Role.TECHNICIAN)
    shell.start()
    _type_sign_in(qtbot, shell, "tech", FIRST_PASSWORD)
    assert shell.workspace_names() == [Workspace.TECHNICIAN, Workspace.STATION_STATUS]
    page = shell.status_workspace
    assert page is not None
    assert page.text("driver") == "simulator"
    assert page.text("xray") == "ON" and "0.25 m/s" in page.text("belt")
    assert page.text("calibration") == "2.5 h"
    assert page.text("detector") == "xcnet 1.0 on CPU"
    shell.tabs.setCurrentWidget(page)
    # No inspection workspace, so the shell shows the station's status bar itself,
    # fed by the same poll as the inspector's.
    assert shell.station_bar.isVisibleTo(shell)
    shell.inspector_window.adapter.poll_status()
    assert "2.5 h" in shell.station_bar.calibration_label.text()
    assert shell.station_bar.scanner_label.text() == "simulator: running"
    assert shell.station_bar.detector_label.text() == "xcnet 1.0 on CPU"
    _screenshot(shell, "station_status.png")
    # Even if a parcel screen were reached, the core refuses the decision.
    shell.inspector_window.add_parcel(make_parcel("S-1"))
    assert shell.inspector_window.decide(Verdict.CLEAR) is None
    assert station.decisions == []


def test_language_chosen_at_sign_in_is_carried_by_the_session(
    qtbot: QtBot, shell: Shell, station: FakeStation
) -> None:
    _add(station, "kim", Role.INSPECTOR)
    shell.start()
    dialog = shell.sign_in_dialog
    assert dialog is not None
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ko"))
    _type_sign_in(qtbot, shell, "kim", FIRST_PASSWORD)
    assert shell.principal is not None and shell.principal.language == "ko"
    window = shell.inspector_window
    window.add_parcel(make_parcel("S-1"))
    assert "칼 82%" in [item.text for item in window.canvas.overlay_items()]
    entry = station.accounts.audit.last("user.signed_in")
    assert entry is not None and entry.details["language"] == "ko"


# ---------------------------------------------------------------- screen lock


def test_screen_locks_when_idle_and_unlocks_with_the_password(
    qtbot: QtBot, station: FakeStation, styled_app: object
) -> None:
    _add(station, "kim", Role.INSPECTOR)
    shell = Shell(station, screen_lock_ms=300)
    qtbot.addWidget(shell)
    try:
        shell.start()
        _type_sign_in(qtbot, shell, "kim", FIRST_PASSWORD)
        shell.inspector_window.add_parcel(make_parcel("S-1"))
        qtbot.waitUntil(lambda: shell.screen_lock.isVisible(), timeout=5_000)
        assert not shell.tabs.isEnabled()
        assert shell.screen_lock.geometry() == shell.rect()  # covers everything
        qtbot.keyClick(shell.inspector_window, Qt.Key.Key_C)  # no decision under the lock
        assert station.decisions == []

        lock = shell.screen_lock
        qtbot.keyClicks(lock.password_edit, "wrong password!")
        qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
        assert lock.isVisible() and "wrong password" in lock.message_label.text()
        qtbot.keyClicks(lock.password_edit, FIRST_PASSWORD)
        qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
        assert not lock.isVisible() and shell.tabs.isEnabled()
        assert shell.principal is not None and shell.principal.username == "kim"
        kim = [a for actor, a in _actions(station) if actor == "kim"]
        assert kim[-3:] == ["user.screen_locked", "user.sign_in_failed", "user.screen_unlocked"]
    finally:
        shell.shutdown()
        station.close()


def test_another_user_at_the_lock_screen_signs_the_first_out(
    qtbot: QtBot, shell: Shell, station: FakeStation
) -> None:
    _add(station, "kim", Role.INSPECTOR)
    _add(station, "lee", Role.SUPERVISOR)
    shell.start()
    _type_sign_in(qtbot, shell, "kim", FIRST_PASSWORD)
    shell.lock_screen()
    qtbot.mouseClick(shell.screen_lock.switch_button, Qt.MouseButton.LeftButton)
    assert shell.principal is None and not shell.isVisible()
    _type_sign_in(qtbot, shell, "lee", FIRST_PASSWORD)
    lee = _principal(shell)
    assert lee is not None and lee.username == "lee"
    assert shell.inspector_window.principal == lee
    signed_out = station.accounts.audit.entries(action="user.signed_out")
    assert [(e.actor, e.details["reason"]) for e in signed_out][-1] == ("kim", "replaced")


# ---------------------------------------------------------------- the whole flow, real station


@pytest.mark.slow
def test_roles_on_a_real_station(
    qtbot: QtBot, calibrated_data_dir: Path, styled_app: object
) -> None:
    from station_app.config import DetectorConfig, DriverConfig
    from station_app.station import Station
    from station_app.storage.audit import verify_audit_log

    config = StationConfig(
        data_dir=calibrated_data_dir,
        driver=DriverConfig(options={"parcels": 0}),
        detector=DetectorConfig(enabled=False),
    )
    station = Station(config)
    shell = Shell(station, screen_lock_ms=600_000)
    qtbot.addWidget(shell)
    try:
        shell.start()
        first_run = shell.first_run_dialog
        assert first_run is not None
        qtbot.keyClicks(first_run.username_edit, "admin")
        qtbot.keyClicks(first_run.display_name_edit, "Station Admin")
        qtbot.keyClicks(first_run.password_fields.password_edit, ADMIN_PASSWORD)
        qtbot.keyClicks(first_run.password_fields.repeat_edit, ADMIN_PASSWORD)
        qtbot.keyClick(first_run.password_fields.repeat_edit, Qt.Key.Key_Return)
        _type_sign_in(qtbot, shell, "admin", ADMIN_PASSWORD)
        workspace = shell.accounts_workspace
        assert workspace is not None
        dialog = workspace.open_new_account()
        qtbot.keyClicks(dialog.username_edit, "kim")
        qtbot.keyClicks(dialog.display_name_edit, "Kim Min-ji")
        qtbot.keyClicks(dialog.password_fields.password_edit, FIRST_PASSWORD)
        qtbot.keyClicks(dialog.password_fields.repeat_edit, FIRST_PASSWORD)
        dialog.accept()  # role: the first in the list, inspector
        assert workspace.usernames() == ["admin", "kim"]
        qtbot.mouseClick(
            shell.session_bar.widgetForAction(shell.sign_out_action), Qt.MouseButton.LeftButton
        )

        _type_sign_in(qtbot, shell, "kim", FIRST_PASSWORD)
        sign_in = shell.sign_in_dialog
        assert sign_in is not None
        qtbot.keyClicks(sign_in.new_password.password_edit, OWN_PASSWORD)
        qtbot.keyClicks(sign_in.new_password.repeat_edit, OWN_PASSWORD)
        qtbot.mouseClick(sign_in.change_button, Qt.MouseButton.LeftButton)
        assert shell.workspace_names() == [Workspace.INSPECTION]

        # A parcel stored by the station reaches the window through the adapter.
        parcel = make_parcel("S-000777", lines=60, pixels=80)
        station.scans.save_unprocessed(parcel.raw, "test parcel")
        station.events.parcel_processed.emit(parcel)
        window = shell.inspector_window
        qtbot.waitUntil(lambda: window.current_parcel is not None, timeout=5_000)
        qtbot.keyClick(window, Qt.Key.Key_H)
        record = station.scans.get_scan("S-000777")
        assert record is not None and record.latest_decision is not None
        assert record.latest_decision.operator == "kim"
        assert record.latest_decision.verdict is Verdict.HOLD

        # The supervisor: the held parcel is in the review queue; overridden with a reason.
        admin = station.accounts.sign_in("admin", ADMIN_PASSWORD)
        for username, role in (("park", Role.SUPERVISOR), ("cho", Role.TECHNICIAN)):
            station.accounts.create_account(
                admin, username=username, display_name=username.title(), role=role,
                password=FIRST_PASSWORD, must_change_password=False,
            )
        station.accounts.sign_out(admin)
        qtbot.mouseClick(
            shell.session_bar.widgetForAction(shell.sign_out_action), Qt.MouseButton.LeftButton
        )
        _type_sign_in(qtbot, shell, "park", FIRST_PASSWORD)
        assert shell.workspace_names() == [Workspace.INSPECTION, Workspace.REVIEW]
        review_page = shell.tabs.widget(1)
        assert isinstance(review_page, SupervisorWorkspace)
        queued = [review_page.review.queue.table.item(r, 0).data(Qt.ItemDataRole.UserRole)
                  for r in range(review_page.review.queue.table.rowCount())]
        assert "S-000777" in queued
        # The test parcel has no calibrated image to recompute: review through the core.
        station.supervision.review_decision(
            shell.principal, "S-000777", Verdict.CLEAR, "Opened: harmless tools"
        )
        qtbot.mouseClick(
            shell.session_bar.widgetForAction(shell.sign_out_action), Qt.MouseButton.LeftButton
        )

        # The technician: pauses screening from the technician workspace, resumes it.
        _type_sign_in(qtbot, shell, "cho", FIRST_PASSWORD)
        assert shell.workspace_names() == [Workspace.TECHNICIAN, Workspace.STATION_STATUS]
        technician_page = shell.tabs.widget(0)
        assert isinstance(technician_page, TechnicianWorkspace)
        assert technician_page.screening_button.isEnabled()

        trail = [(e.actor, e.action, e.subject) for e in station.accounts.audit.entries()]
        assert ("admin", "account.created", "kim") in trail
        assert ("kim", "user.signed_in", "kim") in trail
        assert ("kim", "decision.recorded", "S-000777") in trail
        assert trail.index(("kim", "user.signed_in", "kim")) < trail.index(
            ("kim", "decision.recorded", "S-000777")
        )
        assert ("park", "user.signed_in", "park") in trail
        assert ("park", "decision.overridden", "S-000777") in trail
        assert ("cho", "user.signed_in", "cho") in trail
        assert verify_audit_log(station.database).ok
    finally:
        shell.shutdown()
        station.stop()
