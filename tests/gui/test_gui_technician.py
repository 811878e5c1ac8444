"""The technician workspace on a real Station (simulated scanner, real SQLite).

One test walks the workspace the way a technician does: diagnostics and history
of the stored calibration, an image-quality run, a full wizard (calibrate, verify,
accept), and a refused action shown as an error. Saves docs/screenshots/
technician.png with ``STATION_SAVE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_fakes import make_principal
from pytestqt.qtbot import QtBot

from station_app.accounts import Role
from station_app.config import DriverConfig, StationConfig
from station_app.gui.technician_workspace import TechnicianWorkspace
from station_app.storage import CalibrationRepository
from station_app.storage.image_quality import ImageQualityRepository

pytestmark = pytest.mark.slow

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "technician.png"
JOB_TIMEOUT_MS = 120_000


@pytest.fixture
def station(calibrated_data_dir: Path) -> Iterator[object]:
    from station_app.station import build_station

    config = StationConfig(
        data_dir=calibrated_data_dir,
        driver=DriverConfig(name="simulator", options={"parcels": 0}),
    )
    built = build_station(config)
    yield built
    built.stop()


def _idle(qtbot: QtBot, workspace: TechnicianWorkspace) -> None:
    qtbot.waitUntil(lambda: not workspace.busy, timeout=JOB_TIMEOUT_MS)


def test_technician_calibrates_tests_and_reads_diagnostics(
    qtbot: QtBot, station: object, styled_app: object
) -> None:
    from station_app.station import Station

    assert isinstance(station, Station)
    technician = make_principal("tech1", Role.TECHNICIAN)
    workspace = TechnicianWorkspace(station, technician)
    qtbot.addWidget(workspace)
    workspace.resize(1920, 1080)
    workspace.show()
    qtbot.waitExposed(workspace)

    # Stored calibration: history, per-pixel maps and bad pixels, live scanner.
    assert workspace.history_table.rowCount() == 1
    assert workspace.diagnostics is not None
    assert workspace.bad_pixel_table.rowCount() >= len(workspace.diagnostics.dead_pixels) > 0
    workspace.refresh_live()
    assert "closed" in workspace.live_labels["interlocks"].text()
    assert workspace.live_labels["link"].text() == "no serial link"

    # Image quality: runs on the worker, table per test, stored with the history.
    workspace.tabs.setCurrentIndex(2)
    workspace.iq_button.click()
    assert workspace.busy and not workspace.iq_button.isEnabled()
    _idle(qtbot, workspace)
    assert workspace.last_iq_report is not None, workspace.message_label.text()
    assert workspace.last_iq_report.passed
    assert workspace.iq_table.rowCount() == 6
    assert workspace.iq_measurements.rowCount() > 0  # first test selected
    assert workspace.iq_history_table.rowCount() == 1
    assert "PASS" in workspace.iq_overall.text()

    # The wizard: calibrate, verify, accept.
    workspace.tabs.setCurrentIndex(0)
    assert not workspace.accept_button.isEnabled()
    workspace.start_button.click()
    _idle(qtbot, workspace)
    assert workspace.verify_button.isEnabled(), workspace.message_label.text()
    dark_status = workspace.steps_table.item(0, 1)
    assert dark_status is not None and dark_status.text() == "done"
    workspace.verify_button.click()
    _idle(qtbot, workspace)
    assert workspace.accept_button.isEnabled(), workspace.checks_text.toPlainText()
    assert "ACCEPT" in workspace.proposal_label.text()
    image = workspace.grab()
    assert not image.isNull()
    if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(SCREENSHOT))
    workspace.accept_button.click()
    assert "accepted" in workspace.message_label.text()
    assert workspace.history_table.rowCount() == 2
    config = station.config
    records = CalibrationRepository(station.database, config.station_id).history("SIM-0001")
    assert sum(r.kind == "detector" for r in records) == 2
    runs = ImageQualityRepository(station.database, config.station_id).history("SIM-0001")
    assert [r.purpose for r in runs] == ["verification", "routine"]
    assert not workspace.accept_button.isEnabled()


def test_refused_action_is_shown_as_an_error(
    qtbot: QtBot, station: object, styled_app: object
) -> None:
    inspector = make_principal("insp1", Role.INSPECTOR)
    workspace = TechnicianWorkspace(station, inspector)  # type: ignore[arg-type]
    qtbot.addWidget(workspace)
    # No "diagnostics" permission: the core refused and the workspace says so.
    assert workspace.message_label.property("error") is True
    workspace.start_button.click()
    assert workspace.wizard is None and not workspace.busy
    assert "calibrate" in workspace.message_label.text()

