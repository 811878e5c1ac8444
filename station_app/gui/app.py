"""The desktop application: QApplication, the inspector window, clean shutdown.

``main(station_factory)`` owns the order of things: Qt first (so a station
error can be shown in a dialog), then the station, then the window; on exit
the window stops listening before the station stops its pipeline thread.
"""

from __future__ import annotations

import getpass
import logging
import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from station_app.config import StationConfig
from station_app.gui.main_window import MainWindow
from station_app.gui.protocols import StationLike
from station_app.gui.style import STYLE_SHEET

log = logging.getLogger(__name__)

EXIT_STARTUP_ERROR = 2


def _tr(text: str) -> str:
    return QCoreApplication.translate("App", text)


def current_operator() -> str:
    # No operator log-in yet: the OS account is the operator on record.
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service/container setups
        return "unknown"


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, configured for a console display (reuses a running one)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Fractional scaling (e.g. 150 % at 4K) unrounded, so text and the image
    # keep their proportions; must be set before the application exists.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName("station-app")
    app.setOrganizationName("station-app")
    app.setStyle("Fusion")  # same look on every platform; the style sheet builds on it
    app.setStyleSheet(STYLE_SHEET)
    return app


def main(
    station_factory: Callable[[], StationLike],
    *,
    operator: str | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    """Run the inspector GUI until its window closes; returns the exit code."""
    app = create_application(argv)
    try:
        station = station_factory()
    except Exception as exc:
        log.exception("the station could not be started")
        QMessageBox.critical(
            None,
            _tr("Station not started"),
            _tr("The station could not be started:\n{0}").format(exc),
        )
        return EXIT_STARTUP_ERROR
    window = MainWindow(station, operator=operator or current_operator())
    window.start()
    try:
        station.start()
    except Exception as exc:
        # Keep the window: the inspector sees the fault and parcels already stored.
        log.exception("the station did not start")
        window.status_bar.show_error(_tr("Station did not start: {0}").format(exc))
    window.show()
    try:
        return int(app.exec())
    finally:
        window.adapter.stop()
        try:
            station.stop()  # joins the pipeline thread
        except Exception:
            log.exception("the station did not stop cleanly")


def run_gui(config: StationConfig) -> int:
    """Entry point used by ``station-app gui``."""
    from station_app.station import build_station

    return main(lambda: build_station(config))
