"""gui.app: start, run, and shut down cleanly; startup errors; Qt stays in gui."""

from __future__ import annotations

import subprocess
import sys

from gui_fakes import FakeStation
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from station_app.config import StationConfig
from station_app.gui import app as gui_app
from station_app.gui.protocols import StationLike


def _close_when_shown(qtbot: QtBot) -> None:
    def close() -> None:
        widget = QApplication.activeModalWidget() or QApplication.activeWindow()
        if widget is None:
            windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
            widget = windows[0] if windows else None
        if widget is None:
            QTimer.singleShot(50, close)
        else:
            widget.close()

    QTimer.singleShot(200, close)


def test_main_starts_and_stops_the_station(
    qtbot: QtBot, station: FakeStation, styled_app: object
) -> None:
    seen: list[StationLike] = []

    def factory() -> StationLike:
        seen.append(station)
        return station

    _close_when_shown(qtbot)  # the first-run dialog: nobody signs in, the app ends
    assert gui_app.main(factory) == 0
    assert station.started and station.stopped
    assert seen == [station]


def test_main_reports_a_station_that_cannot_be_built(
    qtbot: QtBot, config: StationConfig, styled_app: object
) -> None:
    def factory() -> StationLike:
        raise FileNotFoundError("calibration file not found: wedge.toml")

    _close_when_shown(qtbot)
    assert gui_app.main(factory) == gui_app.EXIT_STARTUP_ERROR


def test_core_modules_do_not_import_qt() -> None:
    code = (
        "import importlib, sys\n"
        "for name in ['station_app.config', 'station_app.domain', 'station_app.events',\n"
        "             'station_app.imaging.render', 'station_app.station']:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError:\n"
        "        pass  # a module still being written elsewhere\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
