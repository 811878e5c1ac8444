"""Helpers of the technician tests: a calibrated simulated scanner.

The simulator runs with ``parcels=0``: only the targets the procedures queue pass
the X-ray plane, so a calibration or a test-piece scan takes about a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drivers.simulator.scanner import SimulatedScanner
from station_app.config import DriverConfig, StationConfig
from station_app.imaging.calibration import CalibrationSet
from station_app.imaging.materials import MaterialModel
from station_app.station_calibration import run_calibration


@dataclass(frozen=True)
class Calibrated:
    config: StationConfig
    scanner: SimulatedScanner
    detector: CalibrationSet
    materials: MaterialModel


def sim_config(data_dir: Path, **options: object) -> StationConfig:
    return StationConfig(
        data_dir=data_dir,
        driver=DriverConfig(name="simulator", options={"parcels": 0, **options}),
    )


def calibrated_scanner(data_dir: Path, **options: object) -> Calibrated:
    config = sim_config(data_dir, **options)
    scanner = SimulatedScanner(**config.driver.options)
    scanner.open()
    detector, materials, _ = run_calibration(config, scanner)
    return Calibrated(config, scanner, detector, materials)
