"""A whole Station (real simulator, calibrated SQLite data dir) talking to a real hub."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sync_helpers import STATION, TOKEN, postal_manifest, wait_for

from drivers.simulator import SimulatedScanner
from station_app.config import DriverConfig, StationConfig, SyncConfig
from station_app.station import Station, build_station
from station_app.storage import open_database
from station_app.storage.manifests import ManifestRepository
from station_app.storage.models import OutboxRow, ScanRow
from station_app.sync.hub import HubServer
from station_app.sync.loopback import bind_loopback

pytestmark = pytest.mark.timeout(120)
PARCELS = 3


def _config(data_dir: Path, central_url: str | None, **sync: Any) -> StationConfig:
    options: dict[str, Any] = {
        "token": TOKEN,
        "connect_timeout_s": 2.0,
        "read_timeout_s": 3.0,
        "backoff_base_s": 0.05,
        "backoff_max_s": 0.5,
        "idle_poll_s": 0.2,
        "stop_timeout_s": 10.0,
    }
    options.update(sync)
    return StationConfig(
        station_id=STATION,
        data_dir=data_dir,
        driver=DriverConfig(options={"parcels": PARCELS}),
        sync=SyncConfig(central_url=central_url, **options),
    )


def _run_parcels(station: Station) -> None:
    station.start()
    assert station.pipeline.wait(90), "the pipeline did not finish its parcels"
    assert station.pipeline.counters.parcels_processed == PARCELS


def _rows(data_dir: Path) -> tuple[set[str], list[OutboxRow]]:
    database = open_database(f"sqlite:///{data_dir / 'station.sqlite3'}")
    try:
        with database.read_session() as session:
            scan_ids = set(session.scalars(select(ScanRow.id)))
            rows = list(session.scalars(select(OutboxRow)))
            session.expunge_all()
    finally:
        database.close()
    return scan_ids, rows


def test_station_results_reach_the_hub_exactly_once(
    hub: HubServer, calibrated_data_dir: Path
) -> None:
    station = build_station(_config(calibrated_data_dir, hub.url), max_parcels=PARCELS)
    try:
        assert station.sync is not None
        _run_parcels(station)

        def processed() -> list[Any]:
            return [r for r in hub.store.applied_results() if r.topic == "scan.processed"]

        assert wait_for(lambda: len(processed()) == PARCELS, 20)
        assert wait_for(
            lambda: (s := station.sync_status()) is not None and s.outbox_depth == 0, 10
        )
        status = station.sync_status()
        assert status is not None and status.state == "online" and status.enabled
        assert status.last_manifest_pull_at is not None  # the pull-ahead ran at start
        time.sleep(0.5)  # a few more idle polls: nothing may be sent again
    finally:
        station.stop()
    assert station.sync is not None and station.sync.join(0)  # the worker thread ended

    scan_ids, rows = _rows(calibrated_data_dir)
    applied = [r for r in hub.store.applied_results() if r.topic == "scan.processed"]
    assert len(applied) == PARCELS
    assert {r.payload["scan_id"] for r in applied} == scan_ids
    assert all(r.duplicates_seen == 0 and r.station_id == STATION for r in applied)
    assert all(r.sent_at is not None for r in rows)


def test_station_keeps_working_with_the_hub_down(calibrated_data_dir: Path) -> None:
    sock = bind_loopback()  # bound, never listening: central is down
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        station = build_station(_config(calibrated_data_dir, url), max_parcels=PARCELS)
        try:
            _run_parcels(station)
            # The status figures are refreshed after each (failed) attempt.
            assert wait_for(
                lambda: (
                    (s := station.sync_status()) is not None
                    and s.state == "offline"
                    and s.outbox_depth >= PARCELS
                ),
                10,
            )
            status = station.sync_status()
            assert status is not None and status.last_success_at is None
            assert status.last_manifest_pull_at is None
        finally:
            started = time.monotonic()
            station.stop()
            assert time.monotonic() - started < 10.0  # stopping is bounded
    finally:
        sock.close()
    scan_ids, rows = _rows(calibrated_data_dir)
    assert len(scan_ids) == PARCELS
    queued = [r for r in rows if r.topic == "scan.processed"]
    assert len(queued) == PARCELS
    assert all(r.sent_at is None for r in queued)  # nothing lost, nothing marked sent


def test_station_pulls_manifests_of_its_parcels(hub: HubServer, calibrated_data_dir: Path) -> None:
    scanner = SimulatedScanner(parcels=PARCELS)
    tracking_ids = [scanner.make_plan(i).tracking_id for i in range(PARCELS)]
    hub.store.seed_manifests((tid, postal_manifest(tid)) for tid in tracking_ids)
    station = build_station(_config(calibrated_data_dir, hub.url), max_parcels=PARCELS)
    try:
        _run_parcels(station)
        repository = ManifestRepository(station.database)
        for tid in tracking_ids:
            stored = repository.get(tid)
            assert stored is not None and stored.source == "central"
    finally:
        station.stop()


def test_station_without_central_is_offline_by_configuration(calibrated_data_dir: Path) -> None:
    station = build_station(_config(calibrated_data_dir, None), max_parcels=PARCELS)
    try:
        assert station.sync is None and station.sync_status() is None
        _run_parcels(station)
    finally:
        station.stop()
    _scan_ids, rows = _rows(calibrated_data_dir)
    assert len([r for r in rows if r.topic == "scan.processed"]) == PARCELS
    assert all(r.sent_at is None for r in rows)
    assert not (calibrated_data_dir / "sync").exists()
