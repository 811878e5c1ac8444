"""Child process of test_gui_high_dpi.py: the inspector window at one display scale.

Qt fixes the device pixel ratio when the application starts (``QT_SCALE_FACTOR``),
so each scale needs its own process. Prints one JSON object with what the test
checks: the grabbed size in device pixels, the window's minimum size in logical
pixels, the height of the smallest text in device pixels, and the labels whose
text does not fit their width.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gui_fakes import FakeStation, FakeStatus, make_parcel, make_principal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QListWidget,
    QWidget,
)

from station_app.config import StationConfig
from station_app.domain import TriageLevel, Verdict
from station_app.gui.app import create_application
from station_app.gui.main_window import MainWindow

LOGICAL_SCREEN = (1920, 1080)


def _text_widgets(root: QWidget) -> list[QWidget]:
    kinds = (QLabel, QAbstractButton, QListWidget)
    return [w for w in root.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()]


def main(data_dir: str, screenshot: str | None) -> None:
    app = create_application()
    station = FakeStation(StationConfig(data_dir=Path(data_dir)))
    station.status_value = FakeStatus(
        queue_depth=3, parcels_processed=128, parcels_failed=1, calibration_age_h=3.4
    )
    window = MainWindow(station, principal=make_principal("inspector1"))
    window.resize(*LOGICAL_SCREEN)
    window.show()
    for index in range(3):
        window.add_parcel(make_parcel(f"S-2024-{index:04d}", level=TriageLevel.GREEN,
                                      seed=index, alarms=(), detections=()))
        window.decide(Verdict.CLEAR)
    window.add_parcel(make_parcel("S-2024-0003", level=TriageLevel.RED, seed=7))
    window.adapter.poll_status()
    for _ in range(20):
        app.processEvents()

    ratio = window.devicePixelRatioF()
    smallest_px = min(
        QFontMetricsF(w.font()).height() * ratio for w in _text_widgets(window)
    )
    clipped = [
        f"{type(w).__name__} {w.objectName() or ''}: {w.text()!r}"
        for w in _text_widgets(window)
        if isinstance(w, QLabel) and not w.wordWrap() and w.text() and "<" not in w.text()
        and QFontMetricsF(w.font()).horizontalAdvance(w.text()) > w.contentsRect().width() + 1
    ]
    image = window.grab()
    if screenshot:
        image.save(screenshot)
    minimum = window.minimumSizeHint()
    print(json.dumps({
        "device_pixel_ratio": ratio,
        "grab_device_px": [image.width(), image.height()],
        "minimum_logical_px": [minimum.width(), minimum.height()],
        "smallest_text_device_px": smallest_px,
        "clipped_labels": clipped,
    }))
    window.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
