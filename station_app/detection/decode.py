"""From model outputs to boxes on the whole parcel: peak picking, tiling, merging.

The exported graph already decodes boxes (``scores`` zero except at local maxima,
``boxes`` x0 y0 x1 y1 per cell), so here we only pick the best cells, and cover
a parcel of any size with the model's fixed input.

Tiling: tiles overlap by at least the largest item the model knows
(``model.json`` ``max_item_mm``), so every item lies whole in some tile. A box
that touches a seam — a tile edge inside the parcel — is a cut item and is
dropped: the neighbouring tile sees it whole. Duplicates left in the overlap are
merged by per-class non-maximum suppression. A parcel that fits the input is
one tile, padded with air (zeros).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# one model run: (1, 3, H, W) float32 → (scores (1, C, h, w), boxes (1, 4, h, w))
InferFn = Callable[[NDArray[np.float32]], tuple[NDArray[np.float32], NDArray[np.float32]]]

SEAM_MARGIN_PX = 2.0  # model pixels: a box this close to a seam counts as touching it


@dataclass(frozen=True)
class Boxes:
    """Detections as arrays: ``xyxy`` float32 (n, 4), ``scores`` (n,), ``classes`` int (n,)."""

    xyxy: NDArray[np.float32]
    scores: NDArray[np.float32]
    classes: NDArray[np.int64]

    @staticmethod
    def empty() -> Boxes:
        return Boxes(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return int(self.scores.shape[0])

    def select(self, keep: NDArray[np.bool_] | NDArray[np.intp]) -> Boxes:
        return Boxes(self.xyxy[keep], self.scores[keep], self.classes[keep])

    @staticmethod
    def concat(parts: list[Boxes]) -> Boxes:
        if not parts:
            return Boxes.empty()
        return Boxes(
            np.concatenate([p.xyxy for p in parts]).astype(np.float32, copy=False),
            np.concatenate([p.scores for p in parts]).astype(np.float32, copy=False),
            np.concatenate([p.classes for p in parts]).astype(np.int64, copy=False),
        )


def pick_peaks(scores: NDArray[np.float32], boxes: NDArray[np.float32], min_score: float,
               top_k: int = 100) -> Boxes:
    """The ``top_k`` best cells above ``min_score`` of one image's outputs
    (``scores`` (C, h, w), ``boxes`` (4, h, w))."""
    _, h, w = scores.shape
    flat = scores.reshape(-1)
    k = min(top_k, flat.size)
    if k <= 0:
        return Boxes.empty()
    idx = np.argpartition(flat, flat.size - k)[flat.size - k:]
    idx = idx[flat[idx] >= min_score]
    idx = idx[np.argsort(-flat[idx], kind="stable")]
    cls, cell = np.divmod(idx, h * w)
    xyxy = boxes.reshape(4, -1)[:, cell].T
    return Boxes(np.ascontiguousarray(xyxy, np.float32), flat[idx].astype(np.float32),
                 cls.astype(np.int64))


def iou_matrix(a: NDArray[np.floating], b: NDArray[np.floating]) -> NDArray[np.float64]:
    """Pairwise IoU of xyxy boxes (n, 4) × (m, 4)."""
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    tl = np.maximum(a64[:, None, :2], b64[None, :, :2])
    br = np.minimum(a64[:, None, 2:], b64[None, :, 2:])
    inter = np.prod(np.clip(br - tl, 0.0, None), axis=2)
    area_a = np.prod(np.clip(a64[:, 2:] - a64[:, :2], 0.0, None), axis=1)
    area_b = np.prod(np.clip(b64[:, 2:] - b64[:, :2], 0.0, None), axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def keep_above(found: Boxes, class_thresholds: NDArray[np.float32]) -> Boxes:
    """The detections at or above their own class's threshold (index = class id)."""
    return found.select(found.scores >= class_thresholds[found.classes])


def nms(found: Boxes, iou_threshold: float) -> Boxes:
    """Per-class greedy non-maximum suppression, best score first."""
    if len(found) <= 1:
        return found
    order = np.argsort(-found.scores, kind="stable")
    ious = iou_matrix(found.xyxy[order], found.xyxy[order])
    same = found.classes[order][:, None] == found.classes[order][None, :]
    suppressed = np.zeros(len(order), dtype=bool)
    keep: list[int] = []
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(int(order[i]))
        suppressed |= (ious[i] > iou_threshold) & same[i]
    return found.select(np.asarray(keep, dtype=np.intp))


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of size ``tile`` covering ``[0, length)``, neighbours
    overlapping by at least ``overlap``; evenly spread, last tile ends at ``length``."""
    if not 0 <= overlap < tile:
        raise ValueError(f"tile overlap {overlap} must be in [0, {tile})")
    if length <= tile:
        return [0]
    count = int(np.ceil((length - overlap) / (tile - overlap)))
    count = max(count, 2)
    return [round(i * (length - tile) / (count - 1)) for i in range(count)]


def detect_planes(
    planes: NDArray[np.float32],
    tile_hw: tuple[int, int],
    infer: InferFn,
    min_score: float,
    overlap_px: int,
    nms_iou: float = 0.5,
    top_k: int = 100,
) -> Boxes:
    """Run the model over (3, rows, cols) planes of any size; boxes in plane pixels."""
    _, rows, cols = planes.shape
    tile_h, tile_w = tile_hw
    batch = np.zeros((1, 3, tile_h, tile_w), np.float32)
    parts: list[Boxes] = []
    row_starts = tile_starts(rows, tile_h, overlap_px)
    col_starts = tile_starts(cols, tile_w, overlap_px)
    for r0 in row_starts:
        for c0 in col_starts:
            view = planes[:, r0:r0 + tile_h, c0:c0 + tile_w]
            batch.fill(0.0)
            batch[0, :, :view.shape[1], :view.shape[2]] = view
            scores, boxes = infer(batch)
            found = pick_peaks(scores[0], boxes[0], min_score, top_k)
            if not len(found):
                continue
            xyxy = found.xyxy
            # seams: tile edges that are inside the parcel (not its outer border)
            cut = np.zeros(len(found), dtype=bool)
            if r0 > 0:
                cut |= xyxy[:, 1] <= SEAM_MARGIN_PX
            if r0 + tile_h < rows:
                cut |= xyxy[:, 3] >= tile_h - SEAM_MARGIN_PX
            if c0 > 0:
                cut |= xyxy[:, 0] <= SEAM_MARGIN_PX
            if c0 + tile_w < cols:
                cut |= xyxy[:, 2] >= tile_w - SEAM_MARGIN_PX
            found = found.select(~cut)
            offset = np.asarray([c0, r0, c0, r0], np.float32)
            parts.append(Boxes(found.xyxy + offset, found.scores, found.classes))
    # also within one tile: an elongated item can show two peaks
    merged = nms(Boxes.concat(parts), nms_iou)
    clipped = merged.xyxy.copy()
    np.clip(clipped[:, 0::2], 0.0, float(cols), out=clipped[:, 0::2])
    np.clip(clipped[:, 1::2], 0.0, float(rows), out=clipped[:, 1::2])
    return Boxes(clipped, merged.scores, merged.classes)
