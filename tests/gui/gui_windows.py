"""The inspector window as the GUI tests need it: shown, exposed and active.

Keys sent with ``qtbot.keyClick`` reach only the active window, so every test
that types needs all of this; one helper instead of a copy per test module.
"""

from __future__ import annotations

from gui_fakes import FakeStation, make_principal
from pytestqt.qtbot import QtBot

from station_app.gui.main_window import MainWindow


def shown_inspector_window(
    qtbot: QtBot, station: FakeStation, username: str = "inspector1", language: str = "en"
) -> MainWindow:
    win = MainWindow(station, principal=make_principal(username, language=language))
    qtbot.addWidget(win)
    win.resize(1600, 900)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    return win
