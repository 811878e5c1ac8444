"""TIP images kept as DICOS in a running station (simulator, real SQLite, real pipeline).

Every TIP presentation leaves its image as four DICOS files marked as TIP under
``<image dir>/tip/``, recorded on the presentation only (never an ``image_files``
row); housekeeping deletes them after ``tip.keep_images_days``; a TIP image that
cannot be written is still shown. The upload side is tests/sync/test_tip_images_local.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import update

from station_app.config import (
    DetectorConfig,
    DriverConfig,
    ImagesConfig,
    StationConfig,
    TipConfig,
)
from station_app.dicos import TipMarking, read_dx, read_tdr
from station_app.domain import ParcelScan, TipImage
from station_app.station import Station
from station_app.storage.image_files import ImageFileRepository
from station_app.storage.models import TipPresentationRow
from station_app.storage.tip_images import tip_image_files
from station_app.tip.library import (
    TipItem,
    TipLibraryError,
    load_library,
    save_library,
    shipped_library_dir,
)

STATION = "STATION-01"
PARCELS = 3


def _config(data_dir: Path, keep_images_days: int = 30) -> StationConfig:
    return StationConfig(
        station_id=STATION,
        data_dir=data_dir,
        driver=DriverConfig(options={"parcels": PARCELS, "seed": 11}),
        detector=DetectorConfig(enabled=False),
        images=ImagesConfig(housekeeping_interval_s=0.2),
        tip=TipConfig(enabled=True, rate=1.0, min_parcels_between=0, categories=["knife"],
                      keep_images_days=keep_images_days),
    )


@pytest.fixture
def run_station() -> Iterator[Callable[[StationConfig], tuple[Station, list[TipImage]]]]:
    """Start a station, wait for its parcels; stopped at the end of the test."""
    stations: list[Station] = []

    def run(config: StationConfig) -> tuple[Station, list[TipImage]]:
        station = Station(config)
        stations.append(station)
        shown: list[ParcelScan] = []
        station.events.parcel_processed.connect(shown.append)
        station.start()
        assert station.pipeline.wait(180), "the simulated parcels were not processed"
        assert len(shown) == PARCELS
        tips = [p.tip for p in shown if p.tip is not None]
        assert tips, "rate 1.0: every parcel with room gets a TIP item"
        return station, tips

    yield run
    for station in stations:
        station.stop()


def _wait_for(predicate: Callable[[], bool], timeout_s: float) -> bool:
    stop_at = time.monotonic() + timeout_s
    while time.monotonic() < stop_at:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_tip_presentation_is_kept_as_marked_dicos_under_tip(
    calibrated_data_dir: Path,
    run_station: Callable[[StationConfig], tuple[Station, list[TipImage]]],
) -> None:
    config = _config(calibrated_data_dir)
    station, tips = run_station(config)
    library = load_library(shipped_library_dir())
    image_rows = [
        f for s in station.scans.recent_scans(10)
        for f in ImageFileRepository(station.database).files_of(s.scan_id)
    ]
    # The real parcels' files, and nothing else, are image_files rows (upload, retention).
    assert len(image_rows) == 4 * PARCELS
    assert not any("tip" in str(f.relative_path) for f in image_rows)
    real_on_disk = {str(f.relative_path) for f in image_rows}

    for tip in tips:
        record = station.tips.get(tip.presentation_id)
        assert record is not None and record.image_path is not None
        day = record.presented_at.astimezone(UTC)
        assert record.image_path == (
            f"tip/{day:%Y/%m/%d}/{tip.parcel.scan_id}_tip{tip.presentation_id}_dx_high.dcs")
        assert record.image_deleted_at is None
        paths = [station.images.path(rel) for rel in tip_image_files(record.image_path)]
        assert [p.name.split("_tip")[1] for p in paths] == [
            f"{tip.presentation_id}_dx_high.dcs", f"{tip.presentation_id}_dx_low.dcs",
            f"{tip.presentation_id}_dx_display.dcs",
            f"{tip.presentation_id}_tdr_ground_truth.dcs"]
        assert hashlib.sha256(paths[0].read_bytes()).hexdigest() == record.image_sha256
        marking = TipMarking("CTI", library.name, library.created_at, tip.item_id)
        high, low, meta = read_dx(paths[0])
        assert meta.tip == marking and meta.scan_id == tip.parcel.scan_id
        # The combined image the inspector saw, not the real parcel.
        np.testing.assert_array_equal(high, tip.parcel.raw.high_counts)
        np.testing.assert_array_equal(low, tip.parcel.raw.low_counts)
        truth = read_tdr(paths[3])
        assert truth.tdr_type == "GROUND TRUTH" and truth.tip == marking
        assert [t.box for t in truth.threats] == [tip.box]
        real = next(s for s in station.scans.recent_scans(10) if s.scan_id == tip.parcel.scan_id)
        assert read_dx(station.images.path(real.image_path))[2].tip is None
        assert truth.study_uid != read_dx(station.images.path(real.image_path))[2].study_uid

    # Everything on disk under the image dir is either a real parcel's row or a TIP file.
    on_disk = {p.relative_to(config.image_dir).as_posix()
               for p in config.image_dir.rglob("*.dcs")}
    tip_files = {rel for tip in tips
                 for rel in tip_image_files(str(station.tips.get(tip.presentation_id)
                                                .image_path))}  # type: ignore[union-attr]
    assert on_disk == real_on_disk | tip_files
    assert all(rel.startswith("tip/") for rel in tip_files)
    # The disk budget counts the real parcels' files only.
    status = station.image_housekeeper.retention.status()
    assert status.used_bytes == sum(f.n_bytes or 0 for f in image_rows)


def test_housekeeping_deletes_tip_images_after_keep_days(
    calibrated_data_dir: Path,
    run_station: Callable[[StationConfig], tuple[Station, list[TipImage]]],
) -> None:
    config = _config(calibrated_data_dir, keep_images_days=10)
    station, tips = run_station(config)
    assert len(tips) >= 2, "two TIP images needed: one old, one recent"
    old, recent = tips[0].presentation_id, tips[1].presentation_id
    now = datetime.now(UTC)
    with station.database.write_session() as session:  # as if shown 11 and 9 days ago
        for pid, age_days in ((old, 11), (recent, 9)):
            session.execute(update(TipPresentationRow).where(TipPresentationRow.id == pid)
                            .values(presented_at=now - timedelta(days=age_days)))
    old_record, recent_record = station.tips.get(old), station.tips.get(recent)
    assert old_record is not None and recent_record is not None
    old_files = [station.images.path(r) for r in tip_image_files(str(old_record.image_path))]
    recent_files = [station.images.path(r)
                    for r in tip_image_files(str(recent_record.image_path))]
    assert all(p.is_file() for p in old_files + recent_files)

    # The running housekeeping thread's next pass (every 0.2 s here) deletes the old one.
    def old_deleted() -> bool:
        record = station.tips.get(old)
        return record is not None and record.image_deleted_at is not None

    assert _wait_for(old_deleted, 30)
    assert not any(p.exists() for p in old_files)
    assert all(p.is_file() for p in recent_files)
    recent_after = station.tips.get(recent)
    assert recent_after is not None and recent_after.image_deleted_at is None
    # The real parcels' files are retention's business, not this pass's.
    for scan in station.scans.recent_scans(10):
        assert station.images.path(scan.image_path).is_file()
    assert station.image_housekeeper.delete_old_tip_images() == 0  # nothing left to do


def test_tip_image_that_cannot_be_written_is_still_shown(
    calibrated_data_dir: Path,
    run_station: Callable[[StationConfig], tuple[Station, list[TipImage]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = _config(calibrated_data_dir)
    config.image_dir.mkdir(parents=True, exist_ok=True)
    (config.image_dir / "tip").write_text("a file where the TIP directory should be\n")
    with caplog.at_level(logging.WARNING, logger="station_app.tip.stage"):
        station, tips = run_station(config)
    for tip in tips:
        record = station.tips.get(tip.presentation_id)
        assert record is not None and record.image_path is None and record.image_sha256 is None
        (warning,) = [r for r in caplog.records if r.getMessage().startswith(
            f"TIP {tip.presentation_id}: TIP image not kept as DICOS, shown all the same")]
        assert warning.levelno == logging.WARNING
        assert "not written" in warning.getMessage()
    # The real parcels are stored as always; nothing half-written is left behind.
    assert len(station.scans.recent_scans(10)) == PARCELS
    assert not list(config.image_dir.rglob("*_tip*"))


def test_library_names_and_dates_its_tip_images(tmp_path: Path) -> None:
    shipped = load_library(shipped_library_dir())
    assert shipped.name == "station_app simulator library 140 kV"
    assert shipped.created_at == datetime(2026, 11, 23, 15, 4, 59, tzinfo=UTC)

    attenuation = np.zeros((8, 8), np.float32)
    attenuation[2:6, 2:6] = 1.0
    item = TipItem("knife-00", "knife", "test", 1.0, attenuation, attenuation)
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    saved = save_library(tmp_path / "site-lib", [item], pitch_mm=1.0, spectrum="test",
                         name="Site library 2026-01", created_at=created)
    again = load_library(tmp_path / "site-lib")
    assert (saved.name, saved.created_at) == (again.name, again.created_at) == (
        "Site library 2026-01", created)

    # An index from before names and dates: the directory's name, no date.
    index_path = tmp_path / "site-lib" / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    del index["name"], index["created"]
    old = tmp_path / "older-lib"
    shutil.copytree(tmp_path / "site-lib", old)
    (old / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert (load_library(old).name, load_library(old).created_at) == ("older-lib", None)

    index["created"] = "last tuesday"
    (old / "index.json").write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(TipLibraryError, match=r"older-lib/index\.json: created 'last tuesday'"):
        load_library(old)


def test_unrecorded_tip_files_go_by_their_age(
    calibrated_data_dir: Path,
    run_station: Callable[[StationConfig], tuple[Station, list[TipImage]]],
) -> None:
    """Files a crash left under tip/ without a row are deleted once older than keep_days."""
    import os

    from station_app.storage.tip_images import TIP_DIR, TipImageStore

    station, tips = run_station(_config(calibrated_data_dir, keep_images_days=10))
    record = station.tips.get(tips[0].presentation_id)
    assert record is not None and record.image_path is not None
    recorded = [station.images.path(r) for r in tip_image_files(record.image_path)]
    day_dir = station.images.path(TIP_DIR) / "2026" / "01" / "02"
    day_dir.mkdir(parents=True)
    old_orphan, young_orphan = day_dir / "S-9_tip99_dx_high.dcs", day_dir / "S-9_tip98_dx_low.dcs"
    for path, age_days in ((old_orphan, 11), (young_orphan, 9)):
        path.write_bytes(b"written, never recorded")
        stamp = (datetime.now(UTC) - timedelta(days=age_days)).timestamp()
        os.utime(path, (stamp, stamp))

    store = TipImageStore(station.images, station.tips, keep_days=10)
    assert store.delete_expired() == 0  # no recorded image is that old
    assert not old_orphan.exists()
    assert young_orphan.is_file()
    assert all(p.is_file() for p in recorded)  # recorded and recent: kept
