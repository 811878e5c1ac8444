"""Detector accuracy: COCO-style average precision, recall at an operating point,
false detections on clutter-only parcels.

AP follows the COCO definition (greedy matching by score, each ground-truth box
matched once to the unmatched box of highest IoU ≥ threshold, precision made
monotone, sampled at 101 recall points), so figures compare with published ones.
mAP@0.5:0.95 averages IoU 0.50, 0.55 … 0.95. A class with no ground truth in a
subset has no AP there and is left out of that subset's mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from station_app.detection.decode import Boxes, iou_matrix

IOU_THRESHOLDS: tuple[float, ...] = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))
_RECALL_POINTS = np.linspace(0.0, 1.0, 101)


@dataclass(frozen=True)
class EvalImage:
    """One evaluated image: ground truth and detections (xyxy, same pixels), subset tags."""

    name: str
    truth: Boxes  # scores ignored
    found: Boxes
    tags: frozenset[str] = field(default_factory=frozenset)  # e.g. {"hard"}


def _match(truth: Boxes, found: Boxes, cls: int, iou_threshold: float
           ) -> tuple[NDArray[np.float32], NDArray[np.bool_], int]:
    """Scores and true-positive flags of one image's detections of ``cls``; count of truth."""
    t = truth.xyxy[truth.classes == cls]
    sel = found.classes == cls
    scores = found.scores[sel]
    order = np.argsort(-scores, kind="stable")
    boxes = found.xyxy[sel][order]
    scores = scores[order]
    tp = np.zeros(len(scores), dtype=bool)
    if len(t) and len(boxes):
        ious = iou_matrix(boxes, t)
        taken = np.zeros(len(t), dtype=bool)
        for i in range(len(boxes)):
            candidates = np.where(taken, -1.0, ious[i])
            j = int(np.argmax(candidates))
            if candidates[j] >= iou_threshold:
                taken[j] = True
                tp[i] = True
    return scores, tp, len(t)


def average_precision(images: Sequence[EvalImage], cls: int, iou_threshold: float) -> float | None:
    """COCO AP of one class at one IoU threshold; ``None`` without ground truth."""
    all_scores: list[NDArray[np.float32]] = []
    all_tp: list[NDArray[np.bool_]] = []
    n_truth = 0
    for img in images:
        s, tp, n = _match(img.truth, img.found, cls, iou_threshold)
        all_scores.append(s)
        all_tp.append(tp)
        n_truth += n
    if n_truth == 0:
        return None
    scores = np.concatenate(all_scores) if all_scores else np.zeros(0, np.float32)
    tps = np.concatenate(all_tp) if all_tp else np.zeros(0, bool)
    if scores.size == 0:
        return 0.0
    order = np.argsort(-scores, kind="mergesort")
    tp_cum = np.cumsum(tps[order])
    fp_cum = np.cumsum(~tps[order])
    recall = tp_cum / n_truth
    precision = tp_cum / np.maximum(tp_cum + fp_cum, 1)
    precision = np.maximum.accumulate(precision[::-1])[::-1]  # monotone envelope
    idx = np.searchsorted(recall, _RECALL_POINTS, side="left")
    sampled = np.where(idx < precision.size, precision[np.minimum(idx, precision.size - 1)], 0.0)
    return float(np.mean(sampled))


@dataclass(frozen=True)
class ClassScore:
    ap50: float | None
    ap50_95: float | None
    truth: int


@dataclass(frozen=True)
class SubsetScore:
    """mAP over the classes present, per class detail."""

    images: int
    map50: float
    map50_95: float
    per_class: Mapping[str, ClassScore]


def score_subset(images: Sequence[EvalImage], class_names: Sequence[str]) -> SubsetScore:
    per_class: dict[str, ClassScore] = {}
    for cls, name in enumerate(class_names):
        truth = sum(int(np.count_nonzero(i.truth.classes == cls)) for i in images)
        aps = [average_precision(images, cls, t) for t in IOU_THRESHOLDS]
        per_class[name] = ClassScore(
            ap50=aps[0],
            ap50_95=None if aps[0] is None else float(np.mean([a or 0.0 for a in aps])),
            truth=truth,
        )
    present = [c for c in per_class.values() if c.ap50 is not None]
    return SubsetScore(
        images=len(images),
        map50=float(np.mean([c.ap50 for c in present])) if present else 0.0,
        map50_95=float(np.mean([c.ap50_95 for c in present])) if present else 0.0,
        per_class=per_class,
    )


@dataclass(frozen=True)
class OperatingPoint:
    """Recall per class and false detections per clutter-only image at one threshold."""

    threshold: float
    recall: Mapping[str, float | None]
    false_per_clutter_image: Mapping[str, float]
    clutter_images: int
    class_thresholds: Mapping[str, float] = field(default_factory=dict)  # every class's


def operating_point(images: Sequence[EvalImage], class_names: Sequence[str], threshold: float,
                    iou_threshold: float = 0.5,
                    class_thresholds: Mapping[str, float] | None = None) -> OperatingPoint:
    """At ``threshold``, or per class where ``class_thresholds`` names one."""
    per_class = {n: (class_thresholds or {}).get(n, threshold) for n in class_names}
    recall: dict[str, float | None] = {}
    for cls, name in enumerate(class_names):
        hits = total = 0
        for img in images:
            kept = img.found.select(img.found.scores >= per_class[name])
            _, tp, n = _match(img.truth, kept, cls, iou_threshold)
            hits += int(tp.sum())
            total += n
        recall[name] = hits / total if total else None
    clutter = [i for i in images if len(i.truth) == 0]
    false = {
        name: (sum(int(np.count_nonzero((i.found.classes == cls)
                                        & (i.found.scores >= per_class[name])))
                   for i in clutter) / len(clutter)) if clutter else 0.0
        for cls, name in enumerate(class_names)
    }
    return OperatingPoint(threshold, recall, false, len(clutter), per_class)


def subsets(images: Sequence[EvalImage], tags: Iterable[str]) -> dict[str, list[EvalImage]]:
    """``all`` plus one subset per tag (images carrying it)."""
    out: dict[str, list[EvalImage]] = {"all": list(images)}
    for tag in tags:
        out[tag] = [i for i in images if tag in i.tags]
    return out
