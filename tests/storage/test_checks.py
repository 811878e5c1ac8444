"""Physical-check results: one per flagged parcel, corrections beside, audit + outbox.

On a real database (SQLite, and PostgreSQL when the test command started one),
through the real ScanRepository, TipRepository and audit trail.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from station_app.domain import BoxPx, Decision, ParcelScan, Verdict
from station_app.physical_checks import (
    CheckError,
    CheckOutcome,
    CheckResult,
    newest_per_scan,
    parse_outcome,
)
from station_app.storage import Database, ImageStore, ScanRepository
from station_app.storage.audit import AuditLog, verify_audit_log
from station_app.storage.checks import TOPIC_PARCEL_CHECKED, CheckRepository
from station_app.storage.models import AuditLogRow, OutboxRow, PhysicalCheckRow
from station_app.storage.tip import TipRepository
from station_app.sync.schemas import payload_problem

ParcelFactory = Callable[..., ParcelScan]
STATION = "S1"


@pytest.fixture
def scans(database: Database, image_store: ImageStore) -> ScanRepository:
    return ScanRepository(database, image_store, STATION)


@pytest.fixture
def checks(database: Database) -> CheckRepository:
    return CheckRepository(database, STATION)


def _store(scans: ScanRepository, make_parcel: ParcelFactory, scan_id: str,
           minutes_ago: float = 30) -> None:
    parcel = make_parcel(scan_id=scan_id)
    # Scan times are monotonic; the repository maps them to wall time.
    started_ns = time.monotonic_ns() - int(minutes_ago * 60e9)
    raw = replace(parcel.raw, started_ns=started_ns, ended_ns=started_ns + 1_000_000)
    scans.save_parcel(replace(parcel, raw=raw))


def _decide(scans: ScanRepository, scan_id: str, verdict: Verdict, operator: str = "kim",
            reviewed: int | None = None) -> int:
    """Record a decision (a review when ``reviewed`` is given); returns its id."""
    scans.record_decision(Decision(
        scan_id, verdict, operator, datetime.now(UTC), "reviewed here" if reviewed else "",
        kind="review" if reviewed else "inspection", reviewed_decision_id=reviewed,
    ))
    record = scans.get_scan(scan_id)
    assert record is not None and record.latest_decision is not None
    return _newest_decision_id(scans, scan_id)


def _newest_decision_id(scans: ScanRepository, scan_id: str) -> int:
    # ScanRecord's decisions carry no ids; the outbox events of decisions do.
    events = [e for e in scans.outbox_pending(limit=1000)
              if e.topic == "scan.decided" and e.aggregate_id == scan_id]
    return int(events[-1].payload["decision_id"])


def _result(scan_id: str, decision_id: int, outcome: CheckOutcome, note: str = "",
            operator: str = "kim", corrects: int | None = None) -> CheckResult:
    return CheckResult(scan_id, decision_id, outcome, note, operator, datetime.now(UTC),
                       corrects_check_id=corrects)


def _counts(database: Database) -> tuple[int, int, int]:
    with database.read_session() as session:
        return (
            int(session.scalar(select(func.count()).select_from(PhysicalCheckRow)) or 0),
            int(session.scalar(select(func.count()).select_from(AuditLogRow)) or 0),
            int(session.scalar(select(func.count()).select_from(OutboxRow)) or 0),
        )


def test_result_audit_entry_and_event_in_one_go(
    database: Database, scans: ScanRepository, checks: CheckRepository,
    make_parcel: ParcelFactory,
) -> None:
    _store(scans, make_parcel, "a")
    decision_id = _decide(scans, "a", Verdict.HOLD)
    [waiting] = checks.pending()
    assert (waiting.scan_id, waiting.decision_id, waiting.verdict, waiting.operator) == (
        "a", decision_id, Verdict.HOLD, "kim")
    assert waiting.tracking_id == "EE123456785KR" and not waiting.by_supervisor

    stored = checks.record(_result("a", decision_id, CheckOutcome.NOTHING_FOUND, "  shoes  "))
    assert stored.check_id is not None and stored.note == "shoes"
    assert checks.pending() == []
    assert checks.results_for("a") == [stored]

    [entry] = AuditLog(database, STATION).entries(action="check.recorded")
    assert (entry.actor, entry.subject) == ("kim", "a")
    assert entry.details["check_id"] == stored.check_id
    assert entry.details["outcome"] == "nothing_found"
    assert entry.details["verdict"] == "hold" and entry.details["note"] == "shoes"
    with database.read_session() as session:
        event = session.scalars(
            select(OutboxRow).where(OutboxRow.topic == TOPIC_PARCEL_CHECKED)
        ).one()
    assert event.idempotency_key == f"{STATION}/parcel.checked/a/{stored.check_id}"
    assert event.payload["outcome"] == "nothing_found"
    assert event.payload["decision_id"] == decision_id
    assert event.payload["tracking_id"] == "EE123456785KR"
    assert payload_problem(TOPIC_PARCEL_CHECKED, dict(event.payload)) is None
    assert verify_audit_log(database, STATION).ok


def test_one_result_per_parcel_a_correction_is_kept_beside_it(
    database: Database, scans: ScanRepository, checks: CheckRepository,
    make_parcel: ParcelFactory,
) -> None:
    _store(scans, make_parcel, "a")
    decision_id = _decide(scans, "a", Verdict.OPEN)
    first = checks.record(_result("a", decision_id, CheckOutcome.NOTHING_FOUND))
    before = _counts(database)
    with pytest.raises(CheckError, match=r"already has a check result .*nothing_found.*kim"):
        checks.record(_result("a", decision_id, CheckOutcome.PROHIBITED_ITEM, operator="lee"))
    assert _counts(database) == before  # nothing stored, no audit entry, no event

    assert first.check_id is not None
    with pytest.raises(CheckError, match="not its newest result"):
        checks.record(_result("a", decision_id, CheckOutcome.PROHIBITED_ITEM, "knife",
                              "park", corrects=first.check_id + 100))
    corrected = checks.record(_result("a", decision_id, CheckOutcome.PROHIBITED_ITEM,
                                      "knife in the boot", "park", corrects=first.check_id))
    assert corrected.corrects_check_id == first.check_id
    both = checks.results_for("a")
    assert both == [first, corrected]  # both kept
    assert newest_per_scan(both)["a"] == corrected  # the newest counts
    # A correction of a result that was itself corrected is refused: correct the newest.
    with pytest.raises(CheckError, match="not its newest result"):
        checks.record(_result("a", decision_id, CheckOutcome.OTHER, "lost", "park",
                              corrects=first.check_id))
    assert len(AuditLog(database, STATION).entries(action="check.recorded")) == 2


def test_refused_results_name_the_reason(
    database: Database, scans: ScanRepository, checks: CheckRepository,
    make_parcel: ParcelFactory,
) -> None:
    with pytest.raises(CheckError, match="no scan 'ghost'"):
        checks.record(_result("ghost", 1, CheckOutcome.NOTHING_FOUND))
    _store(scans, make_parcel, "a")
    with pytest.raises(CheckError, match="no decision yet"):
        checks.record(_result("a", 1, CheckOutcome.NOTHING_FOUND))
    inspection = _decide(scans, "a", Verdict.HOLD)
    with pytest.raises(CheckError, match="no check result to correct"):
        checks.record(_result("a", inspection, CheckOutcome.NOTHING_FOUND, "why", "park",
                              corrects=1))
    # A supervisor cleared it on review: off the table, and the old decision is stale.
    review = _decide(scans, "a", Verdict.CLEAR, "park", reviewed=inspection)
    assert checks.pending() == []
    with pytest.raises(CheckError, match="not its newest decision"):
        checks.record(_result("a", inspection, CheckOutcome.NOTHING_FOUND))
    with pytest.raises(CheckError, match="was cleared"):
        checks.record(_result("a", review, CheckOutcome.NOTHING_FOUND))
    # What could never be stored is refused before the database is asked.
    with pytest.raises(CheckError, match="'other' needs a note"):
        _result("a", review, CheckOutcome.OTHER, "   ")
    with pytest.raises(CheckError, match="correction needs a note"):
        _result("a", review, CheckOutcome.NOTHING_FOUND, corrects=3)
    with pytest.raises(CheckError, match="time zone"):
        CheckResult("a", review, CheckOutcome.NOTHING_FOUND, "", "kim", datetime(2026, 1, 1))
    with pytest.raises(CheckError, match="unknown check outcome 'lost'"):
        parse_outcome("lost")
    assert parse_outcome(" Prohibited_Item ") is CheckOutcome.PROHIBITED_ITEM
    assert _counts(database)[0] == 0


def test_only_real_flagged_parcels_of_this_station_wait(
    database: Database, image_store: ImageStore, scans: ScanRepository,
    checks: CheckRepository, make_parcel: ParcelFactory,
) -> None:
    for scan_id, minutes_ago in (("held", 50), ("cleared", 40), ("reopened", 30),
                                 ("undecided", 20), ("tip", 10)):
        _store(scans, make_parcel, scan_id, minutes_ago)
    held = _decide(scans, "held", Verdict.HOLD)
    _decide(scans, "cleared", Verdict.CLEAR)
    reopened = _decide(scans, "reopened", Verdict.OPEN, "park",
                       reviewed=_decide(scans, "reopened", Verdict.CLEAR))
    # The TIP image was stopped (a hit); the real parcel under it was cleared.
    tips = TipRepository(database, STATION)
    presentation = tips.add_presentation("tip", "knife-00", "knife", BoxPx(0, 0, 8, 8), 0.0)
    tips.record_response(presentation, "kim", Verdict.HOLD, 900.0)
    _decide(scans, "tip", Verdict.CLEAR)
    other = ScanRepository(database, image_store, "S2")
    _store(other, make_parcel, "elsewhere")
    _decide(other, "elsewhere", Verdict.OPEN)

    waiting = checks.pending()
    assert [(w.scan_id, w.decision_id) for w in waiting] == [
        ("held", held), ("reopened", reopened)]
    assert waiting[1].by_supervisor and waiting[1].operator == "park"
    # The TIP response is not a decision: no result can answer it.
    with pytest.raises(CheckError, match="cleared"):
        checks.record(_result("tip", _newest_decision_id(scans, "tip"),
                              CheckOutcome.NOTHING_FOUND))
    recent = datetime.now(UTC) - timedelta(minutes=45)
    assert [w.scan_id for w in checks.pending(start=recent)] == ["reopened"]
    assert [w.scan_id for w in CheckRepository(database, "S2").pending()] == ["elsewhere"]

    checks.record(_result("held", held, CheckOutcome.UNDECLARED_GOODS, "12 phones, 2 declared"))
    CheckRepository(database, "S2").record(
        _result("elsewhere", _newest_decision_id(other, "elsewhere"),
                CheckOutcome.NOTHING_FOUND))
    hour = datetime.now(UTC) - timedelta(hours=1)
    assert [r.scan_id for r in checks.results(hour, datetime.now(UTC))] == [
        "held", "elsewhere"]  # every station, like the review queue
    assert [r.scan_id for r in checks.results(hour, None, stations=["S2"])] == ["elsewhere"]
    assert checks.results(recent, None) == [checks.results_for("elsewhere")[0]]
    assert [r.scan_id for r in checks.recent_results(hour)] == ["held"]  # this station's


def test_the_database_itself_keeps_one_first_result_per_parcel(
    database: Database, scans: ScanRepository, checks: CheckRepository,
    make_parcel: ParcelFactory,
) -> None:
    _store(scans, make_parcel, "a")
    decision_id = _decide(scans, "a", Verdict.HOLD)
    first = checks.record(_result("a", decision_id, CheckOutcome.NOTHING_FOUND))

    def insert(corrects: int | None, outcome: str = "prohibited_item", note: str = "x") -> None:
        with database.write_session() as session:
            session.add(PhysicalCheckRow(
                scan_id="a", decision_id=decision_id, outcome=outcome, note=note,
                operator="sql", checked_at=datetime.now(UTC), corrects_check_id=corrects))

    with pytest.raises(IntegrityError):
        insert(None)  # a second first result, written past the repository
    insert(first.check_id)
    with pytest.raises(IntegrityError):
        insert(first.check_id)  # the same result corrected twice
    with pytest.raises(IntegrityError):
        insert(None, "lost")
    with pytest.raises(IntegrityError):
        insert(None, "other", "")
