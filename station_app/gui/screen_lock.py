"""Screen lock after idle time.

``IdleWatcher`` is an application-wide event filter: any key, mouse button,
mouse move, wheel or touch anywhere in the application restarts its timer;
when it runs out (``AccountsConfig.screen_lock_minutes``) it emits ``idle``.

``ScreenLock`` then covers the whole shell window with an opaque panel (the
parcel image and the manifest are hidden, not only dimmed) while the shell
disables what is beneath, so no shortcut reaches the workspace. Two ways out:

- the signed-in person types their password (``AccountService.resume``: checked
  like a sign-in, wrong ones count towards the lockout);
- "Sign in as another user": the shell signs the first person out (their
  session ends with reason "replaced", recorded) and shows the sign-in dialog.
  Two people are never signed in at one station at once, so every decision
  has exactly one person on record.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from station_app.accounts import AccountService, Principal
from station_app.gui.account_texts import account_error_text

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` after ``timeout_ms`` without user input anywhere in the application."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, timeout_ms))
        self._timer.timeout.connect(self.idle)

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in INPUT_EVENTS and self._timer.isActive():
            self._timer.start()  # restart: the person is still there
        return False  # never swallows the event


class ScreenLock(QFrame):
    """The panel over a locked window; ask ``lock(principal)`` to show it."""

    unlocked = Signal()
    switch_user_requested = Signal()

    def __init__(self, accounts: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screenLock")
        self.setAutoFillBackground(True)  # opaque: nothing of the workspace shows through
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._accounts = accounts
        self._principal: Principal | None = None

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        box = QWidget(self)
        box.setMaximumWidth(self.fontMetrics().averageCharWidth() * 60)
        box_layout = QVBoxLayout(box)
        self.title_label = QLabel(box)
        self.title_label.setObjectName("screenLockTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        self.password_edit = QLineEdit(box)
        self.password_edit.setObjectName("screenLockPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Password"))
        self.message_label = QLabel(box)
        self.message_label.setObjectName("screenLockMessage")
        self.message_label.setWordWrap(True)
        self.unlock_button = QPushButton(self.tr("Unlock"), box)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.switch_button = QPushButton(self.tr("Sign in as another user"), box)
        self.switch_button.setObjectName("switchUserButton")
        for widget in (
            self.title_label,
            self.password_edit,
            self.message_label,
            self.unlock_button,
            self.switch_button,
        ):
            box_layout.addWidget(widget)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

        self.password_edit.returnPressed.connect(self.try_unlock)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.switch_button.clicked.connect(self.switch_user_requested)
        self.hide()

    @property
    def locked(self) -> bool:
        return self._principal is not None

    def lock(self, principal: Principal) -> None:
        self._principal = principal
        # The panel outlives sign-ins: its texts follow the signed-in person's language.
        self.password_edit.setPlaceholderText(self.tr("Password"))
        self.unlock_button.setText(self.tr("Unlock"))
        self.switch_button.setText(self.tr("Sign in as another user"))
        self.title_label.setText(
            self.tr("Locked — signed in as {0} ({1})").format(
                principal.display_name, principal.username
            )
        )
        self.message_label.clear()
        self.password_edit.clear()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.password_edit.setFocus()

    def release(self) -> None:
        """Hide without asking (the shell signed the person out)."""
        self._principal = None
        self.password_edit.clear()
        self.hide()

    def try_unlock(self) -> bool:
        principal = self._principal
        if principal is None:
            return False
        password = self.password_edit.text()
        self.password_edit.clear()
        try:
            self._accounts.resume(principal, password)
        except Exception as exc:
            self.message_label.setText(account_error_text(exc, self._accounts.policy))
            return False
        self.release()
        self.unlocked.emit()
        return True
