"""Manifest panel: the parcel's declared contents (CN22/CN23) and what
disagrees with the image.

Shows the manifest kind and category, sender and addressee (names and
countries only: phone numbers and addresses stay out of the panel; the window
passes the manifest through ``accounts.masking``, so roles without the
personal-data permission see "•••" for the names), the declared total, a compact table of the
declared lines, the discrepancies (red/amber, the declared line each refers to
tinted in the table) and the central risk score when there is one.

The panel never reads the database: the window looks the manifest up once
when a parcel is shown and passes it in (``set_parcel(parcel, manifest)``).
Without a manifest the panel says so explicitly, with the tracking id, so an
empty panel is never mistaken for "declared nothing".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import Discrepancy, DiscrepancyKind, ParcelScan
from station_app.gui.canvas import Severity
from station_app.gui.core_texts import core_text
from station_app.manifests.model import Category, ContentLine, Manifest, ManifestKind

# Flagged rows and discrepancies use the triage banner's colours (style.py):
# the whole row is tinted, the text stays high-contrast on it.
SEVERITY_BACKGROUNDS: dict[Severity, QColor] = {
    Severity.RED: QColor(0xC6, 0x28, 0x34),
    Severity.AMBER: QColor(0xE0, 0xA8, 0x00),
}
SEVERITY_TEXT: dict[Severity, QColor] = {
    Severity.RED: QColor(0xFF, 0xFF, 0xFF),
    Severity.AMBER: QColor(0x1A, 0x1A, 0x1A),
}
MAX_VISIBLE_LINES = 8  # more declared lines scroll inside the table

COLUMNS = 4  # description, quantity, HS code, value


def _severity(discrepancy: Discrepancy) -> Severity:
    return Severity.RED if discrepancy.severity == "red" else Severity.AMBER


class ManifestPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manifestPanel")
        self.setTitle(self.tr("Manifest"))
        layout = QVBoxLayout(self)
        em = self.fontMetrics().height()
        layout.setContentsMargins(em // 3, em // 2, em // 3, em // 3)
        layout.setSpacing(em // 4)

        self.risk_label = QLabel(self)
        self.risk_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.risk_label.setObjectName("riskScore")
        layout.addWidget(self.risk_label)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.empty_label, 1)

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("manifestSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary_label)

        self.lines_table = QTableWidget(0, COLUMNS, self)
        self.lines_table.setObjectName("manifestLines")
        self._set_headers(None)
        self.lines_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Descriptions wrap rather than elide: the panel is narrow and the
        # inspector must read what was declared (the full text is also the tooltip).
        self.lines_table.setWordWrap(True)
        self.lines_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.lines_table.setShowGrid(False)
        self.lines_table.setAlternatingRowColors(False)
        self.lines_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines_table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustIgnored)
        header = self.lines_table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Wrapped descriptions change height with the column width: refit then.
        header.sectionResized.connect(self._on_section_resized)
        vertical = self.lines_table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        vertical.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.lines_table)

        self.discrepancy_heading = QLabel(self.tr("Discrepancies"), self)
        self.discrepancy_heading.setObjectName("sectionHeading")
        layout.addWidget(self.discrepancy_heading)
        self.discrepancy_list = QListWidget(self)
        self.discrepancy_list.setObjectName("discrepancyList")
        self.discrepancy_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.discrepancy_list.setWordWrap(True)
        self.discrepancy_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.discrepancy_list, 1)

        self._manifest: Manifest | None = None
        self.set_parcel(None)

    # -- texts (literal self.tr calls so lupdate finds them) ---------------------

    def _kind_text(self, kind: ManifestKind) -> str:
        texts = {
            ManifestKind.POSTAL: self.tr("Postal (CN22/CN23)"),
            ManifestKind.EXPRESS: self.tr("Express"),
        }
        return texts.get(kind, str(kind))

    def _category_text(self, category: Category) -> str:
        texts = {
            Category.GIFT: self.tr("gift"),
            Category.DOCUMENTS: self.tr("documents"),
            Category.COMMERCIAL_SAMPLE: self.tr("commercial sample"),
            Category.RETURNED_GOODS: self.tr("returned goods"),
            Category.SALE_OF_GOODS: self.tr("sale of goods"),
            Category.OTHER: self.tr("other"),
        }
        return texts.get(category, str(category))

    def _discrepancy_kind_text(self, kind: DiscrepancyKind) -> str:
        texts = {
            DiscrepancyKind.UNDECLARED_ITEM: self.tr("Undeclared item"),
            DiscrepancyKind.QUANTITY_EXCEEDED: self.tr("Quantity exceeded"),
            DiscrepancyKind.DECLARED_NOT_SEEN: self.tr("Declared, not seen"),
            DiscrepancyKind.VALUE_IMPLAUSIBLE: self.tr("Value implausible"),
            DiscrepancyKind.UNDECLARED_LITHIUM_BATTERY: self.tr("Undeclared lithium battery"),
        }
        return texts.get(kind, str(kind).replace("_", " "))

    def _severity_text(self, severity: Severity) -> str:
        return self.tr("RED") if severity is Severity.RED else self.tr("AMBER")

    def _set_headers(self, currency: str | None) -> None:
        # Short headers: the panel is narrow and the description needs the room.
        table = self.lines_table
        table.setHorizontalHeaderLabels(
            [self.tr("Description"), self.tr("Qty"), self.tr("HS"), currency or self.tr("Value")]
        )
        tips = (
            self.tr("Declared description"),
            self.tr("Declared quantity"),
            self.tr("HS tariff code"),
            self.tr("Declared value of the line, in {0}").format(currency)
            if currency
            else self.tr("Declared value of the line"),
        )
        for column, tip in enumerate(tips):
            header_item = table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == 0 and self.lines_table.rowCount():
            self._fit_table_height()

    def _fit_table_height(self) -> None:
        # As tall as its rows (up to MAX_VISIBLE_LINES), so the discrepancies
        # get the rest of the panel instead of an empty table area.
        table = self.lines_table
        table.resizeRowsToContents()
        rows = min(table.rowCount(), MAX_VISIBLE_LINES)
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(rows))
        table.setFixedHeight(height)

    # -- content -------------------------------------------------------------

    @property
    def manifest(self) -> Manifest | None:
        return self._manifest

    def set_parcel(self, parcel: ParcelScan | None, manifest: Manifest | None = None) -> None:
        """Show ``parcel`` with its ``manifest`` (looked up by the caller, once)."""
        self._manifest = manifest if parcel is not None else None
        self.lines_table.setRowCount(0)
        self.discrepancy_list.clear()
        risk = parcel.triage.risk_score if parcel is not None else None
        self.risk_label.setVisible(risk is not None)
        self.risk_label.setText(
            "" if risk is None else self.tr("Central risk score: {0:.2f}").format(risk)
        )
        if parcel is None or manifest is None:
            if parcel is None:
                self.empty_label.setText(self.tr("No parcel"))
            else:
                tracking = parcel.tracking_id or self.tr("tracking id not read")
                self.empty_label.setText(
                    self.tr("No manifest data for this parcel\n{0}").format(tracking)
                )
            self._show_manifest_widgets(False)
            if parcel is not None and parcel.discrepancies:
                # Not expected (discrepancies come from a manifest), but never hidden.
                self._fill_discrepancies(parcel.discrepancies, manifest_lines=0)
                self.discrepancy_heading.setVisible(True)
                self.discrepancy_list.setVisible(True)
            return
        self._show_manifest_widgets(True)
        self.summary_label.setText(self._summary(manifest))
        self._set_headers(manifest.currency)
        self._fill_lines(manifest.lines, parcel.discrepancies)
        # The row-number column just changed width; the stretched description
        # column is not recomputed for that by itself (it would push the value
        # column out of view).
        self.lines_table.updateGeometries()
        self.lines_table.horizontalHeader().resizeSections()
        self._fit_table_height()
        self._fill_discrepancies(parcel.discrepancies, manifest_lines=len(manifest.lines))

    def _show_manifest_widgets(self, visible: bool) -> None:
        self.empty_label.setVisible(not visible)
        for widget in (
            self.summary_label,
            self.lines_table,
            self.discrepancy_heading,
            self.discrepancy_list,
        ):
            widget.setVisible(visible)

    def _summary(self, manifest: Manifest) -> str:
        # Names and countries only: phone and address stay out of the panel.
        return "\n".join(
            (
                self.tr("{0} · {1}").format(
                    self._kind_text(manifest.kind), self._category_text(manifest.category)
                ),
                self.tr("Sender: {0} ({1})").format(manifest.sender.name, manifest.sender.country),
                self.tr("Addressee: {0} ({1})").format(
                    manifest.addressee.name, manifest.addressee.country
                ),
                self.tr("Declared total: {0} {1}").format(
                    manifest.declared_value_total, manifest.currency
                ),
            )
        )

    def _fill_lines(
        self, lines: tuple[ContentLine, ...], discrepancies: tuple[Discrepancy, ...]
    ) -> None:
        # The worst severity (and the explanations) per declared line.
        flagged: dict[int, tuple[Severity, list[str]]] = {}
        for discrepancy in discrepancies:
            index = discrepancy.declared_line
            if index is None or not 0 <= index < len(lines):
                continue
            severity = _severity(discrepancy)
            previous, notes = flagged.get(index, (Severity.AMBER, []))
            worst = Severity.RED if Severity.RED in (previous, severity) else Severity.AMBER
            flagged[index] = (worst, [*notes, core_text(discrepancy.explanation)])

        self.lines_table.setRowCount(len(lines))
        self.lines_table.setVerticalHeaderLabels([str(i + 1) for i in range(len(lines))])
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, line in enumerate(lines):
            cells = (
                (line.description, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                (str(line.quantity), right),
                (line.hs_code or "—", Qt.AlignmentFlag.AlignCenter),
                (str(line.value), right),  # one currency per manifest: in the header
            )
            tooltip = line.description
            if line.origin_country:
                tooltip = self.tr("{0}\nOrigin: {1}").format(tooltip, line.origin_country)
            mark = flagged.get(row)
            if mark is not None:
                tooltip = "\n".join((tooltip, *mark[1]))
            for column, (text, alignment) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(alignment)
                item.setToolTip(tooltip)
                if mark is not None:
                    item.setBackground(QBrush(SEVERITY_BACKGROUNDS[mark[0]]))
                    item.setForeground(QBrush(SEVERITY_TEXT[mark[0]]))
                self.lines_table.setItem(row, column, item)

    def _fill_discrepancies(
        self, discrepancies: tuple[Discrepancy, ...], *, manifest_lines: int
    ) -> None:
        # Red first, then amber; the order within a severity is the matcher's.
        ordered = sorted(discrepancies, key=lambda d: _severity(d) is not Severity.RED)
        for discrepancy in ordered:
            severity = _severity(discrepancy)
            title = self.tr("{0}: {1}").format(
                self._severity_text(severity), self._discrepancy_kind_text(discrepancy.kind)
            )
            index = discrepancy.declared_line
            if index is not None and 0 <= index < manifest_lines:
                title = self.tr("{0} (line {1})").format(title, index + 1)
            item = QListWidgetItem(f"{title}\n{core_text(discrepancy.explanation)}")
            item.setForeground(QBrush(SEVERITY_TEXT[severity]))
            item.setBackground(QBrush(SEVERITY_BACKGROUNDS[severity]))
            item.setData(Qt.ItemDataRole.UserRole, severity.value)
            self.discrepancy_list.addItem(item)
        if not discrepancies:
            self.discrepancy_list.addItem(self.tr("No discrepancies found"))

    @property
    def text(self) -> str:
        """What the panel says in words (the empty state or the summary)."""
        if self._manifest is None:
            return self.empty_label.text()
        return self.summary_label.text()
