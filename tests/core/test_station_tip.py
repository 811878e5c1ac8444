"""Threat image projection in a running station (simulator, real SQLite, real pipeline).

The real parcels are stored and queued for central exactly as without TIP; the
TIP image travels beside the real parcel, its response is scored and audited,
and it shows up in the supervisor's statistics, never as a result.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station_app.accounts import PermissionDeniedError, Principal, Role
from station_app.config import DetectorConfig, DriverConfig, StationConfig, TipConfig
from station_app.domain import ParcelScan, Verdict
from station_app.station import Station
from station_app.storage import StorageError
from station_app.storage.audit import AuditLog
from station_app.storage.models import OutboxRow, ScanRow, TipPresentationRow

STATION = "STATION-01"


def _principal(username: str, role: Role) -> Principal:
    return Principal(1, username, username.title(), role, "en", "s-1", datetime.now(UTC))


def test_tip_images_beside_real_parcels(data_dir: Path) -> None:
    config = StationConfig(
        station_id=STATION,
        data_dir=data_dir,
        driver=DriverConfig(options={"parcels": 3, "seed": 11}),
        detector=DetectorConfig(enabled=False),
        tip=TipConfig(enabled=True, rate=1.0, min_parcels_between=0, categories=["knife"]),
    )
    station = Station(config)
    shown: list[ParcelScan] = []
    station.events.parcel_processed.connect(shown.append)
    try:
        station.start()
        assert station.pipeline.wait(180), "the simulated parcels were not processed"
        with_tip = [p for p in shown if p.tip is not None]
        assert len(shown) == 3 and with_tip, "rate 1.0: every parcel with room gets one"
        tip = with_tip[0].tip
        assert tip is not None and tip.category == "knife"
        # The TIP image is the real parcel plus the item: same size, darker where it is.
        real, projected = with_tip[0], tip.parcel
        assert projected.image.shape == real.image.shape
        box = tip.box
        region = (slice(box.line0, box.line1), slice(box.px0, box.px1))
        assert projected.image.a_high[region].mean() > real.image.a_high[region].mean() + 0.05

        with station.database.read_session() as session:
            assert session.scalar(select(func.count()).select_from(ScanRow)) == 3
            assert session.scalar(select(func.count()).select_from(TipPresentationRow)) == len(
                with_tip)
            topics = list(session.scalars(select(OutboxRow.topic)))
        assert topics == ["scan.processed"] * 3  # no TIP anything for central

        inspector = _principal("kim", Role.INSPECTOR)
        outcome = station.record_tip_response(inspector, tip.presentation_id, Verdict.HOLD, 4200.0)
        assert outcome == "hit"
        with pytest.raises(StorageError, match="answered"):  # once only
            station.record_tip_response(inspector, tip.presentation_id, Verdict.CLEAR, 100.0)
        with pytest.raises(PermissionDeniedError):
            station.record_tip_response(
                _principal("cho", Role.TECHNICIAN), tip.presentation_id, Verdict.HOLD, 1.0
            )
        entries = AuditLog(station.database, STATION).entries(action="tip.responded")
        assert [(e.actor, e.details["outcome"]) for e in entries] == [("kim", "hit")]

        now = datetime.now(UTC)
        stats = station.supervision.shift_statistics(
            _principal("park", Role.SUPERVISOR),
            now - timedelta(hours=1),
            now + timedelta(minutes=1),
        )
        assert stats.tip["kim"].presented == 1 and stats.tip["kim"].hits == 1
    finally:
        station.stop()
