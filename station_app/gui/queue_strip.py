"""Parcel queue strip: the newest parcels as thumbnails along the bottom.

Newest on the right (the way the belt brings them), a border in the triage
colour, a caption with the short id and, once decided, the verdict. Clicking a
thumbnail asks the window to show that parcel.

Thumbnails use the canvas orientation (belt direction horizontal).

The strip is the inspector's queue, so an undecided parcel never leaves it:
beyond ``max_items`` only decided parcels drop off (oldest first). Memory stays
bounded all the same: at most ``max_items`` parcels keep their images in
memory; in a long backlog the newest undecided ones let theirs go (their
thumbnail and place stay) and ``parcel()`` brings one back through the
``loader`` (the stored scan, ``Station.stored_parcel``) when its turn comes.
Parcels with a TIP image are let go last: the TIP image lives only here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from station_app.domain import ParcelScan, TriageLevel, Verdict
from station_app.gui.protocols import RGBA8, RendererLike
from station_app.imaging.render import DisplaySettings

_CONTEXT = "QueueStrip"
log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _noop(text: str) -> str:
    """Marks a table's text for the translation catalogue; translated where shown."""
    return text


TRIAGE_COLOURS: dict[TriageLevel, QColor] = {
    TriageLevel.GREEN: QColor(40, 190, 90),
    TriageLevel.AMBER: QColor(255, 190, 0),
    TriageLevel.RED: QColor(235, 40, 55),
}

VERDICT_TEXTS: dict[Verdict, str] = {
    Verdict.CLEAR: _noop("Cleared"),
    Verdict.OPEN: _noop("Open"),
    Verdict.HOLD: _noop("Held"),
}

ThumbnailFn = Callable[[RGBA8, int], RGBA8]
ParcelLoader = Callable[[str], ParcelScan]  # a stored parcel by scan id; raises when it can't

_SCAN_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_TRANSPOSE = QTransform(0.0, 1.0, 1.0, 0.0, 0.0, 0.0)



def _default_thumbnail(rgba: RGBA8, max_side_px: int) -> RGBA8:
    from station_app.imaging.render import thumbnail

    result: RGBA8 = thumbnail(rgba, max_side_px)
    return result


def short_id(parcel: ParcelScan) -> str:
    text = parcel.tracking_id or parcel.scan_id
    return text if len(text) <= 13 else "…" + text[-12:]


class QueueStrip(QListWidget):
    """Emits ``parcel_activated(scan_id)`` when the inspector clicks a thumbnail."""

    parcel_activated = Signal(str)
    load_failed = Signal(str, str)  # scan id, why: a let-go parcel could not be brought back

    def __init__(
        self,
        renderer: RendererLike,
        *,
        max_items: int = 12,
        thumbnail_fn: ThumbnailFn | None = None,
        loader: ParcelLoader | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queueStrip")
        self._renderer = renderer
        self._thumbnail = thumbnail_fn or _default_thumbnail
        self._max_items = max(1, max_items)
        self._loader = loader
        self._verdicts: dict[str, Verdict] = {}
        # The parcels whose images are in memory (at most ``max_items`` of them when
        # a loader can bring the others back); thumbnails and levels of all shown.
        self._parcels: dict[str, ParcelScan] = {}
        self._images: dict[str, QImage] = {}
        self._levels: dict[str, TriageLevel] = {}

        metrics = self.fontMetrics()
        # Thumbnail size in font units: the strip reads the same at 1080p and 4K.
        self._thumb_h = metrics.height() * 5
        self._thumb_w = metrics.height() * 8
        self._border = max(3, metrics.height() // 5)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the inspector's shortcuts
        self.setIconSize(QSize(self._thumb_w, self._thumb_h))
        self.setSpacing(metrics.height() // 3)
        self.setUniformItemSizes(True)
        self.setFixedHeight(self._thumb_h + metrics.height() * 3)
        self.itemClicked.connect(self._on_clicked)

    @property
    def max_items(self) -> int:
        return self._max_items

    def scan_ids(self) -> list[str]:
        """Scan ids shown, oldest first."""
        return [str(self.item(row).data(_SCAN_ID_ROLE)) for row in range(self.count())]

    def add_parcel(self, parcel: ParcelScan) -> None:
        if self._find(parcel.scan_id) is not None:
            return
        rgba = self._renderer.render(parcel.image, DisplaySettings())
        thumb = np.ascontiguousarray(self._thumbnail(rgba, max(self._thumb_w, self._thumb_h)))
        lines, pixels = int(thumb.shape[0]), int(thumb.shape[1])
        # copy(): the QImage must own its pixels once ``thumb`` goes away;
        # the transpose puts the belt direction along x like the canvas.
        image = QImage(thumb.data, pixels, lines, pixels * 4, QImage.Format.Format_RGBA8888)
        self._images[parcel.scan_id] = image.transformed(_TRANSPOSE).copy()
        self._parcels[parcel.scan_id] = parcel
        self._levels[parcel.scan_id] = parcel.triage.level
        item = QListWidgetItem()
        item.setData(_SCAN_ID_ROLE, parcel.scan_id)
        item.setToolTip(
            _tr("{0}\nTriage: {1}").format(
                parcel.tracking_id or parcel.scan_id, parcel.triage.level.value.upper()
            )
        )
        item.setSizeHint(QSize(self._thumb_w + 8, self._thumb_h + self.fontMetrics().height() * 2))
        self.addItem(item)
        self._refresh_item(item, parcel)
        self._trim()
        self.scrollToItem(item)

    def _trim(self, keep: str | None = None) -> None:
        """Decided parcels beyond ``max_items`` leave (oldest first); then, with a
        loader, the newest undecided parcels let their images go until at most
        ``max_items`` are in memory (never ``keep`` nor the next one to decide)."""
        while self.count() > self._max_items:
            rows = [r for r in range(self.count())
                    if str(self.item(r).data(_SCAN_ID_ROLE)) in self._verdicts]
            if not rows:
                break  # all undecided: they stay, the inspector must see each one
            item = self.takeItem(rows[0])
            scan_id = str(item.data(_SCAN_ID_ROLE))
            for table in (self._images, self._parcels, self._verdicts, self._levels):
                table.pop(scan_id, None)
        if self._loader is None:
            return
        while len(self._parcels) > self._max_items:
            undecided = [s for s in self.undecided_ids()[1:] if s in self._parcels and s != keep]
            # Newest first (decided last in belt order); a TIP image cannot be reloaded.
            candidates = ([s for s in reversed(undecided) if self._parcels[s].tip is None]
                          or list(reversed(undecided)))
            if not candidates:
                break
            del self._parcels[candidates[0]]

    def holds(self, scan_id: str) -> bool:
        """Whether the parcel is in the strip (its image in memory or not)."""
        return self._find(scan_id) is not None

    def in_memory(self, scan_id: str) -> bool:
        return scan_id in self._parcels

    def set_verdict(self, scan_id: str, verdict: Verdict) -> None:
        self._verdicts[scan_id] = verdict
        item = self._find(scan_id)
        if item is not None:
            self._refresh_item(item, None)

    def verdict(self, scan_id: str) -> Verdict | None:
        return self._verdicts.get(scan_id)

    def parcel(self, scan_id: str) -> ParcelScan | None:
        """The parcel, brought back through the loader if its image was let go;
        None when it is not in the strip or cannot be loaded now (``load_failed``)."""
        parcel = self._parcels.get(scan_id)
        if parcel is not None or self._loader is None or not self.holds(scan_id):
            return parcel
        try:
            parcel = self._loader(scan_id)
        except Exception as exc:  # shown by the window; tried again at the next turn
            log.exception("parcel %s could not be loaded back into the queue", scan_id)
            self.load_failed.emit(scan_id, str(exc))
            return None
        self._parcels[scan_id] = parcel
        self._trim(keep=scan_id)
        return parcel

    def undecided_ids(self) -> list[str]:
        """Undecided scan ids, oldest first (belt order)."""
        return [s for s in self.scan_ids() if s not in self._verdicts]

    def next_undecided(self) -> ParcelScan | None:
        """The oldest undecided parcel: the inspector works in belt order (one that
        cannot be loaded now is passed over, and tried again next time)."""
        for scan_id in self.undecided_ids():
            parcel = self.parcel(scan_id)
            if parcel is not None:
                return parcel
        return None

    def adopt(self, scan_id: str, other: QueueStrip) -> None:
        """Take over ``other``'s entry for a parcel whose image it let go (the
        window is rebuilt for another language: nothing is loaded for it)."""
        source = other._find(scan_id)
        if source is None or self.holds(scan_id):
            return
        self._images[scan_id] = other._images[scan_id]
        self._levels[scan_id] = other._levels[scan_id]
        item = QListWidgetItem()
        item.setData(_SCAN_ID_ROLE, scan_id)
        item.setToolTip(source.toolTip())
        item.setSizeHint(source.sizeHint())
        item.setText(source.text().split("\n")[0])
        self.addItem(item)
        self._refresh_item(item, None)

    def set_current(self, scan_id: str) -> None:
        item = self._find(scan_id)
        if item is not None:
            self.blockSignals(True)
            self.setCurrentItem(item)
            self.blockSignals(False)
            self.scrollToItem(item)

    def _find(self, scan_id: str) -> QListWidgetItem | None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(_SCAN_ID_ROLE) == scan_id:
                return item
        return None

    def _refresh_item(self, item: QListWidgetItem, parcel: ParcelScan | None) -> None:
        scan_id = str(item.data(_SCAN_ID_ROLE))
        verdict = self._verdicts.get(scan_id)
        if parcel is not None:
            item.setText(short_id(parcel))
        caption = item.text().split("\n")[0]
        if verdict is not None:
            item.setText(f"{caption}\n{_tr(VERDICT_TEXTS[verdict])}")
        else:
            item.setText(caption)
        item.setIcon(QIcon(self._framed_pixmap(scan_id, decided=verdict is not None)))

    def _framed_pixmap(self, scan_id: str, *, decided: bool) -> QPixmap:
        ratio = self.devicePixelRatioF()
        size = QSize(self._thumb_w, self._thumb_h)
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor(18, 18, 20))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        border = self._border
        inner = QRect(border, border, size.width() - 2 * border, size.height() - 2 * border)
        image = self._images.get(scan_id)
        if image is not None:
            scaled = image.size().scaled(inner.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(inner.center())
            painter.drawImage(target, image)
        if decided:
            # Decided parcels fade back so the undecided ones stand out.
            painter.fillRect(inner, QColor(18, 18, 20, 140))
        pen = QPen(TRIAGE_COLOURS[self._levels.get(scan_id, TriageLevel.AMBER)])
        pen.setWidth(border)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = border // 2
        painter.drawRect(QRect(half, half, size.width() - border, size.height() - border))
        painter.end()
        return pixmap

    def _on_clicked(self, item: QListWidgetItem) -> None:
        self.parcel_activated.emit(str(item.data(_SCAN_ID_ROLE)))
