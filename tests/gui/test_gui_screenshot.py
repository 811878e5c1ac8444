"""Screenshot of the inspector workspace (docs/screenshots/inspector.png).

Always grabs the window (a smoke test of painting everything); saves the file
only with ``STATION_SAVE_SCREENSHOTS=1`` so normal runs write nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from gui_fakes import FakeStation, FakeStatus, make_principal
from pytestqt.qtbot import QtBot

from station_app.domain import Alarm, BoxPx, Detection, ParcelScan, TriageLevel
from station_app.gui.main_window import MainWindow

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "inspector.png"


def test_inspector_workspace_screenshot(
    qtbot: QtBot,
    station: FakeStation,
    styled_app: object,
    parcel_factory: Callable[..., ParcelScan],
) -> None:
    station.status_value = FakeStatus(
        queue_depth=3, parcels_processed=128, parcels_failed=1, calibration_age_h=3.4
    )
    window = MainWindow(station, principal=make_principal("inspector1"))
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    levels = [TriageLevel.GREEN, TriageLevel.GREEN, TriageLevel.AMBER, TriageLevel.RED]
    for index, level in enumerate(levels[:-1]):
        window.add_parcel(
            parcel_factory(f"S-2024-{index:04d}", level=level, seed=index, alarms=(), detections=())
        )
        window.decide(next(iter(window.decision_panel.verdict_actions)))
    red = parcel_factory(
        "S-2024-0003",
        lines=520,
        pixels=360,
        level=TriageLevel.RED,
        alarms=(
            Alarm(
                "dense_object",
                BoxPx(260, 180, 312, 288),
                7300.0,
                0.93,
                "Dense object of 7300 mm² hides what is behind it",
            ),
            Alarm(
                "organic_mass",
                BoxPx(104, 72, 260, 180),
                44900.0,
                0.64,
                "Organic mass with Zeff 7.2 in the range of explosives",
            ),
        ),
        detections=(Detection("knife", 0.82, BoxPx(250, 170, 320, 300)),),
    )
    window.add_parcel(red)
    window.add_parcel(parcel_factory("S-2024-0004", level=TriageLevel.AMBER, seed=9))
    window.adapter.poll_status()
    qtbot.wait(50)
    image = window.grab()
    assert not image.isNull()
    if os.environ.get("STATION_SAVE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(SCREENSHOT))
