"""Manifest panel: the parcel's declared contents (CN22/CN23).

Manifests arrive in a later issue; until then the panel says so explicitly,
with the tracking id, so an empty panel is never mistaken for "declared
nothing".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from station_app.domain import ParcelScan


class ManifestPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manifestPanel")
        self.setTitle(self.tr("Manifest"))
        layout = QVBoxLayout(self)
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.empty_label)
        self.set_parcel(None)

    def set_parcel(self, parcel: ParcelScan | None) -> None:
        if parcel is None:
            self.empty_label.setText(self.tr("No parcel"))
            return
        tracking = parcel.tracking_id or self.tr("tracking id not read")
        self.empty_label.setText(self.tr("No manifest data for this parcel\n{0}").format(tracking))

    @property
    def text(self) -> str:
        return self.empty_label.text()
