"""What the running station and ``station-app calibrate`` put into the audit trail.

Real simulator station on a calibrated SQLite data dir (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from station_app.accounts import Principal, Role
from station_app.audit import config_sha256, config_snapshot
from station_app.cli import main
from station_app.config import DetectorConfig, DriverConfig, StationConfig, SyncConfig
from station_app.domain import RawScan, Verdict
from station_app.station import Station
from station_app.storage import CalibrationRepository, StorageError, open_database
from station_app.storage.audit import AuditEntry, AuditLog, verify_audit_log
from station_app.storage.models import OutboxRow

STATION = "STATION-01"  # the default station id, which the calibrated template used


def _config(data_dir: Path, **changes: Any) -> StationConfig:
    values: dict[str, Any] = {
        "station_id": STATION,
        "data_dir": data_dir,
        "driver": DriverConfig(options={"parcels": 1}),
        "detector": DetectorConfig(enabled=False),  # not what these tests are about
    }
    values.update(changes)
    return StationConfig(**values)


def _entries(data_dir: Path, action: str | None = None) -> list[AuditEntry]:
    database = open_database(_config(data_dir).resolved_database_url)
    try:
        return AuditLog(database, STATION).entries(action=action)
    finally:
        database.close()


def _principal(username: str, role: Role) -> Principal:
    return Principal(1, username, username.title(), role, "en", "s-1", datetime.now(UTC))


def _start_and_stop(config: StationConfig) -> None:
    Station(config).stop()


@pytest.fixture
def station(data_dir: Path) -> Iterator[Station]:
    started = Station(_config(data_dir))
    yield started
    started.stop()


def _raw(scan_id: str) -> RawScan:
    counts = np.full((4, 8), 1000, dtype=np.uint16)
    return RawScan(
        scan_id=scan_id,
        scanner_serial="SIM-0001",
        first_line_index=0,
        high_counts=counts,
        low_counts=counts,
        started_ns=1_000,
        ended_ns=2_000,
        line_pitch_mm=2.5,
        pixel_pitch_mm=1.6,
    )


def test_calibrate_command_audits_both_calibrations(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = _entries(data_dir)
    assert [e.action for e in entries] == ["calibration.stored", "calibration.stored"]
    database = open_database(_config(data_dir).resolved_database_url)
    try:
        repository = CalibrationRepository(database, STATION)
        detector = repository.latest("detector", "SIM-0001")
        materials = repository.latest("materials", "SIM-0001")
    finally:
        database.close()
    assert detector is not None and materials is not None
    assert [e.subject for e in entries] == [detector.id, materials.id]
    assert [e.details["kind"] for e in entries] == ["detector", "materials"]
    assert entries[0].actor == detector.operator
    assert main(["--data-dir", str(data_dir), "audit", "verify"]) == 0
    assert "2 entries intact" in capsys.readouterr().out


def test_config_change_is_recorded_once_per_change(data_dir: Path) -> None:
    config = _config(data_dir)
    _start_and_stop(config)
    _start_and_stop(config)  # same configuration: nothing new
    (first,) = _entries(data_dir, "config.changed")
    assert first.actor == "system"
    assert first.details["config_sha256"] == config_sha256(config_snapshot(config))
    assert first.details["previous_sha256"] is None
    assert first.details["config"]["triage"]["red_risk_score"] == 0.8

    changed = config.model_copy(
        update={"triage": config.triage.model_copy(update={"red_risk_score": 0.9})}
    )
    _start_and_stop(changed)
    _start_and_stop(changed)
    first_again, second = _entries(data_dir, "config.changed")
    assert first_again == first
    assert second.details["previous_sha256"] == first.details["config_sha256"]
    assert second.details["changed_keys"] == ["triage.red_risk_score"]
    assert second.details["changes"] == {"triage.red_risk_score": {"from": 0.8, "to": 0.9}}

    _start_and_stop(config)  # back to the old value: a change again
    third = _entries(data_dir, "config.changed")[-1]
    assert third.details["changes"] == {"triage.red_risk_score": {"from": 0.9, "to": 0.8}}


def test_secrets_never_reach_the_trail(data_dir: Path) -> None:
    token = "s3cret-station-token"
    _start_and_stop(_config(data_dir, sync=SyncConfig(token=token)))
    (entry,) = _entries(data_dir, "config.changed")
    assert token not in entry.details_json
    assert entry.details["config"]["sync"]["token"] == "<redacted>"

    snapshot = config_snapshot(
        _config(
            data_dir,
            database_url="postgresql+psycopg://station:pa55word@db.example/station",
            sync=SyncConfig(central_url="https://user:pa55word@central.example/api"),
            driver=DriverConfig(options={"api_key": "k-123", "port": "/dev/ttyUSB0"}),
        )
    )
    assert "pa55word" not in str(snapshot) and "k-123" not in str(snapshot)
    assert snapshot["database_url"] == "postgresql+psycopg://station:***@db.example/station"
    assert snapshot["sync"]["central_url"] == "https://user:***@central.example/api"
    assert snapshot["driver"]["options"] == {"api_key": "<redacted>", "port": "/dev/ttyUSB0"}


def test_station_decisions_are_audited_with_the_decision(station: Station) -> None:
    station.scans.save_unprocessed(_raw("S-000123"), "test parcel")
    station.scans.save_unprocessed(_raw("S-000124"), "test parcel")
    kim = _principal("kim", Role.INSPECTOR)
    decision = station.record_decision("S-000123", Verdict.HOLD, kim, "open it", 1200.0)
    audit = AuditLog(station.database, STATION)
    entry = audit.last("decision.recorded")
    assert entry is not None
    assert (entry.actor, entry.subject) == ("kim", "S-000123")
    assert entry.details["verdict"] == "hold" and entry.details["comment"] == "open it"
    assert entry.details["decided_at"] == decision.decided_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    head = audit.head()

    # A decision whose transaction fails (here its outbox row collides) leaves no entry.
    decision_id = entry.details["decision_id"] + 1
    with station.database.write_session() as session:
        session.add(
            OutboxRow(
                topic="x",
                aggregate_id="x",
                payload={},
                idempotency_key=f"{STATION}/scan.decided/S-000124/{decision_id}",
            )
        )
    with pytest.raises(StorageError, match="not recorded"):
        station.record_decision("S-000124", Verdict.CLEAR, kim)
    with pytest.raises(StorageError, match="no scan"):
        station.record_decision("S-404", Verdict.CLEAR, kim)
    assert audit.head() == head
    assert len(audit.entries(action="decision.recorded")) == 1
    assert verify_audit_log(station.database).ok
