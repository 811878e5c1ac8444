"""From model outputs to parcel boxes: peaks, IoU, NMS, tiling and seams.

``detect_planes`` is driven by a small numpy "model" that reports, for every
labelled object it sees in its input tile, the box of the part it sees — like a
real detector, it cannot know what lies outside its tile. So a tile that cuts an
object reports a cut box, which the tiler must drop at inner seams.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from numpy.typing import NDArray

from station_app.detection.decode import (
    SEAM_MARGIN_PX,
    Boxes,
    detect_planes,
    iou_matrix,
    nms,
    pick_peaks,
    tile_starts,
)

TILE = (512, 512)
OVERLAP = 234  # the shipped card's: items up to ~450 mm at 2 mm per pixel
STRIDE = 4
CLASSES = 5


# ---------------------------------------------------------------- pick_peaks


def _cell_boxes(h: int, w: int) -> NDArray[np.float32]:
    """(4, h, w): cell (r, c) holds the box [10c, 10r, 10c + 5, 10r + 5]."""
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.stack([cols * 10, rows * 10, cols * 10 + 5, rows * 10 + 5])


def _peak_scores() -> NDArray[np.float32]:
    scores = np.zeros((2, 3, 4), np.float32)
    scores[0, 1, 2] = 0.9
    scores[1, 2, 3] = 0.7
    scores[1, 0, 0] = 0.5
    scores[0, 0, 1] = 0.1
    return scores


def test_pick_peaks_maps_class_and_cell_to_boxes_best_first() -> None:
    found = pick_peaks(_peak_scores(), _cell_boxes(3, 4), min_score=0.3)
    assert len(found) == 3
    np.testing.assert_allclose(found.scores, [0.9, 0.7, 0.5], rtol=1e-6)
    assert found.classes.tolist() == [0, 1, 1]
    np.testing.assert_array_equal(
        found.xyxy, [[20, 10, 25, 15], [30, 20, 35, 25], [0, 0, 5, 5]]
    )
    assert found.xyxy.dtype == np.float32 and found.xyxy.shape == (3, 4)
    assert found.classes.dtype == np.int64


def test_pick_peaks_keeps_only_the_top_k() -> None:
    found = pick_peaks(_peak_scores(), _cell_boxes(3, 4), min_score=0.05, top_k=2)
    np.testing.assert_allclose(found.scores, [0.9, 0.7], rtol=1e-6)
    np.testing.assert_array_equal(found.xyxy, [[20, 10, 25, 15], [30, 20, 35, 25]])
    every = pick_peaks(_peak_scores(), _cell_boxes(3, 4), min_score=0.05, top_k=1000)
    np.testing.assert_allclose(every.scores, [0.9, 0.7, 0.5, 0.1], rtol=1e-6)
    assert every.classes.tolist() == [0, 1, 1, 0]
    np.testing.assert_array_equal(every.xyxy[3], [10, 0, 15, 5])


def test_pick_peaks_threshold_is_inclusive_and_can_leave_nothing() -> None:
    at = pick_peaks(_peak_scores(), _cell_boxes(3, 4), min_score=0.5)
    assert len(at) == 3 and float(at.scores.min()) == pytest.approx(0.5)
    none = pick_peaks(_peak_scores(), _cell_boxes(3, 4), min_score=0.95)
    assert len(none) == 0
    assert none.xyxy.shape == (0, 4) and none.classes.shape == (0,)


# ---------------------------------------------------------------- iou_matrix


def test_iou_matrix_known_values() -> None:
    a = np.array([[0, 0, 10, 10], [5, 5, 5, 5]], np.float32)  # the second has no area
    b = np.array(
        [
            [0, 0, 10, 10],  # same box: 1
            [5, 0, 15, 10],  # half overlap: 50 / 150
            [0, 0, 5, 5],  # inside: 25 / 100
            [10, 0, 20, 10],  # touching edge: 0
            [30, 30, 40, 40],  # apart: 0
            [5, 5, 5, 5],  # no area: 0, also against itself
        ],
        np.float32,
    )
    ious = iou_matrix(a, b)
    assert ious.shape == (2, 6) and ious.dtype == np.float64
    np.testing.assert_allclose(ious[0], [1.0, 1 / 3, 0.25, 0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_array_equal(ious[1], np.zeros(6))
    np.testing.assert_allclose(iou_matrix(b, a), ious.T, atol=1e-12)


def test_iou_matrix_of_empty_sets() -> None:
    box = np.array([[0, 0, 1, 1]], np.float32)
    assert iou_matrix(np.zeros((0, 4)), box).shape == (0, 1)
    assert iou_matrix(box, np.zeros((0, 4))).shape == (1, 0)


# ---------------------------------------------------------------- nms


def _boxes(rows: list[tuple[float, float, float, float, float, int]]) -> Boxes:
    """(x0, y0, x1, y1, score, class) rows."""
    arr = np.array(rows, np.float64).reshape(-1, 6)
    return Boxes(arr[:, :4].astype(np.float32), arr[:, 4].astype(np.float32),
                 arr[:, 5].astype(np.int64))


def test_nms_suppresses_the_weaker_of_one_class() -> None:
    found = _boxes([(0, 0, 10, 10, 0.6, 1), (1, 0, 11, 10, 0.9, 1)])  # IoU 90/110
    kept = nms(found, 0.5)
    assert len(kept) == 1
    np.testing.assert_array_equal(kept.xyxy, [[1, 0, 11, 10]])
    assert kept.scores.tolist() == pytest.approx([0.9])


def test_nms_keeps_other_classes_and_separate_boxes() -> None:
    found = _boxes([
        (0, 0, 10, 10, 0.9, 0),
        (0, 0, 10, 10, 0.8, 3),  # the same place, another class
        (5, 0, 15, 10, 0.7, 0),  # same class, IoU 1/3 < 0.5
    ])
    kept = nms(found, 0.5)
    order = np.argsort(-kept.scores)
    assert kept.classes[order].tolist() == [0, 3, 0]
    assert kept.scores[order].tolist() == pytest.approx([0.9, 0.8, 0.7])
    # a stricter threshold removes the same-class neighbour, never the other class
    strict = nms(found, 0.3)
    assert sorted(strict.classes.tolist()) == [0, 3]
    assert strict.scores.tolist() == pytest.approx([0.9, 0.8])


def test_nms_is_greedy_a_suppressed_box_suppresses_nothing() -> None:
    # A–B and B–C overlap (IoU 2/3), A–C do not enough (IoU 0.43): B goes, C stays
    found = _boxes([(4, 0, 14, 10, 0.7, 2), (0, 0, 10, 10, 0.9, 2), (2, 0, 12, 10, 0.8, 2)])
    kept = nms(found, 0.5)
    np.testing.assert_array_equal(kept.xyxy, [[0, 0, 10, 10], [4, 0, 14, 10]])


def test_nms_of_zero_and_one_box() -> None:
    assert len(nms(Boxes.empty(), 0.5)) == 0
    kept = nms(_boxes([(1, 2, 3, 4, 0.5, 2)]), 0.5)
    np.testing.assert_array_equal(kept.xyxy, [[1, 2, 3, 4]])
    assert kept.classes.tolist() == [2]


# ---------------------------------------------------------------- tile_starts


@pytest.mark.parametrize(
    ("length", "tile", "overlap"),
    list(itertools.product([513, 600, 900, 1024, 1600, 1601, 3000, 5003], [64, 512],
                           [0, 16, 63, 234, 500]))
)
def test_tile_starts_cover_the_length_with_the_overlap(
    length: int, tile: int, overlap: int
) -> None:
    if overlap >= tile:
        with pytest.raises(ValueError, match="overlap"):
            tile_starts(length, tile, overlap)
        return
    starts = tile_starts(length, tile, overlap)
    assert starts[0] == 0
    assert starts[-1] + tile == length  # ends at the parcel's end, never past it
    covered = np.zeros(length, bool)
    for s in starts:
        covered[s:s + tile] = True
    assert covered.all()
    steps = np.diff(starts)
    assert (steps > 0).all()
    assert (tile - steps >= overlap).all(), f"overlaps {tile - steps} < {overlap}"
    assert steps.max() - steps.min() <= 1, "tiles are evenly spread"
    # and no more tiles than that overlap needs
    fewest = max(2, math.ceil((length - tile) / (tile - overlap)) + 1)
    assert len(starts) == fewest


@pytest.mark.parametrize("length", [1, 100, 511, 512])
def test_tile_starts_single_tile_when_it_fits(length: int) -> None:
    assert tile_starts(length, 512, 234) == [0]


# ---------------------------------------------------------------- detect_planes


class LabelModel:
    """A stand-in detector: channel 0 of the input holds object labels 1, 2, …; for each
    label in the tile it puts one peak (at the box centre's output cell) whose box is the
    part of the object the tile shows."""

    def __init__(self, classes: dict[int, int], scores: dict[int, float] | None = None,
                 grow_px: float = 0.0) -> None:
        self.classes = classes
        self.scores = scores or {}
        self.grow_px = grow_px
        self.inputs: list[NDArray[np.float32]] = []
        self.reported: list[tuple[int, tuple[float, ...]]] = []  # label, box in the tile

    def __call__(self, batch: NDArray[np.float32]
                 ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        assert batch.shape == (1, 3, *TILE) and batch.dtype == np.float32
        self.inputs.append(batch.copy())
        h, w = TILE[0] // STRIDE, TILE[1] // STRIDE
        scores = np.zeros((1, CLASSES, h, w), np.float32)
        boxes = np.zeros((1, 4, h, w), np.float32)
        labels = batch[0, 0]
        for label, cls in self.classes.items():
            rows, cols = np.nonzero(labels == label)
            if rows.size == 0:
                continue
            g = self.grow_px
            box = (cols.min() - g, rows.min() - g, cols.max() + 1 + g, rows.max() + 1 + g)
            cy = int((box[1] + box[3]) / 2) // STRIDE
            cx = int((box[0] + box[2]) / 2) // STRIDE
            scores[0, cls, cy, cx] = self.scores.get(label, 0.9)
            boxes[0, :, cy, cx] = box
            self.reported.append((label, tuple(float(v) for v in box)))
        return scores, boxes


def _planes(rows: int, cols: int, objects: dict[int, tuple[int, int, int, int]]
            ) -> NDArray[np.float32]:
    """(3, rows, cols) planes with object ``label`` painted over [x0, x1) × [y0, y1)."""
    planes = np.zeros((3, rows, cols), np.float32)
    planes[1] = 0.05  # something that is not air, so padding is visible
    for label, (x0, y0, x1, y1) in objects.items():
        planes[0, y0:y1, x0:x1] = label
    return planes


def _as_rows(found: Boxes) -> list[tuple[tuple[float, ...], int]]:
    return sorted(
        (tuple(float(v) for v in box), int(c))
        for box, c in zip(found.xyxy, found.classes, strict=True)
    )


def test_object_near_the_end_of_a_long_parcel_is_found_once() -> None:
    obj = (100, 1500, 160, 1580)
    model = LabelModel({1: 2})
    found = detect_planes(_planes(1600, 300, {1: obj}), TILE, model, 0.3, OVERLAP)
    assert len(model.inputs) >= 4, "1600 rows need several 512-row tiles"
    assert _as_rows(found) == [(obj, 2)]
    assert found.scores.tolist() == pytest.approx([0.9])


def test_object_touching_the_parcel_end_is_not_a_seam_cut() -> None:
    # the parcel's own border is not a seam: an item lying against it is kept
    end = (250, 1560, 300, 1600)
    start = (0, 0, 40, 30)
    found = detect_planes(_planes(1600, 300, {1: end, 2: start}), TILE, LabelModel({1: 0, 2: 4}),
                          0.3, OVERLAP)
    assert _as_rows(found) == [(start, 4), (end, 0)]


@pytest.mark.parametrize(
    "obj",
    [
        (10, 480, 60, 560),  # crosses the first tile's bottom edge (row 512)
        (10, 250, 60, 300),  # crosses the second tile's top edge (row 272)
        (200, 1000, 290, 1120),  # crosses the lower seams of the middle tiles
    ],
)
def test_object_across_a_row_seam_is_reported_once_and_whole(
    obj: tuple[int, int, int, int],
) -> None:
    model = LabelModel({1: 1})
    found = detect_planes(_planes(1600, 300, {1: obj}), TILE, model, 0.3, OVERLAP)
    assert _as_rows(found) == [(tuple(float(v) for v in obj), 1)]
    # the model did report a cut part of it in some tile: the tiler dropped that
    whole_h = obj[3] - obj[1]
    assert any(box[3] - box[1] < whole_h for _, box in model.reported), model.reported


def test_object_across_a_column_seam_is_reported_once_and_whole() -> None:
    obj = (480, 40, 560, 90)  # 1000 columns: tiles at 0, 244, 488; crosses column 512
    model = LabelModel({1: 3})
    found = detect_planes(_planes(300, 1000, {1: obj}), TILE, model, 0.3, OVERLAP)
    assert _as_rows(found) == [(tuple(float(v) for v in obj), 3)]
    widths = sorted(box[2] - box[0] for _, box in model.reported)
    assert widths == [32.0, 72.0, 80.0], "cut by the first and last tile, whole in the middle"


def test_object_seen_whole_by_two_tiles_is_merged() -> None:
    obj = (20, 300, 120, 400)  # rows 300–400 lie in the tiles at 0 and at 272
    model = LabelModel({1: 0})
    found = detect_planes(_planes(1600, 300, {1: obj}), TILE, model, 0.3, OVERLAP)
    assert sum(label == 1 for label, _ in model.reported) == 2
    assert _as_rows(found) == [(tuple(float(v) for v in obj), 0)]


def test_several_objects_each_found_once() -> None:
    objects = {
        1: (10, 10, 60, 80),
        2: (200, 470, 280, 560),  # across a seam
        3: (100, 900, 180, 1000),
        4: (30, 1540, 90, 1600),  # at the end
    }
    classes = {1: 0, 2: 1, 3: 2, 4: 3}
    found = detect_planes(_planes(1600, 300, objects), TILE, LabelModel(classes), 0.3, OVERLAP)
    expected = sorted((tuple(float(v) for v in objects[k]), classes[k]) for k in objects)
    assert _as_rows(found) == expected


def test_small_image_is_padded_with_air() -> None:
    obj = (30, 20, 50, 60)
    planes = _planes(100, 80, {1: obj})
    model = LabelModel({1: 4})
    found = detect_planes(planes, TILE, model, 0.3, OVERLAP)
    assert len(model.inputs) == 1
    (batch,) = model.inputs
    np.testing.assert_array_equal(batch[0, :, :100, :80], planes)
    assert not batch[0, :, 100:, :].any() and not batch[0, :, :, 80:].any()
    assert _as_rows(found) == [((30.0, 20.0, 50.0, 60.0), 4)]


def test_boxes_are_clipped_to_the_parcel() -> None:
    # a model box may reach past the image (here 5 px on every side)
    planes = _planes(100, 80, {1: (0, 0, 20, 30), 2: (60, 70, 80, 100)})
    found = detect_planes(planes, TILE, LabelModel({1: 0, 2: 1}, grow_px=5.0), 0.3, OVERLAP)
    assert _as_rows(found) == [((0.0, 0.0, 25.0, 35.0), 0), ((55.0, 65.0, 80.0, 100.0), 1)]


def test_min_score_filters_weak_peaks() -> None:
    planes = _planes(100, 80, {1: (0, 0, 20, 30), 2: (40, 40, 70, 90)})
    model = LabelModel({1: 0, 2: 1}, scores={1: 0.2, 2: 0.6})
    assert _as_rows(detect_planes(planes, TILE, model, 0.3, OVERLAP)) == [
        ((40.0, 40.0, 70.0, 90.0), 1)
    ]
    assert len(detect_planes(planes, TILE, model, 0.1, OVERLAP)) == 2
    assert len(detect_planes(planes, TILE, model, 0.7, OVERLAP)) == 0


def test_empty_parcel_gives_no_boxes() -> None:
    found = detect_planes(_planes(1600, 700, {}), TILE, LabelModel({1: 0}), 0.3, OVERLAP)
    assert len(found) == 0 and found.xyxy.shape == (0, 4)


def test_seam_margin_is_a_few_pixels() -> None:
    # the contract the tiling relies on: overlap minus both margins still holds the item
    assert 0 < SEAM_MARGIN_PX < OVERLAP / 10
