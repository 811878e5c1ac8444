"""Random parcels: a container, everyday clutter and sometimes threat-class items.

``generate_parcel`` draws the items first and then sizes the parcel around them,
so every item fits at some rotation; placements keep each item's rotated
bounding box inside the container walls. Difficulty shapes where threats go:

- ``easy``: few clutter items, threats placed where they overlap least;
- ``hard``: dense clutter, threats placed where they overlap clutter most;
- ``hidden``: each threat is put under or inside a dense host (laptop, books,
  shoes, cans, a jacket) at an arbitrary rotation.

Coordinates follow ``scene.py``: ``center_line``/``center_px`` are the item's
centre in parcel pixels (pixel centres at integers), angles counter-clockwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from drivers.simulator.items import CLUTTER_BUILDERS, THREAT_BUILDERS, Builder
from drivers.simulator.items.clutter import build_books, build_clothes, build_food, build_shoes
from drivers.simulator.items.containers import build_cardboard_box, build_postal_bag
from drivers.simulator.items.electronics import build_laptop
from drivers.simulator.model import ItemModel, ParcelPlan, PlacedItem, Placement

DIFFICULTIES: tuple[str, ...] = ("easy", "hard", "hidden")
_DIFFICULTY_P = (0.4, 0.35, 0.25)
_CLUTTER_ONLY_P = 0.4
_THREAT_COUNT_P = {1: 0.6, 2: 0.3, 3: 0.1}
_CLUTTER_COUNT = {"easy": (1, 5), "hard": (6, 15), "hidden": (3, 9)}  # [lo, hi)
# parcel area per unit of summed item area: loose for easy, crammed for hard
_AREA_FACTOR = {"easy": 2.6, "hard": 1.0, "hidden": 1.4}
_MIN_LENGTH_MM, _MAX_LENGTH_MM = 200.0, 1000.0
_MIN_WIDTH_MM, _MAX_WIDTH_MM = 150.0, 700.0
_CANDIDATES = 10  # positions tried per item when steering overlap

S10_PREFIXES: tuple[str, ...] = ("RR", "RB", "EE", "EA", "LX", "LZ", "CP", "CX", "VV")
S10_COUNTRIES: tuple[str, ...] = ("KR", "CN", "US", "JP", "DE", "GB", "FR", "NL", "SG", "HK")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

_HOSTS: dict[str, Builder] = {
    "laptop": build_laptop,
    "books": build_books,
    "shoes": build_shoes,
    "food": build_food,
    "clothes": build_clothes,
}


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError(f"S10 serial must be 8 digits, got {serial!r}")
    c = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return 0 if c == 10 else 5 if c == 11 else c


def random_tracking_id(rng: np.random.Generator) -> str:
    """A valid UPU S10 item id, e.g. ``RR123456785KR``."""
    serial = "".join(str(d) for d in rng.integers(0, 10, size=8))
    prefix = S10_PREFIXES[int(rng.integers(len(S10_PREFIXES)))]
    country = S10_COUNTRIES[int(rng.integers(len(S10_COUNTRIES)))]
    return f"{prefix}{serial}{s10_check_digit(serial)}{country}"


def placement_matrix(item_shape: tuple[int, int], placement: Placement) -> NDArray[np.float64]:
    """2×3 affine from item pixels (x=col, y=row) to parcel pixels, as ``scene.py`` does."""
    h, w = item_shape
    to_center = np.array([[1.0, 0.0, -(w - 1) / 2], [0.0, 1.0, -(h - 1) / 2], [0.0, 0.0, 1.0]])
    flip = np.diag([-1.0 if placement.flip else 1.0, 1.0, 1.0])
    rotate = np.eye(3)
    rotate[:2] = cv2.getRotationMatrix2D((0.0, 0.0), placement.angle_deg, 1.0)
    to_parcel = np.array(
        [[1.0, 0.0, placement.center_px], [0.0, 1.0, placement.center_line], [0.0, 0.0, 1.0]]
    )
    matrix: NDArray[np.float64] = (to_parcel @ rotate @ flip @ to_center)[:2]
    return matrix


def rasterise_footprint(placed: PlacedItem, length_lines: int, width_px: int) -> NDArray[np.bool_]:
    """bool (length_lines, width_px): where the placed item has material in the parcel."""
    fp = placed.item.footprint().astype(np.float32)
    warped = cv2.warpAffine(fp, placement_matrix(placed.item.shape, placed.placement),
                            (width_px, length_lines), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    mask: NDArray[np.bool_] = warped > 0.5
    return mask


def rotated_half_extent(shape: tuple[int, int], angle_deg: float) -> tuple[float, float]:
    """Half height (lines) and half width (px) of an item's box turned by ``angle_deg``."""
    h, w = shape
    a = math.radians(angle_deg)
    ca, sa = abs(math.cos(a)), abs(math.sin(a))
    return 0.5 * (h * ca + w * sa), 0.5 * (h * sa + w * ca)


class _Layout:
    """Placement bookkeeping on a coarse grid, enough to steer overlap."""

    _CELL_PX = 8

    def __init__(self, length_lines: int, width_px: int, wall_px: float) -> None:
        self.length_lines = length_lines
        self.width_px = width_px
        self.wall_px = wall_px
        self.clutter = np.zeros((length_lines // self._CELL_PX + 1, width_px // self._CELL_PX + 1),
                                np.float32)
        self.threats = np.zeros_like(self.clutter)

    def fits(self, shape: tuple[int, int], angle_deg: float) -> bool:
        hy, hx = rotated_half_extent(shape, angle_deg)
        return (2 * hy <= self.length_lines - 1 - 2 * self.wall_px
                and 2 * hx <= self.width_px - 1 - 2 * self.wall_px)

    def random_center(self, rng: np.random.Generator, shape: tuple[int, int], angle_deg: float
                      ) -> tuple[float, float]:
        hy, hx = rotated_half_extent(shape, angle_deg)
        lo_y, hi_y = hy + self.wall_px - 0.5, self.length_lines - 0.5 - self.wall_px - hy
        lo_x, hi_x = hx + self.wall_px - 0.5, self.width_px - 0.5 - self.wall_px - hx
        return float(rng.uniform(lo_y, max(lo_y, hi_y))), float(rng.uniform(lo_x, max(lo_x, hi_x)))

    def clamp_center(self, shape: tuple[int, int], angle_deg: float, center: tuple[float, float]
                     ) -> tuple[float, float]:
        hy, hx = rotated_half_extent(shape, angle_deg)
        lo_y, hi_y = hy + self.wall_px - 0.5, self.length_lines - 0.5 - self.wall_px - hy
        lo_x, hi_x = hx + self.wall_px - 0.5, self.width_px - 0.5 - self.wall_px - hx
        return (min(max(center[0], lo_y), max(lo_y, hi_y)),
                min(max(center[1], lo_x), max(lo_x, hi_x)))

    def _cells(self, shape: tuple[int, int], angle_deg: float, center: tuple[float, float]
               ) -> tuple[slice, slice]:
        hy, hx = rotated_half_extent(shape, angle_deg)
        # the item's own box shrunk a little: rotated boxes overstate the footprint
        k = self._CELL_PX
        r0, r1 = int((center[0] - 0.7 * hy) // k), int((center[0] + 0.7 * hy) // k) + 1
        c0, c1 = int((center[1] - 0.7 * hx) // k), int((center[1] + 0.7 * hx) // k) + 1
        return slice(max(r0, 0), r1), slice(max(c0, 0), c1)

    def overlap(self, grid: NDArray[np.float32], shape: tuple[int, int], angle_deg: float,
                center: tuple[float, float]) -> float:
        rows, cols = self._cells(shape, angle_deg, center)
        return float(np.minimum(grid[rows, cols], 1.0).mean()) if grid[rows, cols].size else 0.0

    def mark(self, grid: NDArray[np.float32], shape: tuple[int, int], angle_deg: float,
             center: tuple[float, float]) -> None:
        rows, cols = self._cells(shape, angle_deg, center)
        grid[rows, cols] += 1.0


def _pick_angle(rng: np.random.Generator, layout: _Layout, shape: tuple[int, int]) -> float | None:
    """A random rotation at which the item fits; long items fall back to lying along
    the parcel's longer side with a small tilt."""
    for _ in range(4):
        angle = float(rng.uniform(0.0, 360.0))
        if layout.fits(shape, angle):
            return angle
    base = 0.0 if (shape[0] >= shape[1]) == (layout.length_lines >= layout.width_px) else 90.0
    for tilt in (float(rng.uniform(-8.0, 8.0)), float(rng.uniform(-3.0, 3.0)), 0.0):
        for flip in (0.0, 180.0):
            angle = (base + flip + tilt) % 360.0
            if layout.fits(shape, angle):
                return angle
    return None


def _parcel_size_mm(
    rng: np.random.Generator, items: Sequence[ItemModel], pitch_mm: float, difficulty: str,
    max_width_mm: float, wall_mm: float,
) -> tuple[float, float]:
    """Length (along the belt) and width of a parcel that holds ``items``."""
    long_mm = max((max(i.shape) for i in items), default=0) * pitch_mm + 2 * wall_mm + 6.0
    short_mm = max((min(i.shape) for i in items), default=0) * pitch_mm + 2 * wall_mm + 6.0
    area = sum(float(i.footprint().sum()) for i in items) * pitch_mm**2
    area *= _AREA_FACTOR[difficulty] * rng.uniform(0.8, 1.25)
    hi_w = min(max_width_mm, _MAX_WIDTH_MM)
    width = rng.uniform(min(_MIN_WIDTH_MM, hi_w), hi_w)
    width = min(max(width, short_mm, math.sqrt(area) * rng.uniform(0.6, 1.1)), hi_w)
    length = min(max(area / width, _MIN_LENGTH_MM, short_mm), _MAX_LENGTH_MM)
    if long_mm > width:  # the longest item must lie along the belt
        length = max(length, min(long_mm, _MAX_LENGTH_MM))
    return length, width


def generate_parcel(
    rng: np.random.Generator, *, pixels: int, pitch_mm: float, difficulty: str | None = None
) -> ParcelPlan:
    """A random parcel across a detector of ``pixels`` pixels of ``pitch_mm``."""
    if difficulty is None:
        difficulty = str(rng.choice(DIFFICULTIES, p=_DIFFICULTY_P))
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {DIFFICULTIES} or None, got {difficulty!r}")
    if pixels * pitch_mm < 2 * _MIN_WIDTH_MM:
        raise ValueError(f"detector of {pixels} px × {pitch_mm} mm is too narrow for parcels")
    margin_mm = max(20.0, 0.03 * pixels * pitch_mm)
    max_width_mm = pixels * pitch_mm - 2 * margin_mm

    threat_names = sorted(THREAT_BUILDERS)
    clutter_names = sorted(CLUTTER_BUILDERS)
    n_threats = 0
    if rng.random() >= _CLUTTER_ONLY_P:
        n_threats = int(rng.choice(list(_THREAT_COUNT_P), p=list(_THREAT_COUNT_P.values())))
    threats = [THREAT_BUILDERS[threat_names[int(rng.integers(len(threat_names)))]](rng, pitch_mm)
               for _ in range(n_threats)]
    hosts: list[ItemModel] = []
    if difficulty == "hidden":
        host_names = sorted(_HOSTS)
        hosts = [_HOSTS[host_names[int(rng.integers(len(host_names)))]](rng, pitch_mm)
                 for _ in threats]
    lo, hi = _CLUTTER_COUNT[difficulty]
    clutter = [CLUTTER_BUILDERS[clutter_names[int(rng.integers(len(clutter_names)))]](rng, pitch_mm)
               for _ in range(int(rng.integers(lo, hi)))]

    use_bag = bool(rng.random() < (0.35 if difficulty == "easy" else 0.2))
    wall_mm = 1.0 if use_bag else 6.0
    # the parcel must hold the threats and hosts; clutter that does not fit is left out
    length_mm, width_mm = _parcel_size_mm(rng, [*threats, *hosts, *clutter], pitch_mm,
                                          difficulty, max_width_mm, wall_mm)
    length_lines = max(1, round(length_mm / pitch_mm))
    width_px = max(1, round(width_mm / pitch_mm))
    offset_lo = math.ceil(margin_mm / pitch_mm)
    offset_hi = pixels - width_px - offset_lo
    offset_px = int(rng.integers(offset_lo, max(offset_lo, offset_hi) + 1))

    layout = _Layout(length_lines, width_px, wall_mm / pitch_mm + 1.0)
    contents: list[PlacedItem] = []

    def place(item: ItemModel, center: tuple[float, float] | None, angle: float) -> None:
        c = layout.clamp_center(item.shape, angle, center) if center is not None else \
            layout.random_center(rng, item.shape, angle)
        placement = Placement(c[0], c[1], angle, bool(rng.random() < 0.5))
        contents.append(PlacedItem(item, placement))
        grid = layout.threats if item.is_threat_class else layout.clutter
        layout.mark(grid, item.shape, angle, c)

    def best_center(item: ItemModel, angle: float, grid: NDArray[np.float32], most: bool
                    ) -> tuple[float, float]:
        cands = [layout.random_center(rng, item.shape, angle) for _ in range(_CANDIDATES)]
        scores = [layout.overlap(grid, item.shape, angle, c) for c in cands]
        return cands[int(np.argmax(scores) if most else np.argmin(scores))]

    if difficulty == "hidden":
        for threat, host in zip(threats, hosts, strict=True):
            h_angle = _pick_angle(rng, layout, host.shape)
            t_angle = _pick_angle(rng, layout, threat.shape)
            if t_angle is None:
                continue
            if h_angle is None:
                place(threat, None, t_angle)
                continue
            h_center = best_center(host, h_angle, layout.clutter, most=False)
            place(host, h_center, h_angle)
            # the threat goes at the host's centre, jittered inside its footprint
            hy, hx = rotated_half_extent(host.shape, h_angle)
            jitter = (float(rng.uniform(-0.2, 0.2)) * hy, float(rng.uniform(-0.2, 0.2)) * hx)
            place(threat, (h_center[0] + jitter[0], h_center[1] + jitter[1]), t_angle)
        for item in clutter:
            angle = _pick_angle(rng, layout, item.shape)
            if angle is not None:
                place(item, best_center(item, angle, layout.threats, most=True), angle)
    elif difficulty == "hard":
        for item in clutter:
            angle = _pick_angle(rng, layout, item.shape)
            if angle is not None:
                place(item, None, angle)
        for item in threats:
            angle = _pick_angle(rng, layout, item.shape)
            if angle is not None:
                place(item, best_center(item, angle, layout.clutter, most=True), angle)
    else:
        for item in threats:
            angle = _pick_angle(rng, layout, item.shape)
            if angle is not None:
                place(item, best_center(item, angle, layout.threats, most=False), angle)
        for item in clutter:
            angle = _pick_angle(rng, layout, item.shape)
            if angle is not None:
                place(item, best_center(item, angle, layout.threats, most=False), angle)

    order = rng.permutation(len(contents))
    contents = [contents[int(k)] for k in order]

    if use_bag:
        container = build_postal_bag(rng, pitch_mm, length_mm=length_lines * pitch_mm,
                                     width_mm=width_px * pitch_mm)
    else:
        height_mm = float(rng.uniform(80.0, max(90.0, min(400.0, 0.8 * min(length_mm, width_mm)))))
        container = build_cardboard_box(rng, pitch_mm, length_mm=length_lines * pitch_mm,
                                        width_mm=width_px * pitch_mm, height_mm=height_mm)
    center = ((container.shape[0] - 1) / 2, (container.shape[1] - 1) / 2)
    placed_container = PlacedItem(container, Placement(center[0], center[1], 0.0, False))
    return ParcelPlan(
        length_lines=length_lines,
        width_px=width_px,
        offset_px=offset_px,
        container=(placed_container,),
        contents=tuple(contents),
        difficulty=difficulty,
        tracking_id=random_tracking_id(rng),
    )
