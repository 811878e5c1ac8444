"""Decision panel: triage banner with its reasons, the alarm list, and the
three decision buttons.

Keys (window-wide; shown in the tooltips): Space or C = Clear, X = Open for
inspection, H = Hold for supervisor. They avoid the display keys (F1..F10,
R, O, +/-/0, [ ]) and the canvas's item keys (N, Shift+N / P). The panel only
announces ``decision_requested(Verdict)``; the window times and records it.

The list has one row per overlay in the canvas's jump order (detections, then
alarms), so a row index is a jump index: clicking a row announces
``overlay_requested(row)`` and ``select_overlay_row`` follows the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import ParcelScan, TriageLevel, Verdict
from station_app.gui.canvas import (
    SEVERITY_COLOURS,
    ItemLabelFn,
    Severity,
    detection_text,
    jump_order,
    plain_item_label,
)
from station_app.gui.core_texts import core_text
from station_app.gui.finding_texts import alarm_text

_CONTEXT = "DecisionPanel"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _noop(text: str) -> str:
    """Marks a table's text for the translation catalogue; translated where shown."""
    return text


LEVEL_TEXTS: dict[TriageLevel, str] = {
    TriageLevel.GREEN: _noop("GREEN — release"),
    TriageLevel.AMBER: _noop("AMBER — look closer"),
    TriageLevel.RED: _noop("RED — open the parcel"),
}

VERDICT_TEXTS: dict[Verdict, str] = {
    Verdict.CLEAR: _noop("Clear"),
    Verdict.OPEN: _noop("Open for inspection"),
    Verdict.HOLD: _noop("Hold for supervisor"),
}

def verdict_text(verdict: Verdict) -> str:
    """A verdict's name in the GUI's language (other widgets show it too)."""
    return _tr(VERDICT_TEXTS[verdict])


VERDICT_KEYS: dict[Verdict, tuple[str, ...]] = {
    Verdict.CLEAR: ("Space", "C"),
    Verdict.OPEN: ("X",),
    Verdict.HOLD: ("H",),
}


class DecisionPanel(QWidget):
    decision_requested = Signal(object)  # Verdict
    overlay_requested = Signal(int)  # row = index in the canvas's jump order

    def __init__(
        self, *, item_label: ItemLabelFn = plain_item_label, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("decisionPanel")
        self._item_label = item_label
        self._overlay_rows = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.parcel_label = QLabel(self)
        self.parcel_label.setObjectName("parcelLabel")
        self.parcel_label.setWordWrap(True)
        self.parcel_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.parcel_label)

        self.banner = QLabel(self)
        self.banner.setObjectName("triageBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.banner)

        self.reasons_label = QLabel(self)
        self.reasons_label.setObjectName("reasonsLabel")
        self.reasons_label.setWordWrap(True)
        layout.addWidget(self.reasons_label)

        heading = QLabel(_tr("Alarms and detections"), self)
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)
        self.alarm_list = QListWidget(self)
        self.alarm_list.setObjectName("alarmList")
        self.alarm_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.alarm_list.setWordWrap(True)
        self.alarm_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.alarm_list.setToolTip(
            _tr("Click a row to show it in the image. Next / previous item: N / Shift+N or P")
        )
        # Clicked, not currentRowChanged: a second click on the selected row
        # brings it back into view after the inspector panned away.
        self.alarm_list.itemClicked.connect(self._on_item_clicked)
        layout.addWidget(self.alarm_list, 1)

        self.decided_label = QLabel(self)
        self.decided_label.setObjectName("decidedLabel")
        self.decided_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.decided_label)

        grid = QGridLayout()
        grid.setSpacing(self.fontMetrics().height() // 3)
        self.verdict_actions: dict[Verdict, QAction] = {}
        self.buttons: dict[Verdict, QToolButton] = {}
        for row, verdict in enumerate(Verdict):
            action = QAction(_tr(VERDICT_TEXTS[verdict]), self)
            action.setShortcuts([QKeySequence(k) for k in VERDICT_KEYS[verdict]])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            keys = " / ".join(VERDICT_KEYS[verdict])
            action.setToolTip(_tr("{0} (key: {1})").format(_tr(VERDICT_TEXTS[verdict]), keys))
            # The button shows the action's icon text: name and keys, so the
            # keys are learnt by looking.
            action.setIconText(f"{_tr(VERDICT_TEXTS[verdict])}   [{keys}]")
            action.triggered.connect(lambda _checked=False, v=verdict: self._request(v))
            self.addAction(action)  # live shortcuts while the panel is shown
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setObjectName(f"decision_{verdict.value}")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            # No focus: Space must stay the Clear shortcut, not "press the
            # focused button".
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setMinimumHeight(self.fontMetrics().height() * 3)
            grid.addWidget(button, row, 0)
            self.verdict_actions[verdict] = action
            self.buttons[verdict] = button
        layout.addLayout(grid)
        self.set_parcel(None)

    def _request(self, verdict: Verdict) -> None:
        if self.verdict_actions[verdict].isEnabled():
            self.decision_requested.emit(verdict)

    def set_decision_enabled(self, enabled: bool) -> None:
        for action in self.verdict_actions.values():
            action.setEnabled(enabled)

    def set_parcel(
        self,
        parcel: ParcelScan | None,
        *,
        verdict: Verdict | None = None,
        red_alarm_kinds: frozenset[str] = frozenset(),
    ) -> None:
        self.alarm_list.clear()
        self._overlay_rows = 0
        if parcel is None:
            self.parcel_label.setText(_tr("Waiting for the next parcel…"))
            self.banner.setText(_tr("NO PARCEL"))
            self.banner.setProperty("level", "none")
            self.reasons_label.setText("")
            self.decided_label.setText("")
            self.set_decision_enabled(False)
            self._repolish(self.banner)
            return
        lines, pixels = parcel.image.shape
        length_mm = lines * parcel.image.line_pitch_mm
        height_mm = pixels * parcel.image.pixel_pitch_mm
        self.parcel_label.setText(
            _tr("Parcel {0}\nTracking: {1}\nSize: {2:.0f} × {3:.0f} mm").format(
                parcel.scan_id,
                parcel.tracking_id or _tr("not read"),
                length_mm,
                height_mm,
            )
        )
        level = parcel.triage.level
        self.banner.setText(_tr(LEVEL_TEXTS[level]))
        self.banner.setProperty("level", level.value)
        self._repolish(self.banner)
        reasons = tuple(core_text(reason) for reason in parcel.triage.reasons)
        if parcel.triage.risk_score is not None:
            reasons = (*reasons, _tr("central risk score {0:.2f}").format(parcel.triage.risk_score))
        self.reasons_label.setText(
            "\n".join(f"• {r}" for r in reasons) if reasons else _tr("No reasons given")
        )
        sources = jump_order(parcel)
        for source in sources:
            if source.detection is not None:
                item = QListWidgetItem(detection_text(source.detection, self._item_label))
                item.setForeground(SEVERITY_COLOURS[Severity.DETECTION])
            elif source.alarm is not None:
                alarm = source.alarm
                severity = Severity.RED if alarm.kind in red_alarm_kinds else Severity.AMBER
                item = QListWidgetItem(
                    f"{alarm_text(alarm.kind)}  ({alarm.score:.2f}, "
                    f"{alarm.area_mm2:.0f} mm²)\n{core_text(alarm.explanation)}"
                )
                item.setForeground(SEVERITY_COLOURS[severity])
            else:
                continue
            self.alarm_list.addItem(item)
        self._overlay_rows = self.alarm_list.count()
        if self._overlay_rows == 0:
            placeholder = QListWidgetItem(_tr("None"))
            # Nothing to show in the image: not selectable, but not greyed out.
            placeholder.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.alarm_list.addItem(placeholder)
        self.set_verdict(verdict)

    def select_overlay_row(self, row: int) -> None:
        """Select the row of the canvas's current overlay (-1: none), silently."""
        if not 0 <= row < self._overlay_rows:
            self.alarm_list.clearSelection()
            self.alarm_list.setCurrentRow(-1)
            return
        self.alarm_list.setCurrentRow(row)
        self.alarm_list.scrollToItem(self.alarm_list.item(row))

    @property
    def selected_overlay_row(self) -> int | None:
        row = self.alarm_list.currentRow()
        return row if 0 <= row < self._overlay_rows else None

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        row = self.alarm_list.row(item)
        if 0 <= row < self._overlay_rows:
            self.overlay_requested.emit(row)

    def set_verdict(self, verdict: Verdict | None) -> None:
        """Show a recorded verdict (buttons off) or none (buttons on)."""
        if verdict is None:
            self.decided_label.setText("")
            self.set_decision_enabled(True)
        else:
            self.decided_label.setText(_tr("Decided: {0}").format(_tr(VERDICT_TEXTS[verdict])))
            self.set_decision_enabled(False)

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        # Style sheets select on the dynamic "level" property; re-polish so a
        # changed property restyles the banner.
        widget.style().unpolish(widget)
        widget.style().polish(widget)
