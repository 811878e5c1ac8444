"""Repositories against a real database: SQLite always, PostgreSQL when configured."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from station_app.domain import Decision, ParcelScan, TriageLevel, Verdict
from station_app.storage import (
    CalibrationRepository,
    Database,
    ImageStore,
    OutboxRepository,
    ScanRepository,
    StorageError,
    open_database,
)
from station_app.storage.models import OutboxRow

ParcelFactory = Callable[..., ParcelScan]
STATION = "STATION-T"


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def scans(database: Database, image_store: ImageStore) -> ScanRepository:
    return ScanRepository(database, image_store, STATION)


def test_save_and_get_round_trip(
    scans: ScanRepository, database: Database, make_parcel: ParcelFactory
) -> None:
    calibration_id = CalibrationRepository(database, STATION).save(
        "materials", "SIM-0001", b"\x00curve", {"rms": 0.1}, {"r": [0.1, 0.2]}, "tech"
    )
    parcel = make_parcel(calibration_id=calibration_id)
    before = datetime.now(UTC)
    scans.save_parcel(parcel)

    record = scans.get_scan("S-0001")
    assert record is not None
    assert record.tracking_id == "EE123456785KR"
    assert record.station_id == STATION
    assert (record.lines, record.width_px) == (64, 128)
    assert record.length_mm == pytest.approx(64 * 2.5)
    assert record.triage.level is TriageLevel.RED
    assert record.triage.reasons == ("dense_object",)
    assert record.triage.risk_score == pytest.approx(0.4)
    assert record.calibration_id == calibration_id
    assert record.flags == frozenset({"split"})
    assert record.timings_ms == {"calibrate": 1.5, "materials": 2.25}
    assert record.created_at.tzinfo is UTC
    assert before - timedelta(seconds=1) <= record.created_at <= datetime.now(UTC)
    assert record.started_at <= record.ended_at
    assert [a.kind for a in record.alarms] == ["dense_object", "organic_mass"]
    assert record.alarms == parcel.alarms
    assert record.detections == parcel.detections
    assert record.decisions == ()

    high, low, meta = scans.images.read(record.image_path, record.image_sha256)
    np.testing.assert_array_equal(high, parcel.raw.high_counts)
    np.testing.assert_array_equal(low, parcel.raw.low_counts)
    assert meta["scan_id"] == "S-0001"
    assert scans.get_scan("nope") is None


def test_outbox_row_written_with_scan(scans: ScanRepository, make_parcel: ParcelFactory) -> None:
    scans.save_parcel(make_parcel())
    (event,) = scans.outbox_pending(10)
    assert event.topic == "scan.processed"
    assert event.aggregate_id == "S-0001"
    record = scans.get_scan("S-0001")
    assert record is not None
    assert event.payload == {
        "station_id": STATION,
        "scan_id": "S-0001",
        "tracking_id": "EE123456785KR",
        "triage": {"level": "red", "reasons": ["dense_object"], "risk_score": 0.4},
        "alarm_kinds": ["dense_object", "organic_mass"],
        "detections": [{"class_name": "knife", "confidence": 0.91, "box": [5, 6, 15, 26]}],
        "image_sha256": record.image_sha256,
    }
    assert "calibration_not_stored" in record.flags  # unknown calibration id: kept, flagged


def test_failed_transaction_leaves_nothing(
    scans: ScanRepository, database: Database, image_store: ImageStore, make_parcel: ParcelFactory
) -> None:
    # An outbox row already holding the idempotency key makes the outbox insert
    # fail *after* the scan and alarm rows were flushed in the same transaction.
    with database.write_session() as session:
        session.add(
            OutboxRow(
                topic="x",
                aggregate_id="x",
                payload={},
                idempotency_key=f"{STATION}/scan.processed/S-0001",
            )
        )
    with pytest.raises(StorageError, match="S-0001"):
        scans.save_parcel(make_parcel())
    assert scans.get_scan("S-0001") is None
    assert scans.count_scans() == 0
    assert [e.topic for e in scans.outbox_pending(10)] == ["x"]
    assert _files(image_store.root) == []


def test_duplicate_scan_id_keeps_the_original(
    database: Database, tmp_path: Path, make_parcel: ParcelFactory
) -> None:
    days = iter([datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC)])
    store = ImageStore(tmp_path / "images", clock=lambda: next(days))
    scans = ScanRepository(database, store, STATION)
    scans.save_parcel(make_parcel(seed=1))
    original = scans.get_scan("S-0001")
    assert original is not None
    # Next day, same scan id: the file goes to a new directory, the row insert fails.
    with pytest.raises(StorageError, match="already stored"):
        scans.save_parcel(make_parcel(seed=2))
    assert scans.count_scans() == 1
    assert len(scans.outbox_pending(10)) == 1
    assert _files(store.root) == [store.root / original.image_path]
    store.read(original.image_path, original.image_sha256)


def test_record_decisions(scans: ScanRepository, make_parcel: ParcelFactory) -> None:
    scans.save_parcel(make_parcel("A"))
    scans.save_parcel(make_parcel("B"))
    assert [r.scan_id for r in scans.undecided_scans(10)] == ["A", "B"]
    seoul = timezone(timedelta(hours=9))
    first = Decision(
        "A",
        Verdict.HOLD,
        "inspector1",
        datetime(2025, 3, 4, 9, 0, tzinfo=seoul),
        "looks odd",
        812.5,
    )
    second = Decision("A", Verdict.OPEN, "supervisor", datetime(2025, 3, 4, 9, 5, tzinfo=seoul))
    scans.record_decision(first)
    scans.record_decision(second)

    record = scans.get_scan("A")
    assert record is not None
    assert record.decisions == (first, second)
    assert record.latest_decision == second
    assert record.decisions[0].decided_at.tzinfo is UTC
    assert [r.scan_id for r in scans.undecided_scans(10)] == ["B"]

    events = [e for e in scans.outbox_pending(10) if e.topic == "scan.decided"]
    assert [e.payload["verdict"] for e in events] == ["hold", "open"]
    assert events[0].payload["decided_at"] == "2025-03-04T00:00:00+00:00"
    assert events[0].payload["tracking_id"] == "EE123456785KR"
    assert len({e.idempotency_key for e in events}) == 2

    with pytest.raises(StorageError, match="no scan 'ZZ'"):
        scans.record_decision(Decision("ZZ", Verdict.CLEAR, "x", datetime.now(UTC)))
    assert len(scans.outbox_pending(100)) == 4  # 2 processed + 2 decided, nothing for ZZ


def test_queries_and_outbox_marking(
    scans: ScanRepository, database: Database, make_parcel: ParcelFactory
) -> None:
    for i in range(3):
        scans.save_parcel(make_parcel(f"S{i}", tracking_id=None, alarms=0))
    assert scans.count_scans() == 3
    assert [r.scan_id for r in scans.recent_scans(2)] == ["S2", "S1"]
    outbox = OutboxRepository(database)
    pending = outbox.pending(10)
    assert [e.aggregate_id for e in pending] == ["S0", "S1", "S2"]
    outbox.mark_failed(pending[0].id, "central unreachable")
    outbox.mark_sent([pending[1].id])
    left = outbox.pending(10)
    assert [e.aggregate_id for e in left] == ["S0", "S2"]
    assert (left[0].attempts, left[0].last_error) == (1, "central unreachable")


def test_calibrations(database: Database) -> None:
    repo = CalibrationRepository(database, STATION)
    t0 = datetime(2025, 3, 1, tzinfo=UTC)
    old = repo.save("detector", "SN1", b"old", {"dead": 3}, None, "tech", created_at=t0)
    new = repo.save(
        "detector",
        "SN1",
        b"new",
        {"dead": np.int64(4), "noise": np.float32(0.5)},
        None,
        "tech",
        created_at=t0 + timedelta(hours=1),
    )
    repo.save(
        "detector",
        "SN1",
        b"rej",
        {},
        None,
        "tech",
        accepted=False,
        created_at=t0 + timedelta(hours=2),
    )
    mat = repo.save("materials", "SN1", b"m", {"rms": 0.2}, {"zeff": [0.1, float("nan")]}, "tech")

    latest = repo.latest("detector", "SN1")
    assert latest is not None
    assert (latest.id, latest.payload) == (new, b"new")
    assert latest.statistics == {"dead": 4, "noise": 0.5}
    assert latest.created_at == t0 + timedelta(hours=1)
    materials = repo.latest("materials", "SN1")
    assert materials is not None
    assert (materials.id, materials.residuals) == (mat, {"zeff": [0.1, None]})
    assert repo.latest("detector", "OTHER") is None
    history = repo.history("SN1", 10)
    assert [r.id for r in history][-2:] == [new, old]
    assert len(history) == 4
    with pytest.raises(StorageError, match="kind"):
        repo.save("bogus", "SN1", b"", {}, None, "tech")  # type: ignore[arg-type]


def test_concurrent_writer_and_reader(scans: ScanRepository, make_parcel: ParcelFactory) -> None:
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            for i in range(8):
                scans.save_parcel(make_parcel(f"{prefix}{i}", alarms=1))
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(20):
                scans.undecided_scans(5)
                scans.count_scans()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in "XY"]
    threads.append(threading.Thread(target=reader))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert scans.count_scans() == 16


def test_reopen_persists(tmp_path: Path, db_url: str, make_parcel: ParcelFactory) -> None:
    store = ImageStore(tmp_path / "images")
    db = open_database(db_url)
    ScanRepository(db, store, STATION).save_parcel(make_parcel())
    db.close()
    db = open_database(db_url)
    try:
        scans = ScanRepository(db, store, STATION)
        assert scans.count_scans() == 1
        record = scans.get_scan("S-0001")
        assert record is not None
        assert len(record.alarms) == 2
        assert len(scans.outbox_pending(10)) == 1
    finally:
        db.close()


def test_unprocessed_parcel_is_kept_with_its_reason(
    scans: ScanRepository, make_parcel: ParcelFactory
) -> None:
    raw = make_parcel(scan_id="S-FAIL").raw
    scans.save_unprocessed(raw, "processing failed: calibration mismatch")

    record = scans.get_scan("S-FAIL")
    assert record is not None
    assert record.triage.level is TriageLevel.AMBER
    assert record.triage.reasons == ("processing failed: calibration mismatch",)
    assert "unprocessed" in record.flags
    assert "calibration_not_stored" not in record.flags
    high, low, _ = scans.images.read(record.image_path, record.image_sha256)
    np.testing.assert_array_equal(high, raw.high_counts)
    np.testing.assert_array_equal(low, raw.low_counts)
    assert scans.count_undecided() == 1


def test_count_undecided_drops_after_a_decision(
    scans: ScanRepository, make_parcel: ParcelFactory
) -> None:
    for index in range(3):
        scans.save_parcel(make_parcel(scan_id=f"S-{index}"))
    assert scans.count_undecided() == 3
    scans.record_decision(
        Decision("S-1", Verdict.CLEAR, "inspector1", datetime.now(UTC), decision_time_ms=900.0)
    )
    assert scans.count_undecided() == 2
