"""The supervisor workspace: the review queue and the shift statistics.

Review: flagged parcels (AMBER/RED, held by inspectors, discrepancies,
certificate problems) of every station in the database, filtered and sorted;
opening one shows the same canvas, overlays, manifest and certificate panels
the inspector had, the inspector's marks (read-only: where they pointed), the
decisions so far, and the review form. Confirming or
overriding needs a reason; both the inspector's decision and the review are
kept (the core enforces both the permission and the reason, the form only asks
for them).

Statistics: a period (this shift, last 8 h, today, custom), the figures of
``station_app.supervision.statistics`` (the hit rate and false alarms from the
physical checks of flagged parcels among them) and their charts (the figure
builders the PDF report uses, on Qt canvases), and the PDF/CSV export.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QCoreApplication, QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import TriageLevel, Verdict
from station_app.gui.canvas import ImageCanvas
from station_app.gui.certificate_panel import CertificatePanel
from station_app.gui.core_texts import core_text
from station_app.gui.decision_panel import verdict_text
from station_app.gui.manifest_panel import ManifestPanel
from station_app.storage.review import ReviewFilter, ReviewItem
from station_app.supervision import shift_report
from station_app.supervision.shift_report import ReportTexts
from station_app.supervision.statistics import ShiftStatistics

if TYPE_CHECKING:
    from datetime import tzinfo

    from station_app.accounts import Principal
    from station_app.gui.protocols import StationLike

log = logging.getLogger(__name__)
_CONTEXT = "SupervisorWorkspace"
MIN_REASON_CHARS = 5


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _noop(text: str) -> str:
    """Marks a table's text for the translation catalogue; translated where shown."""
    return text


def report_texts(language: str) -> ReportTexts:
    """The report's texts in the signed-in user's language (kept with the report code,
    so the PDF written from the command line reads the same)."""
    return shift_report.TEXTS.get(language, ReportTexts())


def _period_edits(parent: QWidget) -> tuple[QDateTimeEdit, QDateTimeEdit]:
    """From / to editors, preset to the last 8 hours, to the minute."""
    now = QDateTime.currentDateTime()
    edits = (QDateTimeEdit(now.addSecs(-8 * 3600), parent), QDateTimeEdit(now, parent))
    for edit in edits:
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edits


def _aware(edit: QDateTimeEdit) -> datetime:
    """The edit's local date and time as an aware datetime."""
    seconds = edit.dateTime().toSecsSinceEpoch()
    return datetime.fromtimestamp(seconds, UTC).astimezone()


def _when(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


class ReviewQueueView(QWidget):
    """Filters over a table of flagged parcels; ``opened(scan_id)`` on activation."""

    opened = Signal(str)

    COLUMNS = (_noop("Started"), _noop("Station"), _noop("Tracking id"), _noop("Level"),
               _noop("Reasons"), _noop("Inspector"), _noop("Verdict"), _noop("Review"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewQueue")
        layout = QVBoxLayout(self)
        filters = QGridLayout()
        self.start_edit, self.end_edit = _period_edits(self)
        # "Until now" by default: parcels scanned after the view opened still show.
        self.until_now_box = QCheckBox(_tr("until now"), self)
        self.until_now_box.setChecked(True)
        self.until_now_box.toggled.connect(lambda on: self.end_edit.setEnabled(not on))
        self.end_edit.setEnabled(False)
        self.station_edit = QLineEdit(self)
        self.station_edit.setPlaceholderText(_tr("all stations (comma-separated)"))
        self.inspector_edit = QLineEdit(self)
        self.inspector_edit.setPlaceholderText(_tr("all inspectors (comma-separated)"))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(_tr("text in a reason, e.g. knife"))
        self.level_boxes = {
            level.value: QCheckBox(level.value.upper(), self)
            for level in (TriageLevel.RED, TriageLevel.AMBER, TriageLevel.GREEN)
        }
        self.unreviewed_box = QCheckBox(_tr("Not yet reviewed only"), self)
        self.unreviewed_box.setChecked(True)
        self.sort_combo = QComboBox(self)
        for key, text in (("newest", _tr("Newest first")), ("oldest", _tr("Oldest first")),
                          ("level", _tr("Level (RED first)")), ("station", _tr("Station")),
                          ("inspector", _tr("Inspector"))):
            self.sort_combo.addItem(text, key)
        self.refresh_button = QPushButton(_tr("Refresh"), self)
        self.refresh_button.setShortcut("F5")
        filters.addWidget(QLabel(_tr("From")), 0, 0)
        filters.addWidget(self.start_edit, 0, 1)
        filters.addWidget(QLabel(_tr("to")), 0, 2)
        filters.addWidget(self.end_edit, 0, 3)
        filters.addWidget(self.until_now_box, 0, 4)
        filters.addWidget(self.station_edit, 1, 0, 1, 2)
        filters.addWidget(self.inspector_edit, 1, 2, 1, 2)
        filters.addWidget(self.reason_edit, 2, 0, 1, 2)
        levels = QHBoxLayout()
        for box in self.level_boxes.values():
            levels.addWidget(box)
        levels.addWidget(self.unreviewed_box)
        filters.addLayout(levels, 2, 2, 1, 2)
        filters.addWidget(self.sort_combo, 3, 0, 1, 2)
        filters.addWidget(self.refresh_button, 3, 3)
        layout.addLayout(filters)

        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("reviewTable")
        self.table.setHorizontalHeaderLabels([_tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch
        )
        self.table.itemActivated.connect(self._activated)
        self.table.itemDoubleClicked.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel(self)
        layout.addWidget(self.count_label)
        self._items: list[ReviewItem] = []

    def current_filter(self) -> ReviewFilter:
        def names(edit: QLineEdit) -> tuple[str, ...]:
            return tuple(n.strip() for n in edit.text().split(",") if n.strip())

        return ReviewFilter(
            start=_aware(self.start_edit),
            end=None if self.until_now_box.isChecked() else _aware(self.end_edit),
            stations=names(self.station_edit),
            inspectors=names(self.inspector_edit),
            reason=self.reason_edit.text(),
            levels=tuple(level for level, box in self.level_boxes.items() if box.isChecked()),
            unreviewed_only=self.unreviewed_box.isChecked(),
            sort=self.sort_combo.currentData(),
        )

    def set_items(self, items: list[ReviewItem]) -> None:
        self._items = list(items)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            first = item.scan.inspector_decision
            review = item.scan.supervisor_decision
            reasons = "; ".join(
                core_text(text) for text in (*item.triage_reasons, *item.discrepancies)
            )
            cells = (
                _when(item.scan.started_at),
                item.scan.station_id,
                item.tracking_id or "—",
                item.scan.triage_level.upper(),
                reasons,
                first.operator if first else "—",
                verdict_text(first.verdict) if first else _tr("undecided"),
                verdict_text(review.verdict) if review else "",
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.scan.scan_id)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self.count_label.setText(_tr("{0} parcel(s)").format(len(items)))

    def _activated(self, cell: QTableWidgetItem) -> None:
        self.opened.emit(str(cell.data(Qt.ItemDataRole.UserRole)))


class ReviewForm(QGroupBox):
    """The decisions so far and the supervisor's verdict with its mandatory reason."""

    review_requested = Signal(object, str)  # Verdict, reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_tr("Review"), parent)
        self.setObjectName("reviewForm")
        layout = QVBoxLayout(self)
        self.history = QListWidget(self)
        self.history.setObjectName("decisionHistory")
        line = self.fontMetrics().height()
        self.history.setMaximumHeight(line * 9)
        self.history.setWordWrap(True)
        layout.addWidget(QLabel(_tr("Decisions so far")))
        layout.addWidget(self.history)
        self.verdict_group = QButtonGroup(self)
        self.verdict_buttons: dict[Verdict, QRadioButton] = {}
        row = QVBoxLayout()  # one per line: the long verdict names are never cut
        for verdict in Verdict:
            button = QRadioButton(verdict_text(verdict), self)
            self.verdict_group.addButton(button)
            self.verdict_buttons[verdict] = button
            row.addWidget(button)
        layout.addLayout(row)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setObjectName("reviewReason")
        self.reason_edit.setPlaceholderText(_tr("Reason (required; kept in the audit trail)"))
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setMaximumHeight(line * 6)
        layout.addWidget(self.reason_edit)
        self.submit_button = QPushButton(_tr("Record review"), self)
        self.submit_button.setObjectName("recordReview")
        self.submit_button.setShortcut("Ctrl+Return")
        self.submit_button.setToolTip(_tr("Record review (Ctrl+Enter)"))
        self.submit_button.clicked.connect(self._submit)
        layout.addWidget(self.submit_button)
        self.message = QLabel(self)
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.set_item(None)

    def set_item(self, item: ReviewItem | None) -> None:
        self.history.clear()
        self.reason_edit.clear()
        self.message.clear()
        self.setEnabled(item is not None)
        if item is None:
            return
        for fact in item.scan.decisions:
            who = _tr("review") if fact.by_supervisor else _tr("inspection")
            verdict = verdict_text(fact.verdict)
            text = f"{_when(fact.decided_at)}  {who}: {fact.operator} — {verdict}"
            if fact.marks:
                text += "  · " + _tr("{0} mark(s) on the image").format(len(fact.marks))
            if fact.comment:
                text += f"\n    {fact.comment}"
            self.history.addItem(text)
        if not item.scan.decisions:
            self.history.addItem(_tr("No decision yet."))
        first = item.scan.inspector_decision
        default = first.verdict if first is not None else Verdict.HOLD
        self.verdict_buttons[default].setChecked(True)

    def selected_verdict(self) -> Verdict | None:
        for verdict, button in self.verdict_buttons.items():
            if button.isChecked():
                return verdict
        return None

    def _submit(self) -> None:
        verdict = self.selected_verdict()
        reason = self.reason_edit.toPlainText().strip()
        if verdict is None:
            self.message.setText(_tr("Choose a verdict."))
            return
        if len(reason) < MIN_REASON_CHARS:
            self.message.setText(_tr("A reason of at least {0} characters is required.").format(
                MIN_REASON_CHARS))
            self.reason_edit.setFocus()
            return
        self.review_requested.emit(verdict, reason)


class ReviewView(QWidget):
    """Queue on the left; the opened parcel (canvas, manifest, review form) on the right."""

    def __init__(self, station: StationLike, principal: Principal,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._station = station
        self._principal = principal
        self._items: dict[str, ReviewItem] = {}
        self._open_scan: str | None = None
        self.queue = ReviewQueueView(self)
        self.canvas = ImageCanvas(
            station.renderer,
            item_label=lambda c: station.item_label(c, principal.language),
            allow_marking=False,  # a review shows the inspector's marks, never adds any
        )
        self.manifest_panel = ManifestPanel()
        self.certificate_panel = CertificatePanel(station)
        self.form = ReviewForm()
        # Like the inspector's window: the image large, the panels in a column beside it.
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.form, 3)
        side_layout.addWidget(self.manifest_panel, 2)
        side_layout.addWidget(self.certificate_panel, 1)
        em = self.fontMetrics().averageCharWidth()
        side.setMinimumWidth(em * 48)
        parcel_view = QSplitter(Qt.Orientation.Horizontal)
        parcel_view.addWidget(self.canvas)
        parcel_view.addWidget(side)
        parcel_view.setStretchFactor(0, 3)
        parcel_view.setStretchFactor(1, 1)
        # Proportions, not pixels: QSplitter scales them to its width when shown.
        parcel_view.setSizes([2600, 1400])
        side.setMaximumWidth(em * 80)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.queue)
        splitter.addWidget(parcel_view)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([1000, 3000])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.queue.refresh_button.clicked.connect(self.refresh)
        self.queue.opened.connect(self.open_scan)
        self.form.review_requested.connect(self._record)

    def refresh(self) -> None:
        try:
            flt = self.queue.current_filter()
            items = self._station.supervision.review_queue(self._principal, flt)
        except Exception as exc:  # shown, never swallowed: the queue must not look empty
            log.exception("review queue could not be read")
            QMessageBox.warning(self, _tr("Review queue"),
                                _tr("The review queue could not be read: {0}").format(exc))
            return
        self._items = {i.scan.scan_id: i for i in items}
        self.queue.set_items(items)

    def open_scan(self, scan_id: str) -> None:
        item = self._items.get(scan_id)
        if item is None:
            return
        try:
            parcel = self._station.supervision.load_parcel(self._principal, scan_id)
        except Exception as exc:
            log.exception("scan %s could not be loaded", scan_id)
            self.form.set_item(item)
            self.form.message.setText(_tr("The image could not be loaded: {0}").format(exc))
            return
        self._open_scan = scan_id
        self.canvas.set_parcel(parcel)
        first = item.scan.inspector_decision
        self.canvas.set_marks(first.marks if first is not None else (), read_only=True)
        manifest = None
        if item.tracking_id:
            try:
                manifest = self._station.supervision.manifest_for_principal(
                    self._principal, item.tracking_id
                )
            except Exception:
                log.exception("manifest for %s could not be read", item.tracking_id)
        self.manifest_panel.set_parcel(parcel, manifest)
        self.certificate_panel.set_parcel(parcel)
        self.form.set_item(item)

    @property
    def open_scan_id(self) -> str | None:
        return self._open_scan

    def _record(self, verdict: Verdict, reason: str) -> None:
        scan_id = self._open_scan
        if scan_id is None:
            return
        try:
            self._station.supervision.review_decision(self._principal, scan_id, verdict, reason)
        except Exception as exc:  # not recorded: say so, keep the form as it is
            log.exception("review of %s not recorded", scan_id)
            self.form.message.setText(_tr("Review not recorded: {0}").format(exc))
            return
        self.refresh()
        if scan_id in self._items:
            self.open_scan(scan_id)
        else:
            self.form.set_item(None)
        self.form.message.setText(_tr("Review of {0} recorded.").format(scan_id))


def _chart(figure: Figure) -> FigureCanvasQTAgg:
    canvas = FigureCanvasQTAgg(figure)  # type: ignore[no-untyped-call]
    # Height in font units, so charts read the same at 1080p and 4K.
    canvas.setMinimumHeight(canvas.fontMetrics().height() * 16)
    return canvas


class StatisticsView(QWidget):
    """Figures and charts of a period; PDF and CSV export of the shift report."""

    PRESETS = (("shift", _noop("Last 8 hours")), ("today", _noop("Today")),
               ("day", _noop("Last 24 hours")), ("week", _noop("Last 7 days")),
               ("custom", _noop("Custom")))

    def __init__(self, station: StationLike, principal: Principal, *, station_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._station = station
        self._principal = principal
        self._station_id = station_id
        self.stats: ShiftStatistics | None = None
        self._preset_period: tuple[datetime, datetime] | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.preset_combo = QComboBox(self)
        for key, text in self.PRESETS:
            self.preset_combo.addItem(_tr(text), key)
        self.start_edit, self.end_edit = _period_edits(self)
        self.show_button = QPushButton(_tr("Show"), self)
        self.pdf_button = QPushButton(_tr("Export PDF…"), self)
        self.csv_button = QPushButton(_tr("Export CSV…"), self)
        for widget in (self.preset_combo, self.start_edit, self.end_edit, self.show_button,
                       self.pdf_button, self.csv_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = QFormLayout()
        summary_box = QWidget(self)
        summary_box.setLayout(self.summary)
        layout.addWidget(summary_box)
        self.charts = QWidget()
        self.charts_layout = QGridLayout(self.charts)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.charts)
        layout.addWidget(scroll, 1)
        self.preset_combo.currentIndexChanged.connect(self._preset_changed)
        self.show_button.clicked.connect(self.refresh)
        self.pdf_button.clicked.connect(self._export_pdf)
        self.csv_button.clicked.connect(self._export_csv)
        self._preset_changed()

    def period(self) -> tuple[datetime, datetime]:
        # The edits show minutes only: a preset's exact bounds are kept beside them, or
        # a parcel scanned in the current minute would fall outside "up to now".
        if self._preset_period is not None:
            return self._preset_period
        return _aware(self.start_edit), _aware(self.end_edit)

    def _preset_changed(self) -> None:
        key = self.preset_combo.currentData()
        now = datetime.now(UTC).astimezone()
        spans = {"shift": timedelta(hours=8), "day": timedelta(days=1),
                 "week": timedelta(days=7)}
        custom = key == "custom"
        self.start_edit.setEnabled(custom)
        self.end_edit.setEnabled(custom)
        if custom:
            self._preset_period = None
            return
        start = now.replace(hour=0, minute=0, second=0, microsecond=0) if key == "today" else (
            now - spans[key])
        self._preset_period = (start, now)
        self.start_edit.setDateTime(QDateTime(start))
        self.end_edit.setDateTime(QDateTime(now))

    def refresh(self) -> None:
        if self.preset_combo.currentData() != "custom":
            self._preset_changed()  # "last 8 hours" means up to now, every time
        start, end = self.period()
        try:
            self.stats = self._station.supervision.shift_statistics(self._principal, start, end)
        except Exception as exc:
            log.exception("statistics could not be computed")
            QMessageBox.warning(self, _tr("Statistics"),
                                _tr("The statistics could not be computed: {0}").format(exc))
            return
        self._show(self.stats)

    def _zone(self) -> tzinfo:
        zone = datetime.now().astimezone().tzinfo
        return zone if zone is not None else UTC

    def _show(self, stats: ShiftStatistics) -> None:
        texts = report_texts(self._principal.language)
        while self.summary.rowCount():
            self.summary.removeRow(0)
        for key, value in shift_report.summary_rows(stats, texts, self._zone()):
            label = QLabel(value)
            label.setObjectName("statValue")
            self.summary.addRow(key, label)
        while self.charts_layout.count():
            child = self.charts_layout.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        labels = {c: self._station.item_label(c, self._principal.language)
                  for c in stats.detected_classes}
        figures = [
            shift_report.parcels_per_hour_figure(stats, texts),
            shift_report.triage_mix_figure(stats, texts),
            shift_report.decision_times_figure(stats, texts),
            shift_report.detected_classes_figure(stats, texts, labels),
        ]
        if stats.check_outcomes:  # what opening the flagged parcels found
            figures.append(shift_report.check_outcomes_figure(stats, texts))
        if stats.tip:
            figures.append(shift_report.tip_figure(stats, texts))
        for index, figure in enumerate(figures):
            self.charts_layout.addWidget(_chart(figure), index // 2, index % 2)

    def _export_pdf(self) -> None:
        self._export("pdf")

    def _export_csv(self) -> None:
        self._export("csv")

    def _export(self, kind: str) -> None:
        self.refresh()  # the report is of the period chosen now, not the one last shown
        stats = self.stats
        if stats is None:
            return
        suggested = f"shift-{self._station_id}-{stats.start.astimezone():%Y%m%d-%H%M}.{kind}"
        name, _filter = QFileDialog.getSaveFileName(
            self, _tr("Export shift report"), suggested,
            _tr("PDF files (*.pdf)") if kind == "pdf" else _tr("CSV files (*.csv)"))
        if not name:
            return
        try:
            self.export_to(Path(name))
        except Exception as exc:  # a folder that cannot be written, a full disk: say so
            log.exception("shift report not written to %s", name)
            QMessageBox.warning(
                self, _tr("Export shift report"),
                _tr("The shift report could not be written: {0}").format(exc),
            )

    def export_to(self, path: Path) -> Path:
        """Write the report for the period shown (PDF or CSV by the file's suffix)."""
        if self.stats is None:
            raise RuntimeError("no statistics shown yet")
        texts = report_texts(self._principal.language)
        labels = {c: self._station.item_label(c, self._principal.language)
                  for c in self.stats.detected_classes}
        if path.suffix.lower() == ".csv":
            return shift_report.write_csv(path, self.stats, zone=self._zone(), texts=texts)
        return shift_report.write_pdf(path, self.stats, station=self._station_id,
                                      zone=self._zone(), texts=texts, class_labels=labels)


class SupervisorWorkspace(QTabWidget):
    def __init__(self, station: StationLike, principal: Principal, *, station_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supervisorWorkspace")
        self.review = ReviewView(station, principal)
        self.statistics = StatisticsView(station, principal, station_id=station_id)
        self.addTab(self.review, _tr("Review queue"))
        self.addTab(self.statistics, _tr("Statistics"))

    def start(self) -> None:
        self.review.refresh()
        self.statistics.refresh()
