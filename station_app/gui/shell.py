"""The role-based shell: sign-in, the workspaces a role may use, screen lock, sign-out.

Flow: ``start()`` shows the first-run dialog while no account exists, then the
sign-in dialog. A sign-in installs the chosen language and opens a tab per
workspace the role may use (``accounts.roles.workspaces_for``), nothing else:

- inspection (inspectors, supervisors): the inspector ``MainWindow``;
- review (supervisors): review queue and statistics (``SupervisorWorkspace``);
- technician (technicians): calibration, diagnostics, image quality;
- station status (technicians, administrators): read-only status page;
- accounts (administrators): ``AccountsWorkspace``.

The inspector window is built once and lives as long as the shell: its adapter
keeps collecting parcels while nobody is signed in or while someone without the
inspection workspace is, and each sign-in hands it to the new person
(``MainWindow.set_principal``), so the queue survives a change of shift.
The other workspaces are built per sign-in for the person signed in.

Sign-out (or "sign in as another user" at the lock screen) ends the session,
hides the shell and shows the sign-in dialog again; closing the window signs out
(reason "closed") and ends the application (``finished``). Idle input for
``screen_lock_minutes`` locks the screen (``screen_lock``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QToolBar, QWidget

from station_app.accounts import Principal, Workspace
from station_app.accounts.service import END_CLOSED, END_REPLACED, END_SIGNED_OUT
from station_app.gui.account_texts import role_text
from station_app.gui.accounts_workspace import AccountsWorkspace
from station_app.gui.i18n import install_language
from station_app.gui.main_window import MainWindow
from station_app.gui.protocols import StationLike, StationStatusLike
from station_app.gui.screen_lock import IdleWatcher, ScreenLock
from station_app.gui.sign_in import FirstRunDialog, SignInDialog
from station_app.gui.status_bar import StationStatusBar
from station_app.gui.status_workspace import StationStatusWorkspace
from station_app.gui.supervisor_workspace import SupervisorWorkspace
from station_app.gui.technician_workspace import TechnicianWorkspace

log = logging.getLogger(__name__)


def apply_language(language: str) -> bool:
    """Install ``language`` for the GUI; False (English stays) when its catalogue is missing."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    try:
        install_language(app, language)
    except (FileNotFoundError, ValueError) as exc:
        log.warning("GUI language %s not installed, English texts shown: %s", language, exc)
        return False
    return True


class Shell(QMainWindow):
    finished = Signal()  # the person quit at the sign-in dialog, or closed the window
    principal_changed = Signal(object)  # Principal | None

    def __init__(
        self,
        station: StationLike,
        *,
        screen_lock_ms: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shell")
        self._station = station
        self._accounts = station.accounts
        self._principal: Principal | None = None
        self._closing = False
        self.sign_in_dialog: SignInDialog | None = None
        self.first_run_dialog: FirstRunDialog | None = None
        self.accounts_workspace: AccountsWorkspace | None = None
        self.status_workspace: StationStatusWorkspace | None = None

        # Widgets read their texts when they are made: the long-lived ones (inspector
        # window, lock panel) start in the station's configured language.
        configured = station.config.gui.language
        # The language installed now, and the one the inspector window's texts are in.
        self._language: str = configured if apply_language(configured) else "en"
        self._inspector_language: str = self._language
        self.inspector_window = self._new_inspector_window()
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("workspaces")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabBarAutoHide(True)  # one workspace: no tab bar
        self.setCentralWidget(self.tabs)

        self.session_bar = QToolBar(self.tr("Session"), self)
        self.session_bar.setObjectName("sessionBar")
        self.session_bar.setMovable(False)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("signedInAs")
        self.session_bar.addWidget(self.user_label)
        self.lock_action = QAction(self.tr("Lock screen"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_screen)
        self.sign_out_action = QAction(self.tr("Sign out"), self)
        self.sign_out_action.triggered.connect(lambda: self.sign_out())
        self.session_bar.addAction(self.lock_action)
        self.session_bar.addAction(self.sign_out_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.session_bar)

        # The inspector window has its status bar; people without that workspace
        # (technicians, administrators) get the same one here, fed by the same poll,
        # so a stopped scanner, an old calibration, a refused update or a sync problem
        # shows to them too.
        self.station_bar = StationStatusBar(
            calibration_max_age_h=station.config.calibration.max_age_hours, parent=self
        )
        self.setStatusBar(self.station_bar)
        self.station_bar.setVisible(False)
        self._station_bar_detector = station.detector_status()
        self.station_bar.set_detector_status(self._station_bar_detector)
        self._feed_station_bar(self.inspector_window)

        self.screen_lock = ScreenLock(self._accounts, self)
        self.screen_lock.unlocked.connect(self._on_unlocked)
        self.screen_lock.switch_user_requested.connect(lambda: self.sign_out(reason=END_REPLACED))
        minutes = self._accounts.config.screen_lock_minutes
        self.idle_watcher = IdleWatcher(
            screen_lock_ms if screen_lock_ms is not None else round(minutes * 60_000), self
        )
        self.idle_watcher.idle.connect(self.lock_screen)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle_watcher)
        em = self.fontMetrics().height()
        self.resize(em * 90, em * 56)

    # -- state -----------------------------------------------------------------

    @property
    def principal(self) -> Principal | None:
        return self._principal

    def workspace_names(self) -> list[Workspace]:
        pages = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [Workspace(str(page.property("workspace"))) for page in pages if page is not None]

    # -- signing in --------------------------------------------------------------

    def start(self) -> None:
        """Begin: parcels start queueing; first run or sign-in is asked for."""
        self.inspector_window.start()
        self._ask_for_sign_in()

    def _ask_for_sign_in(self, username: str = "") -> None:
        station_id = self._station.config.station_id
        # The station's language until someone chooses theirs (not the last person's).
        configured = self._station.config.gui.language
        self._language = configured if apply_language(configured) else "en"
        if self._accounts.first_run_needed():
            dialog = FirstRunDialog(self._accounts, station_id=station_id)
            self.first_run_dialog = dialog
            dialog.created.connect(self._ask_for_sign_in)
            dialog.rejected.connect(self._quit)
            dialog.show()
            return
        self.first_run_dialog = None
        sign_in = SignInDialog(
            self._accounts,
            station_id=station_id,
            language=self._station.config.gui.language,
            username=username,
        )
        self.sign_in_dialog = sign_in
        sign_in.signed_in.connect(self._enter)
        sign_in.rejected.connect(self._quit)
        sign_in.show()
        sign_in.activateWindow()

    def _enter(self, principal: Principal) -> None:
        self.sign_in_dialog = None
        self._principal = principal
        self._language = principal.language if apply_language(principal.language) else "en"
        # Made before the language was chosen: their texts follow it now.
        self.session_bar.setWindowTitle(self.tr("Session"))
        self.lock_action.setText(self.tr("Lock screen"))
        self.sign_out_action.setText(self.tr("Sign out"))
        self.user_label.setText(
            self.tr("{0} ({1}, {2})").format(
                principal.display_name, principal.username, role_text(principal.role)
            )
        )
        self.setWindowTitle(
            self.tr("Station {0} — {1}").format(
                self._station.config.station_id, principal.display_name
            )
        )
        for workspace in principal.workspaces:
            self._add_workspace(workspace, principal)
        self.station_bar.setVisible(Workspace.INSPECTION not in principal.workspaces)
        self.tabs.setEnabled(True)
        self.show()
        self.activateWindow()
        self.idle_watcher.start()
        self.principal_changed.emit(principal)

    def _add_workspace(self, workspace: Workspace, principal: Principal) -> None:
        page: QWidget
        if workspace is Workspace.INSPECTION:
            if self._language != self._inspector_language:
                self._rebuild_inspector_window(self._language)
            self.inspector_window.set_principal(principal)
            page, title = self.inspector_window, self.tr("Inspection")
        elif workspace is Workspace.REVIEW:
            review = SupervisorWorkspace(
                self._station, principal, station_id=self._station.config.station_id
            )
            review.start()
            page, title = review, self.tr("Review")
        elif workspace is Workspace.TECHNICIAN:
            page, title = TechnicianWorkspace(self._station, principal), self.tr("Technician")
        elif workspace is Workspace.STATION_STATUS:
            status = StationStatusWorkspace(self._station)
            status.start()
            self.status_workspace = status
            page, title = status, self.tr("Station status")
        else:
            accounts = AccountsWorkspace(self._accounts, principal)
            self.accounts_workspace = accounts
            page, title = accounts, self.tr("Accounts")
        page.setProperty("workspace", workspace.value)
        self.tabs.addTab(page, title)

    def _new_inspector_window(self) -> MainWindow:
        window = MainWindow(self._station, principal=None)
        window.setWindowFlags(Qt.WindowType.Widget)  # a page, not a window
        return window

    def _feed_station_bar(self, window: MainWindow) -> None:
        """The shell's status bar follows ``window``'s poll (rebuilt with the window:
        the old window's adapter, and its connections, go with it)."""
        window.adapter.status_changed.connect(self._on_station_status)
        window.adapter.sync_status_changed.connect(self.station_bar.update_sync)
        window.adapter.error_raised.connect(self.station_bar.show_error)

    def _on_station_status(self, status: StationStatusLike) -> None:
        self.station_bar.update_status(status)
        detector = self._station.detector_status()  # a model update changes it
        if detector != self._station_bar_detector:
            self._station_bar_detector = detector
            self.station_bar.set_detector_status(detector)

    def _rebuild_inspector_window(self, language: str) -> None:  # "en" | "ko"
        """The inspector window in the language just installed, with the queue kept."""
        previous = self.inspector_window
        window = self._new_inspector_window()
        self._feed_station_bar(window)
        window.start()
        window.take_over(previous)
        self.inspector_window = window
        self._inspector_language = language
        previous.setParent(None)
        previous.deleteLater()

    # -- screen lock -------------------------------------------------------------

    def lock_screen(self) -> None:
        principal = self._principal
        if principal is None or self.screen_lock.locked:
            return
        self.idle_watcher.stop()
        try:
            self._accounts.screen_locked(
                principal, idle_minutes=self.idle_watcher.timeout_ms / 60_000
            )
        except Exception:  # the lock itself must happen even if the record fails
            log.exception("screen lock not recorded")
        self.tabs.setEnabled(False)
        self.session_bar.setEnabled(False)
        self.screen_lock.lock(principal)

    def _on_unlocked(self) -> None:
        self.tabs.setEnabled(True)
        self.session_bar.setEnabled(True)
        self.idle_watcher.start()

    def resizeEvent(self, event: QResizeEvent, /) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.screen_lock.setGeometry(self.rect())

    # -- signing out -------------------------------------------------------------

    def sign_out(self, *, reason: str = END_SIGNED_OUT) -> None:
        """End the session; the sign-in dialog follows (unless the shell is closing)."""
        principal = self._principal
        if principal is None:
            return
        self._principal = None
        self.idle_watcher.stop()
        self.screen_lock.release()
        self.session_bar.setEnabled(True)
        try:
            self._accounts.sign_out(principal, reason=reason)
        except Exception:
            log.exception("sign-out of %s not recorded", principal.username)
        self.inspector_window.set_principal(None)
        self._clear_workspaces()
        self.station_bar.setVisible(False)
        self.principal_changed.emit(None)
        if not self._closing:
            self._ask_for_sign_in()
            self.hide()

    def _clear_workspaces(self) -> None:
        while self.tabs.count():
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if page is None:
                continue
            if page is self.inspector_window:
                page.setParent(None)  # kept for the next person; not deleted
                continue
            if isinstance(page, StationStatusWorkspace):
                page.stop()
            page.deleteLater()
        self.accounts_workspace = None
        self.status_workspace = None

    def _quit(self) -> None:
        self.shutdown()
        self.finished.emit()

    def shutdown(self) -> None:
        """Stop listening to the station (before it stops); sign out whoever is in."""
        self._closing = True
        self.sign_out(reason=END_CLOSED)
        self.inspector_window.adapter.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle_watcher)

    def closeEvent(self, event: QCloseEvent, /) -> None:  # noqa: N802 (Qt override)
        if not self._closing:
            self.shutdown()
            self.finished.emit()
        super().closeEvent(event)
