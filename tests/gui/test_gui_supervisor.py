"""The supervisor workspace on a real Station (simulated scanner, real SQLite).

A supervisor opens the review queue, opens a parcel an inspector held (the
stored image comes back through calibration, with the inspector's findings),
overrides it with a reason, and reads the statistics; the audit trail shows the
override and the shift report is written as PDF and CSV. Saves
docs/screenshots/supervisor.png with ``STATION_SAVE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_fakes import make_principal
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from station_app.accounts import Role
from station_app.config import DetectorConfig, DriverConfig, StationConfig
from station_app.domain import ParcelScan, Verdict
from station_app.gui.supervisor_workspace import SupervisorWorkspace
from station_app.storage.audit import AuditLog

pytestmark = pytest.mark.slow

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "supervisor.png"


@pytest.fixture
def station(calibrated_data_dir: Path) -> Iterator[object]:
    from station_app.station import build_station

    config = StationConfig(
        data_dir=calibrated_data_dir,
        driver=DriverConfig(name="simulator", options={"parcels": 3, "seed": 5}),
        detector=DetectorConfig(enabled=False),
    )
    built = build_station(config)
    yield built
    built.stop()


def test_supervisor_reviews_overrides_and_reports(
    qtbot: QtBot, station: object, styled_app: object, tmp_path: Path
) -> None:
    from station_app.station import Station

    assert isinstance(station, Station)
    processed: list[ParcelScan] = []
    station.events.parcel_processed.connect(processed.append)
    station.start()
    assert station.pipeline.wait(180)
    assert len(processed) == 3
    inspector = make_principal("kim", Role.INSPECTOR)
    held = processed[0].scan_id
    station.record_decision(held, Verdict.HOLD, inspector, decision_time_ms=6100.0)
    station.record_decision(processed[1].scan_id, Verdict.CLEAR, inspector, decision_time_ms=2300.0)

    supervisor = make_principal("park", Role.SUPERVISOR)
    workspace = SupervisorWorkspace(station, supervisor, station_id=station.config.station_id)
    qtbot.addWidget(workspace)
    workspace.resize(1920, 1080)
    workspace.show()
    qtbot.waitExposed(workspace)
    workspace.start()

    review = workspace.review
    queued = [review.queue.table.item(row, 0).data(0x0100)
              for row in range(review.queue.table.rowCount())]
    assert held in queued  # held by the inspector: in the queue whatever its triage
    review.open_scan(held)
    shown = review.canvas.parcel
    assert shown is not None and shown.scan_id == held
    assert shown.image.shape == processed[0].image.shape  # the stored image, recomputed
    assert review.form.history.count() == 1 and "kim" in review.form.history.item(0).text()

    # An override needs a reason: a short one is refused by the form, nothing stored.
    review.form.verdict_buttons[Verdict.CLEAR].setChecked(True)
    review.form.reason_edit.setPlainText("ok")
    review.form.submit_button.click()
    assert "reason" in review.form.message.text()
    review.form.reason_edit.setPlainText("Shoes with steel shanks, matches the manifest")
    if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
        review.form.message.clear()
        QApplication.processEvents()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert workspace.grab().save(str(SCREENSHOT))
    review.form.submit_button.click()
    assert "recorded" in review.form.message.text(), review.form.message.text()
    record = station.scans.get_scan(held)
    assert record is not None
    assert [(d.kind, d.verdict, d.operator) for d in record.decisions] == [
        ("inspection", Verdict.HOLD, "kim"),
        ("review", Verdict.CLEAR, "park"),
    ]
    entries = AuditLog(station.database, station.config.station_id).entries(
        action="decision.overridden"
    )
    assert [(e.actor, e.subject) for e in entries] == [("park", held)]

    # Statistics of the shift and the report.
    workspace.setCurrentWidget(workspace.statistics)
    workspace.statistics.refresh()
    stats = workspace.statistics.stats
    assert stats is not None and stats.parcels == 3 and stats.decided == 2
    assert stats.overrides == 1 and stats.flagged == 1 and stats.confirmation_rate == 0.0
    assert stats.hit_rate is None and stats.unchecked_flags == 1  # nobody opened it yet
    if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
        QApplication.processEvents()
        assert workspace.grab().save(str(SCREENSHOT.with_name("supervisor_statistics.png")))
    pdf = workspace.statistics.export_to(tmp_path / "shift.pdf")
    assert len(PdfReader(pdf).pages) >= 4
    rows = list(csv.reader(workspace.statistics.export_to(tmp_path / "shift.csv").open(
        encoding="utf-8-sig")))
    assert ["inspector", "kim", "2", "1", "4.2", "5.7"] in rows

