"""``Station.stored_parcel``: the inspector's queue brings back a parcel it let go of.

Real simulator station on a calibrated SQLite data dir: the parcel comes back from
the image store with its own calibration and stored findings; only roles that
inspect may have it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from station_app.accounts import PermissionDeniedError, Principal, Role
from station_app.config import DetectorConfig, DriverConfig, StationConfig
from station_app.domain import ParcelScan
from station_app.station import Station
from station_app.storage.db import StorageError

KIM = Principal(1, "kim", "Kim", Role.INSPECTOR, "en", "s-1", datetime.now(UTC))
CHO = Principal(3, "cho", "Cho", Role.TECHNICIAN, "en", "s-3", datetime.now(UTC))


def test_a_stored_parcel_comes_back_as_the_inspector_saw_it(calibrated_data_dir: Path) -> None:
    station = Station(StationConfig(
        data_dir=calibrated_data_dir,
        driver=DriverConfig(options={"parcels": 2, "seed": 5}),
        detector=DetectorConfig(enabled=False),
    ))
    shown: list[ParcelScan] = []
    station.events.parcel_processed.connect(shown.append)
    try:
        station.start()
        assert station.pipeline.wait(120)
        original = shown[-1]
        again = station.stored_parcel(KIM, original.scan_id)
        assert again.scan_id == original.scan_id
        assert np.array_equal(again.raw.high_counts, original.raw.high_counts)
        assert np.array_equal(again.raw.low_counts, original.raw.low_counts)
        assert np.allclose(again.image.a_high, original.image.a_high, atol=1e-5)
        assert again.triage.level is original.triage.level
        assert [a.kind for a in again.alarms] == [a.kind for a in original.alarms]

        with pytest.raises(PermissionDeniedError, match="inspect"):
            station.stored_parcel(CHO, original.scan_id)
        with pytest.raises(PermissionDeniedError):
            station.stored_parcel(None, original.scan_id)
        with pytest.raises(StorageError):
            station.stored_parcel(KIM, "S-NOT-THERE")
    finally:
        station.stop()
