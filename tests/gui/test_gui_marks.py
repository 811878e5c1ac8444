"""Inspectors' marks: boxes drawn on the image where the suspicious thing is.

Real canvas and window (offscreen), real mouse and key events. Marks are parcel
pixels whatever the zoom and pan; the keyboard alone can mark; Backspace and Esc
do what the guide says; a new parcel starts without marks; the decision and the
TIP response carry them; a decided parcel shows its marks read-only; and on the
real Station the mark comes back from the database, also in the supervisor's
review.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from gui_fakes import FakeStation, make_parcel, make_principal
from gui_windows import shown_inspector_window
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsView
from pytestqt.qtbot import QtBot

from station_app.accounts import Role
from station_app.domain import BoxPx, Detection, ParcelScan, TipImage, Verdict
from station_app.gui.canvas import MIN_MARK_DRAG_PX, ImageCanvas
from station_app.gui.main_window import MainWindow
from station_app.gui.mark_layer import MARK_COLOUR, MARK_Z, scene_rect_to_box
from station_app.gui.scene_items import box_to_scene_rect
from station_app.imaging.render import Renderer

ParcelFactory = Callable[..., ParcelScan]


@pytest.fixture
def canvas(qtbot: QtBot, renderer: Renderer) -> ImageCanvas:
    widget = ImageCanvas(renderer, red_alarm_kinds={"dense_object"})
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


@pytest.fixture
def window(qtbot: QtBot, station: FakeStation, styled_app: object) -> MainWindow:
    return shown_inspector_window(qtbot, station, "kim")


def _view_point(canvas: ImageCanvas, line: float, pixel: float) -> QPoint:
    point = canvas.mapFromScene(QPointF(line, pixel))
    assert canvas.viewport().rect().contains(point), (line, pixel, point)
    return point


def _drag(qtbot: QtBot, canvas: ImageCanvas, start: QPoint, end: QPoint,
          button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, button, pos=start)
    middle = (start + end) / 2
    qtbot.mouseMove(viewport, pos=middle)
    qtbot.mouseMove(viewport, pos=end)
    qtbot.mouseRelease(viewport, button, pos=end)


def _drag_scene(qtbot: QtBot, canvas: ImageCanvas, start: tuple[float, float],
                end: tuple[float, float]) -> None:
    """Drag from the centre of one image pixel (line, pixel) to the centre of another."""
    _drag(qtbot, canvas, _view_point(canvas, *start), _view_point(canvas, *end))


# -- the canvas ------------------------------------------------------------------


def test_mouse_marks_are_parcel_pixels_at_two_zooms(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory(lines=200, pixels=300))
    assert not canvas.mark_mode and canvas.mark_action.isEnabled()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    assert canvas.mark_mode and canvas.mark_action.isChecked()
    assert canvas.dragMode() is QGraphicsView.DragMode.NoDrag

    # Fit (1×): from the pixel at line 50, pixel 60 to the one at line 89, pixel 129.
    _drag_scene(qtbot, canvas, (50.5, 60.5), (89.5, 129.5))
    assert canvas.marks() == (BoxPx(50, 60, 90, 130),)

    # Zoomed in 3× and panned elsewhere: the same pixels-under-the-pointer rule.
    canvas.set_zoom(3.0)
    canvas.centerOn(QPointF(150.0, 200.0))
    assert canvas.transform().m11() > 5.0  # many screen pixels per image pixel now
    _drag_scene(qtbot, canvas, (140.5, 180.5), (159.5, 215.5))
    assert canvas.marks() == (BoxPx(50, 60, 90, 130), BoxPx(140, 180, 160, 216))

    # Drawn where they are, numbered in order, above every overlay, in the mark colour.
    frames = canvas.mark_frames()
    assert [f.mapRectToScene(f.rect()) for f in frames] == [
        box_to_scene_rect(b) for b in canvas.marks()
    ]
    assert [f.label.text if f.label else None for f in frames] == ["1", "2"]
    assert all(f.zValue() == MARK_Z and not f.dashed for f in frames)
    assert all(f.zValue() > o.zValue() for f in frames for o in canvas.overlay_items())
    overlay_colours = {o.pen().color().rgb() for o in canvas.overlay_items()}
    assert MARK_COLOUR.rgb() not in overlay_colours


def test_a_drag_drawn_right_to_left_and_past_the_image_is_clamped(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory(lines=200, pixels=300))
    canvas.set_mark_mode(True)
    # At fit the 200 lines are narrower than the view: there is empty canvas right of it.
    beyond = canvas.mapFromScene(QPointF(199.5, 10.5)) + QPoint(40, 0)
    assert canvas.viewport().rect().contains(beyond)
    _drag(qtbot, canvas, _view_point(canvas, 180.5, 250.5), beyond)
    assert canvas.marks() == (BoxPx(180, 10, 200, 251),)
    # Wholly outside the image: nothing.
    outside = canvas.mapFromScene(QPointF(200.0, 100.0)) + QPoint(10, 0)
    _drag(qtbot, canvas, outside, outside + QPoint(60, 60))
    assert len(canvas.marks()) == 1


def test_tiny_drags_and_clicks_add_no_mark(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory())
    canvas.set_mark_mode(True)
    start = _view_point(canvas, 100.5, 150.5)
    short = int(MIN_MARK_DRAG_PX) - 1
    _drag(qtbot, canvas, start, start + QPoint(short, short))
    _drag(qtbot, canvas, start, start + QPoint(60, short))  # a line, not a box
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=start)
    assert canvas.marks() == ()
    assert canvas.mark_frames() == []
    _drag(qtbot, canvas, start, start + QPoint(short + 1, short + 1))
    assert len(canvas.marks()) == 1


def test_wheel_zoom_and_middle_button_pan_still_work_in_mark_mode(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory(lines=400, pixels=300))
    canvas.set_mark_mode(True)
    cursor = QPoint(300, 250)
    event = QWheelEvent(
        QPointF(cursor), QPointF(canvas.viewport().mapToGlobal(cursor)), QPoint(0, 0),
        QPoint(0, 120 * 2), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(canvas.viewport(), event)
    assert canvas.zoom == pytest.approx(1.25**2)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)  # the zoom keys too
    assert canvas.zoom == pytest.approx(1.25**2 * 1.5)
    before = canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value()
    _drag(qtbot, canvas, QPoint(400, 300), QPoint(340, 260), Qt.MouseButton.MiddleButton)
    after = canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value()
    assert after == (before[0] + 60, before[1] + 40)
    assert canvas.marks() == ()  # panning drew nothing


def test_keyboard_only_marking(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory(lines=200, pixels=300))
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    assert canvas.hasFocus()
    start = canvas.cursor_box
    assert start is not None and start.height > 1 and start.width > 1
    # A dashed cursor box, drawn where it is.
    assert canvas.marks() == ()

    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    moved = canvas.cursor_box
    assert moved is not None
    step = (moved.line0 - start.line0) // 2
    assert step >= 1 and moved == replace(
        start, line0=start.line0 + 2 * step, line1=start.line1 + 2 * step
    )
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    qtbot.keyClick(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # taller
    qtbot.keyClick(canvas, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)  # narrower
    sized = canvas.cursor_box
    # Up moved it a step; Shift+Down made it a step taller, Shift+Left a step narrower.
    assert sized == BoxPx(moved.line0, moved.px0 - step, moved.line1 - step, moved.px1)

    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert canvas.marks() == (sized,)
    for _ in range(6):
        qtbot.keyClick(canvas, Qt.Key.Key_Down)
    qtbot.keyClick(canvas, Qt.Key.Key_Enter)  # the keypad's Enter too
    assert len(canvas.marks()) == 2 and canvas.marks()[1].px0 > sized.px0


def test_keyboard_cursor_stays_in_the_image(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory(lines=200, pixels=300))
    canvas.set_mark_mode(True)
    for _ in range(60):
        qtbot.keyClick(canvas, Qt.Key.Key_Left)
        qtbot.keyClick(canvas, Qt.Key.Key_Up)
    box = canvas.cursor_box
    assert box is not None and (box.line0, box.px0) == (0, 0)
    for _ in range(60):
        qtbot.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    box = canvas.cursor_box
    assert box is not None and box.line1 == 200  # grown to the whole length, no further
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert canvas.marks()[0].line1 == 200


def test_backspace_and_delete_remove_the_last_mark(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory())
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    _drag_scene(qtbot, canvas, (10.5, 10.5), (40.5, 40.5))
    _drag_scene(qtbot, canvas, (100.5, 100.5), (140.5, 160.5))
    _drag_scene(qtbot, canvas, (150.5, 200.5), (190.5, 280.5))
    first, second, _third = canvas.marks()
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert canvas.marks() == (first, second)
    assert len(canvas.mark_frames()) == 2
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert canvas.marks() == (first,)
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)  # nothing left: nothing happens
    assert canvas.marks() == () and canvas.mark_frames() == []
    assert canvas.mark_mode


def test_escape_leaves_mark_mode_and_keeps_the_marks(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory())
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    _drag_scene(qtbot, canvas, (10.5, 10.5), (40.5, 40.5))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not canvas.mark_mode and not canvas.mark_action.isChecked()
    assert canvas.cursor_box is None
    assert canvas.dragMode() is QGraphicsView.DragMode.ScrollHandDrag
    assert canvas.marks() == (BoxPx(10, 10, 41, 41),)
    # Out of mark mode a drag pans, Backspace and Enter do nothing to the marks.
    _drag_scene(qtbot, canvas, (100.5, 100.5), (140.5, 160.5))
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert canvas.marks() == (BoxPx(10, 10, 41, 41),)
    # M toggles: on and off again.
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    assert canvas.mark_mode
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    assert not canvas.mark_mode


def test_no_mark_mode_without_a_parcel_or_on_read_only_marks(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    assert not canvas.mark_action.isEnabled()
    canvas.set_mark_mode(True)
    assert not canvas.mark_mode and not canvas.mark_action.isChecked()
    canvas.set_parcel(parcel_factory())
    canvas.set_marks((BoxPx(5, 6, 20, 30),), read_only=True)
    assert not canvas.mark_action.isEnabled()
    canvas.set_mark_mode(True)
    assert not canvas.mark_mode
    assert not canvas.add_mark(BoxPx(50, 50, 60, 60))
    assert not canvas.remove_last_mark()
    assert canvas.marks() == (BoxPx(5, 6, 20, 30),) and canvas.marks_read_only


def test_the_reviews_canvas_never_marks(
    qtbot: QtBot, renderer: Renderer, parcel_factory: ParcelFactory
) -> None:
    view = ImageCanvas(renderer, allow_marking=False)
    qtbot.addWidget(view)
    view.set_parcel(parcel_factory())
    assert not view.mark_action.isEnabled()
    view.set_mark_mode(True)
    assert not view.mark_mode and not view.add_mark(BoxPx(1, 1, 9, 9))


def test_a_new_parcel_starts_without_marks_out_of_mark_mode(
    qtbot: QtBot, canvas: ImageCanvas, parcel_factory: ParcelFactory
) -> None:
    canvas.set_parcel(parcel_factory("A"))
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    _drag_scene(qtbot, canvas, (10.5, 10.5), (40.5, 40.5))
    assert len(canvas.marks()) == 1
    canvas.set_parcel(parcel_factory("B"))
    assert canvas.marks() == () and canvas.mark_frames() == []
    assert not canvas.mark_mode and canvas.cursor_box is None
    assert canvas.mark_action.isEnabled() and not canvas.marks_read_only


def test_scene_rect_to_box_covers_the_pixels_touched() -> None:
    from PySide6.QtCore import QRectF

    assert scene_rect_to_box(QRectF(QPointF(9.5, 20.2), QPointF(3.2, 5.0)), 200, 300) == BoxPx(
        3, 5, 10, 21
    )
    assert scene_rect_to_box(QRectF(-10.0, -10.0, 5.0, 5.0), 200, 300) is None
    assert scene_rect_to_box(QRectF(190.0, 290.0, 50.0, 50.0), 200, 300) == BoxPx(
        190, 290, 200, 300
    )


# -- the inspector window ----------------------------------------------------------


def test_decision_carries_the_marks_and_the_next_parcel_has_none(
    qtbot: QtBot, window: MainWindow, station: FakeStation, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory("S-1"))
    window.add_parcel(parcel_factory("S-2"))
    canvas = window.canvas
    assert window.toolbar.actions().count(canvas.mark_action) == 1  # on the toolbar
    qtbot.keyClick(window, Qt.Key.Key_M)  # window-wide, like the other display keys
    assert canvas.mark_mode and canvas.hasFocus()
    _drag_scene(qtbot, canvas, (30.5, 40.5), (60.5, 90.5))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)  # and the keyboard's cursor box
    marks = canvas.marks()
    assert len(marks) == 2 and marks[0] == BoxPx(30, 40, 61, 91)
    qtbot.keyClick(window, Qt.Key.Key_X)  # decide while still in mark mode
    assert [(d.scan_id, d.verdict, d.marks) for d in station.decisions] == [
        ("S-1", Verdict.OPEN, marks)
    ]
    current = window.current_parcel
    assert current is not None and current.scan_id == "S-2"
    assert canvas.marks() == () and not canvas.mark_mode and not canvas.marks_read_only
    qtbot.keyClick(window, Qt.Key.Key_C)  # nothing marked: no marks sent
    assert station.decisions[1].marks == ()


def test_a_decided_parcel_shown_again_draws_its_marks_read_only(
    qtbot: QtBot, window: MainWindow, station: FakeStation, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory("S-1"))
    window.add_parcel(parcel_factory("S-2"))
    canvas = window.canvas
    qtbot.keyClick(window, Qt.Key.Key_M)
    _drag_scene(qtbot, canvas, (30.5, 40.5), (60.5, 90.5))
    qtbot.keyClick(window, Qt.Key.Key_H)
    # An unsaved mark on S-2 is dropped when another parcel is shown.
    qtbot.keyClick(window, Qt.Key.Key_M)
    _drag_scene(qtbot, canvas, (100.5, 100.5), (120.5, 140.5))

    strip = window.queue_strip
    item = strip.item(strip.scan_ids().index("S-1"))
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton,
                     pos=strip.visualItemRect(item).center())
    assert window.current_parcel is not None and window.current_parcel.scan_id == "S-1"
    assert canvas.marks() == (BoxPx(30, 40, 61, 91),) == station.decisions[0].marks
    assert len(canvas.mark_frames()) == 1 and canvas.marks_read_only
    assert not canvas.mark_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_M)
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert not canvas.mark_mode and canvas.marks() == (BoxPx(30, 40, 61, 91),)

    window.show_parcel_by_id("S-2")  # undecided: editable, and empty again
    assert canvas.marks() == () and not canvas.marks_read_only


def test_a_parcel_decided_without_marks_cannot_get_any_afterwards(
    qtbot: QtBot, window: MainWindow, parcel_factory: ParcelFactory
) -> None:
    window.add_parcel(parcel_factory("S-1"))
    qtbot.keyClick(window, Qt.Key.Key_C)  # the last parcel stays on screen, decided
    assert window.canvas.marks_read_only and not window.canvas.mark_action.isEnabled()


def _parcel_with_tip() -> tuple[ParcelScan, ParcelScan]:
    real = make_parcel("S-TIP", detections=())
    projected = make_parcel(
        "S-TIP", detections=(Detection("handgun", 0.4, BoxPx(20, 30, 80, 120)),), seed=3
    )
    tip = TipImage(7, "handgun-02", "handgun", BoxPx(20, 30, 80, 120), projected)
    return replace(real, tip=tip), projected


@pytest.mark.parametrize(("drag", "says"), [
    (((25.5, 40.5), (70.5, 110.5)), "A mark of yours is on the item"),
    (((150.5, 200.5), (180.5, 260.5)), "No mark of yours is on the item"),
])
def test_tip_reveal_says_whether_a_mark_was_on_the_item(
    qtbot: QtBot, window: MainWindow, station: FakeStation,
    drag: tuple[tuple[float, float], tuple[float, float]], says: str,
) -> None:
    parcel, projected = _parcel_with_tip()
    window.add_parcel(parcel)
    canvas = window.canvas
    assert canvas.parcel is projected
    qtbot.keyClick(window, Qt.Key.Key_M)
    _drag_scene(qtbot, canvas, *drag)
    marks = canvas.marks()
    assert len(marks) == 1
    qtbot.keyClick(window, Qt.Key.Key_H)
    assert station.tip_marks == [marks]
    assert station.decisions == []
    message = window.tip_message
    assert message is not None and "hit" in message.text()
    assert says in message.informativeText()
    # The mark stays beside the magenta outline while the message is up, fixed.
    assert canvas.marks() == marks and canvas.marks_read_only
    assert canvas.reveal_text is not None
    message.accept()
    qtbot.waitUntil(lambda: window.tip_message is None)
    assert canvas.parcel is parcel and canvas.marks() == ()  # the real parcel: no marks
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert station.decisions[0].marks == ()  # the TIP marks never reach the real decision


def test_tip_reveal_without_marks_says_nothing_about_them(
    qtbot: QtBot, window: MainWindow, station: FakeStation
) -> None:
    parcel, _projected = _parcel_with_tip()
    window.add_parcel(parcel)
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert station.tip_marks == [()]
    message = window.tip_message
    assert message is not None and "miss" in message.text()
    assert message.informativeText() == ""


# -- the real station -----------------------------------------------------------


@pytest.mark.slow
def test_a_mark_drawn_in_the_window_comes_back_from_the_database_and_in_review(
    qtbot: QtBot, calibrated_data_dir: Path, styled_app: object
) -> None:
    from station_app.config import DetectorConfig, DriverConfig, StationConfig
    from station_app.gui.supervisor_workspace import ReviewView
    from station_app.station import Station
    from station_app.storage.repository import CalibrationRepository

    station = Station(StationConfig(
        data_dir=calibrated_data_dir,
        driver=DriverConfig(options={"parcels": 0}),
        detector=DetectorConfig(enabled=False),
    ))
    window = MainWindow(station, principal=make_principal("kim"))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.start()
    try:
        # Stored as the pipeline does, on the station's calibration, so the review can
        # load its image again.
        calibration = CalibrationRepository(station.database, station.config.station_id).latest(
            "detector", "SIM-0001"
        )
        assert calibration is not None
        parcel = make_parcel("S-000001", lines=120, pixels=1024)  # the detector's width
        now_ns = time.monotonic_ns()  # scanned now: in the review queue's period
        parcel = replace(
            parcel,
            raw=replace(parcel.raw, started_ns=now_ns, ended_ns=now_ns + 1),
            calibration_id=calibration.id,
        )
        station.scans.save_parcel(parcel)
        station.events.parcel_processed.emit(parcel)
        qtbot.waitUntil(lambda: window.current_parcel is not None, timeout=5_000)
        qtbot.keyClick(window, Qt.Key.Key_M)
        window.canvas.set_zoom(6.0)  # 1024 pixels at fit: under one screen pixel each
        window.canvas.centerOn(QPointF(35.0, 50.0))
        _drag_scene(qtbot, window.canvas, (20.5, 30.5), (50.5, 70.5))
        qtbot.keyClick(window, Qt.Key.Key_H)
        record = station.scans.get_scan("S-000001")
        assert record is not None and record.latest_decision is not None
        assert record.latest_decision.verdict is Verdict.HOLD
        assert record.latest_decision.marks == (BoxPx(20, 30, 51, 71),)

        supervisor = make_principal("park", Role.SUPERVISOR)
        review = ReviewView(station, supervisor)
        qtbot.addWidget(review)
        review.resize(1600, 900)
        review.show()
        review.refresh()
        review.open_scan("S-000001")
        assert review.open_scan_id == "S-000001", review.form.message.text()
        assert review.canvas.marks() == (BoxPx(20, 30, 51, 71),)
        assert review.canvas.marks_read_only and not review.canvas.mark_action.isEnabled()
        assert "1 mark(s) on the image" in review.form.history.item(0).text()
    finally:
        window.adapter.stop()
        station.stop()


# -- the display scale -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_marks_are_the_same_parcel_pixels_at_100_and_200_percent(tmp_path: Path) -> None:
    """A 4K console at 200 % has two device pixels per logical one: the same drag
    marks the same parcel pixels (``marks_dpr_child.py`` runs each scale)."""
    import json
    import os
    import subprocess
    import sys

    child = Path(__file__).with_name("marks_dpr_child.py")
    results = []
    for scale in ("1", "2"):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale}
        done = subprocess.run([sys.executable, str(child), str(tmp_path / scale)], env=env,
                              capture_output=True, text=True, timeout=100, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert [r["device_pixel_ratio"] for r in results] == [1.0, 2.0]
    for result in results:
        assert result["marks"] == [[50, 60, 90, 130], [140, 180, 160, 216]], result
