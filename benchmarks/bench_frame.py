"""The per-parcel display hot path on one core: calibrate → materials → colour render.

Real simulator parcels of about 1 m (≈ 1000 × 1024 pixels) with a calibration
measured from the simulator's dark, air and step-wedge scans. Target ≤ 25 ms.
"""

from __future__ import annotations

import statistics
import time

import cv2

from benchmarks._station_fixture import build_bench_station
from station_app.domain import RawScan
from station_app.imaging.assemble import ParcelAssembler
from station_app.imaging.calibration import Calibrator
from station_app.imaging.materials import MaterialAnalyzer
from station_app.imaging.render import DisplaySettings, Renderer


def run(n: int = 30) -> dict[str, float]:
    previous_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # the budget is per core
    station = build_bench_station()
    try:
        assembler = ParcelAssembler.for_scanner(
            station.config.assembly,
            station.detector,
            station.driver.info,
            label_reader_offset_mm=station.config.driver.label_reader_offset_mm,
        )
        scans: list[RawScan] = []
        for block in station.driver.recorded_blocks:
            scans += assembler.feed(block)
        analyzer = MaterialAnalyzer(
            Calibrator(station.detector), station.materials, station.config.materials
        )
        renderer = Renderer(station.config.materials)
        settings = DisplaySettings()
        calibrate: list[float] = []
        materials: list[float] = []
        render: list[float] = []
        total: list[float] = []
        for index in range(n + 2):  # two warm-up rounds fill caches and buffers
            scan = scans[index % len(scans)]
            started = time.perf_counter()
            image = analyzer.process(scan)
            rendered_at = time.perf_counter()
            renderer.render(image, settings)
            done = time.perf_counter()
            if index < 2:
                continue
            calibrate.append(analyzer.last_timings_ms["calibrate"])
            materials.append(analyzer.last_timings_ms["materials"])
            render.append((done - rendered_at) * 1e3)
            total.append((done - started) * 1e3)
        return {
            "parcel_lines_mean": statistics.fmean(s.shape[0] for s in scans),
            "calibrate_ms": statistics.median(calibrate),
            "materials_ms": statistics.median(materials),
            "render_colour_ms": statistics.median(render),
            "frame_total_ms": statistics.median(total),
            "frame_total_p95_ms": sorted(total)[int(0.95 * (len(total) - 1))],
        }
    finally:
        station.close()
        cv2.setNumThreads(previous_threads)
