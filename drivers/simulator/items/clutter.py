"""Everyday parcel contents (no ground truth class): clothes, books, shoes,
cosmetics, food, toys, umbrella, keys, coins. Cables live in ``electronics``.

Clutter is what hides threats: dense organics (books, shoes, food) and small
metal (zippers, cans, keys, coins) that a detector must learn to look past.
"""

from __future__ import annotations

import math

import numpy as np

from drivers.simulator.items._shapes import (
    Canvas,
    Point,
    box_shell,
    cylinder_side,
    ellipse,
    polygon,
    polygon_coverage,
    revolve_end,
    revolve_side,
    ring,
    slab,
    torus,
    tube_path,
)
from drivers.simulator.model import ItemModel


def _clutter(cv: Canvas, name: str, variant: str) -> ItemModel:
    return cv.to_item(name, is_threat_class=False, variant=variant)


def build_clothes(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A folded garment: soft cotton stack with fold ridges and its small metal."""
    kind = str(rng.choice(["tshirt", "jeans", "shirt", "jacket", "rolled"],
                          p=[0.3, 0.25, 0.2, 0.15, 0.1]))
    if kind == "rolled":
        length, r = rng.uniform(180.0, 320.0), rng.uniform(25.0, 50.0)
        cv = Canvas(2 * r + 4.0, length + 4.0, pitch_mm)
        revolve_side(cv, "cotton", (r + 2.0, 2.0), (r + 2.0, length + 2.0),
                     [0.0, 8.0, length - 8.0, length], [r * 0.8, r, r, r * 0.8])
        return _clutter(cv, "clothes", kind)
    h, w = rng.uniform(200.0, 340.0), rng.uniform(160.0, 300.0)
    t = {"tshirt": (8.0, 25.0), "jeans": (20.0, 45.0), "shirt": (10.0, 25.0),
         "jacket": (40.0, 90.0)}[kind]
    thick = rng.uniform(*t)
    angle = rng.uniform(-6.0, 6.0)
    cv = Canvas(h + 12.0, w + 12.0, pitch_mm)
    c = (cv.height_mm / 2, cv.width_mm / 2)
    slab(cv, "cotton", c, (h, w), thick, corner_mm=15.0, angle_deg=angle, edge_mm=thick * 0.6)
    # folds: each fold doubles the cloth over a strip along one edge
    for _ in range(int(rng.integers(1, 4))):
        vertical = bool(rng.random() < 0.5)
        s = rng.uniform(0.15, 0.4) * (w if vertical else h)
        off = rng.choice([-1.0, 1.0]) * ((w if vertical else h) / 2 - s / 2)
        fc = (c[0], c[1] + off) if vertical else (c[0] + off, c[1])
        size = (h - 6.0, s) if vertical else (s, w - 6.0)
        slab(cv, "cotton", fc, size, thick * rng.uniform(0.15, 0.4), corner_mm=8.0,
             angle_deg=angle, edge_mm=5.0)
    if kind == "jeans":
        zc = (c[0] + rng.uniform(-0.2, 0.2) * h, c[1] + rng.uniform(-0.2, 0.2) * w)
        za = rng.uniform(0.0, 180.0)
        slab(cv, "brass" if rng.random() < 0.6 else "zinc", zc, (110.0, 6.0), 1.2,
             angle_deg=za)  # zipper teeth, metal fraction of a 3 mm chain
        ellipse(cv, "steel", (zc[0] - 65.0 * math.cos(math.radians(za)),
                              zc[1] - 65.0 * math.sin(math.radians(za))), (8.5, 8.5), 2.5)
        for _ in range(int(rng.integers(4, 7))):  # copper rivets
            ellipse(cv, "copper", (c[0] + rng.uniform(-0.4, 0.4) * h,
                                   c[1] + rng.uniform(-0.4, 0.4) * w), (4.0, 4.0), 2.0)
    elif kind == "shirt":
        x = c[1] + rng.uniform(-0.15, 0.15) * w
        for k in range(int(rng.integers(5, 9))):
            ellipse(cv, "pmma" if rng.random() < 0.7 else "nylon",
                    (c[0] - h * 0.4 + k * h * 0.1, x), (5.5, 5.5), 2.0)
    elif kind == "jacket":
        za = rng.uniform(-10.0, 10.0)
        metal = "steel" if rng.random() < 0.5 else "nylon"
        slab(cv, metal, (c[0], c[1] + rng.uniform(-0.1, 0.1) * w), (h * 0.9, 6.0),
             1.0 if metal == "steel" else 2.5, angle_deg=za)
        for k in range(int(rng.integers(0, 5))):  # snap buttons
            ring(cv, "brass", (c[0] - h * 0.3 + k * h * 0.15, c[1] + w * 0.3), 7.0, 3.0, 2.0)
    return _clutter(cv, "clothes", kind)


def build_books(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A paperback, a hardcover, a spiral notebook, or a small stack of them."""
    kind = str(rng.choice(["paperback", "hardcover", "spiral", "stack"],
                          p=[0.35, 0.3, 0.15, 0.2]))
    h, w = rng.uniform(170.0, 260.0), rng.uniform(110.0, 190.0)
    n = int(rng.integers(2, 5)) if kind == "stack" else 1
    cv = Canvas(h + 40.0, w + 40.0, pitch_mm)
    c0 = (cv.height_mm / 2, cv.width_mm / 2)
    for k in range(n):
        c = (c0[0] + rng.uniform(-10, 10) * (k > 0), c0[1] + rng.uniform(-10, 10) * (k > 0))
        a = float(rng.uniform(-8.0, 8.0)) if k > 0 else 0.0
        bh, bw = h * rng.uniform(0.85, 1.0), w * rng.uniform(0.85, 1.0)
        pages = rng.uniform(8.0, 45.0) if kind != "spiral" else rng.uniform(5.0, 15.0)
        slab(cv, "paper", c, (bh, bw), pages, corner_mm=1.0, angle_deg=a)
        if kind == "hardcover":
            slab(cv, "cardboard", c, (bh + 6.0, bw + 4.0), 2 * rng.uniform(2.0, 3.0) / 0.55 * 0.8,
                 angle_deg=a)  # boards are dense greyboard, ~0.8 g/cm³
        else:
            slab(cv, "paper", c, (bh, bw), 0.6, angle_deg=a)  # card cover
    if kind == "spiral":
        x = c0[1] - w * 0.45
        pts = []
        for k in range(int(h / 6.0)):  # the wire loops project as a zigzag
            y = c0[0] - h * 0.45 + k * 6.0
            pts += [(y, x - 5.0), (y + 3.0, x + 5.0)]
        tube_path(cv, "steel", pts, 0.6)
    return _clutter(cv, "books", kind)


def _sole_outline(length: float, width: float) -> list[Point]:
    """Footprint of a shoe sole (toe at +x), origin at the heel, as a polygon."""
    s = np.linspace(0.0, 1.0, 20)
    # half-width along the foot: narrow heel, arch, wide ball, rounded toe
    half = width / 2 * (0.62 + 0.3 * np.sin(np.pi * np.clip(s * 1.15, 0, 1)) ** 0.8
                        - 0.12 * np.exp(-((s - 0.42) / 0.1) ** 2))
    half = half * np.sqrt(np.clip((1.0 - s) / 0.12, 0, 1)) ** 0.5
    half[0] *= 0.7
    upper = [(-float(hw), float(x)) for hw, x in zip(half, s * length, strict=True)]
    lower = [(float(hw), float(x)) for hw, x in zip(half[::-1], s[::-1] * length, strict=True)]
    return upper + lower


def build_shoes(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """One shoe or a pair: rubber sole (foam midsole for trainers), leather or textile
    upper seen as a shell, steel shank, eyelets; boots may have a steel toe cap."""
    kind = str(rng.choice(["trainer", "leather_shoe", "boot"], p=[0.45, 0.35, 0.2]))
    pair = bool(rng.random() < 0.6)
    length, width = rng.uniform(240.0, 310.0), rng.uniform(85.0, 110.0)
    upper_h = {"trainer": 70.0, "leather_shoe": 60.0, "boot": 130.0}[kind]
    cv = Canvas((width + 10.0) * (2 if pair else 1) + 10.0, length + 12.0, pitch_mm)
    for k in range(2 if pair else 1):
        cy = 5.0 + (width + 10.0) * (k + 0.5)
        flip = -1.0 if k == 1 else 1.0
        outline = [(cy + flip * p[0], 6.0 + p[1]) for p in _sole_outline(length, width)]
        got = polygon_coverage(cv, outline)
        if got is None:
            continue
        win, cov = got
        # sole thicker at the heel; foam midsole in trainers
        heel = np.clip(1.0 - (win.x_mm - 6.0) / np.float32(length), 0.0, 1.0)
        sole_t = rng.uniform(6.0, 12.0) + 10.0 * heel * (kind != "trainer")
        cv.add("rubber", win, cov * sole_t)
        if kind == "trainer":
            cv.add("foam", win, cov * (15.0 + 15.0 * heel))
        else:
            cv.add("leather" if rng.random() < 0.5 else "cardboard", win, cov * 4.0)  # insole
        # upper: two walls face the beam over the foot, the sides are seen edge-on
        upper = "leather" if kind != "trainer" else "nylon"
        inner = [(cy + 0.88 * (p[0] - cy), 6.0 + length * 0.06 + 0.88 * (p[1] - 6.0))
                 for p in outline]
        got_in = polygon_coverage(cv, inner)
        wall = 1.6 if upper == "leather" else 1.2
        cv.add(upper, win, cov * (2 * wall))
        if got_in is not None:
            win_in, cov_in = got_in
            band = cov.copy()
            band[win_in.rows.start - win.rows.start: win_in.rows.stop - win.rows.start,
                 win_in.cols.start - win.cols.start: win_in.cols.stop - win.cols.start] -= cov_in
            cv.add(upper, win, np.clip(band, 0, 1) * np.float32(upper_h * wall / 10.0))
        cv.add("foam" if kind == "trainer" else "cotton", win, cov * 6.0)  # lining
        slab(cv, "steel", (cy, 6.0 + length * 0.4), (14.0, 100.0), 1.4, corner_mm=3.0)  # shank
        for j in range(int(rng.integers(4, 8))):  # eyelets along the lacing
            ring(cv, "steel" if rng.random() < 0.7 else "brass",
                 (cy + flip * 14.0 * (j % 2 * 2 - 1), 6.0 + length * (0.55 + 0.04 * j)),
                 3.0, 1.8, 1.0)
        if kind == "boot" and rng.random() < 0.5:
            ellipse(cv, "steel", (cy, 6.0 + length * 0.88), (width * 0.42, length * 0.11), 5.0,
                    dome=True)  # steel toe cap seen from above
        elif kind == "boot":
            tube_path(cv, "zinc", [(cy + flip * 30.0, 6.0 + length * 0.3),
                                   (cy + flip * 30.0, 6.0 + length * 0.6)], 2.0)  # side zip
    return _clutter(cv, "shoes", f"{kind}_{'pair' if pair else 'single'}")


def build_cosmetics(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A few toiletries: cream jars, tubes, lipstick, a perfume bottle."""
    n = int(rng.integers(1, 5))
    side = 90.0 + 40.0 * n
    cv = Canvas(side * 0.7, side, pitch_mm)
    kinds = []
    for k in range(n):
        kind = str(rng.choice(["jar", "tube", "lipstick", "perfume"]))
        kinds.append(kind)
        c = (cv.height_mm * rng.uniform(0.35, 0.65), 45.0 + k * 40.0 + rng.uniform(-10, 10))
        if kind == "jar":  # standing jar: glass or PP walls seen along their height
            r, hh = rng.uniform(22.0, 35.0), rng.uniform(30.0, 50.0)
            mat = "glass" if rng.random() < 0.5 else "polypropylene"
            wall = 4.0 if mat == "glass" else 2.0
            revolve_end(cv, mat, c, [0.0, hh], [r, r], inner_r_mm=[r - wall, r - wall],
                        samples=4)
            ellipse(cv, mat, c, (r - wall, r - wall), wall * 1.5)  # base
            ellipse(cv, "glycerin", c, (r - wall, r - wall), hh * 0.8)
            ellipse(cv, "polypropylene", c, (r + 1.0, r + 1.0), 3.0)  # lid
        elif kind == "tube":
            ln, wd = rng.uniform(100.0, 170.0), rng.uniform(30.0, 50.0)
            a = float(rng.uniform(-30.0, 30.0))
            slab(cv, "glycerin", c, (wd, ln), rng.uniform(8.0, 18.0), corner_mm=6.0,
                 angle_deg=90.0 + a, edge_mm=8.0)
            slab(cv, "aluminium" if rng.random() < 0.3 else "polyethylene", c, (wd, ln), 0.5,
                 angle_deg=90.0 + a)
        elif kind == "lipstick":
            p0 = (c[0] - 38.0, c[1])
            p1 = (c[0] + 38.0, c[1])
            cylinder_side(cv, "aluminium" if rng.random() < 0.6 else "brass", p0, p1, 9.0,
                          inner_r_mm=8.4)
            cylinder_side(cv, "polyethylene", (c[0] - 10.0, c[1]), p1, 6.0)  # wax ~ paraffin
        else:  # perfume flask lying: thick glass, spirits, steel pump
            r, ln = rng.uniform(20.0, 30.0), rng.uniform(60.0, 100.0)
            p0 = (c[0] - ln / 2, c[1])
            p1 = (c[0] + ln / 2, c[1])
            cylinder_side(cv, "glass", p0, p1, r, inner_r_mm=r - 5.0)
            cylinder_side(cv, "spirits", (p0[0] + 6.0, p0[1]), (p1[0] - 6.0, p1[1]), r - 5.0)
            cylinder_side(cv, "stainless_steel", p1, (p1[0] + 12.0, p1[1]), 6.0, inner_r_mm=5.5)
    variant = "+".join(sorted(set(kinds)))
    return _clutter(cv, "cosmetics", variant)


def build_food(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """Canned food, snack packs in foil laminate, chocolate bars, a bag of rice."""
    kind = str(rng.choice(["can", "snacks", "chocolate", "rice_bag"], p=[0.3, 0.3, 0.2, 0.2]))
    if kind == "can":
        r, ln = rng.uniform(32.0, 52.0), rng.uniform(50.0, 120.0)
        n = int(rng.integers(1, 4))
        cv = Canvas(2 * r + 6.0, n * (ln + 4.0) + 6.0, pitch_mm)
        fill = "food" if rng.random() < 0.7 else "water"
        standing = bool(rng.random() < 0.4)
        for k in range(n):
            x0 = 3.0 + k * (ln + 4.0)
            if standing:  # upright: tinplate walls along the whole height, two lids
                c = (r + 3.0, x0 + r)
                revolve_end(cv, "steel", c, [0.0, ln], [r, r], inner_r_mm=[r - 0.2, r - 0.2],
                            samples=4)
                ellipse(cv, "steel", c, (r, r), 0.5)
                ellipse(cv, fill, c, (r - 0.3, r - 0.3), ln * 0.95)
            else:
                p0, p1 = (r + 3.0, x0), (r + 3.0, x0 + ln)
                cylinder_side(cv, "steel", p0, p1, r, inner_r_mm=r - 0.2)
                cylinder_side(cv, "steel", p0, (p0[0], x0 + 0.6), r)  # lids seen edge-on
                cylinder_side(cv, "steel", (p0[0], x0 + ln - 0.6), p1, r)
                cylinder_side(cv, fill, (p0[0], x0 + 0.6), (p0[0], x0 + ln - 0.6), r - 0.2)
        return _clutter(cv, "food", f"can_{'standing' if standing else 'lying'}")
    if kind == "snacks":
        n = int(rng.integers(1, 5))
        cv = Canvas(260.0, 120.0 + 60.0 * n, pitch_mm)
        for _ in range(n):
            h, w = rng.uniform(120.0, 230.0), rng.uniform(90.0, 170.0)
            c = (130.0 + rng.uniform(-10, 10), rng.uniform(w / 2 + 2, cv.width_mm - w / 2 - 2))
            a = float(rng.uniform(-15.0, 15.0))
            slab(cv, str(rng.choice(["starch", "sugar", "food"])), c, (h - 20.0, w - 10.0),
                 rng.uniform(5.0, 25.0) * 0.35, corner_mm=20.0, angle_deg=a, edge_mm=15.0)
            slab(cv, "polypropylene", c, (h, w), 0.1, angle_deg=a)
            slab(cv, "aluminium", c, (h, w), 0.016, angle_deg=a)  # metallised film
        return _clutter(cv, "food", "snacks")
    if kind == "chocolate":
        n = int(rng.integers(1, 6))
        h, w = rng.uniform(140.0, 200.0), rng.uniform(70.0, 90.0)
        cv = Canvas(h + 20.0, n * (w + 5.0) + 20.0, pitch_mm)
        for k in range(n):
            c = (cv.height_mm / 2 + rng.uniform(-5, 5), 10.0 + (k + 0.5) * (w + 5.0))
            slab(cv, "sugar", c, (h - 4.0, w - 4.0), rng.uniform(6.0, 12.0) * 0.75, corner_mm=3.0)
            slab(cv, "aluminium", c, (h - 2.0, w - 2.0), 0.024)
            slab(cv, "paper", c, (h, w), 0.4)
        return _clutter(cv, "food", "chocolate")
    h, w = rng.uniform(200.0, 320.0), rng.uniform(140.0, 220.0)
    cv = Canvas(h + 6.0, w + 6.0, pitch_mm)
    c = (cv.height_mm / 2, cv.width_mm / 2)
    slab(cv, "starch", c, (h, w), rng.uniform(40.0, 80.0) * 0.55, corner_mm=20.0, edge_mm=30.0)
    slab(cv, "polyethylene", c, (h + 4.0, w + 4.0), 0.2, corner_mm=10.0)
    return _clutter(cv, "food", "rice_bag")


def _aa_battery(cv: Canvas, p0: Point, p1: Point) -> None:
    """Alkaline AA (not a threat class): steel can, MnO2 cathode ring, zinc gel core."""
    cylinder_side(cv, "steel", p0, p1, 7.1, inner_r_mm=6.85)
    cylinder_side(cv, "mno2", p0, p1, 6.8, inner_r_mm=4.2)
    cylinder_side(cv, "zinc", p0, p1, 4.2, scale=0.5)
    cylinder_side(cv, "brass", p0, p1, 0.7)  # current collector nail


def build_toys(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A toy car (ABS, steel axles, maybe AA batteries), building bricks, or a plush."""
    kind = str(rng.choice(["car", "bricks", "plush"], p=[0.4, 0.35, 0.25]))
    if kind == "car":
        ln, wd = rng.uniform(120.0, 300.0), rng.uniform(60.0, 140.0)
        cv = Canvas(wd + 30.0, ln + 10.0, pitch_mm)
        c = (cv.height_mm / 2, cv.width_mm / 2)
        box_shell(cv, "abs", c, (wd, ln), height_mm=wd * 0.6, wall_mm=2.0, corner_mm=15.0)
        wr = wd * 0.22
        for ax in (c[1] - ln * 0.32, c[1] + ln * 0.32):
            cylinder_side(cv, "steel", (c[0] - wd / 2 - 8.0, ax), (c[0] + wd / 2 + 8.0, ax), 1.5)
            for s in (-1.0, 1.0):  # wheels stand on edge: rubber tyres seen side-on
                slab(cv, "rubber", (c[0] + s * (wd / 2 + 4.0), ax), (14.0, 2 * wr), 2 * wr * 0.8,
                     corner_mm=wr * 0.5, edge_mm=wr * 0.6)
        has_batt = bool(rng.random() < 0.5)
        if has_batt:
            for k in range(int(rng.integers(2, 5))):
                y = c[0] - 15.0 + k * 14.5
                _aa_battery(cv, (y, c[1] - 25.0), (y, c[1] + 25.0))
            slab(cv, "fr4", (c[0], c[1] + 45.0), (30.0, 30.0), 1.6)
            ellipse(cv, "iron", (c[0], c[1] + 75.0), (12.0, 12.0), 15.0)  # motor
        return _clutter(cv, "toys", "car_batteries" if has_batt else "car")
    if kind == "bricks":
        n = int(rng.integers(4, 20))
        side = 60.0 + 25.0 * math.sqrt(n) * 2
        cv = Canvas(side, side, pitch_mm)
        for _ in range(n):
            bh, bw = 15.8 * rng.integers(1, 3), 7.9 * rng.integers(2, 9)
            lo, hi = bw / 2 + 5, side - bw / 2 - 5
            c = (float(rng.uniform(lo, hi)), float(rng.uniform(lo, hi)))
            a = float(rng.uniform(0.0, 180.0))
            box_shell(cv, "abs", c, (float(bh), float(bw)), height_mm=11.4, wall_mm=1.5,
                      plate_mm=1.0, angle_deg=a)
        return _clutter(cv, "toys", "bricks")
    h, w = rng.uniform(150.0, 350.0), rng.uniform(100.0, 250.0)
    cv = Canvas(h + 6.0, w + 6.0, pitch_mm)
    c = (cv.height_mm / 2, cv.width_mm / 2)
    ellipse(cv, "cotton", c, (h / 2, w / 2), rng.uniform(50.0, 110.0) * 0.3, dome=True)
    for s in (-1.0, 1.0):
        ellipse(cv, "abs", (c[0] - h * 0.3, c[1] + s * w * 0.12), (5.0, 5.0), 4.0)
    if rng.random() < 0.3:  # sound box with button cells
        slab(cv, "abs", c, (40.0, 30.0), 15.0, corner_mm=4.0)
        for k in range(3):
            ellipse(cv, "steel", (c[0] - 8.0 + 8.0 * k, c[1]), (5.7, 5.7), 5.4)
    return _clutter(cv, "toys", "plush")


def build_umbrella(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A folded compact umbrella: steel shaft and ribs inside a fabric roll."""
    ln = rng.uniform(220.0, 320.0)
    cv = Canvas(70.0, ln + 40.0, pitch_mm)
    y = 35.0
    cylinder_side(cv, "steel", (y, 30.0), (y, 30.0 + ln), 5.0, inner_r_mm=4.4)
    for k in range(8):  # ribs fan slightly around the shaft
        off = (k - 3.5) * 2.2
        tube_path(cv, "steel", [(y + off * 0.3, 40.0), (y + off, 30.0 + ln * 0.95)], 1.0)
    revolve_side(cv, "nylon", (y, 30.0), (y, 30.0 + ln),
                 [0.0, 20.0, ln - 30.0, ln], [12.0, 22.0, 20.0, 8.0], scale=0.3)
    handle = str(rng.choice(["abs", "wood", "rubber"]))
    revolve_side(cv, handle, (y, 2.0), (y, 32.0), [0.0, 5.0, 30.0], [12.0, 15.0, 12.0])
    return _clutter(cv, "umbrella", "compact")


def build_keys(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A key ring with a few flat brass or steel keys and maybe a car fob."""
    n = int(rng.integers(1, 7))
    cv = Canvas(150.0, 150.0, pitch_mm)
    c = (40.0, 75.0)
    torus(cv, "steel", c, 13.0, 0.9)
    for _ in range(n):
        a = math.radians(rng.uniform(30.0, 150.0))
        d = (math.sin(a), math.cos(a))
        head = (c[0] + 12.0 * d[0], c[1] + 12.0 * d[1])
        ln = rng.uniform(45.0, 65.0)
        mat = "brass" if rng.random() < 0.6 else "nickel"
        bow = (head[0] + 12.0 * d[0], head[1] + 12.0 * d[1])
        slab(cv, mat, bow, (24.0, 24.0), 2.2, corner_mm=9.0, angle_deg=-math.degrees(a) + 90.0)
        tip = (head[0] + ln * d[0], head[1] + ln * d[1])
        n_ = (d[1], -d[0])
        blade = [(bow[0] + 4 * n_[0], bow[1] + 4 * n_[1]), (tip[0] + 2 * n_[0], tip[1] + 2 * n_[1]),
                 (tip[0] - 4 * n_[0], tip[1] - 4 * n_[1]), (bow[0] - 5 * n_[0], bow[1] - 5 * n_[1])]
        polygon(cv, mat, blade, 2.2)
    if rng.random() < 0.4:  # car key fob: plastic shell, board, coin cell
        f = (c[0] - 25.0, c[1] + 35.0)
        box_shell(cv, "abs", f, (35.0, 60.0), height_mm=14.0, wall_mm=1.8, corner_mm=10.0)
        slab(cv, "fr4", f, (28.0, 40.0), 1.0)
        ellipse(cv, "stainless_steel", f, (10.0, 10.0), 1.0)  # CR2032 can
        ellipse(cv, "mno2", f, (9.0, 9.0), 1.4)
    return _clutter(cv, "keys", f"ring_{n}")


_COINS: tuple[tuple[float, float, str], ...] = (
    (16.25, 1.67, "steel"), (18.0, 1.4, "nickel"), (19.05, 1.52, "copper"),
    (21.2, 1.95, "nickel"), (22.25, 2.33, "brass"), (24.26, 1.75, "nickel"),
    (23.25, 2.33, "brass"), (26.5, 2.0, "nickel"), (25.75, 2.2, "brass"),
)


def build_coins(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """Loose coins, spread or heaped, maybe in a leather purse."""
    n = int(rng.integers(2, 25))
    side = 40.0 + 14.0 * math.sqrt(n)
    cv = Canvas(side, side * 1.3, pitch_mm)
    heap = bool(rng.random() < 0.5)
    for _ in range(n):
        d, t, mat = _COINS[int(rng.integers(len(_COINS)))]
        spread = 0.25 if heap else 0.45
        c = (cv.height_mm * (0.5 + rng.uniform(-spread, spread) * 0.8),
             cv.width_mm * (0.5 + rng.uniform(-spread, spread) * 0.8))
        ellipse(cv, mat, c, (d / 2, d / 2), t)
    purse = bool(rng.random() < 0.4)
    if purse:
        slab(cv, "leather", (cv.height_mm / 2, cv.width_mm / 2),
             (cv.height_mm - 4.0, cv.width_mm - 4.0), 3.0, corner_mm=10.0, edge_mm=6.0)
    return _clutter(cv, "coins", ("heap" if heap else "spread") + ("_purse" if purse else ""))
