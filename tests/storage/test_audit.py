"""The audit trail against a real database: SQLite always, PostgreSQL when configured.

Tampering is done the way an attacker with access to the database file or a
superuser would: drop the guard triggers, then edit rows with plain SQL.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from station_app.domain import Decision, ParcelScan, Verdict
from station_app.storage import (
    CalibrationRepository,
    Database,
    ImageStore,
    ScanRepository,
    StorageError,
    open_database,
)
from station_app.storage.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditLog,
    ProblemKind,
    canonical_json,
    compute_row_hash,
    export_audit_csv,
    verify_audit_log,
)
from station_app.storage.db import alembic_config
from station_app.storage.models import AuditLogRow, DecisionRow, OutboxRow

ParcelFactory = Callable[..., ParcelScan]
STATION = "STATION-A"
OTHER = "STATION-B"
T0 = datetime(2025, 3, 4, 12, 30, 15, 123456, tzinfo=UTC)


# ---------------------------------------------------------------- helpers


def independent_hash(
    station_id: str,
    sequence: int,
    occurred_at: str,
    actor: str,
    action: str,
    subject: str | None,
    details: str,
    prev_hash: str,
) -> str:
    """The row hash exactly as docs/audit.md defines it, without station_app's code."""
    envelope = {
        "v": 1,
        "station_id": station_id,
        "sequence": sequence,
        "occurred_at": occurred_at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": details,
        "prev_hash": prev_hash,
    }
    form = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fill(database: Database, n: int = 6, station: str = STATION) -> list[AuditEntry]:
    """n decision-like entries: seq k is about scan S-k, by inspector-k."""
    audit = AuditLog(database, station)
    return [
        audit.record(
            f"inspector-{k}",
            "decision.recorded",
            f"S-{k}",
            {"verdict": "clear", "decision_time_ms": 812.5 + k, "comment": "ok 한국어"},
            occurred_at=T0 + timedelta(seconds=k),
        )
        for k in range(1, n + 1)
    ]


def drop_guards(database: Database) -> None:
    """What an attacker with file access or superuser rights does first."""
    with database.engine.begin() as conn:
        if database.is_sqlite:
            for name in (
                "audit_log_no_update",
                "audit_log_no_delete",
                "audit_head_forward_only",
                "audit_head_no_delete",
            ):
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
            conn.execute(text("DROP TRIGGER audit_head_forward_only ON audit_head"))


def sql(database: Database, statement: str, **params: Any) -> None:
    with database.engine.begin() as conn:
        conn.execute(text(statement), params)


def row_of(database: Database, sequence: int, station: str = STATION) -> dict[str, Any]:
    with database.engine.connect() as conn:
        row = conn.execute(
            select(AuditLogRow.__table__).where(
                AuditLogRow.station_id == station, AuditLogRow.sequence == sequence
            )
        ).one()
    return dict(row._mapping)


def rehash(database: Database, sequence: int, **changes: Any) -> str:
    """Change fields of an entry AND recompute its row hash (a careful attacker)."""
    row = {**row_of(database, sequence), **changes}
    new_hash = independent_hash(
        row["station_id"],
        row["sequence"],
        _iso(row["occurred_at"]),
        row["actor"],
        row["action"],
        row["subject"],
        row["details"],
        row["prev_hash"],
    )
    sets = ", ".join(f"{k} = :{k}" for k in changes)
    sql(
        database,
        f"UPDATE audit_log SET {sets}, row_hash = :h WHERE station_id = :s AND sequence = :q",
        h=new_hash,
        s=STATION,
        q=sequence,
        **changes,
    )
    return new_hash


def kinds(database: Database, **kwargs: Any) -> list[tuple[str, int | None]]:
    report = verify_audit_log(database, **kwargs)
    return [(p.kind, p.sequence) for p in report.problems]


@pytest.fixture
def scans(database: Database, tmp_path: Path) -> ScanRepository:
    return ScanRepository(database, ImageStore(tmp_path / "images"), STATION)


# ---------------------------------------------------------------- writing


def test_entries_chain_and_hash_as_documented(database: Database) -> None:
    entries = fill(database, 4)
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.row_hash
    stored = AuditLog(database, STATION).entries()
    assert stored == entries  # read back exactly as written, on both backends
    for e in stored:
        assert e.occurred_at.tzinfo is UTC
        assert e.details == {
            "verdict": "clear",
            "decision_time_ms": 812.5 + e.sequence,
            "comment": "ok 한국어",
        }
        assert e.row_hash == independent_hash(
            e.station_id,
            e.sequence,
            _iso(e.occurred_at),
            e.actor,
            e.action,
            e.subject,
            e.details_json,
            e.prev_hash,
        )
    assert stored[0].details_json == (
        '{"comment":"ok 한국어","decision_time_ms":813.5,"verdict":"clear"}'
    )
    head = AuditLog(database, STATION).head()
    assert head is not None and (head.sequence, head.row_hash) == (4, entries[-1].row_hash)
    report = verify_audit_log(database)
    assert report.ok, report.problems
    assert report.rows == 4


def test_documented_example_hash() -> None:
    """The worked example of docs/audit.md, so the document cannot drift from the code."""
    details = (
        '{"comment":"열어 보기","decided_at":"2025-03-04T12:30:15.123456Z",'
        '"decision_id":17,"decision_time_ms":1250.5,"verdict":"hold"}'
    )
    assert details == canonical_json(
        {
            "verdict": "hold",
            "decision_id": 17,
            "comment": "열어 보기",
            "decision_time_ms": 1250.5,
            "decided_at": datetime(2025, 3, 4, 12, 30, 15, 123456, tzinfo=UTC),
        }
    )
    fields: dict[str, Any] = {
        "station_id": "STATION-01",
        "sequence": 17,
        "actor": "kim",
        "action": "decision.recorded",
        "subject": "S-000123",
        "details": details,
        "prev_hash": "a" * 64,
    }
    expected = "dec4edf8e0fb0160a645e29c37766c39f3791e692c95ef484db6fb7fccfd95a3"
    moment = datetime(2025, 3, 4, 12, 30, 15, 200001, tzinfo=UTC)
    assert independent_hash(occurred_at="2025-03-04T12:30:15.200001Z", **fields) == expected
    assert compute_row_hash(occurred_at=moment, **fields) == expected
    doc = (Path(__file__).parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")
    assert expected in doc and details in doc


def test_bad_input_is_refused_before_anything_is_written(database: Database) -> None:
    audit = AuditLog(database, STATION)
    with pytest.raises(StorageError, match="action"):
        audit.record("kim", "Decision Recorded")
    with pytest.raises(StorageError, match="actor"):
        audit.record("", "user.signed_in")
    with pytest.raises(StorageError, match="subject"):
        audit.record("kim", "user.signed_in", "x" * 200)
    with pytest.raises(StorageError, match="naive"):
        audit.record("kim", "user.signed_in", occurred_at=datetime(2025, 1, 1))
    with pytest.raises(StorageError, match="JSON"):
        audit.record("kim", "user.signed_in", details={"x": object()})
    assert audit.entries() == []
    # NaN has no JSON spelling: stored as null rather than refused
    entry = audit.record("kim", "user.signed_in", "", {"score": float("nan")})
    assert (entry.subject, entry.details) == (None, {"score": None})


def test_triggers_refuse_update_delete_and_moving_the_head_back(database: Database) -> None:
    fill(database, 2)
    for statement in (
        "UPDATE audit_log SET actor = 'mallory' WHERE sequence = 1",
        "DELETE FROM audit_log WHERE sequence = 2",
        "UPDATE audit_head SET sequence = 1",
        "DELETE FROM audit_head",
    ):
        with pytest.raises(DBAPIError):
            sql(database, statement)
    if not database.is_sqlite:
        with pytest.raises(DBAPIError):
            sql(database, "TRUNCATE audit_log CASCADE")
    assert verify_audit_log(database).ok
    assert len(AuditLog(database, STATION).entries()) == 2


def test_chains_of_stations_are_independent(database: Database) -> None:
    fill(database, 3, STATION)
    fill(database, 2, OTHER)
    report = verify_audit_log(database)
    assert report.ok
    assert [(c.station_id, c.rows, c.last_sequence) for c in report.chains] == [
        (STATION, 3, 3),
        (OTHER, 2, 2),
    ]
    drop_guards(database)
    sql(
        database, "UPDATE audit_log SET actor = 'x' WHERE station_id = :s AND sequence = 1", s=OTHER
    )
    assert verify_audit_log(database, STATION).ok
    assert kinds(database, station_id=OTHER) == [(ProblemKind.EDITED, 1)]


# ---------------------------------------------------------------- tampering


def test_edited_details_are_found(database: Database) -> None:
    entries = fill(database)
    drop_guards(database)
    sql(
        database,
        "UPDATE audit_log SET details = :d WHERE sequence = 3",
        d=entries[2].details_json.replace("clear", "hold"),
    )
    report = verify_audit_log(database)
    (problem,) = report.problems
    assert (problem.kind, problem.sequence, problem.row_id) == ("edited", 3, entries[2].id)
    assert problem.message.startswith(
        f"row {entries[2].id} (seq 3, decision.recorded on S-3): edited — stored hash "
        f"{entries[2].row_hash[:12]}… ≠ computed "
    )


def test_edited_actor_is_found(database: Database) -> None:
    fill(database)
    drop_guards(database)
    sql(database, "UPDATE audit_log SET actor = 'inspector-9' WHERE sequence = 2")
    assert kinds(database) == [(ProblemKind.EDITED, 2)]


def test_edited_timestamp_is_found(database: Database) -> None:
    fill(database)
    drop_guards(database)
    later = T0 + timedelta(hours=1)
    with database.write_session() as session:  # through the model: UTC on both backends
        row = session.scalars(select(AuditLogRow).where(AuditLogRow.sequence == 5)).one()
        row.occurred_at = later
    assert kinds(database) == [(ProblemKind.EDITED, 5)]


def test_rewrite_with_recomputed_hash_breaks_the_link_to_the_next_entry(
    database: Database,
) -> None:
    fill(database)
    drop_guards(database)
    rehash(database, 3, actor="inspector-9")
    report = verify_audit_log(database)
    (problem,) = report.problems
    assert (problem.kind, problem.sequence) == (ProblemKind.CHAIN_BROKEN, 4)
    assert "chain broken" in problem.message and "(seq 3, decision.recorded on S-3)" in (
        problem.message
    )


def test_deleted_middle_row_is_found(database: Database) -> None:
    fill(database)
    drop_guards(database)
    sql(database, "DELETE FROM audit_log WHERE sequence = 3")
    report = verify_audit_log(database)
    (problem,) = report.problems
    assert (problem.kind, problem.sequence) == (ProblemKind.DELETED, 4)
    assert "seq 3 missing after" in problem.message and "(seq 2, " in problem.message


def test_deleted_first_rows_are_found(database: Database) -> None:
    fill(database)
    drop_guards(database)
    sql(database, "DELETE FROM audit_log WHERE sequence <= 2")
    report = verify_audit_log(database)
    assert [(p.kind, p.sequence) for p in report.problems] == [(ProblemKind.DELETED, 3)]
    assert "seq 1–2 before it missing" in report.problems[0].message


def test_deleted_last_row_is_found_through_the_head(database: Database) -> None:
    fill(database)
    drop_guards(database)
    sql(database, "DELETE FROM audit_log WHERE sequence = 6")
    report = verify_audit_log(database)
    (problem,) = report.problems
    assert problem.kind == ProblemKind.TRUNCATED
    assert "tail truncated" in problem.message and "seq 6 deleted" in problem.message


def test_truncation_stays_visible_after_new_appends(database: Database) -> None:
    fill(database)
    drop_guards(database)
    sql(database, "DELETE FROM audit_log WHERE sequence >= 5")
    # The next append chains from the recorded head, not from the last row, so it
    # cannot paper over the deleted tail.
    entry = AuditLog(database, STATION).record("kim", "user.signed_in")
    assert entry.sequence == 7
    assert kinds(database) == [(ProblemKind.DELETED, 7)]


def test_swapped_rows_are_found_as_reordered(database: Database) -> None:
    entries = fill(database)
    drop_guards(database)
    # Swap the entries of seq 2 and seq 4 between their two rows: each entry keeps all
    # its fields and its hash, so only the order of the rows betrays it.
    cols = (
        "sequence",
        "occurred_at",
        "actor",
        "action",
        "subject",
        "details",
        "prev_hash",
        "row_hash",
    )
    a, b = row_of(database, 2), row_of(database, 4)
    sets = ", ".join(f"{c} = :{c}" for c in cols)
    sql(database, "UPDATE audit_log SET sequence = -1 WHERE id = :id", id=a["id"])
    sql(
        database,
        f"UPDATE audit_log SET {sets} WHERE id = :id",
        **{c: a[c] for c in cols},
        id=b["id"],
    )
    sql(
        database,
        f"UPDATE audit_log SET {sets} WHERE id = :id",
        **{c: b[c] for c in cols},
        id=a["id"],
    )
    report = verify_audit_log(database)
    # In chain order the rows are now ids 1, 4, 3, 2, 5, 6: seq 3 and seq 4 go backwards.
    assert [(p.kind, p.sequence) for p in report.problems] == [
        (ProblemKind.REORDERED, 3),
        (ProblemKind.REORDERED, 4),
    ]
    assert report.problems[0].message == (
        f"row {entries[2].id} (seq 3, decision.recorded on S-3): reordered — it comes before "
        f"row {entries[3].id}, which holds the earlier seq 2"
    )


def test_swapped_contents_are_found_as_edits(database: Database) -> None:
    fill(database)
    drop_guards(database)
    a, b = row_of(database, 2), row_of(database, 5)
    for target, source in ((a, b), (b, a)):
        sql(
            database,
            "UPDATE audit_log SET actor = :actor, subject = :subject, details = :d WHERE id = :id",
            actor=source["actor"],
            subject=source["subject"],
            d=source["details"],
            id=target["id"],
        )
    assert kinds(database) == [(ProblemKind.EDITED, 2), (ProblemKind.EDITED, 5)]


def test_forged_row_with_own_hash_but_wrong_link_is_found(database: Database) -> None:
    entries = fill(database)
    drop_guards(database)
    forged_prev = "ab" * 32
    details = '{"verdict":"clear"}'
    when = T0 + timedelta(minutes=5)
    row_hash = independent_hash(
        STATION, 7, _iso(when), "inspector-1", "decision.recorded", "S-99", details, forged_prev
    )
    with database.write_session() as session:
        session.add(
            AuditLogRow(
                station_id=STATION,
                sequence=7,
                occurred_at=when,
                actor="inspector-1",
                action="decision.recorded",
                subject="S-99",
                details=details,
                prev_hash=forged_prev,
                row_hash=row_hash,
            )
        )
    report = verify_audit_log(database)
    assert [(p.kind, p.sequence) for p in report.problems] == [
        (ProblemKind.CHAIN_BROKEN, 7),
        (ProblemKind.BEYOND_HEAD, 7),
    ]
    assert "added outside the application" in report.problems[1].message
    # The station itself refuses to chain onto a log with forged rows beyond its head.
    with pytest.raises(StorageError, match="seq 7 already exists beyond the recorded head"):
        AuditLog(database, STATION).record("kim", "user.signed_in")
    assert AuditLog(database, STATION).entries()[-1].row_hash == row_hash
    assert entries[-1].sequence == 6


def test_consistent_rewrite_needs_an_anchor_to_be_found(database: Database) -> None:
    """The documented limit: whoever rewrites every hash after an entry, and the head,
    leaves a valid chain. A hash noted elsewhere (an anchor) still catches it."""
    entries = fill(database)
    anchor = (5, entries[4].row_hash)
    drop_guards(database)
    prev = rehash(database, 3, actor="inspector-9")
    for sequence in (4, 5, 6):
        prev = rehash(database, sequence, prev_hash=prev)
    sql(database, "UPDATE audit_head SET row_hash = :h WHERE station_id = :s", h=prev, s=STATION)
    assert verify_audit_log(database).ok
    report = verify_audit_log(database, STATION, anchors=[anchor])
    (problem,) = report.problems
    assert (problem.kind, problem.sequence) == (ProblemKind.ANCHOR_MISMATCH, 5)
    assert "rewritten" in problem.message
    assert kinds(database, station_id=STATION, anchors=[(9, "00" * 32)]) == [
        (ProblemKind.ANCHOR_MISSING, None)
    ]


def test_deleted_head_is_reported_and_rebuilt_into_the_chain(database: Database) -> None:
    entries = fill(database, 3)
    drop_guards(database)
    sql(database, "DELETE FROM audit_head")
    assert kinds(database) == [(ProblemKind.HEAD_MISSING, None)]
    entry = AuditLog(database, STATION).record("kim", "user.signed_in")
    log = AuditLog(database, STATION).entries()
    assert [e.action for e in log[-2:]] == ["audit.head_rebuilt", "user.signed_in"]
    assert log[-2].details == {"from_sequence": 3, "from_hash": entries[-1].row_hash}
    assert entry.sequence == 5
    assert verify_audit_log(database).ok  # the rebuild is on record, in the chain itself


# ---------------------------------------------------------------- transactions


def test_decision_writes_its_audit_entry_in_the_same_transaction(
    scans: ScanRepository, database: Database, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel("S-1"))
    decided = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    scans.record_decision(Decision("S-1", Verdict.HOLD, "kim", decided, "look", 950.0))
    (entry,) = AuditLog(database, STATION).entries()
    assert (entry.actor, entry.action, entry.subject) == ("kim", "decision.recorded", "S-1")
    with database.read_session() as session:
        decision_id = session.scalars(select(DecisionRow.id)).one()
    assert entry.details == {
        "decision_id": decision_id,
        "verdict": "hold",
        "decided_at": "2025-03-04T09:00:00.000000Z",
        "comment": "look",
        "decision_time_ms": 950.0,
        "kind": "inspection",
        "reviewed_decision_id": None,
    }


def test_failed_decision_leaves_no_audit_entry(
    scans: ScanRepository, database: Database, make_parcel: ParcelFactory
) -> None:
    scans.save_parcel(make_parcel("S-1"))
    fill(database, 1)
    head_before = AuditLog(database, STATION).head()
    # The outbox insert is the last write of the decision's transaction: making it fail
    # proves the audit entry appended before it is rolled back with it.
    with database.write_session() as session:
        session.add(
            OutboxRow(
                topic="x",
                aggregate_id="x",
                payload={},
                idempotency_key=f"{STATION}/scan.decided/S-1/1",
            )
        )
    with pytest.raises(StorageError, match="S-1 was not recorded"):
        scans.record_decision(Decision("S-1", Verdict.CLEAR, "kim", datetime.now(UTC)))
    assert AuditLog(database, STATION).head() == head_before
    assert [e.action for e in AuditLog(database, STATION).entries()] == ["decision.recorded"]
    with pytest.raises(StorageError, match="no scan"):
        scans.record_decision(Decision("S-404", Verdict.CLEAR, "kim", datetime.now(UTC)))
    assert len(AuditLog(database, STATION).entries()) == 1
    assert verify_audit_log(database).ok


def test_calibration_writes_its_audit_entry(database: Database) -> None:
    payload = b"\x00curve"
    calibration_id = CalibrationRepository(database, STATION).save(
        "materials", "SIM-0001", payload, {"rms": 0.1}, None, "tech"
    )
    (entry,) = AuditLog(database, STATION).entries()
    assert (entry.actor, entry.action, entry.subject) == (
        "tech",
        "calibration.stored",
        calibration_id,
    )
    assert entry.details == {
        "kind": "materials",
        "scanner_serial": "SIM-0001",
        "accepted": True,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "statistics": {"rms": 0.1},
    }


# ---------------------------------------------------------------- concurrency


def test_concurrent_writers_never_fork_the_chain(db_url: str) -> None:
    # Two Database objects: two engines and pools, like two processes (or two stations'
    # services) writing into one PostgreSQL.
    databases = [open_database(db_url), open_database(db_url)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(database: Database, name: str) -> None:
        audit = AuditLog(database, STATION)
        try:
            start.wait()
            for k in range(200):
                audit.record(name, "decision.recorded", f"{name}-{k}")
        except BaseException as exc:  # reported below, with the thread's name
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(db, f"w{i}")) for i, db in enumerate(databases)
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=240)
        assert not errors, errors
        entries = AuditLog(databases[0], STATION).entries()
        assert [e.sequence for e in entries] == list(range(1, 401))
        assert [e.id for e in entries] == sorted(e.id for e in entries)
        assert {e.actor for e in entries} == {"w0", "w1"}
        report = verify_audit_log(databases[0])
        assert report.ok, report.problems[:3]
    finally:
        for db in databases:
            db.close()


# ---------------------------------------------------------------- export, migration


def test_export_can_be_checked_from_the_file_alone(database: Database, tmp_path: Path) -> None:
    fill(database, 3)
    fill(database, 2, OTHER)
    out = tmp_path / "audit.csv"
    result = export_audit_csv(database, out)
    assert result.rows == 5
    assert result.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert result.last[STATION][0] == 3 and result.last[OTHER][0] == 2
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    prev: dict[str, str] = {}
    for row in rows:
        assert row["prev_hash"] == prev.get(row["station_id"], GENESIS_HASH)
        assert row["row_hash"] == independent_hash(
            row["station_id"],
            int(row["sequence"]),
            row["occurred_at"],
            row["actor"],
            row["action"],
            row["subject"] or None,
            row["details"],
            row["prev_hash"],
        )
        prev[row["station_id"]] = row["row_hash"]
    assert list(tmp_path.glob(".*.tmp")) == []


def test_migration_downgrades_and_upgrades_again(db_url: str) -> None:
    database = open_database(db_url)
    try:
        fill(database, 1)
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0002")
        assert not {"audit_log", "audit_head"} & set(inspect(database.engine).get_table_names())
        with database.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        fill(database, 2)  # guards and chain work on the re-created tables
        with pytest.raises(DBAPIError):
            sql(database, "DELETE FROM audit_log")
        assert verify_audit_log(database).ok
    finally:
        database.close()
