"""Sustained headless throughput: assemble → calibrate → materials → alarms → triage → persist.

Parcels of 0.9–1.0 m (about 1024 × 1024 pixels) replayed from a recorded
simulator stream through the real pipeline thread, SQLite file and image store.
Target: ≥ 10 parcels/s on the 2-core reference machine.
"""

from __future__ import annotations

import statistics
import time

from benchmarks._station_fixture import build_bench_station
from station_app.domain import ParcelScan


def run(n: int = 60) -> dict[str, float]:
    station = build_bench_station()
    try:
        stage_ms: dict[str, list[float]] = {}
        sizes: list[int] = []

        def collect(parcel: ParcelScan) -> None:
            sizes.append(parcel.image.shape[0])
            for stage, ms in parcel.timings_ms.items():
                stage_ms.setdefault(stage, []).append(ms)

        pipeline = station.pipeline(station.repository, max_parcels=n, on_parcel=collect)
        started = time.perf_counter()
        pipeline.start()
        pipeline.wait()
        elapsed_s = time.perf_counter() - started
        pipeline.stop()
        done = pipeline.counters.parcels_processed
        results = {
            "parcels": float(done),
            "parcels_per_s": done / elapsed_s,
            "mean_parcel_lines": statistics.fmean(sizes) if sizes else 0.0,
            "failed": float(pipeline.counters.parcels_failed),
        }
        for stage, values in stage_ms.items():
            results[f"{stage}_median_ms"] = statistics.median(values)
        return results
    finally:
        station.close()
