"""Detector accuracy figures: COCO-style AP, per-subset means, the operating point."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from station_app.detection.decode import Boxes
from station_app.detection.evaluation import (
    IOU_THRESHOLDS,
    EvalImage,
    average_precision,
    operating_point,
    score_subset,
    subsets,
)

CLASSES = ("knife", "handgun", "laptop")


def _boxes(rows: Sequence[tuple[float, float, float, float, float, int]]) -> Boxes:
    """(x0, y0, x1, y1, score, class) rows."""
    if not rows:
        return Boxes.empty()
    arr = np.array(rows, np.float64)
    return Boxes(arr[:, :4].astype(np.float32), arr[:, 4].astype(np.float32),
                 arr[:, 5].astype(np.int64))


def _truth(rows: Sequence[tuple[float, float, float, float, int]]) -> Boxes:
    return _boxes([(*r[:4], 1.0, r[4]) for r in rows])


def _image(name: str, truth: Sequence[tuple[float, float, float, float, int]],
           found: Sequence[tuple[float, float, float, float, float, int]],
           tags: frozenset[str] = frozenset()) -> EvalImage:
    return EvalImage(name, _truth(truth), _boxes(found), tags)


def _perfect_set() -> list[EvalImage]:
    return [
        _image("a", [(10, 10, 50, 40, 0), (100, 20, 160, 90, 2)],
               [(10, 10, 50, 40, 0.8, 0), (100, 20, 160, 90, 0.6, 2)]),
        _image("b", [(0, 0, 30, 30, 0)], [(0, 0, 30, 30, 0.4, 0)]),
    ]


def test_iou_thresholds_are_coco_ones() -> None:
    assert list(IOU_THRESHOLDS) == pytest.approx([0.5 + 0.05 * i for i in range(10)])
    assert len(IOU_THRESHOLDS) == 10


def test_perfect_detections_score_one() -> None:
    images = _perfect_set()
    for threshold in IOU_THRESHOLDS:
        assert average_precision(images, 0, threshold) == pytest.approx(1.0)
        assert average_precision(images, 2, threshold) == pytest.approx(1.0)
    score = score_subset(images, CLASSES)
    assert score.images == 2
    assert score.map50 == pytest.approx(1.0) and score.map50_95 == pytest.approx(1.0)


def test_no_detections_score_zero_and_no_truth_scores_none() -> None:
    images = [_image("a", [(10, 10, 50, 40, 0)], []), _image("b", [], [(0, 0, 9, 9, 0.9, 1)])]
    assert average_precision(images, 0, 0.5) == 0.0
    assert average_precision(images, 1, 0.5) is None  # detections, but nothing to find
    assert average_precision(images, 2, 0.5) is None
    assert average_precision([], 0, 0.5) is None


def test_detections_of_another_class_or_place_do_not_count() -> None:
    images = [_image("a", [(10, 10, 50, 40, 0)],
                     [(10, 10, 50, 40, 0.9, 1), (200, 200, 240, 230, 0.8, 0)])]
    assert average_precision(images, 0, 0.5) == 0.0


def test_hand_computed_average_precision() -> None:
    # Three knives in two images. By descending score:
    #   0.9 TP (knife 1), 0.8 FP (a second box on knife 1), 0.7 TP (knife 2),
    #   0.6 FP (nothing there); knife 3 is never found.
    # recall    1/3, 1/3, 2/3, 2/3
    # precision 1,   1/2, 2/3, 1/2  → monotone envelope 1, 2/3, 2/3, 1/2
    # 101 recall points r = i/100: i = 0..33 (r ≤ 1/3) → 1; i = 34..66 (r ≤ 2/3) → 2/3;
    # i = 67..100 → recall never reached → 0.  AP = (34·1 + 33·2/3) / 101 = 56/101.
    images = [
        _image("a", [(0, 0, 40, 20, 0), (100, 0, 140, 20, 0)],
               [(0, 0, 40, 20, 0.9, 0), (1, 0, 41, 20, 0.8, 0), (300, 300, 320, 320, 0.6, 0)]),
        _image("b", [(50, 50, 90, 70, 0)], [(51, 50, 90, 71, 0.7, 0)]),
    ]
    expected = float(Fraction(34, 101) + Fraction(33, 101) * Fraction(2, 3))
    assert expected == pytest.approx(56 / 101)
    assert average_precision(images, 0, 0.5) == pytest.approx(expected, abs=1e-12)


def test_precision_is_made_monotone() -> None:
    # FP, TP, TP: precision 0, 1/2, 2/3 rises with recall; its envelope is 2/3 everywhere
    # (recall 0, 1/2, 1), so every one of the 101 points is 2/3
    images = [_image("a", [(0, 0, 10, 10, 1), (20, 0, 30, 10, 1)],
                     [(50, 50, 60, 60, 0.9, 1), (0, 0, 10, 10, 0.8, 1), (20, 0, 30, 10, 0.7, 1)])]
    assert average_precision(images, 1, 0.5) == pytest.approx(2 / 3)


def test_a_box_takes_the_truth_it_overlaps_most_and_each_truth_once() -> None:
    # two truths side by side; the best box overlaps both, more the right one
    truth = [(0, 0, 10, 10, 0), (8, 0, 18, 10, 0)]
    found = [(7.5, 0, 17.5, 10, 0.9, 0), (0, 0, 10, 10, 0.8, 0)]
    assert average_precision([_image("a", truth, found)], 0, 0.5) == pytest.approx(1.0)
    # the same boxes at a lower score than a duplicate: the duplicate is a false positive
    dup = [(7.5, 0, 17.5, 10, 0.9, 0), (8, 0, 18, 10, 0.85, 0), (0, 0, 10, 10, 0.8, 0)]
    # recall 1/2, 1/2, 1; precision 1, 1/2, 2/3 → envelope 1, 2/3, 2/3
    # points i = 0..50 → 1, i = 51..100 → 2/3
    expected = (51 + 50 * 2 / 3) / 101
    assert average_precision([_image("a", truth, dup)], 0, 0.5) == pytest.approx(expected)


def test_per_class_means_leave_out_classes_without_truth() -> None:
    images = [
        _image("a", [(10, 10, 50, 40, 0)], [(10, 10, 50, 40, 0.9, 0), (0, 0, 5, 5, 0.95, 1)]),
        _image("b", [(60, 60, 90, 90, 2)], []),
    ]
    score = score_subset(images, CLASSES)
    assert score.per_class["knife"].ap50 == pytest.approx(1.0)
    assert score.per_class["laptop"].ap50 == 0.0
    assert score.per_class["handgun"].ap50 is None  # false handguns, but none to find
    assert score.per_class["handgun"].ap50_95 is None
    assert score.per_class["handgun"].truth == 0
    assert score.per_class["knife"].truth == 1 and score.per_class["laptop"].truth == 1
    assert score.map50 == pytest.approx(0.5)  # (1 + 0) / 2, not / 3
    assert score.map50_95 == pytest.approx(0.5)


def test_empty_subset_scores_zero() -> None:
    score = score_subset([], CLASSES)
    assert score.images == 0 and score.map50 == 0.0 and score.map50_95 == 0.0
    assert all(c.ap50 is None for c in score.per_class.values())


def test_offset_boxes_lose_at_strict_iou() -> None:
    # shifted by 10 % of its width: IoU = 90·100 / (110·100) = 0.818, a hit at 0.50 … 0.80
    # (7 of the 10 thresholds) and a miss at 0.85, 0.90, 0.95
    images = [_image("a", [(0, 0, 100, 100, 0)], [(10, 0, 110, 100, 0.9, 0)])]
    score = score_subset(images, CLASSES)
    assert score.map50 == pytest.approx(1.0)
    assert score.map50_95 == pytest.approx(0.7)
    assert score.map50_95 < score.map50
    assert average_precision(images, 0, 0.8) == pytest.approx(1.0)
    assert average_precision(images, 0, 0.85) == 0.0


def test_operating_point_recall_and_false_detections_on_clutter() -> None:
    images = [
        _image("t1", [(0, 0, 20, 20, 0)], [(0, 0, 20, 20, 0.9, 0)]),  # found
        _image("t2", [(0, 0, 20, 20, 0)], [(0, 0, 20, 20, 0.4, 0)]),  # below the threshold
        _image("t3", [(0, 0, 20, 20, 1), (50, 50, 80, 80, 1)],
               [(0, 0, 20, 20, 0.8, 1), (200, 0, 220, 20, 0.99, 0)]),  # one of two; a false knife
        _image("c1", [], [(0, 0, 9, 9, 0.6, 0), (20, 0, 29, 9, 0.7, 0), (40, 0, 49, 9, 0.2, 0)]),
        _image("c2", [], [(0, 0, 9, 9, 0.9, 1)]),
        _image("c3", [], []),
    ]
    point = operating_point(images, CLASSES, threshold=0.5)
    assert point.threshold == 0.5
    assert point.recall["knife"] == pytest.approx(0.5)
    assert point.recall["handgun"] == pytest.approx(0.5)
    assert point.recall["laptop"] is None
    assert point.clutter_images == 3
    # only clutter-only images count: 2 knives (the 0.2 one is below), 1 handgun over 3
    assert point.false_per_clutter_image["knife"] == pytest.approx(2 / 3)
    assert point.false_per_clutter_image["handgun"] == pytest.approx(1 / 3)
    assert point.false_per_clutter_image["laptop"] == 0.0
    lower = operating_point(images, CLASSES, threshold=0.3)
    assert lower.recall["knife"] == pytest.approx(1.0)
    assert lower.false_per_clutter_image["knife"] == pytest.approx(2 / 3)
    # The knife alone at 0.15: its recall and its clutter count move, the others' do not.
    per_class = operating_point(images, CLASSES, threshold=0.5, class_thresholds={"knife": 0.15})
    assert per_class.class_thresholds == {"knife": 0.15, "handgun": 0.5, "laptop": 0.5}
    assert per_class.recall["knife"] == pytest.approx(1.0)
    assert per_class.false_per_clutter_image["knife"] == pytest.approx(1.0)
    assert per_class.recall["handgun"] == pytest.approx(0.5)
    assert per_class.false_per_clutter_image["handgun"] == pytest.approx(1 / 3)


def test_operating_point_without_clutter_images() -> None:
    point = operating_point(_perfect_set(), CLASSES, threshold=0.5)
    assert point.clutter_images == 0
    assert dict(point.false_per_clutter_image) == {"knife": 0.0, "handgun": 0.0, "laptop": 0.0}
    assert point.recall["knife"] == pytest.approx(0.5)  # the 0.4 knife is below
    assert point.recall["laptop"] == pytest.approx(1.0)


def test_subsets_by_tag() -> None:
    images = [_image("a", [], [], frozenset({"hard"})), _image("b", [], []),
              _image("c", [], [], frozenset({"hard", "dense"}))]
    out = subsets(images, ["hard", "dense", "rare"])
    assert [i.name for i in out["all"]] == ["a", "b", "c"]
    assert [i.name for i in out["hard"]] == ["a", "c"]
    assert [i.name for i in out["dense"]] == ["c"]
    assert out["rare"] == []


# ---------------------------------------------------------------- against pycocotools


def _random_set(seed: int, n_images: int = 25) -> list[EvalImage]:
    """Truth boxes, noisy detections of most of them, duplicates and false boxes."""
    rng = np.random.default_rng(seed)
    images = []
    for i in range(n_images):
        truth: list[tuple[float, float, float, float, int]] = []
        found: list[tuple[float, float, float, float, float, int]] = []
        for _ in range(rng.integers(0, 5)):
            x0, y0 = rng.uniform(0, 400, 2)
            w, h = rng.uniform(10, 120, 2)
            cls = int(rng.integers(0, len(CLASSES)))
            truth.append((x0, y0, x0 + w, y0 + h, cls))
            if rng.random() < 0.8:
                jitter = rng.normal(0, 0.12, 4) * [w, h, w, h]
                box = np.array([x0, y0, x0 + w, y0 + h]) + jitter
                found.append((*box.tolist(), float(rng.uniform(0.05, 1)), cls))
            if rng.random() < 0.2:
                box = np.array([x0, y0, x0 + w, y0 + h]) + rng.normal(0, 1.0, 4)
                found.append((*box.tolist(), float(rng.uniform(0.05, 1)), cls))
        for _ in range(rng.integers(0, 3)):
            x0, y0 = rng.uniform(0, 400, 2)
            w, h = rng.uniform(10, 120, 2)
            found.append((x0, y0, x0 + w, y0 + h, float(rng.uniform(0.05, 1)),
                          int(rng.integers(0, len(CLASSES)))))
        images.append(_image(f"img{i}", truth, found))
    return images


def _coco_precision(images: list[EvalImage]) -> np.ndarray:
    """pycocotools' precision array [T, R, K, A, M] for the set."""
    from pycocotools.coco import COCO  # type: ignore[import-untyped]
    from pycocotools.cocoeval import COCOeval  # type: ignore[import-untyped]

    annotations: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for image_id, img in enumerate(images, start=1):
        for (x0, y0, x1, y1), cls in zip(img.truth.xyxy.tolist(), img.truth.classes.tolist(),
                                         strict=True):
            annotations.append({
                "id": len(annotations) + 1,  # COCO treats id 0 as "unmatched"
                "image_id": image_id, "category_id": cls + 1,
                "bbox": [x0, y0, x1 - x0, y1 - y0], "area": (x1 - x0) * (y1 - y0),
                "iscrowd": 0,
            })
        for (x0, y0, x1, y1), score, cls in zip(img.found.xyxy.tolist(),
                                                img.found.scores.tolist(),
                                                img.found.classes.tolist(), strict=True):
            results.append({"image_id": image_id, "category_id": cls + 1,
                            "bbox": [x0, y0, x1 - x0, y1 - y0], "score": score})
    with contextlib.redirect_stdout(io.StringIO()):
        truth = COCO()
        truth.dataset = {
            "images": [{"id": i} for i in range(1, len(images) + 1)],
            "annotations": annotations,
            "categories": [{"id": k + 1, "name": n} for k, n in enumerate(CLASSES)],
        }
        truth.createIndex()
        found = truth.loadRes(results)
        ev = COCOeval(truth, found, "bbox")
        ev.params.maxDets = [1000, 1000, 1000]
        ev.params.areaRng = [[0, 1e10]]
        ev.params.areaRngLbl = ["all"]
        ev.evaluate()
        ev.accumulate()
    return np.asarray(ev.eval["precision"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_average_precision_agrees_with_pycocotools(seed: int) -> None:
    pytest.importorskip("pycocotools")
    images = _random_set(seed)
    precision = _coco_precision(images)
    compared = 0
    for t, threshold in enumerate(IOU_THRESHOLDS):
        for cls in range(len(CLASSES)):
            ours = average_precision(images, cls, threshold)
            theirs = precision[t, :, cls, 0, -1]
            if (theirs < 0).all():  # COCO: no ground truth of this class
                assert ours is None
                continue
            assert ours == pytest.approx(float(theirs.mean()), abs=1e-9), (threshold, cls)
            compared += 1
    assert compared == len(IOU_THRESHOLDS) * len(CLASSES)
    # and the set is not trivially easy: the scores vary with the IoU threshold
    strict = score_subset(images, CLASSES)
    assert 0.0 < strict.map50_95 < strict.map50 < 1.0
