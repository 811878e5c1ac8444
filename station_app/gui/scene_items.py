"""What the canvas's layers share: the box-to-scene mapping and the caption item.

Scene x is the detector line (along the belt), scene y the detector pixel, one
scene unit per image pixel (``canvas``'s module docstring has the why), so a
``BoxPx`` is the scene rect ``QRectF(line0, px0, line1 - line0, px1 - px0)``.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from station_app.domain import BoxPx


def box_to_scene_rect(box: BoxPx) -> QRectF:
    """Scene rect of an image box (see the module docstring for the orientation)."""
    # BoxPx.height counts lines and .width counts pixels; lines run along x here.
    return QRectF(float(box.line0), float(box.px0), float(box.height), float(box.width))


class LabelItem(QGraphicsItem):
    """Overlay caption that keeps its on-screen size at every zoom."""

    def __init__(self, text: str, colour: QColor, font: QFont, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self._text = text
        self._colour = colour
        self._font = font
        metrics = QFontMetricsF(font)
        pad = metrics.height() * 0.2
        self._pad = pad
        width = metrics.horizontalAdvance(text) + 2 * pad
        height = metrics.height() + 2 * pad
        # Sits just above the box's top-left corner.
        self._rect = QRectF(0.0, -height, width, height)
        self._ascent = metrics.ascent()

    @property
    def text(self) -> str:
        return self._text

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._rect

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        /,
        widget: QWidget | None = None,
    ) -> None:
        painter.fillRect(self._rect, QColor(0, 0, 0, 190))
        painter.setPen(self._colour)
        painter.setFont(self._font)
        painter.drawText(
            QPointF(self._rect.left() + self._pad, self._rect.top() + self._pad + self._ascent),
            self._text,
        )
