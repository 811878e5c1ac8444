"""The inspector window is readable on a 1080p console and on a 4K one.

A 4K console runs at 200 % (the desktop's scale, which Qt reads from the
platform; here ``QT_SCALE_FACTOR=2``): the same 1920 × 1080 logical layout in
twice the device pixels. Each scale runs the real window in its own process
(``high_dpi_child.py``); the checks:

- the window fits the screen: its minimum size is within 1920 × 1080 logical pixels;
- at 4K it really fills 3840 × 2160 device pixels, every text twice as tall as at
  1080p (nothing drawn at a fixed pixel size);
- the smallest text is at least 12 device pixels tall at 1080p (about 3 mm on a
  24-inch screen);
- no label's text is cut off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CHILD = Path(__file__).with_name("high_dpi_child.py")
SCREENSHOT_4K = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "inspector_4k.png"
MIN_TEXT_PX_1080P = 12.0

pytestmark = pytest.mark.timeout(120)


def _run(scale: float, tmp_path: Path, screenshot: Path | None = None) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": str(scale)}
    args = [sys.executable, str(CHILD), str(tmp_path / f"data-{scale}")]
    if screenshot is not None:
        args.append(str(screenshot))
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=100,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_readable_at_1080p_and_4k(tmp_path: Path) -> None:
    save = os.environ.get("STATION_SAVE_SCREENSHOTS") == "1"
    full_hd = _run(1.0, tmp_path)
    uhd = _run(2.0, tmp_path, SCREENSHOT_4K if save else None)

    assert full_hd["device_pixel_ratio"] == 1.0
    assert uhd["device_pixel_ratio"] == 2.0
    assert full_hd["grab_device_px"] == [1920, 1080]
    assert uhd["grab_device_px"] == [3840, 2160]
    for result in (full_hd, uhd):
        width, height = result["minimum_logical_px"]
        assert width <= 1920 and height <= 1080, result
        assert result["clipped_labels"] == [], result["clipped_labels"]
    assert full_hd["smallest_text_device_px"] >= MIN_TEXT_PX_1080P
    ratio = uhd["smallest_text_device_px"] / full_hd["smallest_text_device_px"]
    assert ratio == pytest.approx(2.0, rel=0.05), (full_hd, uhd)
