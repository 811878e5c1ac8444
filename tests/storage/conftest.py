"""Fixtures for storage tests: a real SQLite file per test, PostgreSQL when configured.

Tests taking ``db_url`` (or ``database``) run on PostgreSQL too when
``STATION_TEST_POSTGRES_URL`` is set (e.g. ``postgresql+psycopg://u:p@localhost/station_test``);
the database is emptied before each test. ``bash packaging/test.sh`` starts a throwaway
server and sets it (packaging/postgres-test-server.sh); without it those runs are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from station_app.domain import (
    Alarm,
    BoxPx,
    Detection,
    MaterialImage,
    ParcelScan,
    RawScan,
    TriageLevel,
    TriageResult,
)
from station_app.storage import Database, ImageStore, open_database

ParcelFactory = Callable[..., ParcelScan]


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    yield db
    db.close()


@pytest.fixture
def image_store(tmp_path: Path) -> ImageStore:
    return ImageStore(tmp_path / "images")


@pytest.fixture
def make_parcel() -> ParcelFactory:
    """Build a small ParcelScan (64 lines × 128 pixels) straight from the domain dataclasses."""

    def factory(
        scan_id: str = "S-0001",
        tracking_id: str | None = "EE123456785KR",
        calibration_id: str = "cal-unknown",
        alarms: int = 2,
        seed: int = 0,
    ) -> ParcelScan:
        rng = np.random.default_rng(seed)
        shape = (64, 128)
        high = rng.integers(0, 65535, size=shape, dtype=np.uint16)
        low = rng.integers(0, 65535, size=shape, dtype=np.uint16)
        raw = RawScan(
            scan_id=scan_id,
            scanner_serial="SIM-0001",
            first_line_index=1000,
            high_counts=high,
            low_counts=low,
            started_ns=1_000,
            ended_ns=2_000,
            line_pitch_mm=2.5,
            pixel_pitch_mm=1.6,
            tracking_id=tracking_id,
            flags=frozenset({"split"}),
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
        alarm_list = tuple(
            Alarm(
                kind=("dense_object", "organic_mass")[i % 2],
                box=BoxPx(line0=i, px0=2 * i, line1=i + 10, px1=2 * i + 20),
                area_mm2=1500.0 + i,
                score=0.5 + 0.1 * i,
                explanation=f"alarm {i}",
                details={"mean_zeff": float(np.float32(7.5)) + i},
            )
            for i in range(alarms)
        )
        return ParcelScan(
            raw=raw,
            image=image,
            alarms=alarm_list,
            detections=(Detection("knife", 0.91, BoxPx(5, 6, 15, 26)),),
            triage=TriageResult(TriageLevel.RED, ("dense_object",), risk_score=0.4),
            timings_ms={"calibrate": 1.5, "materials": np.float64(2.25)},
            calibration_id=calibration_id,
        )

    return factory
