"""Supervisor review: the queue, confirmations and overrides, statistics facts.

On a real database (SQLite, and PostgreSQL when the test command started one),
through the real ScanRepository and audit trail.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from station_app.accounts import PermissionDeniedError, Principal, Role
from station_app.domain import Decision, ParcelScan, TriageLevel, TriageResult, Verdict
from station_app.storage import Database, ImageStore, ScanRepository
from station_app.storage.audit import verify_audit_log
from station_app.storage.models import AuditLogRow, CertificateVerdictRow, OutboxRow
from station_app.storage.review import ReviewFilter, ReviewRepository
from station_app.supervision.service import ReviewError, SupervisionPorts, SupervisionService

ParcelFactory = Callable[..., ParcelScan]
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _principal(username: str, role: Role) -> Principal:
    return Principal(1, username, username.title(), role, "en", f"session-{username}", T0)


INSPECTOR = _principal("kim", Role.INSPECTOR)
SUPERVISOR = _principal("park", Role.SUPERVISOR)
TECHNICIAN = _principal("cho", Role.TECHNICIAN)


@pytest.fixture
def scans(database: Database, image_store: ImageStore) -> ScanRepository:
    return ScanRepository(database, image_store, "S1")


@pytest.fixture
def service(database: Database, scans: ScanRepository) -> SupervisionService:
    def load(scan_id: str) -> ParcelScan:
        raise AssertionError("not used here")

    ports = SupervisionPorts(
        reviews=ReviewRepository(database),
        record_decision=scans.record_decision,
        load_parcel=load,
        manifest_for=lambda _tracking: None,
    )
    return SupervisionService(ports, zone=UTC)


def _store(scans: ScanRepository, make_parcel: ParcelFactory, scan_id: str, level: TriageLevel,
           minute: int, reason: str = "dense_object") -> None:
    parcel = make_parcel(scan_id=scan_id, tracking_id=None)
    # Scan times are monotonic; the repository maps them to wall time: an hour ago + minute.
    started_ns = time.monotonic_ns() - 3_600_000_000_000 + minute * 60_000_000_000
    raw = replace(parcel.raw, started_ns=started_ns, ended_ns=started_ns + 1_000_000)
    scans.save_parcel(replace(parcel, raw=raw, triage=TriageResult(level, (reason,))))


def _decide(scans: ScanRepository, scan_id: str, verdict: Verdict, minute: int) -> None:
    scans.record_decision(Decision(scan_id, verdict, INSPECTOR.username,
                                   T0 + timedelta(minutes=minute), decision_time_ms=2500.0))


def test_queue_holds_flagged_parcels_and_filters(
    service: SupervisionService, scans: ScanRepository, make_parcel: ParcelFactory
) -> None:
    _store(scans, make_parcel, "green-cleared", TriageLevel.GREEN, 1)
    _store(scans, make_parcel, "green-held", TriageLevel.GREEN, 2)
    _store(scans, make_parcel, "amber", TriageLevel.AMBER, 3, "organic_mass")
    _store(scans, make_parcel, "red", TriageLevel.RED, 4)
    _decide(scans, "green-cleared", Verdict.CLEAR, 5)
    _decide(scans, "green-held", Verdict.HOLD, 6)
    _decide(scans, "red", Verdict.OPEN, 7)

    queue = service.review_queue(SUPERVISOR, ReviewFilter(sort="level"))
    assert [i.scan.scan_id for i in queue] == ["red", "amber", "green-held"]
    assert [i.held for i in queue] == [True, False, True]
    organic = service.review_queue(SUPERVISOR, ReviewFilter(reason="ORGANIC"))
    assert [i.scan.scan_id for i in organic] == ["amber"]
    by_kim = service.review_queue(SUPERVISOR, ReviewFilter(inspectors=("kim",), sort="oldest"))
    assert [i.scan.scan_id for i in by_kim] == ["green-held", "red"]
    amber = scans.get_scan("amber")
    assert amber is not None
    window = ReviewFilter(start=amber.started_at - timedelta(seconds=30),
                          end=amber.started_at + timedelta(seconds=30))
    assert [i.scan.scan_id for i in service.review_queue(SUPERVISOR, window)] == ["amber"]
    with pytest.raises(PermissionDeniedError):
        service.review_queue(INSPECTOR, ReviewFilter())


def test_confirm_and_override_keep_both_decisions_and_are_audited(
    service: SupervisionService, scans: ScanRepository, make_parcel: ParcelFactory,
    database: Database,
) -> None:
    _store(scans, make_parcel, "a", TriageLevel.RED, 1)
    _store(scans, make_parcel, "b", TriageLevel.AMBER, 2)
    _decide(scans, "a", Verdict.HOLD, 3)
    _decide(scans, "b", Verdict.OPEN, 4)

    service.review_decision(SUPERVISOR, "a", Verdict.HOLD, "knife outline confirmed")
    service.review_decision(SUPERVISOR, "b", Verdict.CLEAR, "laptop battery, declared")

    record = scans.get_scan("b")
    assert record is not None
    first, review = record.decisions
    assert (first.kind, first.verdict, first.operator) == ("inspection", Verdict.OPEN, "kim")
    assert (review.kind, review.verdict, review.operator) == ("review", Verdict.CLEAR, "park")
    assert review.comment == "laptop battery, declared"

    with database.read_session() as session:
        actions = [r.action for r in session.scalars(select(AuditLogRow).order_by(AuditLogRow.id))]
        payloads = [r.payload for r in session.scalars(select(OutboxRow))]
    assert actions.count("decision.confirmed") == 1 and actions.count("decision.overridden") == 1
    reviewed = [p for p in payloads if p.get("kind") == "review"]
    assert {p["scan_id"] for p in reviewed} == {"a", "b"}
    assert verify_audit_log(database, "S1").ok

    assert service.review_queue(SUPERVISOR, ReviewFilter(unreviewed_only=True)) == []
    now = datetime.now(UTC)
    statistics = service.shift_statistics(SUPERVISOR, now - timedelta(hours=2), now)
    assert (statistics.reviewed_flags, statistics.confirmed_flags, statistics.overrides) == (
        2, 1, 1)


def test_reviews_need_reason_permission_and_a_decision(
    service: SupervisionService, scans: ScanRepository, make_parcel: ParcelFactory
) -> None:
    _store(scans, make_parcel, "a", TriageLevel.RED, 1)
    with pytest.raises(ReviewError, match="nothing to review"):
        service.review_decision(SUPERVISOR, "a", Verdict.HOLD, "looks dangerous")
    _decide(scans, "a", Verdict.HOLD, 2)
    with pytest.raises(ReviewError, match="reason"):
        service.review_decision(SUPERVISOR, "a", Verdict.HOLD, "  ok ")
    with pytest.raises(PermissionDeniedError):
        service.review_decision(INSPECTOR, "a", Verdict.CLEAR, "my own mistake, clear")
    with pytest.raises(PermissionDeniedError):
        service.review_decision(TECHNICIAN, "a", Verdict.HOLD, "technician says hold")
    with pytest.raises(ReviewError, match="no scan"):
        service.review_decision(SUPERVISOR, "missing", Verdict.HOLD, "not there at all")
    record = scans.get_scan("a")
    assert record is not None and len(record.decisions) == 1  # nothing recorded by refusals


def test_certificate_problems_bring_a_released_parcel_to_review(
    service: SupervisionService, scans: ScanRepository, make_parcel: ParcelFactory,
    database: Database,
) -> None:
    for scan_id in ("revoked", "mismatch", "fine"):
        _store(scans, make_parcel, scan_id, TriageLevel.GREEN, 1)
        _decide(scans, scan_id, Verdict.CLEAR, 2)

    def verdict(scan_id: str, status: str, mismatches: list[dict[str, str]]) -> None:
        with database.write_session() as session:
            session.add(CertificateVerdictRow(
                scan_id=scan_id, kind="signed", status=status, source="offline", reasons=[],
                mismatches=mismatches, consumed={}, checked_at=datetime.now(UTC),
            ))

    verdict("revoked", "revoked", [])
    verdict("mismatch", "valid", [{"kind": "origin", "severity": "amber",
                                   "explanation": "origin CN, manifest says VN"}])
    verdict("fine", "valid", [])
    queue = service.review_queue(SUPERVISOR, ReviewFilter(sort="oldest"))
    assert sorted(i.scan.scan_id for i in queue) == ["mismatch", "revoked"]
