"""Benchmark of the per-parcel imaging hot path: calibration apply and materials.

``run(n)`` times both stages on a synthetic 1024 × 1024 parcel on one core and
returns the median milliseconds. Nothing runs at import.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import cv2
import numpy as np

from station_app.config import CalibrationConfig, MaterialsConfig
from station_app.imaging.calibration import Calibrator, build_calibration
from station_app.imaging.materials import MaterialAnalyzer, MaterialModel, ReferencePoint

PIXELS = 1024
LINES = 1024


def _synthetic_model() -> MaterialModel:
    """Reference curves shaped like a real 140 kV sandwich detector's."""
    points = []
    for material, zeff, r0, slope in (
        ("pom", 6.95, 1.26, -0.025),
        ("aluminium", 13.0, 1.95, -0.2),
        ("iron", 26.0, 2.9, -0.55),
        ("tin", 50.0, 3.1, -0.6),
    ):
        for a in (0.1, 0.3, 0.6, 1.0, 1.6, 2.4, 3.4):
            r = r0 + slope * np.log(a / 0.1)
            points.append(
                ReferencePoint(material, 0.0, zeff, a, a * max(r, 1.05), 0.01, 0.01, 2000)
            )
    return MaterialModel.fit(points, a_high_max=6.5)


def run(n: int = 20) -> dict[str, float]:
    """Median ms over ``n`` runs: {"calibrate_ms", "materials_ms", "total_ms"}."""
    previous_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # the budget is per core; the station runs stages in parallel
    try:
        rng = np.random.default_rng(0)
        dark = rng.normal(1000, 6, (64, PIXELS)).astype(np.uint16)
        air = rng.normal(49000, 300, (64, PIXELS)).astype(np.uint16)
        calibration = build_calibration(
            dark, dark, air, air, serial="BENCH", config=CalibrationConfig(),
            created_at=datetime.now(UTC),
        )
        calibrator = Calibrator(calibration)
        analyzer = MaterialAnalyzer(calibrator, _synthetic_model(), MaterialsConfig())
        # A parcel-like scene: smooth attenuation field 0..5 with air margins.
        a_true = np.zeros((LINES, PIXELS), np.float32)
        a_true[64:-64, 64:-64] = rng.uniform(0.05, 5.0, (LINES - 128, PIXELS - 128))
        a_true = np.asarray(cv2.GaussianBlur(a_true, (0, 0), 8), dtype=np.float32)
        raw_high = (1000 + 48000 * np.exp(-a_true)).astype(np.uint16)
        raw_low = (1000 + 48000 * np.exp(-1.6 * a_true)).astype(np.uint16)
        a_high = np.empty((LINES, PIXELS), np.float32)
        a_low = np.empty_like(a_high)
        zeff = np.empty_like(a_high)
        classes = np.empty((LINES, PIXELS), np.uint8)
        cal_ms: list[float] = []
        mat_ms: list[float] = []
        for _ in range(n + 2):  # two warm-up rounds fill the caches and buffers
            t0 = time.perf_counter()
            calibrator.apply(raw_high, raw_low, out=(a_high, a_low))
            t1 = time.perf_counter()
            analyzer.classify(a_high, a_low, zeff_out=zeff, class_out=classes)
            t2 = time.perf_counter()
            cal_ms.append((t1 - t0) * 1e3)
            mat_ms.append((t2 - t1) * 1e3)
        cal = float(np.median(cal_ms[2:]))
        mat = float(np.median(mat_ms[2:]))
        return {"calibrate_ms": cal, "materials_ms": mat, "total_ms": cal + mat}
    finally:
        cv2.setNumThreads(previous_threads)


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:.2f}")
