"""Retention under a disk budget: only files central confirmed go, oldest first; loud warnings.

Real database and real files; time moves by giving retention a clock in the future.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from station_app.config import ImagesConfig, StationConfig, SyncConfig
from station_app.domain import Decision, ParcelScan, Verdict
from station_app.storage import Database, ScanRepository
from station_app.storage.image_files import ImageFileRepository
from station_app.storage.image_housekeeping import ImageHousekeeper
from station_app.storage.image_retention import GB, ImageRetention
from station_app.storage.images import DicosSettings, ImageStore

ParcelFactory = Callable[..., ParcelScan]
STATION = "STATION-T"


@pytest.fixture
def store(tmp_path: Path) -> ImageStore:
    return ImageStore(tmp_path / "images")  # one .npz per scan: retention does not care


@pytest.fixture
def scans(database: Database, store: ImageStore) -> ScanRepository:
    return ScanRepository(database, store, STATION)


def _stored(scans: ScanRepository, make_parcel: ParcelFactory, scan_ids: list[str]) -> int:
    """Store scans one after the other (distinct created_at); returns one file's size."""
    for i, scan_id in enumerate(scan_ids):
        scans.save_parcel(make_parcel(scan_id=scan_id, seed=i))
        time.sleep(0.002)
    record = scans.get_scan(scan_ids[0])
    assert record is not None
    return record.image_bytes


def _decide(scans: ScanRepository, *scan_ids: str) -> None:
    for scan_id in scan_ids:
        scans.record_decision(Decision(scan_id, Verdict.CLEAR, "jdoe", datetime.now(UTC)))


def _confirm(database: Database, *scan_ids: str) -> None:
    files = ImageFileRepository(database)
    for scan_id in scan_ids:
        for f in files.files_of(scan_id):
            files.mark_uploaded(f.id)


def _on_disk(store: ImageStore) -> set[str]:
    return {p.name.split(".")[0] for p in store.root.rglob("*.npz")}


def _retention(
    store: ImageStore, database: Database, *, days_later: float = 0.0, budget_bytes: float = GB,
    keep_days: float = 7.0, central: bool = True,
) -> ImageRetention:
    later = datetime.now(UTC) + timedelta(days=days_later)
    config = ImagesConfig(disk_budget_gb=budget_bytes / GB, keep_days=keep_days)
    return ImageRetention(store, ImageFileRepository(database), config, central=central,
                          clock=lambda: later)


def test_only_confirmed_decided_scans_go_after_keep_days(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    _stored(scans, make_parcel, ["DONE", "UNDECIDED", "UNSENT"])
    _decide(scans, "DONE", "UNSENT")
    _confirm(database, "DONE", "UNDECIDED")

    report = _retention(store, database, days_later=6.9).run()
    assert report.deleted_files == 0 and _on_disk(store) == {"DONE", "UNDECIDED", "UNSENT"}

    report = _retention(store, database, days_later=7.1).run()
    assert report.deleted_files == 1 and _on_disk(store) == {"UNDECIDED", "UNSENT"}
    (done,) = ImageFileRepository(database).files_of("DONE")
    assert done.deleted_at is not None
    assert report.freed_bytes == done.n_bytes
    kept = [f for s in ("UNDECIDED", "UNSENT") for f in ImageFileRepository(database).files_of(s)]
    assert report.status.used_bytes == sum(int(f.n_bytes or 0) for f in kept)
    # The scan itself (row, decision, results) stays; only its file is gone.
    assert scans.get_scan("DONE") is not None


def test_budget_deletes_confirmed_scans_oldest_first(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    size = _stored(scans, make_parcel, ["A", "B", "C", "D"])
    _decide(scans, "A", "B", "C", "D")
    _confirm(database, "A", "B", "C")  # D is not confirmed: never a candidate
    report = _retention(store, database, budget_bytes=2.5 * size, keep_days=30).run()
    assert _on_disk(store) == {"C", "D"}  # A and B went, oldest first, until under budget
    assert report.deleted_files == 2 and not report.status.over_budget

    report = _retention(store, database, budget_bytes=0.5 * size, keep_days=30).run()
    assert _on_disk(store) == {"D"}  # C went too; D is kept although over budget
    assert report.status.over_budget and report.status.unsynced_over_budget
    assert report.status.unsynced_bytes == size


def test_unsynced_data_over_budget_is_kept_and_warned_about(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    size = _stored(scans, make_parcel, ["A", "B", "C"])
    _decide(scans, "A", "B", "C")
    with caplog.at_level(logging.WARNING, logger="station_app.storage.image_retention"):
        report = _retention(store, database, days_later=100, budget_bytes=2 * size).run()
    assert report.deleted_files == 0 and _on_disk(store) == {"A", "B", "C"}
    status = report.status
    assert (status.used_bytes, status.unsynced_bytes, status.unsynced_files) == (
        3 * size, 3 * size, 3)
    assert status.over_budget and status.unsynced_over_budget and status.central
    assert status.message is not None and "not yet confirmed by central" in status.message
    assert "Image disk budget reached" in caplog.text


def test_offline_station_never_deletes_and_warns_at_the_budget(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    size = _stored(scans, make_parcel, ["A", "B"])
    _decide(scans, "A", "B")
    _confirm(database, "A", "B")  # even marked confirmed: an offline station keeps all
    retention = _retention(store, database, days_later=100, budget_bytes=2 * size, central=False)
    with caplog.at_level(logging.WARNING, logger="station_app.storage.image_retention"):
        report = retention.run()
    assert report.deleted_files == 0 and _on_disk(store) == {"A", "B"}
    assert report.status.over_budget and not report.status.central
    assert report.status.message is not None and "no central" in report.status.message
    assert "no central" in caplog.text

    quiet = _retention(store, database, budget_bytes=3 * size, central=False).run()
    assert quiet.status.message is None and not quiet.status.over_budget


def test_a_due_operator_report_keeps_its_scan(
    tmp_path: Path, database: Database, make_parcel: ParcelFactory
) -> None:
    store = ImageStore(tmp_path / "images", dicos=DicosSettings(station_id=STATION))
    scans = ScanRepository(database, store, STATION)
    scans.save_parcel(make_parcel())
    _confirm(database, "S-0001")
    _decide(scans, "S-0001")  # its operator report is due, not written, not confirmed
    report = _retention(store, database, days_later=100, budget_bytes=1).run()
    assert report.deleted_files == 0
    assert all(f.deleted_at is None for f in ImageFileRepository(database).files_of("S-0001"))


def test_housekeeper_writes_reports_and_reports_status(
    tmp_path: Path, database: Database, make_parcel: ParcelFactory
) -> None:
    config = StationConfig(
        station_id=STATION, data_dir=tmp_path, sync=SyncConfig(central_url=None),
        images=ImagesConfig(disk_budget_gb=1e-9, housekeeping_interval_s=60),
    )
    store = ImageStore(tmp_path / "images", dicos=DicosSettings(station_id=STATION))
    scans = ScanRepository(database, store, STATION)
    scans.save_parcel(make_parcel())
    housekeeper = ImageHousekeeper(database, store, config)
    status = housekeeper.status()  # before the thread ever ran
    assert status.over_budget and not status.central and status.message is not None
    housekeeper.start()
    try:
        _decide(scans, "S-0001")
        housekeeper.notify()
        files = ImageFileRepository(database)
        deadline = time.monotonic() + 10
        while files.due_operator_reports() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert files.due_operator_reports() == []
        assert any(f.kind.startswith("tdr_operator_") and f.relative_path
                   for f in files.files_of("S-0001"))
    finally:
        assert housekeeper.stop(5)
