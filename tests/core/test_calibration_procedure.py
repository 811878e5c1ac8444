"""The calibration procedure against the simulator, whatever its parcel stream does.

A scanner that loads its own targets may end its stream right after them
(``parcels=0``) or keep parcels coming (``parcels=None``); the procedure must
get enough dark and air lines and find the wedge either way.
"""

from __future__ import annotations

import pytest

from drivers.simulator import SimulatedScanner
from station_app.config import StationConfig
from station_app.station_calibration import run_calibration


@pytest.mark.parametrize("seed", [1, 4, 8])
@pytest.mark.parametrize("parcels", [0, None])
def test_calibration_succeeds_for_any_stream(seed: int, parcels: int | None) -> None:
    # Seeds 1, 4 and 8 once ended the stream before enough air or behind an open wedge.
    scanner = SimulatedScanner(seed=seed, parcels=parcels, pixels=640)
    scanner.open()
    try:
        detector, materials, wedge = run_calibration(StationConfig(), scanner)
    finally:
        scanner.close()
    assert detector.stats.air_lines == StationConfig().calibration.air_lines
    assert len(wedge.points) + len(wedge.rejected) == 32
    assert {"pom", "aluminium", "iron"} <= set(materials.materials)
