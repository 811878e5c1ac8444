"""A calibrated station pipeline fed by recorded simulator lines, for benchmarks.

Recording the simulator's stream first and replaying it keeps the simulator's
own cost out of the station's figures (on a real station the scanner makes the
lines). Parcels are drawn at least ``min_length_mm`` long so the figures hold
for ~1 m (1024 × 1024) parcels, the worst case the issue sets targets for.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from drivers.base import LineBlock, ScannerInfo, ScannerStatus
from drivers.simulator import SimulatedScanner
from drivers.simulator.model import ParcelPlan
from drivers.simulator.parcels import generate_parcel
from drivers.simulator.scanner import PlanFactory
from station_app.config import StationConfig
from station_app.domain import ParcelScan
from station_app.events import StationEvents
from station_app.imaging.calibration import CalibrationSet
from station_app.imaging.materials import MaterialModel
from station_app.pipeline import ParcelSink, Pipeline
from station_app.station import build_pipeline
from station_app.station_calibration import run_calibration, store_calibration
from station_app.storage import Database, ImageStore, ScanRepository, open_database


def _long_plan_factory(min_lines: int) -> PlanFactory:
    """The simulator's parcel generator, redrawn until a parcel is ``min_lines`` long."""
    def factory(
        rng: np.random.Generator, *, pixels: int, pitch_mm: float, difficulty: str | None
    ) -> ParcelPlan:
        while True:
            plan = generate_parcel(rng, pixels=pixels, pitch_mm=pitch_mm, difficulty=difficulty)
            if plan.length_lines >= min_lines:
                return plan

    return factory


class ReplayDriver:
    """Plays recorded line blocks again and again with continuing line indexes."""

    def __init__(self, info: ScannerInfo, blocks: list[LineBlock], status: ScannerStatus) -> None:
        self._info = info
        self._blocks = blocks
        self._status = status
        self._closed = threading.Event()

    @property
    def info(self) -> ScannerInfo:
        return self._info

    @property
    def recorded_blocks(self) -> list[LineBlock]:
        return self._blocks

    def open(self) -> None:
        self._closed.clear()

    def close(self) -> None:
        self._closed.set()

    def lines(self) -> Iterator[LineBlock]:
        next_index = 0
        while not self._closed.is_set():
            for block in self._blocks:
                if self._closed.is_set():
                    return
                yield replace(block, first_line_index=next_index, timestamp_ns=time.monotonic_ns())
                next_index += block.n_lines

    def xray_on(self) -> None: ...

    def xray_off(self) -> None: ...

    def belt_start(self) -> None: ...

    def belt_stop(self) -> None: ...

    def status(self) -> ScannerStatus:
        return self._status


@dataclass
class BenchStation:
    config: StationConfig
    driver: ReplayDriver
    detector: CalibrationSet
    materials: MaterialModel
    detector_id: str
    repository: ScanRepository
    database: Database
    recorded_parcels: int
    recorded_lines: int
    workdir: tempfile.TemporaryDirectory[str]

    def pipeline(
        self,
        sink: ParcelSink,
        max_parcels: int,
        on_parcel: Callable[[ParcelScan], None] | None = None,
    ) -> Pipeline:
        self.driver.open()
        return build_pipeline(
            self.config,
            self.driver,
            self.detector,
            self.materials,
            calibration_id=self.detector_id,
            sink=sink,
            events=StationEvents(),
            max_parcels=max_parcels,
            on_parcel=on_parcel,
        )

    def close(self) -> None:
        self.database.close()
        self.workdir.cleanup()


def build_bench_station(
    *, recorded_parcels: int = 6, min_length_mm: float = 900.0, seed: int = 2024
) -> BenchStation:
    workdir = tempfile.TemporaryDirectory(prefix="station-bench-")
    config = StationConfig(data_dir=Path(workdir.name))
    database = open_database(config.resolved_database_url)
    calibration_driver = SimulatedScanner(parcels=0)
    calibration_driver.open()
    detector, materials, _ = run_calibration(config, calibration_driver)
    calibration_driver.close()
    detector_id, _ = store_calibration(config, database, detector, materials, operator="bench")

    recorder = SimulatedScanner(
        seed=seed,
        parcels=recorded_parcels,
        block_lines=64,
        physics=calibration_driver.physics,
        plan_factory=_long_plan_factory(int(min_length_mm)),
    )
    recorder.open()
    blocks = list(recorder.lines())
    status = recorder.status()
    recorder.close()

    repository = ScanRepository(database, ImageStore(config.image_dir), config.station_id)
    return BenchStation(
        config=config,
        driver=ReplayDriver(recorder.info, blocks, status),
        detector=detector,
        materials=materials,
        detector_id=detector_id,
        repository=repository,
        database=database,
        recorded_parcels=recorded_parcels,
        recorded_lines=sum(b.n_lines for b in blocks),
        workdir=workdir,
    )
