"""The pipeline under bad input: every parcel the station already had is kept.

The scanner is the real simulator; faults are injected between it and the
pipeline the way a flaky link or a firmware bug would deliver them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from drivers.base import LabelRead, LineBlock, ScannerInfo, ScannerStatus
from drivers.simulator import SimulatedScanner
from station_app.config import StationConfig
from station_app.domain import DiscrepancyKind, ParcelScan, RawScan, TriageLevel
from station_app.events import StationEvents
from station_app.manifests.parse import parse_manifest_obj
from station_app.pipeline import Pipeline
from station_app.station import build_pipeline
from station_app.station_calibration import LoadedCalibration, load_calibration
from station_app.storage import Database, ImageStore, ScanRepository, open_database
from station_app.storage.manifests import ManifestRepository


class FaultyLink:
    """A scanner driver between the simulator and the station that corrupts chosen blocks."""

    def __init__(
        self,
        scanner: SimulatedScanner,
        faults: dict[int, str],
        *,
        lose_link_in_parcel: int | None = None,
    ) -> None:
        self._scanner = scanner
        self._faults = faults  # block number -> fault name
        self._lose_link_in_parcel = lose_link_in_parcel  # 1-based parcel on the belt

    @property
    def info(self) -> ScannerInfo:
        return self._scanner.info

    def open(self) -> None:
        self._scanner.open()

    def close(self) -> None:
        self._scanner.close()

    def xray_on(self) -> None:
        self._scanner.xray_on()

    def xray_off(self) -> None:
        self._scanner.xray_off()

    def belt_start(self) -> None:
        self._scanner.belt_start()

    def belt_stop(self) -> None:
        self._scanner.belt_stop()

    def status(self) -> ScannerStatus:
        return self._scanner.status()

    def poll(self) -> list[LabelRead]:  # the tunnel's label reader passes through untouched
        return self._scanner.poll()

    def lines(self) -> Iterator[LineBlock]:
        parcels_entered = 0
        blocks_inside = 0
        for number, block in enumerate(self._scanner.lines()):
            present = block.object_present is not None and bool(block.object_present.all())
            blocks_inside = blocks_inside + 1 if present else 0
            parcels_entered += blocks_inside == 1
            if parcels_entered == self._lose_link_in_parcel and blocks_inside == 5:
                raise ConnectionError("serial link lost")
            fault = self._faults.get(number)
            yield corrupt(block, fault) if fault else block


def corrupt(block: LineBlock, fault: str) -> LineBlock:
    high, low = block.high_counts.copy(), block.low_counts.copy()
    if fault == "wrong_pixels":
        return replace(block, high_counts=high[:, :-24], low_counts=low[:, :-24])
    if fault == "truncated":
        return replace(block, low_counts=low[: block.n_lines // 2])
    if fault == "float_counts":
        return replace(block, high_counts=high.astype(np.float32))  # type: ignore[arg-type]
    if fault == "saturated":
        high[:4] = 65535
        low[:4] = 65535
        return replace(block, high_counts=high, low_counts=low)
    if fault == "zeros":
        high[:4] = 0
        low[:4] = 0
        return replace(block, high_counts=high, low_counts=low)
    raise AssertionError(fault)


@pytest.fixture
def station_parts(data_dir: Path) -> Iterator[tuple[StationConfig, Database, ScanRepository]]:
    config = StationConfig(data_dir=data_dir)
    database = open_database(config.resolved_database_url)
    repository = ScanRepository(database, ImageStore(config.image_dir), config.station_id)
    yield config, database, repository
    database.close()


def _pipeline(
    parts: tuple[StationConfig, Database, ScanRepository],
    driver: FaultyLink,
    *,
    sink: object | None = None,
    max_parcels: int | None = None,
) -> tuple[Pipeline, list[ParcelScan], list[tuple[str, str]], list[str]]:
    config, database, repository = parts
    driver.open()
    calibration: LoadedCalibration = load_calibration(config, database, driver.info)
    events = StationEvents()
    processed: list[ParcelScan] = []
    failed: list[tuple[str, str]] = []
    errors: list[str] = []
    events.parcel_processed.connect(processed.append)
    events.parcel_failed.connect(lambda scan_id, reason: failed.append((scan_id, reason)))
    events.pipeline_error.connect(errors.append)
    pipeline = build_pipeline(
        config,
        driver,
        calibration.detector,
        calibration.materials,
        calibration_id=calibration.detector_id,
        sink=sink or repository,  # type: ignore[arg-type]
        events=events,
        max_parcels=max_parcels,
    )
    return pipeline, processed, failed, errors


def _scanner(parcels: int, seed: int = 21) -> SimulatedScanner:
    return SimulatedScanner(seed=seed, parcels=parcels, touching_probability=0.0)


def test_malformed_blocks_are_dropped_and_counted(
    station_parts: tuple[StationConfig, Database, ScanRepository],
) -> None:
    driver = FaultyLink(_scanner(3), {5: "wrong_pixels", 9: "truncated", 14: "float_counts"})
    pipeline, processed, failed, _ = _pipeline(station_parts, driver)
    pipeline.run()
    assert pipeline.counters.bad_blocks == 3
    assert "expected 1024 pixels" in " ".join(pipeline.counters.errors)
    assert len(processed) >= 3 and not failed
    assert station_parts[2].count_scans() == len(processed)


def test_saturated_and_zero_lines_never_make_nan(
    station_parts: tuple[StationConfig, Database, ScanRepository],
) -> None:
    # Blocks 30–60 fall inside the first parcels (a lead-in of ~600 lines is 19 blocks).
    faults = {n: ("saturated" if n % 2 else "zeros") for n in range(30, 60, 3)}
    driver = FaultyLink(_scanner(2), faults)
    pipeline, processed, failed, _ = _pipeline(station_parts, driver)
    pipeline.run()
    assert processed and not failed
    for parcel in processed:
        for channel in (parcel.image.a_high, parcel.image.a_low, parcel.image.zeff):
            assert np.isfinite(channel).all()
    assert any("bad_lines" in parcel.raw.flags for parcel in processed)


def test_link_lost_mid_parcel_keeps_what_was_seen(
    station_parts: tuple[StationConfig, Database, ScanRepository],
) -> None:
    driver = FaultyLink(_scanner(5), {}, lose_link_in_parcel=3)
    pipeline, processed, failed, errors = _pipeline(station_parts, driver)
    pipeline.run()
    assert not failed
    assert errors and "serial link lost" in errors[0]
    assert len(processed) == 3, "two complete parcels and the one in the beam"
    # the parcel in the beam when the link died is flushed as incomplete, not dropped
    assert "incomplete" in processed[-1].raw.flags
    assert not any("incomplete" in parcel.raw.flags for parcel in processed[:2])
    assert station_parts[2].count_scans() == len(processed)


class _FailsOnSecondParcel:
    """The real repository, but processing of the second parcel blows up first."""

    def __init__(self, repository: ScanRepository) -> None:
        self.repository = repository
        self.calls = 0

    def save_parcel(self, parcel: ParcelScan) -> None:
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("disk full")
        self.repository.save_parcel(parcel)

    def save_unprocessed(self, raw: RawScan, reason: str) -> None:
        self.repository.save_unprocessed(raw, reason)


def test_a_failing_parcel_is_kept_raw_and_the_belt_goes_on(
    station_parts: tuple[StationConfig, Database, ScanRepository],
) -> None:
    repository = station_parts[2]
    sink = _FailsOnSecondParcel(repository)
    pipeline, processed, failed, _ = _pipeline(
        station_parts, FaultyLink(_scanner(3), {}), sink=sink
    )
    pipeline.run()
    assert len(processed) == 2 and len(failed) == 1
    scan_id, reason = failed[0]
    assert "disk full" in reason
    record = repository.get_scan(scan_id)
    assert record is not None and "unprocessed" in record.flags
    assert record.triage.level is TriageLevel.AMBER
    assert repository.count_scans() == 3  # nothing lost
    high, _, _ = repository.images.read(record.image_path, record.image_sha256)
    assert high.shape[1] == 1024


def test_parcel_limit_stops_the_run(
    station_parts: tuple[StationConfig, Database, ScanRepository],
) -> None:
    pipeline, processed, _, _ = _pipeline(
        station_parts, FaultyLink(_scanner(None), {}), max_parcels=2  # type: ignore[arg-type]
    )
    pipeline.start()
    assert pipeline.wait(60.0)
    pipeline.stop()
    assert len(processed) == 2


def _books_only_manifest(tracking_id: str) -> dict[str, object]:
    party = {"name": "A Sender", "address": "1 Road\nCity", "country": "DE"}
    return {
        "version": 1,
        "kind": "postal",
        "tracking_id": tracking_id,
        "category": "gift",
        "sender": party,
        "addressee": {"name": "A Receiver", "address": "2 Street\nSeoul", "country": "KR"},
        "lines": [
            {
                "description": "Printed books",
                "quantity": 2,
                "net_weight_g": 900,
                "value": 30.0,
                "currency": "EUR",
                "hs_code": "490199",
                "origin_country": "DE",
            }
        ],
    }


def test_manifest_discrepancy_feeds_triage_and_is_stored(
    station_parts: tuple[StationConfig, Database, ScanRepository],
) -> None:
    # Seed 1: the second parcel (CX565929703DE) shows a lithium-battery signature.
    config, database, repository = station_parts
    manifests = ManifestRepository(database)
    scanner = _scanner(2, seed=1)
    for parcel_seed in range(2):
        tracking_id = scanner.make_plan(parcel_seed).tracking_id
        manifests.save(parse_manifest_obj(_books_only_manifest(tracking_id)), source="test")
    driver = FaultyLink(scanner, {})
    driver.open()
    calibration = load_calibration(config, database, driver.info)
    processed: list[ParcelScan] = []
    pipeline = build_pipeline(
        config, driver, calibration.detector, calibration.materials,
        calibration_id=calibration.detector_id, sink=repository, events=StationEvents(),
        on_parcel=processed.append, manifests=manifests,
    )
    pipeline.run()
    assert [p.tracking_id for p in processed] == ["EE716534996HK", "CX565929703DE"]
    quiet, battery = processed
    assert quiet.discrepancies == () and quiet.triage.level is TriageLevel.GREEN
    assert [a.kind for a in battery.alarms] == ["lithium_battery"]
    (discrepancy,) = battery.discrepancies
    assert discrepancy.kind is DiscrepancyKind.UNDECLARED_LITHIUM_BATTERY
    assert any("battery" in reason for reason in battery.triage.reasons)
    stored = manifests.discrepancies(battery.scan_id)
    assert [d.kind for d in stored] == [DiscrepancyKind.UNDECLARED_LITHIUM_BATTERY]
