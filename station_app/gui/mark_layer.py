"""The inspector's marks on the image canvas: where they pointed, as boxes.

A mark is a ``BoxPx`` in parcel pixels (half-open), the same coordinates as
alarms and detections, so it survives zoom, pan and the display scale: the
canvas converts screen points to scene points with the view's transform, and
scene units are image pixels (see ``canvas``'s orientation note).

Drawn white on a black edge, numbered 1, 2, … in the order drawn: a colour no
alarm (red, amber), detection (cyan, dashed) or TIP reveal (magenta) uses, and
one that stays visible on every display mode (the edge shows on white, the
white on dark). The box being drawn, and the keyboard's cursor box, are dashed.

``MarkLayer`` holds the marks of the parcel on screen and their graphics items;
it knows nothing about mouse or keys (``ImageCanvas`` turns those into calls).
A read-only layer shows a decided parcel's marks and refuses edits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QGraphicsScene,
    QStyleOptionGraphicsItem,
    QWidget,
)

from station_app.domain import BoxPx
from station_app.gui.scene_items import LabelItem, box_to_scene_rect
from station_app.marks import MAX_MARKS

MARK_COLOUR = QColor(255, 255, 255)
MARK_EDGE_COLOUR = QColor(0, 0, 0)
MARK_PEN_WIDTH = 2.0  # screen pixels, at every zoom
MARK_EDGE_WIDTH = 4.0  # the black edge under the white line
# Above alarms, detections, the jumped-to item (10) and the TIP reveal (11): the
# inspector's own pointing is what they compare with everything else.
MARK_Z = 12.0


def scene_rect_to_box(rect: QRectF, lines: int, pixels: int) -> BoxPx | None:
    """The parcel pixels a scene rect touches, clamped to the image; None when it
    lies outside the image or covers no whole pixel row or column."""
    rect = rect.normalized()
    line0 = max(0, math.floor(rect.left()))
    line1 = min(lines, math.ceil(rect.right()))
    px0 = max(0, math.floor(rect.top()))
    px1 = min(pixels, math.ceil(rect.bottom()))
    if line1 <= line0 or px1 <= px0:
        return None
    return BoxPx(line0, px0, line1, px1)


class MarkFrame(QGraphicsRectItem):
    """A white box on a black edge; dashed while it is only a draft or a cursor."""

    def __init__(self, rect: QRectF, *, dashed: bool = False) -> None:
        super().__init__(rect)
        self.setZValue(MARK_Z)
        self.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self._dashed = dashed
        # The widest pen is the item's pen, so the bounding rect covers the edge.
        edge = QPen(MARK_EDGE_COLOUR, MARK_EDGE_WIDTH)
        edge.setCosmetic(True)
        edge.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        self.setPen(edge)
        self.label: LabelItem | None = None

    @property
    def dashed(self) -> bool:
        return self._dashed

    def set_label(self, text: str, font: QFont) -> None:
        if self.label is not None and self.scene() is not None:
            self.scene().removeItem(self.label)
        self.label = LabelItem(text, MARK_COLOUR, font, self)
        self.label.setPos(self.rect().topLeft())

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        /,
        widget: QWidget | None = None,
    ) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(self.pen())
        painter.drawRect(self.rect())
        line = QPen(MARK_COLOUR, MARK_PEN_WIDTH)
        line.setCosmetic(True)
        line.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        if self._dashed:
            line.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(line)
        painter.drawRect(self.rect())


class MarkLayer:
    """The marks of the parcel on screen, in the order drawn, and their items."""

    def __init__(self, scene: QGraphicsScene, font: QFont) -> None:
        self._scene = scene
        self._font = font
        self._marks: list[BoxPx] = []
        self._frames: list[MarkFrame] = []
        self._read_only = False

    @property
    def marks(self) -> tuple[BoxPx, ...]:
        return tuple(self._marks)

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def full(self) -> bool:
        """As many marks as one decision keeps (``station_app.marks.MAX_MARKS``)."""
        return len(self._marks) >= MAX_MARKS

    def frames(self) -> list[MarkFrame]:
        return list(self._frames)

    def set_marks(self, marks: Sequence[BoxPx], *, read_only: bool) -> None:
        """Show these marks instead of the current ones (read-only: no edits)."""
        self._remove_frames()
        self._read_only = False
        for box in marks[:MAX_MARKS]:
            self.add(box)
        self._read_only = read_only

    def add(self, box: BoxPx) -> bool:
        """Add a mark; False when read-only or full (nothing changes)."""
        if self._read_only or self.full:
            return False
        frame = MarkFrame(box_to_scene_rect(box))
        frame.set_label(str(len(self._marks) + 1), self._font)
        self._scene.addItem(frame)
        self._marks.append(box)
        self._frames.append(frame)
        return True

    def remove_last(self) -> bool:
        """Remove the newest mark; False when read-only or there is none."""
        if self._read_only or not self._marks:
            return False
        self._marks.pop()
        self._scene.removeItem(self._frames.pop())
        return True

    def clear(self) -> None:
        """No marks, editable again (a new parcel)."""
        self.set_marks((), read_only=False)

    def _remove_frames(self) -> None:
        for frame in self._frames:
            self._scene.removeItem(frame)
        self._frames.clear()
        self._marks.clear()
