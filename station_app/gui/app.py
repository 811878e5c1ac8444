"""The desktop application: QApplication, sign-in, the role's workspaces, clean shutdown.

``main(station_factory)`` owns the order of things: Qt first (so a station
error can be shown in a dialog), then the station, then the shell, which asks
for the first administrator or a sign-in before it shows any workspace
(``gui.shell``); on exit the shell signs out and stops listening before the
station stops its pipeline thread.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from station_app.config import StationConfig
from station_app.gui.protocols import StationLike
from station_app.gui.shell import Shell
from station_app.gui.style import STYLE_SHEET

log = logging.getLogger(__name__)

EXIT_STARTUP_ERROR = 2
SIGNAL_WAKE_MS = 250


def _tr(text: str) -> str:
    return QCoreApplication.translate("App", text)


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


def quit_on_termination(app: QApplication) -> Callable[[], None]:
    """SIGTERM (``systemctl stop``) and SIGINT end the GUI like closing it: the
    station stops cleanly instead of being killed mid-write. Returns what puts the
    previous handlers back."""

    def handler(signum: int, _frame: object) -> None:
        log.info("signal %d: closing the application", signum)
        app.quit()

    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # Python installs handlers on the main thread only
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    # Python runs signal handlers between bytecodes; Qt's C++ loop gives it none
    # unless something wakes the interpreter now and then.
    wake = QTimer(app)
    wake.setObjectName("signalWake")
    wake.timeout.connect(lambda: None)
    wake.start(SIGNAL_WAKE_MS)

    def restore() -> None:
        wake.stop()
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore


def main(
    station_factory: Callable[[], StationLike],
    *,
    argv: Sequence[str] | None = None,
) -> int:
    """Run the GUI until the user quits at the sign-in or closes the window."""
    app = create_application(argv)
    restore_signals = quit_on_termination(app)
    try:
        return _run(app, station_factory)
    finally:
        restore_signals()


def _run(app: QApplication, station_factory: Callable[[], StationLike]) -> int:
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
    # Windows come and go (sign-in dialog, shell): the shell says when it is over.
    app.setQuitOnLastWindowClosed(False)
    shell = Shell(station)
    shell.finished.connect(app.quit)
    shell.start()
    try:
        station.start()
    except Exception as exc:
        # Keep going: the inspector sees the fault and parcels already stored.
        log.exception("the station did not start")
        shell.inspector_window.status_bar.show_error(
            _tr("Station did not start: {0}").format(exc)
        )
    try:
        return int(app.exec())
    finally:
        shell.shutdown()
        app.setQuitOnLastWindowClosed(True)
        try:
            station.stop()  # joins the pipeline thread
        except Exception:
            log.exception("the station did not stop cleanly")


def run_gui(config: StationConfig) -> int:
    """Entry point used by ``station-app gui``."""
    from station_app.station import build_station

    return main(lambda: build_station(config))
