"""ManifestRepository on a real SQLite file: upsert, lookup by tracking id, discrepancies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from manifest_samples import EXPRESS_EXAMPLE, POSTAL_EXAMPLE

from station_app.domain import (
    BoxPx,
    Detection,
    MaterialImage,
    ParcelScan,
    RawScan,
    TriageLevel,
    TriageResult,
)
from station_app.manifests.matching import Discrepancy, DiscrepancyKind
from station_app.manifests.parse import load_manifest
from station_app.storage import Database, ImageStore, ScanRepository, StorageError, open_database
from station_app.storage.manifests import ManifestRepository


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """The shared ``db_url`` (tests/conftest.py): SQLite, and PostgreSQL when set."""
    db = open_database(db_url)
    yield db
    db.close()


def _store_scan(db: Database, tmp_path: Path, scan_id: str) -> None:
    shape = (8, 16)
    zeros = np.zeros(shape, dtype=np.float32)
    raw = RawScan(
        scan_id=scan_id,
        scanner_serial="SIM-0001",
        first_line_index=0,
        high_counts=np.zeros(shape, dtype=np.uint16),
        low_counts=np.zeros(shape, dtype=np.uint16),
        started_ns=1_000,
        ended_ns=2_000,
        line_pitch_mm=2.5,
        pixel_pitch_mm=1.6,
        tracking_id="EE123456785CN",
    )
    image = MaterialImage(zeros, zeros, zeros, np.zeros(shape, dtype=np.uint8), 2.5, 1.6)
    parcel = ParcelScan(
        raw=raw,
        image=image,
        alarms=(),
        detections=(Detection("smartphone", 0.9, BoxPx(0, 0, 4, 4)),),
        triage=TriageResult(TriageLevel.AMBER, ("x",)),
        timings_ms={},
        calibration_id="",
    )
    ScanRepository(db, ImageStore(tmp_path / "images"), "STATION-01").save_parcel(parcel)


def test_manifest_round_trip_and_lookup(database: Database) -> None:
    repo = ManifestRepository(database)
    postal = load_manifest(POSTAL_EXAMPLE)
    express = load_manifest(EXPRESS_EXAMPLE)
    received = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    repo.save(postal, source="central", received_at=received)
    repo.save(express, source="file")

    stored = repo.get("EE123456785CN")
    assert stored is not None
    assert stored.manifest == postal
    assert stored.manifest.declared_value_total == Decimal("209.50")
    assert stored.received_at == received
    assert stored.source == "central"
    # The label reader may deliver spaces or lower case.
    assert repo.get(" ee 123456785 cn ") == stored
    again = repo.get("771920453381")
    assert again is not None and again.manifest == express
    assert repo.get("RR473124829GB") is None


def test_save_replaces_the_older_copy(database: Database) -> None:
    repo = ManifestRepository(database)
    first = load_manifest(POSTAL_EXAMPLE)
    repo.save(first, source="central")
    corrected_line = replace(first.lines[0], quantity=2, value=Decimal("378.00"))
    corrected = replace(first, lines=(corrected_line, *first.lines[1:]))
    repo.save(corrected, source="central-correction")
    stored = repo.get(first.tracking_id)
    assert stored is not None
    assert stored.manifest == corrected
    assert stored.source == "central-correction"


def test_delete_older_than(database: Database) -> None:
    repo = ManifestRepository(database)
    old = datetime.now(UTC) - timedelta(days=40)
    repo.save(load_manifest(POSTAL_EXAMPLE), source="central", received_at=old)
    repo.save(load_manifest(EXPRESS_EXAMPLE), source="central")
    assert repo.delete_older_than(datetime.now(UTC) - timedelta(days=30)) == 1
    assert repo.get("EE123456785CN") is None
    assert repo.get("771920453381") is not None


def test_discrepancies_round_trip(database: Database, tmp_path: Path) -> None:
    repo = ManifestRepository(database)
    _store_scan(database, tmp_path, "S-1")
    found = (
        Discrepancy(
            DiscrepancyKind.UNDECLARED_ITEM,
            "red",
            "Detector found 1 handgun (restricted: needs a licence) but no declared line "
            "covers it.",
            detected_class="handgun",
        ),
        Discrepancy(
            DiscrepancyKind.DECLARED_NOT_SEEN,
            "amber",
            "Declared line 2 ('Whisky', quantity 1) should show as liquid bottle, "
            "but none was seen.",
            declared_line=1,
        ),
    )
    repo.save_discrepancies("S-1", found)
    assert repo.discrepancies("S-1") == found
    repo.save_discrepancies("S-1", found[1:])  # replaces, never duplicates
    assert repo.discrepancies("S-1") == found[1:]
    assert repo.discrepancies("S-unknown") == ()
    with pytest.raises(StorageError, match="no scan 'S-404'"):
        repo.save_discrepancies("S-404", found)
