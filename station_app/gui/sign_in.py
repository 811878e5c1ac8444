"""Sign-in and first-run dialogs.

``SignInDialog``: user name, password, language (English / 한국어). The
service does the work (``AccountService.sign_in``); the dialog shows its
answer in the chosen language, clears the password after every failure, and
works from the keyboard alone (Tab between fields, Enter signs in, Escape
quits). An account whose password was set by an administrator must choose a
new one before it gets a workspace: the dialog turns to a second page for that.

``FirstRunDialog``: only while no account exists; creates the administrator
(user name, display name, password twice) with the password rules shown live.
There is no default password anywhere.

Both emit their result and close; the shell decides what comes next.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.accounts import AccountError, AccountService, PasswordPolicy, Principal
from station_app.gui.account_texts import account_error_text, password_problem_texts

log = logging.getLogger(__name__)

LANGUAGE_NAMES = (("en", "English"), ("ko", "한국어"))  # each in its own language


def _password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData)
    return edit


def _message_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("signInMessage")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class NewPasswordFields(QWidget):
    """A new password typed twice, checked live against the policy."""

    changed = Signal()

    def __init__(
        self, policy: PasswordPolicy, *, username: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._policy = policy
        self._username = username
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.password_edit = _password_edit(self)
        self.password_edit.setObjectName("newPassword")
        self.repeat_edit = _password_edit(self)
        self.repeat_edit.setObjectName("repeatPassword")
        self.rules_label = _message_label(self)
        self.rules_label.setObjectName("passwordRules")
        layout.addRow(self.tr("New password"), self.password_edit)
        layout.addRow(self.tr("Repeat it"), self.repeat_edit)
        layout.addRow(self.rules_label)
        self.password_edit.textChanged.connect(self._update)
        self.repeat_edit.textChanged.connect(self._update)
        self._update()

    def set_username(self, username: str) -> None:
        if username != self._username:
            self._username = username
            self._update()

    @property
    def password(self) -> str:
        return self.password_edit.text()

    @property
    def valid(self) -> bool:
        return not self._problems() and self.password_edit.text() == self.repeat_edit.text()

    def _problems(self) -> list[str]:
        problems = self._policy.problems(self.password_edit.text(), username=self._username)
        return password_problem_texts(problems, self._policy)

    def _update(self) -> None:
        lines = self._problems()
        if not lines and self.repeat_edit.text() != self.password_edit.text():
            lines = [self.tr("The two passwords differ")]
        if not lines:
            lines = [self.tr("Password accepted")]
        self.rules_label.setText("\n".join(lines))
        self.changed.emit()

    def clear(self) -> None:
        self.password_edit.clear()
        self.repeat_edit.clear()


class SignInDialog(QDialog):
    signed_in = Signal(object)  # Principal

    def __init__(
        self,
        accounts: AccountService,
        *,
        station_id: str,
        language: str = "en",
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Sign in — station {0}").format(station_id))
        self._accounts = accounts
        self._pending: tuple[Principal, str] | None = None
        self.principal: Principal | None = None

        self.pages = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        # -- page 0: sign in
        sign_in_page = QWidget(self)
        form = QFormLayout(sign_in_page)
        self.username_edit = QLineEdit(username, sign_in_page)
        self.username_edit.setObjectName("username")
        self.password_edit = _password_edit(sign_in_page)
        self.password_edit.setObjectName("password")
        self.language_combo = QComboBox(sign_in_page)
        self.language_combo.setObjectName("language")
        for code, name in LANGUAGE_NAMES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(language)))
        self.message_label = _message_label(sign_in_page)
        form.addRow(self.tr("User name"), self.username_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        form.addRow(self.tr("Language"), self.language_combo)
        form.addRow(self.message_label)
        buttons = QDialogButtonBox(sign_in_page)
        self.sign_in_button = QPushButton(self.tr("Sign in"), sign_in_page)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        self.quit_button = QPushButton(self.tr("Quit"), sign_in_page)
        buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        form.addRow(buttons)
        self.sign_in_button.clicked.connect(self.try_sign_in)
        self.quit_button.clicked.connect(self.reject)
        self.pages.addWidget(sign_in_page)

        # -- page 1: a password set by an administrator is replaced first
        change_page = QWidget(self)
        change_layout = QVBoxLayout(change_page)
        self.change_heading = QLabel(
            self.tr("Your password was set by an administrator. Choose your own to continue."),
            change_page,
        )
        self.change_heading.setWordWrap(True)
        change_layout.addWidget(self.change_heading)
        self.new_password = NewPasswordFields(accounts.policy, parent=change_page)
        change_layout.addWidget(self.new_password)
        self.change_message = _message_label(change_page)
        change_layout.addWidget(self.change_message)
        self.change_button = QPushButton(self.tr("Change password and continue"), change_page)
        self.change_button.setObjectName("changePasswordButton")
        change_layout.addWidget(self.change_button)
        self.change_button.clicked.connect(self.try_change_password)
        self.new_password.changed.connect(
            lambda: self.change_button.setEnabled(self.new_password.valid)
        )
        self.change_button.setEnabled(False)
        self.pages.addWidget(change_page)

        (self.password_edit if username else self.username_edit).setFocus()

    @property
    def language(self) -> str:
        return str(self.language_combo.currentData())

    @property
    def message(self) -> str:
        return self.message_label.text()

    def try_sign_in(self) -> Principal | None:
        password = self.password_edit.text()
        try:
            principal = self._accounts.sign_in(
                self.username_edit.text(), password, language=self.language
            )
        except (AccountError, ValueError) as exc:
            self._refused(exc)
            return None
        except Exception as exc:  # e.g. the database is gone: say so, stay open
            log.exception("sign-in failed")
            self._refused(exc)
            return None
        finally:
            self.password_edit.clear()
        if principal.must_change_password:
            self._pending = (principal, password)
            self.new_password.set_username(principal.username)
            self.pages.setCurrentIndex(1)
            self.new_password.password_edit.setFocus()
            return None
        self._finish(principal)
        return principal

    def try_change_password(self) -> Principal | None:
        if self._pending is None or not self.new_password.valid:
            return None
        principal, current = self._pending
        try:
            self._accounts.change_own_password(principal, current, self.new_password.password)
        except Exception as exc:
            self.change_message.setText(account_error_text(exc, self._accounts.policy))
            self.new_password.clear()
            return None
        self._pending = None
        changed = replace(principal, must_change_password=False)
        self._finish(changed)
        return changed

    def _refused(self, exc: Exception) -> None:
        self.message_label.setText(account_error_text(exc, self._accounts.policy))
        self.password_edit.setFocus()

    def _finish(self, principal: Principal) -> None:
        self.principal = principal
        self.signed_in.emit(principal)
        self.accept()

    def reject(self) -> None:
        # Leaving half-way through the forced change: the session that was opened ends.
        if self._pending is not None:
            self._accounts.sign_out(self._pending[0])
            self._pending = None
        super().reject()


class FirstRunDialog(QDialog):
    """Creates the station's first administrator; shown only while no account exists."""

    created = Signal(str)  # the administrator's user name

    def __init__(
        self, accounts: AccountService, *, station_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(self.tr("First start — station {0}").format(station_id))
        self._accounts = accounts
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "No account exists yet. Create the administrator, who then creates the "
                "accounts of inspectors, supervisors and technicians."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("username")
        self.display_name_edit = QLineEdit(self)
        self.display_name_edit.setObjectName("displayName")
        form.addRow(self.tr("User name"), self.username_edit)
        form.addRow(self.tr("Display name"), self.display_name_edit)
        layout.addLayout(form)
        self.password_fields = NewPasswordFields(accounts.policy, parent=self)
        layout.addWidget(self.password_fields)
        self.message_label = _message_label(self)
        layout.addWidget(self.message_label)
        buttons = QDialogButtonBox(self)
        self.create_button = QPushButton(self.tr("Create administrator"), self)
        self.create_button.setObjectName("createButton")
        self.create_button.setDefault(True)
        quit_button = QPushButton(self.tr("Quit"), self)
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.create_button.clicked.connect(self.try_create)
        quit_button.clicked.connect(self.reject)
        self.username_edit.textChanged.connect(self._update)
        self.display_name_edit.textChanged.connect(self._update)
        self.password_fields.changed.connect(self._update)
        self._update()
        self.username_edit.setFocus()

    def _update(self) -> None:
        self.password_fields.set_username(self.username_edit.text().strip().lower())
        ready = (
            bool(self.username_edit.text().strip())
            and bool(self.display_name_edit.text().strip())
            and self.password_fields.valid
        )
        self.create_button.setEnabled(ready)

    def try_create(self) -> bool:
        if not self.create_button.isEnabled():
            return False
        try:
            account = self._accounts.create_first_administrator(
                self.username_edit.text(),
                self.display_name_edit.text(),
                self.password_fields.password,
            )
        except Exception as exc:
            self.message_label.setText(account_error_text(exc, self._accounts.policy))
            return False
        self.created.emit(account.username)
        self.accept()
        return True
