"""The shipped detector on whole simulated parcels, through the station's own
calibration, materials and tiling: a knife is found wherever it lies in a
parcel up to the longest the station accepts (1.6 m), including across tile seams.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from drivers.simulator import SimulatedScanner
from drivers.simulator.items.clutter import build_books, build_clothes
from drivers.simulator.items.containers import build_cardboard_box
from drivers.simulator.items.weapons import build_knife
from drivers.simulator.model import ParcelPlan, PlacedItem, Placement
from models.train.dataset import CalibratedStation, calibrate_station, objects_from_truth
from station_app.config import DetectorConfig, MaterialsConfig
from station_app.detection.decode import iou_matrix
from station_app.detection.detector import OnnxDetector, load_detector
from station_app.domain import MaterialImage, RawScan
from station_app.imaging.calibration import CalibrationSet, Calibrator
from station_app.imaging.materials import MaterialAnalyzer, MaterialModel

pytestmark = pytest.mark.slow

PIXELS = 1024
WIDTH_PX = 420
OFFSET_PX = 300


@pytest.fixture(scope="module")
def station() -> CalibratedStation:
    return calibrate_station(3, PIXELS, "SIM-0001")


@pytest.fixture(scope="module")
def detector() -> OnnxDetector:
    found, status = load_detector(DetectorConfig(providers=["CPUExecutionProvider"]))
    assert found is not None, status.warning
    return found


def _plan_with_knife(length_lines: int, knife_line: float, seed: int) -> Callable[..., ParcelPlan]:
    def factory(rng: np.random.Generator, *, pixels: int, pitch_mm: float,
                difficulty: str | None) -> ParcelPlan:
        rng = np.random.default_rng(seed)
        box = build_cardboard_box(rng, pitch_mm, length_mm=length_lines * pitch_mm,
                                  width_mm=WIDTH_PX * pitch_mm, height_mm=150.0)
        walls = PlacedItem(box, Placement((box.shape[0] - 1) / 2, (box.shape[1] - 1) / 2))
        clutter = [
            PlacedItem(build_books(rng, pitch_mm), Placement(length_lines * 0.3, 120.0, 10.0)),
            PlacedItem(build_clothes(rng, pitch_mm), Placement(length_lines * 0.6, 290.0, 80.0)),
        ]
        knife = PlacedItem(build_knife(rng, pitch_mm), Placement(knife_line, 210.0, 15.0))
        return ParcelPlan(length_lines, WIDTH_PX, OFFSET_PX, (walls,), (*clutter, knife),
                          "easy", "")
    return factory


def _scan(station: CalibratedStation, plan_factory: Callable[..., ParcelPlan]
          ) -> tuple[MaterialImage, Any]:
    scanner = SimulatedScanner(seed=station.seed, pixels=station.pixels, parcels=0,
                               serial=station.serial, plan_factory=plan_factory)
    parcel = scanner.render_parcel(1)
    info = scanner.info
    raw = RawScan("knife-test", info.serial, 0, parcel.high_counts, parcel.low_counts, 0, 0,
                  info.line_pitch_mm, info.pitch_mm)
    analyzer = MaterialAnalyzer(Calibrator(CalibrationSet.from_bytes(station.calibration)),
                                MaterialModel.from_bytes(station.material_model),
                                MaterialsConfig())
    image = analyzer.process(raw)
    knives = [o for o in objects_from_truth(parcel.truth, image.shape) if o.class_name == "knife"]
    assert len(knives) == 1
    return image, knives[0]


@pytest.mark.parametrize(
    ("length_lines", "knife_line"),
    [
        (1600, 1470.0),  # the far end of the longest parcel the station accepts
        (1600, 130.0),  # its start
        (1600, 520.0),  # across the first tile seam (tiles overlap around 512 model px)
        (600, 300.0),  # an ordinary parcel: one tile
    ],
)
def test_knife_is_found_once_wherever_it_lies(
    station: CalibratedStation, detector: OnnxDetector, length_lines: int, knife_line: float
) -> None:
    image, knife = _scan(station, _plan_with_knife(length_lines, knife_line, seed=7))
    detections = detector.detect(image)
    knives = [d for d in detections if d.class_name == "knife"]
    x, y, w, h = knife.box_xywh
    truth = np.asarray([[x, y, x + w, y + h]], np.float32)
    boxes = np.asarray([[d.box.px0, d.box.line0, d.box.px1, d.box.line1] for d in knives],
                       np.float32).reshape(-1, 4)
    ious = iou_matrix(boxes, truth)[:, 0] if len(boxes) else np.zeros(0)
    assert int(np.count_nonzero(ious >= 0.5)) == 1, (
        f"knife at line {knife_line} of {length_lines}: truth {truth[0].tolist()}, "
        f"found {[(d.confidence, d.box) for d in knives]}"
    )
