"""TIP images stay on the station: central gets every real parcel's files and none of the
TIP images' (a real Station with TIP at rate 1, the reference hub on loopback)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select
from sync_helpers import STATION, TOKEN, wait_for

from station_app.config import (
    DetectorConfig,
    DriverConfig,
    ImagesConfig,
    StationConfig,
    SyncConfig,
    TipConfig,
)
from station_app.dicos import read_tdr
from station_app.domain import ParcelScan
from station_app.station import build_station
from station_app.storage.image_files import ImageFileRepository
from station_app.storage.models import OutboxRow
from station_app.storage.tip_images import tip_image_files
from station_app.sync.hub import HubServer
from station_app.sync.hub_image_store import HubImageStore

pytestmark = pytest.mark.timeout(180)
PARCELS = 2


def test_central_gets_the_real_parcels_files_and_no_tip_image(
    calibrated_data_dir: Path, hub: HubServer
) -> None:
    config = StationConfig(
        station_id=STATION,
        data_dir=calibrated_data_dir,
        driver=DriverConfig(options={"parcels": PARCELS, "seed": 11}),
        detector=DetectorConfig(enabled=False),
        sync=SyncConfig(central_url=hub.url, token=TOKEN, backoff_base_s=0.05,
                        backoff_max_s=0.5, idle_poll_s=0.1, stop_timeout_s=10.0),
        images=ImagesConfig(disk_budget_gb=50),
        tip=TipConfig(enabled=True, rate=1.0, min_parcels_between=0, categories=["knife"]),
    )
    station = build_station(config, max_parcels=PARCELS)
    shown: list[ParcelScan] = []
    station.events.parcel_processed.connect(shown.append)
    try:
        station.start()
        assert station.pipeline.wait(90)
        tips = [p.tip for p in shown if p.tip is not None]
        assert tips, "rate 1.0: every parcel with room gets a TIP item"
        tip_paths: list[Path] = []
        for tip in tips:
            record = station.tips.get(tip.presentation_id)
            assert record is not None and record.image_path is not None
            tip_paths += [station.images.path(rel) for rel in tip_image_files(record.image_path)]
        assert all(p.is_file() for p in tip_paths)
        assert read_tdr(tip_paths[3]).tdr_type == "GROUND TRUTH"
        files = ImageFileRepository(station.database)
        real_rows = [f for s in station.scans.recent_scans(10) for f in files.files_of(s.scan_id)]
        assert len(real_rows) == 4 * PARCELS

        def all_confirmed() -> bool:
            return all(f.uploaded_at is not None
                       for s in station.scans.recent_scans(10) for f in files.files_of(s.scan_id))

        assert wait_for(all_confirmed, 60)
        # Nothing about TIP was queued for central either.
        with station.database.read_session() as session:
            topics = list(session.scalars(select(OutboxRow.topic)))
        assert topics == ["scan.processed"] * PARCELS
    finally:
        station.stop()
    held = HubImageStore.beside(hub.store.engine).stored_files(STATION)
    assert sorted((h.scan_id, h.kind, h.sha256) for h in held) == sorted(
        (f.scan_id, f.kind, f.sha256) for f in real_rows)
    tip_hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in tip_paths}
    assert tip_hashes.isdisjoint(h.sha256 for h in held)
    assert not any("tip" in h.kind for h in held)
