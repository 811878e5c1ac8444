"""Render speed per display mode on a 1024 x 1024 parcel, one core.

``run(n)`` returns the median milliseconds per mode (keys ``render_<mode>_ms``)
plus the rule-alarm evaluation (``alarms_ms``). Budgets: COLOUR <= ~8 ms,
every other mode <= ~30 ms (the GUI's mode-switch budget), alarms <= ~10 ms.
"""

from __future__ import annotations

from functools import partial

import cv2
import numpy as np
from numpy.typing import NDArray

from benchmarks._timing import median_ms
from station_app.config import AlarmConfig, MaterialsConfig
from station_app.detection.alarms import AlarmRules
from station_app.domain import MaterialClass, MaterialImage
from station_app.imaging.render import DisplayMode, DisplaySettings, Renderer


def synthetic_parcel(size: int = 1024, seed: int = 0) -> MaterialImage:
    """A cluttered parcel: box, random organic/inorganic/metal blocks, noise."""
    rng = np.random.default_rng(seed)
    a = np.zeros((size, size), np.float32)
    z = np.zeros((size, size), np.float32)
    m = size // 16
    a[m:-m, m:-m] = 0.1
    z[m:-m, m:-m] = 6.8
    for _ in range(60):
        h, w = rng.integers(10, size // 6, 2)
        y, x = rng.integers(m, size - m - max(h, w), 2)
        att = float(rng.choice([0.4, 1.2, 2.5, 4.0, 8.0]))
        a[y : y + h, x : x + w] += att
        z[y : y + h, x : x + w] = float(rng.choice([7.0, 13.0, 26.0]))
    a += rng.normal(0.0, 0.01, a.shape).astype(np.float32)
    np.clip(a, 0.0, None, out=a)
    cfg = MaterialsConfig()
    cls = np.full(a.shape, MaterialClass.ORGANIC, np.uint8)
    cls[z > cfg.organic_max_zeff] = MaterialClass.INORGANIC
    cls[z > cfg.inorganic_max_zeff] = MaterialClass.METAL
    cls[a < cfg.air_max_attenuation] = MaterialClass.AIR
    cls[a >= cfg.impenetrable_min_attenuation] = MaterialClass.IMPENETRABLE
    z[cls == MaterialClass.AIR] = 0.0
    return MaterialImage(a, (a * 1.4).astype(np.float32), z, cls, 1.0, 1.0)


WARMUP = 1  # one untimed call first: table build, buffer allocation


def run(n: int = 20) -> dict[str, float]:
    """Median ms per display mode (and for the rule alarms) on 1024 x 1024, one thread."""
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        image = synthetic_parcel()
        renderer = Renderer(MaterialsConfig())
        out: NDArray[np.uint8] = np.empty((*image.shape, 4), np.uint8)
        results: dict[str, float] = {}
        for mode in DisplayMode:
            settings = DisplaySettings(mode=mode)
            results[f"render_{mode.value}_ms"] = median_ms(
                partial(renderer.render, image, settings, out=out), n, WARMUP
            )
        results["render_colour_new_array_ms"] = median_ms(
            lambda: renderer.render(image, DisplaySettings()), n, WARMUP
        )
        # Dragging the slider: every step builds a new table.
        steps = iter(np.linspace(0.0, 1.0, 10 * (n + 1)))
        results["render_variable_density_drag_ms"] = median_ms(
            lambda: renderer.render(
                image, DisplaySettings(DisplayMode.VARIABLE_DENSITY, float(next(steps))), out=out
            ),
            n,
            WARMUP,
        )
        rules = AlarmRules(AlarmConfig(), MaterialsConfig())
        results["alarms_ms"] = median_ms(lambda: rules.evaluate(image), n, WARMUP)
        return results
    finally:
        cv2.setNumThreads(threads)


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:40s} {value:8.2f}")
