"""The administrator's workspace: the station's accounts.

A table of every account (user name, display name, role, state, last
sign-in) and the actions on the selected one: new account, disable/enable,
unlock, reset password, change role. Each action calls ``AccountService``
with the signed-in administrator; the service checks the permission and the
rules (not your own account, always one administrator left) and audits it.
This widget only shows the outcome, in the user's language.

New accounts and reset passwords are typed twice in a small dialog and must
be changed by their holder at the first sign-in (the administrator knows them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.accounts import Account, AccountService, Principal, Role
from station_app.gui.account_texts import account_error_text, local_time, role_text
from station_app.gui.sign_in import NewPasswordFields
from station_app.storage.models import utcnow

log = logging.getLogger(__name__)

COLUMNS = 5  # user name, display name, role, state, last sign-in


class NewAccountDialog(QDialog):
    """User name, display name, role and a first password (typed twice)."""

    def __init__(self, accounts: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newAccountDialog")
        self.setWindowTitle(self.tr("New account"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("username")
        self.display_name_edit = QLineEdit(self)
        self.display_name_edit.setObjectName("displayName")
        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("role")
        for role in Role:
            self.role_combo.addItem(role_text(role), role.value)
        form.addRow(self.tr("User name"), self.username_edit)
        form.addRow(self.tr("Display name"), self.display_name_edit)
        form.addRow(self.tr("Role"), self.role_combo)
        layout.addLayout(form)
        self.password_fields = NewPasswordFields(accounts.policy, parent=self)
        layout.addWidget(self.password_fields)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for edit in (self.username_edit, self.display_name_edit):
            edit.textChanged.connect(self._update)
        self.password_fields.changed.connect(self._update)
        self._update()

    @property
    def role(self) -> Role:
        return Role(str(self.role_combo.currentData()))

    def _update(self) -> None:
        self.password_fields.set_username(self.username_edit.text().strip().lower())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(
            bool(self.username_edit.text().strip())
            and bool(self.display_name_edit.text().strip())
            and self.password_fields.valid
        )


class ResetPasswordDialog(QDialog):
    def __init__(
        self, accounts: AccountService, username: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(self.tr("Reset the password of {0}").format(username))
        layout = QVBoxLayout(self)
        self.password_fields = NewPasswordFields(accounts.policy, username=username, parent=self)
        layout.addWidget(self.password_fields)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.password_fields.changed.connect(lambda: ok.setEnabled(self.password_fields.valid))
        ok.setEnabled(False)


class AccountsWorkspace(QWidget):
    changed = Signal()  # an account was changed (the table is already refreshed)

    def __init__(
        self, accounts: AccountService, principal: Principal, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("accountsWorkspace")
        self._accounts = accounts
        self._principal = principal
        self._rows: list[Account] = []
        self.new_account_dialog: NewAccountDialog | None = None
        self.reset_password_dialog: ResetPasswordDialog | None = None

        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, COLUMNS, self)
        self.table.setObjectName("accountsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("User name"),
                self.tr("Display name"),
                self.tr("Role"),
                self.tr("State"),
                self.tr("Last sign-in"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New account…"), self)
        self.disable_button = QPushButton(self.tr("Disable"), self)
        self.enable_button = QPushButton(self.tr("Enable"), self)
        self.unlock_button = QPushButton(self.tr("Unlock"), self)
        self.reset_button = QPushButton(self.tr("Reset password…"), self)
        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("newRole")
        for role in Role:
            self.role_combo.addItem(role_text(role), role.value)
        self.role_button = QPushButton(self.tr("Change role"), self)
        for widget in (
            self.new_button,
            self.disable_button,
            self.enable_button,
            self.unlock_button,
            self.reset_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(QLabel(self.tr("Role:"), self))
        actions.addWidget(self.role_combo)
        actions.addWidget(self.role_button)
        layout.addLayout(actions)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("accountsMessage")
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)

        self.new_button.clicked.connect(self.open_new_account)
        self.disable_button.clicked.connect(
            lambda: self._act(lambda name: self._accounts.disable(self._principal, name))
        )
        self.enable_button.clicked.connect(
            lambda: self._act(lambda name: self._accounts.enable(self._principal, name))
        )
        self.unlock_button.clicked.connect(
            lambda: self._act(lambda name: self._accounts.unlock(self._principal, name))
        )
        self.role_button.clicked.connect(
            lambda: self._act(
                lambda name: self._accounts.change_role(
                    self._principal, name, Role(str(self.role_combo.currentData()))
                )
            )
        )
        self.reset_button.clicked.connect(self.open_reset_password)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refresh()

    # -- table -----------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_username()
        try:
            self._rows = self._accounts.list_accounts(self._principal)
        except Exception as exc:
            log.exception("listing accounts failed")
            self._show_error(exc)
            return
        now = utcnow()
        self.table.setRowCount(len(self._rows))
        for row, account in enumerate(self._rows):
            last = account.last_sign_in_at
            cells = (
                account.username,
                account.display_name,
                role_text(account.role),
                self._state_text(account, now),
                self.tr("never") if last is None else last.astimezone().strftime("%Y-%m-%d %H:%M"),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, account.username)
                self.table.setItem(row, column, item)
        if selected is not None:
            self.select(selected)
        self._selection_changed()

    def _state_text(self, account: Account, now: datetime) -> str:
        if not account.enabled:
            return self.tr("disabled")
        if account.locked_at(now) and account.locked_until is not None:
            return self.tr("locked until {0}").format(local_time(account.locked_until))
        if account.must_change_password:
            return self.tr("active (must change password)")
        return self.tr("active")

    def usernames(self) -> list[str]:
        return [a.username for a in self._rows]

    def account(self, username: str) -> Account | None:
        return next((a for a in self._rows if a.username == username), None)

    def select(self, username: str) -> None:
        for row, account in enumerate(self._rows):
            if account.username == username:
                self.table.selectRow(row)
                return

    def selected_username(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        index = rows[0].row()
        return self._rows[index].username if 0 <= index < len(self._rows) else None

    def _selection_changed(self) -> None:
        account = self.account(self.selected_username() or "")
        for button in (self.unlock_button, self.reset_button, self.role_button):
            button.setEnabled(account is not None)
        self.disable_button.setEnabled(account is not None and account.enabled)
        self.enable_button.setEnabled(account is not None and not account.enabled)
        if account is not None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(account.role.value))

    # -- actions -------------------------------------------------------------

    def _act(self, action: Callable[[str], object]) -> bool:
        username = self.selected_username()
        if username is None:
            return False
        try:
            action(username)
        except Exception as exc:
            self._show_error(exc)
            return False
        self.message_label.setText(self.tr("{0}: done").format(username))
        self.refresh()
        self.changed.emit()
        return True

    def _show_error(self, exc: Exception) -> None:
        self.message_label.setText(account_error_text(exc, self._accounts.policy))

    def open_new_account(self) -> NewAccountDialog:
        dialog = NewAccountDialog(self._accounts, self)
        self.new_account_dialog = dialog
        dialog.accepted.connect(lambda: self._create(dialog))
        dialog.open()
        return dialog

    def _create(self, dialog: NewAccountDialog) -> None:
        try:
            account = self._accounts.create_account(
                self._principal,
                username=dialog.username_edit.text(),
                display_name=dialog.display_name_edit.text(),
                role=dialog.role,
                password=dialog.password_fields.password,
            )
        except Exception as exc:
            self._show_error(exc)
            return
        self.message_label.setText(
            self.tr("{0} created; the password must be changed at the first sign-in").format(
                account.username
            )
        )
        self.refresh()
        self.select(account.username)
        self.changed.emit()

    def open_reset_password(self) -> ResetPasswordDialog | None:
        username = self.selected_username()
        if username is None:
            return None
        dialog = ResetPasswordDialog(self._accounts, username, self)
        self.reset_password_dialog = dialog
        dialog.accepted.connect(
            lambda: self._act(
                lambda name: self._accounts.reset_password(
                    self._principal, name, dialog.password_fields.password
                )
            )
        )
        dialog.open()
        return dialog
