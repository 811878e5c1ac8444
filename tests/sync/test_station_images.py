"""A whole Station (real simulator) stores DICOS, writes the operator report and uploads all."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sync_helpers import STATION, TOKEN, wait_for

from station_app.accounts import Principal, Role
from station_app.config import DriverConfig, ImagesConfig, StationConfig, SyncConfig
from station_app.dicos import read_dx, read_tdr
from station_app.domain import Verdict
from station_app.station import build_station
from station_app.storage.image_files import ImageFileRepository
from station_app.sync.hub import HubServer
from station_app.sync.hub_image_store import HubImageStore

pytestmark = pytest.mark.timeout(180)


def test_station_stores_dicos_and_central_gets_every_file(
    calibrated_data_dir: Path, hub: HubServer
) -> None:
    config = StationConfig(
        station_id=STATION,
        data_dir=calibrated_data_dir,
        driver=DriverConfig(options={"parcels": 2}),
        sync=SyncConfig(central_url=hub.url, token=TOKEN, backoff_base_s=0.05,
                        backoff_max_s=0.5, idle_poll_s=0.1, stop_timeout_s=10.0),
        images=ImagesConfig(disk_budget_gb=50),
    )
    station = build_station(config, max_parcels=2)
    try:
        station.start()
        assert station.pipeline.wait(90)
        scan = station.scans.recent_scans(1)[0]
        high, low, _ = read_dx(station.images.path(scan.image_path))
        assert high.shape == low.shape == (scan.lines, scan.width_px)
        jdoe = Principal(1, "jdoe", "J. Doe", Role.INSPECTOR, "en", "s-1", datetime.now(UTC))
        station.record_decision(scan.scan_id, Verdict.OPEN, jdoe)
        files = ImageFileRepository(station.database)

        def all_confirmed() -> bool:
            rows = [f for s in station.scans.recent_scans(10) for f in files.files_of(s.scan_id)]
            return bool(rows) and all(f.uploaded_at is not None for f in rows)

        assert wait_for(all_confirmed, 60)
        kinds = [f.kind for f in files.files_of(scan.scan_id)]
        assert kinds[:4] == ["dx_high", "dx_low", "dx_presentation", "tdr_machine"]
        (operator,) = [f for f in files.files_of(scan.scan_id) if f.kind.startswith("tdr_op")]
        assert read_tdr(station.images.path(str(operator.relative_path))).tdr_type == "OPERATOR"
        status = station.image_store_status()
        assert status.central and not status.over_budget and status.message is None
    finally:
        station.stop()
    held = HubImageStore.beside(hub.store.engine).stored_files(STATION)
    assert len(held) == 2 * 4 + 1  # two parcels, one decision
