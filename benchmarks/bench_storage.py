"""Storage benchmark: persisting one 1024×1024 parcel (image file + sha256 + one transaction).

``run()`` uses a temporary SQLite database and image directory and removes them.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from station_app.domain import (
    Alarm,
    BoxPx,
    Detection,
    MaterialImage,
    ParcelScan,
    RawScan,
    TriageLevel,
    TriageResult,
)
from station_app.storage import ImageStore, ScanRepository, open_database

SHAPE = (1024, 1024)  # lines × pixels


def _parcels(n: int) -> list[ParcelScan]:
    rng = np.random.default_rng(0)
    # Random counts: nothing compresses or caches better than a real parcel would.
    high = rng.integers(0, 65535, size=SHAPE, dtype=np.uint16)
    low = rng.integers(0, 65535, size=SHAPE, dtype=np.uint16)
    zeros = np.zeros(SHAPE, dtype=np.float32)
    image = MaterialImage(zeros, zeros, zeros, np.zeros(SHAPE, dtype=np.uint8), 2.5, 1.6)
    alarms = tuple(
        Alarm("dense_object", BoxPx(10 * i, 10, 10 * i + 50, 80), 1500.0, 0.8, "dense", {"z": 20.0})
        for i in range(3)
    )
    now = time.monotonic_ns()
    return [
        ParcelScan(
            raw=RawScan(
                scan_id=f"BENCH-{i:05d}",
                scanner_serial="BENCH",
                first_line_index=i * SHAPE[0],
                high_counts=high,
                low_counts=low,
                started_ns=now,
                ended_ns=now,
                line_pitch_mm=2.5,
                pixel_pitch_mm=1.6,
                tracking_id=f"EE{i:08d}5KR",
            ),
            image=image,
            alarms=alarms,
            detections=(Detection("knife", 0.9, BoxPx(1, 2, 30, 40)),),
            triage=TriageResult(TriageLevel.RED, ("dense_object",), 0.3),
            timings_ms={"calibrate": 3.0},
            calibration_id="bench",
        )
        for i in range(n)
    ]


def run(n: int = 50) -> dict[str, float]:
    """Median and p95 milliseconds of ``ScanRepository.save_parcel`` for ``n`` parcels."""
    parcels = _parcels(n)
    with tempfile.TemporaryDirectory(prefix="station-bench-storage-") as tmp:
        root = Path(tmp)
        database = open_database(f"sqlite:///{root / 'station.sqlite3'}")
        try:
            repo = ScanRepository(database, ImageStore(root / "images"), "BENCH")
            times_ms: list[float] = []
            for parcel in parcels:
                t0 = time.perf_counter()
                repo.save_parcel(parcel)
                times_ms.append((time.perf_counter() - t0) * 1000.0)
        finally:
            database.close()
    ordered = sorted(times_ms)
    return {
        "storage.persist_parcel_median_ms": statistics.median(ordered),
        "storage.persist_parcel_p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "storage.image_mb": 2 * SHAPE[0] * SHAPE[1] * 2 / 1e6,
    }
