"""Display-mode switch on the inspector canvas: re-render + repaint, offscreen.

``run(n)`` cycles through the display modes on a 1024 × 1024 parcel and
returns median milliseconds: ``mode_switch_ms`` (render into the reused buffer
and a synchronous repaint of the canvas viewport — what the inspector waits
for), and its parts ``render_ms`` and ``paint_ms``. Budget: mode switch ≤ 30 ms.
Nothing runs at import.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

LINES = 1024
PIXELS = 1024
VIEWPORT = (1280, 860)  # canvas area of a 1080p workspace


def _image(lines: int, pixels: int) -> Any:
    import numpy as np

    from station_app.domain import MaterialClass, MaterialImage

    rng = np.random.default_rng(7)
    a_high = rng.gamma(2.0, 0.6, (lines, pixels)).astype(np.float32)
    zeff = rng.uniform(5.0, 30.0, (lines, pixels)).astype(np.float32)
    cls = np.full((lines, pixels), MaterialClass.ORGANIC, np.uint8)
    cls[zeff > 10.0] = MaterialClass.INORGANIC
    cls[zeff > 17.5] = MaterialClass.METAL
    cls[a_high < 0.03] = MaterialClass.AIR
    cls[a_high > 7.0] = MaterialClass.IMPENETRABLE
    return MaterialImage(a_high, (a_high * 1.3).astype(np.float32), zeff, cls, 2.0, 1.6)


def run(n: int = 20) -> dict[str, float]:
    # Offscreen unless a display was chosen: the benchmark must run on CI.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from station_app.config import StationConfig
    from station_app.domain import (
        ParcelScan,
        RawScan,
        TriageLevel,
        TriageResult,
    )
    from station_app.gui.canvas import ImageCanvas
    from station_app.imaging.render import DisplayMode, DisplaySettings, Renderer

    app = QApplication.instance() or QApplication([])
    import numpy as np

    config = StationConfig()
    renderer = Renderer(config.materials)
    image = _image(LINES, PIXELS)
    raw = RawScan(
        "BENCH",
        "SIM",
        0,
        np.zeros((LINES, PIXELS), np.uint16),
        np.zeros((LINES, PIXELS), np.uint16),
        0,
        1,
        2.0,
        1.6,
    )
    parcel = ParcelScan(raw, image, (), (), TriageResult(TriageLevel.GREEN, ()), {}, "CAL")
    canvas = ImageCanvas(renderer)
    canvas.resize(*VIEWPORT)
    canvas.show()
    app.processEvents()
    canvas.set_parcel(parcel)
    canvas.viewport().repaint()
    modes = list(DisplayMode)
    # Warm-up: one pass builds every colour table once, as a session would.
    for mode in modes:
        canvas.set_display_settings(DisplaySettings(mode=mode))
    switch: list[float] = []
    render: list[float] = []
    paint: list[float] = []
    for i in range(max(1, n)):
        settings = DisplaySettings(mode=modes[i % len(modes)])
        t0 = time.perf_counter()
        canvas.set_display_settings(settings)
        t1 = time.perf_counter()
        canvas.viewport().repaint()
        t2 = time.perf_counter()
        render.append((t1 - t0) * 1e3)
        paint.append((t2 - t1) * 1e3)
        switch.append((t2 - t0) * 1e3)
    canvas.close()
    canvas.deleteLater()
    app.processEvents()
    return {
        "mode_switch_ms": statistics.median(switch),
        "mode_switch_max_ms": max(switch),
        "render_ms": statistics.median(render),
        "paint_ms": statistics.median(paint),
    }
