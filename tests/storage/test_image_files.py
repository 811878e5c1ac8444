"""Parcels stored as DICOS files, recorded in image_files; operator reports after decisions.

Real SQLite files (PostgreSQL too when configured), real DICOS files read back with
our reader, pydicom and (when installed) the Stratovan toolkit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from alembic import command
from sqlalchemy import create_engine, text

from drivers.base import DetectorLayout, ScannerInfo
from station_app.config import MaterialsConfig
from station_app.dicos import read_dx, read_presentation, read_tdr
from station_app.domain import Decision, ParcelScan, Verdict
from station_app.imaging.render import Renderer
from station_app.storage import Database, ScanRepository, StorageError, open_database
from station_app.storage.db import alembic_config
from station_app.storage.image_files import ImageFileRecord, ImageFileRepository
from station_app.storage.images import DicosSettings, ImageStore
from station_app.storage.models import OutboxRow
from station_app.storage.operator_reports import OperatorReportWriter

try:
    import pydicos  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - depends on the environment
    pydicos = None

ParcelFactory = Callable[..., ParcelScan]
STATION = "STATION-T"
SCANNER = ScannerInfo(
    vendor="ACME", model="DE-6040", serial="SN-42", pixels=128, pitch_mm=1.6,
    line_rate_hz=250.0, belt_speed_m_s=0.25, tube_kv=160.0, tube_ma=1.2,
    detector_layout=DetectorLayout.SANDWICH,
)
DICOS_KINDS = ["dx_high", "dx_low", "dx_presentation", "tdr_machine"]


def dicos_store(root: Path, clock: Callable[[], datetime] | None = None) -> ImageStore:
    renderer = Renderer(MaterialsConfig())
    return ImageStore(
        root,
        clock,
        dicos=DicosSettings(
            station_id=STATION, render=lambda p: renderer.render(p.image), scanner=lambda: SCANNER
        ),
    )


@pytest.fixture
def store(tmp_path: Path) -> ImageStore:
    return dicos_store(tmp_path / "images")


@pytest.fixture
def scans(database: Database, store: ImageStore) -> ScanRepository:
    return ScanRepository(database, store, STATION)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _by_kind(files: list[ImageFileRecord]) -> dict[str, ImageFileRecord]:
    return {f.kind: f for f in files}


def _decide(scans: ScanRepository, scan_id: str, verdict: Verdict, when: datetime) -> int:
    scans.record_decision(Decision(scan_id, verdict, "jdoe", when, "looked", 850.0))
    files = ImageFileRepository(scans._db).files_of(scan_id)
    return max(int(f.kind.rsplit("_", 1)[1]) for f in files if f.kind.startswith("tdr_operator_"))


def test_parcel_is_stored_as_dicos_files(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    parcel = make_parcel()
    scans.save_parcel(parcel)
    files = ImageFileRepository(database).files_of("S-0001")
    assert [f.kind for f in files] == DICOS_KINDS
    for f in files:
        assert f.relative_path is not None and f.relative_path.endswith(".dcs")
        path = store.path(f.relative_path)
        assert f.sha256 == _sha(path) and f.n_bytes == path.stat().st_size
        assert f.uploaded_at is None and f.deleted_at is None and f.failed_at is None
    on_disk = sorted(p.name for p in store.root.rglob("*") if p.is_file())
    assert on_disk == sorted(Path(str(f.relative_path)).name for f in files)  # no .part left

    by_kind = _by_kind(files)
    record = scans.get_scan("S-0001")
    assert record is not None
    # The scan's primary image is the DX high file; the event names its hash.
    assert record.image_path == by_kind["dx_high"].relative_path
    assert record.image_sha256 == by_kind["dx_high"].sha256
    assert record.image_bytes == by_kind["dx_high"].n_bytes
    (event,) = scans.outbox_pending(10)
    assert event.payload["image_sha256"] == record.image_sha256

    # Raw counts come back for re-display / re-processing, through the store and the reader.
    high, low, meta = store.read(
        record.image_path, record.image_sha256, low_sha256=by_kind["dx_low"].sha256
    )
    np.testing.assert_array_equal(high, parcel.raw.high_counts)
    np.testing.assert_array_equal(low, parcel.raw.low_counts)
    assert (meta["format"], meta["scan_id"], meta["tracking_id"]) == (
        "dicos", "S-0001", "EE123456785KR")
    assert meta["line_pitch_mm"] == pytest.approx(2.5)
    high2, low2, dx_meta = read_dx(store.path(record.image_path))
    np.testing.assert_array_equal(high2, parcel.raw.high_counts)
    np.testing.assert_array_equal(low2, parcel.raw.low_counts)
    assert (dx_meta.station_id, dx_meta.scanner_serial) == (STATION, "SN-42")
    rgb = read_presentation(store.path(str(by_kind["dx_presentation"].relative_path)))
    assert rgb.shape == (*parcel.raw.shape, 3)
    machine = read_tdr(store.path(str(by_kind["tdr_machine"].relative_path)))
    assert (machine.tdr_type, machine.ooi_id, machine.alarm_decision) == (
        "MACHINE", "S-0001", "ALARM")
    assert len(machine.threats) == len(parcel.alarms) + len(parcel.detections)


def test_damaged_partner_file_is_reported(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel())
    by_kind = _by_kind(ImageFileRepository(database).files_of("S-0001"))
    low = store.path(str(by_kind["dx_low"].relative_path))
    data = bytearray(low.read_bytes())
    data[-10] ^= 0xFF  # one flipped pixel byte of the low-energy image
    low.write_bytes(bytes(data))
    high = by_kind["dx_high"]
    with pytest.raises(StorageError, match="damaged") as info:
        store.read(str(high.relative_path), str(high.sha256), low_sha256=by_kind["dx_low"].sha256)
    assert str(low) in str(info.value)


@pytest.mark.skipif(pydicos is None, reason="pydicos (Stratovan DICOS toolkit) not importable")
def test_stored_files_load_in_the_dicos_toolkit(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    parcel = make_parcel()
    scans.save_parcel(parcel)
    by_kind = _by_kind(ImageFileRepository(database).files_of("S-0001"))
    for kind, counts in (("dx_high", parcel.raw.high_counts), ("dx_low", parcel.raw.low_counts)):
        image = pydicos.DXLoader(str(store.path(str(by_kind[kind].relative_path)))).GetXRayData()
        pixels = np.asarray(image.GetUnsigned16()).copy()
        assert (image.GetHeight(), image.GetWidth()) == counts.shape
        np.testing.assert_array_equal(pixels, counts)
    tdr = pydicos.TDRLoader(str(store.path(str(by_kind["tdr_machine"].relative_path))))
    assert tdr is not None


def test_unprocessed_parcel_keeps_its_raw_scan_as_dicos(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    raw = make_parcel().raw
    scans.save_unprocessed(raw, "processing failed: boom")
    by_kind = _by_kind(ImageFileRepository(database).files_of("S-0001"))
    assert sorted(by_kind) == sorted(DICOS_KINDS)
    rgb = read_presentation(store.path(str(by_kind["dx_presentation"].relative_path)))
    # No material image to render: a grey picture of the raw high-energy counts.
    assert rgb.shape == (*raw.shape, 3)
    assert (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all()
    assert rgb.max() == 255
    machine = read_tdr(store.path(str(by_kind["tdr_machine"].relative_path)))
    assert machine.alarm_decision == "UNKNOWN"  # never analysed: neither clear nor alarm
    dx_high = by_kind["dx_high"]
    high, _, _ = store.read(str(dx_high.relative_path), str(dx_high.sha256))
    np.testing.assert_array_equal(high, raw.high_counts)


def test_failed_transaction_removes_every_file(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    with database.write_session() as session:  # the outbox insert will collide
        session.add(OutboxRow(topic="x", aggregate_id="x", payload={},
                              idempotency_key=f"{STATION}/scan.processed/S-0001"))
    with pytest.raises(StorageError, match="S-0001"):
        scans.save_parcel(make_parcel())
    assert [p for p in store.root.rglob("*") if p.is_file()] == []
    assert ImageFileRepository(database).files_of("S-0001") == []


def test_reused_scan_id_never_overwrites(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel(seed=1))
    before = {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file()}
    with pytest.raises(StorageError, match="already exists"):
        scans.save_parcel(make_parcel(seed=2))
    assert {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file()} == before
    assert len(ImageFileRepository(database).files_of("S-0001")) == 4


def test_unsafe_scan_id_is_refused(scans: ScanRepository, make_parcel: ParcelFactory) -> None:
    with pytest.raises(StorageError, match="file name"):
        scans.save_parcel(make_parcel(scan_id="../../etc/passwd"))


def test_npz_images_of_older_stations_stay_readable(
    database: Database, tmp_path: Path, make_parcel: ParcelFactory
) -> None:
    # A store without DICOS settings is what stations wrote before: one raw .npz per scan.
    old_store = ImageStore(tmp_path / "images")
    ScanRepository(database, old_store, STATION).save_parcel(make_parcel())
    (npz,) = ImageFileRepository(database).files_of("S-0001")
    assert (npz.kind, str(npz.relative_path)[-4:]) == ("raw_npz", ".npz")
    # The station now opens the same directory as a DICOS store: old scans still load.
    scans = ScanRepository(database, dicos_store(tmp_path / "images"), STATION)
    record = scans.get_scan("S-0001")
    assert record is not None
    high, _, meta = scans.images.read(record.image_path, record.image_sha256)
    np.testing.assert_array_equal(high, make_parcel().raw.high_counts)
    assert meta["scan_id"] == "S-0001"
    # A decision on an .npz scan has no machine report to refer to: no operator report due.
    scans.record_decision(Decision("S-0001", Verdict.CLEAR, "jdoe", datetime.now(UTC)))
    assert [f.kind for f in ImageFileRepository(database).files_of("S-0001")] == ["raw_npz"]


def test_migration_enters_existing_npz_images(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003")
            conn.execute(text("INSERT INTO stations (id, name, created_at) "
                              "VALUES ('ST', 'ST', '2025-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO scans (id, station_id, scanner_serial, started_at, ended_at,"
                " length_mm, width_px, lines, image_path, image_sha256, image_bytes,"
                " triage_level, triage_reasons, timings_ms, flags, created_at) VALUES ('OLD-1',"
                " 'ST', 'SN', '2025-01-01 10:00:00', '2025-01-01 10:00:00', 1.0, 1, 1,"
                f" '2025/01/01/OLD-1.npz', '{'ab' * 32}', 1234, 'green', '[]', '{{}}', '[]',"
                " '2025-01-01 10:00:00')"
            ))
    finally:
        engine.dispose()
    db = open_database(url)
    try:
        (row,) = ImageFileRepository(db).files_of("OLD-1")
        assert (row.kind, row.relative_path, row.sha256, row.n_bytes) == (
            "raw_npz", "2025/01/01/OLD-1.npz", "ab" * 32, 1234)
        assert row.uploaded_at is None and row.deleted_at is None
        assert row.created_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    finally:
        db.close()


# ---------------------------------------------------------------- operator reports


def test_operator_report_written_after_the_decision(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel())
    when = datetime(2025, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    decision_id = _decide(scans, "S-0001", Verdict.OPEN, when)
    files = ImageFileRepository(database)
    due = _by_kind(files.files_of("S-0001"))[f"tdr_operator_{decision_id}"]
    assert due.relative_path is None and due.sha256 is None  # recorded as due, not written

    assert OperatorReportWriter(files, store).write_due() == 1
    by_kind = _by_kind(files.files_of("S-0001"))
    written = by_kind[f"tdr_operator_{decision_id}"]
    assert written.relative_path is not None
    path = store.path(written.relative_path)
    assert written.sha256 == _sha(path) and written.n_bytes == path.stat().st_size
    report = read_tdr(path)
    machine = read_tdr(store.path(str(by_kind["tdr_machine"].relative_path)))
    assert (report.tdr_type, report.alarm_decision) == ("OPERATOR", "ALARM")
    assert report.operator == "jdoe"
    assert report.referenced_tdrs == (machine.sop_instance_uid,)
    assert OperatorReportWriter(files, store).write_due() == 0  # nothing due any more

    # A second decision (a supervisor) gets its own file; the first one never changes.
    first = path.read_bytes()
    second_id = _decide(scans, "S-0001", Verdict.CLEAR, when.replace(hour=9))
    assert OperatorReportWriter(files, store).write_due() == 1
    second = _by_kind(files.files_of("S-0001"))[f"tdr_operator_{second_id}"]
    assert read_tdr(store.path(str(second.relative_path))).alarm_decision == "CLEAR"
    assert path.read_bytes() == first


def test_operator_report_survives_a_crash_before_it_was_written(
    db_url: str, tmp_path: Path, make_parcel: ParcelFactory
) -> None:
    database = open_database(db_url)
    scans = ScanRepository(database, dicos_store(tmp_path / "images"), STATION)
    scans.save_parcel(make_parcel())
    decision_id = _decide(scans, "S-0001", Verdict.CLEAR, datetime.now(UTC))
    database.close()  # the process dies here: decision committed, report never written

    database = open_database(db_url)  # the next start
    try:
        store = dicos_store(tmp_path / "images")
        files = ImageFileRepository(database)
        assert OperatorReportWriter(files, store).write_due() == 1
        report = _by_kind(files.files_of("S-0001"))[f"tdr_operator_{decision_id}"]
        assert read_tdr(store.path(str(report.relative_path))).tdr_type == "OPERATOR"
    finally:
        database.close()


def test_operator_report_written_twice_after_a_crash_is_the_same_file(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel())
    decision_id = _decide(scans, "S-0001", Verdict.HOLD, datetime.now(UTC))
    files = ImageFileRepository(database)
    (due,) = files.due_operator_reports()
    assert due.machine_tdr_path is not None
    # The crash came after the file was written, before its row was updated.
    first = store.write_operator_tdr(due.decision, decision_id, due.machine_tdr_path)
    assert OperatorReportWriter(files, store).write_due() == 1
    row = _by_kind(files.files_of("S-0001"))[f"tdr_operator_{decision_id}"]
    assert (row.relative_path, row.sha256) == (first.relative_path, first.sha256)


def test_operator_report_without_its_machine_report_needs_a_person(
    scans: ScanRepository, database: Database, store: ImageStore, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel())
    files = ImageFileRepository(database)
    _decide(scans, "S-0001", Verdict.CLEAR, datetime.now(UTC))
    machine = _by_kind(files.files_of("S-0001"))["tdr_machine"]
    store.path(str(machine.relative_path)).write_bytes(b"not DICOS any more")
    writer = OperatorReportWriter(files, store)
    for _ in range(5):  # tried again on each pass, a bounded number of times
        assert writer.write_due() == 0
    (report,) = [f for f in files.files_of("S-0001") if f.kind.startswith("tdr_operator_")]
    assert report.failed_at is not None and report.relative_path is None
    assert report.last_error is not None and "not a DICOM" in report.last_error
    assert files.due_operator_reports() == []
    assert files.usage().failed_files == 1
