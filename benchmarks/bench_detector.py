"""Item detector: speed on this machine and accuracy on freshly simulated parcels.

Speed, with the shipped model through the station's own path (onnxruntime with
the configured providers, IOBinding, fixed input):

* ``model_ms``: one model run on a (1, 3, 512, 512) input, batch 1;
* ``parcel_ms``: a whole 1024 × 1024 parcel (1 m at 1 mm), from the station's
  channels to merged boxes (resampling, tiling, peaks, NMS).

Accuracy on ``n`` parcels simulated now from seeds no dataset split uses
(split seed 9; the shipped model was trained on 1, validated on 2, tested on 3),
through the station's calibration and materials code, scored like
``models.train.evaluate`` (which scores the stored test split). The per-class
table is printed; the figures are the summary.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks._timing import times_ms
from models.train.coco import LabelledParcel
from models.train.dataset import (
    CalibratedStation,
    ParcelJob,
    ParcelSimulator,
    calibrate_station,
    difficulty_for,
    parcel_seeds,
)
from models.train.evaluate import format_table, report, run_detector
from station_app.config import DetectorConfig
from station_app.detection.decode import Boxes
from station_app.detection.detector import OnnxDetector, load_detector
from station_app.detection.model_input import model_planes, station_channels

PIXELS = 1024
SCANNER_SEED = 3
BENCH_SPLIT_SEED = 9
MIX = {"easy": 0.4, "hard": 0.4, "hidden": 0.2}
MODEL_RUNS = 50
PARCEL_RUNS = 20


def _simulated(state: CalibratedStation, n: int, class_names: tuple[str, ...]
               ) -> list[tuple[LabelledParcel, Any]]:
    simulator = ParcelSimulator(state)  # in memory: nothing written
    index = {c: i for i, c in enumerate(class_names)}
    parcels: list[tuple[LabelledParcel, Any]] = []
    for seed in parcel_seeds(BENCH_SPLIT_SEED, n):
        image, objects, difficulty = simulator.simulate(
            ParcelJob("bench", seed, difficulty_for(SCANNER_SEED, seed, MIX)))
        xyxy = np.asarray([[o.box_xywh[0], o.box_xywh[1], o.box_xywh[0] + o.box_xywh[2],
                            o.box_xywh[1] + o.box_xywh[3]] for o in objects],
                          np.float32).reshape(-1, 4)
        truth = Boxes(xyxy, np.ones(len(objects), np.float32),
                      np.asarray([index[o.class_name] for o in objects], np.int64))
        parcels.append((LabelledParcel(f"p{seed}", station_channels(image), image.line_pitch_mm,
                                   image.pixel_pitch_mm, truth, difficulty), image))
    return parcels


def run(n: int = 60) -> dict[str, float]:
    detector, status = load_detector(DetectorConfig())
    if detector is None:
        raise RuntimeError(f"no detector: {status.warning}")
    assert isinstance(detector, OnnxDetector)
    state = calibrate_station(SCANNER_SEED, PIXELS, "SIM-0001")
    parcels = _simulated(state, max(n, 1), detector.card.class_names)

    # the longest simulated parcel, padded with air or cut to exactly 1024 lines
    sample, image = max(parcels, key=lambda p: p[0].channels.shape[0])
    channels = np.zeros((1024, PIXELS, 3), np.float32)
    lines = min(1024, sample.channels.shape[0])
    channels[:lines] = sample.channels[:lines]
    contract = detector.card.input
    planes = model_planes(channels, contract, image.line_pitch_mm, image.pixel_pitch_mm)
    batch = np.zeros((1, 3, contract.height_px, contract.width_px), np.float32)
    h, w = min(contract.height_px, planes.shape[1]), min(contract.width_px, planes.shape[2])
    batch[0, :, :h, :w] = planes[:, :h, :w]
    model_times = times_ms(lambda: detector.run_model(batch), MODEL_RUNS)
    parcel_times = times_ms(
        lambda: detector.detect_channels(channels, image.line_pitch_mm, image.pixel_pitch_mm),
        PARCEL_RUNS)

    images, _ = run_detector(detector, (p for p, _ in parcels))
    lower = {n: t for n, t in detector.class_thresholds.items() if t != detector.score_threshold}
    result = report(images, detector.card.class_names, detector.score_threshold, lower)
    print(f"\n{detector.card.name} {detector.card.version} on {status.provider}, "
          f"{len(images)} parcels simulated from split seed {BENCH_SPLIT_SEED}")
    print(format_table(result, detector.card.class_names))
    subsets = result["subsets"]
    op = result["operating_point"]
    return {
        "model_ms_512x512_median": float(np.median(model_times)),
        "model_ms_512x512_p95": float(np.percentile(model_times, 95)),
        "parcel_ms_1024x1024_median": float(np.median(parcel_times)),
        "parcel_ms_1024x1024_p95": float(np.percentile(parcel_times, 95)),
        "on_gpu": 1.0 if status.provider == "CUDA" else 0.0,
        "map50_all": subsets["all"]["map50"],
        "map50_95_all": subsets["all"]["map50_95"],
        "map50_hard_hidden": subsets["hard+hidden"]["map50"],
        "recall_handgun_at_threshold": op["recall"]["handgun"] or 0.0,
        "recall_knife_at_threshold": op["recall"]["knife"] or 0.0,
        "false_per_clutter_parcel": op["false_per_clutter_parcel_all"],
        "parcels": float(len(images)),
    }
