"""Drawing helpers shared by the item builders.

An item is drawn on a :class:`Canvas` in millimetres of its own frame: points are
``(y_mm, x_mm)`` with ``y`` down the rows and ``x`` along the columns, pixel
centres at ``(i + 0.5) * pitch_mm``. Every primitive *adds* a thickness map (mm
along the vertical beam) to one material's layer, so overlapping parts of one
item sum like they do in a projection. Each primitive works only inside the
window of rows/columns its shape can touch, which keeps an item in the
millisecond range even on a large canvas.

Edges are anti-aliased through pixel coverage, so parts thinner than a pixel
(sheet-metal walls seen edge-on, thin wires) keep their mass instead of
vanishing or doubling with the pitch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from drivers.simulator.catalog import MATERIALS
from drivers.simulator.model import ItemModel, Layer

F32 = NDArray[np.float32]
Point = tuple[float, float]  # (y_mm, x_mm) in the item frame

_POLY_SHIFT_BITS = 4  # sub-pixel vertex precision for cv2.fillPoly


@dataclass(frozen=True)
class Window:
    """Rows/columns a primitive may touch, with pixel-centre coordinates in mm.

    ``y_mm``: float32 (n, 1); ``x_mm``: float32 (1, m).
    """

    rows: slice
    cols: slice
    y_mm: F32
    x_mm: F32

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.y_mm.shape[0]), int(self.x_mm.shape[1]))


class Canvas:
    """Per-material thickness maps of one item under construction."""

    def __init__(self, height_mm: float, width_mm: float, pitch_mm: float) -> None:
        if not pitch_mm > 0:
            raise ValueError(f"pitch_mm must be > 0, got {pitch_mm}")
        self.pitch_mm = float(pitch_mm)
        # the small slack keeps round-tripped sizes (n * pitch / pitch) at n pixels
        self.height_px = max(1, math.ceil(height_mm / pitch_mm - 1e-6))
        self.width_px = max(1, math.ceil(width_mm / pitch_mm - 1e-6))
        self._layers: dict[str, F32] = {}

    @property
    def height_mm(self) -> float:
        return self.height_px * self.pitch_mm

    @property
    def width_mm(self) -> float:
        return self.width_px * self.pitch_mm

    def layer(self, material: str) -> F32:
        if material not in self._layers:
            if material not in MATERIALS:
                raise KeyError(f"unknown simulator material {material!r}")
            self._layers[material] = np.zeros((self.height_px, self.width_px), np.float32)
        return self._layers[material]

    def window(self, y0_mm: float, x0_mm: float, y1_mm: float, x1_mm: float) -> Window | None:
        """Pixels whose centres may lie in the mm box (one pixel of slack each side)."""
        p = self.pitch_mm
        r0 = max(0, math.floor(y0_mm / p) - 1)
        r1 = min(self.height_px, math.ceil(y1_mm / p) + 1)
        c0 = max(0, math.floor(x0_mm / p) - 1)
        c1 = min(self.width_px, math.ceil(x1_mm / p) + 1)
        if r1 <= r0 or c1 <= c0:
            return None
        y = ((np.arange(r0, r1, dtype=np.float32) + 0.5) * p)[:, None]
        x = ((np.arange(c0, c1, dtype=np.float32) + 0.5) * p)[None, :]
        return Window(slice(r0, r1), slice(c0, c1), y, x)

    def full(self) -> Window:
        win = self.window(0.0, 0.0, self.height_mm, self.width_mm)
        assert win is not None
        return win

    def add(self, material: str, win: Window, thickness_mm: NDArray[np.floating] | float) -> None:
        t = np.asarray(thickness_mm, dtype=np.float32)
        self.layer(material)[win.rows, win.cols] += np.maximum(t, np.float32(0.0))

    def stamp(self, src: Canvas, top_left_mm: Point) -> None:
        """Add every layer of ``src`` with its top-left corner at ``top_left_mm``
        (rounded to whole pixels): many identical parts cost one drawing."""
        if src.pitch_mm != self.pitch_mm:
            raise ValueError("stamp needs the same pitch")
        r0 = round(top_left_mm[0] / self.pitch_mm)
        c0 = round(top_left_mm[1] / self.pitch_mm)
        dr0, dc0 = max(0, -r0), max(0, -c0)
        r1 = min(self.height_px, r0 + src.height_px)
        c1 = min(self.width_px, c0 + src.width_px)
        if r1 <= max(r0, 0) or c1 <= max(c0, 0):
            return
        for material, t in src._layers.items():
            part = t[dr0 : dr0 + r1 - max(r0, 0), dc0 : dc0 + c1 - max(c0, 0)]
            self.layer(material)[max(r0, 0) : r1, max(c0, 0) : c1] += part

    def transposed(self) -> Canvas:
        """The same drawing turned by 90° (rows ↔ columns), for stamping."""
        out = Canvas(self.width_mm, self.height_mm, self.pitch_mm)
        for material, t in self._layers.items():
            out._layers[material] = np.ascontiguousarray(t.T)
        return out

    def to_item(self, class_name: str, *, is_threat_class: bool, variant: str) -> ItemModel:
        """Crop to the drawn material (plus one empty pixel) and freeze into an ItemModel."""
        used = {m: t for m, t in self._layers.items() if bool(t.max() > 0)}
        if not used:
            raise ValueError(f"{class_name}/{variant}: nothing was drawn")
        mask = np.zeros((self.height_px, self.width_px), bool)
        for t in used.values():
            mask |= t > 0
        rows = np.flatnonzero(mask.any(axis=1))
        cols = np.flatnonzero(mask.any(axis=0))
        r0, r1 = max(0, int(rows[0]) - 1), min(self.height_px, int(rows[-1]) + 2)
        c0, c1 = max(0, int(cols[0]) - 1), min(self.width_px, int(cols[-1]) + 2)
        if (r1 - r0) * (c1 - c0) > 0.9 * self.height_px * self.width_px:
            # canvases are sized to the item: cropping a few pixels is not worth a copy
            r0, r1, c0, c1 = 0, self.height_px, 0, self.width_px
        layers = tuple(
            Layer(m, t if (r1 - r0, c1 - c0) == t.shape else np.ascontiguousarray(t[r0:r1, c0:c1]))
            for m, t in used.items()
        )
        return ItemModel(class_name, layers, is_threat_class, variant)


# ---------------------------------------------------------------------------
# coverage helpers


def coverage_from_sdf(sdf_mm: NDArray[np.floating], pitch_mm: float) -> F32:
    """Fraction of each pixel inside a shape given its signed distance (negative inside)."""
    cov: F32 = np.clip(0.5 - sdf_mm / pitch_mm, 0.0, 1.0).astype(np.float32)
    return cov


def _local(win: Window, center: Point, angle_deg: float) -> tuple[F32, F32]:
    """Coordinates (u along the rotated 'height' axis, v across) relative to centre."""
    a = math.radians(angle_deg)
    ca, sa = np.float32(math.cos(a)), np.float32(math.sin(a))
    dy = win.y_mm - np.float32(center[0])
    dx = win.x_mm - np.float32(center[1])
    return dy * ca + dx * sa, dx * ca - dy * sa


def sdf_round_box(
    win: Window, center: Point, size_mm: tuple[float, float], corner_mm: float, angle_deg: float
) -> F32:
    """Signed distance (mm) to a rounded rectangle of (height, width) ``size_mm``."""
    if angle_deg % 360.0 == 0.0:
        # axis-aligned: the per-axis terms stay 1-D, half the 2-D work
        u: F32 = win.y_mm - np.float32(center[0])
        v: F32 = win.x_mm - np.float32(center[1])
    else:
        u, v = _local(win, center, angle_deg)
    r = min(corner_mm, 0.5 * min(size_mm))
    qy = np.abs(u) - np.float32(0.5 * size_mm[0] - r)
    qx = np.abs(v) - np.float32(0.5 * size_mm[1] - r)
    if r <= 0.0:
        return np.maximum(qy, qx).astype(np.float32)  # exact enough inside and at edges
    outside = np.hypot(np.maximum(qy, 0), np.maximum(qx, 0))
    inside = np.minimum(np.maximum(qy, qx), 0)
    return (outside + inside - np.float32(r)).astype(np.float32)


def _box_window(
    cv: Canvas, center: Point, size_mm: tuple[float, float], angle_deg: float
) -> Window | None:
    a = math.radians(angle_deg)
    ca, sa = abs(math.cos(a)), abs(math.sin(a))
    hy = 0.5 * (size_mm[0] * ca + size_mm[1] * sa)
    hx = 0.5 * (size_mm[0] * sa + size_mm[1] * ca)
    return cv.window(center[0] - hy, center[1] - hx, center[0] + hy, center[1] + hx)


# ---------------------------------------------------------------------------
# flat and boxy parts


def slab(
    cv: Canvas,
    material: str,
    center: Point,
    size_mm: tuple[float, float],
    thickness_mm: float,
    *,
    corner_mm: float = 0.0,
    angle_deg: float = 0.0,
    edge_mm: float = 0.0,
) -> None:
    """A plate of (height, width) ``size_mm``; ``edge_mm`` > 0 rounds the thickness
    down to zero over that distance from the outline (pillows, bricks, folded cloth)."""
    win = _box_window(cv, center, size_mm, angle_deg)
    if win is None or thickness_mm <= 0:
        return
    if angle_deg % 360.0 == 0.0 and corner_mm <= 0.0 and edge_mm <= 0.0:
        # plain rectangle: coverage is the product of the per-axis coverages
        p = cv.pitch_mm
        cy = coverage_from_sdf(np.abs(win.y_mm - np.float32(center[0])) - 0.5 * size_mm[0], p)
        cx = coverage_from_sdf(np.abs(win.x_mm - np.float32(center[1])) - 0.5 * size_mm[1], p)
        cv.add(material, win, (cy * np.float32(thickness_mm)) * cx)
        return
    sdf = sdf_round_box(win, center, size_mm, corner_mm, angle_deg)
    t = coverage_from_sdf(sdf, cv.pitch_mm) * np.float32(thickness_mm)
    if edge_mm > 0:
        s = np.clip(-sdf / np.float32(edge_mm), 0.0, 1.0)
        # quarter-circle rise: a soft pouch is round at its rim, not wedge-shaped
        t *= np.sqrt(np.maximum(s * (2.0 - s), 0.05 * cv.pitch_mm / edge_mm))
    cv.add(material, win, t)


def box_shell(
    cv: Canvas,
    material: str,
    center: Point,
    size_mm: tuple[float, float],
    *,
    height_mm: float,
    wall_mm: float,
    plate_mm: float | None = None,
    corner_mm: float = 0.0,
    angle_deg: float = 0.0,
) -> None:
    """A closed hollow box seen from above: top and bottom plates over the footprint
    plus side walls seen edge-on (wall thickness x box height along the beam)."""
    win = _box_window(cv, center, size_mm, angle_deg)
    if win is None:
        return
    plate = wall_mm if plate_mm is None else plate_mm
    sdf = sdf_round_box(win, center, size_mm, corner_mm, angle_deg)
    outer = coverage_from_sdf(sdf, cv.pitch_mm)
    inner = coverage_from_sdf(sdf + np.float32(wall_mm), cv.pitch_mm)
    walls = (outer - inner) * np.float32(max(height_mm - 2 * plate, 0.0))
    cv.add(material, win, outer * np.float32(2 * plate) + walls)


def ellipse(
    cv: Canvas,
    material: str,
    center: Point,
    radii_mm: tuple[float, float],
    thickness_mm: float,
    *,
    angle_deg: float = 0.0,
    dome: bool = False,
) -> None:
    """An elliptic disc (flat) or half-axes ellipsoid (``dome``: thickness
    ``thickness_mm`` at the centre falling to zero at the rim)."""
    ry, rx = radii_mm
    win = cv.window(center[0] - max(ry, rx), center[1] - max(ry, rx),
                    center[0] + max(ry, rx), center[1] + max(ry, rx))
    if win is None or thickness_mm <= 0:
        return
    u, v = _local(win, center, angle_deg)
    rho = np.sqrt((u / np.float32(ry)) ** 2 + (v / np.float32(rx)) ** 2)
    cov = coverage_from_sdf((rho - 1.0) * np.float32(min(ry, rx)), cv.pitch_mm)
    if dome:
        prof = np.sqrt(np.maximum(1.0 - np.minimum(rho, 1.0) ** 2, 0.0))
        # keep rim pixels from dropping to zero where coverage is still partial
        prof = np.maximum(prof, np.float32(math.sqrt(cv.pitch_mm / max(min(ry, rx), 1e-3))) * 0.3)
        cov = cov * prof
    cv.add(material, win, cov * np.float32(thickness_mm))


def ring(
    cv: Canvas, material: str, center: Point, r_outer_mm: float, r_inner_mm: float,
    thickness_mm: float,
) -> None:
    """A flat annulus (washer, bottle cap rim seen end-on, key ring seen flat)."""
    win = cv.window(center[0] - r_outer_mm, center[1] - r_outer_mm,
                    center[0] + r_outer_mm, center[1] + r_outer_mm)
    if win is None:
        return
    d = np.hypot(win.y_mm - np.float32(center[0]), win.x_mm - np.float32(center[1]))
    cov = coverage_from_sdf(d - r_outer_mm, cv.pitch_mm) - coverage_from_sdf(
        d - r_inner_mm, cv.pitch_mm
    )
    cv.add(material, win, cov * np.float32(thickness_mm))


def polygon_coverage(cv: Canvas, pts_mm: Sequence[Point]) -> tuple[Window, F32] | None:
    """Anti-aliased coverage of a polygon, over the window of its bounding box."""
    arr = np.asarray(pts_mm, dtype=np.float64)
    win = cv.window(arr[:, 0].min(), arr[:, 1].min(), arr[:, 0].max(), arr[:, 1].max())
    if win is None:
        return None
    # OpenCV wants (x, y) in window pixel units; pixel centres sit at +0.5
    origin = np.array([win.cols.start, win.rows.start], np.float64)
    xy = (arr[:, ::-1] / cv.pitch_mm - origin - 0.5) * (1 << _POLY_SHIFT_BITS)
    mask = np.zeros(win.shape, np.uint8)
    cv2.fillPoly(mask, [np.round(xy).astype(np.int32)], 255, cv2.LINE_AA, _POLY_SHIFT_BITS)
    return win, mask.astype(np.float32) * np.float32(1.0 / 255.0)


def polygon(cv: Canvas, material: str, pts_mm: Sequence[Point], thickness_mm: float) -> None:
    got = polygon_coverage(cv, pts_mm)
    if got is not None:
        win, cov = got
        cv.add(material, win, cov * np.float32(thickness_mm))


def rect_points(center: Point, size_mm: tuple[float, float], angle_deg: float = 0.0) -> list[Point]:
    """Corners of a rotated rectangle, for polygons and for placement bounds."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    hy, hx = 0.5 * size_mm[0], 0.5 * size_mm[1]
    out: list[Point] = []
    for su, sv in ((-1, -1), (-1, 1), (1, 1), (1, -1)):
        u, v = su * hy, sv * hx
        out.append((center[0] + u * ca - v * sa, center[1] + u * sa + v * ca))
    return out


# ---------------------------------------------------------------------------
# solids of revolution (bottles, cells, cartridges, barrels, cans)


def _axis_frame(win: Window, p0: Point, p1: Point) -> tuple[F32, F32, float]:
    ay, ax = p1[0] - p0[0], p1[1] - p0[1]
    length = math.hypot(ay, ax)
    if length <= 0:
        raise ValueError("axis of zero length")
    ay, ax = ay / length, ax / length
    dy = win.y_mm - np.float32(p0[0])
    dx = win.x_mm - np.float32(p0[1])
    u = dy * np.float32(ay) + dx * np.float32(ax)
    v = dx * np.float32(ay) - dy * np.float32(ax)
    return u, v, length


def _chord(r: F32, v: F32, pitch_mm: float) -> F32:
    """Chord 2·sqrt(r² − v²) averaged over the pixel's width across the axis.

    The box-filtered chord keeps a round part's cross-section area (its mass per
    length) exact at any pitch, thin wires and 0.25 mm can walls included.
    """
    r = np.maximum(r, np.float32(1e-6))
    half = np.float32(0.5 * pitch_mm)
    a = np.clip(v - half, -r, r)
    b = np.clip(v + half, -r, r)

    def antiderivative(x: F32) -> F32:
        s = np.sqrt(np.maximum(r * r - x * x, 0.0))
        out: F32 = x * s + r * r * np.arcsin(np.clip(x / r, -1.0, 1.0))
        return out

    return ((antiderivative(b) - antiderivative(a)) / np.float32(pitch_mm)).astype(np.float32)


def revolve_side(
    cv: Canvas,
    material: str,
    p0: Point,
    p1: Point,
    profile_u_mm: Sequence[float] | NDArray[np.floating],
    profile_r_mm: Sequence[float] | NDArray[np.floating],
    *,
    inner_r_mm: Sequence[float] | NDArray[np.floating] | None = None,
    fill_level: float | None = None,
    scale: float = 1.0,
) -> None:
    """A solid of revolution lying with its axis from ``p0`` to ``p1`` in the image plane.

    Radius ``profile_r_mm`` at axial distance ``profile_u_mm`` from ``p0``; the
    thickness along the beam is the chord ``2·sqrt(r² − v²)``. ``inner_r_mm``
    hollows it (tube wall = outer chord − inner chord). ``fill_level`` (0..1 of
    the largest radius, liquid settled under gravity with the axis horizontal)
    turns the solid into the liquid below a flat surface. ``scale`` < 1 makes the
    material a volume fraction of the solid (electrode mass in a jelly roll).
    """
    us = np.asarray(profile_u_mm, np.float32)
    rs = np.asarray(profile_r_mm, np.float32)
    r_max = float(rs.max())
    win = cv.window(min(p0[0], p1[0]) - r_max, min(p0[1], p1[1]) - r_max,
                    max(p0[0], p1[0]) + r_max, max(p0[1], p1[1]) + r_max)
    if win is None:
        return
    u, v, length = _axis_frame(win, p0, p1)
    end_cov = np.clip(np.minimum(u, np.float32(length) - u) / np.float32(cv.pitch_mm) + 0.5, 0, 1)
    r = np.interp(u, us, rs).astype(np.float32)
    if fill_level is not None:
        z_level = np.float32(r_max * (2.0 * fill_level - 1.0))
        s = np.sqrt(np.maximum(r * r - v * v, 0.0))
        t = np.clip(np.minimum(s, z_level) + s, 0.0, None)
    else:
        t = _chord(r, v, cv.pitch_mm)
        if inner_r_mm is not None:
            ri = np.interp(u, us, np.asarray(inner_r_mm, np.float32)).astype(np.float32)
            t = np.maximum(t - _chord(ri, v, cv.pitch_mm), 0.0)
    cv.add(material, win, t * end_cov * np.float32(scale))


def bored_cylinder_side(
    cv: Canvas,
    material: str,
    p0: Point,
    p1: Point,
    r_mm: float,
    bore_offsets_mm: Sequence[float],
    bore_r_mm: float,
) -> None:
    """A cylinder with parallel bores (revolver cylinder): outer chord minus the
    chord of every bore, bores offset across the axis in the image plane."""
    win = cv.window(min(p0[0], p1[0]) - r_mm, min(p0[1], p1[1]) - r_mm,
                    max(p0[0], p1[0]) + r_mm, max(p0[1], p1[1]) + r_mm)
    if win is None:
        return
    u, v, length = _axis_frame(win, p0, p1)
    end_cov = np.clip(np.minimum(u, np.float32(length) - u) / np.float32(cv.pitch_mm) + 0.5, 0, 1)
    t = _chord(np.full_like(v, r_mm), v, cv.pitch_mm)
    rb = np.full_like(v, bore_r_mm)
    for off in bore_offsets_mm:
        t -= _chord(rb, v - np.float32(off), cv.pitch_mm)
    cv.add(material, win, np.maximum(t, 0.0) * end_cov)


def cylinder_side(
    cv: Canvas, material: str, p0: Point, p1: Point, r_mm: float, *, inner_r_mm: float = 0.0,
    scale: float = 1.0,
) -> None:
    length = math.hypot(p1[0] - p0[0], p1[1] - p0[1])
    revolve_side(cv, material, p0, p1, [0.0, length], [r_mm, r_mm],
                 inner_r_mm=[inner_r_mm, inner_r_mm] if inner_r_mm > 0 else None, scale=scale)


def revolve_end(
    cv: Canvas,
    material: str,
    center: Point,
    profile_u_mm: Sequence[float] | NDArray[np.floating],
    profile_r_mm: Sequence[float] | NDArray[np.floating],
    *,
    inner_r_mm: Sequence[float] | NDArray[np.floating] | None = None,
    samples: int = 48,
) -> None:
    """The same solid standing on end (axis along the beam): the thickness at radius
    rho is the axial length over which the profile is wider than rho."""
    us = np.asarray(profile_u_mm, np.float32)
    rs = np.asarray(profile_r_mm, np.float32)
    r_max = float(rs.max())
    win = cv.window(center[0] - r_max, center[1] - r_max, center[0] + r_max, center[1] + r_max)
    if win is None:
        return
    uu = np.linspace(us[0], us[-1], samples, dtype=np.float32)
    du = np.float32((us[-1] - us[0]) / samples)
    rr = np.interp(uu, us, rs).astype(np.float32)
    rho = np.hypot(win.y_mm - np.float32(center[0]), win.x_mm - np.float32(center[1]))[..., None]
    pitch = np.float32(cv.pitch_mm)
    cov = np.clip((rr - rho) / pitch + 0.5, 0.0, 1.0)
    if inner_r_mm is not None:
        ri = np.interp(uu, us, np.asarray(inner_r_mm, np.float32)).astype(np.float32)
        cov = cov - np.clip((ri - rho) / pitch + 0.5, 0.0, 1.0)
    cv.add(material, win, cov.sum(axis=-1) * du)


# ---------------------------------------------------------------------------
# bent tubes: cables, wires, trigger guards, frames


def path_distance(cv: Canvas, pts_mm: Sequence[Point], reach_mm: float,
                  closed: bool = False) -> tuple[Window, F32] | None:
    """Distance (mm) of each pixel centre to a polyline, within ``reach_mm`` of it."""
    arr = np.asarray(pts_mm, np.float64)
    win = cv.window(arr[:, 0].min() - reach_mm, arr[:, 1].min() - reach_mm,
                    arr[:, 0].max() + reach_mm, arr[:, 1].max() + reach_mm)
    if win is None:
        return None
    line = np.full(win.shape, 255, np.uint8)
    origin = np.array([win.cols.start, win.rows.start], np.float64)
    xy = (arr[:, ::-1] / cv.pitch_mm - origin - 0.5) * (1 << _POLY_SHIFT_BITS)
    cv2.polylines(line, [np.round(xy).astype(np.int32)], closed, 0, 1, cv2.LINE_8,
                  _POLY_SHIFT_BITS)
    dist = cv2.distanceTransform(line, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return win, (dist.astype(np.float32) * np.float32(cv.pitch_mm))


def tube_path(
    cv: Canvas,
    material: str,
    pts_mm: Sequence[Point],
    r_mm: float,
    *,
    inner_r_mm: float = 0.0,
    closed: bool = False,
    scale: float = 1.0,
) -> None:
    """A round rod or tube bent along a polyline (chord thickness across it).
    ``scale`` < 1 turns the cross-section into a volume fraction (wire in a cable)."""
    got = path_distance(cv, pts_mm, r_mm, closed)
    if got is None:
        return
    win, d = got
    r = np.full_like(d, r_mm)
    t = _chord(r, d, cv.pitch_mm)
    if inner_r_mm > 0:
        t = np.maximum(t - _chord(np.full_like(d, inner_r_mm), d, cv.pitch_mm), 0.0)
    cv.add(material, win, t * np.float32(scale))


def torus(
    cv: Canvas,
    material: str,
    center: Point,
    ring_radius_mm: float,
    tube_radius_mm: float,
    *,
    wobble_mm: float = 0.0,
    wobble_phase: float = 0.0,
    scale: float = 1.0,
) -> None:
    """A ring of round cross-section lying flat (coiled cable bundle, O-ring),
    optionally wobbling in radius like a hand-wound coil."""
    reach = ring_radius_mm + tube_radius_mm + wobble_mm
    win = cv.window(center[0] - reach, center[1] - reach, center[0] + reach, center[1] + reach)
    if win is None:
        return
    dy = win.y_mm - np.float32(center[0])
    dx = win.x_mm - np.float32(center[1])
    rho = np.hypot(dy, dx)
    big_r = np.float32(ring_radius_mm)
    if wobble_mm > 0:
        theta = np.arctan2(dy, dx)
        big_r = big_r + np.float32(wobble_mm) * np.sin(3.0 * theta + np.float32(wobble_phase))
    t = _chord(np.full_like(rho, tube_radius_mm), rho - big_r, cv.pitch_mm)
    cv.add(material, win, t * np.float32(scale))
