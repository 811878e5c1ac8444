"""Detections in the workspace: localised overlay and list names, jumping
between items by key and by list click, the overlay toggle, detector status."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from gui_fakes import FakeStation, make_principal
from gui_windows import shown_inspector_window
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot

from station_app.detection.detector import DetectorStatus
from station_app.domain import Alarm, BoxPx, Detection, ParcelScan
from station_app.gui.canvas import (
    HIGHLIGHT_PEN_WIDTH,
    JUMP_FILL,
    MAX_ZOOM,
    MIN_ZOOM,
    PEN_WIDTH,
    ImageCanvas,
    OverlayItem,
    box_to_scene_rect,
)
from station_app.gui.main_window import MainWindow
from station_app.imaging.render import Renderer

ParcelFactory = Callable[..., ParcelScan]

# Small boxes well inside a 400 × 300 parcel, so the view can centre on each.
DETECTIONS = (
    Detection("knife", 0.87, BoxPx(line0=60, px0=50, line1=80, px1=70)),
    Detection("gun", 0.64, BoxPx(line0=300, px0=200, line1=330, px1=240)),
    Detection("lithium_battery", 0.51, BoxPx(line0=180, px0=120, line1=200, px1=130)),
)
ALARM = Alarm(
    kind="dense_object",
    box=BoxPx(line0=120, px0=220, line1=150, px1=250),
    area_mm2=1440.0,
    score=0.9,
    explanation="Dense object hides what is behind it",
)


def _window(qtbot: QtBot, station: FakeStation, language: str = "en") -> MainWindow:
    return shown_inspector_window(qtbot, station, language=language)


@pytest.fixture
def window(qtbot: QtBot, station: FakeStation, styled_app: object) -> MainWindow:
    return _window(qtbot, station)


def _view_centre(canvas: ImageCanvas) -> QPointF:
    return canvas.mapToScene(canvas.viewport().rect().center())


def _assert_centred_on(canvas: ImageCanvas, box: BoxPx) -> None:
    centre = _view_centre(canvas)
    expected = box_to_scene_rect(box).center()
    # One scene unit is one image pixel; at these zooms it is several screen pixels.
    assert abs(centre.x() - expected.x()) < 1.0, (centre, expected)
    assert abs(centre.y() - expected.y()) < 1.0, (centre, expected)


def _panel_texts(window: MainWindow) -> list[str]:
    panel_list = window.decision_panel.alarm_list
    return [panel_list.item(r).text() for r in range(panel_list.count())]


def _highlighted(canvas: ImageCanvas) -> list[int]:
    return [i for i, item in enumerate(canvas.overlay_items()) if item.highlighted]


# -- localised names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "knife", "battery"),
    [("en", "Knife 87%", "Lithium battery 51%"), ("ko", "칼 87%", "리튬 배터리 51%")],
)
def test_overlay_and_list_show_the_item_in_the_users_language(
    qtbot: QtBot,
    station: FakeStation,
    styled_app: object,
    parcel_factory: ParcelFactory,
    language: str,
    knife: str,
    battery: str,
) -> None:
    # The language chosen at sign-in, carried by the principal.
    window = _window(qtbot, station, language)
    window.add_parcel(parcel_factory(lines=400, pixels=300, alarms=(), detections=DETECTIONS))
    texts = [item.text for item in window.canvas.overlay_items()]
    assert texts[0] == knife
    assert texts[2] == battery
    assert _panel_texts(window)[0] == knife
    assert _panel_texts(window)[2] == battery


def test_class_unknown_to_the_model_shows_its_plain_name(
    window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    unknown = Detection("hair_dryer", 0.5, BoxPx(10, 10, 40, 40))
    window.add_parcel(parcel_factory(alarms=(), detections=(unknown,)))
    (item,) = window.canvas.overlay_items()
    assert item.text == "hair dryer 50%"
    assert _panel_texts(window) == ["hair dryer 50%"]


def test_canvas_without_a_label_function_shows_the_class_name(
    qtbot: QtBot, renderer: Renderer, parcel_factory: ParcelFactory
) -> None:
    canvas = ImageCanvas(renderer)
    qtbot.addWidget(canvas)
    canvas.set_parcel(parcel_factory(alarms=(), detections=DETECTIONS[2:]))
    assert [i.text for i in canvas.overlay_items()] == ["lithium battery 51%"]


# -- jumping -------------------------------------------------------------------


def test_jump_keys_cycle_detections_in_order_and_wrap(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory(lines=400, pixels=300, alarms=(), detections=DETECTIONS))
    canvas, panel = window.canvas, window.decision_panel
    # A tuple, so that mypy does not narrow the properties to None for the loop.
    assert (canvas.current_overlay, panel.selected_overlay_row) == (None, None)

    expected_forward = [0, 1, 2, 0]  # wraps after the last
    for index in expected_forward:
        qtbot.keyClick(window, Qt.Key.Key_N)
        assert canvas.current_overlay == index
        assert canvas.overlay_items()[index].source.detection is DETECTIONS[index]
        assert _highlighted(canvas) == [index]
        assert panel.selected_overlay_row == index
        assert panel.alarm_list.currentItem().isSelected()
        _assert_centred_on(canvas, DETECTIONS[index].box)

    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)  # 0 -> wraps to 2
    assert canvas.current_overlay == 2
    assert panel.selected_overlay_row == 2
    _assert_centred_on(canvas, DETECTIONS[2].box)
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert canvas.current_overlay == 1
    assert _highlighted(canvas) == [1]
    assert panel.selected_overlay_row == 1
    _assert_centred_on(canvas, DETECTIONS[1].box)


def test_previous_from_nothing_starts_at_the_last(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory(lines=400, pixels=300, alarms=(), detections=DETECTIONS))
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert window.canvas.current_overlay == 2
    assert window.decision_panel.selected_overlay_row == 2


def test_alarms_follow_detections_in_the_jump_cycle(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(
        parcel_factory(lines=400, pixels=300, alarms=(ALARM,), detections=DETECTIONS[:2])
    )
    canvas = window.canvas
    visited = []
    for _ in range(4):
        qtbot.keyClick(window, Qt.Key.Key_N)
        source = canvas.overlay_items()[canvas.current_overlay or 0].source
        visited.append(source.detection or source.alarm)
    assert visited == [DETECTIONS[0], DETECTIONS[1], ALARM, DETECTIONS[0]]
    # The list rows are in the same order, so the alarm is row 2.
    assert _panel_texts(window)[2].startswith("dense object")
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert window.decision_panel.selected_overlay_row == 2
    _assert_centred_on(canvas, ALARM.box)


def test_jump_keys_without_detections_do_nothing(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    # No parcel at all.
    for key, modifier in (
        (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_P, Qt.KeyboardModifier.NoModifier),
    ):
        qtbot.keyClick(window, key, modifier)
    assert window.canvas.current_overlay is None
    window.add_parcel(parcel_factory(alarms=(), detections=()))
    centre = _view_centre(window.canvas)
    for key, modifier in (
        (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_P, Qt.KeyboardModifier.NoModifier),
    ):
        qtbot.keyClick(window, key, modifier)
    assert window.canvas.current_overlay is None
    assert window.canvas.zoom == MIN_ZOOM
    assert _view_centre(window.canvas) == centre
    assert window.decision_panel.selected_overlay_row is None
    assert _panel_texts(window) == ["None"]


def test_clicking_a_panel_row_jumps_to_its_overlay(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory(lines=400, pixels=300, alarms=(ALARM,), detections=DETECTIONS))
    panel_list = window.decision_panel.alarm_list
    for row, box in ((1, DETECTIONS[1].box), (3, ALARM.box), (0, DETECTIONS[0].box)):
        rect = panel_list.visualItemRect(panel_list.item(row))
        qtbot.mouseClick(panel_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.canvas.current_overlay == row
        assert _highlighted(window.canvas) == [row]
        assert window.decision_panel.selected_overlay_row == row
        _assert_centred_on(window.canvas, box)
    # After a click, N carries on from the clicked row.
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert window.canvas.current_overlay == 1


def test_a_new_parcel_clears_the_selection(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory("S-1", lines=400, pixels=300, detections=DETECTIONS))
    qtbot.keyClick(window, Qt.Key.Key_N)
    window.show_parcel(parcel_factory("S-2", lines=400, pixels=300, detections=DETECTIONS))
    assert window.canvas.current_overlay is None
    assert _highlighted(window.canvas) == []
    assert window.decision_panel.selected_overlay_row is None
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert window.canvas.current_overlay == 0


# -- framing and highlight (canvas alone) ----------------------------------------


@pytest.fixture
def canvas(qtbot: QtBot, renderer: Renderer) -> ImageCanvas:
    widget = ImageCanvas(renderer, red_alarm_kinds={"dense_object"})
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_jump_zooms_a_small_item_but_not_beyond_max(
    canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    tiny = Detection("knife", 0.9, BoxPx(line0=200, px0=150, line1=204, px1=154))
    canvas.set_parcel(parcel_factory(lines=400, pixels=300, alarms=(), detections=(tiny,)))
    canvas.next_overlay()
    assert canvas.zoom == MAX_ZOOM
    _assert_centred_on(canvas, tiny.box)


def test_jump_frames_a_medium_item_at_the_fill_share(
    canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    medium = Detection("gun", 0.9, BoxPx(line0=150, px0=100, line1=250, px1=160))
    canvas.set_parcel(parcel_factory(lines=400, pixels=300, alarms=(), detections=(medium,)))
    canvas.next_overlay()
    assert MIN_ZOOM < canvas.zoom < MAX_ZOOM
    on_screen = canvas.mapFromScene(box_to_scene_rect(medium.box)).boundingRect()
    viewport = canvas.maximumViewportSize()
    share = max(on_screen.width() / viewport.width(), on_screen.height() / viewport.height())
    assert share == pytest.approx(JUMP_FILL, abs=0.02)
    _assert_centred_on(canvas, medium.box)


def test_jump_to_a_large_item_keeps_it_all_in_view(
    canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    small = Detection("knife", 0.9, BoxPx(line0=200, px0=150, line1=204, px1=154))
    large = Detection("gun", 0.9, BoxPx(line0=20, px0=20, line1=380, px1=280))
    canvas.set_parcel(parcel_factory(lines=400, pixels=300, alarms=(), detections=(small, large)))
    canvas.next_overlay()
    assert canvas.zoom == MAX_ZOOM
    canvas.next_overlay()  # from 8× back to where the large item fits
    assert canvas.zoom == MIN_ZOOM
    visible = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert visible.contains(box_to_scene_rect(large.box))


def test_selected_overlay_is_drawn_thicker_and_on_top(
    canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    # The detection overlaps the red alarm, which normally lies above it.
    canvas.set_parcel(parcel_factory(lines=400, pixels=300))
    items = canvas.overlay_items()
    detection, red = items[0], items[1]
    assert detection.source.detection is not None and red.source.alarm is not None
    assert detection.pen().widthF() == PEN_WIDTH
    assert detection.zValue() < red.zValue()
    canvas.select_overlay(0)
    assert _highlighted(canvas) == [0]
    assert detection.pen().widthF() == HIGHLIGHT_PEN_WIDTH
    assert detection.pen().style() is Qt.PenStyle.DashLine  # still reads as a detection
    assert detection.zValue() > max(i.zValue() for i in items[1:])
    canvas.select_overlay(1)
    assert _highlighted(canvas) == [1]
    assert detection.pen().widthF() == PEN_WIDTH
    assert detection.zValue() < red.zValue()
    assert red.pen().widthF() == HIGHLIGHT_PEN_WIDTH


def test_overlay_selected_signal_reports_the_index(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory(lines=400, pixels=300, alarms=(), detections=DETECTIONS))
    with qtbot.waitSignal(canvas.overlay_selected) as blocker:
        canvas.previous_overlay()
    assert blocker.args == [2]
    with qtbot.waitSignal(canvas.overlay_selected) as blocker:
        canvas.set_parcel(parcel_factory(alarms=(), detections=()))
    assert blocker.args == [-1]
    canvas.select_overlay(5)  # out of range: ignored
    assert canvas.current_overlay is None


# -- the overlay toggle ------------------------------------------------------------


def test_o_key_hides_and_shows_detection_overlays(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory(lines=400, pixels=300, alarms=(ALARM,), detections=DETECTIONS))
    canvas = window.canvas
    detections = [i for i in canvas.overlay_items() if i.source.detection is not None]
    assert len(detections) == 3 and all(i.isVisible() for i in detections)
    qtbot.keyClick(window, Qt.Key.Key_O)
    assert not canvas.overlay_action.isChecked()
    assert not any(i.isVisible() for i in canvas.overlay_items())
    on_screen = [i for i in canvas.items(canvas.viewport().rect()) if isinstance(i, OverlayItem)]
    assert on_screen == []
    # Jumping still moves to the item but leaves the inspector's choice alone.
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert canvas.current_overlay == 0
    _assert_centred_on(canvas, DETECTIONS[0].box)
    assert not any(i.isVisible() for i in canvas.overlay_items())
    qtbot.keyClick(window, Qt.Key.Key_O)
    assert all(i.isVisible() for i in detections)
    assert detections[0].highlighted


def test_overlay_tooltip_documents_the_keys(window: MainWindow) -> None:
    tip = window.canvas.overlay_action.toolTip()
    assert "(O)" in tip and "N" in tip and "Shift+N" in tip and "P" in tip
    assert "N" in window.decision_panel.alarm_list.toolTip()


# -- detector status ---------------------------------------------------------------


def test_status_bar_shows_the_detector_summary(window: MainWindow) -> None:
    label = window.status_bar.detector_label
    assert label.text() == "xcnet 1.0 on CPU"
    assert label.property("warn") is False
    assert "xcnet 1.0 on CPU" in label.toolTip()


def test_status_bar_warns_when_the_gpu_did_not_load(
    qtbot: QtBot, station: FakeStation, styled_app: object
) -> None:
    warning = "CUDA requested (CUDAExecutionProvider) but not available; running on CPU"
    station.detector_status_value = DetectorStatus(
        enabled=True, model="xcnet 1.0", provider="CPU", warning=warning
    )
    window = _window(qtbot, station)
    label = window.status_bar.detector_label
    assert "xcnet 1.0 on CPU" in label.text()
    assert label.text().startswith("⚠")
    assert label.toolTip() == warning
    assert label.property("warn") is True
    # The style sheet's amber, not just a property nobody styles.
    assert label.palette().color(QPalette.ColorRole.WindowText) == QColor("#ffb347")
    normal = window.status_bar.processed_label
    assert normal.palette().color(QPalette.ColorRole.WindowText) != QColor("#ffb347")


@pytest.mark.parametrize(
    ("status", "text", "warn"),
    [
        (DetectorStatus(enabled=False, model="", provider=""), "detector off", False),
        (
            DetectorStatus(
                enabled=True, model="", provider="", warning="model file failed its checksum"
            ),
            "⚠ detector unavailable",
            True,
        ),
    ],
)
def test_status_bar_detector_off_or_unavailable(
    qtbot: QtBot, station: FakeStation, status: DetectorStatus, text: str, warn: bool
) -> None:
    station.detector_status_value = status
    window = MainWindow(station, principal=make_principal("op"))
    qtbot.addWidget(window)
    label = window.status_bar.detector_label
    assert label.text() == text
    assert label.property("warn") is warn
    if status.warning:
        assert label.toolTip() == status.warning


def test_scene_rect_is_unchanged_by_jumping(
    canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory(lines=400, pixels=300, alarms=(), detections=DETECTIONS))
    canvas.next_overlay()
    assert canvas.sceneRect() == QRectF(0, 0, 400, 300)
