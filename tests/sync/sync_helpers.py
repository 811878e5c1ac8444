"""Helpers of the sync tests (importable by the station subprocess too)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from station_app.config import StationConfig
from station_app.domain import (
    Decision,
    MaterialImage,
    ParcelScan,
    RawScan,
    TriageLevel,
    TriageResult,
    Verdict,
)
from station_app.storage import Database, ScanRepository
from station_app.sync.worker import RunReport, SyncWorker

STATION = "STATION-01"
TOKEN = "station-01-secret-token"
ConfigFactory = Callable[..., StationConfig]


def tiny_parcel(scan_id: str) -> ParcelScan:
    """A 4 × 8 pixel parcel: enough for a real stored scan and its outbox event."""
    shape = (4, 8)
    counts = np.full(shape, 1000, dtype=np.uint16)
    raw = RawScan(
        scan_id=scan_id,
        scanner_serial="SIM-0001",
        first_line_index=0,
        high_counts=counts,
        low_counts=counts,
        started_ns=1_000,
        ended_ns=2_000,
        line_pitch_mm=2.5,
        pixel_pitch_mm=1.6,
        tracking_id="EE123456785KR",
    )
    zeros = np.zeros(shape, dtype=np.float32)
    image = MaterialImage(
        a_high=zeros,
        a_low=zeros,
        zeff=zeros,
        material_class=np.zeros(shape, dtype=np.uint8),
        line_pitch_mm=2.5,
        pixel_pitch_mm=1.6,
    )
    return ParcelScan(
        raw=raw,
        image=image,
        alarms=(),
        detections=(),
        triage=TriageResult(TriageLevel.GREEN, (), risk_score=0.1),
        timings_ms={},
        calibration_id="",
    )


def queue_results(repo: ScanRepository, n_parcels: int, first: int = 0) -> int:
    """Store parcels and a decision on each: two outbox rows per parcel. Returns rows added."""
    for i in range(first, first + n_parcels):
        scan_id = f"S-{i:06d}"
        repo.save_parcel(tiny_parcel(scan_id))
        repo.record_decision(
            Decision(scan_id, Verdict.CLEAR, "inspector-1", datetime.now(UTC), "", 900.0)
        )
    return 2 * n_parcels


def outbox_keys(database: Database) -> set[str]:
    from sqlalchemy import select

    from station_app.storage.models import OutboxRow

    with database.read_session() as session:
        return set(session.scalars(select(OutboxRow.idempotency_key)))


def drain(worker: SyncWorker, max_rounds: int = 50, deadline_s: float = 15.0) -> list[RunReport]:
    """run_once until the queue is empty, bounded in rounds and time."""
    reports: list[RunReport] = []
    stop_at = time.monotonic() + deadline_s
    for _ in range(max_rounds):
        report = worker.run_once()
        reports.append(report)
        if (report.drained and report.error is None) or time.monotonic() > stop_at:
            break
    return reports


def wait_for(predicate: Callable[[], bool], timeout_s: float, step_s: float = 0.05) -> bool:
    stop_at = time.monotonic() + timeout_s
    while time.monotonic() < stop_at:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()


def s10_id(serial: int, country: str = "CN") -> str:
    """A valid S10 tracking id (``EE`` + 8 digits + check digit + country)."""
    from station_app.manifests.s10 import check_digit

    digits = f"{serial:08d}"
    return f"EE{digits}{check_digit(digits)}{country}"


def postal_manifest(tracking_id: str, value: float = 189.0) -> dict[str, Any]:
    """A valid postal (CN23) manifest as central would hold it."""
    return {
        "version": 1,
        "kind": "postal",
        "tracking_id": tracking_id,
        "category": "sale_of_goods",
        "sender": {
            "name": "Shenzhen Trading Co., Ltd.",
            "address": "Huaqiang North Road 1019\nShenzhen 518031",
            "country": "CN",
            "phone": "+86 755 8321 0000",
        },
        "addressee": {
            "name": "Kim Min-jun",
            "address": "12, Teheran-ro 108-gil\nSeoul 06176",
            "country": "KR",
            "phone": "+82 10-1234-5678",
        },
        "gross_weight_g": 742,
        "lines": [
            {
                "description": "Smartphone, 128 GB, used",
                "quantity": 1,
                "net_weight_g": 205,
                "value": value,
                "currency": "USD",
                "hs_code": "8517.13.00",
                "origin_country": "CN",
            }
        ],
    }
