"""The reference hub's API over real HTTP, and the client's parsing of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sync_helpers import STATION, TOKEN

from station_app.config import SyncConfig
from station_app.sync.client import CentralAuthError, CentralClient, parse_retry_after
from station_app.sync.hub import HubServer
from station_app.sync.schemas import HeartbeatRequest

pytestmark = pytest.mark.timeout(30)
OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
SHA = "ab" * 32


def _processed(scan_id: str, station: str = STATION) -> dict[str, Any]:
    return {
        "station_id": station,
        "scan_id": scan_id,
        "tracking_id": None,
        "triage": {"level": "amber", "reasons": ["organic_mass"], "risk_score": None},
        "alarm_kinds": ["organic_mass"],
        "image_sha256": SHA,
    }


def _item(key: str, payload: dict[str, Any], topic: str = "scan.processed") -> dict[str, Any]:
    return {"idempotency_key": key, "topic": topic, "payload": payload}


@pytest.fixture
def central(hub: HubServer) -> Iterator[CentralClient]:
    client = CentralClient(SyncConfig(central_url=hub.url, token=TOKEN), STATION)
    yield client
    client.close()


def test_health_needs_no_token(hub: HubServer, central: CentralClient) -> None:
    assert httpx.get(f"{hub.url}/v1/health", timeout=5).status_code == 200
    assert central.health().status == "ok"


@pytest.mark.parametrize("auth", [None, "Bearer nope", "Basic abc"])
def test_results_need_the_station_token(hub: HubServer, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    body = {"items": [_item("k1", _processed("S-1"))]}
    answer = httpx.post(f"{hub.url}/v1/results:batch", json=body, headers=headers, timeout=5)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert hub.store.count_applied() == 0


def test_batch_outcomes_applied_duplicate_rejected(hub: HubServer, http: httpx.Client) -> None:
    first = [
        _item("k1", _processed("S-1")),
        _item("k2", _processed("S-2")),
        _item("k2", _processed("S-2")),  # the same key twice in one batch
        _item("k3", {"station_id": STATION, "scan_id": "S-3"}),  # wrong schema
        _item("k4", _processed("S-4", station="OTHER")),  # not this token's station
        _item("k5", {"x": 1}, topic="scan.teleported"),
    ]
    answer = http.post("/v1/results:batch", json={"items": first}).json()["results"]
    outcomes = [(r["idempotency_key"], r["outcome"]) for r in answer]
    assert outcomes == [
        ("k1", "applied"),
        ("k2", "applied"),
        ("k2", "duplicate"),
        ("k3", "rejected"),
        ("k4", "rejected"),
        ("k5", "rejected"),
    ]
    assert "triage" in answer[3]["reason"]
    assert "OTHER" in answer[4]["reason"]
    assert "unknown topic" in answer[5]["reason"]
    again = [_item("k1", _processed("S-1")), _item("k2", {**_processed("S-2"), "scan_id": "X"})]
    answer = http.post("/v1/results:batch", json={"items": again}).json()["results"]
    assert [r["outcome"] for r in answer] == ["duplicate", "rejected"]
    assert "different payload" in answer[1]["reason"]
    applied = hub.store.applied_results()
    assert [r.idempotency_key for r in applied] == ["k1", "k2"]
    assert applied[1].payload["scan_id"] == "S-2"  # the re-send changed nothing


def test_empty_or_oversized_batch_is_refused(http: httpx.Client) -> None:
    assert http.post("/v1/results:batch", json={"items": []}).status_code == 422
    items = [_item(f"k{i}", _processed(f"S-{i}")) for i in range(501)]
    assert http.post("/v1/results:batch", json={"items": items}).status_code == 422


def test_heartbeat_for_own_station_only(hub: HubServer, central: CentralClient) -> None:
    from datetime import UTC, datetime

    report = HeartbeatRequest(
        sent_at=datetime.now(UTC), software_version="t", sync_state="online", outbox_depth=3
    )
    assert central.heartbeat(report).server_time is not None
    assert (hub.store.last_heartbeat(STATION) or {})["outbox_depth"] == 3
    other = CentralClient(SyncConfig(central_url=hub.url, token=TOKEN), "STATION-99")
    try:
        with pytest.raises(CentralAuthError, match="403"):
            other.heartbeat(report)
    finally:
        other.close()


def test_manifests_pages_cursor_and_lookup(
    hub: HubServer, central: CentralClient, http: httpx.Client
) -> None:
    hub.store.seed_manifests((f"EE00000000{i}KR", {"n": i}) for i in range(5))
    page = central.manifests_since("0", limit=2)
    assert [e.manifest["n"] for e in page.items] == [0, 1] and page.has_more
    page = central.manifests_since(page.next_cursor, limit=10)
    assert [e.manifest["n"] for e in page.items] == [2, 3, 4] and not page.has_more
    end = page.next_cursor
    assert central.manifests_since(end).items == []
    assert central.manifests_since(end).next_cursor == end
    hub.store.seed_manifests([("EE000000001KR", {"n": 100})])  # changed: shows up again
    assert [e.manifest["n"] for e in central.manifests_since(end).items] == [100]
    found = central.manifest("EE000000003KR")
    assert found is not None and found.manifest == {"n": 3}
    assert central.manifest("XX999999999XX") is None
    assert http.get("/v1/manifests", params={"since": "abc"}).status_code == 400


def test_fault_endpoint_drives_a_hub_over_http(hub: HubServer, http: httpx.Client) -> None:
    assert http.post("/_faults", json={"kind": "status", "status": 503, "retry_after_s": 7}).json()
    answer = http.post("/v1/results:batch", json={"items": [_item("k", _processed("S"))]})
    assert answer.status_code == 503 and answer.headers["retry-after"] == "7"
    assert http.delete("/_faults").json() == {"pending": 0}


def test_parse_retry_after() -> None:
    from datetime import UTC, datetime

    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_openapi_documents_every_hub_route(hub: HubServer) -> None:
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.1")
    served = httpx.get(f"{hub.url}/openapi.json", timeout=5).json()["paths"]
    documented = set(spec["paths"])
    assert set(served) <= documented, set(served) - documented
    for path, operations in served.items():
        assert set(operations) <= set(spec["paths"][path]), path
