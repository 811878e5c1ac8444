"""ImageCanvas with the real Renderer: image, overlays, zoom, modes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from station_app.domain import ParcelScan
from station_app.gui.canvas import (
    MAX_ZOOM,
    MIN_ZOOM,
    ImageCanvas,
    OverlayItem,
    Severity,
    box_to_scene_rect,
)
from station_app.imaging.render import DisplayMode, DisplaySettings, Renderer


@pytest.fixture
def canvas(qtbot: QtBot, renderer: Renderer) -> ImageCanvas:
    widget = ImageCanvas(renderer, red_alarm_kinds={"dense_object"})
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_image_is_shown_zero_copy_with_belt_direction_horizontal(
    canvas: ImageCanvas, parcel_factory: Callable[..., ParcelScan], renderer: Renderer
) -> None:
    parcel = parcel_factory(lines=200, pixels=300)
    canvas.set_parcel(parcel)
    array = canvas.image_array
    assert array is not None and array.shape == (200, 300, 4)
    np.testing.assert_array_equal(array, renderer.render(parcel.image, DisplaySettings()))
    # Scene x = lines (belt direction), scene y = detector pixels.
    assert canvas.sceneRect() == QRectF(0, 0, 200, 300)
    # The drawn picture is the buffer, transposed by the painter only.
    grabbed = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    view_point = canvas.mapFromScene(QPointF(150.5, 100.5))  # line 150, pixel 100
    colour = grabbed.pixelColor(view_point * canvas.devicePixelRatioF())
    expected = array[150, 100]
    assert abs(colour.red() - int(expected[0])) <= 24
    assert abs(colour.green() - int(expected[1])) <= 24
    assert abs(colour.blue() - int(expected[2])) <= 24


def test_overlay_item_per_alarm_and_detection_with_scene_rect(
    canvas: ImageCanvas, parcel_factory: Callable[..., ParcelScan]
) -> None:
    parcel = parcel_factory()
    canvas.set_parcel(parcel)
    items = canvas.overlay_items()
    assert len(items) == len(parcel.alarms) + len(parcel.detections)
    scene_overlays = [i for i in canvas.scene().items() if isinstance(i, OverlayItem)]
    assert len(scene_overlays) == len(items)
    for alarm in parcel.alarms:
        (item,) = [i for i in items if i.source.alarm is alarm]
        rect = item.mapRectToScene(item.rect())
        box = alarm.box
        assert rect == QRectF(box.line0, box.px0, box.line1 - box.line0, box.px1 - box.px0)
        assert alarm.kind.replace("_", " ") in item.text
    dense = next(i for i in items if i.source.alarm and i.source.alarm.kind == "dense_object")
    organic = next(i for i in items if i.source.alarm and i.source.alarm.kind == "organic_mass")
    assert dense.severity is Severity.RED
    assert organic.severity is Severity.AMBER
    (det_item,) = [i for i in items if i.source.detection is not None]
    assert det_item.severity is Severity.DETECTION
    assert "knife" in det_item.text and "82%" in det_item.text
    assert det_item.mapRectToScene(det_item.rect()) == box_to_scene_rect(parcel.detections[0].box)


def test_overlays_toggle_with_o_key(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: Callable[..., ParcelScan]
) -> None:
    canvas.set_parcel(parcel_factory())
    canvas.activateWindow()
    qtbot.waitUntil(lambda: canvas.isActiveWindow())
    assert all(i.isVisible() for i in canvas.overlay_items())
    qtbot.keyClick(canvas, Qt.Key.Key_O)
    assert not canvas.overlays_visible
    assert not any(i.isVisible() for i in canvas.overlay_items())
    qtbot.keyClick(canvas, Qt.Key.Key_O)
    assert all(i.isVisible() for i in canvas.overlay_items())


def test_new_parcel_replaces_overlays(
    canvas: ImageCanvas, parcel_factory: Callable[..., ParcelScan]
) -> None:
    canvas.set_parcel(parcel_factory("A"))
    canvas.set_parcel(parcel_factory("B", alarms=(), detections=()))
    assert canvas.overlay_items() == []
    assert not [i for i in canvas.scene().items() if isinstance(i, OverlayItem)]


def test_zoom_is_clamped_between_1_and_8(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: Callable[..., ParcelScan]
) -> None:
    canvas.set_parcel(parcel_factory())
    fit = canvas.transform().m11()
    assert canvas.zoom == MIN_ZOOM
    for _ in range(20):
        canvas.zoom_in()
    assert canvas.zoom == MAX_ZOOM
    assert canvas.transform().m11() == pytest.approx(fit * MAX_ZOOM)
    for _ in range(20):
        canvas.zoom_out()
    assert canvas.zoom == MIN_ZOOM
    assert canvas.transform().m11() == pytest.approx(fit)
    canvas.set_zoom(100.0)
    assert canvas.zoom == MAX_ZOOM
    canvas.set_zoom(0.01)
    assert canvas.zoom == MIN_ZOOM


def test_keyboard_zoom_plus_minus_zero(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: Callable[..., ParcelScan]
) -> None:
    canvas.set_parcel(parcel_factory())
    canvas.activateWindow()
    qtbot.waitUntil(lambda: canvas.isActiveWindow())
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.zoom > MIN_ZOOM
    zoomed = canvas.zoom
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.zoom < zoomed
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert canvas.zoom == MIN_ZOOM


def test_wheel_zoom_keeps_point_under_cursor(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: Callable[..., ParcelScan]
) -> None:
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    canvas.set_parcel(parcel_factory(lines=400, pixels=300))
    cursor = QPoint(300, 250)
    before = canvas.mapToScene(cursor)
    event = QWheelEvent(
        QPointF(cursor),
        QPointF(canvas.viewport().mapToGlobal(cursor)),
        QPoint(0, 0),
        QPoint(0, 120 * 3),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), event)
    assert canvas.zoom == pytest.approx(1.25**3)
    after = canvas.mapToScene(cursor)
    assert abs(after.x() - before.x()) < 2.0 and abs(after.y() - before.y()) < 2.0


def test_mode_switch_rerenders_into_the_same_buffer(
    canvas: ImageCanvas, parcel_factory: Callable[..., ParcelScan]
) -> None:
    canvas.set_parcel(parcel_factory())
    buffer = canvas.image_array
    assert buffer is not None
    colour = buffer.copy()
    canvas.set_display_settings(DisplaySettings(mode=DisplayMode.GREY))
    assert canvas.image_array is buffer  # reused, the QImage over it stays valid
    assert not np.array_equal(buffer, colour)
    assert canvas.settings.mode is DisplayMode.GREY
