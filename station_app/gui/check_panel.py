"""The physical-checks panel of the inspection workspace: the opening table.

Lists this station's flagged parcels still waiting for a check result (the
newest decision open or hold, nothing recorded yet), and records what opening
one found: an outcome and a note (required for "Other"). The core
(``Station.record_check``) checks the permission and the rules; the panel only
asks. It sits in a dock of the inspector window, shown to roles holding
"record_check", and refreshes after every decision (its own, a colleague's, a
supervisor's review).

A supervisor (who also holds "override") can tick "Correct a recorded result":
the list then shows the results recorded in the same window, the one in force
per parcel, and recording gives a correction of the chosen one (a note saying
why is required); both results are kept, the newest counts.

Keyboard: Ctrl+K jumps to the list; Tab moves list → outcome → note → Record;
Ctrl+Enter records; Escape goes back to the image. While the keyboard is in
the panel, plain keys stay in it: Space or C in the list must never clear the
parcel on screen.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.accounts import Permission, Principal
from station_app.gui.decision_panel import verdict_text
from station_app.physical_checks import CheckOutcome, CheckResult, PendingCheck

if TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)
_CONTEXT = "CheckPanel"
LIST_WINDOW = timedelta(days=7)  # parcels scanned this long ago still wait at the table
REFRESH_DELAY_MS = 250  # decisions come every 1-2 s: one query per burst, not per decision
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _noop(text: str) -> str:
    """Marks a text for the translation catalogue; translated where shown."""
    return text


OUTCOME_TEXTS = {
    CheckOutcome.NOTHING_FOUND: _noop("Nothing found"),
    CheckOutcome.PROHIBITED_ITEM: _noop("Prohibited item found"),
    CheckOutcome.UNDECLARED_GOODS: _noop("Undeclared or misdeclared goods"),
    CheckOutcome.OTHER: _noop("Other (say what in the note)"),
}


def outcome_text(outcome: CheckOutcome) -> str:
    return _tr(OUTCOME_TEXTS[outcome])


@runtime_checkable
class CheckStationLike(Protocol):
    """``Station``'s physical-check methods; each checks the principal itself."""

    def pending_checks(
        self, principal: Principal | None, since: datetime | None = None
    ) -> list[PendingCheck]: ...

    def record_check(
        self,
        principal: Principal | None,
        scan_id: str,
        decision_id: int,
        outcome: CheckOutcome,
        note: str = "",
        *,
        corrects_check_id: int | None = None,
    ) -> CheckResult: ...

    def recent_checks(self, principal: Principal | None, since: datetime) -> list[CheckResult]: ...


class CheckPanel(QWidget):
    """The waiting parcels and the result form."""

    recorded = Signal(object)  # CheckResult
    leave_requested = Signal()  # Escape: the inspector goes back to the image

    COLUMNS = (_noop("Parcel"), _noop("Tracking number"), _noop("Verdict"),
               _noop("Decided by"), _noop("Decided at"))
    RESULT_COLUMNS = (_noop("Parcel"), _noop("Outcome"), _noop("Note"),
                      _noop("Recorded by"), _noop("Recorded at"))

    def __init__(self, station: CheckStationLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkPanel")
        self._station = station
        self._principal: Principal | None = None
        self._waiting: list[PendingCheck] = []
        self._results: list[CheckResult] = []  # the one in force per parcel, newest first
        layout = QVBoxLayout(self)
        em = self.fontMetrics().height()
        layout.setContentsMargins(em // 2, em // 2, em // 2, em // 2)

        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("checkTable")
        self.table.setHorizontalHeaderLabels([_tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the form
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.table.setAccessibleName(_tr("Parcels waiting for a physical check"))
        self.correct_box = QCheckBox(_tr("Correct a recorded &result"), self)
        self.correct_box.setObjectName("checkCorrectMode")
        self.correct_box.setVisible(False)  # supervisors only (set_principal)
        self.correct_box.toggled.connect(self._mode_changed)
        layout.addWidget(self.correct_box)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("checkCount")
        layout.addWidget(self.count_label)

        form = QFormLayout()
        self.outcome_combo = QComboBox(self)
        self.outcome_combo.setObjectName("checkOutcome")
        self.outcome_combo.addItem(_tr("Choose what was found…"), None)
        for outcome in CheckOutcome:
            self.outcome_combo.addItem(outcome_text(outcome), outcome.value)
        outcome_label = QLabel(_tr("&Outcome"), self)
        outcome_label.setBuddy(self.outcome_combo)
        form.addRow(outcome_label, self.outcome_combo)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("checkNote")
        self.note_edit.setPlaceholderText(_tr("Note (required for Other)"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(em * 4)
        note_label = QLabel(_tr("&Note"), self)
        note_label.setBuddy(self.note_edit)
        form.addRow(note_label, self.note_edit)
        layout.addLayout(form)
        self.record_button = QPushButton(_tr("Record result"), self)
        self.record_button.setObjectName("recordCheck")
        self.record_button.setToolTip(_tr("Record result (Ctrl+Enter)"))
        self.record_button.clicked.connect(self.record)
        layout.addWidget(self.record_button)
        self.message = QLabel(self)
        self.message.setObjectName("checkMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        # Only while the keyboard is in the panel: Ctrl+Enter is the review form's key in
        # the supervisor workspace.
        self.record_action = QAction(_tr("Record result"), self)
        self.record_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.record_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.record_action.triggered.connect(self.record)
        self.addAction(self.record_action)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.setEnabled(False)

    # -- who ---------------------------------------------------------------------

    @staticmethod
    def allowed(principal: Principal | None) -> bool:
        return principal is not None and principal.can(Permission.RECORD_CHECK)

    def set_principal(self, principal: Principal | None) -> None:
        """Hand the panel to a signed-in person (or nobody): the list is theirs to see."""
        self._principal = principal
        self.note_edit.clear()
        self.outcome_combo.setCurrentIndex(0)
        self.message.clear()
        may_correct = self.allowed(principal) and principal is not None and principal.can(
            Permission.OVERRIDE)
        self.correct_box.setVisible(may_correct)
        if not may_correct and self.correct_box.isChecked():
            self.correct_box.setChecked(False)  # refreshes the list of waiting parcels
        self.setEnabled(self.allowed(principal))
        if self.allowed(principal):
            self.refresh()
        else:
            self._show([])

    # -- the list ------------------------------------------------------------------

    @property
    def waiting(self) -> Sequence[PendingCheck]:
        return tuple(self._waiting)

    def request_refresh(self, *_args: object) -> None:
        """Refresh soon (a decision was recorded); a burst of them makes one query."""
        if self.allowed(self._principal):
            self._refresh_timer.start()

    def _mode_changed(self, _checked: bool) -> None:
        columns = self.RESULT_COLUMNS if self.correct_box.isChecked() else self.COLUMNS
        self.table.setHorizontalHeaderLabels([_tr(c) for c in columns])
        self.record_button.setText(
            _tr("Record correction") if self.correct_box.isChecked() else _tr("Record result"))
        self.note_edit.setPlaceholderText(
            _tr("Why the result is corrected (required)") if self.correct_box.isChecked()
            else _tr("Note (required for Other)"))
        self.message.clear()
        self.refresh()

    def refresh(self) -> None:
        self._refresh_timer.stop()
        if not self.allowed(self._principal):
            return
        since = datetime.now(UTC) - LIST_WINDOW
        try:
            if self.correct_box.isChecked():
                results = self._station.recent_checks(self._principal, since)
            else:
                waiting = self._station.pending_checks(self._principal, since)
        except Exception as exc:  # shown, never swallowed: the list must not look empty
            log.exception("parcels waiting for a check could not be read")
            self.message.setText(_tr("The list could not be read: {0}").format(exc))
            return
        if self.correct_box.isChecked():
            self._show_results(results)
        else:
            self._show(waiting)

    def _show_results(self, results: Sequence[CheckResult]) -> None:
        chosen = self.selected_result()
        newest: dict[str, CheckResult] = {}
        for result in results:  # newest first: the first one per parcel is in force
            newest.setdefault(result.scan_id, result)
        self._waiting = []
        self._results = list(newest.values())
        self._fill([
            (result.scan_id, outcome_text(result.outcome), result.note or "—", result.operator,
             result.checked_at.astimezone().strftime("%Y-%m-%d %H:%M"))
            for result in self._results
        ], None if chosen is None else chosen.scan_id)
        self.count_label.setText(_tr("{0} result(s) that can be corrected").format(
            len(self._results)))

    def selected_result(self) -> CheckResult | None:
        row = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self._results[row] if selected and 0 <= row < len(self._results) else None

    def _show(self, waiting: Sequence[PendingCheck]) -> None:
        chosen = self.selected()
        self._results = []
        self._waiting = list(waiting)
        self._fill([
            (item.scan_id, item.tracking_id or "—", verdict_text(item.verdict),
             _tr("{0} (review)").format(item.operator) if item.by_supervisor else item.operator,
             item.decided_at.astimezone().strftime("%Y-%m-%d %H:%M"))
            for item in self._waiting
        ], None if chosen is None else chosen.scan_id)
        self.count_label.setText(_tr("{0} parcel(s) waiting for a check").format(len(waiting)))

    def _fill(self, rows: Sequence[tuple[str, ...]], chosen_scan_id: str | None) -> None:
        """The table's rows (the scan id first); the same parcel stays selected across
        refreshes, else the first row."""
        self.table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        same = [i for i, cells in enumerate(rows) if cells[0] == chosen_scan_id]
        if same or rows:
            self.table.selectRow(same[0] if same else 0)

    def selected(self) -> PendingCheck | None:
        row = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self._waiting[row] if selected and 0 <= row < len(self._waiting) else None

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.table.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    # -- recording -----------------------------------------------------------------

    def chosen_outcome(self) -> CheckOutcome | None:
        value = self.outcome_combo.currentData()
        return None if value is None else CheckOutcome(str(value))

    def record(self) -> CheckResult | None:
        if self.correct_box.isChecked():
            return self._record_correction()
        parcel = self.selected()
        outcome = self.chosen_outcome()
        note = self.note_edit.toPlainText().strip()
        if parcel is None:
            self.message.setText(_tr("Choose a parcel in the list."))
            self.table.setFocus()
            return None
        if outcome is None:
            self.message.setText(_tr("Choose what the check found."))
            self.outcome_combo.setFocus()
            return None
        if outcome is CheckOutcome.OTHER and not note:
            self.message.setText(_tr("Other needs a note saying what was found."))
            self.note_edit.setFocus()
            return None
        try:
            # The core checks the permission and the rules: this panel is not the guard.
            result = self._station.record_check(
                self._principal, parcel.scan_id, parcel.decision_id, outcome, note
            )
        except Exception as exc:  # not recorded: say why, keep what was typed
            log.exception("check result for %s not recorded", parcel.scan_id)
            self.message.setText(_tr("Result not recorded: {0}").format(exc))
            self.refresh()  # the list may be out of date (the usual reason)
            return None
        self.note_edit.clear()
        self.outcome_combo.setCurrentIndex(0)
        self.refresh()
        self.message.setText(
            _tr("Result for {0} recorded: {1}.").format(parcel.scan_id, outcome_text(outcome))
        )
        self.table.setFocus()
        self.recorded.emit(result)
        return result

    def _record_correction(self) -> CheckResult | None:
        earlier = self.selected_result()
        outcome = self.chosen_outcome()
        note = self.note_edit.toPlainText().strip()
        if earlier is None or earlier.check_id is None:
            self.message.setText(_tr("Choose a result in the list."))
            self.table.setFocus()
            return None
        if outcome is None:
            self.message.setText(_tr("Choose what the check found."))
            self.outcome_combo.setFocus()
            return None
        if not note:
            self.message.setText(_tr("A correction needs a note saying why."))
            self.note_edit.setFocus()
            return None
        try:
            result = self._station.record_check(
                self._principal, earlier.scan_id, earlier.decision_id, outcome, note,
                corrects_check_id=earlier.check_id,
            )
        except Exception as exc:  # not recorded: say why, keep what was typed
            log.exception("correction of the check of %s not recorded", earlier.scan_id)
            self.message.setText(_tr("Correction not recorded: {0}").format(exc))
            self.refresh()
            return None
        self.note_edit.clear()
        self.outcome_combo.setCurrentIndex(0)
        self.refresh()
        self.message.setText(_tr("Result for {0} corrected: {1}.").format(
            earlier.scan_id, outcome_text(outcome)))
        self.table.setFocus()
        self.recorded.emit(result)
        return result

    # -- keys ------------------------------------------------------------------------

    def event(self, event: QEvent, /) -> bool:
        # Plain keys typed in the panel belong to it: the inspector's one-key shortcuts
        # (Space/C clear, X open, H hold, display keys) must not reach the parcel on
        # screen. ShortcutOverride travels from the focused child up to here.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            plain = not (event.modifiers() & _COMMAND_MODIFIERS)
            if plain and (event.text().strip() or event.key() == Qt.Key.Key_Space):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent, /) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.leave_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class CheckDock(QDockWidget):
    """The panel in a dock of the inspector window; hidden for roles without the right."""

    def __init__(self, station: CheckStationLike, parent: QWidget | None = None) -> None:
        super().__init__(_tr("Physical checks"), parent)
        self.setObjectName("checkDock")
        # Not closable: a closed dock has no way back for an inspector.
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.panel = CheckPanel(station, self)
        self.setWidget(self.panel)
        self.focus_action = QAction(_tr("Physical checks"), self)
        self.focus_action.setShortcut(QKeySequence("Ctrl+K"))
        self.focus_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.focus_action.triggered.connect(self.panel.focus_list)
        self.addAction(self.focus_action)
        self.setToolTip(_tr("Physical checks (Ctrl+K)"))

    def set_principal(self, principal: Principal | None) -> None:
        self.panel.set_principal(principal)
        self.setVisible(CheckPanel.allowed(principal))


def add_check_dock(window: QMainWindow, station: object) -> CheckDock | None:
    """Dock the panel at the bottom of ``window``; None for a station core without
    physical checks (an older core, a test double of the GUI tests)."""
    if not isinstance(station, CheckStationLike):
        return None
    dock = CheckDock(station, window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.setVisible(False)  # until someone allowed to record signs in
    return dock
