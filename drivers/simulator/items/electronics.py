"""Batteries and electronics: lithium_battery, laptop, smartphone, and cable clutter.

The detector has to find lithium cells also inside laptops and phones, so the
cells here are drawn the same way wherever they sit: a steel can (or an
aluminium-laminate pouch) around a jelly roll whose copper, aluminium,
graphite, cobalt oxide and electrolyte are given as volume fractions of the
roll; foil layers (~0.1 mm) are far below one pixel, so the roll images as their
sum, with the hollow mandrel core and the dense cap assembly still visible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from drivers.simulator.items._shapes import (
    Canvas,
    Point,
    box_shell,
    cylinder_side,
    ellipse,
    ring,
    slab,
    torus,
    tube_path,
)
from drivers.simulator.model import ItemModel

# volume fractions of a wound LCO/graphite cell's electrode stack (the rest is
# separator and pores): mass balance of a 46 g 18650
JELLY_FRACTIONS: dict[str, float] = {
    "copper": 0.04,
    "aluminium": 0.05,
    "graphite": 0.33,
    "lco": 0.25,
    "li_electrolyte": 0.25,
}


@dataclass(frozen=True)
class CellSpec:
    name: str
    radius_mm: float
    length_mm: float


CELLS: dict[str, CellSpec] = {
    "18650": CellSpec("18650", 9.1, 65.0),
    "21700": CellSpec("21700", 10.5, 70.0),
    "14500": CellSpec("14500", 7.0, 50.0),
}


def draw_cylindrical_cell(cv: Canvas, p0: Point, p1: Point, radius_mm: float) -> None:
    """A lithium-ion cell lying with its axis p0 (negative can bottom) → p1 (positive cap)."""
    length = math.hypot(p1[0] - p0[0], p1[1] - p0[1])
    dy, dx = (p1[0] - p0[0]) / length, (p1[1] - p0[1]) / length

    def at(u: float) -> Point:
        return (p0[0] + u * dy, p0[1] + u * dx)

    wall = 0.25
    cylinder_side(cv, "nickel", p0, p1, radius_mm, inner_r_mm=radius_mm - wall)  # Ni-plated can
    cylinder_side(cv, "steel", p0, at(0.4), radius_mm - wall)  # can bottom
    # cap assembly: top cap, vent disc, PTC and gasket packed into the last 3 mm
    cylinder_side(cv, "steel", at(length - 3.2), at(length - 0.2), radius_mm - wall, scale=0.35)
    cylinder_side(cv, "polypropylene", at(length - 3.5), at(length), radius_mm - wall,
                  inner_r_mm=radius_mm - 1.2)  # gasket
    cylinder_side(cv, "steel", at(length - 0.4), p1, radius_mm * 0.55)  # terminal button
    roll_r = radius_mm - wall - 0.15
    core_r = 1.2 if radius_mm < 8 else 1.8
    for material, frac in JELLY_FRACTIONS.items():
        cylinder_side(cv, material, at(1.0), at(length - 4.0), roll_r, inner_r_mm=core_r,
                      scale=frac)
    # the mandrel core is not quite empty: tabs and a steel centre pin in some cells
    cylinder_side(cv, "nickel", at(1.0), at(length - 4.0), 0.5)


def cell_stamp(spec: CellSpec, pitch_mm: float) -> Canvas:
    """One cell along +x on its own canvas, to stamp many parallel copies."""
    cv = Canvas(2 * spec.radius_mm + 2.0, spec.length_mm + 2.0, pitch_mm)
    draw_cylindrical_cell(cv, (spec.radius_mm + 1.0, 1.0),
                          (spec.radius_mm + 1.0, spec.length_mm + 1.0), spec.radius_mm)
    return cv


def draw_pouch_cell(cv: Canvas, center: Point, size_mm: tuple[float, float], thickness_mm: float,
                    *, angle_deg: float = 0.0, tabs: bool = True) -> None:
    """A laminated pouch cell lying flat: foil stack of uniform fractions, sealed rim."""
    slab(cv, "aluminium", center, size_mm, 0.08, corner_mm=2.0, angle_deg=angle_deg)
    slab(cv, "polypropylene", center, size_mm, 0.12, corner_mm=2.0, angle_deg=angle_deg)
    inner = (size_mm[0] - 5.0, size_mm[1] - 5.0)
    for material, frac in JELLY_FRACTIONS.items():
        slab(cv, material, center, inner, thickness_mm * frac, corner_mm=2.0, angle_deg=angle_deg,
             edge_mm=min(2.0, thickness_mm))
    if tabs:  # aluminium (+) and nickel (−) tabs out of one short side
        a = math.radians(angle_deg)
        off = size_mm[0] / 2 + 3.0
        for side, mat in ((-1.0, "aluminium"), (1.0, "nickel")):
            s = side * size_mm[1] * 0.25
            c = (center[0] - off * math.cos(a) - s * math.sin(a),
                 center[1] - off * math.sin(a) + s * math.cos(a))
            slab(cv, mat, c, (8.0, 4.0), 0.15, angle_deg=angle_deg)


def _pcb(cv: Canvas, rng: np.random.Generator, center: Point, size_mm: tuple[float, float],
         *, chips: int, thickness_mm: float = 1.2) -> None:
    """FR4 board with copper planes and a few packaged chips (silicon die in epoxy)."""
    slab(cv, "fr4", center, size_mm, thickness_mm, corner_mm=1.0)
    slab(cv, "copper", center, (size_mm[0] - 1.0, size_mm[1] - 1.0), rng.uniform(0.07, 0.2))
    for _ in range(chips):
        ch = rng.uniform(1.0, max(1.5, min(16.0, 0.6 * min(size_mm))))
        cw = ch * rng.uniform(0.6, 1.6)
        c = (center[0] + rng.uniform(-0.5, 0.5) * (size_mm[0] - ch),
             center[1] + rng.uniform(-0.5, 0.5) * (size_mm[1] - cw))
        slab(cv, "fr4", c, (ch, cw), rng.uniform(0.8, 1.5))  # mould compound ~ filled epoxy
        slab(cv, "silicon", c, (ch * 0.6, cw * 0.6), 0.3)


# ---------------------------------------------------------------------------
# lithium_battery


def build_lithium_battery(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A loose 18650/21700 cell, a taped cell pack, a power bank or a pouch cell."""
    kind = str(rng.choice(["cell", "cell_pack", "power_bank", "pouch"], p=[0.3, 0.15, 0.35, 0.2]))
    if kind == "cell":
        spec = CELLS[str(rng.choice(["18650", "21700"], p=[0.7, 0.3]))]
        cv = Canvas(2 * spec.radius_mm + 2.0, spec.length_mm + 2.0, pitch_mm)
        cv.stamp(cell_stamp(spec, pitch_mm), (0.0, 0.0))
        # PVC shrink sleeve over the can
        cylinder_side(cv, "pvc", (spec.radius_mm + 1.0, 1.0),
                      (spec.radius_mm + 1.0, spec.length_mm + 1.0), spec.radius_mm + 0.1,
                      inner_r_mm=spec.radius_mm)
        return cv.to_item("lithium_battery", is_threat_class=True, variant=f"cell_{spec.name}")
    if kind == "cell_pack":
        spec = CELLS[str(rng.choice(["18650", "21700", "14500"]))]
        n = int(rng.integers(2, 7))
        d = 2 * spec.radius_mm
        cv = Canvas(n * d + 6.0, spec.length_mm + 6.0, pitch_mm)
        stamp = cell_stamp(spec, pitch_mm)
        for k in range(n):
            cv.stamp(stamp, (2.0 + k * d, 2.0))
        for x in (2.5, spec.length_mm + 2.5):  # spot-welded nickel strips at both ends
            slab(cv, "nickel", (cv.height_mm / 2, x), (n * d, 7.0), 0.15 * 4)
        slab(cv, "pvc", (cv.height_mm / 2, cv.width_mm / 2), (n * d + 2, spec.length_mm + 3), 0.3)
        return cv.to_item("lithium_battery", is_threat_class=True,
                          variant=f"cell_pack_{spec.name}")
    if kind == "power_bank":
        pouch_inside = bool(rng.random() < 0.35)
        if pouch_inside:
            h, w, t = rng.uniform(60.0, 80.0), rng.uniform(100.0, 150.0), rng.uniform(10.0, 16.0)
        else:
            spec = CELLS[str(rng.choice(["18650", "21700"], p=[0.75, 0.25]))]
            n = int(rng.integers(1, 7))
            d = 2 * spec.radius_mm
            h, w, t = n * d + 8.0, spec.length_mm + 30.0, d + 4.0
        cv = Canvas(h + 4.0, w + 4.0, pitch_mm)
        c = (cv.height_mm / 2, cv.width_mm / 2)
        case = str(rng.choice(["abs", "aluminium"], p=[0.7, 0.3]))
        box_shell(cv, case, c, (h, w), height_mm=t, wall_mm=1.8 if case == "abs" else 1.0,
                  corner_mm=6.0)
        if pouch_inside:
            cells = int(rng.integers(1, 3))
            for _ in range(cells):  # stacked along the beam
                draw_pouch_cell(cv, (c[0], c[1] - 10.0), (h - 8.0, w - 35.0),
                                (t - 4.0) / cells, tabs=False)
        else:
            stamp = cell_stamp(spec, pitch_mm)
            for k in range(n):
                cv.stamp(stamp, (c[0] - n * d / 2 + k * d, c[1] - w / 2 + 4.0))
            slab(cv, "nickel", (c[0], c[1] - w / 2 + 5.0), (n * d, 5.0), 0.6)
        _pcb(cv, rng, (c[0], c[1] + w / 2 - 14.0), (h - 8.0, 18.0), chips=int(rng.integers(2, 5)))
        box_shell(cv, "steel", (c[0], c[1] + w / 2 - 4.0), (9.0, 8.0), height_mm=4.0,
                  wall_mm=0.3)  # USB socket shell
        return cv.to_item("lithium_battery", is_threat_class=True,
                          variant="power_bank_pouch" if pouch_inside else "power_bank_cells")
    h, w, t = rng.uniform(40.0, 110.0), rng.uniform(30.0, 70.0), rng.uniform(4.0, 12.0)
    cv = Canvas(h + 40.0, w + 4.0, pitch_mm)
    c = (cv.height_mm / 2 + 8.0, cv.width_mm / 2)
    draw_pouch_cell(cv, c, (h, w), t)
    _pcb(cv, rng, (c[0] - h / 2 - 4.0, c[1]), (5.0, w * 0.8), chips=2, thickness_mm=0.8)
    wire_y0 = c[0] - h / 2 - 6.0
    for k, mat in enumerate(("copper", "copper")):  # red/black leads to a plastic plug
        x = c[1] + (k - 0.5) * 4.0
        tube_path(cv, "pvc", [(wire_y0, x), (wire_y0 - 12.0, x + 2.0)], 1.0)
        tube_path(cv, mat, [(wire_y0, x), (wire_y0 - 12.0, x + 2.0)], 0.45)
    slab(cv, "nylon", (wire_y0 - 14.0, c[1] + 1.0), (5.0, 12.0), 5.0)
    return cv.to_item("lithium_battery", is_threat_class=True, variant="pouch")


# ---------------------------------------------------------------------------
# laptop


def build_laptop(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A closed laptop: base with battery, board, cooling and keyboard, lid with screen."""
    kind = str(rng.choice(["ultrabook", "plastic", "gaming"], p=[0.4, 0.4, 0.2]))
    w = rng.uniform(290.0, 340.0) if kind != "gaming" else rng.uniform(350.0, 400.0)
    d = w * rng.uniform(0.64, 0.72)
    base_h = {"ultrabook": 11.0, "plastic": 17.0, "gaming": 20.0}[kind] + rng.uniform(0.0, 4.0)
    shell = "aluminium" if kind == "ultrabook" or rng.random() < 0.25 else "abs"
    wall = 1.0 if shell == "aluminium" else 2.2
    cv = Canvas(d + 4.0, w + 4.0, pitch_mm)
    c = (cv.height_mm / 2, cv.width_mm / 2)
    top, left = c[0] - d / 2, c[1] - w / 2  # y grows from the hinge (back) to the front
    box_shell(cv, shell, c, (d, w), height_mm=base_h, wall_mm=wall, corner_mm=8.0)
    box_shell(cv, shell, c, (d, w), height_mm=6.0, wall_mm=wall * 0.8, corner_mm=8.0)  # lid
    # screen: cover glass, LCD glass pair, PMMA light guide, steel/Al back frame
    scr = (d - 16.0, w - 14.0)
    slab(cv, "glass", c, scr, rng.uniform(1.0, 1.6))
    slab(cv, "pmma", c, scr, rng.uniform(0.6, 2.0))
    slab(cv, "aluminium", c, scr, 0.3)
    # keyboard: support plate and a grid of key caps
    kb_c = (top + d * 0.42, c[1])
    kb = (d * 0.38, w * 0.86)
    slab(cv, "aluminium" if kind == "ultrabook" else "steel", kb_c, kb,
         0.5 if kind == "ultrabook" else 0.3)
    win = cv.window(kb_c[0] - kb[0] / 2, kb_c[1] - kb[1] / 2, kb_c[0] + kb[0] / 2,
                    kb_c[1] + kb[1] / 2)
    if win is not None:
        key_pitch = np.float32(19.0)
        gy = np.mod(win.y_mm - np.float32(kb_c[0] - kb[0] / 2), key_pitch) < 15.5
        gx = np.mod(win.x_mm - np.float32(kb_c[1] - kb[1] / 2), key_pitch) < 15.5
        inside = ((np.abs(win.y_mm - np.float32(kb_c[0])) < kb[0] / 2)
                  & (np.abs(win.x_mm - np.float32(kb_c[1])) < kb[1] / 2))
        cv.add("abs", win, (gy & gx & inside).astype(np.float32) * np.float32(1.2))
    # battery along the front edge
    bat_c = (top + d - 42.0, c[1])
    if kind == "plastic" and rng.random() < 0.4:
        spec = CELLS["18650"]
        stamp = cell_stamp(spec, pitch_mm)
        n = int(rng.integers(4, 7))
        x0 = c[1] - n * spec.length_mm / 2
        for k in range(n):  # cells end to end in one long shrink-wrapped row
            cv.stamp(stamp, (bat_c[0] - spec.radius_mm - 1.0, x0 + k * spec.length_mm))
        battery = "cells_18650"
    else:
        n = int(rng.integers(3, 5))
        cell_w = min(w * 0.7 / n, 75.0)
        cell_t = base_h * 0.35
        for k in range(n):
            draw_pouch_cell(cv, (bat_c[0], c[1] + (k - (n - 1) / 2) * (cell_w + 2.0)),
                            (60.0, cell_w), cell_t, tabs=False)
        battery = "pouch"
    _pcb(cv, rng, (bat_c[0] - 38.0, c[1]), (8.0, w * 0.5), chips=2, thickness_mm=0.8)
    # motherboard at the back, cooling over the CPU
    mb_c = (top + d * 0.28, c[1] + rng.uniform(-0.1, 0.1) * w)
    mb = (d * 0.38, w * rng.uniform(0.45, 0.6))
    _pcb(cv, rng, mb_c, mb, chips=int(rng.integers(6, 12)))
    cpu = (mb_c[0], mb_c[1] + rng.uniform(-0.2, 0.2) * mb[1])
    slab(cv, "copper", cpu, (30.0, 30.0), 1.0)  # heat spreader
    fans = 2 if kind == "gaming" else int(rng.integers(0, 2))
    for k in range(fans):
        fc = (top + 35.0, left + 40.0 if k == 0 else left + w - 40.0)
        tube_path(cv, "copper", [cpu, (fc[0], cpu[1]), fc], 3.0, inner_r_mm=2.6)
        ring(cv, shell if shell == "abs" else "aluminium", fc, 32.0, 30.0, base_h * 0.6)
        ellipse(cv, "abs", fc, (27.0, 27.0), base_h * 0.15)
        slab(cv, "copper", (top + 8.0, fc[1]), (10.0, 55.0), base_h * 0.25)  # fin stack
    # RAM, SSD, hinges, speakers, screws, ports
    _pcb(cv, rng, (mb_c[0] + mb[0] * 0.25, mb_c[1] - mb[1] * 0.4), (30.0, 68.0), chips=4)
    _pcb(cv, rng, (mb_c[0] - mb[0] * 0.2, mb_c[1] + mb[1] * 0.35), (22.0, 80.0), chips=3)
    for x in (left + 50.0, left + w - 50.0):
        slab(cv, "steel", (top + 6.0, x), (8.0, 30.0), 7.0, corner_mm=2.0)
        ellipse(cv, "iron", (top + d - 20.0, x - 20.0 if x < c[1] else x + 20.0), (6.0, 10.0), 3.0)
    for y in (top + 6.0, top + d - 6.0):
        for x in np.linspace(left + 12.0, left + w - 12.0, 5):
            ellipse(cv, "steel", (y, float(x)), (1.6, 1.6), 6.0)
    for k in range(int(rng.integers(2, 5))):
        y = top + d * (0.25 + 0.15 * k)
        box_shell(cv, "steel", (y, left + 6.0), (13.0, 10.0), height_mm=5.0, wall_mm=0.3)
    return cv.to_item("laptop", is_threat_class=True, variant=f"{kind}_{battery}")


# ---------------------------------------------------------------------------
# smartphone


def build_smartphone(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A phone lying face down or up: glass, metal frame, pouch battery, board, camera."""
    h, w = rng.uniform(138.0, 165.0), rng.uniform(65.0, 78.0)
    t = rng.uniform(7.4, 9.0)
    back = str(rng.choice(["glass", "aluminium", "polycarbonate"], p=[0.6, 0.25, 0.15]))
    frame = "stainless_steel" if back == "glass" and rng.random() < 0.3 else "aluminium"
    cv = Canvas(h + 4.0, w + 4.0, pitch_mm)
    c = (cv.height_mm / 2, cv.width_mm / 2)
    corner = rng.uniform(7.0, 12.0)
    box_shell(cv, frame, c, (h, w), height_mm=t, wall_mm=rng.uniform(1.4, 2.4), plate_mm=0.0,
              corner_mm=corner)
    slab(cv, "glass", c, (h - 1.0, w - 1.0), 0.7, corner_mm=corner)  # cover glass + OLED
    slab(cv, {"glass": "glass", "aluminium": "aluminium", "polycarbonate": "pmma"}[back], c,
         (h - 1.0, w - 1.0), 0.7 if back != "polycarbonate" else 1.0, corner_mm=corner)
    slab(cv, "aluminium", c, (h - 4.0, w - 4.0), 0.5, corner_mm=corner)  # mid-frame plate
    top = c[0] - h / 2
    bat_h = h * rng.uniform(0.45, 0.55)
    bat_c = (top + h * 0.58, c[1])
    draw_pouch_cell(cv, bat_c, (bat_h, w - 12.0), rng.uniform(3.5, 4.8), tabs=False)
    # main board in the top part, with steel RF shields over the chips
    pcb_c = (top + h * 0.18, c[1])
    pcb = (h * 0.28, w - 10.0)
    _pcb(cv, rng, pcb_c, pcb, chips=int(rng.integers(5, 9)), thickness_mm=0.8)
    slab(cv, "stainless_steel", pcb_c, (pcb[0] * 0.8, pcb[1] * 0.7), 0.2)
    _pcb(cv, rng, (top + h - 10.0, c[1]), (12.0, w - 12.0), chips=2, thickness_mm=0.8)
    # cameras: lens stack, steel ring, voice-coil magnets
    n_cam = int(rng.integers(1, 4))
    for k in range(n_cam):
        cc = (top + 12.0 + k * 12.0, c[1] - w / 2 + 16.0)
        ring(cv, "stainless_steel", cc, 6.0, 4.5, 1.5)
        ellipse(cv, "glass", cc, (4.5, 4.5), 3.0)
        for s in (-1.0, 1.0):
            slab(cv, "iron", (cc[0], cc[1] + s * 6.0), (8.0, 1.5), 3.0)
    # loudspeaker magnet, vibration motor, SIM tray, USB-C socket
    slab(cv, "iron", (top + h - 16.0, c[1] + w * 0.25), (8.0, 14.0), 2.5)
    slab(cv, "tungsten" if rng.random() < 0.3 else "steel", (top + h - 20.0, c[1] - w * 0.25),
         (8.0, 12.0), 3.0)
    slab(cv, "stainless_steel", (top + h * 0.3, c[1] + w / 2 - 3.0), (26.0, 4.0), 1.2)
    box_shell(cv, "stainless_steel", (top + h - 3.0, c[1]), (6.0, 9.0), height_mm=3.2,
              wall_mm=0.3)
    return cv.to_item("smartphone", is_threat_class=True, variant=f"{back}_back")


# ---------------------------------------------------------------------------
# clutter: cables and chargers


def build_cables(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A coiled charging cable, a mains cord, or a wall charger with its cable."""
    kind = str(rng.choice(["usb_coil", "power_cord", "charger"], p=[0.4, 0.25, 0.35]))
    cable_r = {"usb_coil": 1.8, "power_cord": 3.5, "charger": 1.8}[kind]
    copper_frac = {"usb_coil": 0.12, "power_cord": 0.2, "charger": 0.12}[kind]
    turns = int(rng.integers(3, 10))
    ring_r = rng.uniform(35.0, 70.0)
    # a bundle of n turns packs into a round bundle of ~sqrt(n) cable diameters
    bundle_r = cable_r * math.sqrt(turns) / 0.85
    size = 2 * (ring_r + bundle_r + 8.0)
    extra = 60.0 if kind == "charger" else 0.0
    cv = Canvas(size + extra, size, pitch_mm)
    c = (size / 2, size / 2)
    phase = rng.uniform(0.0, 2 * math.pi)
    wobble = rng.uniform(0.0, 6.0)
    torus(cv, "pvc", c, ring_r, bundle_r, wobble_mm=wobble, wobble_phase=phase,
          scale=1.0 - copper_frac - 0.15)
    torus(cv, "copper", c, ring_r, bundle_r, wobble_mm=wobble, wobble_phase=phase,
          scale=copper_frac)
    # plugs at the cable ends: steel shell in a plastic overmould
    for k in range(2):
        a = phase + k * 2.3
        p = (c[0] + ring_r * math.sin(a), c[1] + ring_r * math.cos(a))
        slab(cv, "abs", p, (25.0, 11.0), 7.0, corner_mm=3.0, angle_deg=math.degrees(-a))
        box_shell(cv, "steel", (p[0] + 12.0 * math.cos(a), p[1] - 12.0 * math.sin(a)), (9.0, 9.0),
                  height_mm=3.0, wall_mm=0.3, angle_deg=math.degrees(-a))
    if kind == "charger":
        bc = (size + extra / 2 - 4.0, size / 2)
        bw, bh = rng.uniform(40.0, 60.0), rng.uniform(40.0, 55.0)
        box_shell(cv, "abs" if rng.random() < 0.8 else "polypropylene", bc, (bh, bw),
                  height_mm=28.0, wall_mm=2.0, corner_mm=5.0)
        slab(cv, "iron", bc, (12.0, 16.0), 14.0)  # transformer core
        ring(cv, "copper", bc, 9.0, 5.0, 6.0)  # winding
        _pcb(cv, rng, bc, (bh - 6.0, bw - 6.0), chips=3)
        cylinder_side(cv, "aluminium", (bc[0] - 12.0, bc[1] + 10.0), (bc[0] + 5.0, bc[1] + 10.0),
                      4.0, inner_r_mm=3.7)  # electrolytic capacitor
        for s in (-1.0, 1.0):  # mains pins
            cylinder_side(cv, "brass", (bc[0] + bh / 2, bc[1] + s * 9.5),
                          (bc[0] + bh / 2 + 1.0, bc[1] + s * 9.5), 2.4)
        lead = [(c[0] + ring_r, c[1]), (bc[0] - bh / 2, bc[1])]
        tube_path(cv, "pvc", lead, cable_r, scale=1.0 - copper_frac)
        tube_path(cv, "copper", lead, cable_r, scale=copper_frac)
    return cv.to_item("cables", is_threat_class=False, variant=kind)
