"""`station-app backup` / `restore` on a real station data dir: SQLite database with scans,
image files, a database held open as by a running station."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from station_app.backup import (
    MANIFEST_NAME,
    BackupError,
    backup_station,
    database_in_use,
    restore_station,
    verify_backup,
)
from station_app.cli import main
from station_app.config import StationConfig
from station_app.storage.db import open_database


def _scan_ids(data_dir: Path) -> set[str]:
    conn = sqlite3.connect(f"{(data_dir / 'station.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM scans")}
    finally:
        conn.close()


def _image_files(data_dir: Path) -> dict[str, bytes]:
    images = data_dir / "images"
    return {p.relative_to(images).as_posix(): p.read_bytes()
            for p in images.rglob("*") if p.is_file()}


@pytest.fixture
def station(calibrated_data_dir: Path) -> StationConfig:
    """A data dir with two processed parcels (database rows and image files)."""
    args = ["--data-dir", str(calibrated_data_dir), "run", "--headless", "--parcels", "2"]
    assert main([*args, "--seed", "3"]) == 0
    return StationConfig(data_dir=calibrated_data_dir)


def test_backup_of_a_running_station_restores_every_scan_and_image(
    station: StationConfig, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scans, images = _scan_ids(station.data_dir), _image_files(station.data_dir)
    assert len(scans) == 2 and len(images) >= 2  # a DICOS image (and TDRs) per scan
    running = open_database(station.resolved_database_url)  # the station holds it open
    try:
        with running.write_session() as session:  # ... and has just written
            session.connection().exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
        code = main(["--data-dir", str(station.data_dir), "backup", str(tmp_path / "b1"),
                     "--json"])
        assert database_in_use(station.data_dir / "station.sqlite3")
    finally:
        running.close()
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["file_count"] == 1 + len(images) and summary["schema_revision"]
    manifest = verify_backup(tmp_path / "b1")
    assert {f.path for f in manifest.files} == {"station.sqlite3"} | {
        f"images/{name}" for name in images
    }
    assert not list((tmp_path / "b1").glob("*-wal"))

    target = StationConfig(data_dir=tmp_path / "new-station")
    assert restore_station(target, tmp_path / "b1") is None  # nothing was there to move
    assert _scan_ids(target.data_dir) == scans
    assert _image_files(target.data_dir) == images
    assert not (target.data_dir / MANIFEST_NAME).exists()
    open_database(target.resolved_database_url).close()  # opens and migrates like a start


def test_restore_over_data_needs_force_and_keeps_what_it_replaces(
    station: StationConfig, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup_station(station, tmp_path / "b1")
    before = _scan_ids(station.data_dir)
    assert main(["--data-dir", str(station.data_dir), "run", "--headless", "--parcels", "1",
                 "--seed", "4"]) == 0
    after_backup = _scan_ids(station.data_dir)
    assert len(after_backup) == 3
    capsys.readouterr()

    assert main(["--data-dir", str(station.data_dir), "restore", str(tmp_path / "b1")]) == 2
    assert "repeat with --force" in capsys.readouterr().err
    assert _scan_ids(station.data_dir) == after_backup  # untouched

    assert main(["--data-dir", str(station.data_dir), "restore", str(tmp_path / "b1"),
                 "--force"]) == 0
    out = capsys.readouterr().out
    assert _scan_ids(station.data_dir) == before
    (moved,) = station.data_dir.parent.glob(f"{station.data_dir.name}.before-restore-*")
    assert str(moved) in out
    assert _scan_ids(moved) == after_backup


def test_restore_refuses_while_a_station_has_the_database_open(
    station: StationConfig, tmp_path: Path
) -> None:
    backup_station(station, tmp_path / "b1")
    running = open_database(station.resolved_database_url)
    try:
        with running.read_session() as session:
            session.connection().exec_driver_sql("SELECT 1")
        with pytest.raises(BackupError, match="open in a running station"):
            restore_station(station, tmp_path / "b1", force=True)
    finally:
        running.close()
    assert not database_in_use(station.data_dir / "station.sqlite3")
    assert not list(station.data_dir.parent.glob("*.restoring-*"))


def test_damaged_backup_is_refused_before_anything_changes(
    station: StationConfig, tmp_path: Path
) -> None:
    manifest = backup_station(station, tmp_path / "b1")
    image = next(f.path for f in manifest.files if f.path.startswith("images/"))
    (tmp_path / "b1" / image).write_bytes(b"not the image")
    target = StationConfig(data_dir=tmp_path / "new-station")
    with pytest.raises(BackupError, match=f"{image} has .* bytes|{image} does not match"):
        restore_station(target, tmp_path / "b1")
    assert not target.data_dir.exists()


def test_backup_from_a_newer_version_is_refused(station: StationConfig, tmp_path: Path) -> None:
    backup_station(station, tmp_path / "b1")
    manifest_path = tmp_path / "b1" / MANIFEST_NAME
    data = json.loads(manifest_path.read_text())
    data["schema_revision"] = "9999"
    manifest_path.write_text(json.dumps(data))
    with pytest.raises(BackupError, match="schema revision 9999, newer than"):
        restore_station(StationConfig(data_dir=tmp_path / "new"), tmp_path / "b1")


@pytest.mark.parametrize(
    ("destination", "message"),
    [
        ("existing", "exists already"),
        ("inside", "must be outside the data dir"),
    ],
)
def test_backup_refuses_a_destination_that_would_lose_or_loop(
    station: StationConfig, tmp_path: Path, destination: str, message: str
) -> None:
    target = {"existing": tmp_path, "inside": station.data_dir / "backup"}[destination]
    with pytest.raises(BackupError, match=message):
        backup_station(station, target)


def test_postgresql_station_is_sent_to_pg_dump(tmp_path: Path) -> None:
    config = StationConfig(data_dir=tmp_path, database_url="postgresql+psycopg://h/db")
    with pytest.raises(BackupError, match="pg_dump"):
        backup_station(config, tmp_path / "b1")


def test_not_a_backup_is_named_as_such(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="not a station-app backup"):
        verify_backup(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text('{"format": "station-app-backup", "format_version": 1}')
    with pytest.raises(BackupError, match="damaged"):
        verify_backup(tmp_path)
