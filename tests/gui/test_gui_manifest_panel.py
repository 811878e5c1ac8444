"""The manifest panel: declared lines, discrepancies in red/amber, empty state.

Real widgets (offscreen); the window tests use ``FakeStation.manifest_for``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from gui_fakes import FakeStation, make_discrepancies, make_manifest, make_principal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from station_app.domain import ParcelScan, TriageLevel
from station_app.gui.canvas import Severity
from station_app.gui.main_window import MainWindow
from station_app.gui.manifest_panel import SEVERITY_BACKGROUNDS, SEVERITY_TEXT, ManifestPanel

ParcelFactory = Callable[..., ParcelScan]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "manifest_panel.png"


def is_reddish(colour: QColor) -> bool:
    return colour.red() > 2 * max(colour.green(), colour.blue(), 1) and colour.red() >= 100


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None
    return item


@pytest.fixture
def panel(qtbot: QtBot, styled_app: object) -> ManifestPanel:
    widget = ManifestPanel()
    qtbot.addWidget(widget)
    widget.resize(520, 560)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_manifest_lines_summary_and_discrepancies(
    panel: ManifestPanel, parcel_factory: ParcelFactory
) -> None:
    manifest = make_manifest()
    parcel = parcel_factory(discrepancies=make_discrepancies(), risk_score=0.73)
    panel.set_parcel(parcel, manifest)

    assert panel.empty_label.isHidden()
    assert panel.lines_table.isVisible() and panel.discrepancy_list.isVisible()
    summary = panel.summary_label.text()
    assert "Postal" in summary and "sale of goods" in summary
    assert "Li Wei Trading (CN)" in summary
    assert "Anna Muster (CH)" in summary
    assert "35.40 EUR" in summary
    # Personal data beyond the names stays out of the panel.
    for private in ("+86", "+41", "Export Road", "Bahnhofstrasse"):
        assert private not in summary

    table = panel.lines_table
    assert table.rowCount() == 3
    rows = [[cell(table, r, c).text() for c in range(4)] for r in range(3)]
    assert rows[0] == ["Cotton T-shirts", "3", "610910", "24.00"]
    assert rows[2] == ["Kitchen scissors", "1", "821300", "4.90"]
    value_header = table.horizontalHeaderItem(3)
    assert value_header is not None and value_header.text() == "EUR"  # the value column's currency
    # Every column fits: no value is clipped by the narrow panel.
    assert table.horizontalHeader().length() <= table.viewport().width()

    assert panel.risk_label.isVisible()
    assert "0.73" in panel.risk_label.text()

    items = [panel.discrepancy_list.item(i) for i in range(panel.discrepancy_list.count())]
    assert len(items) == 2
    assert items[0].text().startswith("RED: Undeclared item (line 3)")
    assert "knife" in items[0].text()
    assert items[1].text().startswith("AMBER: Quantity exceeded (line 1)")


def test_red_discrepancy_is_visibly_red(
    panel: ManifestPanel, parcel_factory: ParcelFactory
) -> None:
    panel.set_parcel(parcel_factory(discrepancies=make_discrepancies()), make_manifest())
    red_item = panel.discrepancy_list.item(0)
    assert red_item.background().color() == SEVERITY_BACKGROUNDS[Severity.RED]
    assert is_reddish(red_item.background().color())
    assert red_item.foreground().color() == SEVERITY_TEXT[Severity.RED]  # readable on red
    amber_item = panel.discrepancy_list.item(1)
    assert amber_item.background().color() == SEVERITY_BACKGROUNDS[Severity.AMBER]
    assert not is_reddish(amber_item.background().color())

    table = panel.lines_table
    # Line 3 (red) and line 1 (amber) are tinted in every column; line 2 is not.
    for column in range(4):
        assert cell(table, 2, column).background().color() == SEVERITY_BACKGROUNDS[Severity.RED]
        assert is_reddish(cell(table, 2, column).background().color())
        assert cell(table, 0, column).background().color() == SEVERITY_BACKGROUNDS[Severity.AMBER]
        assert cell(table, 1, column).background().style().name == "NoBrush"
    assert cell(table, 2, 0).foreground().color() == SEVERITY_TEXT[Severity.RED]
    assert "knife" in cell(table, 2, 0).toolTip()

    # And it is red on screen, not only in the model: sample the painted row
    # and the painted discrepancy item (next to the text, not on it).
    image = table.viewport().grab().toImage()
    rect = table.visualItemRect(cell(table, 2, 1))
    painted = image.pixelColor(rect.left() + 1, rect.top() + 2)
    assert is_reddish(painted), painted.name()
    listed = panel.discrepancy_list
    image = listed.viewport().grab().toImage()
    rect = listed.visualItemRect(red_item)
    painted = image.pixelColor(rect.right() - 3, rect.bottom() - 3)
    assert is_reddish(painted), painted.name()


def test_no_manifest_shows_the_empty_state(
    panel: ManifestPanel, parcel_factory: ParcelFactory
) -> None:
    panel.set_parcel(parcel_factory(tracking_id="RR123456785CH"), None)
    assert panel.empty_label.isVisible()
    assert panel.lines_table.isHidden() and panel.discrepancy_list.isHidden()
    assert "No manifest data for this parcel" in panel.text
    assert "RR123456785CH" in panel.text
    assert panel.risk_label.isHidden()

    panel.set_parcel(parcel_factory(tracking_id=None, risk_score=0.2), None)
    assert "tracking id not read" in panel.text
    assert "0.20" in panel.risk_label.text()

    panel.set_parcel(None)
    assert panel.text == "No parcel"


def test_a_manifest_without_discrepancies_says_none_found(
    panel: ManifestPanel, parcel_factory: ParcelFactory
) -> None:
    panel.set_parcel(parcel_factory(), make_manifest())
    assert panel.discrepancy_list.count() == 1
    assert panel.discrepancy_list.item(0).text() == "No discrepancies found"
    table = panel.lines_table
    assert all(
        cell(table, r, 0).background().style().name == "NoBrush" for r in range(table.rowCount())
    )


def _window(qtbot: QtBot, station: FakeStation) -> MainWindow:
    window = MainWindow(station, principal=make_principal("inspector1"))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_window_looks_the_manifest_up_once_per_parcel_shown(
    qtbot: QtBot, station: FakeStation, styled_app: object, parcel_factory: ParcelFactory
) -> None:
    station.manifests["RR123456785CH"] = make_manifest()
    window = _window(qtbot, station)
    window.add_parcel(parcel_factory("S-1", discrepancies=make_discrepancies()))
    window.add_parcel(parcel_factory("S-2", tracking_id="RR999999995CH"))  # waits: S-1 undecided
    assert station.manifest_lookups == ["RR123456785CH"]
    panel = window.manifest_panel
    assert panel.manifest is not None and panel.lines_table.rowCount() == 3
    # Repaints do not look it up again.
    window.repaint()
    qtbot.wait(20)
    assert station.manifest_lookups == ["RR123456785CH"]
    # Deciding shows S-2, which has no manifest: the empty state.
    window.decide(next(iter(window.decision_panel.verdict_actions)))
    assert station.manifest_lookups == ["RR123456785CH", "RR999999995CH"]
    assert "No manifest data for this parcel" in panel.text
    assert "RR999999995CH" in panel.text


def test_window_survives_a_failing_manifest_lookup(
    qtbot: QtBot, station: FakeStation, styled_app: object, parcel_factory: ParcelFactory
) -> None:
    def broken(tracking_id: str) -> None:
        raise RuntimeError("database is locked")

    station.manifest_for = broken  # type: ignore[method-assign]
    window = _window(qtbot, station)
    window.add_parcel(parcel_factory())
    assert window.current_parcel is not None
    assert "No manifest data for this parcel" in window.manifest_panel.text
    assert "database is locked" in window.status_bar.error_label.text()


def test_manifest_panel_screenshot(
    qtbot: QtBot, station: FakeStation, styled_app: object, parcel_factory: ParcelFactory
) -> None:
    """Always grabs the panel; saves it only with ``STATION_SAVE_SCREENSHOTS=1``."""
    station.manifests["RR123456785CH"] = make_manifest()
    window = _window(qtbot, station)
    window.resize(1920, 1080)
    window.add_parcel(
        parcel_factory(
            "S-2024-0007",
            level=TriageLevel.RED,
            discrepancies=make_discrepancies(),
            risk_score=0.81,
        )
    )
    qtbot.wait(50)
    image = window.manifest_panel.grab()
    assert not image.isNull()
    if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(SCREENSHOT))
