"""The image-quality test: passes on a good scanner, fails detectably on a bad one.

Every degradation is physical, made by the simulator: a weak tube (more quantum
noise, calibrated at that current), a defocused detector (extra blur before the
noise), and a calibration of another detector loaded by mistake.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from technician_helpers import Calibrated, calibrated_scanner

from drivers.simulator.targets import (
    Grid,
    iq_test_piece_plan,
    load_step_wedge_spec,
    step_wedge_plan,
)
from station_app.domain import RawScan
from station_app.imaging.calibration import CalibrationError
from station_app.imaging.iq_test import (
    IqReport,
    IqTestError,
    load_iq_piece,
    parse_iq_piece,
)
from station_app.technician.acquire import scan_target
from station_app.technician.image_quality import run_iq_test, score_raw_scan


def _raw(c: Calibrated, high: np.ndarray, low: np.ndarray) -> RawScan:
    info = c.scanner.info
    return RawScan("t" * 32, info.serial, 0, high, low, 0, 1, info.line_pitch_mm, info.pitch_mm)


def _rendered(c: Calibrated, plan_name: str = "iq", extra_blur_px: float = 0.0) -> RawScan:
    """The piece (or the wedge) imaged by the simulator's physics and detector model,
    with air around it, optionally defocused by ``extra_blur_px``."""
    grid = Grid(pixels=c.scanner.info.pixels, pitch_mm=c.scanner.info.pitch_mm,
                line_pitch_mm=c.scanner.info.line_pitch_mm)
    plan = iq_test_piece_plan(grid) if plan_name == "iq" else step_wedge_plan(
        load_step_wedge_spec(), grid)
    high_t, low_t = c.scanner.expected_transmission(plan)
    pad = np.ones((60, high_t.shape[1]), np.float32)
    maps = [np.vstack([pad, t, pad]).astype(np.float32) for t in (high_t, low_t)]
    if extra_blur_px:
        maps = [np.asarray(cv2.GaussianBlur(t, (0, 0), extra_blur_px), np.float32) for t in maps]
    high, low = c.scanner.detector.counts(maps[0], maps[1], np.random.default_rng(5))
    return _raw(c, high, low)


@pytest.fixture(scope="module")
def good_report(calibrated: Calibrated) -> IqReport:
    return run_iq_test(calibrated.config, calibrated.scanner, calibrated.detector,
                       calibrated.materials)


def test_good_scanner_passes_every_test(good_report: IqReport) -> None:
    assert good_report.passed, good_report.table()
    assert [r.test for r in good_report.results] == [
        "wire_display", "useful_penetration", "spatial_resolution", "thin_organic",
        "simple_penetration", "material_differentiation",
    ]
    wires = good_report.result("wire_display")
    assert wires.achieved is not None and 30 <= wires.achieved < 40
    # Thicker wires show more contrast: CNR falls with the gauge in each orientation.
    across = [m.value for m in wires.measurements if m.label.endswith("across")]
    assert across[0] > across[3] > across[6]
    assert good_report.result("material_differentiation").achieved == 4
    assert "PASS" in good_report.table().splitlines()[-1]


def test_weak_tube_fails_on_noise(tmp_path: Path, good_report: IqReport) -> None:
    weak = calibrated_scanner(tmp_path, tube_ma=0.15)
    try:
        report = run_iq_test(weak.config, weak.scanner, weak.detector, weak.materials)
    finally:
        weak.scanner.close()
    assert not report.passed
    assert "wire_display" in report.failed_tests()
    good_cnr = good_report.result("wire_display").measurements[3].value
    assert report.result("wire_display").measurements[3].value < 0.6 * good_cnr


def test_defocused_detector_fails_spatial_resolution(calibrated: Calibrated) -> None:
    sharp = score_raw_scan(calibrated.config, _rendered(calibrated), calibrated.detector,
                           calibrated.materials, load_iq_piece())
    blurred = score_raw_scan(calibrated.config, _rendered(calibrated, extra_blur_px=1.6),
                             calibrated.detector, calibrated.materials, load_iq_piece())
    assert sharp.passed, sharp.table()
    assert not blurred.passed
    assert "spatial_resolution" in blurred.failed_tests()
    fine_sharp = sharp.result("spatial_resolution").measurements
    fine_blurred = blurred.result("spatial_resolution").measurements
    assert fine_blurred[2].value < 0.5 * fine_sharp[2].value  # 2 mm bars


def test_calibration_of_another_detector_fails(tmp_path: Path, calibrated: Calibrated) -> None:
    other = calibrated_scanner(tmp_path, serial="SIM-0777")
    other.scanner.close()
    # Loaded by mistake under this scanner's serial: its gains and offsets are another's.
    wrong = replace(other.detector, scanner_serial=calibrated.detector.scanner_serial)
    # Its per-pixel gains leave air columns at several % attenuation: the image is
    # striped so badly that the piece's outline is lost in it.
    with pytest.raises(IqTestError, match="width across the belt"):
        score_raw_scan(calibrated.config, _rendered(calibrated), wrong, other.materials,
                       load_iq_piece())
    with pytest.raises(CalibrationError, match="not found in 4 scans"):
        run_iq_test(calibrated.config, calibrated.scanner, wrong, other.materials)


def test_another_target_is_not_scored(calibrated: Calibrated) -> None:
    with pytest.raises(IqTestError, match="test piece"):
        score_raw_scan(calibrated.config, _rendered(calibrated, "wedge"), calibrated.detector,
                       calibrated.materials, load_iq_piece())


def test_scan_gives_up_when_the_piece_never_comes(calibrated: Calibrated) -> None:
    def never(raw: RawScan) -> None:
        raise IqTestError("not the piece")

    with pytest.raises(CalibrationError, match="not found in 4 scans"):
        scan_target(calibrated.config, calibrated.scanner, calibrated.detector, "step_wedge",
                    320.0, never, rejected=IqTestError)


def test_datasheet_errors_are_named(tmp_path: Path) -> None:
    with pytest.raises(IqTestError, match="no test piece datasheet named"):
        load_iq_piece("no_such_piece")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(IqTestError, match="not JSON"):
        load_iq_piece(bad)
    good = json.loads(
        (Path(__file__).parents[2] / "resources" / "iq" / "astm_f792_style.json").read_text()
    )
    broken = json.loads(json.dumps(good))
    broken["shapes"][0]["kind"] = "sphere"
    with pytest.raises(IqTestError, match="unknown kind 'sphere'"):
        parse_iq_piece(broken)
    outside = json.loads(json.dumps(good))
    outside["shapes"][2]["box_mm"] = [10.0, 10.0, 20.0, 900.0]
    with pytest.raises(IqTestError, match="outside the piece"):
        parse_iq_piece(outside)
    del good["tests"]
    with pytest.raises(IqTestError, match="missing or malformed field"):
        parse_iq_piece(good)
