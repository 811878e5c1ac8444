"""Physical checks through the core: permissions checked in Station, not in the GUI.

Real simulator station on a calibrated SQLite data dir (tests/conftest.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from station_app.accounts import PermissionDeniedError, Principal, Role
from station_app.config import DetectorConfig, DriverConfig, StationConfig
from station_app.domain import RawScan, Verdict
from station_app.physical_checks import CheckOutcome
from station_app.station import Station

KIM = Principal(1, "kim", "Kim", Role.INSPECTOR, "en", "s-1", datetime.now(UTC))
PARK = Principal(2, "park", "Park", Role.SUPERVISOR, "en", "s-2", datetime.now(UTC))
CHO = Principal(3, "cho", "Cho", Role.TECHNICIAN, "en", "s-3", datetime.now(UTC))
ADMIN = Principal(4, "admin", "Admin", Role.ADMINISTRATOR, "en", "s-4", datetime.now(UTC))


@pytest.fixture
def station(data_dir: Path) -> Iterator[Station]:
    config = StationConfig(
        data_dir=data_dir,
        driver=DriverConfig(options={"parcels": 1}),
        detector=DetectorConfig(enabled=False),
    )
    built = Station(config)
    yield built
    built.stop()


def _flagged(station: Station, scan_id: str, verdict: Verdict = Verdict.OPEN) -> int:
    """Store a parcel, have kim decide it; the decision's id."""
    counts = np.full((4, 8), 1000, dtype=np.uint16)
    now_ns = time.monotonic_ns()  # scan times are monotonic; stored as wall time
    raw = RawScan(scan_id, "SIM-0001", 0, counts, counts, now_ns, now_ns + 1, 2.0, 1.6)
    station.scans.save_unprocessed(raw, "test parcel")
    station.record_decision(scan_id, verdict, KIM, decision_time_ms=1500.0)
    [waiting] = [w for w in station.pending_checks(KIM) if w.scan_id == scan_id]
    return waiting.decision_id


@pytest.mark.parametrize("principal", [CHO, ADMIN, None])
def test_roles_without_record_check_are_refused(
    station: Station, principal: Principal | None
) -> None:
    decision_id = _flagged(station, "S-1")
    with pytest.raises(PermissionDeniedError, match="record_check"):
        station.record_check(principal, "S-1", decision_id, CheckOutcome.NOTHING_FOUND)
    with pytest.raises(PermissionDeniedError, match="record_check"):
        station.pending_checks(principal)
    assert station.checks.results_for("S-1") == []
    assert station.accounts.audit.entries(action="check.recorded") == []


def test_inspector_records_supervisor_corrects_statistics_count(station: Station) -> None:
    decision_id = _flagged(station, "S-1")
    first = station.record_check(KIM, "S-1", decision_id, CheckOutcome.NOTHING_FOUND)
    assert first.operator == "kim" and station.pending_checks(PARK) == []
    now = datetime.now(UTC)
    stats = station.supervision.shift_statistics(PARK, now - timedelta(hours=2), now)
    assert (stats.flagged, stats.checked_flags, stats.false_alarms) == (1, 1, 1)
    assert stats.hit_rate == 0.0
    assert [(i.operator, i.false_alarms) for i in stats.inspectors] == [("kim", 1)]

    assert first.check_id is not None
    # Only a supervisor corrects: an inspector holds record_check but not override.
    with pytest.raises(PermissionDeniedError, match="override"):
        station.record_check(KIM, "S-1", decision_id, CheckOutcome.PROHIBITED_ITEM,
                             "found it after all", corrects_check_id=first.check_id)
    corrected = station.record_check(PARK, "S-1", decision_id, CheckOutcome.PROHIBITED_ITEM,
                                     "knife sewn into the lining",
                                     corrects_check_id=first.check_id)
    assert [r.check_id for r in station.recent_checks(PARK, now - timedelta(hours=1))] == [
        corrected.check_id, first.check_id]
    with pytest.raises(PermissionDeniedError, match="override"):
        station.recent_checks(KIM, now - timedelta(hours=1))
    now = datetime.now(UTC)
    stats = station.supervision.shift_statistics(PARK, now - timedelta(hours=2), now)
    assert (stats.checked_flags, stats.finds, stats.false_alarms) == (1, 1, 0)
    assert stats.hit_rate == 1.0
    entries = station.accounts.audit.entries(action="check.recorded")
    assert [(e.actor, e.details["corrects_check_id"]) for e in entries] == [
        ("kim", None), ("park", first.check_id)]
