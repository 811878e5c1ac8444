"""The image canvas: one parcel, its display mode, and its overlays.

Orientation (chosen here, used by every overlay and the queue thumbnails):
the belt direction is horizontal. Scene x is the detector *line* index (time
along the belt, line 0 — the parcel's leading edge — at the left) and scene y
is the detector *pixel* index (pixel 0 at the top). One scene unit is one
image pixel, so a ``BoxPx`` maps to the scene rect
``QRectF(line0, px0, line1 - line0, px1 - px0)``. This is how line-scan
consoles scroll: the image grows along x as the parcel passes.

The renderer returns (lines, pixels, 4) RGBA. The QImage wraps that buffer
without a copy (width = pixels, height = lines) and the image item draws it
through a transposing painter transform, so no transposed copy is ever made.

Zoom is relative to fit-to-view: 1× shows the whole parcel, 8× is the most.
Overlays (alarms, detections) are separate graphics items above the image,
silx style: the image item knows nothing about them.

Jumping (``N`` / ``Shift+N`` or ``P``) visits the overlays in ``jump_order``:
detections first (the model's items are what the inspector checks one by
one), then rule alarms. The decision panel lists its rows in the same order,
so a jump index is also a row index.

Marks (``M``, ``mark_layer``): the inspector points at what they suspect with
boxes, kept in parcel pixels like every overlay. In mark mode a left drag draws
a box (the middle button and the scroll bars pan, the wheel and the zoom keys
zoom); with the keyboard alone, the arrow keys move a dashed cursor box
(Shift+arrows size it) and Enter drops it. Screen points become parcel pixels
through the view's transform, in logical pixels, so zoom, pan and the display
scale (device pixel ratio) never change which pixels a box covers. Marks belong
to the parcel on screen: a new parcel starts with none, out of mark mode.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from station_app.domain import Alarm, BoxPx, Detection, ParcelScan
from station_app.gui.finding_texts import alarm_text
from station_app.gui.mark_layer import MarkFrame, MarkLayer, scene_rect_to_box
from station_app.gui.protocols import RGBA8, RendererLike
from station_app.gui.scene_items import LabelItem as _LabelItem
from station_app.gui.scene_items import box_to_scene_rect
from station_app.imaging.render import DisplaySettings

MIN_ZOOM = 1.0
MAX_ZOOM = 8.0
WHEEL_STEP = 1.25  # zoom factor per wheel notch (120 eighths of a degree)
KEY_STEP = 1.5

# A jump frames the item so it fills this share of the view: large enough to
# read a small item, with enough surroundings to judge it in context.
JUMP_FILL = 0.5

# A class name -> the user's name for it (``StationLike.item_label``).
ItemLabelFn = Callable[[str], str]


def plain_item_label(class_name: str) -> str:
    """The fallback name of a detector class, as the station gives without a model."""
    return class_name.replace("_", " ")


# Image pixels drawn smoothly below this on-screen scale; above it the pixels
# are shown crisp (nearest neighbour), which inspectors want when zoomed in.
SMOOTH_BELOW_SCALE = 2.0

# Transposes item coordinates: image (x=pixel, y=line) -> scene (x=line, y=pixel).
_TRANSPOSE = QTransform(0.0, 1.0, 1.0, 0.0, 0.0, 0.0)


class Severity(StrEnum):
    RED = "red"
    AMBER = "amber"
    DETECTION = "detection"


# Colours picked to stay visible on every display mode (orange/green/blue/black
# pseudo-colour and grey): saturated, with a dark halo under the label text.
SEVERITY_COLOURS: dict[Severity, QColor] = {
    Severity.RED: QColor(255, 40, 60),
    Severity.AMBER: QColor(255, 200, 0),
    Severity.DETECTION: QColor(0, 230, 255),
}


# Red above amber above detections, all above the image; the selected one on top.
SEVERITY_Z: dict[Severity, int] = {Severity.RED: 3, Severity.AMBER: 2, Severity.DETECTION: 1}
HIGHLIGHT_Z = 10
REVEAL_COLOUR = QColor(255, 0, 220)  # TIP reveal: a colour no alarm or detection uses
PEN_WIDTH = 2.0
HIGHLIGHT_PEN_WIDTH = 4.5

# Marks: a drag shorter than this on screen (either way) is a click, not a box.
MIN_MARK_DRAG_PX = 4.0
# The keyboard's cursor box: starting size and one arrow step, in screen pixels, so
# it looks and moves the same at every zoom.
CURSOR_BOX_PX = 64.0
CURSOR_STEP_PX = 16.0


class ImageItem(QGraphicsItem):
    """Draws an RGBA8888 numpy buffer through a zero-copy QImage."""

    def __init__(self) -> None:
        super().__init__()
        # The QImage points into this array's memory: holding the array here
        # keeps the buffer alive exactly as long as the QImage that uses it.
        self._array: RGBA8 | None = None
        self._qimage: QImage | None = None
        self._rect = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    @property
    def array(self) -> RGBA8 | None:
        """The displayed buffer, (lines, pixels, 4) uint8 RGBA."""
        return self._array

    def set_array(self, rgba: RGBA8) -> None:
        if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4:
            raise ValueError(f"expected (lines, pixels, 4) uint8, got {rgba.dtype} {rgba.shape}")
        if not rgba.flags.c_contiguous:
            raise ValueError("the RGBA buffer must be C-contiguous")
        lines, pixels = int(rgba.shape[0]), int(rgba.shape[1])
        if self._array is not rgba:
            self.prepareGeometryChange()
            self._array = rgba
            self._qimage = QImage(
                rgba.data, pixels, lines, pixels * 4, QImage.Format.Format_RGBA8888
            )
            self._rect = QRectF(0.0, 0.0, float(lines), float(pixels))
        self.update()

    def clear(self) -> None:
        self.prepareGeometryChange()
        self._qimage = None
        self._array = None
        self._rect = QRectF()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._rect

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        /,
        widget: QWidget | None = None,
    ) -> None:
        if self._qimage is None:
            return
        scale = painter.worldTransform().mapRect(QRectF(0, 0, 1, 1)).width()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale < SMOOTH_BELOW_SCALE)
        painter.save()
        painter.setTransform(_TRANSPOSE, True)
        # Draw only the exposed part (in image coordinates) so a zoomed-in view
        # does not push the whole parcel through the transform every frame.
        exposed = _TRANSPOSE.mapRect(option.exposedRect).toAlignedRect()
        source = exposed.intersected(self._qimage.rect())
        if not source.isEmpty():
            painter.drawImage(QRectF(source), self._qimage, QRectF(source))
        painter.restore()


@dataclass(frozen=True)
class OverlaySource:
    alarm: Alarm | None = None
    detection: Detection | None = None


def jump_order(parcel: ParcelScan) -> tuple[OverlaySource, ...]:
    """The overlays in jump order, shared by the canvas and the decision panel."""
    return (
        *(OverlaySource(detection=d) for d in parcel.detections),
        *(OverlaySource(alarm=a) for a in parcel.alarms),
    )


def detection_text(detection: Detection, item_label: ItemLabelFn) -> str:
    """E.g. "Knife 87%": the item in the user's language and the model's confidence."""
    return f"{item_label(detection.class_name)} {detection.confidence:.0%}"


class OverlayItem(QGraphicsRectItem):
    """Outlined region with a caption: one alarm or one detection."""

    def __init__(
        self,
        rect: QRectF,
        label: str,
        severity: Severity,
        source: OverlaySource,
        font: QFont,
    ) -> None:
        super().__init__(rect)
        self.severity = severity
        self.source = source
        self._highlighted = False
        self._base_z = float(SEVERITY_Z[severity])
        self.setZValue(self._base_z)
        self.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.label = _LabelItem(label, SEVERITY_COLOURS[severity], font, self)
        self.label.setPos(rect.topLeft())
        self._update_pen()

    @property
    def text(self) -> str:
        return self.label.text

    @property
    def highlighted(self) -> bool:
        """Whether this is the overlay the inspector jumped to."""
        return self._highlighted

    def set_highlighted(self, highlighted: bool) -> None:
        self._highlighted = highlighted
        # Lifted above every other overlay so its outline is never hidden
        # under a neighbour's; back to its severity's place otherwise.
        self.setZValue(HIGHLIGHT_Z if highlighted else self._base_z)
        self._update_pen()

    def _update_pen(self) -> None:
        pen = QPen(SEVERITY_COLOURS[self.severity])
        pen.setCosmetic(True)  # width in screen pixels, independent of zoom
        # Thicker when selected; the colour and dash keep saying what it is.
        pen.setWidthF(HIGHLIGHT_PEN_WIDTH if self._highlighted else PEN_WIDTH)
        if self.severity is Severity.DETECTION:
            pen.setStyle(Qt.PenStyle.DashLine)  # tells model output from rule alarms
        self.setPen(pen)


class ImageCanvas(QGraphicsView):
    """Shows one parcel rendered in the current display mode, with overlays.

    Keyboard (window-wide actions; zoom and overlays also on the toolbar):
    ``+``/``=`` zoom in, ``-`` zoom out, ``0`` fit, ``O`` overlays (alarms and
    detections) on/off, ``N`` next item, ``Shift+N`` or ``P`` previous item,
    ``M`` mark mode on/off. In mark mode, with the canvas focused (``M`` gives
    it the focus): arrows move the cursor box, Shift+arrows size it, Enter drops
    it as a mark, Backspace/Delete remove the last mark, Esc leaves mark mode.

    ``item_label`` names detector classes in the user's language
    (``StationLike.item_label``); without it the class name is shown.
    ``allow_marking=False`` (the supervisor's review) only shows marks.
    """

    zoom_changed = Signal(float)
    image_rendered = Signal()
    overlay_selected = Signal(int)  # index in jump order, -1 when none
    marks_changed = Signal()  # a mark added or removed by the inspector
    mark_mode_changed = Signal(bool)

    def __init__(
        self,
        renderer: RendererLike,
        *,
        red_alarm_kinds: Collection[str] = (),
        item_label: ItemLabelFn = plain_item_label,
        allow_marking: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self._red_alarm_kinds = frozenset(red_alarm_kinds)
        self._item_label = item_label
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self._image_item = ImageItem()
        self._image_item.setZValue(0)
        self._scene.addItem(self._image_item)
        self._overlays: list[OverlayItem] = []  # in jump order
        self._reveal: QGraphicsRectItem | None = None  # a TIP item shown after the decision
        self._overlays_visible = True
        self._current_overlay: int | None = None
        self._parcel: ParcelScan | None = None
        self._settings = DisplaySettings()
        # One buffer reused for every re-render of the same parcel size: a mode
        # switch writes into it in place and the QImage over it stays valid.
        self._buffer: RGBA8 | None = None
        self._zoom = MIN_ZOOM

        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor(24, 24, 26))
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(24, 24, 26))
        self.setPalette(palette)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        # The whole viewport is redrawn on a mode switch anyway; avoid Qt's
        # bookkeeping of many small dirty rects while panning.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        label_font = QFont(self.font())
        label_font.setBold(True)
        self._label_font = label_font

        self._allow_marking = allow_marking
        self._mark_layer = MarkLayer(self._scene, label_font)
        self._mark_mode = False
        # A left drag in mark mode: where it began (viewport and scene) and its box.
        self._drag_origin: QPointF | None = None
        self._drag_origin_scene: QPointF | None = None
        self._drag_frame: MarkFrame | None = None
        self._pan_from: QPointF | None = None  # a middle-button pan in mark mode
        self._cursor_box: BoxPx | None = None  # the keyboard's cursor (mark mode)
        self._cursor_frame: MarkFrame | None = None

        self.zoom_in_action = self._make_action(
            self.tr("Zoom in"), [QKeySequence("+"), QKeySequence("=")], self.zoom_in
        )
        self.zoom_out_action = self._make_action(
            self.tr("Zoom out"), [QKeySequence("-")], self.zoom_out
        )
        self.fit_action = self._make_action(self.tr("Fit"), [QKeySequence("0")], self.reset_zoom)
        self.overlay_action = self._make_action(self.tr("Overlays"), [QKeySequence("O")], None)
        self.overlay_action.setCheckable(True)
        self.overlay_action.setChecked(True)
        self.overlay_action.toggled.connect(self.set_overlays_visible)
        # Shortcut-only (no toolbar button): the overlay button's tooltip names them.
        self.next_overlay_action = self._make_action(
            self.tr("Next item"), [QKeySequence("N")], self.next_overlay
        )
        self.previous_overlay_action = self._make_action(
            self.tr("Previous item"),
            [QKeySequence("Shift+N"), QKeySequence("P")],
            self.previous_overlay,
        )
        self.overlay_action.setToolTip(
            self.tr(
                "Alarm and detection overlays on/off (O). Next / previous item: N / Shift+N or P"
            )
        )
        self.mark_action = self._make_action(self.tr("Mark"), [QKeySequence("M")], None)
        self.mark_action.setCheckable(True)
        self.mark_action.toggled.connect(self.set_mark_mode)
        self.mark_action.setToolTip(
            self.tr(
                "Mark where the suspicious thing is (M): drag a box with the mouse, or move "
                "the dashed box with the arrow keys (Shift+arrows: size) and press Enter. "
                "Backspace: remove the last mark. Esc: done."
            )
        )
        self.mark_action.setEnabled(False)  # until a parcel is shown

    def _make_action(self, text: str, keys: Sequence[QKeySequence], slot: object | None) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(list(keys))
        # Window-wide: the inspector's keyboard works wherever focus is.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shortcut_text = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        action.setToolTip(f"{text} ({shortcut_text})")
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- state ---------------------------------------------------------------

    @property
    def parcel(self) -> ParcelScan | None:
        return self._parcel

    @property
    def settings(self) -> DisplaySettings:
        return self._settings

    @property
    def zoom(self) -> float:
        """Zoom relative to fit-to-view, in [MIN_ZOOM, MAX_ZOOM]."""
        return self._zoom

    @property
    def image_array(self) -> RGBA8 | None:
        """The buffer on screen: (lines, pixels, 4) uint8 RGBA."""
        return self._image_item.array

    @property
    def overlays_visible(self) -> bool:
        return self._overlays_visible

    def overlay_items(self) -> list[OverlayItem]:
        """The overlays in jump order (detections, then alarms)."""
        return list(self._overlays)

    @property
    def current_overlay(self) -> int | None:
        """Index (jump order) of the overlay jumped to, or None."""
        return self._current_overlay

    # -- content -------------------------------------------------------------

    def set_parcel(self, parcel: ParcelScan, settings: DisplaySettings | None = None) -> None:
        """Show a parcel (fit to view) in ``settings`` (default: the reset state),
        without marks and out of mark mode."""
        self.clear_reveal()
        self.set_mark_mode(False)
        self._mark_layer.clear()
        self._parcel = parcel
        self._settings = settings if settings is not None else DisplaySettings()
        self._render()
        self._scene.setSceneRect(self._image_item.boundingRect())
        self._rebuild_overlays(parcel)
        self._zoom = MIN_ZOOM
        self._apply_transform()
        self.centerOn(self._image_item.boundingRect().center())
        self.mark_action.setEnabled(self._can_mark())
        self.zoom_changed.emit(self._zoom)

    def reveal(self, box: BoxPx, text: str) -> None:
        """Mark a projected (TIP) item: a thick dashed magenta frame with its name,
        above every overlay and shown even when overlays are off."""
        self.clear_reveal()
        frame = QGraphicsRectItem(box_to_scene_rect(box))
        pen = QPen(REVEAL_COLOUR, HIGHLIGHT_PEN_WIDTH, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        frame.setPen(pen)
        frame.setZValue(HIGHLIGHT_Z + 1)
        label = _LabelItem(text, REVEAL_COLOUR, self._label_font, frame)
        label.setPos(frame.rect().topLeft())
        self._scene.addItem(frame)
        self._reveal = frame
        self.frame_rect(frame.rect())

    @property
    def reveal_text(self) -> str | None:
        if self._reveal is None:
            return None
        labels = [c for c in self._reveal.childItems() if isinstance(c, _LabelItem)]
        return labels[0].text if labels else None

    def clear_reveal(self) -> None:
        if self._reveal is not None:
            self._scene.removeItem(self._reveal)
            self._reveal = None

    def clear_parcel(self) -> None:
        self.clear_reveal()
        self.set_mark_mode(False)
        self._mark_layer.clear()
        self._parcel = None
        self.mark_action.setEnabled(False)
        self._set_current_overlay(None)
        self._image_item.clear()
        self._remove_overlays()
        self._buffer = None
        self._scene.setSceneRect(QRectF())

    def set_display_settings(self, settings: DisplaySettings) -> None:
        """Re-render the current parcel in another display mode (fast path)."""
        self._settings = settings
        if self._parcel is not None:
            self._render()

    def _render(self) -> None:
        assert self._parcel is not None
        lines, pixels = self._parcel.image.shape
        if self._buffer is None or self._buffer.shape[:2] != (lines, pixels):
            self._buffer = np.empty((lines, pixels, 4), dtype=np.uint8)
        rendered = self._renderer.render(self._parcel.image, self._settings, out=self._buffer)
        if rendered is not self._buffer:
            # A renderer that ignored ``out`` still works; keep what it gave.
            self._buffer = np.ascontiguousarray(rendered, dtype=np.uint8)
        self._image_item.set_array(self._buffer)
        self.image_rendered.emit()

    def _severity(self, alarm: Alarm) -> Severity:
        return Severity.RED if alarm.kind in self._red_alarm_kinds else Severity.AMBER

    def _remove_overlays(self) -> None:
        self._set_current_overlay(None)
        for item in self._overlays:
            self._scene.removeItem(item)
        self._overlays.clear()

    def _rebuild_overlays(self, parcel: ParcelScan) -> None:
        self._remove_overlays()
        for source in jump_order(parcel):
            if source.detection is not None:
                detection = source.detection
                text = detection_text(detection, self._item_label)
                self._add_overlay(detection.box, text, Severity.DETECTION, source)
            elif source.alarm is not None:
                alarm = source.alarm
                text = f"{alarm_text(alarm.kind)} · {alarm.score:.2f}"
                self._add_overlay(alarm.box, text, self._severity(alarm), source)

    def _add_overlay(
        self, box: BoxPx, text: str, severity: Severity, source: OverlaySource
    ) -> None:
        item = OverlayItem(box_to_scene_rect(box), text, severity, source, self._label_font)
        item.setVisible(self._overlays_visible)
        self._scene.addItem(item)
        self._overlays.append(item)

    def set_overlays_visible(self, visible: bool) -> None:
        self._overlays_visible = visible
        for item in self._overlays:
            item.setVisible(visible)
        if self.overlay_action.isChecked() != visible:
            self.overlay_action.setChecked(visible)

    def toggle_overlays(self) -> None:
        self.set_overlays_visible(not self._overlays_visible)

    # -- jumping between items -------------------------------------------------

    def select_overlay(self, index: int) -> None:
        """Highlight overlay ``index`` (jump order) and frame it in the view.

        Visibility is left as it is: an inspector who hid the overlays to see
        the image under them still gets taken to the next item.
        """
        if not 0 <= index < len(self._overlays):
            return
        self._set_current_overlay(index)
        self.frame_rect(self._overlays[index].rect())

    def next_overlay(self) -> None:
        """Jump to the next item, wrapping after the last (nothing if none)."""
        if not self._overlays:
            return
        current = self._current_overlay
        self.select_overlay(0 if current is None else (current + 1) % len(self._overlays))

    def previous_overlay(self) -> None:
        """Jump to the previous item, wrapping before the first (nothing if none)."""
        if not self._overlays:
            return
        current = self._current_overlay
        count = len(self._overlays)
        self.select_overlay(count - 1 if current is None else (current - 1) % count)

    def _set_current_overlay(self, index: int | None) -> None:
        previous = self._current_overlay
        if previous is not None and previous < len(self._overlays):
            self._overlays[previous].set_highlighted(False)
        self._current_overlay = index
        if index is not None:
            self._overlays[index].set_highlighted(True)
        if index != previous:
            self.overlay_selected.emit(-1 if index is None else index)

    def frame_rect(self, rect: QRectF) -> None:
        """Centre ``rect`` (scene units) at a zoom that shows it at ``JUMP_FILL``
        of the view: small items are enlarged, never beyond ``MAX_ZOOM``."""
        fit = self._fit_scale()
        viewport = self.maximumViewportSize()
        width = max(rect.width(), 1.0) * fit
        height = max(rect.height(), 1.0) * fit
        zoom = JUMP_FILL * min(viewport.width() / width, viewport.height() / height)
        self.set_zoom(zoom)
        self.centerOn(rect.center())

    # -- marks (where the inspector points) -------------------------------------

    @property
    def mark_mode(self) -> bool:
        """Whether a left drag (or Enter) draws a mark instead of panning."""
        return self._mark_mode

    def marks(self) -> tuple[BoxPx, ...]:
        """The marks on the shown parcel, in parcel pixels, in the order drawn."""
        return self._mark_layer.marks

    @property
    def marks_read_only(self) -> bool:
        """The marks shown are a decision's: they cannot be edited."""
        return self._mark_layer.read_only

    def mark_frames(self) -> list[MarkFrame]:
        """The marks' graphics items, in the order drawn."""
        return self._mark_layer.frames()

    @property
    def cursor_box(self) -> BoxPx | None:
        """The keyboard's cursor box while in mark mode, else None."""
        return self._cursor_box

    def set_marks(self, marks: Sequence[BoxPx], *, read_only: bool = True) -> None:
        """Show these marks on the parcel (a decided parcel's: read-only, no mark mode)."""
        if read_only:
            self.set_mark_mode(False)
        self._mark_layer.set_marks(marks, read_only=read_only)
        self.mark_action.setEnabled(self._can_mark())

    def add_mark(self, box: BoxPx) -> bool:
        """Add a mark, clamped to the image; False when nothing was added (no
        parcel, read-only, outside the image or ``MAX_MARKS`` reached)."""
        if self._parcel is None or not self._allow_marking:
            return False
        lines, pixels = self._parcel.image.shape
        clamped = scene_rect_to_box(box_to_scene_rect(box), lines, pixels)
        if clamped is None or not self._mark_layer.add(clamped):
            return False
        self.marks_changed.emit()
        return True

    def remove_last_mark(self) -> bool:
        """Remove the newest mark (Backspace / Delete in mark mode)."""
        if not self._mark_layer.remove_last():
            return False
        self.marks_changed.emit()
        return True

    def _can_mark(self) -> bool:
        return self._allow_marking and self._parcel is not None and not self._mark_layer.read_only

    def set_mark_mode(self, on: bool) -> None:
        """Enter or leave mark mode (refused while there is nothing to mark)."""
        on = on and self._can_mark()
        if on != self._mark_mode:
            self._mark_mode = on
            self._cancel_drag()
            if on:
                self.setDragMode(QGraphicsView.DragMode.NoDrag)
                self.viewport().setCursor(Qt.CursorShape.CrossCursor)
                self._place_cursor()
                self.setFocus()  # the arrow keys, Enter and Esc come here
            else:
                self._remove_cursor()
                self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            self.mark_mode_changed.emit(on)
        if self.mark_action.isChecked() != on:
            self.mark_action.setChecked(on)

    def toggle_mark_mode(self) -> None:
        self.set_mark_mode(not self._mark_mode)

    def _to_scene(self, view_point: QPointF) -> QPointF:
        # Exact (sub-pixel) inverse of the view; mapToScene would round to a view pixel.
        inverse, _invertible = self.viewportTransform().inverted()
        return inverse.map(view_point)

    def _image_size(self) -> tuple[int, int]:
        assert self._parcel is not None
        lines, pixels = self._parcel.image.shape
        return int(lines), int(pixels)

    def _view_scale(self) -> float:
        """Screen pixels per image pixel at the current zoom."""
        return max(self.transform().m11(), 1e-6)

    def _cancel_drag(self) -> None:
        if self._drag_frame is not None:
            self._scene.removeItem(self._drag_frame)
        self._drag_frame = None
        self._drag_origin = None
        self._drag_origin_scene = None
        self._pan_from = None

    def _inside(self, line0: int, px0: int, lines: int, pixels: int) -> BoxPx:
        """A box of that size at that place, moved (and shrunk) to lie in the image."""
        image_lines, image_pixels = self._image_size()
        lines = max(1, min(lines, image_lines))
        pixels = max(1, min(pixels, image_pixels))
        line0 = max(0, min(line0, image_lines - lines))
        px0 = max(0, min(px0, image_pixels - pixels))
        return BoxPx(line0, px0, line0 + lines, px0 + pixels)

    def _place_cursor(self) -> None:
        """The cursor box, CURSOR_BOX_PX wide on screen, at the centre of the view."""
        size = max(1, round(CURSOR_BOX_PX / self._view_scale()))
        centre = self._to_scene(QPointF(self.viewport().rect().center()))
        self._show_cursor(
            self._inside(round(centre.x() - size / 2), round(centre.y() - size / 2), size, size)
        )

    def _show_cursor(self, box: BoxPx) -> None:
        self._cursor_box = box
        rect = box_to_scene_rect(box)
        if self._cursor_frame is None:
            self._cursor_frame = MarkFrame(rect, dashed=True)
            self._scene.addItem(self._cursor_frame)
        else:
            self._cursor_frame.setRect(rect)

    def _remove_cursor(self) -> None:
        if self._cursor_frame is not None:
            self._scene.removeItem(self._cursor_frame)
        self._cursor_frame = None
        self._cursor_box = None

    def _move_cursor(self, d_lines: int, d_pixels: int, *, resize: bool) -> None:
        box = self._cursor_box
        visible = self._to_scene(QPointF(0, 0)), self._to_scene(
            QPointF(self.viewport().width(), self.viewport().height())
        )
        if box is None or not QRectF(*visible).intersects(box_to_scene_rect(box)):
            self._place_cursor()  # panned or jumped away: start again where one looks
            box = self._cursor_box
            assert box is not None
        step = max(1, round(CURSOR_STEP_PX / self._view_scale()))
        if resize:
            moved = self._inside(
                box.line0, box.px0, box.height + d_lines * step, box.width + d_pixels * step
            )
        else:
            moved = self._inside(
                box.line0 + d_lines * step, box.px0 + d_pixels * step, box.height, box.width
            )
        self._show_cursor(moved)
        margin = round(CURSOR_STEP_PX)
        self.ensureVisible(box_to_scene_rect(moved), margin, margin)

    def _mark_key(self, event: QKeyEvent) -> bool:
        """Handle a mark-mode key; False for keys mark mode does not use."""
        key = event.key()
        arrows = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if key == Qt.Key.Key_Escape:
            self.set_mark_mode(False)
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.remove_last_mark()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._cursor_box is not None:
                self.add_mark(self._cursor_box)
        elif key in arrows:
            d_lines, d_pixels = arrows[Qt.Key(key)]
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._move_cursor(d_lines, d_pixels, resize=shift)
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent, /) -> None:  # noqa: N802 (Qt override)
        if self._mark_mode and self._mark_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent, /) -> None:  # noqa: N802 (Qt override)
        if self._mark_mode and event.button() == Qt.MouseButton.LeftButton:
            self._cancel_drag()
            self._drag_origin = event.position()
            # Kept in scene units: a wheel zoom during the drag keeps the corner put.
            self._drag_origin_scene = self._to_scene(event.position())
            self._drag_frame = MarkFrame(QRectF(), dashed=True)
            self._drag_frame.setVisible(False)
            self._scene.addItem(self._drag_frame)
            event.accept()
            return
        if self._mark_mode and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            event.accept()
            return
        super().mousePressEvent(event)

    def _drag_box(self, end: QPointF) -> BoxPx | None:
        assert self._drag_origin_scene is not None
        lines, pixels = self._image_size()
        dragged = QRectF(self._drag_origin_scene, self._to_scene(end))
        return scene_rect_to_box(dragged, lines, pixels)

    def mouseMoveEvent(self, event: QMouseEvent, /) -> None:  # noqa: N802 (Qt override)
        if self._drag_frame is not None:
            box = self._drag_box(event.position())
            self._drag_frame.setVisible(box is not None)
            if box is not None:
                self._drag_frame.setRect(box_to_scene_rect(box))
            event.accept()
            return
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            horizontal, vertical = self.horizontalScrollBar(), self.verticalScrollBar()
            horizontal.setValue(horizontal.value() - round(delta.x()))
            vertical.setValue(vertical.value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent, /) -> None:  # noqa: N802 (Qt override)
        if self._drag_frame is not None and event.button() == Qt.MouseButton.LeftButton:
            origin = self._drag_origin
            end = event.position()
            box = self._drag_box(end)
            self._cancel_drag()
            assert origin is not None
            long_enough = (
                abs(end.x() - origin.x()) >= MIN_MARK_DRAG_PX
                and abs(end.y() - origin.y()) >= MIN_MARK_DRAG_PX
            )
            if box is not None and long_enough:
                self.add_mark(box)
            event.accept()
            return
        if self._pan_from is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # -- zoom and pan --------------------------------------------------------

    def _fit_scale(self) -> float:
        rect = self._image_item.boundingRect()
        # The size without scroll bars: otherwise zooming in (scroll bars
        # appear) would change what "fit" means and make the image jump.
        viewport = self.maximumViewportSize()
        if rect.isEmpty() or viewport.isEmpty():
            return 1.0
        return min(viewport.width() / rect.width(), viewport.height() / rect.height())

    def _apply_transform(self) -> None:
        scale = self._fit_scale() * self._zoom
        self.setTransform(QTransform.fromScale(scale, scale))

    def set_zoom(self, zoom: float, *, anchor: QPointF | None = None) -> None:
        """Set the zoom (clamped to 1–8× of fit-to-view).

        ``anchor`` is a viewport point that keeps showing the same image point
        (the cursor for wheel zoom); without it the view centre is kept.
        """
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        if zoom == self._zoom:
            return
        view_point = anchor if anchor is not None else QPointF(self.viewport().rect().center())
        scene_point = self.mapToScene(view_point.toPoint())
        self._zoom = zoom
        self._apply_transform()
        # Scroll so the anchored scene point is back under the view point (our
        # own anchoring: Qt's AnchorUnderMouse follows mouse moves, not wheels).
        moved = self.mapFromScene(scene_point) - view_point.toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self.zoom_changed.emit(self._zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * KEY_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / KEY_STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(MIN_ZOOM)
        self.centerOn(self._image_item.boundingRect().center())

    def wheelEvent(self, event: QWheelEvent, /) -> None:  # noqa: N802 (Qt override)
        notches = event.angleDelta().y() / 120.0
        if notches == 0:
            return
        self.set_zoom(self._zoom * WHEEL_STEP**notches, anchor=event.position())
        event.accept()

    def resizeEvent(self, event: QResizeEvent, /) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        # Keep "1× = whole parcel" true when the window is resized.
        self._apply_transform()

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect, /) -> None:  # noqa: N802 (Qt override)
        super().drawBackground(painter, rect)
        if self._parcel is not None:
            return
        # Empty state in view coordinates: a blank canvas must not look broken.
        painter.save()
        painter.resetTransform()
        painter.setPen(QColor(140, 144, 152))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        painter.setFont(font)
        painter.drawText(
            self.viewport().rect(),
            Qt.AlignmentFlag.AlignCenter,
            self.tr("Waiting for the next parcel…"),
        )
        painter.restore()

    def showEvent(self, event: QShowEvent, /) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._apply_transform()
