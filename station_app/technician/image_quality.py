"""Running the image-quality test on a scanner: scan the test piece, score it.

``run_iq_test`` scans the ASTM F792-style piece (queued by a scanner that loads
its own targets, placed by the technician otherwise), processes the scan with the
calibration under test exactly as a parcel would be processed, and scores it
(``imaging.iq_test``). Storing the report is the caller's choice
(``storage.image_quality``), so the calibration wizard can test a calibration
before it is accepted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from drivers.base import ScannerDriver
from station_app.config import StationConfig
from station_app.domain import RawScan
from station_app.drivers import create_driver
from station_app.imaging.calibration import CalibrationSet, Calibrator
from station_app.imaging.iq_test import (
    IqPieceSpec,
    IqReport,
    IqTestError,
    load_iq_piece,
    score_iq_scan,
)
from station_app.imaging.materials import MaterialAnalyzer, MaterialModel
from station_app.station_calibration import load_calibration
from station_app.storage import open_database
from station_app.storage.image_quality import ImageQualityRepository
from station_app.technician.acquire import scan_target

IQ_TARGET = "iq_test_piece"


def score_raw_scan(
    config: StationConfig,
    raw: RawScan,
    detector: CalibrationSet,
    materials: MaterialModel,
    spec: IqPieceSpec,
) -> IqReport:
    """Process one raw scan of the piece with this calibration and score it."""
    analyzer = MaterialAnalyzer(Calibrator(detector), materials, config.materials)
    image = analyzer.process(raw)
    return score_iq_scan(
        image,
        spec,
        scanner_serial=raw.scanner_serial,
        impenetrable_a_high=analyzer.impenetrable_a_high,
        detector_calibration_id=detector.calibration_id,
    )


def run_iq_test(
    config: StationConfig,
    driver: ScannerDriver,
    detector: CalibrationSet,
    materials: MaterialModel,
    *,
    spec: IqPieceSpec | None = None,
    prompt: Callable[[str], None] = lambda _m: None,
) -> IqReport:
    """Scan the test piece and score it; ``CalibrationError`` when it is never seen."""
    piece = spec if spec is not None else load_iq_piece()
    return scan_target(
        config,
        driver,
        detector,
        IQ_TARGET,
        piece.size_along_mm,
        lambda raw: score_raw_scan(config, raw, detector, materials, piece),
        prompt=prompt,
        rejected=IqTestError,
    )


def iq_test_command(config: StationConfig, *, operator: str, as_json: bool) -> int:
    """``station-app iq-test``: scan, score and store; 0 when every test passed, 1 if not."""
    database = open_database(config.resolved_database_url)
    try:
        driver = create_driver(config.driver.name, config.driver.options)
        driver.open()
        try:
            loaded = load_calibration(config, database, driver.info)
            report = run_iq_test(config, driver, loaded.detector, loaded.materials,
                                 prompt=lambda m: print(f"iq-test: {m}", file=sys.stderr))
        finally:
            driver.close()
        run_id = ImageQualityRepository(database, config.station_id).save(
            report, operator=operator, calibration_id=loaded.detector_id
        )
    finally:
        database.close()
    if as_json:
        print(json.dumps({
            "run_id": run_id,
            "scanner_serial": report.scanner_serial,
            "piece": report.piece,
            "passed": report.passed,
            "tests": [r.to_dict() for r in report.results],
        }))
    else:
        print(f"scanner {report.scanner_serial}: image-quality run {run_id[:8]} stored")
        print(report.table())
    return 0 if report.passed else 1
