"""Fixtures shared by every test package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def calibrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose SQLite database holds a fresh calibration of scanner SIM-0001,
    made once per session the way a technician would: `station-app calibrate`."""
    from station_app.cli import main

    data_dir = tmp_path_factory.mktemp("calibrated")
    assert main(["--data-dir", str(data_dir), "calibrate", "--driver-option", "parcels=0"]) == 0
    return data_dir


@pytest.fixture
def calibrated_data_dir(calibrated_template: Path, tmp_path: Path) -> Path:
    """A private copy of the calibrated data dir, so tests do not see each other's scans."""
    target = tmp_path / "calibrated-station"
    shutil.copytree(calibrated_template, target)
    return target
