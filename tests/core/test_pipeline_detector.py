"""The item detector in the pipeline and the station: real simulator, real calibration,
real SQLite, the shipped ONNX model on CPU.

What the model finds is never asserted (it will be replaced by better ones): only
that its detections travel to the parcel and the database, that a failing
detector costs the parcel nothing but a visible AMBER reason, and what the
station says about the detector.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.simulator import SimulatedScanner
from station_app.config import DetectorConfig, DriverConfig, GuiConfig, StationConfig
from station_app.detection.detector import OnnxDetector, load_detector, shipped_model_dir
from station_app.detection.model_card import read_card
from station_app.domain import (
    BoxPx,
    Detection,
    DiscrepancyKind,
    MaterialImage,
    ParcelScan,
    TriageLevel,
)
from station_app.events import StationEvents
from station_app.manifests.parse import parse_manifest_obj
from station_app.pipeline import ItemDetector, Pipeline
from station_app.station import Station, build_pipeline
from station_app.station_calibration import load_calibration
from station_app.storage import Database, ImageStore, ScanRepository, open_database
from station_app.storage.manifests import ManifestRepository

CPU_ONLY = ["CPUExecutionProvider"]
DETECTOR_REASON = "The item detector did not run on this parcel"
# Seed 1 of the simulator: the first parcel (EE716534996HK) raises no alarm (test_pipeline.py).
QUIET_SEED = 1


class FailingDetector:
    """A detector whose runtime breaks on every parcel (a lost GPU, say)."""

    def __init__(self) -> None:
        self.calls = 0

    def detect(self, image: MaterialImage) -> tuple[Detection, ...]:
        self.calls += 1
        raise RuntimeError("CUDA error: device lost")


class FixedDetector:
    """A detector that reports the same items on every parcel, placed inside its image."""

    def __init__(self, *classes: str) -> None:
        self.classes = classes

    def detect(self, image: MaterialImage) -> tuple[Detection, ...]:
        lines, pixels = image.shape
        return tuple(
            Detection(name, 0.9, BoxPx(lines // 4, pixels // 4 + i, lines // 2, pixels // 2 + i))
            for i, name in enumerate(self.classes)
        )


Parts = tuple[StationConfig, Database, ScanRepository]


@pytest.fixture
def parts(data_dir: Path) -> Iterator[Parts]:
    config = StationConfig(data_dir=data_dir)
    database = open_database(config.resolved_database_url)
    repository = ScanRepository(database, ImageStore(config.image_dir), config.station_id)
    yield config, database, repository
    database.close()


@pytest.fixture(scope="module")
def low_threshold_detector() -> OnnxDetector:
    """The shipped model on CPU, with a threshold that lets its weak peaks out."""
    detector, status = load_detector(
        DetectorConfig(providers=CPU_ONLY, warmup_runs=0, score_threshold=1e-3)
    )
    assert detector is not None, status.warning
    return detector


def _run(parts: Parts, detector: ItemDetector | None, *, parcels: int = 1,
         manifests: ManifestRepository | None = None, config: StationConfig | None = None,
         ) -> tuple[list[ParcelScan], list[tuple[str, str]], Pipeline]:
    base, database, repository = parts
    config = config or base
    scanner = SimulatedScanner(seed=QUIET_SEED, parcels=parcels, touching_probability=0.0)
    scanner.open()
    calibration = load_calibration(config, database, scanner.info)
    events = StationEvents()
    processed: list[ParcelScan] = []
    failed: list[tuple[str, str]] = []
    events.parcel_processed.connect(processed.append)
    events.parcel_failed.connect(lambda scan_id, reason: failed.append((scan_id, reason)))
    pipeline = build_pipeline(
        config, scanner, calibration.detector, calibration.materials,
        calibration_id=calibration.detector_id, sink=repository, events=events,
        manifests=manifests, item_detector=detector,
    )
    pipeline.run()
    return processed, failed, pipeline


# ---------------------------------------------------------------- pipeline


def test_detections_reach_the_parcel_and_the_database(
    parts: Parts, low_threshold_detector: OnnxDetector
) -> None:
    processed, failed, _ = _run(parts, low_threshold_detector)
    assert len(processed) == 1 and not failed
    (parcel,) = processed
    assert parcel.detections, "at a threshold of 0.001 the model's peaks come out"
    assert "detector" in parcel.timings_ms
    lines, pixels = parcel.image.shape
    names = set(low_threshold_detector.card.class_names)
    for d in parcel.detections:
        assert d.class_name in names and d.confidence >= 1e-3
        assert 0 <= d.box.line0 < d.box.line1 <= lines
        assert 0 <= d.box.px0 < d.box.px1 <= pixels
    # the detector saw the calibrated image of this very parcel
    assert low_threshold_detector.detect(parcel.image) == parcel.detections

    record = parts[2].get_scan(parcel.scan_id)
    assert record is not None
    assert len(record.detections) == len(parcel.detections)
    for stored, made in zip(record.detections, parcel.detections, strict=True):
        assert stored.class_name == made.class_name
        assert stored.box == made.box
        assert stored.confidence == pytest.approx(made.confidence, rel=1e-6)
    assert "detector" in record.timings_ms
    # reopened from disk: the rows are really in the database file
    config, _, _ = parts
    database = open_database(config.resolved_database_url)
    try:
        again = ScanRepository(database, ImageStore(config.image_dir), config.station_id)
        reread = again.get_scan(parcel.scan_id)
        assert reread is not None and reread.detections == record.detections
    finally:
        database.close()


def test_failing_detector_keeps_the_parcel_and_asks_for_a_look(parts: Parts) -> None:
    detector = FailingDetector()
    processed, failed, pipeline = _run(parts, detector, parcels=2)
    assert not failed and len(processed) == 2, "the belt goes on"
    assert detector.calls == 2
    assert pipeline.counters.parcels_failed == 0
    repository = parts[2]
    assert repository.count_scans() == 2
    quiet = processed[0]
    assert quiet.detections == ()
    assert quiet.alarms == ()
    # the only reason the quiet parcel is not GREEN: nobody looked for items
    assert quiet.triage.level is TriageLevel.AMBER
    assert len(quiet.triage.reasons) == 1
    (reason,) = quiet.triage.reasons
    assert reason.startswith(f"AMBER: {DETECTOR_REASON}")
    assert "RuntimeError: CUDA error: device lost" in reason
    for parcel in processed:
        assert any(DETECTOR_REASON in r for r in parcel.triage.reasons)
        assert parcel.triage.level in (TriageLevel.AMBER, TriageLevel.RED)
        record = repository.get_scan(parcel.scan_id)
        assert record is not None
        assert "unprocessed" not in record.flags
        assert record.detections == ()
        assert record.triage.level is parcel.triage.level
        assert any(DETECTOR_REASON in r for r in record.triage.reasons)


def test_without_a_detector_the_quiet_parcel_is_green(parts: Parts) -> None:
    # the control for the test above: the AMBER came from the failing detector
    processed, _, _ = _run(parts, None)
    (parcel,) = processed
    assert parcel.triage.level is TriageLevel.GREEN
    assert "detector" not in parcel.timings_ms
    assert not any(DETECTOR_REASON in r for r in parcel.triage.reasons)


def _laptop_manifest(tracking_id: str) -> dict[str, object]:
    party = {"name": "A Sender", "address": "1 Road\nCity", "country": "DE"}
    return {
        "version": 1,
        "kind": "postal",
        "tracking_id": tracking_id,
        "category": "sale_of_goods",
        "sender": party,
        "addressee": {"name": "A Receiver", "address": "2 Street\nSeoul", "country": "KR"},
        "lines": [
            {
                "description": "Laptop computer",
                "quantity": 1,
                "net_weight_g": 1800,
                "value": 900.0,
                "currency": "EUR",
                "hs_code": "847130",
                "origin_country": "DE",
            }
        ],
    }


@pytest.mark.parametrize(
    ("detector", "report", "expect_not_seen"),
    [
        (FixedDetector(), True, True),  # a detector ran and saw no laptop
        (FixedDetector("laptop"), True, False),  # it saw the declared laptop
        (None, True, False),  # no detector: nothing can be "not seen"
        (FixedDetector(), False, False),  # switched off in the config
    ],
    ids=["detector-sees-nothing", "detector-sees-laptop", "no-detector", "not-reported"],
)
def test_declared_but_not_seen_follows_the_config(
    parts: Parts, detector: ItemDetector | None, report: bool, expect_not_seen: bool
) -> None:
    base, database, _ = parts
    config = base.model_copy(
        update={"manifests": base.manifests.model_copy(
            update={"report_declared_not_seen": report})}
    )
    manifests = ManifestRepository(database)
    tracking_id = SimulatedScanner(seed=QUIET_SEED, parcels=1).make_plan(0).tracking_id
    assert tracking_id is not None
    manifests.save(parse_manifest_obj(_laptop_manifest(tracking_id)), source="test")
    processed, failed, _ = _run(parts, detector, manifests=manifests, config=config)
    assert not failed
    (parcel,) = processed
    assert parcel.tracking_id == tracking_id
    kinds = [d.kind for d in parcel.discrepancies]
    assert (DiscrepancyKind.DECLARED_NOT_SEEN in kinds) is expect_not_seen, kinds
    if expect_not_seen:
        assert parcel.triage.level is not TriageLevel.GREEN
        stored = manifests.discrepancies(parcel.scan_id)
        assert DiscrepancyKind.DECLARED_NOT_SEEN in [d.kind for d in stored]


# ---------------------------------------------------------------- station


def _station_config(data_dir: Path, **changes: Any) -> StationConfig:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "driver": DriverConfig(options={"parcels": 1}),
        "detector": DetectorConfig(providers=CPU_ONLY, warmup_runs=0),
    }
    values.update(changes)
    return StationConfig(**values)


@pytest.fixture
def station_factory(calibrated_data_dir: Path) -> Iterator[Any]:
    stations: list[Station] = []

    def make(**changes: Any) -> Station:
        station = Station(_station_config(calibrated_data_dir, **changes), max_parcels=1)
        stations.append(station)
        return station

    yield make
    for station in stations:
        station.stop()


def test_station_reports_its_detector(station_factory: Any) -> None:
    station: Station = station_factory()
    card = read_card(shipped_model_dir())
    status = station.detector_status()
    assert station.detector is not None
    assert status.enabled and status.provider == "CPU" and status.warning is None
    assert status.model == f"{card.name} {card.version}"
    assert status.summary == f"{card.name} {card.version} on CPU"
    assert station.item_label("knife") == "Knife"
    assert station.item_label("lithium_battery") == "Lithium battery"
    assert station.item_label("not_a_class") == "not_a_class"


def test_station_labels_items_in_korean(station_factory: Any) -> None:
    station: Station = station_factory(gui=GuiConfig(language="ko"))
    assert station.item_label("knife") == "칼"
    assert station.item_label("laptop") == "노트북"


def test_station_with_the_default_providers(station_factory: Any) -> None:
    station: Station = station_factory(detector=DetectorConfig(warmup_runs=0))
    status = station.detector_status()
    assert station.detector is not None and status.model
    if status.provider == "CUDA":
        pytest.skip("CUDA loads on this machine: no fallback to report")
    assert status.provider == "CPU"
    assert status.warning is not None and "CUDA" in status.warning


def test_station_runs_on_without_a_usable_model(station_factory: Any, tmp_path: Path) -> None:
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "model.onnx").write_bytes((shipped_model_dir() / "model.onnx").read_bytes())
    card = json.loads((shipped_model_dir() / "model.json").read_text(encoding="utf-8"))
    card["sha256"] = "0" * 64
    (broken / "model.json").write_text(json.dumps(card), encoding="utf-8")
    station: Station = station_factory(
        detector=DetectorConfig(model_dir=broken, providers=CPU_ONLY, warmup_runs=0)
    )
    assert station.detector is None
    status = station.detector_status()
    assert status.enabled and status.summary == "detector unavailable"
    assert status.warning is not None and "sha256" in status.warning
    assert station.item_label("lithium_battery") == "lithium battery"


def test_station_with_the_detector_off(station_factory: Any) -> None:
    station: Station = station_factory(detector=DetectorConfig(enabled=False))
    assert station.detector is None
    status = station.detector_status()
    assert not status.enabled and status.summary == "detector off" and status.warning is None
    assert station.item_label("pill_bottle") == "pill bottle"


def test_station_pipeline_runs_the_detector(station_factory: Any) -> None:
    station: Station = station_factory()
    station.start()
    assert station.pipeline.wait(120), "the simulated parcel was not processed"
    (record,) = station.scans.recent_scans()
    assert "detector" in record.timings_ms
    assert not any(DETECTOR_REASON in r for r in record.triage.reasons)
