"""Memory over a long shift: resident memory growth while N parcels go through.

The whole pipeline runs as in ``bench_throughput`` (real SQLite file, image
store). Image files are deleted right after each parcel is stored so 5,000
parcels (about 20 GB of raw images) fit on a workstation disk; deleting is what
retention does on a station, and it keeps the figure about the process's
memory, not the page cache. Target: growth ≤ 50 MB over 5,000 parcels.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from benchmarks._station_fixture import build_bench_station
from station_app.domain import ParcelScan, RawScan
from station_app.storage import ScanRepository

WARM_UP_PARCELS = 200


def _rss_mb() -> float:
    # /proc/self/statm: size resident shared ... in pages.
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class _StoreThenPrune:
    """The repository, then the image file deleted (the row and its sha256 stay)."""

    def __init__(self, repository: ScanRepository) -> None:
        self._repository = repository

    def save_parcel(self, parcel: ParcelScan) -> None:
        self._repository.save_parcel(parcel)
        record = self._repository.get_scan(parcel.scan_id)
        if record is not None:
            self._repository.images.delete(record.image_path)

    def save_unprocessed(self, raw: RawScan, reason: str) -> None:
        self._repository.save_unprocessed(raw, reason)


def run(n: int = 5000) -> dict[str, float]:
    station = build_bench_station()
    try:
        samples: list[tuple[int, float]] = []
        parcel_number = itertools.count(1)

        def sample(parcel: ParcelScan) -> None:
            done = next(parcel_number)
            if done == WARM_UP_PARCELS or done % 250 == 0:
                samples.append((done, _rss_mb()))

        pipeline = station.pipeline(_StoreThenPrune(station.repository), n, on_parcel=sample)
        started = time.perf_counter()
        pipeline.start()
        pipeline.wait()
        elapsed_s = time.perf_counter() - started
        pipeline.stop()
        baseline = next((mb for count, mb in samples if count >= WARM_UP_PARCELS), _rss_mb())
        final = samples[-1][1] if samples else _rss_mb()
        peak = max((mb for _, mb in samples), default=final)
        return {
            "parcels": float(pipeline.counters.parcels_processed),
            "parcels_per_s": pipeline.counters.parcels_processed / elapsed_s,
            "rss_after_warm_up_mb": baseline,
            "rss_final_mb": final,
            "rss_peak_mb": peak,
            "rss_growth_mb": final - baseline,
        }
    finally:
        station.close()
