"""Decisions with the inspector's marks reach the real reference hub; a payload from an
older station (no marks) is still accepted, a malformed one refused.

Real station SQLite file, real SyncWorker, real uvicorn hub on 127.0.0.1.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml  # type: ignore[import-untyped]
from sync_helpers import STATION, ConfigFactory, drain, tiny_parcel

from station_app.domain import BoxPx, Decision, Verdict
from station_app.marks import MAX_MARKS
from station_app.storage import Database, ScanRepository
from station_app.sync.hub import HubServer
from station_app.sync.schemas import ScanDecidedPayload
from station_app.sync.worker import SyncWorker

pytestmark = pytest.mark.timeout(30)
OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def _payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "station_id": STATION,
        "scan_id": "S-000001",
        "tracking_id": None,
        "decision_id": 1,
        "verdict": "open",
        "operator": "kim",
        "decided_at": "2026-11-23T09:00:00+00:00",
        "comment": "",
        "decision_time_ms": 1500.0,
        "kind": "inspection",
        "reviewed_decision_id": None,
    }
    payload.update(changes)
    return payload


def test_decision_marks_reach_central(
    hub: HubServer, database: Database, repo: ScanRepository, make_config: ConfigFactory
) -> None:
    repo.save_parcel(tiny_parcel("S-000001"))
    repo.save_parcel(tiny_parcel("S-000002"))
    marks = (BoxPx(0, 1, 3, 5), BoxPx(2, 2, 4, 8))
    repo.record_decision(Decision("S-000001", Verdict.OPEN, "kim", datetime.now(UTC),
                                  marks=marks))
    repo.record_decision(Decision("S-000002", Verdict.CLEAR, "kim", datetime.now(UTC)))
    worker = SyncWorker(database, make_config(hub.url))
    try:
        reports = drain(worker)
    finally:
        worker.close()
    assert all(r.error is None for r in reports)
    decided = {d["scan_id"]: d for d in hub.store.decisions(STATION)}
    assert decided["S-000001"]["marks"] == [[0, 1, 3, 5], [2, 2, 4, 8]]
    assert decided["S-000001"]["verdict"] == "open"
    assert decided["S-000002"]["marks"] == []


def test_a_payload_without_marks_is_still_accepted(hub: HubServer, http: httpx.Client) -> None:
    old = _payload()  # as a station from before marks sends it
    answer = http.post("/v1/results:batch", json={"items": [
        {"idempotency_key": "old", "topic": "scan.decided", "payload": old}]})
    assert answer.status_code == 200
    assert answer.json()["results"][0]["outcome"] == "applied"
    (applied,) = hub.store.applied_results()
    assert "marks" not in applied.payload  # stored as received
    assert hub.store.decisions()[0]["marks"] == []  # and read as "nothing marked"


@pytest.mark.parametrize(
    ("marks", "reason"),
    [
        ([[1, 2, 3]], "mark 1: expected four integers"),
        ([[1.5, 2, 3, 4]], "expected four integers"),
        ([["1", 2, 3, 4]], "expected four integers"),
        ([[True, 2, 3, 4]], "expected four integers"),
        ([[0, 0, 4, 4], [-1, 0, 4, 4]], "mark 2: coordinates must lie in"),
        ([[4, 0, 2, 4]], "empty or inverted"),
        ([[0, 0, 1, 1]] * (MAX_MARKS + 1), f"at most {MAX_MARKS}"),
        ({"line0": 1}, "marks must be a list"),
        (None, "marks must be a list"),
    ],
)
def test_malformed_marks_are_rejected(
    hub: HubServer, http: httpx.Client, marks: Any, reason: str
) -> None:
    items = [
        {"idempotency_key": "bad", "topic": "scan.decided", "payload": _payload(marks=marks)},
        {"idempotency_key": "good", "topic": "scan.decided",
         "payload": _payload(marks=[[0, 0, 4, 4]])},
    ]
    answer = http.post("/v1/results:batch", json={"items": items})
    assert answer.status_code == 200
    bad, good = answer.json()["results"]
    assert bad["outcome"] == "rejected" and reason in bad["reason"], bad
    assert "marks" in bad["reason"]
    assert good["outcome"] == "applied"  # one bad event costs the batch nothing
    assert [d["marks"] for d in hub.store.decisions()] == [[[0, 0, 4, 4]]]


def test_openapi_documents_the_decided_payload_as_the_hub_checks_it() -> None:
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    documented = spec["components"]["schemas"]["ScanDecidedPayload"]
    assert set(documented["properties"]) == set(ScanDecidedPayload.model_fields)
    assert set(documented["required"]) == {
        name for name, field in ScanDecidedPayload.model_fields.items() if field.is_required()}
    marks = documented["properties"]["marks"]
    assert marks["maxItems"] == MAX_MARKS and "marks" not in documented["required"]
    assert (marks["items"]["minItems"], marks["items"]["maxItems"]) == (4, 4)
    assert marks["items"]["items"] == {"type": "integer", "minimum": 0}
