"""Station.record_decision checks the principal's permission in the core.

Real simulator station on a calibrated SQLite data dir (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from accounts_helpers import ADMIN_PASSWORD

from station_app.accounts import PermissionDeniedError, Principal, Role
from station_app.config import DetectorConfig, DriverConfig, StationConfig
from station_app.domain import RawScan, Verdict
from station_app.station import Station

PASSWORD = "a good long password"


@pytest.fixture
def station(calibrated_data_dir: Path) -> Iterator[Station]:
    config = StationConfig(
        data_dir=calibrated_data_dir,
        driver=DriverConfig(options={"parcels": 1}),
        detector=DetectorConfig(enabled=False),
    )
    started = Station(config)
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
        started_ns=0,
        ended_ns=1,
        line_pitch_mm=2.0,
        pixel_pitch_mm=1.6,
    )


def _signed_in(station: Station, username: str, role: Role) -> Principal:
    accounts = station.accounts
    if accounts.first_run_needed():
        accounts.create_first_administrator("admin", "Admin", ADMIN_PASSWORD)
    if username == "admin":
        return accounts.sign_in("admin", ADMIN_PASSWORD)
    admin = accounts.sign_in("admin", ADMIN_PASSWORD)
    accounts.create_account(
        admin,
        username=username,
        display_name=username,
        role=role,
        password=PASSWORD,
        must_change_password=False,
    )
    return accounts.sign_in(username, PASSWORD)


@pytest.mark.parametrize(
    ("username", "role"), [("admin", Role.ADMINISTRATOR), ("tech", Role.TECHNICIAN)]
)
def test_roles_without_decide_are_refused(station: Station, username: str, role: Role) -> None:
    station.scans.save_unprocessed(_raw("S-000001"), "test parcel")
    principal = _signed_in(station, username, role)
    with pytest.raises(PermissionDeniedError, match="decide"):
        station.record_decision("S-000001", Verdict.CLEAR, principal)
    record = station.scans.get_scan("S-000001")
    assert record is not None and record.latest_decision is None
    assert station.accounts.audit.entries(action="decision.recorded") == []


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.SUPERVISOR])
def test_inspectors_and_supervisors_decide_under_their_name(station: Station, role: Role) -> None:
    station.scans.save_unprocessed(_raw("S-000002"), "test parcel")
    principal = _signed_in(station, "lee", role)
    decision = station.record_decision("S-000002", Verdict.HOLD, principal)
    assert decision.operator == "lee"
    entry = station.accounts.audit.last("decision.recorded")
    assert entry is not None and (entry.actor, entry.subject) == ("lee", "S-000002")
