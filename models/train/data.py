"""Training data for XCNet: a COCO dataset written by ``models.train.dataset``
(simulated or imported real scans), resampled once to the model's pitch with the
station's own ``model_planes``, then cut into random crops with centre-point targets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from models.train.coco import load_coco_split
from models.train.labels import class_names
from station_app.detection.decode import Boxes
from station_app.detection.model_input import InputContract, model_planes

GAUSSIAN_ALPHA = 0.54  # TTFNet: the peak's spread is this fraction of the box
MIN_VISIBLE = 0.5  # a crop keeps an item when at least this share of its box is inside


@dataclass(frozen=True)
class Sample:
    """One parcel at the model's pitch: planes float16 (3, rows, cols), boxes in plane pixels."""

    name: str
    planes: NDArray[np.float16]
    truth: Boxes
    difficulty: str
    content_box: tuple[int, int, int, int]  # x0, y0, x1, y1 of non-air pixels


def _content_box(planes: NDArray[np.float16]) -> tuple[int, int, int, int]:
    mask = planes[0] > 0.01
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return (0, 0, planes.shape[2], planes.shape[1])
    return (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


def load_split(root: Path, split: str, contract: InputContract,
               limit: int | None = None) -> list[Sample]:
    """All parcels of one split, resampled (this holds the split in memory, float16)."""
    samples: list[Sample] = []
    for parcel in load_coco_split(root, split, class_names(), limit):
        planes = model_planes(parcel.channels, contract, parcel.line_pitch_mm,
                              parcel.pixel_pitch_mm).astype(np.float16)
        sx = parcel.pixel_pitch_mm / contract.pitch_mm
        sy = parcel.line_pitch_mm / contract.pitch_mm
        truth = parcel.truth
        samples.append(Sample(
            name=parcel.name,
            planes=planes,
            truth=Boxes(truth.xyxy * np.asarray([sx, sy, sx, sy], np.float32), truth.scores,
                        truth.classes),
            difficulty=parcel.difficulty,
            content_box=_content_box(planes),
        ))
    return samples


class CropSampler:
    """Where training crops come from.

    ``objects``: a random parcel, centred on one of its objects 70 % of the time.
    ``balanced``: centred on an object with every class equally likely 75 % of the
    time (a thin class like knives must not drown in phones), else anywhere.
    """

    MODES = ("objects", "balanced")

    def __init__(self, samples: Sequence[Sample], mode: str = "balanced") -> None:
        if mode not in self.MODES:
            raise ValueError(f"sampling {mode!r}: expected one of {', '.join(self.MODES)}")
        self.samples = samples
        self.mode = mode
        by_class: dict[int, list[tuple[int, int]]] = {}
        for i, s in enumerate(samples):
            for j, cls in enumerate(s.truth.classes):
                by_class.setdefault(int(cls), []).append((i, j))
        self.by_class = [by_class[c] for c in sorted(by_class)]

    def crop(self, crop: int, rng: np.random.Generator) -> tuple[NDArray[np.float32], Boxes]:
        if self.mode == "objects":
            sample = self.samples[int(rng.integers(len(self.samples)))]
            around = None
            if len(sample.truth) and rng.random() < 0.7:
                around = int(rng.integers(len(sample.truth)))
            return random_crop(sample, crop, rng, around=around)
        if self.by_class and rng.random() < 0.75:
            objects = self.by_class[int(rng.integers(len(self.by_class)))]
            i, j = objects[int(rng.integers(len(objects)))]
            return random_crop(self.samples[i], crop, rng, around=j)
        return random_crop(self.samples[int(rng.integers(len(self.samples)))], crop, rng)


def largest_item_mm(samples: Sequence[Sample], pitch_mm: float) -> float:
    """The longest box side in the data, in mm (sets the tile overlap)."""
    sides = [float(np.max(s.truth.xyxy[:, 2:] - s.truth.xyxy[:, :2])) for s in samples
             if len(s.truth)]
    return max(sides, default=0.0) * pitch_mm


@dataclass(frozen=True)
class Targets:
    heat: NDArray[np.float32]  # (C, h, w) Gaussian peaks, 1 at item centres
    box: NDArray[np.float32]  # (4, h, w) log(w/stride), log(h/stride), offset x, offset y
    box_mask: NDArray[np.float32]  # (h, w) 1 at item centres


def _gaussian(heat: NDArray[np.float32], cx: int, cy: int, sx: float, sy: float) -> None:
    h, w = heat.shape
    rx, ry = max(1, int(3 * sx)), max(1, int(3 * sy))
    x0, x1, y0, y1 = max(0, cx - rx), min(w, cx + rx + 1), max(0, cy - ry), min(h, cy + ry + 1)
    xs = np.arange(x0, x1, dtype=np.float32) - cx
    ys = np.arange(y0, y1, dtype=np.float32) - cy
    g = np.exp(-(xs[None, :] ** 2) / (2 * sx * sx) - (ys[:, None] ** 2) / (2 * sy * sy))
    np.maximum(heat[y0:y1, x0:x1], g, out=heat[y0:y1, x0:x1])


def make_targets(truth: Boxes, size_hw: tuple[int, int], num_classes: int,
                 stride: int) -> Targets:
    h, w = size_hw[0] // stride, size_hw[1] // stride
    heat = np.zeros((num_classes, h, w), np.float32)
    box = np.zeros((4, h, w), np.float32)
    mask = np.zeros((h, w), np.float32)
    # large items first, so a small item's centre wins a shared cell
    order = np.argsort(-np.prod(truth.xyxy[:, 2:] - truth.xyxy[:, :2], axis=1))
    for i in order:
        x0, y0, x1, y1 = (float(v) for v in truth.xyxy[i])
        bw, bh = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
        cx, cy = (x0 + x1) / 2 / stride, (y0 + y1) / 2 / stride
        ix, iy = min(int(cx), w - 1), min(int(cy), h - 1)
        sx = max(GAUSSIAN_ALPHA * bw / stride / 6, 0.5)
        sy = max(GAUSSIAN_ALPHA * bh / stride / 6, 0.5)
        _gaussian(heat[int(truth.classes[i])], ix, iy, sx, sy)
        heat[int(truth.classes[i]), iy, ix] = 1.0
        box[:, iy, ix] = (math.log(bw / stride), math.log(bh / stride), cx - ix, cy - iy)
        mask[iy, ix] = 1.0
    return Targets(heat, box, mask)


def random_crop(sample: Sample, crop: int, rng: np.random.Generator,
                around: int | None = None) -> tuple[NDArray[np.float32], Boxes]:
    """A crop (3, crop, crop) and its boxes, with flips and transposition; near the
    object of index ``around`` when given, else anywhere on the parcel's content."""
    _, rows, cols = sample.planes.shape
    if around is not None:
        box = sample.truth.xyxy[around]
        cx = (box[0] + box[2]) / 2 + rng.uniform(-crop / 3, crop / 3)
        cy = (box[1] + box[3]) / 2 + rng.uniform(-crop / 3, crop / 3)
    else:
        x0, y0, x1, y1 = sample.content_box
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
    c0 = int(np.clip(round(cx - crop / 2), min(0, cols - crop), max(0, cols - crop)))
    r0 = int(np.clip(round(cy - crop / 2), min(0, rows - crop), max(0, rows - crop)))
    out = np.zeros((3, crop, crop), np.float32)
    src_r0, src_c0 = max(r0, 0), max(c0, 0)
    src = sample.planes[:, src_r0:r0 + crop, src_c0:c0 + crop]
    out[:, src_r0 - r0:src_r0 - r0 + src.shape[1], src_c0 - c0:src_c0 - c0 + src.shape[2]] = src
    xyxy = sample.truth.xyxy - np.asarray([c0, r0, c0, r0], np.float32)
    clipped = np.clip(xyxy, 0.0, float(crop))
    area = np.prod(xyxy[:, 2:] - xyxy[:, :2], axis=1)
    visible = np.prod(np.clip(clipped[:, 2:] - clipped[:, :2], 0.0, None), axis=1)
    keep = visible >= MIN_VISIBLE * np.maximum(area, 1e-6)
    boxes = clipped[keep]
    classes = sample.truth.classes[keep]
    if rng.random() < 0.5:  # mirror across the belt direction
        out = out[:, :, ::-1]
        boxes = np.stack([crop - boxes[:, 2], boxes[:, 1], crop - boxes[:, 0], boxes[:, 3]], 1)
    if rng.random() < 0.5:
        out = out[:, ::-1, :]
        boxes = np.stack([boxes[:, 0], crop - boxes[:, 3], boxes[:, 2], crop - boxes[:, 1]], 1)
    if rng.random() < 0.5:
        out = out.transpose(0, 2, 1)
        boxes = boxes[:, [1, 0, 3, 2]]
    boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
    return (np.ascontiguousarray(out),
            Boxes(boxes, np.ones(len(boxes), np.float32), classes.astype(np.int64)))
