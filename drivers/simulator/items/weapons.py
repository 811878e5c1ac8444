"""Weapons and ammunition: handgun, knife, scissors, ammunition.

Items lie flat on the belt, so the beam goes through a handgun from one side to
the other: what the image shows as steel thickness is the slide's two side
walls plus the barrel chord, not the slide's height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from drivers.simulator.items._shapes import (
    Canvas,
    Point,
    bored_cylinder_side,
    box_shell,
    cylinder_side,
    ellipse,
    polygon,
    polygon_coverage,
    revolve_end,
    revolve_side,
    slab,
    tube_path,
)
from drivers.simulator.model import ItemModel

# ---------------------------------------------------------------------------
# cartridges


@dataclass(frozen=True)
class CartridgeSpec:
    """Dimensions of one cartridge (mm). Profiles are radius vs axial distance from
    the case head; the bullet profile is relative to the bullet's base."""

    name: str
    case_u_mm: tuple[float, ...]
    case_r_mm: tuple[float, ...]
    head_mm: float  # solid case head before the powder space
    powder_u_mm: tuple[float, float]  # from the solid head to the bullet base
    powder_fill: float  # fraction of the case volume the charge fills
    bullet_seat_mm: float
    bullet_u_mm: tuple[float, ...]
    bullet_r_mm: tuple[float, ...]
    jacket_mm: float  # copper jacket wall; 0 for plain lead

    @property
    def length_mm(self) -> float:
        return self.bullet_seat_mm + self.bullet_u_mm[-1]

    @property
    def radius_mm(self) -> float:
        return max(self.case_r_mm)


CARTRIDGES: dict[str, CartridgeSpec] = {
    "9mm": CartridgeSpec(
        "9mm", (0.0, 19.15), (4.98, 4.83), 3.0,
        (3.0, 14.8), 0.5, 14.8, (0.0, 8.0, 11.0, 13.5, 14.9), (4.51, 4.51, 3.9, 2.6, 0.8), 0.5,
    ),
    ".22lr": CartridgeSpec(
        ".22lr", (0.0, 1.1, 1.11, 15.6), (3.45, 3.45, 2.85, 2.85), 1.0,
        (1.0, 11.0), 0.6, 11.0, (0.0, 6.0, 10.0, 13.0, 14.4), (2.83, 2.83, 2.3, 1.4, 0.6), 0.0,
    ),
    ".38spl": CartridgeSpec(
        ".38spl", (0.0, 1.4, 1.41, 29.3), (5.5, 5.5, 4.8, 4.8), 2.5,
        (2.5, 21.0), 0.3, 21.0, (0.0, 12.0, 15.0, 17.0, 18.0), (4.52, 4.52, 3.8, 2.5, 1.2), 0.0,
    ),
    "5.56": CartridgeSpec(
        "5.56", (0.0, 36.5, 39.5, 44.7), (4.79, 4.5, 3.2, 3.2), 4.0,
        (4.0, 34.4), 0.85, 34.4, (0.0, 10.0, 15.0, 20.0, 23.0), (2.85, 2.85, 2.4, 1.3, 0.4), 0.5,
    ),
}
_CASE_WALL_MM = 0.4


def _case_inner(spec: CartridgeSpec) -> tuple[list[float], list[float]]:
    """Axial samples and inner radius of the case: zero over the solid head."""
    head = spec.head_mm
    us = [float(x) for x in spec.case_u_mm if x > head + 0.01]
    r_in = [float(np.interp(x, spec.case_u_mm, spec.case_r_mm)) - _CASE_WALL_MM for x in us]
    r_head = float(np.interp(head, spec.case_u_mm, spec.case_r_mm)) - _CASE_WALL_MM
    return [0.0, head, head + 0.01, *us], [0.0, 0.0, r_head, *r_in]


def draw_cartridge(cv: Canvas, spec: CartridgeSpec, head: Point, angle_deg: float) -> None:
    """One cartridge lying on its side, case head at ``head``, pointing at ``angle_deg``
    (0 = +x, clockwise in the image)."""
    a = math.radians(angle_deg)
    dy, dx = math.sin(a), math.cos(a)

    def at(u: float) -> Point:
        return (head[0] + u * dy, head[1] + u * dx)

    case_len = spec.case_u_mm[-1]
    inner_u, inner_r = _case_inner(spec)
    case_r_on_inner = np.interp(inner_u, spec.case_u_mm, spec.case_r_mm)
    revolve_side(cv, "brass", at(0.0), at(case_len), inner_u, case_r_on_inner, inner_r_mm=inner_r)
    p0, p1 = spec.powder_u_mm
    pu = np.linspace(p0, p1, 6)
    pr = np.interp(pu, inner_u, inner_r)
    revolve_side(cv, "smokeless_powder", at(p0), at(p1), pu - p0, pr, fill_level=spec.powder_fill)
    seat, bu, br = spec.bullet_seat_mm, spec.bullet_u_mm, np.asarray(spec.bullet_r_mm)
    tip = seat + bu[-1]
    core_r = np.maximum(br - spec.jacket_mm, 0.0)
    if spec.jacket_mm > 0:
        revolve_side(cv, "copper", at(seat), at(tip), bu, br, inner_r_mm=core_r)
    revolve_side(cv, "lead", at(seat), at(tip), bu, core_r)


def draw_cartridge_standing(cv: Canvas, spec: CartridgeSpec, center: Point) -> None:
    """One cartridge standing on its head (axis along the beam)."""
    inner_u, inner_r = _case_inner(spec)
    case_r_on_inner = np.interp(inner_u, spec.case_u_mm, spec.case_r_mm)
    revolve_end(cv, "brass", center, inner_u, case_r_on_inner, inner_r_mm=inner_r, samples=32)
    p0, p1 = spec.powder_u_mm
    height = (p1 - p0) * spec.powder_fill
    r_pow = float(np.interp(p0 + 1.0, inner_u, inner_r))
    revolve_end(cv, "smokeless_powder", center, [0.0, height], [r_pow, r_pow], samples=4)
    br = np.asarray(spec.bullet_r_mm)
    core_r = np.maximum(br - spec.jacket_mm, 0.0)
    if spec.jacket_mm > 0:
        revolve_end(cv, "copper", center, spec.bullet_u_mm, br, inner_r_mm=core_r, samples=24)
    revolve_end(cv, "lead", center, spec.bullet_u_mm, core_r, samples=24)


def cartridge_stamp(spec: CartridgeSpec, pitch_mm: float, *, standing: bool = False) -> Canvas:
    """A small canvas holding one cartridge pointing along +x (or standing), for stamping."""
    r = spec.radius_mm
    if standing:
        cv = Canvas(2 * r + 2, 2 * r + 2, pitch_mm)
        draw_cartridge_standing(cv, spec, (r + 1, r + 1))
    else:
        cv = Canvas(2 * r + 2, spec.length_mm + 2, pitch_mm)
        draw_cartridge(cv, spec, (r + 1, 1.0), 0.0)
    return cv


# ---------------------------------------------------------------------------
# handgun


def _pistol(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    length = rng.uniform(155.0, 215.0)
    slide_h = rng.uniform(28.0, 35.0)
    slide_w = rng.uniform(21.0, 27.0)  # across the gun = along the beam
    grip_len = rng.uniform(85.0, 115.0)
    grip_w = rng.uniform(40.0, 48.0)  # front strap to back strap
    rake = math.radians(rng.uniform(12.0, 22.0))
    steel_frame = bool(rng.random() < 0.35)
    double_stack = bool(rng.random() < 0.65)
    x0 = 6.0 + grip_len * math.tan(rake)
    y0 = 6.0
    cv = Canvas(y0 + slide_h + grip_len + 12.0, x0 + length + 6.0, pitch_mm)

    # slide: side walls face the beam, the top wall is seen edge-on
    box_shell(cv, "steel", (y0 + slide_h / 2, x0 + length / 2), (slide_h, length),
              height_mm=slide_w, wall_mm=rng.uniform(3.0, 4.5), plate_mm=rng.uniform(3.0, 4.2),
              corner_mm=3.0)
    barrel_len = length - rng.uniform(30.0, 45.0)
    yb = y0 + slide_h * 0.45
    xb1 = x0 + length - 2.0
    xb0 = xb1 - barrel_len
    cylinder_side(cv, "steel", (yb, xb0), (yb, xb1), rng.uniform(5.6, 6.6), inner_r_mm=4.5)
    cylinder_side(cv, "steel", (yb, xb0), (yb, xb0 + 16.0), 7.2, inner_r_mm=6.0)  # chamber block
    cylinder_side(cv, "steel", (y0 + slide_h * 0.45, x0 + 4.0), (y0 + slide_h * 0.45, xb0 - 2.0),
                  2.0)  # striker
    slab(cv, "steel", (y0 - 2.0, x0 + 8.0), (4.0, 8.0), 10.0)  # rear sight
    slab(cv, "steel", (y0 - 1.5, x0 + length - 8.0), (3.0, 4.0), 4.0)  # front sight

    frame_mat = "steel" if steel_frame else "nylon"
    frame_t = rng.uniform(4.0, 6.0) if steel_frame else rng.uniform(7.0, 10.0)
    dust_y1 = y0 + slide_h + rng.uniform(10.0, 14.0)
    grip_top = y0 + slide_h - 3.0
    polygon(cv, frame_mat, [(grip_top, x0 + 2.0), (grip_top, x0 + length - 6.0),
                            (dust_y1, x0 + length - 8.0), (dust_y1, x0 + grip_w + 30.0),
                            (grip_top + 14.0, x0 + grip_w + 4.0)], frame_t)
    # recoil spring and guide rod under the barrel
    yr = y0 + slide_h + 3.5
    cylinder_side(cv, "steel", (yr, x0 + length * 0.45), (yr, x0 + length - 4.0), 1.8)
    cylinder_side(cv, "steel", (yr, x0 + length * 0.45), (yr, x0 + length - 4.0), 4.5,
                  inner_r_mm=3.8)
    # grip: a hollow handle around the magazine, raked backwards
    axis = (math.cos(rake), -math.sin(rake))
    g_top = (grip_top, x0 + 2.0 + grip_w / 2)
    g_mid = (g_top[0] + axis[0] * grip_len / 2, g_top[1] + axis[1] * grip_len / 2)
    angle = -math.degrees(rake)
    box_shell(cv, frame_mat, g_mid, (grip_len, grip_w), height_mm=rng.uniform(28.0, 33.0),
              wall_mm=3.0, plate_mm=frame_t / 2, corner_mm=4.0, angle_deg=angle)
    if steel_frame:
        grip_wood = "wood" if rng.random() < 0.5 else "rubber"
        slab(cv, grip_wood, (g_mid[0] + 4.0 * axis[0], g_mid[1] + 4.0 * axis[1]),
             (grip_len * 0.75, grip_w - 2.0), rng.uniform(8.0, 12.0), corner_mm=6.0,
             angle_deg=angle, edge_mm=4.0)
    # magazine (sheet steel box) with its stack of cartridges
    mag_len = grip_len - 4.0
    mag_depth = rng.uniform(32.0, 35.0)  # a 9 mm round is 29.7 mm long
    mag_c = (g_top[0] + axis[0] * (mag_len / 2 + 3.0), g_top[1] + axis[1] * (mag_len / 2 + 3.0))
    box_shell(cv, "steel", mag_c, (mag_len, mag_depth), height_mm=22.0 if double_stack else
              15.0, wall_mm=0.8, plate_mm=0.8, corner_mm=2.0, angle_deg=angle)
    base_c = (mag_c[0] + axis[0] * mag_len / 2, mag_c[1] + axis[1] * mag_len / 2)
    slab(cv, "nylon" if rng.random() < 0.6 else "steel", base_c, (5.0, mag_depth), 6.0,
         corner_mm=2.0, angle_deg=angle)
    spec = CARTRIDGES["9mm"]
    stamp = cartridge_stamp(spec, pitch_mm)
    capacity = int((mag_len - 12.0) / (5.0 if double_stack else 9.5))
    loaded = int(rng.integers(0, capacity + 1)) if rng.random() < 0.3 else capacity
    for k in range(loaded):
        s = 5.0 + k * (5.0 if double_stack else 9.5)
        cy = g_top[0] + axis[0] * s
        cx = g_top[1] + axis[1] * s
        cv.stamp(stamp, (cy - stamp.height_mm / 2, cx - spec.length_mm / 2 - 1.0))
    if rng.random() < 0.5:  # a round in the chamber
        draw_cartridge(cv, spec, (yb, xb0 - 1.0), 0.0)
    # trigger guard and trigger
    tg_x0, tg_x1 = x0 + grip_w + 2.0, x0 + grip_w + rng.uniform(36.0, 44.0)
    tg_y1 = dust_y1 + rng.uniform(16.0, 22.0)
    tube_path(cv, frame_mat, [(dust_y1 - 1.0, tg_x1), (tg_y1 - 4.0, tg_x1 + 1.0),
                              (tg_y1, tg_x1 - 6.0), (tg_y1, tg_x0 + 4.0),
                              (tg_y1 - 6.0, tg_x0)], 2.6)
    polygon(cv, "steel" if steel_frame else "nylon",
            [(dust_y1, tg_x0 + 14.0), (dust_y1, tg_x0 + 19.0), (tg_y1 - 6.0, tg_x0 + 14.0),
             (tg_y1 - 8.0, tg_x0 + 11.0)], 6.0)
    if steel_frame:  # exposed hammer at the back of the slide
        polygon(cv, "steel", [(y0 + 6.0, x0), (y0 - 2.0, x0 - 8.0), (y0 + 1.0, x0 - 12.0),
                              (y0 + 14.0, x0 + 3.0)], 7.0)
    variant = "pistol_steel" if steel_frame else "pistol_polymer"
    return cv.to_item("handgun", is_threat_class=True, variant=variant)


def _revolver(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    barrel_len = rng.uniform(50.0, 155.0)
    cyl_len = rng.uniform(38.0, 42.0)
    cyl_r = rng.uniform(17.5, 20.0)
    chamber_r = 4.9
    chamber_off = cyl_r - 6.8
    grip_len = rng.uniform(85.0, 110.0)
    rake = math.radians(rng.uniform(22.0, 32.0))
    frame_t = rng.uniform(11.0, 15.0)
    x0 = 8.0 + grip_len * math.sin(rake) + 20.0
    y_top = 6.0
    yc = y_top + 6.0 + cyl_r
    xc0 = x0 + 12.0
    xc1 = xc0 + cyl_len
    yb = yc - chamber_off  # the barrel lines up with the top chamber
    cv = Canvas(yc + cyl_r + 14.0 + grip_len, xc1 + 3.0 + barrel_len + 6.0, pitch_mm)

    phase = rng.uniform(0.0, math.pi / 3)
    offsets = [-chamber_off * math.cos(phase + k * math.pi / 3) for k in range(6)]
    bored_cylinder_side(cv, "steel", (yc, xc0), (yc, xc1), cyl_r, offsets, chamber_r)
    spec = CARTRIDGES[".38spl"]
    loaded = int(rng.integers(0, 7)) if rng.random() < 0.3 else 6
    for off in offsets[:loaded]:
        draw_cartridge(cv, spec, (yc + off, xc0 + 0.5), 0.0)
    # barrel, underlug and ejector rod
    bx0, bx1 = xc1 + 3.0, xc1 + 3.0 + barrel_len
    barrel_r = rng.uniform(7.0, 9.0)
    cylinder_side(cv, "steel", (yb, bx0 - 6.0), (yb, bx1), barrel_r, inner_r_mm=4.5)
    if rng.random() < 0.6:
        slab(cv, "steel", (yb + barrel_r + 3.0, (bx0 + bx1) / 2), (8.0, barrel_len), 9.0,
             corner_mm=2.0)
    cylinder_side(cv, "steel", (yc + 3.0, xc1), (yc + 3.0, xc1 + min(barrel_len, 60.0) * 0.8),
                  3.0)
    # frame: top strap, recoil shield, bottom strap, all solid steel
    top_strap = (y_top, xc0 - 10.0, yc - cyl_r + 1.0, bx0 + 2.0)
    slab(cv, "steel", ((top_strap[0] + top_strap[2]) / 2, (top_strap[1] + top_strap[3]) / 2),
         (top_strap[2] - top_strap[0], top_strap[3] - top_strap[1]), frame_t, corner_mm=2.0)
    slab(cv, "steel", ((y_top + yc + cyl_r + 10.0) / 2, xc0 - 9.0),
         (yc + cyl_r + 10.0 - y_top, 18.0), frame_t + 4.0, corner_mm=3.0)
    slab(cv, "steel", (yc + cyl_r + 4.0, (xc0 + xc1) / 2 + 4.0), (9.0, cyl_len + 18.0), frame_t,
         corner_mm=2.0)
    slab(cv, "steel", (yb, bx0 - 2.0), (2 * barrel_r + 4.0, 8.0), frame_t + 6.0, corner_mm=2.0)
    # grip: thin steel frame tang inside wood or rubber panels, raked backwards
    axis = (math.cos(rake), -math.sin(rake))
    g0 = (yc + cyl_r - 2.0, xc0 - 6.0)
    g_mid = (g0[0] + axis[0] * grip_len / 2, g0[1] + axis[1] * grip_len / 2)
    angle = -math.degrees(rake)
    slab(cv, "steel", g_mid, (grip_len * 0.85, 16.0), 6.0, corner_mm=4.0, angle_deg=angle)
    grip_mat = "wood" if rng.random() < 0.5 else "rubber"
    slab(cv, grip_mat, (g_mid[0] + axis[0] * 4.0, g_mid[1] + axis[1] * 4.0),
         (grip_len, rng.uniform(30.0, 36.0)), rng.uniform(28.0, 34.0), corner_mm=10.0,
         angle_deg=angle, edge_mm=10.0)
    # hammer, trigger guard, trigger
    polygon(cv, "steel", [(y_top + 10.0, xc0 - 12.0), (y_top - 3.0, xc0 - 24.0),
                          (y_top + 1.0, xc0 - 27.0), (y_top + 22.0, xc0 - 14.0)], 7.0)
    ty = yc + cyl_r + 8.0
    tube_path(cv, "steel", [(ty, xc0 + 20.0), (ty + 18.0, xc0 + 18.0), (ty + 22.0, xc0 + 6.0),
                            (ty + 14.0, xc0 - 8.0)], 2.4)
    polygon(cv, "steel", [(ty, xc0 - 2.0), (ty, xc0 + 4.0), (ty + 16.0, xc0 - 2.0),
                          (ty + 14.0, xc0 - 6.0)], 6.0)
    variant = "revolver_snub" if barrel_len < 80 else "revolver"
    return cv.to_item("handgun", is_threat_class=True, variant=variant)


def build_handgun(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A pistol (polymer or steel frame, loaded magazine) or a revolver."""
    if rng.random() < 0.65:
        return _pistol(rng, pitch_mm)
    return _revolver(rng, pitch_mm)


# ---------------------------------------------------------------------------
# knife


def _blade(
    cv: Canvas,
    rng: np.random.Generator,
    heel: Point,
    length_mm: float,
    width_mm: float,
    spine_mm: float,
    *,
    clip_point: bool,
    belly: float,
) -> None:
    """A blade pointing along +x from ``heel`` (spine on top): flat-ground, so the
    thickness falls linearly from the spine to a thin edge and thins to the tip."""
    n = 24
    s = np.linspace(0.0, 1.0, n)
    edge = heel[0] + width_mm * (1.0 - s**belly)  # edge sweeps up to the tip
    spine = np.full(n, heel[0])
    if clip_point:  # the spine drops to the point over the last third
        spine = heel[0] + np.clip((s - 0.65) / 0.35, 0, 1) ** 1.4 * width_mm * 0.45
    xs = heel[1] + s * length_mm
    tip_y = min(float(edge[-1]), float(spine[-1]) + 0.5)
    pts: list[Point] = [(float(a), float(b)) for a, b in zip(spine, xs, strict=True)]
    pts.append((tip_y, float(xs[-1])))
    pts += [(float(a), float(b)) for a, b in zip(edge[::-1], xs[::-1], strict=True)]
    got = polygon_coverage(cv, pts)
    if got is None:
        return
    win, cov = got
    frac = np.clip((win.x_mm - np.float32(heel[1])) / np.float32(length_mm), 0.0, 1.0)
    sp = np.interp(frac, s, spine).astype(np.float32)
    ed = np.interp(frac, s, edge).astype(np.float32)
    across = np.clip((ed - win.y_mm) / np.maximum(ed - sp, 1.0), 0.0, 1.0)
    edge_t = np.float32(0.25)
    t = edge_t + (np.float32(spine_mm) - edge_t) * across
    t *= 1.0 - 0.6 * frac**2  # distal taper
    cv.add("steel" if rng.random() < 0.5 else "stainless_steel", win, cov * t)


def build_knife(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """Kitchen knife, folding knife (open or closed) or combat knife."""
    kind = str(rng.choice(["kitchen", "folding", "combat"], p=[0.45, 0.3, 0.25]))
    if kind == "kitchen":
        blade_l, blade_w = rng.uniform(90.0, 240.0), rng.uniform(18.0, 50.0)
        spine, handle_l = rng.uniform(1.4, 2.6), rng.uniform(95.0, 130.0)
    elif kind == "folding":
        blade_l, blade_w = rng.uniform(55.0, 100.0), rng.uniform(16.0, 30.0)
        spine, handle_l = rng.uniform(2.5, 4.0), blade_l + rng.uniform(12.0, 25.0)
    else:
        blade_l, blade_w = rng.uniform(120.0, 190.0), rng.uniform(28.0, 40.0)
        spine, handle_l = rng.uniform(4.0, 6.5), rng.uniform(110.0, 135.0)
    handle_w = rng.uniform(20.0, 28.0)
    closed = kind == "folding" and bool(rng.random() < 0.4)
    total = handle_l + (0.0 if closed else blade_l) + 8.0
    cv = Canvas(max(blade_w, handle_w) + 30.0, total + 8.0, pitch_mm)
    hy = 6.0 + max(handle_w, 20.0) / 2  # handle axis
    hx0 = 4.0
    hx1 = hx0 + handle_l
    h_center = (hy + 6.0, (hx0 + hx1) / 2)
    if kind == "kitchen":
        mat = str(rng.choice(["wood", "pom", "polypropylene", "steel"]))
        if mat == "steel":  # one-piece steel knife: hollow handle, thin walls
            box_shell(cv, "stainless_steel", h_center, (handle_w, handle_l), height_mm=16.0,
                      wall_mm=0.8, corner_mm=8.0)
        else:
            slab(cv, mat, h_center, (handle_w, handle_l), rng.uniform(15.0, 21.0),
                 corner_mm=8.0, edge_mm=6.0)
            full_tang = mat == "wood" or bool(rng.random() < 0.4)
            tang_l = handle_l - 6.0 if full_tang else handle_l * 0.6
            slab(cv, "steel", (h_center[0], hx1 - tang_l / 2), (handle_w * (0.8 if full_tang
                 else 0.35), tang_l), spine, corner_mm=4.0)
            if full_tang:
                for k in range(int(rng.integers(2, 4))):
                    ellipse(cv, "brass" if rng.random() < 0.3 else "steel",
                            (h_center[0], hx0 + handle_l * (0.25 + 0.25 * k)), (2.5, 2.5), 16.0)
        heel = (hy + 6.0 - handle_w / 2 + 1.0, hx1)
        _blade(cv, rng, heel, blade_l, blade_w, spine, clip_point=False,
               belly=float(rng.uniform(1.8, 3.5)))
        slab(cv, "steel", (heel[0] + blade_w * 0.35, hx1 + 2.0), (blade_w * 0.7, 5.0),
             spine * 2.5, corner_mm=2.0)  # bolster
    elif kind == "folding":
        scale_mat = str(rng.choice(["abs", "fr4", "aluminium", "wood"]))
        slab(cv, scale_mat, h_center, (handle_w, handle_l), rng.uniform(4.0, 7.0), corner_mm=8.0)
        slab(cv, "stainless_steel", h_center, (handle_w - 2.0, handle_l - 4.0),
             rng.uniform(1.6, 2.4), corner_mm=8.0)  # two liners
        slab(cv, "stainless_steel", (h_center[0] - handle_w / 2 + 1.5, h_center[1] - 5.0),
             (4.0, handle_l * 0.6), 1.2, corner_mm=1.5)  # pocket clip
        ellipse(cv, "steel", (h_center[0], hx1 - 8.0), (5.0, 5.0), 12.0)  # pivot
        if closed:
            heel = (h_center[0] + blade_w / 2 - 2.0, hx1 - 6.0)
            # folded: blade lies back inside the handle, edge inwards
            _blade(cv, rng, (heel[0] - blade_w + 4.0, heel[1] - blade_l), blade_l, blade_w - 4.0,
                   spine, clip_point=True, belly=2.5)
        else:
            heel = (h_center[0] - handle_w / 2 + 2.0, hx1 - 2.0)
            _blade(cv, rng, heel, blade_l, blade_w, spine, clip_point=bool(rng.random() < 0.5),
                   belly=float(rng.uniform(2.0, 3.0)))
    else:
        mat = str(rng.choice(["rubber", "nylon", "leather"]))
        slab(cv, mat, h_center, (handle_w + 4.0, handle_l), rng.uniform(22.0, 28.0),
             corner_mm=10.0, edge_mm=8.0)
        slab(cv, "steel", h_center, (handle_w * 0.6, handle_l), spine, corner_mm=3.0)  # tang
        slab(cv, "steel", (h_center[0], hx0 + 4.0), (handle_w + 2.0, 10.0), 20.0, corner_mm=4.0,
             edge_mm=3.0)  # pommel
        slab(cv, "steel", (h_center[0] + 4.0, hx1 + 3.0), (handle_w + blade_w * 0.5 + 18.0, 6.0),
             8.0, corner_mm=2.5)  # guard
        heel = (h_center[0] - handle_w / 2 + 3.0, hx1 + 6.0)
        _blade(cv, rng, heel, blade_l, blade_w, spine, clip_point=bool(rng.random() < 0.7),
               belly=2.2)
    variant = "folding_closed" if closed else kind
    return cv.to_item("knife", is_threat_class=True, variant=variant)


# ---------------------------------------------------------------------------
# scissors


def build_scissors(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """Two steel blades crossing at a pivot screw, plastic (or steel) finger loops."""
    total = rng.uniform(130.0, 250.0)
    blade_l = total * rng.uniform(0.5, 0.6)
    loop_len = total - blade_l
    open_deg = rng.uniform(0.0, 35.0)
    blade_t = rng.uniform(1.8, 3.2)
    steel_loops = bool(rng.random() < 0.25)
    size = total + 20.0
    cv = Canvas(size * 0.75, size, pitch_mm)
    pivot = (cv.height_mm / 2, loop_len + 10.0)
    blade_w = total * rng.uniform(0.05, 0.07)
    for side in (-1.0, 1.0):
        a = math.radians(side * open_deg / 2)
        d = (math.sin(a), math.cos(a))
        n = (d[1], -d[0])
        w = blade_w * side

        def pt(u: float, v: float, d: tuple[float, float] = d, n: tuple[float, float] = n
               ) -> Point:
            return (pivot[0] + u * d[0] + v * n[0], pivot[1] + u * d[1] + v * n[1])

        # blade: from behind the pivot to the tip, one straight edge on the cutting line
        polygon(cv, "stainless_steel", [pt(-15.0, 0.0), pt(blade_l, 0.0), pt(blade_l - 8, w * .3),
                                        pt(blade_l * 0.2, w), pt(-15.0, w * 0.8)], blade_t)
        # shank bent away from the cutting line into the finger loop
        ry = loop_len * rng.uniform(0.22, 0.3)
        rx = rng.uniform(11.0, 16.0)
        loop_u, loop_v = -loop_len + ry + 2.0, -side * (rx + 1.0)  # the X through the pivot
        loop_c = pt(loop_u, loop_v)
        tube_path(cv, "stainless_steel", [pt(-8.0, 0.0), pt(loop_u + ry, -side * 3.0)], 2.0)
        th = np.linspace(0.0, 2 * math.pi, 28)
        loop = [pt(loop_u + ry * math.cos(t), loop_v + rx * math.sin(t)) for t in th]
        if steel_loops:
            tube_path(cv, "stainless_steel", loop, 2.5, closed=True)
        else:
            tube_path(cv, str(rng.choice(["polypropylene", "abs"])), loop, 4.5, closed=True)
            tube_path(cv, "stainless_steel", [pt(-8.0, 0.0), loop_c], 1.4)  # steel core
    ellipse(cv, "steel", pivot, (3.5, 3.5), 2 * blade_t + 3.0)  # pivot screw and nut
    variant = "steel" if steel_loops else "plastic_handles"
    return cv.to_item("scissors", is_threat_class=True, variant=variant)


# ---------------------------------------------------------------------------
# ammunition


def build_ammunition(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """Loose cartridges, a box of standing rounds, or a box of rounds lying in rows."""
    caliber = str(rng.choice(["9mm", ".22lr", "5.56", ".38spl"], p=[0.4, 0.25, 0.25, 0.1]))
    spec = CARTRIDGES[caliber]
    kind = str(rng.choice(["loose", "boxed_standing", "boxed_lying"], p=[0.4, 0.35, 0.25]))
    d = 2 * spec.radius_mm
    if kind == "loose":
        n = int(rng.integers(2, 16))
        side = spec.length_mm * (1.2 + 0.25 * math.sqrt(n)) + 10.0
        cv = Canvas(side, side, pitch_mm)
        half = spec.length_mm / 2
        for _ in range(n):
            cy, cx = (float(v) for v in rng.uniform(half + 3.0, side - half - 3.0, size=2))
            ang = float(rng.uniform(0.0, 360.0))
            a = math.radians(ang)
            head = (cy - half * math.sin(a), cx - half * math.cos(a))
            draw_cartridge(cv, spec, head, ang)
    elif kind == "boxed_standing":
        rows, cols = (5, 10) if rng.random() < 0.6 else (4, 5)
        if caliber == ".22lr":
            rows, cols = 5, 10
        pitch = d + 1.2
        box_h, box_w = rows * pitch + 6.0, cols * pitch + 6.0
        cv = Canvas(box_h + 4.0, box_w + 4.0, pitch_mm)
        center = (cv.height_mm / 2, cv.width_mm / 2)
        box_shell(cv, "cardboard", center, (box_h, box_w), height_mm=spec.length_mm + 4.0,
                  wall_mm=0.6)
        slab(cv, "polypropylene", center, (box_h - 2.0, box_w - 2.0), 1.2)  # tray
        stamp = cartridge_stamp(spec, pitch_mm, standing=True)
        n = rows * cols if rng.random() < 0.7 else int(rng.integers(1, rows * cols))
        for k in range(n):
            row, col = divmod(k, cols)
            y = center[0] - box_h / 2 + 3.0 + (row + 0.5) * pitch
            x = center[1] - box_w / 2 + 3.0 + (col + 0.5) * pitch
            cv.stamp(stamp, (y - stamp.height_mm / 2, x - stamp.width_mm / 2))
    else:
        rows, cols = int(rng.integers(1, 3)), int(rng.integers(5, 11))
        pitch = d + 0.8
        box_h, box_w = spec.length_mm + 6.0, cols * pitch + 6.0
        cv = Canvas((box_h + 2.0) * rows + 4.0, box_w + 4.0, pitch_mm)
        stamp = cartridge_stamp(spec, pitch_mm).transposed()
        for r in range(rows):
            center = (2.0 + (r + 0.5) * (box_h + 2.0), cv.width_mm / 2)
            box_shell(cv, "cardboard", center, (box_h, box_w), height_mm=d * 5 + 4.0,
                      wall_mm=0.6)
            for col in range(cols):
                x = center[1] - box_w / 2 + 3.0 + (col + 0.5) * pitch
                y = center[0] - spec.length_mm / 2
                # five rounds stacked along the beam in each column of the box
                for _ in range(5):
                    cv.stamp(stamp, (y, x - stamp.width_mm / 2))
    return cv.to_item("ammunition", is_threat_class=True, variant=f"{kind}_{caliber}")

