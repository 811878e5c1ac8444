"""Certificate panel: the e-COO certificates presented with the parcel on screen.

Input: a handheld 2D scanner types the barcode into the field (keyboard wedge,
ending with Enter), or "Read image…" takes a document-camera image file. The
check runs on the station's certificate worker (a verification URL waits for
central, up to the online timeout), so the panel shows "Verifying…" and the
GUI thread never waits: a timer collects finished checks.

Each check is one coloured row — green valid, red invalid/revoked, amber
unverified or "could not verify now" (never green) — with its reasons; below,
the claims of the selected check (exporter, importer, origin, FTA, items) and
its cross-check mismatches with the manifest, highlighted amber.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from station_app.certificates.records import CertificateCheck, CertificateStatus, VerdictSource
from station_app.domain import ParcelScan
from station_app.gui.canvas import Severity
from station_app.gui.core_texts import core_text
from station_app.gui.manifest_panel import SEVERITY_BACKGROUNDS, SEVERITY_TEXT
from station_app.gui.protocols import StationLike

log = logging.getLogger(__name__)

POLL_MS = 50
VALID_BACKGROUND = QColor(0x1F, 0x8A, 0x4C)  # the triage banner's green
VALID_TEXT = QColor(0xFF, 0xFF, 0xFF)
_RED_STATUSES = (CertificateStatus.INVALID, CertificateStatus.REVOKED)

Pending = tuple[str | None, Future[tuple[CertificateCheck, ...]]]


def status_colours(status: CertificateStatus) -> tuple[QColor, QColor]:
    """(background, text) of a check's row."""
    if status is CertificateStatus.VALID:
        return VALID_BACKGROUND, VALID_TEXT
    severity = Severity.RED if status in _RED_STATUSES else Severity.AMBER
    return SEVERITY_BACKGROUNDS[severity], SEVERITY_TEXT[severity]


class CertificatePanel(QGroupBox):
    checks_changed = Signal()  # the list of checks of the current parcel changed
    # A handheld scanner ends with Enter: the keyboard goes back to the image then, so
    # the decision and display keys act again instead of typing into the field.
    scan_entered = Signal()

    def __init__(self, station: StationLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("certificatePanel")
        self.setTitle(self.tr("Certificates of origin"))
        self._station = station
        self._parcel: ParcelScan | None = None
        self._checks: list[CertificateCheck] = []
        self._pending: list[Pending] = []

        layout = QVBoxLayout(self)
        em = self.fontMetrics().height()
        layout.setContentsMargins(em // 3, em // 2, em // 3, em // 3)
        layout.setSpacing(em // 4)

        row = QHBoxLayout()
        self.scan_input = QLineEdit(self)
        self.scan_input.setObjectName("certificateInput")
        self.scan_input.setPlaceholderText(self.tr("Scan a certificate barcode…"))
        self.scan_input.setMaxLength(6000)  # a QR holds at most 4,296 characters
        self.scan_input.returnPressed.connect(self._on_scanned)
        row.addWidget(self.scan_input, 1)
        self.image_button = QPushButton(self.tr("Read image…"), self)
        self.image_button.setObjectName("certificateImageButton")
        self.image_button.clicked.connect(self._on_image_button)
        row.addWidget(self.image_button)
        layout.addLayout(row)

        self.state_label = QLabel(self)
        self.state_label.setObjectName("certificateState")
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.state_label)

        self.checks_list = QListWidget(self)
        self.checks_list.setObjectName("certificateChecks")
        self.checks_list.setWordWrap(True)
        self.checks_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.checks_list.currentRowChanged.connect(self._show_details)
        # A selection highlight would paint over the status colour: the check whose
        # details are shown below is the current row, marked bold instead.
        self.checks_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # A parcel has one or two certificates: a few rows, the details get the rest.
        self.checks_list.setMaximumHeight(em * 7)
        layout.addWidget(self.checks_list)

        self.claims_label = QLabel(self)
        self.claims_label.setObjectName("certificateClaims")
        # One fact per line, not wrapped: a wrapped label's height is underestimated in
        # a tight layout and lines would vanish; the tooltip holds the full text.
        self.claims_label.setWordWrap(False)
        self.claims_label.setTextFormat(Qt.TextFormat.PlainText)
        self.claims_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.claims_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.claims_label)

        self.mismatch_heading = QLabel(self.tr("Cross-checks"), self)
        self.mismatch_heading.setObjectName("sectionHeading")
        layout.addWidget(self.mismatch_heading)
        self.mismatch_list = QListWidget(self)
        self.mismatch_list.setObjectName("certificateMismatches")
        self.mismatch_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.mismatch_list.setWordWrap(True)
        self.mismatch_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.mismatch_list, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._collect)
        self.set_parcel(None)

    # -- texts (literal self.tr calls so lupdate finds them) ---------------------

    def status_text(self, status: CertificateStatus) -> str:
        texts = {
            CertificateStatus.VALID: self.tr("VALID"),
            CertificateStatus.INVALID: self.tr("INVALID"),
            CertificateStatus.REVOKED: self.tr("REVOKED"),
            CertificateStatus.UNVERIFIED: self.tr("UNVERIFIED"),
            CertificateStatus.COULD_NOT_VERIFY_NOW: self.tr("COULD NOT VERIFY NOW"),
        }
        return texts.get(status, str(status))

    def source_text(self, source: VerdictSource) -> str:
        texts = {
            VerdictSource.OFFLINE: self.tr("offline"),
            VerdictSource.ONLINE: self.tr("online"),
            VerdictSource.CACHE: self.tr("cached"),
        }
        return texts.get(source, str(source))

    # -- content -------------------------------------------------------------

    @property
    def checks(self) -> tuple[CertificateCheck, ...]:
        return tuple(self._checks)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def set_parcel(self, parcel: ParcelScan | None) -> None:
        """Show ``parcel``'s stored checks (read once, here)."""
        self._parcel = parcel
        self._checks = []
        enabled = parcel is not None
        self.scan_input.setEnabled(enabled)
        self.image_button.setEnabled(enabled)
        self.state_label.setText("" if enabled else self.tr("No parcel"))
        if parcel is not None:
            try:
                self._checks = list(self._station.certificate_checks(parcel.scan_id))
            except Exception as exc:  # a read failure must not stop the inspection
                log.exception("certificate checks of %s could not be read", parcel.scan_id)
                self.state_label.setText(self.tr("Stored checks unreadable: {0}").format(exc))
            if not self._checks and not self.state_label.text():
                self.state_label.setText(self.tr("No certificate presented"))
        self._refill()

    def verify_text(self, text: str) -> None:
        """Check what a handheld scanner typed (also the field's Enter)."""
        if text.strip():
            self._submit(text)

    def verify_image(self, path: Path) -> None:
        """Check the e-COO barcodes in a document-camera image file."""
        self._submit(path)

    def _on_scanned(self) -> None:
        text = self.scan_input.text()
        self.scan_input.clear()
        self.verify_text(text)
        self.scan_entered.emit()

    def _on_image_button(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Certificate image"),
            "",
            self.tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp)"),
        )
        if name:
            self.verify_image(Path(name))

    def _submit(self, source: str | Path) -> None:
        parcel = self._parcel
        if parcel is None:
            return
        try:
            future = self._station.submit_certificate(source, parcel.scan_id)
        except Exception as exc:
            log.exception("certificate check could not be started")
            self.state_label.setText(self.tr("Check not started: {0}").format(exc))
            return
        self._pending.append((parcel.scan_id, future))
        self.state_label.setText(self.tr("Verifying…"))
        self._timer.start()

    def _collect(self) -> None:
        still: list[Pending] = []
        for scan_id, future in self._pending:
            if not future.done():
                still.append((scan_id, future))
                continue
            current = self._parcel is not None and self._parcel.scan_id == scan_id
            try:
                checks = future.result()
            except Exception as exc:  # the input was unusable: say so, keep the rest
                if current:
                    self.state_label.setText(self.tr("Not checked: {0}").format(exc))
                continue
            if current:  # a check of a parcel no longer on screen is stored, not shown
                self._checks.extend(checks)
                self.state_label.setText("")
                self._refill()
        self._pending = still
        if not still:
            self._timer.stop()
        elif any(scan == (self._parcel.scan_id if self._parcel else None) for scan, _ in still):
            self.state_label.setText(self.tr("Verifying…"))

    def _refill(self) -> None:
        self.checks_list.clear()
        for check in self._checks:
            background, text = status_colours(check.status)
            number = check.certificate_number or check.reference_number or self.tr("(no number)")
            kind = self.tr("signed") if check.kind.value == "signed" else self.tr("URL")
            title = self.tr("{0} · {1} ({2}, {3})").format(
                self.status_text(check.status), number, kind, self.source_text(check.source)
            )
            item = QListWidgetItem(
                "\n".join((title, *(core_text(reason) for reason in check.reasons)))
            )
            item.setBackground(QBrush(background))
            item.setForeground(QBrush(text))
            item.setData(Qt.ItemDataRole.UserRole, check.status.value)
            self.checks_list.addItem(item)
        if self._checks:
            self.checks_list.setCurrentRow(len(self._checks) - 1)  # the newest
        else:
            self._show_details(-1)
        self.checks_changed.emit()

    def _show_details(self, row: int) -> None:
        self.mismatch_list.clear()
        if not 0 <= row < len(self._checks):
            self.claims_label.setText("")
            self.claims_label.setVisible(False)
            self.mismatch_heading.setVisible(False)
            self.mismatch_list.setVisible(False)
            return
        for index in range(self.checks_list.count()):
            entry = self.checks_list.item(index)
            font = entry.font()
            font.setBold(index == row)
            entry.setFont(font)
        check = self._checks[row]
        claims = check.claims
        self.claims_label.setVisible(True)
        self.mismatch_heading.setVisible(True)
        self.mismatch_list.setVisible(True)
        if claims is None:
            self.claims_label.setText(self.tr("No certificate details"))
        else:
            lines = [
                self.tr("Exporter: {0} ({1})").format(
                    claims.exporter.name, claims.exporter.country
                ),
                self.tr("Importer: {0} ({1})").format(
                    claims.importer.name, claims.importer.country
                ),
                self.tr("Origin: {0} · FTA {1} · valid to {2:%Y-%m-%d}").format(
                    claims.origin_country, claims.fta, claims.expires_at
                ),
            ]
            for item in claims.items:
                unit = f" {item.unit}" if item.unit else ""
                lines.append(
                    self.tr("HS {0}  {1:g}{2}  {3} ({4})").format(
                        item.hs_code, item.quantity, unit, item.description, item.origin_criterion
                    )
                )
            self.claims_label.setText("\n".join(lines))
        self.claims_label.setToolTip(self.claims_label.text())
        for mismatch in check.mismatches:
            severity = Severity.RED if mismatch.severity == "red" else Severity.AMBER
            entry = QListWidgetItem(core_text(mismatch.explanation))
            entry.setBackground(QBrush(SEVERITY_BACKGROUNDS[severity]))
            entry.setForeground(QBrush(SEVERITY_TEXT[severity]))
            entry.setData(Qt.ItemDataRole.UserRole, mismatch.kind.value)
            self.mismatch_list.addItem(entry)
        if not check.mismatches:
            self.mismatch_list.addItem(self.tr("No mismatch with the manifest"))
