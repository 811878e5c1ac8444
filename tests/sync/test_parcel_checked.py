"""Physical-check results reach the real reference hub; malformed ones are refused.

Real station SQLite file, real SyncWorker, real uvicorn hub on 127.0.0.1.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sync_helpers import STATION, ConfigFactory, drain, tiny_parcel

from station_app.domain import Decision, Verdict
from station_app.physical_checks import CheckOutcome, CheckResult
from station_app.storage import Database, ScanRepository
from station_app.storage.checks import CheckRepository
from station_app.sync.hub import HubServer
from station_app.sync.worker import SyncWorker

pytestmark = pytest.mark.timeout(30)


def _payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "station_id": STATION,
        "scan_id": "S-000001",
        "tracking_id": None,
        "check_id": 1,
        "decision_id": 1,
        "outcome": "prohibited_item",
        "note": "knife",
        "operator": "kim",
        "checked_at": "2026-11-23T09:00:00+00:00",
        "corrects_check_id": None,
    }
    payload.update(changes)
    return payload


def test_check_results_and_a_correction_reach_central(
    hub: HubServer, database: Database, repo: ScanRepository, make_config: ConfigFactory
) -> None:
    repo.save_parcel(tiny_parcel("S-000001"))
    repo.record_decision(Decision("S-000001", Verdict.OPEN, "kim", datetime.now(UTC)))
    checks = CheckRepository(database, STATION)
    [waiting] = checks.pending()
    first = checks.record(CheckResult("S-000001", waiting.decision_id,
                                      CheckOutcome.NOTHING_FOUND, "", "kim", datetime.now(UTC)))
    corrected = checks.record(CheckResult(
        "S-000001", waiting.decision_id, CheckOutcome.UNDECLARED_GOODS,
        "20 watches declared as gifts", "park", datetime.now(UTC),
        corrects_check_id=first.check_id))
    worker = SyncWorker(database, make_config(hub.url))
    try:
        reports = drain(worker)
    finally:
        worker.close()
    assert all(r.error is None for r in reports)
    checked = [r for r in hub.store.applied_results() if r.topic == "parcel.checked"]
    assert [r.payload["check_id"] for r in checked] == [first.check_id, corrected.check_id]
    assert checked[1].payload["corrects_check_id"] == first.check_id
    [in_force] = hub.store.checked_parcels(STATION)
    assert (in_force["scan_id"], in_force["outcome"], in_force["operator"]) == (
        "S-000001", "undeclared_goods", "park")
    assert in_force["tracking_id"] == "EE123456785KR"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"outcome": "lost"}, "outcome"),
        ({"outcome": "other", "note": "  "}, "'other' needs a note"),
        ({"check_id": 0}, "check_id"),
        ({"decision_id": None}, "decision_id"),
        ({"checked_at": "yesterday"}, "checked_at"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_malformed_check_events_are_rejected(
    hub: HubServer, http: httpx.Client, changes: dict[str, Any], reason: str
) -> None:
    items = [
        {"idempotency_key": "bad", "topic": "parcel.checked", "payload": _payload(**changes)},
        {"idempotency_key": "good", "topic": "parcel.checked", "payload": _payload()},
    ]
    answer = http.post("/v1/results:batch", json={"items": items})
    assert answer.status_code == 200
    bad, good = answer.json()["results"]
    assert bad["outcome"] == "rejected" and reason in bad["reason"], bad
    assert good["outcome"] == "applied"  # one bad event costs the batch nothing
    assert [r.idempotency_key for r in hub.store.applied_results()] == ["good"]
