"""Child process of test_gui_marks.py: marks drawn with the mouse at one display scale.

Qt fixes the device pixel ratio when the application starts (``QT_SCALE_FACTOR``),
so each scale needs its own process. Draws the same two boxes (one at fit, one
zoomed in) with real mouse events and prints one JSON object: the device pixel
ratio and the marks in parcel pixels.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gui_fakes import make_parcel
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from station_app.config import StationConfig
from station_app.gui.app import create_application
from station_app.gui.canvas import ImageCanvas
from station_app.imaging.render import Renderer


def _drag(canvas: ImageCanvas, start: tuple[float, float], end: tuple[float, float]) -> None:
    a = canvas.mapFromScene(QPointF(*start))
    b = canvas.mapFromScene(QPointF(*end))
    viewport = canvas.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(viewport, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def main(data_dir: str) -> None:
    app = create_application()
    canvas = ImageCanvas(Renderer(StationConfig(data_dir=Path(data_dir)).materials))
    canvas.resize(800, 600)
    canvas.show()
    QTest.qWaitForWindowExposed(canvas)
    canvas.set_parcel(make_parcel(lines=200, pixels=300))
    canvas.set_mark_mode(True)
    _drag(canvas, (50.5, 60.5), (89.5, 129.5))
    canvas.set_zoom(3.0)
    canvas.centerOn(QPointF(150.0, 200.0))
    _drag(canvas, (140.5, 180.5), (159.5, 215.5))
    print(json.dumps({
        "device_pixel_ratio": canvas.devicePixelRatioF(),
        "marks": [[b.line0, b.px0, b.line1, b.px1] for b in canvas.marks()],
    }))
    canvas.close()
    app.processEvents()


if __name__ == "__main__":
    main(sys.argv[1])
